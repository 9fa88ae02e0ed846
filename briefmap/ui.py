"""Streamlit glue shared by ``app.py`` and the pages: loading, sidebar, state.

This is the only module in the package that imports Streamlit; everything it
shows is computed by the pure modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

from briefmap.assets import install_static_assets
from briefmap.interaction import MapClick, place_at, view_for_bounds
from briefmap.state import MapView
from briefmap.loader import LoadResult, data_fingerprint, default_data_dir, load_catalog
from briefmap.mapping import build_base_map, build_layers
from briefmap.query import ClaimFilter, Deployments, Selection, select
from briefmap.safe import markdown_text
from briefmap.schema import Actor, Catalog, ClaimStatus, PlaceKind

APP_DIR = Path(__file__).resolve().parent.parent

# Session-state keys, in one place.
KEY_ACTORS = "filter_actors"
KEY_STATUSES = "filter_statuses"
KEY_DEPLOYMENTS = "filter_deployments"
KEY_KINDS = "filter_kinds"
KEY_SEARCH = "filter_search"
KEY_VIEW = "briefing_view"
KEY_SELECTED_PLACE = "selected_place"
KEY_LAST_CLICK = "last_handled_click"
KEY_VIEW_REQUEST = "map_view_request"


@dataclass(frozen=True)
class BriefingView:
    """What every page needs: the loaded data and the current selection."""

    loaded: LoadResult
    claim_filter: ClaimFilter
    selection: Selection

    @property
    def catalog(self) -> Catalog:
        return self.loaded.catalog


@st.cache_resource(show_spinner=False)
def _load(data_dir: str, fingerprint: str) -> LoadResult:
    # Keyed by the files' content hash, so an edit to geodata/ is picked up on
    # the next rerun; cache_resource shares one catalog across sessions.
    del fingerprint
    return load_catalog(Path(data_dir))


@st.cache_resource(show_spinner=False)
def _install_assets() -> Path:
    return install_static_assets(APP_DIR / "static")


def load() -> LoadResult:
    """The validated data from ``$BRIEFMAP_DATA`` or ``geodata/``, cached by content."""
    _install_assets()
    directory = default_data_dir().resolve()
    return _load(str(directory), data_fingerprint(directory))


def _kinds_in(catalog: Catalog) -> list[PlaceKind]:
    present = {p.kind for p in catalog.places.values()}
    return [k for k in PlaceKind if k in present]


def init_filter_state(catalog: Catalog) -> None:
    """Default filters: everything shown. Runs once per session (and on reset)."""
    defaults = {
        KEY_ACTORS: list(Actor),
        KEY_STATUSES: list(ClaimStatus),
        KEY_DEPLOYMENTS: Deployments.INCLUDE_PROPOSED,
        KEY_KINDS: _kinds_in(catalog),
        KEY_SEARCH: "",
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def reset_filters() -> None:
    """Callback: back to showing everything."""
    for key in (KEY_ACTORS, KEY_STATUSES, KEY_DEPLOYMENTS, KEY_KINDS, KEY_SEARCH):
        st.session_state.pop(key, None)


def sidebar_filters(catalog: Catalog) -> ClaimFilter:
    """Lay out the shared sidebar filters and return what they ask for."""
    init_filter_state(catalog)
    with st.sidebar:
        st.header("Filters")
        search = st.text_input(
            "Search places",
            key=KEY_SEARCH,
            placeholder="Khmeimim, حميميم, Хмеймим, Qamişlo...",
            help="Matches English, Arabic and Russian names and alternative spellings.",
        )
        actors = st.multiselect("Actor", list(Actor), key=KEY_ACTORS, format_func=lambda a: a.label)
        statuses = st.multiselect(
            "Claim status",
            list(ClaimStatus),
            key=KEY_STATUSES,
            format_func=lambda s: s.label,
            help="How well sourced a claim is; see Sources & method for definitions.",
        )
        deployments = st.radio(
            "Proposed deployments",
            list(Deployments),
            key=KEY_DEPLOYMENTS,
            format_func=lambda d: d.label,
        )
        kinds = st.multiselect(
            "Place kind", _kinds_in(catalog), key=KEY_KINDS, format_func=lambda k: k.label
        )
        st.button("Reset filters", on_click=reset_filters, width="stretch")
    return ClaimFilter(
        actors=frozenset(actors),
        statuses=frozenset(statuses),
        deployments=deployments,
        kinds=frozenset(kinds),
        search=search or "",
    )


def publish(view: BriefingView) -> None:
    """Hand the view from ``app.py`` to the page that runs after it."""
    st.session_state[KEY_VIEW] = view


def current_view() -> BriefingView:
    """The view ``app.py`` computed for this run."""
    if KEY_VIEW not in st.session_state:
        # A server's very first run can execute a page file on its own: Streamlit
        # sees the pages/ folder and replays its old multipage mode until
        # st.navigation has run once. Lay out the sidebar here in that case.
        publish(build_view())
    return st.session_state[KEY_VIEW]


def build_view() -> BriefingView:
    """Load data, lay out the sidebar, apply the filters."""
    loaded = load()
    claim_filter = sidebar_filters(loaded.catalog)
    return BriefingView(loaded, claim_filter, select(loaded.catalog, claim_filter))


def data_problems(loaded: LoadResult) -> None:
    """The error panel: what failed validation and how much was left out."""
    if loaded.ok:
        return
    left = loaded.left_out()
    total_left = sum(left.values())
    st.error(
        f"The data has {len(loaded.issues)} error(s); {total_left} record(s) were left out "
        "and everything else is shown. Run `python -m briefmap validate` for the full report.",
        icon="⚠️",
    )
    with st.expander("What failed validation"):
        for issue in loaded.issues:
            st.markdown(
                f"- **{markdown_text(issue.file)}**, record **{markdown_text(issue.record)}**, "
                f"field **{markdown_text(issue.field)}**: {markdown_text(issue.message)}"
            )


def empty_result_notice(selection: Selection) -> bool:
    """A friendly word and a way back when nothing matches; True if empty."""
    if selection.claims:
        return False
    st.info(
        "No claims match these filters. Widen the actor or status choices, clear the "
        "search, or reset everything.",
        icon="🔎",
    )
    st.button("Reset filters", on_click=reset_filters, key="reset_from_empty")
    return True


MAP_HEIGHT = 640
# Only clicks rerun the script; panning and zooming stay in the browser.
RETURNED_OBJECTS = ["last_object_clicked"]


def request_fit(view: BriefingView) -> None:
    """Callback: ask the map to fit the places now shown."""
    bounds = map_bounds_of(view)
    if bounds is None:
        return
    fitted = view_for_bounds(bounds, height_px=MAP_HEIGHT)
    previous = st.session_state.get(KEY_VIEW_REQUEST)
    # st_folium only moves the map when centre or zoom differ from the last
    # request, so a second press of the button nudges the centre invisibly.
    if previous is not None and previous.center == fitted.center and previous.zoom == fitted.zoom:
        lat, lng = fitted.center
        fitted = MapView(center=(lat + 1e-7, lng), zoom=fitted.zoom)
    st.session_state[KEY_VIEW_REQUEST] = fitted


def map_bounds_of(view: BriefingView) -> list[list[float]] | None:
    on_map = [
        view.catalog.places[p].geometry.bounds
        for p in view.selection.place_ids
        if not view.catalog.places[p].off_map
    ]
    if not on_map:
        return None
    return [
        [min(b[1] for b in on_map), min(b[0] for b in on_map)],
        [max(b[3] for b in on_map), max(b[2] for b in on_map)],
    ]


def briefing_map(view: BriefingView) -> None:
    """The map: a fixed base map with the filtered layers swapped in place."""
    catalog, selection = view.catalog, view.selection
    requested: MapView | None = st.session_state.get(KEY_VIEW_REQUEST)
    returned = st_folium(
        build_base_map(catalog),
        key="briefing_map",
        height=MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=build_layers(catalog, selection),
        layer_control=folium.LayerControl(collapsed=True),
        returned_objects=RETURNED_OBJECTS,
        center=requested.center if requested else None,
        zoom=requested.zoom if requested else None,
    )
    click = MapClick.from_component(returned)
    if click is not None and click != st.session_state.get(KEY_LAST_CLICK):
        st.session_state[KEY_LAST_CLICK] = click
        place_id = place_at(catalog, selection.place_ids, click)
        if place_id is not None:
            st.session_state[KEY_SELECTED_PLACE] = place_id


def map_footer(view: BriefingView) -> None:
    """The count line, the fit button and the places drawn off the map's view."""
    left, right = st.columns([3, 1])
    left.markdown(f"**{view.selection.summary_line}**")
    right.button(
        "Fit map to shown places",
        on_click=request_fit,
        args=(view,),
        width="stretch",
        disabled=map_bounds_of(view) is None,
    )
    off_map = [
        view.catalog.places[p] for p in view.selection.place_ids if view.catalog.places[p].off_map
    ]
    for place in off_map:
        n = len(view.selection.claims_at(place.id))
        st.button(
            f"Off the map: {place.name_en} ({n} claim{'s' if n != 1 else ''})",
            key=f"offmap_{place.id}",
            on_click=_select_place,
            args=(place.id,),
            help="Drawn at its real position, outside the map's view of Syria. Open its claim card.",
        )


def _select_place(place_id: str) -> None:
    st.session_state[KEY_SELECTED_PLACE] = place_id


STATUS_BADGES: dict[ClaimStatus, str] = {
    ClaimStatus.CONFIRMED: ":green-background[Confirmed]",
    ClaimStatus.STATED: ":blue-background[Stated on the record]",
    ClaimStatus.REPORTED: ":orange-background[Reported by unnamed sources]",
    ClaimStatus.UNVERIFIED: ":gray-background[Unverified]",
    ClaimStatus.DENIED: ":red-background[Denied]",
}


def claim_card(view: BriefingView) -> None:
    """The claim card: every shown claim on the selected place."""
    catalog, selection = view.catalog, view.selection
    shown = [p for p in selection.place_ids]
    if st.session_state.get(KEY_SELECTED_PLACE) not in shown:
        st.session_state[KEY_SELECTED_PLACE] = None
    place_id = st.selectbox(
        "Claim card",
        shown,
        key=KEY_SELECTED_PLACE,
        index=None,
        placeholder="Click a place on the map, or choose one",
        format_func=lambda pid: catalog.places[pid].name_en,
    )
    if place_id is None:
        st.caption("Click a place on the map to list every claim made about it.")
        return
    place = catalog.places[place_id]
    names = " · ".join(markdown_text(n) for n in (place.name_ar, place.name_ru) if n)
    with st.container(border=True):
        st.markdown(f"### {markdown_text(place.name_en)}")
        if names:
            st.markdown(names)
        st.caption(
            f"{markdown_text(place.kind.label)} · precision: {markdown_text(place.precision.label)}"
            + (f" · {markdown_text(place.note)}" if place.note else "")
        )
        for claim in selection.claims_at(place_id):
            source = catalog.sources[claim.source]
            with st.container(border=True):
                st.markdown(
                    f"{STATUS_BADGES[claim.status]} :gray[{markdown_text(claim.posture.label)}]"
                )
                st.markdown(markdown_text(claim.summary))
                st.markdown(
                    f"**Claimant:** {markdown_text(claim.claimant)}  \n"
                    f"**Attribution:** {markdown_text(claim.attribution)}  \n"
                    f"**Reported:** {markdown_text(claim.reported)}  \n"
                    f"**Source:** {markdown_text(source.outlet)} ({markdown_text(source.date)})"
                )
                if source.url:
                    st.link_button("Open source", source.url)
