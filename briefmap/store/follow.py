"""A server following another's saves: its validated data patched from the audit trail.

A store patches its validated data after its own save (:func:`~briefmap.store.catalog_patch.patched`);
a second server over the same folder or database learns of the change only
by the version moving. Validating every record again there cost 7.8 CPU-s at
100,000 claims, on every server, for every save. :func:`followed` patches the
second server's data the same way, from the audit trail's entries since the
data it holds: each changed record's last ``after`` is checked, with the
records depending on it, among the rest as already validated.

The entries must be the whole difference: a caller whose records may also have
changed outside the store (the files store: a hand edit) checks that first
(:func:`only_these_changes`).
"""

from __future__ import annotations

from collections.abc import Sequence

from briefmap.store.base import (
    RECORD_KINDS,
    AuditEntry,
    Edit,
    LoadedData,
    StoredRecords,
)
from briefmap.store.catalog_patch import patched
from briefmap.store.checks import checked_edits


def last_records(entries: Sequence[AuditEntry]) -> dict[tuple[str, str], dict]:
    """Each changed record's content after the last of these changes, by (kind, id)."""
    last: dict[tuple[str, str], dict] = {}
    for entry in entries:
        last[(entry.kind, entry.record_id)] = entry.after
    return last


def only_these_changes(
    before: StoredRecords, entries: Sequence[AuditEntry], now: StoredRecords
) -> bool:
    """Whether ``now`` is exactly ``before`` with these changes: nothing else moved."""
    if (before.meta, before.as_of) != (now.meta, now.as_of):
        return False
    last = last_records(entries)
    for kind in RECORD_KINDS:
        expected = dict(before.of(kind))
        expected.update({rid: after for (k, rid), after in last.items() if k == kind})
        if expected != now.of(kind) or list(expected) != list(now.of(kind)):
            return False
    return True


def followed(
    before: StoredRecords,
    data: LoadedData,
    entries: Sequence[AuditEntry],
    name: str = "",
) -> LoadedData | None:
    """``data`` (validated from ``before``) after these changes, patched rather than validated again.

    ``None`` when it cannot be: no change, a briefing changed, or a place
    changed while there are briefings (a scene may name it; their check needs
    the whole catalog), or the changes refused (validate afresh, to report
    them as the loader does). ``name`` is the data set's name where it has
    no title of its own (a folder's name).
    """
    if not entries:
        return None
    edits = [
        Edit(kind, rid, after, expected_revision=0)  # type: ignore[arg-type]
        for (kind, rid), after in last_records(entries).items()
    ]
    if any(e.kind == "briefing" for e in edits):
        return None
    if before.briefings and any(e.kind == "place" for e in edits):
        return None
    checked = checked_edits(before, edits, before=data.loaded)
    if checked.issues:
        return None
    result = patched(before, edits, checked, name)
    if result is None:
        return None
    return LoadedData(result, data.briefings, data.briefing_issues)


def followed_trail(
    before: StoredRecords,
    before_log: Sequence[AuditEntry],
    data: LoadedData,
    now: StoredRecords,
    now_log: Sequence[AuditEntry],
    name: str,
) -> LoadedData | None:
    """:func:`followed` for a store whose records may change outside it (a data folder).

    ``now_log`` must continue ``before_log`` and ``now`` be ``before`` with
    its new entries and nothing else; else ``None``: validate afresh.
    """
    if list(now_log[: len(before_log)]) != list(before_log):
        return None
    entries = now_log[len(before_log) :]
    if not only_these_changes(before, entries, now):
        return None  # changed by hand too
    return followed(before, data, entries, name)
