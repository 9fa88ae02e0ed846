"""The map: a fixed base map with the filtered layers swapped in place, and its footer."""

from __future__ import annotations

from dataclasses import replace

import folium
import streamlit as st
from streamlit.delta_generator import DeltaGenerator
from streamlit_folium import st_folium

from briefmap.app.data import layer_files
from briefmap.app.link import copy_link
from briefmap.app.panels import export_menu
from briefmap.app.playback import hear_played_day, start_tape_builds, tape_and_href
from briefmap.app.session import (
    KEY_LAST_CLICK,
    KEY_LAST_REPORTED_VIEW,
    KEY_MAP_VIEW,
    KEY_SELECTED_PLACE,
    KEY_VIEW_REQUEST,
    MAP_HEIGHT,
    button,
    map_drawn_afresh,
    request_fit,
    select_place,
)
from briefmap.app.view import BriefingView, publish
from briefmap.drawing.assets import web_style, web_text
from briefmap.drawing.bulk import build_layers_auto, build_upload_layer_auto, drawn_on_canvas
from briefmap.drawing.mapping import MapExtras, build_base_map
from briefmap.drawing.own_canvas import build_own_layers_auto
from briefmap.drawing.own_layer_map import (
    own_key_strip_html,
    own_layers_bounds,
    own_legend_group,
)
from briefmap.drawing.symbology import actor_marks, legend_strip_html
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame, MapClick, moved_area, place_at
from briefmap.engine.state import MapArea, MapView
from briefmap.safe import markdown_text

# The frame's height until the page's CSS sizes it to the window (map-columns.css).
PRESENT_MAP_HEIGHT = 560
# Clicks open a claim card; the area the user moved to goes into the link. The
# layers' script is deterministic, so these reruns redraw nothing.
# bounds: the area shown, for the link once the user moved the map (the map's
# script adds whether they did, and the clicked marker's place: REPORT_KEY).
RETURNED_OBJECTS = ["last_object_clicked", "last_object_clicked_count", "bounds"]
# The container of the map's column, which streamlit-dom.css shows first.
MAP_COLUMN_KEY = "bm-map-column"
# The container of the map's frame, which map-columns.css sizes to the window.
MAP_KEY = "bm-map"
MAP_COLUMNS_CSS = web_style("map-columns.css")
# The footer under the map (its key strip and row of buttons), which map-size.js
# measures, and the hidden container of that script (map-columns.css hides it).
MAP_FOOTER_KEY = "bm-map-footer"
MAP_SIZE_KEY = "bm-map-size"
MAP_SIZE_SCRIPT = f"<script>{web_text('map-size.js')}</script>"


def map_columns(*, presenting: bool = False) -> tuple[DeltaGenerator, DeltaGenerator]:
    """The map's column and the side column (talking points, changes, claim card).

    The side column comes first in the page, so the claim card is reached
    with Tab before the map (issue 13, finding 7); the page's CSS shows the
    map first. Draw the map before the card all the same: the card shows the
    place the map reports clicked in the same run. ``presenting``: a wider side
    column, so that a scene's text fits beside the map at 1280x720.
    """
    side, main = st.columns([1.6, 3] if presenting else [1.25, 3])
    return main.container(key=MAP_COLUMN_KEY), side


def briefing_map(view: BriefingView) -> BriefingView:
    """Draw the map; return the view with what the map reported (its view, a click) in it."""
    catalog, selection = view.catalog, view.selection
    requested = st.session_state.get(KEY_VIEW_REQUEST)
    # An old link's centre and zoom go to st_folium as they are; anything else
    # is framed by the map in its own size: what was asked, or the shown places.
    centred = requested if isinstance(requested, MapView) else None
    frame = requested if isinstance(requested, Frame) else None
    if frame is None and centred is None:
        # The data's own layer (a file of somebody else's as the data) is framed
        # whole with the places shown, as an upload's is when it comes.
        shown = _around(
            catalog.index.selection_bounds(selection), own_layers_bounds(view.loaded.own_layers)
        )
        frame = Frame.of(shown or catalog.index.map_bounds, max_zoom=PLACES_MAX_ZOOM)
    area = st.session_state.get(KEY_MAP_VIEW)
    if map_drawn_afresh(view.state.present) and frame is not None and isinstance(area, MapArea):
        # Back on the Map page after the user moved the map: the new map shows
        # the area the link carries, not the places framed before. The same
        # serial, so the next run's usual frame is not framed again.
        frame = Frame.of(area.bounds, frame.serial, exact=True)
    extras = MapExtras(
        highlight=view.scene.highlight if view.scene else (),
        changes=view.changes,
        since=view.state.since,
        presentation=view.state.present,
        as_of=view.state.as_of,
        frame=frame,
    )
    # Up to a few hundred places: one marker each (symbols by kind); beyond,
    # one canvas layer per map layer (see briefmap/drawing/bulk.py and BENCHMARKS.md).
    # A large map's layers are files the map's frame fetches (app/layer_files.py).
    files = layer_files()
    # Time playback: the frame plays any day of today's data under this filter.
    tape, tape_href = tape_and_href(
        view.data.loaded.catalog,
        catalog,
        selection,
        view.state.claim_filter,
        files,
    )
    extras = replace(extras, tape=tape, tape_href=tape_href)
    layers = build_layers_auto(catalog, selection, extras, publish=files.publish if files else None)
    mine = view.overlay  # filtered once, for the upload panel and exports too
    if mine is not None:
        layers.append(build_upload_layer_auto(mine.catalog, mine.selection, mine.label))
    own_layers = view.own_layers
    for own, payloads in zip(own_layers, view.own_payloads, strict=True):
        layers.extend(build_own_layers_auto(own, payloads))  # the user's own files, as they are
    # Always sent (empty without an own layer), so its legend entry goes with the upload.
    layers.append(own_legend_group(own_layers, presentation=view.state.present))
    # Keyed, so the page's CSS and map-size.js find the map's frame by a class of
    # ours (st.container documents st-key-<key>), not by Streamlit's markup.
    with st.container(key=MAP_KEY):
        returned = st_folium(
            build_base_map(
                view.data.loaded.catalog,
                presentation=view.state.present,
                bounds=view.data.loaded.catalog.index.map_bounds,
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
            center=centred.center if centred else None,
            zoom=centred.zoom if centred else None,
        )
    start_tape_builds()  # the map is on its way: its tape is built now
    state = view.state
    # Only an area the user moved to goes into the link. The component repeats
    # its last report on every rerun; only a new report is a new move.
    # Otherwise a view just asked for (a scene's, a link's) would be
    # overwritten by the one the map showed before it.
    now = moved_area(returned)
    if now is not None and now != st.session_state.get(KEY_LAST_REPORTED_VIEW):
        st.session_state[KEY_LAST_REPORTED_VIEW] = now
        st.session_state[KEY_MAP_VIEW] = now
        state = replace(state, view=now)
    click = MapClick.from_component(returned)
    if click is not None and click != st.session_state.get(KEY_LAST_CLICK):
        st.session_state[KEY_LAST_CLICK] = click
        place_id = place_at(catalog, catalog.index.drawn_place_ids(selection), click)
        if place_id is not None:
            st.session_state[KEY_SELECTED_PLACE] = place_id
            state = replace(state, place=place_id)
    if hear_played_day(returned):
        st.rerun()  # the sidebar's "As of" is drawn: the next run takes the day first
    if state != view.state:
        view = replace(view, state=state)
        publish(view)  # the link at the end of the run is this view's
    return view


def fit_to_shown(view: BriefingView) -> None:
    """Callback: ask the map to fit the places now shown, and the user's own layers."""
    bounds = _around(
        view.catalog.index.selection_bounds(view.selection), own_layers_bounds(view.own_layers)
    )
    if bounds is not None:
        request_fit(bounds)


def _around(*boxes: list[list[float]] | None) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around every box given; ``None`` if none is."""
    given = [b for b in boxes if b is not None]
    if not given:
        return None
    return [
        [min(b[0][0] for b in given), min(b[0][1] for b in given)],
        [max(b[1][0] for b in given), max(b[1][1] for b in given)],
    ]


def map_footer(view: BriefingView) -> None:
    """The count line, the fit button, the link and exports, and the places off the map.

    In presentation view the map's key comes first, as a strip under the map.
    """
    with st.container(key=MAP_FOOTER_KEY, gap="small"):
        if view.state.present:
            legend_strip(view)
        # One row that wraps rather than columns of fixed shares: a column's share
        # of a 570 px map column cut the buttons' text at 1280x720 ("Fit map to s…",
        # "C…"); here each item is as wide as its text and moves to the next line
        # when the row is full. map-size.js keeps the map tall enough for either.
        row = st.container(horizontal=True, vertical_alignment="center", gap="small")
        row.markdown(f"**{view.selection.summary_line}**", width="content")
        button(
            row,
            "Fit map",
            icon=":material/fit_screen:",
            on_click=fit_to_shown,
            args=(view,),
            help="Fit the map to the places shown",
            disabled=view.catalog.index.selection_bounds(view.selection) is None
            and not view.own_layers,
        )
        with row:
            copy_link(view.params)
            export_menu(view)
    # Sizes the map to the window around the header and this footer, as measured
    # (a title that wraps, a row that wraps): not a guess in CSS.
    with st.container(key=MAP_SIZE_KEY):
        st.html(MAP_SIZE_SCRIPT, unsafe_allow_javascript=True)
    # Counted for every place in one pass: a scan per place cost 90 ms each at 100,000 claims.
    for place_id, n in view.catalog.index.off_map_counts(view.selection):
        place = view.catalog.places[place_id]
        button(
            st,
            f"Off the map: {markdown_text(place.name_en)} ({n} claim{'s' if n != 1 else ''})",
            key=f"offmap_{place.id}",
            on_click=select_place,
            args=(place.id,),
            help="Drawn at its real position, outside the data's region. Open its claim card.",
        )


def legend_strip(view: BriefingView) -> None:
    """Presentation view's key of the shown claims' actors, statuses and postures, under the map."""
    claims = view.selection.claims
    meta = view.catalog.meta
    used = {claim.actors[0] for claim in claims}
    mine = view.overlay
    # The same rule as the map's builders: a canvas map draws crowded areas as boxes.
    crowded = drawn_on_canvas(view.catalog, view.selection) or (
        mine is not None and drawn_on_canvas(mine.catalog, mine.selection)
    )
    strip = legend_strip_html(
        [actor for actor in meta.actors if actor.id in used],
        {claim.status for claim in claims},
        {claim.posture for claim in claims},
        crowded=crowded,
        marks=actor_marks(meta.actors),
    )
    if view.own_layers:  # the user's own layer, marked as theirs
        strip = strip.removesuffix("</div>") + own_key_strip_html() + "</div>"
    # One HTML block without blank lines, so Markdown passes it through as it is
    # (st.html would drop the swatches' SVG); its data is escaped by legend_strip_html.
    st.markdown(strip, unsafe_allow_html=True)
