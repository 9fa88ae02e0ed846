"""The briefing state that lives in the URL: parse and write query parameters.

A copied link must reproduce the same view in a fresh browser, and a link is
untrusted input: anything unknown or malformed is dropped with a notice that
says what and why, never an exception.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import TypeVar

from briefmap.data.schema import ClaimStatus, PlaceKind
from briefmap.data.validate import real_day
from briefmap.engine.query import ClaimFilter, Deployments

E = TypeVar("E", bound=Enum)

SLUG = re.compile(r"[A-Za-z0-9_-]{1,80}")
MAX_SEARCH = 200
# Unknown link parameters named in their one notice; the rest are counted.
UNKNOWN_SHOWN = 5
ZOOM_RANGE = (2, 18)

# Query-parameter names, short so links stay readable.
P_ACTORS, P_STATUSES, P_DEPLOY, P_KINDS, P_SEARCH = "actor", "status", "deploy", "kind", "q"
P_FROM, P_TO, P_AS_OF, P_SINCE = "from", "to", "asof", "since"
P_LAT, P_LNG, P_ZOOM, P_PLACE = "lat", "lng", "z", "place"
# The area the map shows, as south,west,north,east: the same ground on any
# screen. (lat, lng and z, a centre and zoom, are still read from old links.)
P_AREA = "area"
# Where the map looks and what is clicked: not what is drawn.
VIEW_PARAMS = frozenset({P_AREA, P_LAT, P_LNG, P_ZOOM, P_PLACE})
P_PRESENT, P_BRIEFING, P_SCENE = "present", "briefing", "scene"
# Written by the browser, never by the app: the number of fields of a link too
# long for Streamlit to read, which the browser cut down to the parameters above
# (briefmap/drawing/web/link-too-long.js).
P_DROPPED = "dropped"
FILTER_PARAMS = (P_ACTORS, P_STATUSES, P_DEPLOY, P_KINDS, P_SEARCH, P_FROM, P_TO)
KNOWN = (
    *FILTER_PARAMS, P_AS_OF, P_SINCE, P_AREA, P_LAT, P_LNG, P_ZOOM, P_PLACE, P_PRESENT,
    P_BRIEFING, P_SCENE, P_DROPPED,
)  # fmt: skip
LATITUDES, LONGITUDES = (-85.0, 85.0), (-180.0, 180.0)
# A number in a link: ASCII digits with an optional sign and decimal point, as the
# app writes them. float() and int() also read "１８", "٣٣", "1_000", " 18", "1e1"
# and "inf"; days refuse other scripts' digits (real_day), and so do numbers.
DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
WHOLE = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class MapView:
    """A centre and zoom level, as ``st_folium`` takes them (old links, scenes without highlights)."""

    center: tuple[float, float]
    zoom: int


@dataclass(frozen=True)
class MapArea:
    """The ground a map shows, ``[[south, west], [north, east]]``: what a link carries.

    An area, not a centre and zoom, so that a link opened on another screen
    frames the same ground (a zoom level shows more or less of it by screen size).
    """

    south: float
    west: float
    north: float
    east: float

    @property
    def bounds(self) -> list[list[float]]:
        return [[self.south, self.west], [self.north, self.east]]

    @classmethod
    def checked(cls, south: float, west: float, north: float, east: float) -> MapArea | None:
        """An area from finite numbers inside WGS84 with south below north and west of east."""
        numbers = (south, west, north, east)
        if not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for v in numbers
        ):
            return None
        inside = all(LATITUDES[0] <= v <= LATITUDES[1] for v in (south, north)) and all(
            LONGITUDES[0] <= v <= LONGITUDES[1] for v in (west, east)
        )
        if not inside or south >= north or west >= east:
            return None
        return cls(*(float(v) for v in numbers))

    @classmethod
    def from_component(cls, payload: Mapping[str, object]) -> MapArea | None:
        """The area ``st_folium`` reports (``bounds``), clipped to WGS84, or ``None``."""
        bounds = payload.get("bounds")
        if not isinstance(bounds, Mapping):
            return None
        corners = bounds.get("_southWest"), bounds.get("_northEast")
        if not all(isinstance(c, Mapping) for c in corners):
            return None
        (sw, ne) = corners
        values = (sw.get("lat"), sw.get("lng"), ne.get("lat"), ne.get("lng"))  # type: ignore[union-attr]
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
            return None
        south, west, north, east = (float(v) for v in values)  # type: ignore[arg-type]
        # A map zoomed out past the world reports more than the world: keep the world.
        return cls.checked(
            max(south, LATITUDES[0]),
            max(west, LONGITUDES[0]),
            min(north, LATITUDES[1]),
            min(east, LONGITUDES[1]),
        )

    def param(self) -> str:
        """The link's value: south,west,north,east to 4 decimals (about 10 m), rounded inwards.

        Inwards, so that the area still fits the map it came from at its zoom:
        the same screen opens the link at the same zoom, not one further out.
        """
        # round(..., 6) first: 50.5151 * 1e4 is 505150.99999..., which must stay
        # 505151, or the area would shrink each time a link is read and written.
        inward = (
            math.ceil(round(self.south * 1e4, 6)),
            math.ceil(round(self.west * 1e4, 6)),
            math.floor(round(self.north * 1e4, 6)),
            math.floor(round(self.east * 1e4, 6)),
        )
        return ",".join(f"{v / 1e4:.4f}" for v in inward)


def _area(raw: str, notices: list[str]) -> MapArea | None:
    parts = raw.split(",")
    numbers: list[float] = []
    for part in parts if len(parts) == 4 else ():
        if not DECIMAL.fullmatch(part):
            break
        numbers.append(float(part))
    area = MapArea.checked(*numbers) if len(numbers) == 4 else None
    if area is None:
        notices.append(
            f"Ignored the map area {raw[:60]!r}: expected south,west,north,east in degrees, "
            "south below north and west of east."
        )
    return area


@dataclass(frozen=True)
class BriefingState:
    """Everything a link reproduces."""

    claim_filter: ClaimFilter = field(default_factory=ClaimFilter)
    as_of: str | None = None  # None: the data as it stands
    since: str | None = None  # compare with this earlier day
    view: MapArea | MapView | None = None  # set only once the user moved the map
    place: str | None = None
    present: bool = False
    briefing: str | None = None
    scene: int | None = None  # 1-based


def _enum_set(raw: str, vocab: type[E], name: str, notices: list[str]) -> frozenset[E]:
    values: set[E] = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        try:
            values.add(vocab(part))
        except ValueError:
            notices.append(f"Ignored unknown {name} {part[:40]!r} in the link.")
    return frozenset(values)


def _id_set(raw: str, ids: Iterable[str], name: str, notices: list[str]) -> frozenset[str]:
    """:func:`_enum_set` for the data's own ids (actors)."""
    known = set(ids)
    values: set[str] = set()
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if part in known:
            values.add(part)
        else:
            notices.append(f"Ignored unknown {name} {part[:40]!r} in the link.")
    return frozenset(values)


def _day(raw: str, name: str, notices: list[str]) -> str | None:
    if real_day(raw) is not None:
        return raw
    notices.append(f"Ignored {name} {raw[:40]!r}: not a date in the form YYYY-MM-DD.")
    return None


def _slug(raw: str, name: str, notices: list[str]) -> str | None:
    if SLUG.fullmatch(raw):
        return raw
    notices.append(f"Ignored {name} {raw[:40]!r}: not a {name} id.")
    return None


def _number(raw: str, name: str, low: float, high: float, notices: list[str]) -> float | None:
    value = float(raw) if DECIMAL.fullmatch(raw) else math.nan
    if math.isfinite(value) and low <= value <= high:
        return value
    notices.append(f"Ignored {name} {raw[:40]!r}: expected a number from {low} to {high}.")
    return None


def parse(
    params: Mapping[str, str | list[str]], actor_ids: Iterable[str]
) -> tuple[BriefingState, list[str]]:
    """Read a state from query parameters; return it with notices about what was ignored.

    Parameters
    ----------
    params
        Query parameters, each a string or a list of strings (the last one counts).
    actor_ids
        The data's actor ids (``catalog.meta``); other actors are ignored with a notice.

    Returns
    -------
    tuple
        The state, and one plain-language notice per ignored parameter or value.
    """
    notices: list[str] = []
    raw: dict[str, str] = {}
    unknown: list[str] = []
    for key, value in params.items():
        text = value[-1] if isinstance(value, list) and value else value
        if not isinstance(text, str):
            continue
        if key not in KNOWN:
            unknown.append(repr(str(key)[:40]))
            continue
        raw[key] = text
    if unknown:
        # One notice for them all: a link may carry up to 1,000 parameters
        # (Streamlit's limit), and a notice each drew a list of 1,000.
        shown = ", ".join(unknown[:UNKNOWN_SHOWN])
        more = len(unknown) - UNKNOWN_SHOWN
        notices.append(
            f"Ignored unknown link parameter {shown}."
            if len(unknown) == 1
            else f"Ignored {len(unknown):,} unknown link parameters: {shown}"
            + (f" and {more:,} more." if more > 0 else ".")
        )

    flt = ClaimFilter()
    # "actor=" (empty) means none; a list of only unknown values is ignored whole,
    # as its notice says, rather than read as "none".
    for key, field_name, vocab, label in (
        (P_ACTORS, "actors", None, "actor"),
        (P_STATUSES, "statuses", ClaimStatus, "status"),
        (P_KINDS, "kinds", PlaceKind, "place kind"),
    ):
        if key in raw:
            values = (
                _id_set(raw[key], actor_ids, label, notices)
                if vocab is None
                else _enum_set(raw[key], vocab, label, notices)
            )
            if values or not raw[key].strip(" ,"):
                flt = replace(flt, **{field_name: values})
    if P_DEPLOY in raw:
        try:
            flt = replace(flt, deployments=Deployments(raw[P_DEPLOY]))
        except ValueError:
            notices.append(f"Ignored deployments choice {raw[P_DEPLOY][:40]!r}.")
    if P_SEARCH in raw:
        flt = replace(flt, search=raw[P_SEARCH][:MAX_SEARCH])
    if P_FROM in raw:
        flt = replace(flt, reported_from=_day(raw[P_FROM], "start date", notices))
    if P_TO in raw:
        flt = replace(flt, reported_to=_day(raw[P_TO], "end date", notices))

    state = BriefingState(claim_filter=flt)
    if P_AS_OF in raw:
        state = replace(state, as_of=_day(raw[P_AS_OF], "'as of' date", notices))
    if P_SINCE in raw:
        state = replace(state, since=_day(raw[P_SINCE], "comparison date", notices))

    if P_AREA in raw:
        state = replace(state, view=_area(raw[P_AREA], notices))
    elif any(k in raw for k in (P_LAT, P_LNG, P_ZOOM)):
        lat = _number(raw.get(P_LAT, ""), "latitude", -85, 85, notices)
        lng = _number(raw.get(P_LNG, ""), "longitude", -180, 180, notices)
        zoom = _number(raw.get(P_ZOOM, ""), "zoom", *ZOOM_RANGE, notices)
        if lat is not None and lng is not None and zoom is not None:
            state = replace(state, view=MapView(center=(lat, lng), zoom=round(zoom)))
        else:
            notices.append("Ignored the map view in the link: it needs lat, lng and z.")

    if P_PLACE in raw:
        state = replace(state, place=_slug(raw[P_PLACE], "place", notices))
    if P_PRESENT in raw:
        if raw[P_PRESENT] in ("1", "0", "true", "false"):
            state = replace(state, present=raw[P_PRESENT] in ("1", "true"))
        else:
            notices.append(f"Ignored present={raw[P_PRESENT][:40]!r}: use 1 or 0.")
    if P_BRIEFING in raw:
        state = replace(state, briefing=_slug(raw[P_BRIEFING], "briefing", notices))
    if P_SCENE in raw:
        scene = _number(raw[P_SCENE], "scene", 1, 999, notices)
        if scene is not None and WHOLE.fullmatch(raw[P_SCENE]):
            state = replace(state, scene=int(scene))
        elif scene is not None:
            notices.append(f"Ignored scene {raw[P_SCENE][:40]!r}: not a whole number.")
    if P_DROPPED in raw:
        fields = raw[P_DROPPED]
        if WHOLE.fullmatch(fields) and len(fields) <= 12:
            notices.append(
                f"The link was too long for the server to read ({int(fields):,} parameters): "
                "only the map's own parameters in it were read, the last of each, from the browser."
            )
        else:
            notices.append(f"Ignored {P_DROPPED}={fields[:40]!r}: not a number of parameters.")
    return state, notices


def _join(values: frozenset[E] | None, vocab: type[E]) -> str | None:
    if values is None:
        return None
    return ",".join(v.value for v in vocab if v in values)


def _join_ids(values: frozenset[str] | None, ids: Iterable[str]) -> str | None:
    """Actor ids in the data's order, then any others in sorted order."""
    if values is None:
        return None
    order = list(ids)
    return ",".join([a for a in order if a in values] + sorted(set(values) - set(order)))


def to_params(
    state: BriefingState,
    defaults: ClaimFilter | None = None,
    actor_ids: Iterable[str] = (),
) -> dict[str, str]:
    """Query parameters for a state; values equal to the defaults are left out.

    Parameters
    ----------
    state
        The state to write.
    defaults
        The filter a fresh visitor gets; parameters that match it are omitted so
        links stay short.
    actor_ids
        The data's actor ids, the order actors are written in (any others after
        them, sorted).
    """
    base = defaults or ClaimFilter()
    flt = state.claim_filter
    out: dict[str, str] = {}
    pairs = (
        (P_ACTORS, _join_ids(flt.actors, actor_ids), _join_ids(base.actors, actor_ids)),
        (P_STATUSES, _join(flt.statuses, ClaimStatus), _join(base.statuses, ClaimStatus)),
        (P_KINDS, _join(flt.kinds, PlaceKind), _join(base.kinds, PlaceKind)),
        (P_DEPLOY, flt.deployments.value, base.deployments.value),
        (P_SEARCH, flt.search or None, base.search or None),
        (P_FROM, flt.reported_from, base.reported_from),
        (P_TO, flt.reported_to, base.reported_to),
    )
    for key, value, default in pairs:
        if value is not None and value != default:
            out[key] = value
    if state.as_of:
        out[P_AS_OF] = state.as_of
    if state.since:
        out[P_SINCE] = state.since
    if isinstance(state.view, MapArea):
        out[P_AREA] = state.view.param()
    elif state.view is not None:
        out[P_LAT] = f"{state.view.center[0]:.4f}"
        out[P_LNG] = f"{state.view.center[1]:.4f}"
        out[P_ZOOM] = str(state.view.zoom)
    if state.place:
        out[P_PLACE] = state.place
    if state.present:
        out[P_PRESENT] = "1"
    if state.briefing:
        out[P_BRIEFING] = state.briefing
        if state.scene:
            out[P_SCENE] = str(state.scene)
    return out
