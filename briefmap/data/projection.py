"""Reprojection of a places file that declares a coordinate reference system.

GeoJSON (RFC 7946) is WGS84 only, but older files still carry a ``crs``
member; a named map projection is honoured rather than refused.
"""

from __future__ import annotations

import json
from typing import Any

from briefmap.data.validate import Collector, finite_number, short

WGS84_NAMES = ("CRS84", "EPSG:4326", "EPSG::4326", "4326")


def is_wgs84(name: str) -> bool:
    """Whether a CRS name is WGS 84 longitude and latitude, GeoJSON's own (nothing to reproject)."""
    return any(name.upper().endswith(w) for w in WGS84_NAMES)


def wgs84_transformer(name: str, out: Collector, nothing: str) -> Any | None:
    """Pyproj's transformer from a named CRS to WGS 84 longitude and latitude (x, y order).

    ``None``, reported on the file's ``crs`` as ``nothing`` (what was then not
    loaded), for a name pyproj does not know, or a system that gives no
    position on a map: only a map projection or a 2-D geographic system does;
    geocentric or vertical systems would put places anywhere.
    """
    from pyproj import CRS, Transformer  # geopandas brings pyproj
    from pyproj.exceptions import CRSError, ProjError

    try:
        source = CRS.from_user_input(name)
        if not (source.is_projected or (source.is_geographic and len(source.axis_info) == 2)):
            out.add(
                "-",
                "crs",
                f"{short(name)} is not a map projection or a geographic system; {nothing}",
            )
            return None
        return Transformer.from_crs(source, CRS.from_epsg(4326), always_xy=True)
    except (CRSError, ProjError):
        out.add("-", "crs", f"unknown coordinate reference system {short(name)}; {nothing}")
        return None


def crs_name(payload: dict[str, Any]) -> str | None:
    crs = payload.get("crs")
    if crs is None:
        return None
    properties = crs.get("properties") if isinstance(crs, dict) else None
    name = properties.get("name") if isinstance(properties, dict) else None
    return name if isinstance(name, str) else json.dumps(crs)[:200]


def reproject(payload: dict[str, Any], name: str, out: Collector) -> dict[str, Any] | None:
    """The payload with every position turned into WGS84 longitude/latitude.

    GeoJSON (RFC 7946) is WGS84 only, but older files still carry a ``crs``
    member; a named one is honoured rather than refused.
    """
    if is_wgs84(name):
        return payload
    transformer = wgs84_transformer(name, out, "no place was loaded")
    if transformer is None:
        return None

    def position(node: Any) -> Any:
        # Anything else is left as it is, for the place check to report.
        if not isinstance(node, list) or len(node) < 2:
            return node
        x, y = finite_number(node[0]), finite_number(node[1])
        if x is None or y is None:
            return node
        lon, lat = transformer.transform(x, y)
        return [lon, lat, *node[2:]]

    def convert(kind: Any, coordinates: Any) -> Any:
        # By the shape GeoJSON gives each type: no recursion into arbitrary nesting.
        if kind == "Point":
            return position(coordinates)
        if kind == "LineString" and isinstance(coordinates, list):
            return [position(p) for p in coordinates]
        if kind in ("Polygon", "MultiLineString") and isinstance(coordinates, list):
            return [
                [position(p) for p in ring] if isinstance(ring, list) else ring
                for ring in coordinates
            ]
        return coordinates

    features = []
    for feature in payload.get("features", []) if isinstance(payload.get("features"), list) else []:
        if isinstance(feature, dict) and isinstance(feature.get("geometry"), dict):
            geometry = dict(feature["geometry"])
            geometry["coordinates"] = convert(geometry.get("type"), geometry.get("coordinates"))
            feature = {**feature, "geometry": geometry}
        features.append(feature)
    return {**payload, "crs": None, "features": features}
