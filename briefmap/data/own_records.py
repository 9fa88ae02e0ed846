"""One record of a file read as the user's own layer: its cells as text, its style, its geometry.

The pieces every reader of :mod:`briefmap.data.own_files` and
:mod:`briefmap.data.own_csv` shares: a cell of any type as text
(:func:`as_text`), KML's and geojson.io's or uMap's styles as an
:class:`~briefmap.data.own_layer.OwnStyle`, a geometry checked to lie on the
globe in WGS 84 (:func:`shape_of`, :func:`checked_shape`) or why not, and the
record built as an :class:`~briefmap.data.own_layer.OwnFeature`
(:func:`own_feature`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

import numpy
import pandas as pd
import shapely
import shapely.geometry

from briefmap.data.own_layer import (
    DESCRIPTION_COLUMNS,
    NAME_COLUMNS,
    OwnFeature,
    OwnStyle,
    description_parts,
    first_column,
)
from briefmap.data.projection import is_wgs84, wgs84_transformer
from briefmap.data.validate import Collector, short

# uMap's and Leaflet's drawing options, kept by uMap with each feature: format, not data.
UMAP_OPTIONS = ("_umap_options", "_storage_options")
_HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_KML_COLOUR = re.compile(r"#?[0-9a-fA-F]{8}")

Transform = Callable[[Any], Any]


# ------------------------------------------------------------------------ cells


def as_text(value: Any) -> str:
    """A cell as text: numbers as written, dates in ISO form, lists and objects as JSON, empty ``""``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    if not pd.api.types.is_scalar(value):  # GDAL's list columns
        return json.dumps([as_text(v) for v in value], ensure_ascii=False)
    if pd.isna(value):
        return ""
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy's numbers
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def _colour(text: Any) -> str | None:
    """A ``#rgb`` or ``#rrggbb`` colour as ``#rrggbb``; ``None`` for anything else."""
    if not isinstance(text, str) or not _HEX_COLOUR.fullmatch(text.strip()):
        return None
    digits = text.strip().lstrip("#")
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits.lower()}"


def _number(value: Any, low: float, high: float) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and low <= number <= high else None


def _kml_colour(text: str | None) -> tuple[str | None, float | None]:
    """KML's ``aabbggrr`` as ``#rrggbb`` and an opacity."""
    if text is None or not _KML_COLOUR.fullmatch(text.strip()):
        return None, None
    digits = text.strip().lstrip("#").lower()
    alpha, blue, green, red = digits[0:2], digits[2:4], digits[4:6], digits[6:8]
    return f"#{red}{green}{blue}", round(int(alpha, 16) / 255, 3)


def _flag(text: str | None) -> bool | None:
    return {"0": False, "1": True, "false": False, "true": True}.get((text or "").strip().lower())


def kml_style(values: dict[str, str]) -> OwnStyle | None:
    """A placemark's style values (:meth:`KmlDocument.style_of`) as an :class:`OwnStyle`."""
    line, line_opacity = _kml_colour(values.get("line_color"))
    fill, fill_opacity = _kml_colour(values.get("poly_color"))
    icon, _ = _kml_colour(values.get("icon_color"))
    style = OwnStyle(
        line_colour=line,
        line_opacity=line_opacity,
        line_width=_number(values.get("line_width"), 0, 100),
        fill_colour=fill,
        fill_opacity=fill_opacity,
        filled=_flag(values.get("poly_fill")),
        outlined=_flag(values.get("poly_outline")),
        icon_colour=icon,
    )
    return None if style.empty else style


# simplestyle-spec 1.1.0's properties that say how to draw, as geojson.io writes them.
SIMPLESTYLE = ("stroke", "stroke-width", "stroke-opacity", "fill", "fill-opacity", "marker-color")


def geojson_style(properties: Mapping[str, Any]) -> OwnStyle | None:
    """geojson.io's simplestyle properties, or uMap's ``_umap_options``, as an :class:`OwnStyle`."""
    if not any(key in properties for key in (*SIMPLESTYLE, *UMAP_OPTIONS)):
        return None
    umap = next((properties[k] for k in UMAP_OPTIONS if isinstance(properties.get(k), dict)), {})
    fill_flag = umap.get("fill")
    style = OwnStyle(
        line_colour=_colour(properties.get("stroke")) or _colour(umap.get("color")),
        line_opacity=_number(properties.get("stroke-opacity", umap.get("opacity")), 0, 1),
        line_width=_number(properties.get("stroke-width", umap.get("weight")), 0, 100),
        fill_colour=_colour(properties.get("fill")) or _colour(umap.get("fillColor")),
        fill_opacity=_number(properties.get("fill-opacity", umap.get("fillOpacity")), 0, 1),
        filled=fill_flag if isinstance(fill_flag, bool) else None,
        icon_colour=_colour(properties.get("marker-color")) or _colour(umap.get("color")),
    )
    return None if style.empty else style


# -------------------------------------------------------------------- geometry


def _position_problem(position: Any) -> str | None:
    if not isinstance(position, list) or len(position) < 2:
        return f"position {short(position)} is not a pair of numbers"
    for axis, value in zip(("longitude", "latitude", "altitude"), position, strict=False):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"position {short(position)}: its {axis} is {short(value)}, not a number"
        try:
            if not math.isfinite(float(value)):
                return f"position {short(position)}: its {axis} is not finite"
        except OverflowError:
            return f"position {short(position)}: its {axis} is too large for a number"
    return None


def _coordinates_problem(geometry: dict[str, Any]) -> str | None:
    """What is wrong with a GeoJSON geometry's positions, walked without recursion."""
    pending: list[Any] = [geometry]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("type") == "GeometryCollection":
                parts = node.get("geometries")
                if not isinstance(parts, list):
                    return "a GeometryCollection's geometries are not a list"
                pending += parts
                continue
            if "coordinates" not in node:
                return f"a {short(node.get('type'))} geometry has no coordinates"
            node = node["coordinates"]
            if not isinstance(node, list):
                return "its coordinates are not a list"
            pending.append(node)
        elif isinstance(node, list) and node and not isinstance(node[0], list):
            problem = _position_problem(node)
            if problem is not None:
                return problem
        elif isinstance(node, list):
            pending += node
        else:
            return f"{short(node)} is not a geometry"
    return None


def _outside_wgs84(geometry: Any) -> str | None:
    """Where a geometry leaves longitude -180..180 or latitude -90..90, said; else ``None``."""
    points = shapely.get_coordinates(geometry)
    if not numpy.isfinite(points).all():
        return "a coordinate is not finite"
    bad_lat = numpy.abs(points[:, 1]) > 90
    bad_lon = numpy.abs(points[:, 0]) > 180
    if bad_lat.any():
        lon, lat = points[bad_lat.argmax()]
        return f"latitude {lat:g} (at longitude {lon:g}) is outside -90..90"
    if bad_lon.any():
        lon, lat = points[bad_lon.argmax()]
        return f"longitude {lon:g} (at latitude {lat:g}) is outside -180..180"
    return None


def _point(lon: float, lat: float) -> tuple[Any, str | None]:
    if not -90 <= lat <= 90:
        return None, f"latitude {lat:g} (at longitude {lon:g}) is outside -90..90"
    if not -180 <= lon <= 180:
        return None, f"longitude {lon:g} (at latitude {lat:g}) is outside -180..180"
    return shapely.Point(lon, lat), None


def shape_of(raw: Any, transform: Transform | None = None) -> tuple[Any, str | None]:
    """A GeoJSON geometry as a 2-D shapely geometry in WGS 84, or ``None`` and why not."""
    if not isinstance(raw, dict):
        return None, "has no geometry"
    position = raw.get("coordinates")
    if (
        transform is None
        and raw.get("type") == "Point"
        and isinstance(position, list)
        and _position_problem(position) is None
    ):
        return _point(float(position[0]), float(position[1]))  # most features: the quick way
    problem = _coordinates_problem(raw)
    if problem is not None:
        return None, problem
    try:
        geometry = shapely.geometry.shape(raw)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        return None, f"could not be read: {short(str(exc), 120, quote=False)}"
    except shapely.errors.ShapelyError as exc:
        return None, f"could not be read: {short(str(exc), 120, quote=False)}"
    return checked_shape(geometry, transform)


def checked_shape(geometry: Any, transform: Transform | None = None) -> tuple[Any, str | None]:
    """A shapely geometry made 2-D, in WGS 84, and checked to lie on the globe."""
    if geometry is None or geometry.is_empty:
        return None, "has no coordinates"
    geometry = shapely.force_2d(geometry)
    if transform is not None:
        geometry = transform(geometry)
    problem = _outside_wgs84(geometry)
    if problem is not None:
        return None, problem
    return geometry, None


def crs_transform(name: str | None, out: Collector) -> Transform | bool | None:
    """The transform from a file's named CRS to WGS 84; ``None`` for WGS 84; ``False`` (reported) if unknown or no map's."""
    if name is None or is_wgs84(name):
        return None
    transformer = wgs84_transformer(name, out, "nothing was loaded")
    if transformer is None:
        return False

    def to_wgs84(geometry: Any) -> Any:
        return shapely.transform(
            geometry, lambda xy: numpy.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
        )

    return to_wgs84


# ---------------------------------------------------------------- the builders


def own_feature(
    properties: dict[str, str],
    geometry: Any,
    fid: str,
    folder: tuple[str, ...],
    style: OwnStyle | None,
) -> OwnFeature:
    """A record's properties, geometry, id, folder path and style as a feature (name, description, links found)."""
    lower = {key.strip().lower(): value for key, value in reversed(properties.items())}
    description = first_column(lower, DESCRIPTION_COLUMNS)
    text, links = description_parts(description) if description else ("", ())
    return OwnFeature(
        id=fid,
        geometry=geometry,
        name=first_column(lower, NAME_COLUMNS),
        description_text=text,
        links=links,
        folder=folder,
        style=style,
        properties=properties,
    )


def over_limit(records: int, max_rows: int | None, out: Collector) -> bool:
    """Whether a file holds more records than an upload may (reported as the per-upload limit)."""
    if max_rows is not None and records > max_rows:
        out.add("-", "-", f"{records:,} records is over the limit of {max_rows:,} per upload")
        return True
    return False
