"""The files store's reading: the data folder as read at one version, its records and audit trail.

:class:`~briefmap.store.files.FileStore` holds a :class:`Snapshot` from read
to read: read again only when the folder's version moves, and after its own
save made from the one before (:meth:`Snapshot.after`), not read again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from briefmap.data.schema import CLAIMS_FILE, META_FILE, PLACES_FILE, SOURCES_FILE
from briefmap.engine.briefings import BRIEFINGS_DIR
from briefmap.store.audit import CHANGES_FILE
from briefmap.store.base import AuditEntry, Edit, RecordKind, StoredRecords, record_id
from briefmap.store.canonical import Memo
from briefmap.store.checks import with_edits


def read_json(path: Path) -> Any:
    """A data file's JSON, ``None`` when it is missing or cannot be read (the loader says why)."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # nested thousands deep: the loader says so
        return None


def by_id(kind: RecordKind, items: Any) -> dict[str, dict[str, Any]]:
    """A file's records by id, in its order; records without a usable id are not addressable."""
    records: dict[str, dict[str, Any]] = {}
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        rid = record_id(kind, item)
        if isinstance(rid, str) and rid and rid not in records:
            records[rid] = item
    return records


@dataclass
class Snapshot:
    """The folder as read at one version: its files' payloads, records and audit trail."""

    version: str
    payloads: dict[str, Any]  # file name in the folder -> parsed JSON
    records: StoredRecords
    log: list[AuditEntry] = field(default_factory=list)
    # Each record's canonical text, kept from save to save (canonical.Memo).
    memo: Memo = field(default_factory=dict)

    @cached_property
    def last_entry(self) -> dict[tuple[str, str], AuditEntry]:
        last: dict[tuple[str, str], AuditEntry] = {}
        for entry in self.log:
            last[(entry.kind, entry.record_id)] = entry
        return last

    def revision(self, kind: RecordKind, rid: str) -> int:
        current = self.records.of(kind).get(rid)
        if current is None:
            return 0
        entry = self.last_entry.get((kind, rid))
        if entry is None:
            return 1  # given to the store (the shipped files), never changed through it
        return entry.revision + (0 if entry.after == current else 1)

    @property
    def next_seq(self) -> int:
        return self.log[-1].seq + 1 if self.log else 1

    def after(
        self,
        version: str,
        written: dict[str, Any],
        edits: Sequence[Edit],
        entries: list[AuditEntry],
    ) -> Snapshot:
        """The folder after this store's save: not read again, the texts of unchanged records kept."""
        payloads = {**self.payloads, **written}
        records = with_edits(self.records, edits)
        return Snapshot(version, payloads, records, self.log + entries, self.memo)


def read_snapshot(root: Path, version: str) -> Snapshot:
    """The folder ``root`` read whole at ``version``: every file's payload, its records and trail."""
    payloads: dict[str, Any] = {
        name: read_json(root / name) for name in (PLACES_FILE, CLAIMS_FILE, SOURCES_FILE)
    }
    briefings: dict[str, dict[str, Any]] = {}
    for path in sorted((root / BRIEFINGS_DIR).glob("*.json")):
        payload = read_json(path)
        payloads[f"{BRIEFINGS_DIR}/{path.name}"] = payload
        if isinstance(payload, dict):
            briefings[path.stem] = payload
    meta = read_json(root / META_FILE) if (root / META_FILE).is_file() else None
    claims = payloads[CLAIMS_FILE]
    records = StoredRecords(
        places=by_id("place", listed(payloads[PLACES_FILE], "features")),
        claims=by_id("claim", listed(claims, "claims")),
        sources=by_id("source", listed(payloads[SOURCES_FILE], "sources")),
        briefings=briefings,
        meta=meta if isinstance(meta, dict) else None,
        as_of=claims.get("as_of") if isinstance(claims, dict) else None,
    )
    return Snapshot(version, payloads, records, read_log(root / CHANGES_FILE))


def read_log(path: Path) -> list[AuditEntry]:
    """The audit trail's entries, a line each; a line that cannot be read is passed over."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        if not line.strip():
            continue
        try:
            entries.append(AuditEntry.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError, RecursionError):
            # A line cut short by a crash mid-append (or forged, nested thousands
            # deep): the change it records is in the files and counts as a hand edit there.
            continue
    return entries


def listed(payload: Any, key: str) -> Any:
    """The list under ``key`` in a file's payload (``None`` when it is not an object)."""
    return payload.get(key) if isinstance(payload, dict) else None
