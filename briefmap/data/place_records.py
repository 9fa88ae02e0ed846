"""The places file's records: names, kind, precision and a geometry on the map.

Each feature is checked field by field (:mod:`briefmap.data.validate`); its geometry
must be one Point, LineString, MultiLineString or Polygon of finite WGS84
positions, valid (a line has two distinct positions or more), and inside the
region of interest, when the data gives one, unless the place is marked ``off_map``.
"""

from __future__ import annotations

import math
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from briefmap.data.projection import crs_name, reproject
from briefmap.data.schema import PLACE_FIELDS, Place, PlaceKind, Precision, Region
from briefmap.data.validate import (
    Collector,
    Record,
    check_unique,
    finite_number,
    records_of,
    short,
)

# One place, one shape: a region in several parts is several places. A line
# (a route, a line of contact) may come in parts: a front broken by a river.
ALLOWED_GEOMETRIES = ("Point", "LineString", "MultiLineString", "Polygon")


# A position's numbers, in GeoJSON's order.
AXES = ("longitude", "latitude", "altitude")


# What a geometry's coordinates nest, for a message and for the count of parts.
PARTS = {"Polygon": "ring", "MultiLineString": "line"}


def _positions(kind: str, coordinates: list[Any]) -> list[tuple[str, Any]] | None:
    """A geometry's positions, read by the shape GeoJSON gives them (no recursion).

    Each with where it is, for a message: ``""`` in a Point, ``" (position 3)"``
    in a LineString, ``" (ring 1, position 4)"`` in a Polygon, ``" (line 2,
    position 1)"`` in a MultiLineString. ``None`` when the nesting is not that
    shape: a Polygon is a list of rings, a MultiLineString a list of lines, each
    a list of positions.
    """
    if kind == "Point":
        return [("", coordinates)] if coordinates else []  # [] is an empty Point: said below
    if kind == "LineString":
        return [(f" (position {i})", p) for i, p in enumerate(coordinates, start=1)]
    positions: list[tuple[str, Any]] = []
    for r, part in enumerate(coordinates, start=1):
        if not isinstance(part, list):
            return None
        positions += [
            (f" ({PARTS[kind]} {r}, position {i})", p) for i, p in enumerate(part, start=1)
        ]
    return positions


def _short_line(kind: str, coordinates: list[Any]) -> str | None:
    """Which line of ``coordinates`` has fewer than two positions; ``None`` if none (or no line)."""
    if kind == "LineString" and len(coordinates) < 2:
        return f"a LineString needs two positions or more; it has {len(coordinates)}"
    if kind == "MultiLineString":
        for n, line in enumerate(coordinates, start=1):
            if len(line) < 2:
                return f"line {n} needs two positions or more; it has {len(line)}"
    return None


def _not_a_number(value: Any) -> str | None:
    """What is wrong with one coordinate, said after "its longitude is"; ``None`` if nothing."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "null" if value is None else f"{short(value)}, not a number"
    if finite_number(value) is not None:
        return None
    if isinstance(value, int):  # a 400-digit integer: a number to JSON, no float
        return "too large for a number"
    return "NaN (not a number)" if math.isnan(value) else f"infinite ({value})"


def _position_problem(position: Any, where: str) -> str | None:
    """Why ``position`` is not a usable [longitude, latitude], naming the coordinate."""
    if not isinstance(position, list) or len(position) < 2:
        return f"position {short(position)}{where} is not a pair of numbers"
    for index, value in enumerate(position):
        problem = _not_a_number(value)
        if problem is None:
            continue
        # Python's json reads 1e400 as inf, and NaN and Infinity as written; a
        # GIS file's float can be any of them. An altitude too: shapely would
        # keep an infinite one, and a 400-digit one would overflow it.
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        said = "is not finite" if number else "is not a pair of numbers"
        axis = AXES[index] if index < len(AXES) else f"value {index + 1}"
        return f"position {short(position)}{where} {said}: its {axis} is {problem}"
    return None


def _check_geometry(rec: Record, raw: Any, off_map: bool, region: Region | None) -> Any:
    if not isinstance(raw, dict):
        rec.fail("geometry", "is missing or not a GeoJSON geometry object")
        return None
    kind = raw.get("type")
    if kind not in ALLOWED_GEOMETRIES:
        rec.fail(
            "geometry", f"type {short(kind)} is not supported; use {', '.join(ALLOWED_GEOMETRIES)}"
        )
        return None
    if not isinstance(raw.get("coordinates"), list):
        rec.fail("geometry", "has no coordinates list")
        return None
    if kind == "Point" and any(isinstance(v, list) for v in raw["coordinates"]):
        rec.fail("geometry", "a Point's coordinates are one [longitude, latitude] pair")
        return None
    positions = _positions(kind, raw["coordinates"])
    if positions is None:
        rec.fail("geometry", f"a {kind}'s coordinates are a list of {PARTS[kind]}s of positions")
        return None
    short_line = _short_line(kind, raw["coordinates"])
    if short_line is not None:
        rec.fail("geometry", short_line)
        return None
    for where, position in positions:
        problem = _position_problem(position, where)
        if problem is not None:
            rec.fail("geometry", problem)
            return None
        lon, lat = float(position[0]), float(position[1])
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            rec.fail(
                "geometry",
                f"position {short(position)} is outside WGS84 (longitude first, then latitude)",
            )
            return None
    try:
        geometry = shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        rec.fail("geometry", f"could not be read: {exc}")
        return None
    if geometry.is_empty:
        rec.fail("geometry", "is empty")
        return None
    if not geometry.is_valid:
        # A line whose positions are all one (shapely: "Too few points") has no length.
        rec.fail("geometry", f"is not a valid {kind}: {explain_validity(geometry)}")
        return None
    if region is not None and not off_map:
        min_lon, min_lat, max_lon, max_lat = region.box
        g_min_lon, g_min_lat, g_max_lon, g_max_lat = geometry.bounds
        if g_min_lon < min_lon or g_max_lon > max_lon or g_min_lat < min_lat or g_max_lat > max_lat:
            rec.fail(
                "geometry",
                f"lies outside the region of interest (lon {min_lon}..{max_lon}, "
                f"lat {min_lat}..{max_lat}): are longitude and latitude swapped? "
                "GeoJSON wants [longitude, latitude]. Mark places outside the region "
                '"off_map": true.',
            )
            return None
    return geometry


def place_id(feature: dict[str, Any]) -> Any:
    props = feature.get("properties")
    return props.get("id") if isinstance(props, dict) else None


def load_places(
    payload: Any, out: Collector, region: Region | None = None
) -> tuple[dict[str, Place], int]:
    """The valid places; ``region``: the data's region of interest (briefmap.json).

    Without a region, places are not checked against one: the data's region is
    then the one its places span (:func:`briefmap.data.meta.region_around`).
    """
    if isinstance(payload, dict) and payload.get("type") not in (None, "FeatureCollection"):
        out.add("-", "type", "the file must be a GeoJSON FeatureCollection")
    records = records_of(payload, "features", out, place_id)
    name = crs_name(payload) if isinstance(payload, dict) else None
    if name is not None:
        payload = reproject(payload, name, out)
        if payload is None:
            return {}, len(records)
        records = records_of(payload, "features", Collector(out.file), place_id)
    places: dict[str, Place] = {}
    seen: set[str] = set()
    for rid, feature in records:
        if feature is None:
            continue
        props = feature.get("properties")
        rec = Record(props if isinstance(props, dict) else {}, rid, out)
        if not isinstance(props, dict):
            rec.fail("properties", "is missing; each feature needs a properties object")
            continue
        rec.text("id")
        check_unique(rec, seen)
        rec.no_unknown_fields(PLACE_FIELDS)
        name_en = rec.text("name_en")
        name_ar = rec.text("name_ar", required=False)
        name_ru = rec.text("name_ru", required=False)
        alt_names = rec.texts("alt_names", required=False)
        kind = rec.choice("kind", PlaceKind)
        precision = rec.choice("precision", Precision)
        off_map = rec.flag("off_map")
        note = rec.text("note", required=False)
        geometry = _check_geometry(rec, feature.get("geometry"), off_map, region)
        if not rec.failed:
            places[rid] = Place(
                id=rid,
                name_en=name_en or "",
                name_ar=name_ar,
                name_ru=name_ru,
                alt_names=alt_names,
                kind=kind or PlaceKind.REGION,
                precision=precision or Precision.REGION,
                geometry=geometry,
                off_map=off_map,
                note=note,
            )
    return places, len(records)
