"""The editor page's shared parts: who is editing, the store, refusals beside their fields, a save.

Every change goes through the server's store (``briefmap/app/store.py``):
:meth:`Store.save` checks each record's revision (a stale save is refused with
both versions shown, and what was typed stays in the form) and validates the
result with the loader's own rules (each refusal shown beside its field, with
its file, record and field). The forms' values become records in
:mod:`briefmap.engine.edit_forms`, which holds no Streamlit.

The form's widgets keep their values in the session under the ``edit_`` keys
below, so a refused save, a stale save or a rerun loses nothing typed; they are
filled from the store only when another record is picked or after a save.

The page's forms are modules of their own: ``editor_claim`` (a claim),
``editor_places`` (a new place or source), ``editor_briefing`` (a briefing) and
``editor_history`` (the audit trail and undo).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from briefmap.app.editors import Access, clean_typed_name, current_access, typed_editor_id
from briefmap.data.schema import (
    Precision,
)
from briefmap.data.validate import ValidationIssue
from briefmap.safe import markdown_text
from briefmap.store.base import (
    WHY_FIELD,
    ChangeRefused,
    Edit,
    Editor,
    RecordKind,
    StaleRevision,
    Store,
)

# The page's session keys (the editor's own; the map's are in session.py).
KEY_TYPED_NAME = "edit_typed_name"
KEY_CLAIM_PICK = "edit_claim_pick"
KEY_CLAIM_PICK_NEXT = "edit_claim_pick_next"  # the picker's value on the next run
KEY_CLAIM_FIND = "edit_claim_find"
KEY_CLAIM_LOADED = "edit_claim_loaded"  # the Loaded the form was filled from
KEY_PLACE_FIND = "edit_place_find"
KEY_WHY = "edit_why"
KEY_ISSUES = "edit_issues"  # (what, issues) of the last refused save
KEY_STALE = "edit_stale"  # the Stale of the last save someone else's change overtook
KEY_DONE = "edit_done"  # what the last save did, said once
KEY_HISTORY_PLACE = "edit_history_place"
KEY_UNDO_WHY = "edit_undo_why"
KEY_BRIEFING_PICK = "edit_briefing_pick"
KEY_BRIEFING_LOADED = "edit_briefing_loaded"
KEY_BRIEFING_DONE = "edit_briefing_done"  # what the last briefing save did, said in its tab
# The claim form's fields, each under "edit_claim_<name>".
CLAIM_KEYS = (
    "id", "places", "actors", "claimant", "status", "posture", "reported", "summary",
    "attribution", "sources", "role", "origin", "origin_source", "origin_note",
    "change_date", "change_note", "change_sources",
)  # fmt: skip
NEW = ""  # the claim picker's "a new claim"
# Above this many, the pickers list what a search finds instead of everything.
PICK_LIST_LIMIT = 1_000
PICK_MATCHES = 50
RECENT_SHOWN = 50
PRECISION_HINTS = {
    Precision.SITE: "Site: a precise pin, from a source",
    Precision.TOWN: "Town: the town the reporting names",
    Precision.REGION: "Approximate region",
}


def claim_key(name: str) -> str:
    """The session key of a claim form's field."""
    return f"edit_claim_{name}"


@dataclass(frozen=True)
class Loaded:
    """A record as the editor read it: what the form started from, and its revision."""

    kind: RecordKind
    id: str | None  # None: a new record
    record: dict[str, Any] | None
    revision: int


@dataclass(frozen=True)
class Stale:
    """A save refused because someone else changed the record: both versions, to compare."""

    kind: RecordKind
    id: str
    mine: dict[str, Any]
    theirs: dict[str, Any] | None
    revision: int  # theirs


# ----------------------------------------------------------------- the store


def server_store() -> Store:
    """The store this server edits (files, or a shared database): ``briefmap/app/store.py``'s."""
    from briefmap.app.store import server_store as store_of_server

    return store_of_server()


# -------------------------------------------------------------------- access


def who_edits() -> tuple[Access, Editor | None]:
    """The access panel: who the visitor is, whether they may edit, sign in and out.

    Returns the access and the :class:`Editor` changes are recorded under
    (``None`` while the visitor may not edit, or has typed no name yet).
    """
    decided = current_access()
    with st.container(border=True):
        if decided.may_edit and decided.open_to_anyone:
            st.warning(markdown_text(decided.reason), icon=":material/lock_open:")
        elif decided.may_edit:
            st.success(markdown_text(decided.reason), icon=":material/edit:")
        else:
            st.info(markdown_text(decided.reason), icon=":material/lock:")
        if decided.offer_sign_in:
            st.button("Sign in", on_click=st.login, icon=":material/login:")
        if decided.offer_sign_out:
            st.button("Sign out", on_click=st.logout, icon=":material/logout:")
        if not decided.may_edit:
            return decided, None
        if decided.needs_name:
            typed = st.text_input(
                "Your name",
                key=KEY_TYPED_NAME,
                max_chars=200,
                help="Recorded with every change you make here; nobody checks it.",
            )
            name = clean_typed_name(typed or "")
            if name is None:
                st.caption("Type your name to edit.")
                return decided, None
            return decided, Editor(id=typed_editor_id(name), name=name)
    return decided, Editor(
        id=decided.editor_id or "", name=decided.editor_name or "", signed_in=decided.signed_in
    )


# -------------------------------------------------------------------- issues


def _issue_text(issue: ValidationIssue) -> str:
    return markdown_text(str(issue))


def _slot(field: str) -> str:
    """The form field an issue's field is shown beside: ``history[3].sources`` -> ``history``."""
    return field.split("[", 1)[0].split(".", 1)[0]


def _issues(what: str) -> tuple[ValidationIssue, ...]:
    held = st.session_state.get(KEY_ISSUES)
    return held[1] if held and held[0] == what else ()


def field_issues(what: str, *slots: str) -> None:
    """The last refused save's issues for these fields, beside them."""
    for issue in _issues(what):
        if _slot(issue.field) in slots:
            st.error(_issue_text(issue), icon=":material/error:")


def issues_where(what: str, shown: Callable[[str], bool]) -> None:
    """The last refused save's issues whose field ``shown`` takes, here (a scene's fields)."""
    for issue in _issues(what):
        if shown(issue.field):
            st.error(_issue_text(issue), icon=":material/error:")


def other_issues(what: str, shown: Iterable[str]) -> None:
    """The issues no field of the form shows (another record's, a file's), in full, at the top."""
    slots = set(shown)
    others = [i for i in _issues(what) if _slot(i.field) not in slots]
    if others:
        st.error(
            "Not saved:\n\n" + "\n".join(f"- {_issue_text(i)}" for i in others),
            icon=":material/error:",
        )


def refuse(what: str, issues: Sequence[ValidationIssue]) -> None:
    st.session_state[KEY_ISSUES] = (what, tuple(issues))


def _why_issue(what: str, rid: str, why: str) -> list[ValidationIssue]:
    if why.strip():
        return []
    return [ValidationIssue("-", rid or "-", WHY_FIELD, "say why you make this change")]


def save(
    what: str,
    store: Store,
    edits: Sequence[Edit],
    who: Editor,
    why: str,
    own_issues: Sequence[ValidationIssue] = (),
    mine: dict[str, Any] | None = None,
) -> bool:
    """Save ``edits`` in ``store``: True when saved.

    Else the issues (or both versions) are held and the page runs again, to show
    them beside the fields drawn before the button was pressed.
    """
    st.session_state.pop(KEY_STALE, None)
    issues = [*own_issues, *_why_issue(what, edits[0].id if edits else "-", why)]
    if issues:
        refuse(what, issues)
        st.rerun()
    try:
        store.save(edits, who, why.strip())
    except ChangeRefused as refused:
        refuse(what, refused.issues)
        st.rerun()
    except StaleRevision as stale:
        st.session_state.pop(KEY_ISSUES, None)
        st.session_state[KEY_STALE] = Stale(
            stale.kind, stale.record_id, mine or edits[0].record, stale.current, stale.actual
        )
        st.rerun()
    st.session_state.pop(KEY_ISSUES, None)
    st.session_state[KEY_DONE] = f"Saved: {what}."
    return True


def said_once(key: str = KEY_DONE) -> None:
    """What the last save did, said once after the rerun that refilled the form.

    ``key``: a tab's own (the briefing form's, said in its tab, not the claim's).
    """
    done = st.session_state.pop(key, None)
    if done:
        st.success(markdown_text(done), icon=":material/check:")


def stale_panel(kind: RecordKind, record_id: str | None, on_keep: Callable[[int], None]) -> None:
    """Both versions side by side when someone else's change overtook this one's save."""
    stale: Stale | None = st.session_state.get(KEY_STALE)
    if stale is None or stale.kind != kind or stale.id != (record_id or stale.id):
        return
    with st.container(border=True, key="edit_stale_panel"):
        st.warning(
            f"Not saved: someone else changed this {kind} since you opened it (now revision "
            f"{stale.revision}). Your version is kept in the form; compare, then save yours "
            "over theirs or take theirs.",
            icon=":material/sync_problem:",
        )
        theirs = stale.theirs or {}
        changed = sorted(
            k for k in set(stale.mine) | set(theirs) if stale.mine.get(k) != theirs.get(k)
        )
        if changed:
            st.caption("Fields that differ: " + markdown_text(", ".join(changed)))
        mine_column, theirs_column = st.columns(2)
        with mine_column:
            st.markdown("**Yours (not saved)**")
            st.json(stale.mine, expanded=True)
        with theirs_column:
            st.markdown(f"**Theirs (saved, revision {stale.revision})**")
            st.json(theirs, expanded=True)
        keep, take = st.columns(2)
        keep.button(
            "Save mine over theirs",
            key="edit_stale_keep",
            on_click=on_keep,
            args=(stale.revision,),
            help="Your version replaces theirs; the audit trail keeps theirs.",
        )
        take.button("Take theirs", key="edit_stale_take", on_click=_take_theirs)


def _take_theirs() -> None:
    st.session_state.pop(KEY_STALE, None)
    st.session_state.pop(KEY_CLAIM_LOADED, None)  # refilled from the store on this run
    st.session_state.pop(KEY_BRIEFING_LOADED, None)
