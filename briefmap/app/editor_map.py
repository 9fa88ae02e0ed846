"""The editor page's small map: a click picks a place for the claim, or sets a new place's pin.

The map is the main map's own (:func:`briefmap.drawing.mapping.build_base_map`
and the layers of what the sidebar shows), with its offline outlines under the
tiles. It is an extra way, never the only one: every place is picked by name
in the claim form, and every pin can be typed. What ``st_folium`` reports is
read in :mod:`briefmap.engine.edit_forms` (a click on a drawn place, a click
off any) and :mod:`briefmap.engine.edit_scenes` (its centre and zoom, which a
scene can take as its view).
"""

from __future__ import annotations

from enum import Enum

import folium
import streamlit as st
from streamlit_folium import st_folium

from briefmap.app.data import layer_files
from briefmap.app.editor import claim_key
from briefmap.app.view import BriefingView
from briefmap.data.schema import Precision
from briefmap.drawing.bulk import build_layers_auto
from briefmap.drawing.mapping import MapExtras, build_base_map
from briefmap.engine.edit_forms import clicked_ground, clicked_place, pin_of_click
from briefmap.engine.edit_scenes import map_view
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame, MapClick
from briefmap.safe import markdown_text

KEY_MAP_DOES = "edit_map_does"
KEY_MAP_CLICKS = (
    "edit_map_clicks"  # (object click, ground click) last seen: the component repeats them
)
KEY_MAP_SAID = "edit_map_said"  # what the last click did, shown until the next
KEY_MAP_VIEW = "edit_map_view"  # the MapView the small map last reported
# The new place form's fields a pin goes into (editor_places.py).
KEY_PLACE_LAT = "edit_place_lat"
KEY_PLACE_LON = "edit_place_lon"
KEY_PLACE_PRECISION = "edit_place_precision"
EDIT_MAP_HEIGHT = 380
# A click on a place, a click off any, and the map's view (for a scene's).
RETURNED_OBJECTS = [
    "last_object_clicked",
    "last_object_clicked_count",
    "last_clicked",
    "center",
    "zoom",
]


class ClickDoes(str, Enum):
    """What a click on the editor's map does."""

    PICK_FOR_CLAIM = "pick"
    PIN_NEW_PLACE = "pin"

    @property
    def label(self) -> str:
        return {
            ClickDoes.PICK_FOR_CLAIM: "Adds the place clicked to the claim's places",
            ClickDoes.PIN_NEW_PLACE: "Sets the new place's pin where you click",
        }[self]


def editor_map(view: BriefingView, *, may_edit: bool) -> None:
    """The small map, and what its newest click does to the claim or the new place form.

    Drawn before the forms, so that a click's place or pin is in their fields
    when they are drawn in the same run.
    """
    catalog = view.catalog
    with st.expander("Map: pick a place, or a new place's pin, by clicking", expanded=True):
        does = st.radio(
            "A click on the map",
            list(ClickDoes),
            key=KEY_MAP_DOES,
            format_func=lambda d: d.label,
            horizontal=True,
            disabled=not may_edit,
            help="Places can also be found by name in the claim form, and a pin typed "
            "under Places.",
        )
        files = layer_files()
        # Framed on the places shown, as the main map is at first (and then left
        # where the briefer moves it: the frame is asked for once).
        shown = catalog.index.selection_bounds(view.selection) or catalog.index.map_bounds
        extras = MapExtras(frame=Frame.of(shown, max_zoom=PLACES_MAX_ZOOM))
        layers = build_layers_auto(
            catalog, view.selection, extras, publish=files.publish if files else None
        )
        with st.container(key="edit_map"):
            returned = st_folium(
                build_base_map(view.data.loaded.catalog),
                key="edit_map_frame",
                height=EDIT_MAP_HEIGHT,
                use_container_width=True,
                feature_group_to_add=layers,
                layer_control=folium.LayerControl(collapsed=True),
                returned_objects=RETURNED_OBJECTS,
                render=False,
            )
        reported = map_view(returned)
        if reported is not None:
            st.session_state[KEY_MAP_VIEW] = reported
        if may_edit:
            _heed_click(view, returned, does)
        said = st.session_state.get(KEY_MAP_SAID)
        if said:
            st.caption(markdown_text(said))


def _heed_click(view: BriefingView, returned: object, does: ClickDoes) -> None:
    """Do what the newest click asks; a click the component only repeats is not new."""
    click = MapClick.from_component(returned)
    ground = clicked_ground(returned)
    seen_click, seen_ground = st.session_state.get(KEY_MAP_CLICKS) or (None, None)
    st.session_state[KEY_MAP_CLICKS] = (click, ground)
    catalog = view.catalog
    new_click = click is not None and click != seen_click
    new_ground = ground is not None and ground != seen_ground
    picked = (
        clicked_place(catalog, catalog.index.drawn_place_ids(view.selection), returned)
        if new_click
        else None
    )
    if does is ClickDoes.PICK_FOR_CLAIM and picked is not None:
        chosen = list(st.session_state.get(claim_key("places")) or [])
        if picked not in chosen:
            st.session_state[claim_key("places")] = [*chosen, picked]
        name = catalog.places[picked].name_en
        st.session_state[KEY_MAP_SAID] = f"{name} is among the claim's places (Claim tab)."
    elif does is ClickDoes.PICK_FOR_CLAIM and new_ground:
        st.session_state[KEY_MAP_SAID] = "No place there: click a place's marker or outline."
    elif does is ClickDoes.PIN_NEW_PLACE and new_ground and ground is not None:
        # Inside an outline too: a new town may lie in a drawn governorate.
        precision = Precision(st.session_state.get(KEY_PLACE_PRECISION) or Precision.TOWN)
        lat, lon = pin_of_click(*ground, precision)
        st.session_state[KEY_PLACE_LAT], st.session_state[KEY_PLACE_LON] = lat, lon
        sourced = precision is Precision.SITE
        st.session_state[KEY_MAP_SAID] = (
            f"The new place's pin is at latitude {lat}, longitude {lon}, rounded for a "
            f"{precision.value} "
            "(Places tab)." + (" A site still needs the source that gives it." if sourced else "")
        )
    elif does is ClickDoes.PIN_NEW_PLACE and picked is not None:  # a marker: no ground under it
        name = catalog.places[picked].name_en
        st.session_state[KEY_MAP_SAID] = (
            f"That is {name}, a place of the data: click open ground for a new place's pin."
        )
