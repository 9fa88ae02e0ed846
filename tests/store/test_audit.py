"""The audit entries both stores write, made in one place (briefmap.store.audit)."""

from __future__ import annotations

import pytest
from store_support import claim

from briefmap.store.audit import CHANGES_FILE, Change, undoing
from briefmap.store.base import AuditEntry, ChangeRefused, Edit, Editor, retired_on

AMIRA = Editor(id="oidc:https://id.example|amira", name="Amira H.", signed_in=True)


def test_an_entry_holds_the_saves_who_and_why_and_the_edits_before_and_after() -> None:
    before = claim("c-1")
    after = {**before, "summary": "Changed."}
    change = Change(AMIRA, "  seen on the wire \n", undoes=4)
    entry = change.entry(7, "2026-12-08T03:00:00Z", Edit("claim", "c-1", after, 2), before, 3)
    assert entry == AuditEntry(
        seq=7,
        at="2026-12-08T03:00:00Z",
        who="oidc:https://id.example|amira",
        who_name="Amira H.",
        why="seen on the wire",  # the note as kept: trimmed
        kind="claim",
        record_id="c-1",
        revision=3,
        before=before,
        after=after,
        undoes=4,
    )


def _entry(before: dict | None, after: dict) -> AuditEntry:
    return Change(AMIRA, "why").entry(
        5, "2026-12-08T03:00:00Z", Edit("claim", "c-1", after, 1), before, 2
    )


def test_undoing_an_update_puts_the_before_back_at_the_revision_the_change_left() -> None:
    before, after = claim("c-1"), {**claim("c-1"), "summary": "Changed."}
    edit = undoing(5, _entry(before, after))
    assert (edit.kind, edit.id, edit.record, edit.expected_revision) == ("claim", "c-1", before, 2)


def test_undoing_a_creation_retires_the_record_it_made() -> None:
    edit = undoing(5, _entry(None, claim("c-1")))
    assert retired_on("claim", edit.record) is not None
    assert {k: v for k, v in edit.record.items() if k != "retired"} == claim("c-1")


def test_undoing_no_change_is_refused_under_the_audit_trail() -> None:
    with pytest.raises(ChangeRefused) as refused:
        undoing(99, None)
    (issue,) = refused.value.issues
    assert (issue.file, issue.record, issue.field) == (CHANGES_FILE, "99", "seq")
