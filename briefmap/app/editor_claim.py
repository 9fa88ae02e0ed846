"""The editor page's claim form: a claim's every field, its history steps, retire and restore.

Saved through the store as every change is (:mod:`briefmap.app.editor`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import streamlit as st

from briefmap.app.editor import (
    CLAIM_KEYS,
    KEY_CLAIM_FIND,
    KEY_CLAIM_LOADED,
    KEY_CLAIM_PICK,
    KEY_CLAIM_PICK_NEXT,
    KEY_DONE,
    KEY_ISSUES,
    KEY_PLACE_FIND,
    KEY_STALE,
    KEY_WHY,
    NEW,
    PICK_LIST_LIMIT,
    PICK_MATCHES,
    Loaded,
    claim_key,
    field_issues,
    other_issues,
    said_once,
    save,
    stale_panel,
)
from briefmap.app.view import BriefingView
from briefmap.data.schema import (
    ClaimStatus,
    Posture,
    Role,
)
from briefmap.data.validate import ValidationIssue
from briefmap.engine.edit_forms import (
    ClaimDraft,
    HistoryChange,
    change_issues,
    claim_record,
    restore_record,
    retire_record,
    status_changed,
)
from briefmap.safe import markdown_text, plain_text
from briefmap.store.base import (
    WHY_FIELD,
    Edit,
    Editor,
    Store,
    retired_on,
)


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


def place_labels(view: BriefingView) -> Callable[[str], str]:
    places = view.loaded.catalog.places

    def label(pid: str) -> str:
        place = places.get(pid)
        if place is None:
            return f"{plain_text(pid)} (not in the catalog)"
        others = " · ".join(n for n in (place.name_ar, place.name_ru) if n)
        return plain_text(f"{place.name_en} ({others})" if others else place.name_en)

    return label


def place_options(view: BriefingView, chosen: Iterable[str], find_key: str) -> list[str]:
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


def source_labels(view: BriefingView) -> Callable[[str], str]:
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

    def field(widget: Callable[..., Any], label: str, name: str, **options: Any) -> None:
        claim_field(what, widget, label, name, disabled=disabled, **options)

    field(
        st.text_input,
        "Id",
        "id",
        help="Letters, digits, dashes; never changes once saved.",
        locked=loaded.id is not None,
    )
    place_label = place_labels(view)
    chosen = st.session_state.get(claim_key("places")) or []
    field(
        st.multiselect,
        "Places",
        "places",
        options=place_options(view, chosen, KEY_PLACE_FIND),
        format_func=place_label,
        placeholder="Find a place by any of its names",
        help="Type a place's English, Arabic or Russian name, or click it on the map above; "
        "a new place is added under Places first.",
    )
    actor_ids = list(
        dict.fromkeys([*catalog.meta.actor_ids, *(st.session_state.get(claim_key("actors")) or ())])
    )
    field(
        st.multiselect,
        "Actors",
        "actors",
        options=actor_ids,
        format_func=lambda a: plain_text(catalog.meta.actor(a).label),
    )
    field(
        st.text_input,
        "Claimant",
        "claimant",
        help="Who says it: a person, a government, an outlet.",
    )
    left, right, third = st.columns(3)
    with left:
        field(st.selectbox, "Status", "status", options=list(ClaimStatus), format_func=_label)
    with right:
        field(st.selectbox, "Posture", "posture", options=list(Posture), format_func=_label)
    with third:
        field(
            st.text_input,
            "Reported",
            "reported",
            placeholder="YYYY-MM-DD",
            help="The day the claim was reported.",
        )
    field(st.text_area, "Summary", "summary", help="Briefmap's own paraphrase of the reporting.")
    field(st.text_input, "Attribution", "attribution", help="Where and how it was said.")
    source_ids = list(
        dict.fromkeys([*catalog.sources, *(st.session_state.get(claim_key("sources")) or ())])
    )
    source_label = source_labels(view)
    field(
        st.multiselect,
        "Sources",
        "sources",
        options=source_ids,
        format_func=source_label,
        help="A source not listed is added under Sources first.",
    )
    field(st.selectbox, "Role", "role", options=list(Role), format_func=lambda r: r.value)
    with st.expander("Origin of a proposed deployment"):
        origins = place_options(
            view, [st.session_state.get(claim_key("origin")) or ""], "edit_origin_find"
        )
        field(
            st.selectbox,
            "Origin",
            "origin",
            options=[None, *origins],
            format_func=_or_none(place_label),
        )
        field(
            st.selectbox,
            "Source that names the origin",
            "origin_source",
            options=[None, *source_ids],
            format_func=_or_none(source_label),
        )
        field(st.text_input, "Where it says so", "origin_note")
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


def claim_field(
    what: str,
    widget: Callable[..., Any],
    label: str,
    name: str,
    *,
    disabled: bool,
    locked: bool = False,
    **options: Any,
) -> None:
    """A claim form's field, keyed by its name, with the last refused save's issues beside it.

    ``locked``: shown but not editable (a saved claim's id).
    """
    widget(label, key=claim_key(name), disabled=disabled or locked, **options)
    field_issues(what, name)


def _or_none(label: Callable[[str], str]) -> Callable[[str | None], str]:
    """A choice's labeller for a list that starts with no choice (``None``)."""
    return lambda value: "None" if value is None else label(value)


def _label(member: ClaimStatus | Posture) -> str:
    return member.label


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
