"""The editor page's new place and new source forms.

Saved through the store as every change is (:mod:`briefmap.app.editor`).
"""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from briefmap.app.editor import (
    KEY_DONE,
    PRECISION_HINTS,
    field_issues,
    other_issues,
    save,
)
from briefmap.app.editor_claim import (
    source_labels,
)
from briefmap.app.view import BriefingView
from briefmap.data.schema import (
    PlaceKind,
    Precision,
)
from briefmap.engine.edit_forms import (
    POSITION_SOURCE,
    PlaceDraft,
    place_issues,
    place_record,
    slug,
    source_record,
)
from briefmap.store.base import (
    WHY_FIELD,
    Edit,
    Editor,
    Store,
)


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
    lon = _coordinate(lon_column, "Longitude", "edit_place_lon", 180.0, disabled=disabled)
    lat = _coordinate(lat_column, "Latitude", "edit_place_lat", 90.0, disabled=disabled)
    field_issues(what, "geometry")
    source_label = source_labels(view)
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


def _coordinate(
    column: DeltaGenerator, label: str, key: str, limit: float, *, disabled: bool
) -> float | None:
    """A pin's longitude or latitude: typed, or set by a click on the editor's map."""
    return column.number_input(
        label,
        key=key,
        value=None,
        min_value=-limit,
        max_value=limit,
        format="%.5f",
        disabled=disabled,
        help="Type it, or choose 'Sets the new place's pin' above the map and click the map: "
        "the pin is rounded to what the precision allows.",
    )


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
