"""The team's store: PostgreSQL with PostGIS, shared by every app server (issue 27).

The records are the data files' own (a place's GeoJSON Feature, a claim with
its history, ...), kept whole as jsonb beside a revision; the database derives
what it queries by (a place's geometry in a GIST index, a claim's reported day
in a btree, whether a record is retired: ``migrations/0001_store.sql``). Every
change is one transaction that

1. locks the one ``store_version`` row, so saves run one after another and each
   is checked against the data as the save before it left it;
2. compares each edit's expected revision with the row's
   (``UPDATE ... SET revision = revision + 1 WHERE id = %s AND revision = %s``:
   a record moved since the editor read it refuses the whole save,
   :class:`~briefmap.store.base.StaleRevision`);
3. validates the records as they would be with the loader's own rules
   (:func:`~briefmap.store.base.check_edits`, the one check the files store and
   the editor call too; :class:`~briefmap.store.base.ChangeRefused`);
4. writes the records, one audit row per edit and the new version, and commits.

A server asks :meth:`PostgisStore.version` on every rerun: one row, read at
most once a second, so another server's save shows here within about a second.
Its copy of the raw records is patched from the audit trail's new entries
rather than read again whole, so a save at 100,000 claims reads one row per
change, not the table.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Json
from psycopg_pool import PoolTimeout

from briefmap.store.audit import Change, undoing
from briefmap.store.base import (
    RECORD_KINDS,
    AuditEntry,
    ChangeRefused,
    Edit,
    Editor,
    LoadedData,
    RecordKind,
    StaleRevision,
    StoredRecords,
    check_edits,
    utc_now,
)
from briefmap.store.checks import validated, validated_briefings
from briefmap.store.errors import StoreUnavailable
from briefmap.store.follow import followed
from briefmap.store.postgis_connect import describe_url, open_pool, redacted
from briefmap.store.postgis_rows import (
    AUDIT_COLUMNS,
    audit_entry,
    copied,
    insert_audit,
    with_changes,
)

# Each kind's table; the names are ours, never a user's.
TABLES: dict[str, str] = {
    "place": "places",
    "claim": "claims",
    "source": "sources",
    "briefing": "briefings",
}
# How long a server trusts the version it read last: another server's save shows
# within this, plus the rerun that asks.
VERSION_TTL_S = 1.0
# Rows per round trip when a server reads every record (its start, a new import).
READ_BATCH = 5_000


# Claims by area and dates: the query a team's server, or a report, runs on the
# database itself (the app's own filters run on its in-memory index).
AREA_AND_DATES = """
SELECT c.id FROM claims c
WHERE c.retired IS NULL
  AND c.reported BETWEEN %(start)s::date AND %(end)s::date
  AND EXISTS (
    SELECT 1 FROM claim_places cp JOIN places p ON p.id = cp.place_id
    WHERE cp.claim_id = c.id AND p.retired IS NULL
      AND p.geom && ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326)
  )
ORDER BY c.reported, c.id
"""


@dataclass
class _Snapshot:
    """A server's copy of the raw records at one version of the database."""

    records: StoredRecords
    version: int
    generation: int
    last_seq: int


class PostgisStore:
    """The :class:`~briefmap.store.base.Store` over a PostgreSQL database with PostGIS.

    Parameters
    ----------
    url
        A libpq URL (``postgresql://user:password@host:5432/briefmap``).
    max_connections
        The pool's size; a Streamlit server needs few (a save, a version check).
    timeout
        Seconds to wait for a connection before :class:`StoreUnavailable`.
    """

    def __init__(self, url: str, *, max_connections: int = 4, timeout: float = 10.0) -> None:
        self.url = url
        self.where = describe_url(url)
        self._pool = open_pool(url, max_connections=max_connections, timeout=timeout)
        # _lock: the records' copy and saves (a save holds it while it validates);
        # _version_lock: the version check alone, so a rerun never waits on a save.
        self._lock = threading.RLock()
        self._version_lock = threading.Lock()
        self._version: tuple[str, float] | None = None
        self._snapshot: _Snapshot | None = None
        self._loaded: tuple[tuple[int, int], LoadedData] | None = None
        # The raw records and audit seq the held data was validated from (store.follow).
        self._loaded_from: tuple[StoredRecords, int] | None = None

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """A connection of the pool; a lost server is :class:`StoreUnavailable`, not a traceback."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise StoreUnavailable(
                f"Lost the {self.where}: {redacted(exc, self.url)}. Nothing was saved by "
                "the change under way; try again when the server is back."
            ) from None

    def close(self) -> None:
        """Close the pool's connections."""
        self._pool.close()

    def __enter__(self) -> PostgisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ reading

    @staticmethod
    def _version_text(store_id: Any, version: int) -> str:
        return f"{str(store_id)[:8]}-{version}"

    def version(self) -> str:
        """The database's data version: one row, read at most once a second."""
        with self._version_lock:
            now = time.monotonic()
            if self._version is not None and now - self._version[1] < VERSION_TTL_S:
                return self._version[0]
            with self._connection() as conn:
                row = conn.execute("SELECT store_id, version FROM store_version").fetchone()
            assert row is not None  # noqa: S101 - the migration inserts the one row
            self._version = (self._version_text(*row), now)
            return self._version[0]

    def _read_all(self, conn: psycopg.Connection) -> StoredRecords:
        by_kind = {kind: _read_kind(conn, kind) for kind in RECORD_KINDS}
        meta_row = conn.execute("SELECT meta, as_of FROM meta").fetchone()
        meta, as_of = meta_row if meta_row else (None, None)
        return StoredRecords(
            places=by_kind["place"],
            claims=by_kind["claim"],
            sources=by_kind["source"],
            briefings=by_kind["briefing"],
            meta=meta,
            as_of=as_of,
        )

    def _current(self, conn: psycopg.Connection) -> _Snapshot:
        """The records as the database holds them now, patched from the audit trail when it can.

        Call with ``self._lock`` held.
        """
        row = conn.execute(
            "SELECT version, generation, (SELECT coalesce(max(seq), 0) FROM audit) "
            "FROM store_version"
        ).fetchone()
        assert row is not None  # noqa: S101 - the migration inserts the one row
        version, generation, last_seq = row
        snap = self._snapshot
        if snap is not None and snap.version == version and snap.generation == generation:
            return snap
        if snap is not None and snap.generation == generation and last_seq >= snap.last_seq:
            records = with_changes(snap.records, self._changes(conn, snap.last_seq))
        else:
            records = self._read_all(conn)
        self._snapshot = _Snapshot(records, version, generation, last_seq)
        return self._snapshot

    def records(self) -> StoredRecords:
        """Every raw record (retired too) in the order they were added, the metadata and as_of."""
        with self._lock, self._connection() as conn:
            return copied(self._current(conn).records)

    def load(self) -> LoadedData:
        """The validated catalog and briefings at the current version (retired records left out)."""
        with self._lock:
            with self._connection() as conn:
                snap = self._current(conn)
            key = (snap.generation, snap.version)
            if self._loaded is None or self._loaded[0] != key:
                data = self._followed(snap)
                self._loaded = (key, data or validated_data(snap.records))
                self._loaded_from = (snap.records, snap.last_seq)
            return self._loaded[1]

    def _followed(self, snap: _Snapshot) -> LoadedData | None:
        """The data held, patched with the audit trail's changes since (this server's or another's).

        Call with ``self._lock`` held. ``None`` when there is nothing to patch from.
        """
        held, since = self._loaded, self._loaded_from
        if held is None or since is None or held[0][0] != snap.generation:
            return None
        records, seq = since
        if seq > snap.last_seq:
            return None
        with self._connection() as conn:
            entries = self._changes(conn, seq)
        if not entries or entries[-1].seq != snap.last_seq:
            return None  # the trail moved on since the snapshot: validate what it holds
        return followed(records, held[1], entries)

    def revision(self, kind: RecordKind, record_id: str) -> int:
        """The record's revision; 0 when it does not exist."""
        return self.get(kind, record_id)[1]

    def get(self, kind: RecordKind, record_id: str) -> tuple[dict[str, Any] | None, int]:
        """The raw record (retired or not) and its revision; ``(None, 0)`` when absent."""
        if "\x00" in record_id:  # no id holds it (a link's ?claim=a%00b); PostgreSQL refuses it
            return None, 0
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT record, revision FROM {TABLES[kind]} WHERE id = %s",  # noqa: S608 - our table names
                (record_id,),
            ).fetchone()
        return (row[0], row[1]) if row else (None, 0)

    def _changes(self, conn: psycopg.Connection, seq: int) -> list[AuditEntry]:
        rows = conn.execute(
            f"SELECT {AUDIT_COLUMNS} FROM audit WHERE seq > %s ORDER BY seq",  # noqa: S608 - constant
            (seq,),
        )
        return [audit_entry(r) for r in rows]

    def changes_since(self, seq: int) -> list[AuditEntry]:
        """Every change after ``seq``, oldest first."""
        with self._connection() as conn:
            return self._changes(conn, seq)

    def history(self, kind: RecordKind, record_id: str) -> list[AuditEntry]:
        """The record's changes, oldest first."""
        if "\x00" in record_id:  # no id holds it; PostgreSQL refuses it in a query
            return []
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {AUDIT_COLUMNS} FROM audit WHERE kind = %s AND record_id = %s "  # noqa: S608 - constant
                "ORDER BY seq",
                (kind, record_id),
            )
            return [audit_entry(r) for r in rows]

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        """The latest changes, newest first."""
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT %s",  # noqa: S608 - constant
                (max(0, limit),),
            )
            return [audit_entry(r) for r in rows]

    def claim_ids_in(
        self, box: tuple[float, float, float, float], start: str, end: str
    ) -> list[str]:
        """Active claims reported between two days (ISO, inclusive) at a place in a box.

        ``box`` is (west, south, east, north) in degrees. Answered by the
        GIST index on the places' geometry and the btree on the claims'
        reported day (:data:`AREA_AND_DATES`).
        """
        west, south, east, north = box
        with self._connection() as conn:
            rows = conn.execute(
                AREA_AND_DATES,
                {
                    "west": west,
                    "south": south,
                    "east": east,
                    "north": north,
                    "start": start,
                    "end": end,
                },
            )
            return [r[0] for r in rows]

    # ------------------------------------------------------------ writing

    def save(self, edits: Sequence[Edit], who: Editor, why: str) -> str:
        """Apply edits all or nothing; the new version. See :class:`~briefmap.store.base.Store`."""
        return self._save(edits, Change(who, why))

    def undo(self, seq: int, who: Editor, why: str) -> str:
        """Undo change ``seq`` by a new change: its ``before`` again, or retire what it created."""
        with self._connection() as conn:
            row = conn.execute(
                f"SELECT {AUDIT_COLUMNS} FROM audit WHERE seq = %s",  # noqa: S608 - constant
                (seq,),
            ).fetchone()
        entry = audit_entry(row) if row is not None else None
        return self._save([undoing(seq, entry)], Change(who, why, undoes=seq))

    def _save(self, edits: Sequence[Edit], change: Change) -> str:
        with self._lock, self._connection() as conn, conn.transaction():
            # Saves queue here, one at a time across every server; then the records
            # are read as the last save left them, before this one changes anything.
            conn.execute("SELECT 1 FROM store_version FOR UPDATE")
            snap = self._current(conn)
            row = conn.execute(
                "UPDATE store_version SET version = version + 1, changed_at = now() "
                "RETURNING store_id, version"
            ).fetchone()
            assert row is not None  # noqa: S101 - the migration inserts the one row
            store_id, new_version = row
            revisions: dict[tuple[str, str], int] = {}
            befores: dict[tuple[str, str], dict[str, Any] | None] = {}
            for edit in edits:
                key = (edit.kind, edit.id)
                if edit.kind not in TABLES or not isinstance(edit.id, str) or "\x00" in edit.id:
                    continue  # check_edits names what is wrong with it (no text holds NUL)
                if key not in revisions:
                    found = conn.execute(
                        f"SELECT record, revision FROM {TABLES[edit.kind]} WHERE id = %s",  # noqa: S608 - our table names
                        (edit.id,),
                    ).fetchone()
                    befores[key], revisions[key] = (found[0], found[1]) if found else (None, 0)
                if revisions[key] != edit.expected_revision:
                    raise StaleRevision(
                        edit.kind, edit.id, edit.expected_revision, revisions[key], befores[key]
                    )
                revisions[key] += 1
                befores[key] = edit.record
            issues = check_edits(
                snap.records,
                edits,
                why=change.why,
                before=self._loaded_for(snap),
                who=change.who,
            )
            if issues:
                raise ChangeRefused(issues)
            seq = snap.last_seq
            at = utc_now()
            entries = []
            for edit in edits:
                table = TABLES[edit.kind]
                if edit.expected_revision == 0:
                    conn.execute(
                        f"INSERT INTO {table} (id, record, revision) VALUES (%s, %s, 1)",  # noqa: S608 - our table names
                        (edit.id, Json(edit.record)),
                    )
                    before = None
                else:
                    found = conn.execute(
                        f"SELECT record FROM {table} WHERE id = %s",  # noqa: S608 - our table names
                        (edit.id,),
                    ).fetchone()
                    before = found[0] if found else None
                    moved = conn.execute(
                        f"UPDATE {table} SET record = %s, revision = revision + 1 "  # noqa: S608 - our table names
                        "WHERE id = %s AND revision = %s",
                        (Json(edit.record), edit.id, edit.expected_revision),
                    ).rowcount
                    if moved != 1:  # pragma: no cover - the version row's lock rules it out
                        raise StaleRevision(edit.kind, edit.id, edit.expected_revision, -1, before)
                seq += 1
                entry = change.entry(seq, at, edit, before, edit.expected_revision + 1)
                insert_audit(conn, entry)
                entries.append(entry)
        # Committed: this server sees its own save at once.
        version = self._version_text(store_id, new_version)
        self._snapshot = _Snapshot(
            with_changes(snap.records, entries), new_version, snap.generation, seq
        )
        with self._version_lock:
            self._version = (version, time.monotonic())
        return version

    def _loaded_for(self, snap: _Snapshot) -> Any:
        """The validated load of a snapshot, when this server has it at hand (else None)."""
        if self._loaded is not None and self._loaded[0] == (snap.generation, snap.version):
            return self._loaded[1].loaded
        return None

    # ------------------------------------------------------------ import

    def replace_all(
        self,
        records: StoredRecords,
        revisions: dict[tuple[str, str], int],
        audit: Iterable[AuditEntry],
    ) -> str:
        """Replace everything the database holds (``db import``): records, revisions, audit trail.

        One transaction: a failure leaves the database as it was. Records keep
        their order; a record's revision is ``revisions[(kind, id)]``, else 1.
        """
        with self._lock, self._connection() as conn, conn.transaction():
            row = conn.execute(
                "UPDATE store_version SET version = version + 1, generation = generation + 1, "
                "changed_at = now() RETURNING store_id, version"
            ).fetchone()
            assert row is not None  # noqa: S101 - the migration inserts the one row
            conn.execute("TRUNCATE audit, claim_places, places, claims, sources, briefings")
            # COPY, and the claims' places in one statement after it rather than by
            # the row trigger: an import of 100,000 claims in seconds, not minutes.
            conn.execute("ALTER TABLE claims DISABLE TRIGGER claims_places")
            for kind in RECORD_KINDS:
                with (
                    conn.cursor() as cur,
                    cur.copy(f"COPY {TABLES[kind]} (id, record, revision) FROM STDIN") as copy,
                ):
                    for rid, record in records.of(kind).items():
                        copy.write_row((rid, Json(record), revisions.get((kind, rid), 1)))
            conn.execute(
                "INSERT INTO claim_places (claim_id, place_id) "
                "SELECT id, place_id FROM claims, briefmap_claim_place_ids(record) AS place_id"
            )
            conn.execute("ALTER TABLE claims ENABLE TRIGGER claims_places")
            conn.execute(
                "UPDATE meta SET meta = %s, as_of = %s",
                (Json(records.meta) if records.meta is not None else None, records.as_of),
            )
            for entry in audit:
                insert_audit(conn, entry)
        self._snapshot = None
        self._loaded = None
        with self._version_lock:
            self._version = None
        return self._version_text(*row)

    def is_empty(self) -> bool:
        """True when the database holds no record and no audit entry."""
        with self._connection() as conn:
            parts = " UNION ALL ".join(
                f"(SELECT 1 FROM {t} LIMIT 1)"  # noqa: S608 - our table names
                for t in (*TABLES.values(), "audit")
            )
            return conn.execute(parts).fetchone() is None


def _read_kind(conn: psycopg.Connection, kind: str) -> dict[str, dict[str, Any]]:
    """Every record of a kind, in order, read :data:`READ_BATCH` rows at a time.

    A server-side cursor: libpq holds a whole result in memory, so a plain
    query kept a table's text (a million claims') beside the records made of
    it. Each batch is parsed by one ``json.loads`` of its records as one array,
    so they share their keys' strings: psycopg's jsonb loader parses row by
    row, and each record kept its own copy of every key (29 % of the records'
    memory, synthetic places and claims).
    """
    records: dict[str, dict[str, Any]] = {}
    with conn.cursor(name=f"briefmap_read_{kind}") as cursor:
        cursor.execute(
            f"SELECT id, record::text FROM {TABLES[kind]} ORDER BY position"  # noqa: S608 - our table names
        )
        while rows := cursor.fetchmany(READ_BATCH):
            # jsonb's text is JSON: the rows joined are one valid array of them.
            parsed = json.loads("[" + ",".join(text for _, text in rows) + "]")
            records.update(zip((rid for rid, _ in rows), parsed, strict=True))
    return records


def validated_data(records: StoredRecords) -> LoadedData:
    """Raw records validated by the loader, retired ones left out: the catalog and briefings."""
    result = validated(records)
    briefings, issues = validated_briefings(records, result)
    return LoadedData(result, briefings, tuple(issues))
