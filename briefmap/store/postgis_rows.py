"""The team's database's audit rows read and written, and raw records patched from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

import psycopg
from psycopg.types.json import Json

from briefmap.store.base import AuditEntry, StoredRecords

AUDIT_COLUMNS = "seq, at, who, who_name, why, kind, record_id, revision, before, after, undoes"


def audit_entry(row: Sequence[Any]) -> AuditEntry:
    """An audit row, its columns in :data:`AUDIT_COLUMNS`' order, as an entry."""
    seq, at, who, who_name, why, kind, record_id, revision, before, after, undoes = row
    return AuditEntry(
        seq=seq,
        at=at,
        who=who,
        who_name=who_name,
        why=why,
        kind=kind,
        record_id=record_id,
        revision=revision,
        before=before,
        after=after,
        undoes=undoes,
    )


def insert_audit(conn: psycopg.Connection, entry: AuditEntry) -> None:
    """Write one audit row."""
    conn.execute(
        f"INSERT INTO audit ({AUDIT_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",  # noqa: S608 - constant
        (
            entry.seq,
            entry.at,
            entry.who,
            entry.who_name,
            entry.why,
            entry.kind,
            entry.record_id,
            entry.revision,
            Json(entry.before) if entry.before is not None else None,
            Json(entry.after),
            entry.undoes,
        ),
    )


def copied(records: StoredRecords) -> StoredRecords:
    """The same records in new dicts per kind, so a caller's change stays the caller's."""
    return replace(
        records,
        places=dict(records.places),
        claims=dict(records.claims),
        sources=dict(records.sources),
        briefings=dict(records.briefings),
    )


def with_changes(records: StoredRecords, entries: Iterable[AuditEntry]) -> StoredRecords:
    """The records after these changes (each entry's ``after`` is the whole new record)."""
    patched = copied(records)
    for entry in entries:
        patched.of(entry.kind)[entry.record_id] = entry.after
    return patched
