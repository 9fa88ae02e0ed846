"""Outline geography drawn by the map itself, so it has a coast and borders offline.

``briefmap/drawing/web/outlines.json`` holds Natural Earth's coastline, land
borders and first-level administrative lines and GeoNames' major cities, clipped
and simplified around the area ``scripts/build_outlines.py`` names (which says
where each comes from). :func:`outline_layer` puts them in the layer control as
"Outline geography", off by default; its script (``web/outlines.js``) turns it
on, says the basemap is unavailable and drops the tiles' attribution when the
basemap's tiles fail to load.
"""

from __future__ import annotations

import functools
import json
import threading

import folium
import numpy as np
from jinja2 import Template

from briefmap.drawing.assets import web_text
from briefmap.drawing.map_elements import MapScript, SafeFeatureGroup
from briefmap.engine.catalog_arrays import PlaceTable
from briefmap.safe import script_json

OUTLINE_LAYER = "Outline geography"
OUTLINES_FILE = "outlines.json"
BASEMAP_UNAVAILABLE = "Basemap unavailable: outline geography shown"
# A city with one of the data's places this close (in degrees, about 13 km)
# is left to that place's label: the city's name once, in the data's spelling.
NAMED_BY_DATA_DEG = 0.12


@functools.cache
def outlines() -> dict:
    """The outline features (a GeoJSON FeatureCollection), read once."""
    return json.loads(web_text(OUTLINES_FILE))


@functools.cache
def _outlines_script_json() -> str:
    # 70 kB, serialised once rather than on every rerun.
    return script_json(outlines())


_named_lock = threading.Lock()
_named: dict[int, tuple[PlaceTable, tuple[int, ...]]] = {}


def cities_named_by_data(places: PlaceTable) -> tuple[int, ...]:
    """Indexes (in the outline features) of the cities a point of ``places`` sits on.

    Computed once per place table (a few milliseconds at 100,000 places) and kept
    for the few tables a server holds.
    """
    with _named_lock:
        kept = _named.get(id(places))
        if kept is not None and kept[0] is places:
            return kept[1]
    # Off-map places too: each is drawn at its real position, perhaps on a city.
    points = places.bounds[places.is_point][:, :2]
    hidden = []
    for number, feature in enumerate(outlines()["features"]):
        if feature["properties"]["k"] != "city" or not len(points):
            continue
        lon, lat = feature["geometry"]["coordinates"]
        if (np.abs(points - (lon, lat)).max(axis=1) < NAMED_BY_DATA_DEG).any():
            hidden.append(number)
    with _named_lock:
        if len(_named) >= 8:
            _named.clear()
        _named[id(places)] = (places, tuple(hidden))
    return tuple(hidden)


class OutlineScript(MapScript):
    """``web/outlines.js``, called with the map, the group it draws into and the outlines."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.code }}({{ this.map_name() }}, {{ this.parent_name() }}, "
        "{{ this.outlines }}{{ this.arguments }});\n"
        "{% endmacro %}"
    )
    script = "outlines.js"

    def __init__(self, unnamed: tuple[int, ...], note: str = BASEMAP_UNAVAILABLE) -> None:
        super().__init__(note, list(unnamed))
        self.outlines = _outlines_script_json()


def outline_layer(places: PlaceTable) -> folium.FeatureGroup:
    """The "Outline geography" overlay: hidden until the basemap fails or the user asks.

    Cities on which ``places`` has a point keep their dot but not their name
    (:func:`cities_named_by_data`). A :class:`SafeFeatureGroup`, so its 70 kB
    script is not compiled as a Jinja template on every rerun.
    """
    group = SafeFeatureGroup(name=OUTLINE_LAYER, show=False)
    OutlineScript(cities_named_by_data(places)).add_to(group)
    return group
