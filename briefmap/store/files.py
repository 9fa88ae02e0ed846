"""The files store: ``geodata/`` as it is, written safely, with its audit trail beside it.

The embedded default. Records stay in the data folder's own files
(``places.geojson``, ``claims.json``, ``sources.json``, ``briefings/<id>.json``),
written in the one stable format (:mod:`briefmap.store.canonical`) so that a
``git diff`` of an edit is exactly the changed record and one line of
``changes.jsonl``, the audit trail (one JSON object a line, keys sorted).

Safety
------
- A save is all or nothing across its files (:mod:`briefmap.store.files_journal`):
  every changed file is written whole to a temporary file and flushed to disk
  (``fsync``); a journal naming their renames and holding the audit lines is
  flushed and renamed into place; then the files are renamed over the old ones
  (``os.replace``), the audit lines appended and the journal removed. A crash
  before the journal leaves the folder as it was; after it, the next read or
  save finishes the renames and the lines first: an edit touching several
  files (a new place and the claim citing it) is never found half done.
- A lock (``fcntl.flock`` on ``<folder>/.briefmap.lock``) is held from the
  revision check to the last write, so two servers (or two threads) on one
  folder cannot interleave their saves; the second sees the first's revision
  and is refused with :class:`~briefmap.store.base.StaleRevision`.

Hand edits
----------
The folder stays a folder people may edit by hand (and with git). A record
that differs from what its last audit line says it became was edited outside
the store: its revision counts one more (so an editor who read the old one is
refused rather than overwriting it), and :meth:`FileStore.hand_edited` lists
them. The next change through the store records the hand-edited content as
its ``before``, so the trail holds it and an undo can bring it back.
"""

from __future__ import annotations

import contextlib
import copy
import fcntl
import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from briefmap.data.fingerprint import data_fingerprint
from briefmap.data.loader import load_catalog
from briefmap.data.schema import CLAIMS_CSV, CLAIMS_FILE
from briefmap.data.validate import ValidationIssue
from briefmap.engine.briefings import BRIEFINGS_DIR, load_briefings
from briefmap.engine.state import SLUG
from briefmap.heap import collector_paused
from briefmap.store.audit import CHANGES_FILE, Change, undoing
from briefmap.store.base import (
    AuditEntry,
    ChangeRefused,
    Edit,
    Editor,
    LoadedData,
    RecordKind,
    StaleRevision,
    StoredRecords,
    record_id,
    utc_now,
)
from briefmap.store.canonical import canonical_json, log_line
from briefmap.store.catalog_patch import patched
from briefmap.store.checks import KIND_FILES, CheckedEdits, checked_edits, nesting_issues
from briefmap.store.files_journal import JOURNAL_FILE, commit, roll_forward
from briefmap.store.files_snapshot import Snapshot, read_snapshot
from briefmap.store.files_writes import (
    RECORD_LISTS,
    ends_a_line,
    fresh_payload,
    rewrite_canonically,
    write_atomically,
)
from briefmap.store.follow import followed_trail

__all__ = ["CHANGES_FILE", "LOCK_FILE", "FileStore", "rewrite_canonically", "write_atomically"]

LOCK_FILE = ".briefmap.lock"


class FileStore:
    """A data folder as a :class:`~briefmap.store.base.Store` (see the module's notes)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = Path(data_dir)
        self._snapshot: Snapshot | None = None
        self._loaded: tuple[str, LoadedData] | None = None
        self._loaded_state: Snapshot | None = None  # the records self._loaded was validated from
        self._thread_lock = threading.RLock()
        self._lock_depth = 0  # how deep this store's holder is in _locked()

    # ------------------------------------------------------------ reads

    def version(self) -> str:
        """The data files' content hash (as the app keys on today) and the audit trail's length.

        The trail only grows, so its length moves on every change, even one
        that puts the files back as they were (an undo). A save cut short by a
        crash is finished first (:mod:`briefmap.store.files_journal`), so nothing
        reads half an edit.
        """
        self.finish_cut_short_save()
        try:
            trail = (self.data_dir / CHANGES_FILE).stat().st_size
        except OSError:
            trail = 0
        return f"{data_fingerprint(self.data_dir)}-{trail}"

    def finish_cut_short_save(self) -> bool:
        """Finish a save a crash cut short after it was decided (store.files_journal); ``True`` if one was.

        A stat when there is none. Called before anything is read, here and by
        ``python -m briefmap validate``, so both read the folder as the save left it.
        """
        if not (self.data_dir / JOURNAL_FILE).exists():
            return False
        with self._locked():  # waits for a save under way, then finishes one cut short
            return roll_forward(self.data_dir)

    def _state(self) -> Snapshot:
        version = self.version()
        held = self._snapshot
        if held is not None and held.version == version:
            return held
        held = read_snapshot(self.data_dir, version)
        loaded, before = self._loaded, self._snapshot
        if loaded is not None and before is not None and before.version == loaded[0]:
            self._loaded_state = before  # what the held data was validated from
        self._snapshot = held
        return held

    def records(self) -> StoredRecords:
        """Every record as the files hold them: the store's own, to read and not to change."""
        return self._state().records

    def load(self) -> LoadedData:
        """The folder validated by the loader, as ``python -m briefmap validate`` reads it."""
        version = self.version()
        if self._loaded is not None and self._loaded[0] == version:
            return self._loaded[1]
        follows = self._followed()
        if follows is not None:  # another server's save: patched, not validated again
            self._loaded = follows
            return follows[1]
        self._state()  # the records validated: the next version follows from them
        result = load_catalog(self.data_dir)
        briefings, issues = load_briefings(self.data_dir, result.catalog)
        data = LoadedData(result, briefings, tuple(issues))
        self._loaded = (version, data)
        return data

    def _followed(self) -> tuple[str, LoadedData] | None:
        """The held data patched with the trail's new lines, if nothing else moved (store.follow)."""
        held, before = self._loaded, self._loaded_state
        self._loaded_state = None
        if self._snapshot is not None and held is not None and self._snapshot.version == held[0]:
            before = self._snapshot
        if held is None or before is None or before.version != held[0]:
            return None
        state, name = self._state(), self.data_dir.resolve().name
        data = followed_trail(before.records, before.log, held[1], state.records, state.log, name)
        return (state.version, data) if data is not None else None

    def adopt(self, version: str, data: LoadedData) -> None:
        """Take the folder's validated data at ``version`` from a caller that already has it.

        The app's server reads it from its cache on disk at a start; the next
        save checks against it instead of validating the folder again. The
        records it was validated from are read now, while the folder is at
        that version: the data cached on disk does not hold them, and without
        them the first change seen after a start (this server's or another's)
        could not be patched (:mod:`briefmap.store.follow`) and validated the
        whole folder again (9 s at 100,000 claims; reading the records costs
        about 0.8 s at the start).
        """
        if self._loaded is None or self._loaded[0] != version:
            self._loaded = (version, data)
        # At ``version`` unless the folder moved on since (then validated afresh); without
        # the collector's passes over the catalog just read, not yet frozen (briefmap.heap).
        with collector_paused():
            self._state()

    def revision(self, kind: RecordKind, record_id: str) -> int:
        return self._state().revision(kind, record_id)

    def get(self, kind: RecordKind, record_id: str) -> tuple[dict[str, Any] | None, int]:
        state = self._state()
        # A copy: the caller (an editor's form) may change it without changing the store's.
        record = copy.deepcopy(state.records.of(kind).get(record_id))
        return record, state.revision(kind, record_id)

    def history(self, kind: RecordKind, record_id: str) -> list[AuditEntry]:
        return [e for e in self._state().log if e.kind == kind and e.record_id == record_id]

    def recent(self, limit: int = 50) -> list[AuditEntry]:
        return list(reversed(self._state().log[-limit:])) if limit > 0 else []

    def changes_since(self, seq: int) -> list[AuditEntry]:
        return [e for e in self._state().log if e.seq > seq]

    def hand_edited(self) -> list[tuple[RecordKind, str]]:
        """Records changed outside the store since their last audit line (by hand, with git)."""
        state = self._state()
        return [
            key  # type: ignore[misc]
            for key, entry in state.last_entry.items()
            if state.records.of(key[0]).get(key[1]) != entry.after  # type: ignore[arg-type]
        ]

    # ------------------------------------------------------------ writes

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """The folder's write lock: across processes (flock) and threads of this one.

        Re-entrant in the thread holding it: a save reads the version, which
        finishes a save cut short (:meth:`version`) under this same lock.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._thread_lock:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            with (self.data_dir / LOCK_FILE).open("a") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                self._lock_depth = 1
                try:
                    yield
                finally:
                    self._lock_depth = 0
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def save(self, edits: Sequence[Edit], who: Editor, why: str) -> str:
        return self._save(edits, Change(who, why))

    def undo(self, seq: int, who: Editor, why: str) -> str:
        entry = next((e for e in self._state().log if e.seq == seq), None)
        return self._save([undoing(seq, entry)], Change(who, why, undoes=seq))

    def _save(self, edits: Sequence[Edit], change: Change) -> str:
        if not self.data_dir.is_dir():
            raise ChangeRefused(
                [
                    ValidationIssue(
                        self.data_dir.name,
                        "-",
                        "-",
                        "one file is read, not written: the store edits a data folder",
                    )
                ]
            )
        deep = nesting_issues(edits)  # before copying: a deep copy of those recurses
        if deep:
            raise ChangeRefused(deep)
        # The store's own copies: a caller's form may go on changing its dicts.
        edits = [replace(e, record=copy.deepcopy(e.record)) for e in edits]
        with self._locked():
            roll_forward(self.data_dir)  # a save cut short by a crash: finished first
            self._clear_leftovers()
            state = self._state()  # its version read under the lock: the folder as it is
            self._refuse_csv()
            for edit in edits:
                actual = state.revision(edit.kind, edit.id) if isinstance(edit.id, str) else 0
                if actual != edit.expected_revision:
                    current = state.records.of(edit.kind).get(edit.id)
                    raise StaleRevision(edit.kind, edit.id, edit.expected_revision, actual, current)
            before = self._load_for(state)
            checked = checked_edits(
                state.records, edits, why=change.why, before=before.loaded, who=change.who
            )
            if checked.issues:
                raise ChangeRefused(checked.issues)
            written = self._payloads(state, edits)
            entries, log_text = self._entries(state, edits, change)
            texts = {
                name: canonical_json(name, payload, state.memo if name in RECORD_LISTS else None)
                for name, payload in written.items()
            }
            # Every file and the audit lines, all or nothing (store.files_journal).
            commit(self.data_dir, texts, log_text)
            version = self.version()
            self._snapshot = state.after(version, written, edits, entries)
            self._loaded = self._patched(state, edits, checked, before, version)
        return version

    def _patched(
        self,
        state: Snapshot,
        edits: Sequence[Edit],
        checked: CheckedEdits,
        before: LoadedData,
        version: str,
    ) -> tuple[str, LoadedData] | None:
        """The validated folder after a save, patched with the records checked (not validated again).

        Not where a briefing may have changed: an edited briefing, or an edited
        place while there are briefings (a scene may name it).
        """
        if state.records.briefings and any(e.kind == "place" for e in edits):
            return None
        name = self.data_dir.resolve().name
        result = patched(state.records, edits, checked, name)
        if result is None:
            return None
        return version, LoadedData(result, before.briefings, before.briefing_issues)

    def _clear_leftovers(self) -> None:
        """Remove temporary files a writer killed before its rename left (under the lock: none live)."""
        for folder in (self.data_dir, self.data_dir / BRIEFINGS_DIR):
            for temp in folder.glob(".*.tmp"):
                with contextlib.suppress(OSError):
                    temp.unlink()

    def _load_for(self, state: Snapshot) -> LoadedData:
        # The validated folder at the state's version: the app's own load, when it matches.
        if self._loaded is not None and self._loaded[0] == state.version:
            return self._loaded[1]
        return self.load()

    def _refuse_csv(self) -> None:
        if (self.data_dir / CLAIMS_CSV).is_file() and not (self.data_dir / CLAIMS_FILE).is_file():
            raise ChangeRefused(
                [
                    ValidationIssue(
                        CLAIMS_CSV,
                        "-",
                        "-",
                        f"the store writes {CLAIMS_FILE}; this folder's claims are in "
                        f"{CLAIMS_CSV}: convert them to {CLAIMS_FILE} to edit in the app",
                    )
                ]
            )

    def _payloads(self, state: Snapshot, edits: Sequence[Edit]) -> dict[str, Any]:
        """The new payloads of the files the edits change, by file name."""
        changed: dict[str, Any] = {}
        for edit in edits:
            if edit.kind == "briefing":
                if not SLUG.fullmatch(edit.id):  # checked already: never a path
                    raise ValueError(f"not a briefing id: {edit.id!r}")
                changed[f"{BRIEFINGS_DIR}/{edit.id}.json"] = edit.record
                continue
            name = KIND_FILES[edit.kind]
            payload = changed.get(name) or fresh_payload(state.payloads.get(name), name)
            items: list[Any] = payload[RECORD_LISTS[name]]
            where = next(
                (
                    n
                    for n, item in enumerate(items)
                    if isinstance(item, dict) and record_id(edit.kind, item) == edit.id
                ),
                None,
            )
            if where is None:
                items.append(edit.record)
            else:
                state.memo.pop(id(items[where]), None)  # its text is no longer the file's
                items[where] = edit.record
            changed[name] = payload
        return changed

    def _entries(
        self, state: Snapshot, edits: Sequence[Edit], change: Change
    ) -> tuple[list[AuditEntry], str]:
        """The save's audit entries, and the text that appends them to the trail."""
        at = utc_now()
        seq = state.next_seq
        lines = []
        entries = []
        for edit in edits:
            before = state.records.of(edit.kind).get(edit.id)
            last = state.last_entry.get((edit.kind, edit.id))
            revision = max(state.revision(edit.kind, edit.id), last.revision if last else 0) + 1
            entry = change.entry(seq, at, edit, before, revision)
            lines.append(log_line(entry.to_json()))
            entries.append(entry)
            seq += 1
        path = self.data_dir / CHANGES_FILE
        # A line cut short by a crash mid-append is ended first, so it stays one bad
        # line (skipped when read) and the new entries start lines of their own.
        cut = path.is_file() and path.stat().st_size > 0 and not ends_a_line(path)
        return entries, ("\n" if cut else "") + "".join(lines)
