"""What every store offers: the records, their revisions, one write path, an audit trail.

A store keeps *raw records*, exactly the dicts the data folder's files hold (a
place is a GeoJSON Feature as in ``places.geojson``, a claim an item of
``claims.json`` with its ``history``, a source an item of ``sources.json``, a
briefing a ``briefings/<id>.json`` object), and validates them with the
loader's own code: :func:`check_edits` is what both stores and the editor call,
so nothing the editor accepts is refused by a store or by ``python -m briefmap
validate``, and nothing either refuses is accepted by the editor.

Records are never deleted: a retired record carries ``"retired": "YYYY-MM-DD"``
(a place in its ``properties``) and stays in the store, out of the catalog;
restoring it is an edit that removes the field.

Revisions
---------
A record's revision is a count that moves on every change: 0 when the record
does not exist, 1 for a record the store was given (the shipped files, an
import) or created, and one more for each change after that. An editor reads a
record with its revision (:meth:`Store.get`) and saves with that revision as
:attr:`Edit.expected_revision`; when the record moved in between, the save is
refused with :class:`StaleRevision`, which carries the other version so both
can be shown side by side (optimistic locking: nothing is merged silently).

Where this differs from the shared design (store-spec.md)
---------------------------------------------------------
- ``load()`` returns :class:`LoadedData` (the :class:`LoadResult` and the
  briefings with their issues), not the app's ``Data``: the app's class lives
  beside Streamlit, and a store must be usable without it (the CLI, tests).
- A revision starts at 1 for records the store was given, not at "its entries
  in the log": with a bare count, a shipped record would have revision 0,
  which :attr:`Edit.expected_revision` reserves for "must not exist yet".
- :func:`check_edits` takes the stored records (not a catalog): the raw
  records are what is validated; the catalog cannot express a record that
  failed its checks, and that record is exactly what an editor fixes. It
  validates the edited records and those depending on them (the active
  claims citing an edited place or source, the briefings naming an edited
  place) among the rest as already validated, with the loader's own code
  (:func:`briefmap.data.part_records.assemble_part`); tests hold it to what
  validating the whole data says. A claim's edit that moves the data's date
  span is not checked against the briefings' dates (a scene dated outside
  the new span); ``python -m briefmap validate`` still says so.
- The files store counts a record changed by hand since its last audit line as
  one revision more (:class:`~briefmap.store.files.FileStore`): a record the
  store was given and never changed through it has no line to compare with,
  so a hand edit of it is not seen until its first change through the store
  (which then records the hand-edited record as its ``before``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

from briefmap.data.schema import RETIRED_FIELD
from briefmap.data.validate import ValidationIssue

if TYPE_CHECKING:
    from briefmap.data.loader import LoadResult
    from briefmap.engine.briefings import Briefing

RecordKind = Literal["place", "claim", "source", "briefing"]
RECORD_KINDS: tuple[RecordKind, ...] = get_args(RecordKind)

# The field a change's note is reported under when it is missing.
WHY_FIELD = "why"


@dataclass(frozen=True)
class Editor:
    """Who made a change.

    ``id`` is stable across names: ``"oidc:<issuer>|<sub>"`` for a signed-in
    user, ``"name:<typed>"`` for a name typed where sign-in is not configured,
    ``"cli:<user>"`` from the command line. ``name`` is what is shown.
    """

    id: str
    name: str
    signed_in: bool = False

    @classmethod
    def typed(cls, name: str) -> Editor:
        """An editor known only by the name they typed (no sign-in configured)."""
        return cls(id=f"name:{name.strip()}", name=name.strip())

    @classmethod
    def command_line(cls, user: str) -> Editor:
        """The user running ``python -m briefmap`` (an import, an export)."""
        return cls(id=f"cli:{user}", name=user)


@dataclass(frozen=True)
class Edit:
    """One record's new content.

    ``record`` is the whole new record, as in the files (to retire it: the
    record with ``"retired"``; to restore it: without). ``expected_revision``
    is the revision the editor started from; 0 means the record must not exist
    yet (a new record).
    """

    kind: RecordKind
    id: str
    record: dict[str, Any]
    expected_revision: int


@dataclass(frozen=True)
class AuditEntry:
    """One change in the audit trail: who, when, what (before and after) and why.

    ``seq`` numbers a store's changes 1, 2, ... and is never reused; ``at`` is
    UTC, ``"2026-12-07T23:50:01Z"``; ``revision`` is the record's revision
    after this change; ``before`` is ``None`` when the change created the
    record; ``undoes`` is the ``seq`` of the change this one undoes.
    """

    seq: int
    at: str
    who: str
    who_name: str
    why: str
    kind: RecordKind
    record_id: str
    revision: int
    before: dict[str, Any] | None
    after: dict[str, Any]
    undoes: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The entry as one line of ``changes.jsonl`` holds it (and as a database row)."""
        return {
            "seq": self.seq,
            "at": self.at,
            "who": self.who,
            "who_name": self.who_name,
            "why": self.why,
            "kind": self.kind,
            "record_id": self.record_id,
            "revision": self.revision,
            "before": self.before,
            "after": self.after,
            "undoes": self.undoes,
        }

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> AuditEntry:
        """An entry read back from :meth:`to_json`'s form."""
        return cls(
            seq=int(raw["seq"]),
            at=str(raw["at"]),
            who=str(raw["who"]),
            who_name=str(raw["who_name"]),
            why=str(raw["why"]),
            kind=raw["kind"],
            record_id=str(raw["record_id"]),
            revision=int(raw["revision"]),
            before=raw.get("before"),
            after=raw["after"],
            undoes=raw.get("undoes"),
        )


def utc_now() -> str:
    """Now, as an audit entry's ``at``: UTC to the second, ``"2026-12-07T23:50:01Z"``."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def record_id(kind: RecordKind, record: Mapping[str, Any]) -> Any:
    """The id a raw record gives itself (a place's is in its ``properties``); ``None`` if none."""
    holder = record.get("properties") if kind == "place" else record
    return holder.get("id") if isinstance(holder, Mapping) else None


def retired_on(kind: RecordKind, record: Mapping[str, Any] | None) -> str | None:
    """The day a raw record was retired (its ``"retired"`` field), ``None`` while it is active."""
    if record is None:
        return None
    holder = record.get("properties") if kind == "place" else record
    return holder.get(RETIRED_FIELD) if isinstance(holder, Mapping) else None


def retired(kind: RecordKind, record: Mapping[str, Any], day: str) -> dict[str, Any]:
    """A copy of the record retired on ``day`` (YYYY-MM-DD): what an :class:`Edit` to retire it holds."""
    if kind == "place":
        return {**record, "properties": {**record.get("properties", {}), RETIRED_FIELD: day}}
    return {**record, RETIRED_FIELD: day}


def restored(kind: RecordKind, record: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of the record without its ``"retired"`` field: what an :class:`Edit` to restore it holds."""
    if kind == "place":
        props = {k: v for k, v in record.get("properties", {}).items() if k != RETIRED_FIELD}
        return {**record, "properties": props}
    return {k: v for k, v in record.items() if k != RETIRED_FIELD}


class StaleRevision(Exception):
    """The record moved since the editor read it: the save is refused, nothing is merged.

    ``current`` is the record as it is now (``None`` if it does not exist), to
    show beside what the editor typed.
    """

    def __init__(
        self,
        kind: RecordKind,
        record_id: str,
        expected: int,
        actual: int,
        current: dict[str, Any] | None,
    ) -> None:
        self.kind = kind
        self.record_id = record_id
        self.expected = expected
        self.actual = actual
        self.current = current
        if expected == 0:
            said = f"{kind} {record_id!r} already exists (revision {actual})"
        elif actual == 0:
            said = f"{kind} {record_id!r} does not exist (expected revision {expected})"
        else:
            said = (
                f"{kind} {record_id!r} was changed by someone else since it was read "
                f"(read at revision {expected}, now {actual})"
            )
        super().__init__(said)


class ChangeRefused(Exception):
    """The loader's rules refuse the change; each issue names the file, record and field."""

    def __init__(self, issues: Sequence[ValidationIssue]) -> None:
        self.issues = tuple(issues)
        super().__init__("; ".join(str(i) for i in self.issues) or "change refused")


@dataclass(frozen=True)
class StoredRecords:
    """Every raw record a store holds, retired ones too, by kind and id in the files' order.

    With the data set's ``briefmap.json`` content (``meta``, ``None`` when
    there is none) and ``claims.json``'s ``as_of``: read-only through the
    store for now; an import and an export carry them.
    """

    places: dict[str, dict[str, Any]] = field(default_factory=dict)
    claims: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    briefings: dict[str, dict[str, Any]] = field(default_factory=dict)
    meta: dict[str, Any] | None = None
    as_of: str | None = None

    def of(self, kind: RecordKind) -> dict[str, dict[str, Any]]:
        """The records of one kind, by id."""
        return {
            "place": self.places,
            "claim": self.claims,
            "source": self.sources,
            "briefing": self.briefings,
        }[kind]


@dataclass(frozen=True)
class LoadedData:
    """The validated catalog of a store's current version, and its briefings."""

    loaded: LoadResult
    briefings: dict[str, Briefing] = field(default_factory=dict)
    briefing_issues: tuple[ValidationIssue, ...] = ()


class Store(Protocol):
    """A store of places, claims, sources and briefings: files, or a shared database.

    Every change goes through :meth:`save` (or :meth:`undo`, itself a save):
    all or nothing, checked with the loader's rules, recorded in the audit
    trail. Reads are cheap where a server asks on every rerun
    (:meth:`version`).
    """

    def version(self) -> str:
        """A text that moves on every change; cheap (a stat, or a cached one-row query)."""
        ...

    def records(self) -> StoredRecords:
        """Every raw record (retired too), the metadata and ``as_of``: for export and snapshots."""
        ...

    def load(self) -> LoadedData:
        """The validated catalog (retired records left out) and briefings of the current version."""
        ...

    def revision(self, kind: RecordKind, record_id: str) -> int:
        """The record's revision; 0 when it does not exist."""
        ...

    def get(self, kind: RecordKind, record_id: str) -> tuple[dict[str, Any] | None, int]:
        """The raw record (retired or not) and its revision; ``(None, 0)`` when absent."""
        ...

    def save(self, edits: Sequence[Edit], who: Editor, why: str) -> str:
        """Apply edits all or nothing, and return the new version.

        Checks every ``expected_revision`` (:class:`StaleRevision`), validates
        the result with the loader's rules (:class:`ChangeRefused`, also for an
        empty ``why``), writes, and appends one :class:`AuditEntry` per edit.
        """
        ...

    def history(self, kind: RecordKind, record_id: str) -> list[AuditEntry]:
        """The record's changes, oldest first."""
        ...

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        """The store's latest changes, newest first."""
        ...

    def undo(self, seq: int, who: Editor, why: str) -> str:
        """Undo a change by a new change: restore its ``before``, or retire a record it created.

        :class:`StaleRevision` if the record moved since that change.
        """
        ...

    def changes_since(self, seq: int) -> list[AuditEntry]:
        """Every change after ``seq``, oldest first: for a server to patch its catalog."""
        ...


def check_edits(
    records: StoredRecords,
    edits: Sequence[Edit],
    *,
    why: str | None = None,
    before: LoadResult | None = None,
    who: Editor | None = None,
) -> list[ValidationIssue]:
    """What the loader's rules say against these edits; empty when they may be saved.

    The one check shared by both stores and the editor. ``records`` are the
    store's records before the edits; ``before`` is their validated load when
    the caller has it (else it is made): an issue the data had already is not
    the edits' fault and is not returned. ``why``, when given, must be a
    non-empty note (an issue on field ``"why"``) of at most 2,000 characters;
    ``who``, when given, an editor whose name and id a store can keep.
    """
    from briefmap.store.checks import edit_issues

    return edit_issues(records, edits, why=why, before=before, who=who)
