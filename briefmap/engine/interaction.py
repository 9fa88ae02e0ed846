"""What the browser sends back, parsed in one place, what it points at, and what the map is asked to frame.

``st_folium`` reports the map's view and its last object click; the map's own
script (``briefmap/drawing/web/streamlit-folium-report.js``) adds :data:`REPORT_KEY`:
whether the user moved the map since it was last framed, and the place id of
the marker last clicked or opened from the keyboard.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from shapely.geometry import Point

from briefmap.data.schema import Catalog
from briefmap.data.validate import real_day
from briefmap.engine.state import MapArea

# The map script's own part of the component's report.
REPORT_KEY = "briefmap"
MAX_PLACE_ID = 200  # longer is not an id of ours

# A marker click reports the marker's own position; this tolerance (about a
# metre) absorbs float round-tripping through JSON, nothing more.
POINT_TOLERANCE_DEG = 1e-5


def _report(payload: Any) -> dict[str, Any]:
    own = payload.get(REPORT_KEY) if isinstance(payload, dict) else None
    return own if isinstance(own, dict) else {}


@dataclass(frozen=True)
class MapClick:
    """A click on a map object (or Enter on a focused marker), as the component reports it.

    ``place`` is the clicked marker's place id, from the map's script; the
    canvas renderer and outlines have none, and are found by position. ``count``
    (the component's ``last_object_clicked_count``) tells a second click on the
    same place from the component repeating its last report.
    """

    lat: float | None
    lng: float | None
    place: str | None = None
    count: int = 0

    @classmethod
    def from_component(cls, payload: Any) -> MapClick | None:
        """Parse the component's return value; ``None`` if there is no usable click."""
        if not isinstance(payload, dict):
            return None
        clicked = payload.get("last_object_clicked")
        lat, lng = (
            (clicked.get("lat"), clicked.get("lng")) if isinstance(clicked, dict) else (None, None)
        )
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in (lat, lng)):
            lat = lng = None
        place = _report(payload).get("place")
        if not isinstance(place, str) or not 0 < len(place) <= MAX_PLACE_ID:
            place = None
        count = payload.get("last_object_clicked_count")
        count = count if isinstance(count, int) and not isinstance(count, bool) else 0
        if lat is None and place is None:
            return None
        return cls(
            lat=None if lat is None else float(lat),
            lng=None if lng is None else float(lng),
            place=place,
            count=count,
        )


@dataclass(frozen=True)
class PlayedDay:
    """The day time playback rests on in the map's frame (``web/playback-frame.js``).

    ``since``: its "what changed since" handle's day, or ``None`` when not set.
    ``serial`` tells a new rest from the component repeating its last report.
    """

    day: str
    since: str | None
    serial: int

    @classmethod
    def from_component(cls, payload: Any) -> PlayedDay | None:
        """Parse the component's return value; ``None`` without a usable day (it is untrusted)."""
        played = _report(payload).get("playback")
        if not isinstance(played, dict):
            return None
        day, since, serial = played.get("day"), played.get("since"), played.get("serial")
        if not isinstance(day, str) or real_day(day) is None:
            return None
        if not isinstance(serial, int) or isinstance(serial, bool):
            return None
        since = since if isinstance(since, str) and real_day(since) is not None else None
        return cls(day=day, since=since if since and since < day else None, serial=serial)


def moved_area(payload: Any) -> MapArea | None:
    """The area the map shows, if the user moved it since it was last framed; else ``None``.

    A view the app asked for (a scene, the fit button, a link) is not the
    user's, so it does not go into the link.
    """
    if _report(payload).get("moved") is not True:
        return None
    return MapArea.from_component(payload)


@dataclass(frozen=True)
class Frame:
    """What the map is asked to frame, fitted in the browser to the map's own size.

    ``serial`` tells a new request from the same one repeated on a rerun (the
    map frames each serial once). ``exact``: an area from a link, framed as it
    is; otherwise places, with room for their labels.
    """

    bounds: tuple[tuple[float, float], tuple[float, float]]  # ((south, west), (north, east))
    serial: int = 0
    max_zoom: int | None = None
    exact: bool = False

    @classmethod
    def of(
        cls,
        bounds: list[list[float]],
        serial: int = 0,
        max_zoom: int | None = None,
        *,
        exact: bool = False,
    ) -> Frame:
        (south, west), (north, east) = bounds
        return cls(((south, west), (north, east)), serial, max_zoom, exact)


# A place framed alone (or two close by) would fit at street level.
PLACES_MAX_ZOOM = 9


def places_bounds(
    catalog: Catalog, place_ids: tuple[str, ...] | list[str]
) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around the named places drawn on the map; ``None`` if none is.

    Places off the map (and ids the catalog does not hold) are left out: the
    frame is of what the map can show.
    """
    boxes = [
        catalog.places[pid].geometry.bounds
        for pid in place_ids
        if pid in catalog.places and not catalog.places[pid].off_map
    ]
    if not boxes:
        return None
    return [
        [min(b[1] for b in boxes), min(b[0] for b in boxes)],
        [max(b[3] for b in boxes), max(b[2] for b in boxes)],
    ]


def place_at(
    catalog: Catalog, place_ids: tuple[str, ...] | list[str], click: MapClick
) -> str | None:
    """The drawn place a click landed on.

    The clicked marker's own place when the map names it; else a point at the
    spot clicked, else the smallest outline around it.
    """
    if click.place is not None and click.place in set(place_ids):
        return click.place
    if click.lat is None or click.lng is None:
        return None
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
