"""The editor page's audit trail: a record's changes, who made them, and undo.

An undo is a change like any other, saved through the store (:mod:`briefmap.app.editor`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from briefmap.app.editor import (
    KEY_CLAIM_LOADED,
    KEY_DONE,
    KEY_HISTORY_PLACE,
    KEY_ISSUES,
    RECENT_SHOWN,
    Loaded,
    field_issues,
    other_issues,
    refuse,
)
from briefmap.app.editor_claim import (
    place_labels,
    place_options,
)
from briefmap.app.view import BriefingView
from briefmap.data.validate import ValidationIssue
from briefmap.safe import markdown_text, plain_text
from briefmap.store.base import (
    WHY_FIELD,
    AuditEntry,
    ChangeRefused,
    Editor,
    StaleRevision,
    Store,
)


def _changed_fields(entry: AuditEntry) -> str:
    before, after = entry.before or {}, entry.after or {}
    if entry.kind == "place":
        before = {**before.get("properties", {}), "geometry": before.get("geometry")}
        after = {**after.get("properties", {}), "geometry": after.get("geometry")}
    if entry.before is None:
        return "created"
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return ", ".join(changed) or "nothing"


# How the trail names an editor it did not see sign in: a typed name is anyone's to type,
# so it must never read as a signed-in editor's ("anyone" mode, a name like theirs).
WHO_MARKS = {"name:": " (typed name, not checked)", "cli:": " (command line)"}


def who_shown(entry: AuditEntry) -> str:
    """The editor of a change as the audit table shows it: a typed name says it is one."""
    mark = next((m for prefix, m in WHO_MARKS.items() if entry.who.startswith(prefix)), "")
    return plain_text(entry.who_name) + mark


def audit_rows(entries: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    """Audit entries as a table's rows: when, who, what record, which fields, why."""
    return [
        {
            "#": e.seq,
            "When (UTC)": e.at,
            "Who": who_shown(e),
            "Record": f"{e.kind} {e.record_id}",
            "Revision": e.revision,
            "Changed": _changed_fields(e),
            "Why": e.why,
            "Undoes": e.undoes,
        }
        for e in entries
    ]


def audit_table(entries: Sequence[AuditEntry], key: str) -> None:
    """A table of audit entries, and each entry's before and after on request."""
    if not entries:
        st.caption("No changes recorded yet.")
        return
    st.dataframe(audit_rows(entries), hide_index=True, width="stretch", key=f"{key}_table")
    seqs = [e.seq for e in entries]
    shown = st.selectbox(
        "Show a change's before and after",
        [None, *seqs],
        key=f"{key}_show",
        format_func=lambda s: "None" if s is None else f"#{s}",
    )
    if shown is not None:
        entry = next(e for e in entries if e.seq == shown)
        before, after = st.columns(2)
        with before:
            st.markdown("**Before**")
            st.json(entry.before or {}, expanded=True)
        with after:
            st.markdown("**After**")
            st.json(entry.after, expanded=True)


def undo_control(
    store: Store, editor: Editor | None, entries: Sequence[AuditEntry], key: str
) -> None:
    """Undo a change by a new change (the trail keeps both)."""
    if editor is None or not entries:
        return
    with st.container(border=True):
        seq = st.selectbox(
            "Undo a change",
            [None, *(e.seq for e in entries)],
            key=f"{key}_undo",
            format_func=lambda s: "Choose a change" if s is None else f"#{s}",
        )
        why = st.text_input("Why undo it (required)", key=f"{key}_undo_why")
        field_issues(f"undo {key}", WHY_FIELD, "-")
        other_issues(f"undo {key}", (WHY_FIELD, "-"))
        if seq is not None and st.button("Undo", key=f"{key}_undo_go"):
            undo(store, editor, seq, why or "", f"undo {key}")


def undo(store: Store, editor: Editor, seq: int, why: str, what: str) -> None:
    """Undo change ``seq`` as a new change; issues and stale saves held as for a save."""
    if not why.strip():
        refuse(what, [ValidationIssue("-", str(seq), WHY_FIELD, "say why you undo this change")])
        return
    try:
        store.undo(seq, editor, why.strip())
    except ChangeRefused as refused:
        refuse(what, refused.issues)
        return
    except StaleRevision as stale:
        refuse(
            what,
            [ValidationIssue("-", stale.record_id, "-", f"{stale}; undo a later change first")],
        )
        return
    st.session_state.pop(KEY_ISSUES, None)
    st.session_state[KEY_DONE] = f"Undid change #{seq}."
    st.session_state.pop(KEY_CLAIM_LOADED, None)
    st.rerun()


def claim_history(store: Store, editor: Editor | None) -> None:
    """The history of the claim open in the form."""
    loaded: Loaded | None = st.session_state.get(KEY_CLAIM_LOADED)
    if loaded is None or loaded.id is None:
        st.caption("Pick a claim above to see its history.")
        return
    entries = store.history("claim", loaded.id)
    st.markdown(f"**History of claim {markdown_text(loaded.id)}** (oldest first)")
    audit_table(entries, "edit_claim_history")
    undo_control(store, editor, list(reversed(entries)), "claim_history")


def place_history(view: BriefingView, store: Store, editor: Editor | None) -> None:
    """The history of a place, picked by any of its names."""
    chosen = st.session_state.get(KEY_HISTORY_PLACE)
    asked = st.query_params.get("place")
    if asked and chosen is None:
        st.session_state[KEY_HISTORY_PLACE] = asked
        chosen = asked
    options = place_options(view, [chosen] if chosen else [], "edit_history_place_find")
    if chosen and chosen not in options:
        options.insert(0, chosen)
    place_id = st.selectbox(
        "Place",
        options,
        key=KEY_HISTORY_PLACE,
        index=None,
        format_func=place_labels(view),
        placeholder="Choose a place",
    )
    if place_id is None:
        return
    entries = store.history("place", place_id)
    audit_table(entries, "edit_place_history")
    undo_control(store, editor, list(reversed(entries)), "place_history")


def recent_changes(store: Store, editor: Editor | None) -> None:
    """The feed of the store's latest changes, newest first, with undo."""
    entries = store.recent(RECENT_SHOWN)
    audit_table(entries, "edit_recent")
    undo_control(store, editor, entries, "recent")


def record_json(record: Mapping[str, Any] | None) -> str:
    """A record as the files hold it, for a reader (2-space JSON, as written)."""
    return json.dumps(record, ensure_ascii=False, indent=2)
