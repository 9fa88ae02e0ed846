"""What the browser sends back, parsed in one place, and what it points at."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point

from briefmap.data.schema import Catalog
from briefmap.engine.state import MapView

# A marker click reports the marker's own position; this tolerance (about a
# metre) absorbs float round-tripping through JSON, nothing more.
POINT_TOLERANCE_DEG = 1e-5


@dataclass(frozen=True)
class MapClick:
    """A click on a map object, as reported by ``st_folium``'s ``last_object_clicked``."""

    lat: float
    lng: float

    @classmethod
    def from_component(cls, payload: Any) -> MapClick | None:
        """Parse the component's return value; ``None`` if there is no usable click."""
        if not isinstance(payload, dict):
            return None
        clicked = payload.get("last_object_clicked")
        if not isinstance(clicked, dict):
            return None
        lat, lng = clicked.get("lat"), clicked.get("lng")
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lat, lng)):
            return None
        return cls(lat=float(lat), lng=float(lng))


def place_at(
    catalog: Catalog, place_ids: tuple[str, ...] | list[str], click: MapClick
) -> str | None:
    """The drawn place a click landed on: a point at that spot, else the smallest outline around it."""
    points = [catalog.places[p] for p in place_ids if catalog.places[p].is_point]
    for place in points:
        if (
            abs(place.geometry.y - click.lat) <= POINT_TOLERANCE_DEG
            and abs(place.geometry.x - click.lng) <= POINT_TOLERANCE_DEG
        ):
            return place.id
    where = Point(click.lng, click.lat)
    around = [
        catalog.places[p]
        for p in place_ids
        if not catalog.places[p].is_point and catalog.places[p].geometry.covers(where)
    ]
    if around:
        return min(around, key=lambda p: p.geometry.area).id
    return None


def view_for_bounds(
    bounds: list[list[float]], width_px: int = 900, height_px: int = 620, padding_px: int = 40
) -> MapView:
    """The centre and the largest whole zoom that fits ``[[south, west], [north, east]]``.

    The same arithmetic as Leaflet's ``getBoundsZoom`` in Web Mercator, so the
    server can ask for a fitted view without a round trip to the browser.
    """
    (south, west), (north, east) = bounds

    def mercator_y(lat: float) -> float:
        lat = max(min(lat, 85.0), -85.0)
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)

    span_x = max((east - west) / 360.0, 1e-9)
    span_y = max(mercator_y(north) - mercator_y(south), 1e-9)
    usable_w, usable_h = max(width_px - 2 * padding_px, 50), max(height_px - 2 * padding_px, 50)
    zoom = math.floor(min(math.log2(usable_w / 256 / span_x), math.log2(usable_h / 256 / span_y)))
    return MapView(center=((south + north) / 2, (west + east) / 2), zoom=max(2, min(zoom, 14)))
