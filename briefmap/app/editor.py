"""The editor page's parts: who is editing, the claim form, places, sources, briefings, the audit.

Every change goes through the server's store (``briefmap/app/store.py``):
:meth:`Store.save` checks each record's revision (a stale save is refused with
both versions shown, and what was typed stays in the form) and validates the
result with the loader's own rules (each refusal shown beside its field, with
its file, record and field). The forms' values become records in
:mod:`briefmap.engine.edit_forms`, which holds no Streamlit.

The form's widgets keep their values in the session under the ``edit_`` keys
below, so a refused save, a stale save or a rerun loses nothing typed; they are
filled from the store only when another record is picked or after a save.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

from briefmap.app.editors import Access, clean_typed_name, current_access, typed_editor_id
from briefmap.app.view import BriefingView
from briefmap.data.schema import (
    ClaimStatus,
    PlaceKind,
    Posture,
    Precision,
    Role,
)
from briefmap.data.validate import ValidationIssue
from briefmap.engine.edit_forms import (
    POSITION_SOURCE,
    ClaimDraft,
    HistoryChange,
    PlaceDraft,
    SceneDraft,
    briefing_record,
    change_issues,
    claim_record,
    place_issues,
    place_record,
    restore_record,
    retire_record,
    slug,
    source_record,
    status_changed,
    talking_points_of,
)
from briefmap.safe import markdown_text, plain_text
from briefmap.store.base import (
    WHY_FIELD,
    AuditEntry,
    ChangeRefused,
    Edit,
    Editor,
    RecordKind,
    StaleRevision,
    Store,
    retired_on,
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


def other_issues(what: str, shown: Iterable[str]) -> None:
    """The issues no field of the form shows (another record's, a file's), in full, at the top."""
    slots = set(shown)
    others = [i for i in _issues(what) if _slot(i.field) not in slots]
    if others:
        st.error(
            "Not saved:\n\n" + "\n".join(f"- {_issue_text(i)}" for i in others),
            icon=":material/error:",
        )


def _refuse(what: str, issues: Sequence[ValidationIssue]) -> None:
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
        _refuse(what, issues)
        st.rerun()
    try:
        store.save(edits, who, why.strip())
    except ChangeRefused as refused:
        _refuse(what, refused.issues)
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


def said_once() -> None:
    """What the last save did, said once after the rerun that refilled the form."""
    done = st.session_state.pop(KEY_DONE, None)
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


# --------------------------------------------------------------------- claims


def _fill_claim(loaded: Loaded) -> None:
    """Set the claim form's widgets from a record (before they are drawn in this run)."""
    draft = ClaimDraft.of(loaded.record or {})
    values: dict[str, Any] = {
        "id": draft.id,
        "places": list(draft.places),
        "actors": list(draft.actors),
        "claimant": draft.claimant,
        "status": draft.status,
        "posture": draft.posture,
        "reported": draft.reported,
        "summary": draft.summary,
        "attribution": draft.attribution,
        "sources": list(draft.sources),
        "role": draft.role,
        "origin": draft.origin,
        "origin_source": draft.origin_source,
        "origin_note": draft.origin_note or "",
        "change_date": dt.date.today().isoformat(),
        "change_note": "",
        "change_sources": [],
    }
    if loaded.record is None:
        values.update(status=ClaimStatus.REPORTED, posture=Posture.CURRENT)
    for name, value in values.items():
        st.session_state[claim_key(name)] = value
    st.session_state[KEY_CLAIM_LOADED] = loaded
    st.session_state.pop(KEY_WHY, None)


def _draft() -> ClaimDraft:
    value = st.session_state.get

    def text(name: str) -> str:
        return value(claim_key(name)) or ""

    return ClaimDraft(
        id=text("id"),
        places=tuple(value(claim_key("places")) or ()),
        actors=tuple(value(claim_key("actors")) or ()),
        claimant=text("claimant"),
        status=value(claim_key("status")) or ClaimStatus.REPORTED,
        posture=value(claim_key("posture")) or Posture.CURRENT,
        reported=text("reported"),
        summary=text("summary"),
        attribution=text("attribution"),
        sources=tuple(value(claim_key("sources")) or ()),
        role=value(claim_key("role")) or Role.REPORT,
        origin=value(claim_key("origin")),
        origin_source=value(claim_key("origin_source")),
        origin_note=text("origin_note"),
    )


def _change() -> HistoryChange:
    value = st.session_state.get
    return HistoryChange(
        date=value(claim_key("change_date")) or "",
        note=value(claim_key("change_note")) or "",
        sources=tuple(value(claim_key("change_sources")) or ()),
    )


def _picked_claim(view: BriefingView, store: Store, retired_ids: Sequence[str]) -> str | None:
    """The claim picker: a claim of the catalog, a retired one, or a new claim."""
    catalog = view.loaded.catalog
    asked = st.query_params.get("claim")
    if asked and st.session_state.get(KEY_CLAIM_PICK) is None:
        st.session_state[KEY_CLAIM_PICK] = asked  # the claim card's link
    if KEY_CLAIM_PICK_NEXT in st.session_state:
        st.session_state[KEY_CLAIM_PICK] = st.session_state.pop(KEY_CLAIM_PICK_NEXT)
    every = [*catalog.claims, *retired_ids]
    text = ""
    if len(every) > PICK_LIST_LIMIT:
        text = st.text_input(
            "Find a claim", key=KEY_CLAIM_FIND, placeholder="Its id or words of its summary"
        )
        matches, _ = catalog.index.search_matches(text, PICK_MATCHES) if text else ([], 0)
        every = [m.id for m in matches if m.kind == "claim"]
    picked = st.session_state.get(KEY_CLAIM_PICK)
    options = [NEW, *every]
    if picked is not None and picked not in options:
        options.append(picked)
    retired_set = set(retired_ids)

    def label(cid: str) -> str:
        if cid == NEW:
            return "A new claim"
        claim = catalog.claims.get(cid)
        if claim is None:
            return f"{plain_text(cid)} (retired)" if cid in retired_set else plain_text(cid)
        return f"{plain_text(cid)}: {plain_text(claim.summary[:80])}"

    return st.selectbox("Claim", options, key=KEY_CLAIM_PICK, format_func=label, index=0)


def _place_label(view: BriefingView) -> Callable[[str], str]:
    places = view.loaded.catalog.places

    def label(pid: str) -> str:
        place = places.get(pid)
        if place is None:
            return f"{plain_text(pid)} (not in the catalog)"
        others = " · ".join(n for n in (place.name_ar, place.name_ru) if n)
        return plain_text(f"{place.name_en} ({others})" if others else place.name_en)

    return label


def _place_options(view: BriefingView, chosen: Iterable[str], find_key: str) -> list[str]:
    """Places to offer: all of them, or at scale those the search finds by any of their names."""
    catalog = view.loaded.catalog
    every = tuple(catalog.places)
    kept = [pid for pid in chosen if pid]
    if len(every) <= PICK_LIST_LIMIT:
        return list(dict.fromkeys([*every, *kept]))
    text = st.text_input(
        "Find a place",
        key=find_key,
        placeholder="A name in any language",
        help=f"{len(every):,} places: the first {PICK_MATCHES} whose names match are listed.",
    )
    found = catalog.index.find_places(every, text or "", PICK_MATCHES)
    return list(dict.fromkeys([*kept, *found]))


def _source_label(view: BriefingView) -> Callable[[str], str]:
    sources = view.loaded.catalog.sources

    def label(sid: str) -> str:
        source = sources.get(sid)
        if source is None:
            return plain_text(sid)
        return plain_text(f"{source.credit}, {source.date}: {source.title or sid}")

    return label


def claim_form(view: BriefingView, store: Store, editor: Editor | None) -> None:
    """Add or edit a claim: every field, a history entry for a change of status, retire, restore."""
    said_once()
    retired_ids = retired_claims(store)
    picked = _picked_claim(view, store, retired_ids)
    loaded: Loaded | None = st.session_state.get(KEY_CLAIM_LOADED)
    wanted = None if picked in (None, NEW) else picked
    if loaded is None or loaded.id != wanted:
        record, revision = store.get("claim", wanted) if wanted else (None, 0)
        if wanted and record is None:
            st.error(f"There is no claim {markdown_text(wanted)!s} in the store.")
            return
        loaded = Loaded("claim", wanted, record, revision)
        _fill_claim(loaded)
        st.session_state.pop(KEY_ISSUES, None)
    what = f"claim {loaded.id or 'new'}"
    day_retired = retired_on("claim", loaded.record)
    if day_retired:
        st.warning(
            f"This claim was retired on {markdown_text(day_retired)}: it is kept here and in "
            "its history, and left off the map until it is restored.",
            icon=":material/inventory_2:",
        )
    stale_panel("claim", loaded.id or st.session_state.get(claim_key("id")), _keep_mine_claim)
    other_issues(what, (*CLAIM_KEYS, "history", WHY_FIELD, "retired"))
    disabled = editor is None
    catalog = view.loaded.catalog
    st.text_input(
        "Id",
        key=claim_key("id"),
        disabled=disabled or loaded.id is not None,
        help="Letters, digits, dashes; never changes once saved.",
    )
    field_issues(what, "id")
    place_label = _place_label(view)
    chosen = st.session_state.get(claim_key("places")) or []
    st.multiselect(
        "Places",
        _place_options(view, chosen, KEY_PLACE_FIND),
        key=claim_key("places"),
        format_func=place_label,
        disabled=disabled,
        placeholder="Find a place by any of its names",
        help="Type a place's English, Arabic or Russian name; a new place is added under "
        "New place first.",
    )
    field_issues(what, "places")
    actor_ids = list(
        dict.fromkeys([*catalog.meta.actor_ids, *(st.session_state.get(claim_key("actors")) or ())])
    )
    st.multiselect(
        "Actors",
        actor_ids,
        key=claim_key("actors"),
        format_func=lambda a: plain_text(catalog.meta.actor(a).label),
        disabled=disabled,
    )
    field_issues(what, "actors")
    st.text_input(
        "Claimant",
        key=claim_key("claimant"),
        disabled=disabled,
        help="Who says it: a person, a government, an outlet.",
    )
    field_issues(what, "claimant")
    left, right, third = st.columns(3)
    with left:
        st.selectbox(
            "Status",
            list(ClaimStatus),
            key=claim_key("status"),
            format_func=lambda s: s.label,
            disabled=disabled,
        )
        field_issues(what, "status")
    with right:
        st.selectbox(
            "Posture",
            list(Posture),
            key=claim_key("posture"),
            format_func=lambda p: p.label,
            disabled=disabled,
        )
        field_issues(what, "posture")
    with third:
        st.text_input(
            "Reported",
            key=claim_key("reported"),
            disabled=disabled,
            placeholder="YYYY-MM-DD",
            help="The day the claim was reported.",
        )
        field_issues(what, "reported")
    st.text_area(
        "Summary",
        key=claim_key("summary"),
        disabled=disabled,
        help="Briefmap's own paraphrase of the reporting.",
    )
    field_issues(what, "summary")
    st.text_input(
        "Attribution",
        key=claim_key("attribution"),
        disabled=disabled,
        help="Where and how it was said.",
    )
    field_issues(what, "attribution")
    source_ids = list(
        dict.fromkeys([*catalog.sources, *(st.session_state.get(claim_key("sources")) or ())])
    )
    source_label = _source_label(view)
    st.multiselect(
        "Sources",
        source_ids,
        key=claim_key("sources"),
        format_func=source_label,
        disabled=disabled,
        help="A source not listed is added under Sources first.",
    )
    field_issues(what, "sources")
    st.selectbox(
        "Role", list(Role), key=claim_key("role"), format_func=lambda r: r.value, disabled=disabled
    )
    field_issues(what, "role")
    with st.expander("Origin of a proposed deployment"):
        st.selectbox(
            "Origin",
            [
                None,
                *_place_options(
                    view, [st.session_state.get(claim_key("origin")) or ""], "edit_origin_find"
                ),
            ],
            key=claim_key("origin"),
            format_func=lambda p: "None" if p is None else place_label(p),
            disabled=disabled,
        )
        field_issues(what, "origin")
        st.selectbox(
            "Source that names the origin",
            [None, *source_ids],
            key=claim_key("origin_source"),
            format_func=lambda s: "None" if s is None else source_label(s),
            disabled=disabled,
        )
        field_issues(what, "origin_source")
        st.text_input("Where it says so", key=claim_key("origin_note"), disabled=disabled)
        field_issues(what, "origin_note")
    draft = _draft()
    if status_changed(loaded.record, draft):
        with st.container(border=True, key="edit_change"):
            st.markdown("**The change of status or posture**, recorded in the claim's history")
            st.text_input(
                "Changed on",
                key=claim_key("change_date"),
                placeholder="YYYY-MM-DD",
                disabled=disabled,
            )
            st.text_input("What changed", key=claim_key("change_note"), disabled=disabled)
            st.multiselect(
                "Sources that report the change",
                list(draft.sources),
                key=claim_key("change_sources"),
                format_func=source_label,
                disabled=disabled,
            )
    field_issues(what, "history")
    _claim_history_lines(loaded.record)
    # One line, applied on Enter as the other fields are: a note, not a report.
    st.text_input(
        "Why this change (required)",
        key=KEY_WHY,
        disabled=disabled,
        max_chars=500,
        help="A note for the audit trail: why this change is made.",
    )
    field_issues(what, WHY_FIELD, "retired")
    if editor is None:
        return
    save_column, retire_column = st.columns(2)
    if save_column.button("Save claim", type="primary", key="edit_claim_save"):
        _save_claim(store, editor, loaded, loaded.revision)
    if loaded.record is not None:
        if day_retired:
            if retire_column.button("Restore claim", key="edit_claim_restore"):
                _retire_claim(store, editor, loaded, restore=True)
        elif retire_column.button("Retire claim", key="edit_claim_retire"):
            _retire_claim(store, editor, loaded, restore=False)


def _claim_history_lines(record: Mapping[str, Any] | None) -> None:
    history = (record or {}).get("history")
    if not isinstance(history, list) or not history:
        return
    lines = []
    for entry in history:
        if not isinstance(entry, dict):
            continue
        moved = ", ".join(str(entry[k]) for k in ("status", "posture") if entry.get(k))
        by = f" ({entry['editor']})" if entry.get("editor") else ""
        # Each step escaped on its own: markdown_text keeps a text on one line.
        step = f"{entry.get('date')}: {moved}{by}. {entry.get('note') or ''}"
        lines.append(f"- {markdown_text(step)}")
    st.caption("The claim's history so far:")
    st.markdown("\n".join(lines))


def _keep_mine_claim(revision: int) -> None:
    """Save mine over theirs: the form's record again, against the revision now stored."""
    loaded: Loaded | None = st.session_state.get(KEY_CLAIM_LOADED)
    if loaded is not None:
        st.session_state[KEY_CLAIM_LOADED] = Loaded(loaded.kind, loaded.id, loaded.record, revision)
    st.session_state.pop(KEY_STALE, None)


def _save_claim(store: Store, editor: Editor, loaded: Loaded, revision: int) -> None:
    draft, change = _draft(), _change()
    before = loaded.record
    record = claim_record(draft, before, change=change, editor_name=editor.name)
    rid = draft.id.strip()
    what = f"claim {loaded.id or 'new'}"
    own = change_issues(draft, before, change)
    if not rid:
        own.append(ValidationIssue("claims.json", "-", "id", "give the claim an id"))
    edit = Edit("claim", rid, record, revision)
    if save(what, store, [edit], editor, st.session_state.get(KEY_WHY) or "", own):
        st.session_state[KEY_DONE] = f"Saved claim {rid}."
        st.session_state[KEY_CLAIM_PICK_NEXT] = rid  # a new claim stays open once saved
        st.session_state.pop(KEY_CLAIM_LOADED, None)
        st.rerun()


def _retire_claim(store: Store, editor: Editor, loaded: Loaded, *, restore: bool) -> None:
    if loaded.record is None or loaded.id is None:  # a new claim has nothing to retire
        return
    record = (
        restore_record(loaded.record)
        if restore
        else retire_record(loaded.record, dt.date.today().isoformat())
    )
    what = f"claim {loaded.id}"
    edit = Edit("claim", loaded.id, record, loaded.revision)
    if save(what, store, [edit], editor, st.session_state.get(KEY_WHY) or ""):
        st.session_state[KEY_DONE] = f"{'Restored' if restore else 'Retired'} claim {loaded.id}."
        st.session_state.pop(KEY_CLAIM_LOADED, None)
        st.rerun()


@st.cache_resource(show_spinner=False, max_entries=4)
def _retired_claims(_store: Store, version: str) -> tuple[str, ...]:
    # Keyed by the store's version: read once per change, not once per rerun.
    return tuple(
        cid for cid, record in _store.records().claims.items() if retired_on("claim", record)
    )


def retired_claims(store: Store) -> tuple[str, ...]:
    """The ids of the store's retired claims (they can be opened and restored)."""
    return _retired_claims(store, store.version())


# --------------------------------------------------------------------- places


def new_place_form(view: BriefingView, store: Store, editor: Editor | None) -> None:
    """A new place: names, kind, precision, a pin (typed, or a click), the source that places it."""
    what = "new place"
    other_issues(
        what, ("name_en", "kind", "precision", "geometry", POSITION_SOURCE, WHY_FIELD, "id")
    )
    disabled = editor is None
    catalog = view.loaded.catalog
    name = st.text_input("English name", key="edit_place_name_en", disabled=disabled)
    field_issues(what, "name_en", "id")
    left, right = st.columns(2)
    left.text_input("Arabic name", key="edit_place_name_ar", disabled=disabled)
    right.text_input("Russian name", key="edit_place_name_ru", disabled=disabled)
    st.text_input("Other spellings, separated by commas", key="edit_place_alt", disabled=disabled)
    kind = st.selectbox(
        "Kind",
        list(PlaceKind),
        key="edit_place_kind",
        format_func=lambda k: k.label,
        disabled=disabled,
    )
    field_issues(what, "kind")
    precision = st.radio(
        "Precision", list(Precision), key="edit_place_precision",
        format_func=lambda p: PRECISION_HINTS[p],
        index=1, horizontal=True, disabled=disabled,
    )  # fmt: skip
    field_issues(what, "precision")
    lon_column, lat_column = st.columns(2)
    lon = lon_column.number_input(
        "Longitude",
        key="edit_place_lon",
        value=None,
        min_value=-180.0,
        max_value=180.0,
        format="%.5f",
        disabled=disabled,
    )
    lat = lat_column.number_input(
        "Latitude",
        key="edit_place_lat",
        value=None,
        min_value=-90.0,
        max_value=90.0,
        format="%.5f",
        disabled=disabled,
    )
    field_issues(what, "geometry")
    source_label = _source_label(view)
    position_source = st.selectbox(
        "The source that gives this position",
        [None, *catalog.sources],
        key="edit_place_source",
        format_func=lambda s: "None" if s is None else source_label(s),
        disabled=disabled,
        help="Needed for a site: never a precise pin without a source for it.",
    )
    field_issues(what, POSITION_SOURCE)
    note = st.text_input("Note", key="edit_place_note", disabled=disabled)
    st.text_area("Why add this place (required)", key="edit_place_why", disabled=disabled)
    field_issues(what, WHY_FIELD)
    if editor is None or not st.button("Add place", key="edit_place_save"):
        return
    source = catalog.sources.get(position_source or "")
    draft = PlaceDraft(
        id=slug(name or "", set(catalog.places)),
        name_en=name or "",
        kind=kind.value,
        precision=precision,
        lon=lon,
        lat=lat,
        name_ar=st.session_state.get("edit_place_name_ar") or "",
        name_ru=st.session_state.get("edit_place_name_ru") or "",
        alt_names=tuple((st.session_state.get("edit_place_alt") or "").split(",")),
        note=note or "",
        position_source=position_source,
        position_source_credit=f"{source.credit}, {source.date}" if source else "",
    )
    edit = Edit("place", draft.id, place_record(draft), 0)
    if save(
        what,
        store,
        [edit],
        editor,
        st.session_state.get("edit_place_why") or "",
        place_issues(draft),
    ):
        st.session_state[KEY_DONE] = f"Added place {draft.id}; pick it in a claim's places."
        st.rerun()


def new_source_form(store: Store, editor: Editor | None, taken: Iterable[str]) -> None:
    """A new source: outlet, date, title, link."""
    what = "new source"
    other_issues(what, ("outlet", "date", "title", "url", "via", WHY_FIELD, "id"))
    disabled = editor is None
    outlet = st.text_input(
        "Outlet",
        key="edit_source_outlet",
        disabled=disabled,
        help="Who published it, by name; if nobody can tell, say so in words.",
    )
    known = st.checkbox(
        "The outlet is known", value=True, key="edit_source_known", disabled=disabled
    )
    field_issues(what, "outlet", "id")
    date = st.text_input(
        "Date", key="edit_source_date", placeholder="YYYY-MM-DD", disabled=disabled
    )
    field_issues(what, "date")
    title = st.text_input("What it is, in our words", key="edit_source_title", disabled=disabled)
    field_issues(what, "title")
    via = st.text_input(
        "Read via (if not the outlet itself)", key="edit_source_via", disabled=disabled
    )
    field_issues(what, "via")
    url = st.text_input("Link", key="edit_source_url", disabled=disabled)
    field_issues(what, "url")
    st.text_area("Why add this source (required)", key="edit_source_why", disabled=disabled)
    field_issues(what, WHY_FIELD)
    if editor is None or not st.button("Add source", key="edit_source_save"):
        return
    sid = slug(f"{outlet or ''} {date or ''}", set(taken))
    record = source_record(
        id=sid,
        outlet=outlet or "",
        date=date or "",
        title=title or "",
        url=url or "",
        outlet_known=known,
        via=via or "",
    )
    if save(
        what,
        store,
        [Edit("source", sid, record, 0)],
        editor,
        st.session_state.get("edit_source_why") or "",
    ):
        st.session_state[KEY_DONE] = f"Added source {sid}; pick it in a claim's sources."
        st.rerun()


# ------------------------------------------------------------------ briefings


def briefing_form(view: BriefingView, store: Store, editor: Editor | None) -> None:
    """A briefing's title, and each scene's title and talking points (one a line)."""
    briefings = view.data.briefings
    if not briefings:
        st.caption("The data has no briefings.")
        return
    picked = st.selectbox(
        "Briefing",
        list(briefings),
        key=KEY_BRIEFING_PICK,
        format_func=lambda b: plain_text(briefings[b].title),
    )
    loaded: Loaded | None = st.session_state.get(KEY_BRIEFING_LOADED)
    if loaded is None or loaded.id != picked:
        record, revision = store.get("briefing", picked)
        loaded = Loaded("briefing", picked, record, revision)
        st.session_state[KEY_BRIEFING_LOADED] = loaded
        st.session_state["edit_briefing_title"] = (record or {}).get("title", "")
        for index, scene in enumerate((record or {}).get("scenes") or []):
            st.session_state[f"edit_scene_{index}_title"] = scene.get("title", "")
            st.session_state[f"edit_scene_{index}_points"] = "\n".join(
                scene.get("talking_points") or []
            )
    what = f"briefing {picked}"
    stale_panel("briefing", picked, _keep_mine_briefing)
    other_issues(what, ("title", WHY_FIELD))
    disabled = editor is None
    st.text_input("Title", key="edit_briefing_title", disabled=disabled)
    field_issues(what, "title")
    scenes = (loaded.record or {}).get("scenes") or []
    for index, _ in enumerate(scenes):
        with st.container(border=True):
            st.text_input(
                f"Scene {index + 1}: title", key=f"edit_scene_{index}_title", disabled=disabled
            )
            st.text_area(
                f"Scene {index + 1}: talking points, one a line",
                key=f"edit_scene_{index}_points",
                disabled=disabled,
            )
            field_issues(what, f"scenes[{index + 1}]", f"scene {index + 1}")
    st.text_area("Why change this briefing (required)", key="edit_briefing_why", disabled=disabled)
    field_issues(what, WHY_FIELD)
    if editor is None or not st.button("Save briefing", key="edit_briefing_save"):
        return
    drafts = [
        SceneDraft(
            st.session_state.get(f"edit_scene_{i}_title") or "",
            talking_points_of(st.session_state.get(f"edit_scene_{i}_points") or ""),
        )
        for i in range(len(scenes))
    ]
    record = briefing_record(
        loaded.record or {}, st.session_state.get("edit_briefing_title") or "", drafts
    )
    if save(
        what,
        store,
        [Edit("briefing", picked, record, loaded.revision)],
        editor,
        st.session_state.get("edit_briefing_why") or "",
    ):
        st.session_state.pop(KEY_BRIEFING_LOADED, None)
        st.session_state[KEY_DONE] = f"Saved briefing {picked}."
        st.rerun()


def _keep_mine_briefing(revision: int) -> None:
    loaded: Loaded | None = st.session_state.get(KEY_BRIEFING_LOADED)
    if loaded is not None:
        st.session_state[KEY_BRIEFING_LOADED] = Loaded(
            loaded.kind, loaded.id, loaded.record, revision
        )
    st.session_state.pop(KEY_STALE, None)


# ---------------------------------------------------------------------- audit


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
        _refuse(what, [ValidationIssue("-", str(seq), WHY_FIELD, "say why you undo this change")])
        return
    try:
        store.undo(seq, editor, why.strip())
    except ChangeRefused as refused:
        _refuse(what, refused.issues)
        return
    except StaleRevision as stale:
        _refuse(
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
    options = _place_options(view, [chosen] if chosen else [], "edit_history_place_find")
    if chosen and chosen not in options:
        options.insert(0, chosen)
    place_id = st.selectbox(
        "Place",
        options,
        key=KEY_HISTORY_PLACE,
        index=None,
        format_func=_place_label(view),
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
