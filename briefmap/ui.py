"""Streamlit glue shared by ``app.py`` and the pages: loading, sidebar, state, URL.

This is the only module in the package that imports Streamlit; everything it
shows is computed by the pure modules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import folium
import streamlit as st
from streamlit_folium import st_folium

from briefmap import pages_mode
from briefmap.assets import install_static_assets, web_style
from briefmap.briefings import Briefing, Scene, load_briefings
from briefmap.bulk import (
    build_layers_auto,
    date_span,
    drawn_place_ids,
    find_places,
    kinds_in,
    map_bounds,
    monthly_counts,
    off_map_place_ids,
    select_fast,
    selection_bounds,
    warm,
)
from briefmap.interaction import MapClick, place_at, view_for_bounds
from briefmap.loader import (
    LoadResult,
    ValidationIssue,
    data_fingerprint,
    default_data_dir,
    load_catalog,
)
from briefmap.mapping import MapExtras, build_base_map, build_upload_layer
from briefmap.query import ClaimFilter, Deployments, Selection, select
from briefmap.safe import markdown_text, plain_text
from briefmap.schema import Actor, Catalog, Claim, ClaimStatus, Posture
from briefmap.state import BriefingState, MapView, parse, to_params
from briefmap.timeline import Change, as_of, changes_between
from briefmap.uploads import MAX_FEATURES, MAX_UPLOAD_BYTES, describe, load_upload, upload_name

APP_DIR = Path(__file__).resolve().parent.parent

# Session-state keys, in one place.
KEY_ACTORS = "filter_actors"
KEY_STATUSES = "filter_statuses"
KEY_DEPLOYMENTS = "filter_deployments"
KEY_KINDS = "filter_kinds"
KEY_SEARCH = "filter_search"
KEY_DATES = "filter_dates"
KEY_AS_OF = "as_of_day"
KEY_SINCE = "since_day"
KEY_PRESENT = "presentation"
KEY_BRIEFING = "briefing"
KEY_SCENE = "scene"
KEY_VIEW = "briefing_view"
KEY_SELECTED_PLACE = "selected_place"
KEY_LAST_CLICK = "last_handled_click"
KEY_VIEW_REQUEST = "map_view_request"
KEY_MAP_VIEW = "map_view_now"
KEY_URL_READ = "url_read"
KEY_NOTICES = "link_notices"
KEY_URL_WRITTEN = "url_written"
KEY_UPLOAD_FILES = "upload_files"
KEY_LAST_REPORTED_VIEW = "map_view_reported"
KEY_UPLOAD = "upload_result"
KEY_CARD_SEARCH = "card_search"

FILTER_KEYS = (KEY_ACTORS, KEY_STATUSES, KEY_DEPLOYMENTS, KEY_KINDS, KEY_SEARCH, KEY_DATES)


@dataclass(frozen=True)
class Data:
    """Everything loaded from the data directory."""

    loaded: LoadResult
    briefings: dict[str, Briefing] = field(default_factory=dict)
    briefing_issues: tuple[ValidationIssue, ...] = ()


@dataclass(frozen=True)
class Upload:
    """A user's own files, validated; held in that user's session only."""

    names: tuple[str, ...]
    digest: str
    result: LoadResult


@dataclass(frozen=True)
class BriefingView:
    """What every page needs: the data, the filters, and what they select."""

    data: Data
    state: BriefingState
    shown: Catalog  # the catalog as of the chosen day
    selection: Selection
    changes: tuple[Change, ...] = ()
    scene: Scene | None = None
    upload: Upload | None = None

    @property
    def loaded(self) -> LoadResult:
        return self.data.loaded

    @property
    def catalog(self) -> Catalog:
        return self.shown

    @property
    def claim_filter(self) -> ClaimFilter:
        return self.state.claim_filter


# ------------------------------------------------------------------ loading


@st.cache_resource(show_spinner=False)
def _load(data_dir: str, fingerprint: str) -> Data:
    # Keyed by the files' content hash, so an edit to geodata/ is picked up on
    # the next rerun; cache_resource shares one catalog across sessions.
    del fingerprint
    path = Path(data_dir)
    loaded = load_catalog(path)
    warm(loaded.catalog)  # the fast path's per-catalog tables, built once, shared
    if path.is_dir():
        briefings, issues = load_briefings(path, loaded.catalog)
        return Data(loaded, briefings, tuple(issues))
    return Data(loaded)


@st.cache_resource(show_spinner=False)
def _install_assets() -> Path:
    return install_static_assets(APP_DIR / "static")


def load() -> Data:
    """The validated data from ``$BRIEFMAP_DATA`` or ``geodata/``, cached by content."""
    _install_assets()
    directory = default_data_dir().resolve()
    return _load(str(directory), data_fingerprint(directory))


# ------------------------------------------------------------ filter state


# The kinds present, the date span, the bounds and the drawn places are asked
# for several times a rerun: bulk caches them per catalog or selection (each is
# a full pass over 100,000 claims otherwise).


def _day_range(catalog: Catalog) -> tuple[dt.date, dt.date]:
    span = date_span(catalog) or ("2000-01-01", dt.date.today().isoformat())
    return dt.date.fromisoformat(span[0]), dt.date.fromisoformat(span[1])


def default_filter(catalog: Catalog) -> ClaimFilter:
    """What a fresh visitor sees: everything."""
    return ClaimFilter(
        actors=frozenset(Actor),
        statuses=frozenset(ClaimStatus),
        deployments=Deployments.INCLUDE_PROPOSED,
        kinds=frozenset(kinds_in(catalog)),
    )


def _filter_widget_values(catalog: Catalog, flt: ClaimFilter) -> dict[str, object]:
    first, last = _day_range(catalog)
    start = dt.date.fromisoformat(flt.reported_from) if flt.reported_from else first
    end = dt.date.fromisoformat(flt.reported_to) if flt.reported_to else last
    kinds = kinds_in(catalog)
    return {
        KEY_ACTORS: [a for a in Actor if flt.actors is None or a in flt.actors],
        KEY_STATUSES: [s for s in ClaimStatus if flt.statuses is None or s in flt.statuses],
        KEY_DEPLOYMENTS: flt.deployments,
        KEY_KINDS: [k for k in kinds if flt.kinds is None or k in flt.kinds],
        KEY_SEARCH: flt.search,
        KEY_DATES: (max(first, min(start, last)), min(last, max(end, first))),
    }


def _set_filters(catalog: Catalog, flt: ClaimFilter) -> None:
    for key, value in _filter_widget_values(catalog, flt).items():
        st.session_state[key] = value


def reset_filters() -> None:
    """Callback: back to showing everything, today."""
    for key in (*FILTER_KEYS, KEY_AS_OF, KEY_SINCE):
        st.session_state.pop(key, None)


def _parse_day(value: object) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None


# --------------------------------------------------------------- briefings


def apply_scene(data: Data, briefing_id: str | None, number: int | None) -> None:
    """Callback-safe: set filters, day, view and scene number from a briefing's scene."""
    briefing = data.briefings.get(briefing_id or "")
    if briefing is None:
        st.session_state[KEY_BRIEFING] = None
        st.session_state[KEY_SCENE] = None
        return
    number = min(max(number or 1, 1), len(briefing.scenes))
    scene = briefing.scenes[number - 1]
    catalog = data.loaded.catalog
    st.session_state[KEY_BRIEFING] = briefing.id
    st.session_state[KEY_SCENE] = number
    _set_filters(catalog, scene.claim_filter)
    st.session_state[KEY_AS_OF] = dt.date.fromisoformat(scene.as_of) if scene.as_of else None
    st.session_state[KEY_SINCE] = dt.date.fromisoformat(scene.since) if scene.since else None
    st.session_state[KEY_SELECTED_PLACE] = None
    view = scene.view
    if view is None:
        bounds = bounds_of(
            [catalog.places[p] for p in scene.highlight] or list(catalog.places.values())
        )
        view = view_for_bounds(bounds, height_px=MAP_HEIGHT) if bounds else None
        if view is not None:
            # One highlighted point alone would fit at street level.
            view = MapView(center=view.center, zoom=min(view.zoom, 9))
    if view is not None:
        _request_view(view)


def _on_briefing_change(data: Data) -> None:
    apply_scene(data, st.session_state.get(KEY_BRIEFING), 1)


def active_scene(data: Data) -> tuple[Briefing, int, Scene] | None:
    briefing = data.briefings.get(st.session_state.get(KEY_BRIEFING) or "")
    number = st.session_state.get(KEY_SCENE)
    if briefing is None or not number:
        return None
    number = min(max(number, 1), len(briefing.scenes))
    return briefing, number, briefing.scenes[number - 1]


# ------------------------------------------------------------------- URL


def read_link_once(data: Data) -> None:
    """On a session's first run, take filters, view, place, scene from the URL."""
    if st.session_state.get(KEY_URL_READ):
        return
    st.session_state[KEY_URL_READ] = True
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    state, notices = parse(params)
    catalog = data.loaded.catalog
    if state.briefing is not None:
        if state.briefing in data.briefings:
            apply_scene(data, state.briefing, state.scene)
            briefing = data.briefings[state.briefing]
            if state.scene and state.scene > len(briefing.scenes):
                notices.append(f"The briefing has {len(briefing.scenes)} scenes; showing the last.")
        else:
            notices.append(f"Ignored briefing {state.briefing!r}: there is no such briefing.")
    explicit = set(params)
    if explicit & {"actor", "status", "deploy", "kind", "q", "from", "to"}:
        base = default_filter(catalog)
        flt = state.claim_filter
        merged = ClaimFilter(
            actors=flt.actors if "actor" in explicit else base.actors,
            statuses=flt.statuses if "status" in explicit else base.statuses,
            deployments=flt.deployments,
            kinds=flt.kinds if "kind" in explicit else base.kinds,
            search=flt.search,
            reported_from=flt.reported_from,
            reported_to=flt.reported_to,
        )
        _set_filters(catalog, merged)
    if state.as_of:
        st.session_state[KEY_AS_OF] = dt.date.fromisoformat(state.as_of)
    if state.since:
        st.session_state[KEY_SINCE] = dt.date.fromisoformat(state.since)
    if state.view is not None:
        _request_view(state.view)
    if state.place is not None:
        if state.place in catalog.places:
            st.session_state[KEY_SELECTED_PLACE] = state.place
        else:
            notices.append(f"Ignored place {state.place!r}: there is no such place.")
    if state.present:
        st.session_state[KEY_PRESENT] = True
    st.session_state[KEY_NOTICES] = notices


def write_link(view: BriefingView) -> None:
    """Keep the URL in step with what is on screen, so a copied link reproduces it."""
    params = to_params(view.state, defaults=default_filter(view.data.loaded.catalog))
    if params != st.session_state.get(KEY_URL_WRITTEN):
        st.query_params.from_dict(params)
        st.session_state[KEY_URL_WRITTEN] = params


def share_url(view: BriefingView) -> str:
    """The full link to this page in this state."""
    params = to_params(view.state, defaults=default_filter(view.data.loaded.catalog))
    current = urlsplit(str(st.context.url or ""))
    return urlunsplit((current.scheme, current.netloc, current.path or "/", urlencode(params), ""))


def refresh_link(view: BriefingView) -> BriefingView:
    """After the map has reported its view and any click, bring the URL up to date."""
    view = replace(view, state=current_state(view.data))
    write_link(view)
    return view


def link_notices() -> None:
    """Say what in the link was ignored, and why."""
    notices = st.session_state.get(KEY_NOTICES) or []
    if notices:
        st.warning(
            "Parts of the link could not be used:\n\n"
            + "\n".join(f"- {markdown_text(n)}" for n in notices),
            icon=":material/link_off:",
        )


def copy_link(view: BriefingView) -> None:
    """A "Copy link" control: the link in a code box with Streamlit's copy button."""
    with st.popover("Copy link", icon=":material/link:", width="stretch"):
        st.caption("Anyone with the link sees these filters, this view and this scene.")
        st.code(share_url(view), language=None, wrap_lines=True)


# ----------------------------------------------------------------- sidebar


def sidebar(data: Data) -> None:
    """Lay out the shared sidebar: briefing, filters, time, presentation."""
    catalog = data.loaded.catalog
    for key, value in _filter_widget_values(catalog, default_filter(catalog)).items():
        st.session_state.setdefault(key, value)
    st.session_state.setdefault(KEY_AS_OF, None)
    st.session_state.setdefault(KEY_SINCE, None)
    st.session_state.setdefault(KEY_PRESENT, False)
    st.session_state.setdefault(KEY_BRIEFING, None)
    first, last = _day_range(catalog)
    with st.sidebar:
        st.toggle(
            "Presentation view", key=KEY_PRESENT, help="Large type, high contrast, no sidebar."
        )
        if data.briefings:
            st.selectbox(
                "Briefing",
                [None, *data.briefings],
                key=KEY_BRIEFING,
                format_func=lambda b: (
                    "None: explore freely" if b is None else data.briefings[b].title
                ),
                on_change=_on_briefing_change,
                args=(data,),
            )
        st.header("Filters")
        st.text_input(
            "Search places",
            key=KEY_SEARCH,
            placeholder="Khmeimim, حميميم, Хмеймим, Qamişlo...",
            help="Matches English, Arabic and Russian names and alternative spellings.",
        )
        st.multiselect("Actor", list(Actor), key=KEY_ACTORS, format_func=lambda a: a.label)
        st.multiselect(
            "Claim status",
            list(ClaimStatus),
            key=KEY_STATUSES,
            format_func=lambda s: s.label,
            help="How well sourced a claim is; see Sources & method for definitions.",
        )
        st.radio(
            "Proposed deployments",
            list(Deployments),
            key=KEY_DEPLOYMENTS,
            format_func=lambda d: d.label,
        )
        st.multiselect(
            "Place kind", kinds_in(catalog), key=KEY_KINDS, format_func=lambda k: k.label
        )
        st.header("Time")
        st.slider(
            "Reported between", min_value=first, max_value=last, key=KEY_DATES, format="YYYY-MM-DD"
        )
        st.date_input(
            "As of",
            key=KEY_AS_OF,
            min_value=first,
            max_value=last,
            help="The picture as it was known that day: later claims hidden, each at the status it had then. Empty: today.",
        )
        st.date_input(
            "What changed since",
            key=KEY_SINCE,
            min_value=first,
            max_value=last,
            help="Marks claims that are new, upgraded, downgraded or retired since this day.",
        )
        st.button("Reset filters", on_click=reset_filters, width="stretch")
        with st.expander("Your own data"):
            st.file_uploader(
                "Places (GeoJSON), claims (JSON or CSV), sources (JSON)",
                type=["geojson", "json", "csv"],
                accept_multiple_files=True,
                key=KEY_UPLOAD_FILES,
                help=(
                    f"Checked like geodata/ and shown as their own layer, to you only. "
                    f"Up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and {MAX_FEATURES:,} records a file. "
                    "Claims may cite the briefing's own places and sources by id."
                ),
            )


def current_upload(data: Data) -> Upload | None:
    """Validate the session's uploaded files, once per distinct set of contents."""
    files = st.session_state.get(KEY_UPLOAD_FILES) or []
    if not files:
        st.session_state.pop(KEY_UPLOAD, None)
        return None
    contents: dict[str, bytes] = {}
    names: list[str] = []
    for uploaded in files:
        kind = upload_name(uploaded.name) or uploaded.name
        contents[kind] = uploaded.getvalue()
        names.append(uploaded.name)
    digest = hashlib.sha256(
        b"".join(k.encode() + hashlib.sha256(v).digest() for k, v in sorted(contents.items()))
    ).hexdigest()
    held: Upload | None = st.session_state.get(KEY_UPLOAD)
    if held is None or held.digest != digest:
        # Parsed in memory and kept in this session's state: never written to
        # disk, never cached where another session could see it.
        held = Upload(tuple(names), digest, load_upload(contents, base=data.loaded.catalog))
        st.session_state[KEY_UPLOAD] = held
    return held


def current_state(data: Data) -> BriefingState:
    """The state the widgets and the map now hold."""
    catalog = data.loaded.catalog
    first, last = _day_range(catalog)
    start, end = st.session_state.get(KEY_DATES, (first, last))
    flt = ClaimFilter(
        actors=frozenset(st.session_state.get(KEY_ACTORS, [])),
        statuses=frozenset(st.session_state.get(KEY_STATUSES, [])),
        deployments=st.session_state.get(KEY_DEPLOYMENTS, Deployments.INCLUDE_PROPOSED),
        kinds=frozenset(st.session_state.get(KEY_KINDS, [])),
        search=st.session_state.get(KEY_SEARCH) or "",
        reported_from=start.isoformat() if start > first else None,
        reported_to=end.isoformat() if end < last else None,
    )
    scene = active_scene(data)
    return BriefingState(
        claim_filter=flt,
        as_of=_parse_day(st.session_state.get(KEY_AS_OF)),
        since=_parse_day(st.session_state.get(KEY_SINCE)),
        view=st.session_state.get(KEY_MAP_VIEW) or st.session_state.get(KEY_VIEW_REQUEST),
        place=st.session_state.get(KEY_SELECTED_PLACE),
        present=bool(st.session_state.get(KEY_PRESENT)),
        briefing=scene[0].id if scene else None,
        scene=scene[1] if scene else None,
    )


def build_view() -> BriefingView:
    """Load data, read the link, lay out the sidebar, apply filters and time."""
    data = load()
    read_link_once(data)
    sidebar(data)
    state = current_state(data)
    shown = as_of(data.loaded.catalog, state.as_of)
    # The same result as query.select, from arrays cached per catalog: at
    # 100,000 claims a filter change costs 57 ms instead of 0.46 s (BENCHMARKS.md).
    selection = select_fast(shown, state.claim_filter)
    changes: tuple[Change, ...] = ()
    if state.since:
        later = state.as_of or data.loaded.catalog.as_of or dt.date.today().isoformat()
        kept = {c.id for c in selection.claims}
        changes = tuple(
            c
            for c in changes_between(data.loaded.catalog, state.since, later)
            if c.claim.id in kept
        )
    scene = active_scene(data)
    view = BriefingView(
        data, state, shown, selection, changes, scene[2] if scene else None, current_upload(data)
    )
    write_link(view)
    return view


def publish(view: BriefingView) -> None:
    """Hand the view from ``app.py`` to the page that runs after it."""
    st.session_state[KEY_VIEW] = view


def current_view() -> BriefingView:
    """The view ``app.py`` computed for this run."""
    if KEY_VIEW not in st.session_state:
        # Only in Streamlit's pages/ folder mode does a page run before app.py.
        pages_mode.leave_pages_folder_mode()
        publish(build_view())
    return st.session_state[KEY_VIEW]


# ---------------------------------------------------------------- panels


def data_problems(view: BriefingView) -> None:
    """The error panel: what failed validation and how much was left out."""
    loaded = view.loaded
    issues = [*loaded.issues, *view.data.briefing_issues]
    if not issues:
        return
    left = sum(loaded.left_out().values())
    briefings = len({i.file for i in view.data.briefing_issues})
    st.error(
        f"The data has {len(issues)} error(s); {left} record(s) were left out"
        + (f" and {briefings} briefing(s)" if briefings else "")
        + " and everything else is shown. Run `python -m briefmap validate` for the full report.",
        icon=":material/warning:",
    )
    with st.expander("What failed validation"):
        for issue in issues:
            st.markdown(
                f"- **{markdown_text(issue.file)}**, record **{markdown_text(issue.record)}**, "
                f"field **{markdown_text(issue.field)}**: {markdown_text(issue.message)}"
            )


def upload_panel(view: BriefingView) -> None:
    """What the user's upload holds and what in it failed, beside their layer."""
    if view.upload is None:
        return
    result = view.upload.result
    mine = result.catalog
    shown = select(mine, view.claim_filter)
    label = markdown_text(", ".join(view.upload.names))
    if result.issues:
        st.error(
            f"Your upload ({label}) has {len(result.issues)} error(s); "
            f"{sum(result.left_out().values())} record(s) were left out and the rest is on the map.",
            icon=":material/warning:",
        )
        with st.expander("What in your upload failed"):
            for issue in result.issues:
                st.markdown(
                    f"- **{markdown_text(issue.file)}**, record **{markdown_text(issue.record)}**, "
                    f"field **{markdown_text(issue.field)}**: {markdown_text(issue.message)}"
                )
    else:
        st.success(
            f"Your upload ({label}): {markdown_text(describe(result))}.",
            icon=":material/attach_file:",
        )
    if mine.claims:
        st.caption(
            f"Your upload layer: {len(shown.claims)} of {len(mine.claims)} of its claims match the filters."
        )


def empty_result_notice(selection: Selection) -> bool:
    """A friendly word and a way back when nothing matches; True if empty."""
    if selection.claims:
        return False
    st.info(
        "No claims match these filters. Widen the actor or status choices, clear the "
        "search, move the dates, or reset everything.",
        icon=":material/search_off:",
    )
    st.button("Reset filters", on_click=reset_filters, key="reset_from_empty")
    return True


# Presentation view's page around the map (briefmap/web/presentation-page.css).
PRESENTATION_PAGE_CSS = web_style("presentation-page.css")


def presentation_frame(view: BriefingView) -> None:
    """In presentation view: hide the sidebar, enlarge type, offer a way out."""
    if not view.state.present:
        return
    # Our own constant CSS: no data reaches this string.
    st.markdown(PRESENTATION_PAGE_CSS, unsafe_allow_html=True)


def page_heading(view: BriefingView, title: str, caption: str) -> None:
    """The page title, or in presentation view one compact row with the controls."""
    if not view.state.present:
        st.title(title)
        st.caption(caption)
        scene_bar(view)
        return
    scene = active_scene(view.data)
    heading = f"{scene[1]}/{len(scene[0].scenes)} · {scene[2].title}" if scene else title
    text, back, forward, leave = st.columns([6, 1, 1, 1.4], vertical_alignment="center")
    text.markdown(f"#### {markdown_text(heading)}")
    if scene:
        _scene_buttons(view, back, forward, compact=True)
    leave.button(
        "Exit", on_click=_exit_presentation, width="stretch", help="Leave presentation view"
    )


def _exit_presentation() -> None:
    st.session_state[KEY_PRESENT] = False


# --------------------------------------------------------------------- scenes


def scene_bar(view: BriefingView) -> None:
    """Scene title, number and previous/next buttons, when a briefing is running."""
    scene = active_scene(view.data)
    if scene is None:
        return
    briefing, number, current = scene
    st.markdown(
        f"**{markdown_text(briefing.title)}** · scene {number} of {len(briefing.scenes)}: "
        f"**{markdown_text(current.title)}**"
    )
    back, forward, _ = st.columns([1, 1, 4])
    _scene_buttons(view, back, forward)


def _scene_buttons(
    view: BriefingView, back: object, forward: object, *, compact: bool = False
) -> None:
    scene = active_scene(view.data)
    if scene is None:
        return
    briefing, number, _ = scene
    total = len(briefing.scenes)
    back.button(  # type: ignore[attr-defined]
        "◀" if compact else "◀ Previous",
        on_click=apply_scene,
        args=(view.data, briefing.id, number - 1),
        disabled=number <= 1,
        width="stretch",
        key="scene_previous",
    )
    forward.button(  # type: ignore[attr-defined]
        "▶" if compact else "Next ▶",
        on_click=apply_scene,
        args=(view.data, briefing.id, number + 1),
        disabled=number >= total,
        width="stretch",
        key="scene_next",
    )


def talking_points(view: BriefingView) -> None:
    if view.scene is None:
        return
    st.markdown("**Talking points**")
    st.markdown("\n".join(f"- {markdown_text(p)}" for p in view.scene.talking_points))


def changes_panel(view: BriefingView) -> None:
    """What changed since the comparison day, beside the map."""
    if not view.state.since:
        return
    later = view.state.as_of or view.data.loaded.catalog.as_of or "today"
    st.markdown(
        f"**What changed from {markdown_text(view.state.since)} to {markdown_text(later)}**"
    )
    if not view.changes:
        st.caption("Nothing among the claims shown.")
        return
    for change in view.changes:
        st.markdown(
            f"- **{markdown_text(change.describe())}** — {markdown_text(change.claim.summary)}"
        )


# --------------------------------------------------------------------- map

MAP_HEIGHT = 640
PRESENT_MAP_HEIGHT = 560  # fills a 1280x720 shared screen under one row of controls
# Clicks open a claim card; centre and zoom go into the shareable link. The
# layers' script is deterministic, so these reruns redraw nothing.
RETURNED_OBJECTS = ["last_object_clicked", "center", "zoom"]


def _request_view(view: MapView) -> None:
    previous = st.session_state.get(KEY_VIEW_REQUEST)
    # st_folium only moves the map when centre or zoom differ from the last
    # request, so asking for the same view twice nudges the centre invisibly.
    if previous is not None and previous == view:
        lat, lng = view.center
        view = MapView(center=(lat + 1e-7, lng), zoom=view.zoom)
    st.session_state[KEY_VIEW_REQUEST] = view
    st.session_state[KEY_MAP_VIEW] = view


def bounds_of(places: list) -> list[list[float]] | None:
    boxes = [p.geometry.bounds for p in places if not p.off_map]
    if not boxes:
        return None
    return [
        [min(b[1] for b in boxes), min(b[0] for b in boxes)],
        [max(b[3] for b in boxes), max(b[2] for b in boxes)],
    ]


def request_fit(view: BriefingView) -> None:
    """Callback: ask the map to fit the places now shown."""
    bounds = map_bounds_of(view)
    if bounds is not None:
        _request_view(view_for_bounds(bounds, height_px=MAP_HEIGHT))


def map_bounds_of(view: BriefingView) -> list[list[float]] | None:
    return selection_bounds(view.catalog, view.selection)


def briefing_map(view: BriefingView) -> None:
    """The map: a fixed base map with the filtered layers swapped in place."""
    catalog, selection = view.catalog, view.selection
    requested: MapView | None = st.session_state.get(KEY_VIEW_REQUEST)
    extras = MapExtras(
        highlight=view.scene.highlight if view.scene else (),
        changes=view.changes,
        since=view.state.since,
        presentation=view.state.present,
    )
    # Up to a few hundred places: one marker each (symbols by kind); beyond,
    # one canvas layer per map layer (see briefmap/bulk.py and BENCHMARKS.md).
    layers = build_layers_auto(catalog, selection, extras)
    if view.upload is not None and view.upload.result.catalog.claims:
        mine = view.upload.result.catalog
        layers.append(
            build_upload_layer(mine, select(mine, view.claim_filter), ", ".join(view.upload.names))
        )
    returned = st_folium(
        build_base_map(
            view.data.loaded.catalog,
            presentation=view.state.present,
            bounds=map_bounds(view.data.loaded.catalog),
        ),
        key="briefing_map",
        height=PRESENT_MAP_HEIGHT if view.state.present else MAP_HEIGHT,
        use_container_width=True,
        feature_group_to_add=layers,
        layer_control=folium.LayerControl(collapsed=True),
        returned_objects=RETURNED_OBJECTS,
        # No full-page render first: st_folium renders the map and reads its
        # header either way, and the page render compiled every base-map script
        # as a template again (a quarter of the real data's rerun). The
        # component's arguments are the same (tests/test_app.py).
        render=False,
        center=requested.center if requested else None,
        zoom=requested.zoom if requested else None,
    )
    now = MapView.from_component(returned) if isinstance(returned, dict) else None
    # The component repeats its last report on every rerun; only a new report
    # is a move by the user. Otherwise a view just asked for (a scene's, a
    # link's) would be overwritten by the one the map showed before it.
    if now is not None and now != st.session_state.get(KEY_LAST_REPORTED_VIEW):
        st.session_state[KEY_LAST_REPORTED_VIEW] = now
        st.session_state[KEY_MAP_VIEW] = now
    click = MapClick.from_component(returned)
    if click is not None and click != st.session_state.get(KEY_LAST_CLICK):
        st.session_state[KEY_LAST_CLICK] = click
        place_id = place_at(catalog, drawn_place_ids(catalog, selection), click)
        if place_id is not None:
            st.session_state[KEY_SELECTED_PLACE] = place_id


def deferred_download(
    label: str, make: Callable[[], bytes | str], *, file_name: str, mime: str, **options: Any
) -> None:
    """A download button whose file is made by ``make`` only when it is clicked.

    The click does not rerun the app. With Streamlit's default the click also reruns the
    script, which registers a new generator for the button and drops the old one while
    the click's request for the file is in flight; when the rerun wins, no file comes.
    CI lost the claims CSV that way, and a bare app with a fast script lost 7 of 15
    clicks (none with ``on_click="ignore"``). A download changes nothing on screen, so
    there is nothing to rerun for.
    """
    st.download_button(
        label, data=make, file_name=file_name, mime=mime, on_click="ignore", **options
    )


def export_menu(view: BriefingView) -> None:
    """Downloads of exactly what is on screen; each file is made only when asked for."""
    from briefmap import exports

    catalog, selection = view.catalog, view.selection
    stem = f"briefmap-{catalog.as_of or 'latest'}"
    title = "Russia in Syria after the Putin–al-Sharaa meeting"
    with st.popover("Export", icon=":material/download:", width="stretch"):
        st.caption(f"{selection.summary_line}, as of {catalog.as_of or 'today'}.")
        deferred_download(
            "GeoJSON (loads back into Briefmap)",
            lambda: exports.bundle_json(catalog, selection).encode("utf-8"),
            file_name=f"{stem}.geojson",
            mime="application/geo+json",
            width="stretch",
        )
        deferred_download(
            "CSV of the claims",
            lambda: exports.claims_csv(catalog, selection),
            file_name=f"{stem}.csv",
            mime="text/csv",
            width="stretch",
        )
        deferred_download(
            "HTML map (opens offline)",
            lambda: exports.standalone_html(catalog, selection, title),
            file_name=f"{stem}.html",
            mime="text/html",
            width="stretch",
        )
        available = exports.snapshot_available()
        deferred_download(
            "PNG snapshot",
            lambda: exports.png_snapshot(exports.standalone_html(catalog, selection, title)),
            file_name=f"{stem}.png",
            mime="image/png",
            width="stretch",
            disabled=not available,
            help=None if available else "Needs Chromium and Playwright on the server.",
        )
        if not available:
            st.caption(
                "PNG snapshots are drawn by Chromium on the server, through Playwright; one of "
                "them is missing here (`apt-get install -y chromium` and `pip install playwright`, "
                "or set BRIEFMAP_CHROMIUM). The HTML map works without them."
            )


def map_footer(view: BriefingView) -> None:
    """The count line, the fit button and the places drawn off the map's view."""
    left, fit, share, export = st.columns([2.4, 1.2, 1, 1])
    left.markdown(f"**{view.selection.summary_line}**")
    fit.button(
        "Fit map to shown places",
        on_click=request_fit,
        args=(view,),
        width="stretch",
        disabled=map_bounds_of(view) is None,
    )
    with share:
        copy_link(view)
    with export:
        export_menu(view)
    for place in (view.catalog.places[p] for p in off_map_place_ids(view.catalog, view.selection)):
        n = len(view.selection.claims_at(place.id))
        st.button(
            f"Off the map: {markdown_text(place.name_en)} ({n} claim{'s' if n != 1 else ''})",
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
    ClaimStatus.REPORTED: ":orange-background[Reported]",
    ClaimStatus.UNVERIFIED: ":gray-background[Unverified]",
    ClaimStatus.DENIED: ":red-background[Denied]",
}


# Above this many places the card's list is searched rather than scrolled: a
# select box of 95,000 places cost a third of a second a rerun (BENCHMARKS.md).
CARD_LIST_LIMIT = 1_000
CARD_MATCHES = 100


def card_choices(view: BriefingView, shown: tuple[str, ...], text: str) -> list[str]:
    """The places the claim card offers: all ``shown``, or at scale those matching ``text``."""
    if len(shown) <= CARD_LIST_LIMIT:
        return list(shown)
    choices = find_places(view.catalog, shown, text, CARD_MATCHES)
    selected = st.session_state.get(KEY_SELECTED_PLACE)
    if selected is not None and selected not in choices:
        choices.insert(0, selected)
    return choices


def claim_card(view: BriefingView) -> None:
    """The claim card: every shown claim on the selected place."""
    catalog, selection = view.catalog, view.selection
    # selection.place_ids from the fast path's arrays: 15 ms instead of 100 at 100,000 claims.
    shown = drawn_place_ids(catalog, selection)
    if st.session_state.get(KEY_SELECTED_PLACE) not in shown:
        st.session_state[KEY_SELECTED_PLACE] = None
    many = len(shown) > CARD_LIST_LIMIT
    text = ""
    if many:
        text = st.text_input(
            "Find a place for the claim card",
            key=KEY_CARD_SEARCH,
            placeholder="Part of a name, in any language",
            help=f"{len(shown):,} places are shown; the first {CARD_MATCHES} "
            "that match are listed below.",
        )
    place_id = st.selectbox(
        "Claim card",
        card_choices(view, shown, text),
        key=KEY_SELECTED_PLACE,
        index=None,
        placeholder=(
            "Click a place on the map, or find one above"
            if many
            else "Click a place on the map, or choose one"
        ),
        format_func=lambda pid: plain_text(catalog.places[pid].name_en),
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
            _claim_entry(view, claim)


def _claim_entry(view: BriefingView, claim: Claim) -> None:
    """One claim on the card: status, posture, summary, who says it and where it was read."""
    sources = [view.catalog.sources[sid] for sid in claim.sources]
    cited = "; ".join(f"{markdown_text(s.credit)} ({markdown_text(s.date)})" for s in sources)
    lines = [
        f"**Claimant:** {markdown_text(claim.claimant)}",
        f"**Attribution:** {markdown_text(claim.attribution)}",
        f"**Reported:** {markdown_text(claim.reported)}",
        f"**{'Source' if len(sources) == 1 else 'Sources'}:** {cited}",
    ]
    ended = _undated_end(view, claim)
    if ended:
        lines.append(f"**Ended:** {ended}")
    if claim.origin and claim.origin_source:
        origin = view.catalog.places[claim.origin]
        lines.append(
            f"**From:** {markdown_text(origin.name_en)}, as named by "
            f"{markdown_text(view.catalog.sources[claim.origin_source].credit)}: "
            f"{markdown_text(claim.origin_note)}"
        )
    with st.container(border=True):
        st.markdown(f"{STATUS_BADGES[claim.status]} :gray[{markdown_text(claim.posture.label)}]")
        st.markdown(markdown_text(claim.summary))
        st.markdown("  \n".join(lines))
        linked = [s for s in sources if s.url]
        for source in linked:
            label = (
                "Open source" if len(linked) == 1 else f"Open source: {plain_text(source.outlet)}"
            )
            st.link_button(label, source.url)


def _undated_end(view: BriefingView, claim: Claim) -> str | None:
    """What the card says of an end no source dates, in the view's own time."""
    full = view.loaded.catalog.claims.get(claim.id, claim)
    if not full.end_date_unknown:
        return None
    if claim.posture is Posture.FORMER:
        return "date unknown: no source on record gives the day"
    by = view.loaded.catalog.as_of
    return (
        "at a date no source gives"
        + (f", by {markdown_text(by)}" if by else "")
        + "; it may already have ended on the day shown"
    )


# Status shades for the timeline: dark to light, so the ladder reads in greyscale too.
STATUS_SHADES = ["#08306b", "#2171b5", "#6baed6", "#c6dbef", "#969696"]


# The chart as a fixed Vega-Lite spec: building and validating an Altair chart
# on every rerun cost more than the rest of the map page (BENCHMARKS.md).
TIMELINE_SPEC: dict = {
    "mark": "bar",
    "height": 150,
    "encoding": {
        "x": {
            "field": "month",
            "timeUnit": "yearmonth",
            "type": "temporal",
            "title": "Reported (month)",
        },
        "y": {"aggregate": "sum", "field": "claims", "type": "quantitative", "title": "Claims"},
        "color": {
            "field": "status",
            "type": "nominal",
            "title": "Status",
            "sort": [s.label for s in ClaimStatus],
            "scale": {"domain": [s.label for s in ClaimStatus], "range": STATUS_SHADES},
        },
        "order": {"field": "rank", "type": "quantitative"},
        "tooltip": [
            {"field": "month", "timeUnit": "yearmonth", "type": "temporal"},
            {"field": "status", "type": "nominal"},
            {"aggregate": "sum", "field": "claims", "type": "quantitative"},
        ],
    },
}


def timeline_chart(view: BriefingView) -> None:
    """Claims over time by status, for the claims shown (in step with every filter)."""
    rows = monthly_counts(view.catalog, view.selection)
    if rows:
        st.vega_lite_chart(rows, TIMELINE_SPEC, width="stretch")
