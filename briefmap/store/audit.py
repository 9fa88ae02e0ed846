"""The audit trail's entries, made in one place for both stores, and the edit that undoes one.

A save writes one :class:`~briefmap.store.base.AuditEntry` per edit: who, why
and the change it undoes are the save's (a :class:`Change`), the record's
before and after and its revision the edit's. Both stores make their entries
here, so the files store's ``changes.jsonl`` and the database's ``audit`` rows
cannot come to say a change differently; and both undo a change with the same
edit (:func:`undoing`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from briefmap.data.validate import ValidationIssue
from briefmap.store.base import AuditEntry, ChangeRefused, Edit, Editor, retired

# The files store's audit trail, one JSON object a line; an undo of a change that
# does not exist is reported under it by both stores (the database's trail is
# what ``db export`` writes to this file).
CHANGES_FILE = "changes.jsonl"


@dataclass(frozen=True)
class Change:
    """What one save's entries share: who made it, why, and the change it undoes (if an undo)."""

    who: Editor
    why: str
    undoes: int | None = None

    def entry(
        self, seq: int, at: str, edit: Edit, before: dict[str, Any] | None, revision: int
    ) -> AuditEntry:
        """The audit entry of one edit of this save: ``before`` is ``None`` for a new record.

        ``at`` is taken under the store's write lock, so entries are in time order
        as they are in ``seq`` order.
        """
        return AuditEntry(
            seq=seq,
            at=at,
            who=self.who.id,
            who_name=self.who.name,
            why=self.why.strip(),
            kind=edit.kind,
            record_id=edit.id,
            revision=revision,
            before=before,
            after=edit.record,
            undoes=self.undoes,
        )


def undoing(seq: int, entry: AuditEntry | None) -> Edit:
    """The edit that undoes change ``seq`` (``entry``): its ``before`` again, or retire what it made.

    A record is never deleted: undoing its creation retires it. The edit
    expects the revision the change left, so a record moved since is refused
    (:class:`~briefmap.store.base.StaleRevision`). :class:`ChangeRefused` when
    there is no such change.
    """
    if entry is None:
        raise ChangeRefused([ValidationIssue(CHANGES_FILE, str(seq), "seq", "no such change")])
    if entry.before is not None:
        record = entry.before
    else:
        record = retired(entry.kind, entry.after, dt.date.today().isoformat())
    return Edit(entry.kind, entry.record_id, record, expected_revision=entry.revision)
