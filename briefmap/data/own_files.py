"""Files read as the user's own layer: KML and KMZ, GeoPackage, zipped Shapefile, GeoJSON, CSV.

The formats as other tools write them (:mod:`briefmap.data.own_layer`):
Google My Maps' and Google Earth's KML (folders, shared and inline styles,
every geometry, extended data), QGIS' GeoPackages (every layer), geojson.io's
and uMap's GeoJSON (simplestyle and ``_umap_options`` colours), and
spreadsheets with coordinate columns found by their usual names or with WKT.

A file in Briefmap's own field convention (a row fills ``kind`` or
``precision``, :func:`follows_convention`) is read as places and claims, as
before; any other is the user's own layer. A record that cannot be drawn (no
geometry, a coordinate that is no number, a latitude beyond 90, WKT that does
not parse) is one issue naming the file, the record and the field; the rest
loads. Nothing is refused for lying outside the region of interest.

GDAL's formats and KML are read in the budget's child process by
:mod:`briefmap.data.gis_files`, which calls the builders here; GeoJSON and CSV
are read here (:func:`read_own_file`), in the budget's child process too: a
description's HTML is parsed by the standard library's ``html.parser``, which
some markup makes slow.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

import numpy
import pandas as pd
import shapely
import shapely.geometry

from briefmap.data.budget import Stopped, within_budget
from briefmap.data.convention import field_of, slug
from briefmap.data.gdal_rows import report_not_text, text_cells
from briefmap.data.kml_files import KmlDocument, geojson
from briefmap.data.own_layer import (
    DESCRIPTION_COLUMNS,
    NAME_COLUMNS,
    OwnFeature,
    OwnLayer,
    OwnStyle,
    description_parts,
    first_column,
    sublayers_of,
)
from briefmap.data.projection import WGS84_NAMES, crs_name
from briefmap.data.readers import decode, parse_json
from briefmap.data.validate import Collector, ValidationIssue, short

# Columns that make a row one of Briefmap's own places (its field convention).
CONVENTION_MARKS = frozenset({"kind", "precision"})
# Coordinate columns of a spreadsheet, by the names tools give them (any case),
# in order of preference; WKT columns are preferred to both when present.
LATITUDE_COLUMNS = ("latitude", "lat", "y")
LONGITUDE_COLUMNS = ("longitude", "lon", "lng", "long", "x")
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom")
CSV_DELIMITERS = (",", ";", "\t", "|")
# One CSV cell may hold a country's outline as WKT: up to an upload's size.
MAX_CSV_CELL = 20 * 1024 * 1024
# uMap's and Leaflet's drawing options, kept by uMap with each feature: format, not data.
UMAP_OPTIONS = ("_umap_options", "_storage_options")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_HEX_COLOUR = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")
_KML_COLOUR = re.compile(r"#?[0-9a-fA-F]{8}")

Transform = Callable[[Any], Any]


# --------------------------------------------------------------- the convention


def follows_convention(rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any row fills a column only Briefmap's convention has (``kind``, ``precision``)."""
    for row in rows:
        for column, value in row.items():
            if (
                isinstance(column, str)
                and field_of(column) in CONVENTION_MARKS
                and value is not None
                and not (isinstance(value, float) and math.isnan(value))
                and str(value).strip()
            ):
                return True
    return False


def geojson_is_own_layer(payload: Any) -> bool:
    """Whether a parsed GeoJSON is somebody else's map, not Briefmap's places or bundle."""
    if not isinstance(payload, dict) or "briefmap" in payload:
        return False
    features = _geojson_features(payload)
    if not features:
        return False
    properties = (f.get("properties") for f in features if isinstance(f, dict))
    return not follows_convention(p for p in properties if isinstance(p, dict))


def may_be_own_geojson(raw: bytes) -> bool:
    """Whether a JSON file may be somebody else's GeoJSON, judged without parsing it.

    Briefmap's places always name ``kind`` (and a bundle ``briefmap``): a file
    with either is read as Briefmap's own, once, not parsed twice to decide.
    """
    return not any(mark in raw for mark in (b'"kind"', b'"precision"', b'"briefmap"'))


def _geojson_features(payload: dict[str, Any]) -> list[Any]:
    if payload.get("type") == "Feature":
        return [payload]
    features = payload.get("features")
    return (
        features
        if payload.get("type") == "FeatureCollection" and isinstance(features, list)
        else []
    )


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


def _crs_transform(name: str | None, out: Collector) -> Transform | bool | None:
    """The transform from a file's named CRS to WGS 84; ``None`` for WGS 84; ``False`` (reported) if unknown."""
    if name is None or any(name.upper().endswith(w) for w in WGS84_NAMES):
        return None
    from pyproj import CRS, Transformer  # geopandas brings pyproj
    from pyproj.exceptions import CRSError, ProjError

    try:
        source = CRS.from_user_input(name)
        transformer = Transformer.from_crs(source, CRS.from_epsg(4326), always_xy=True)
    except (CRSError, ProjError):
        out.add(
            "-", "crs", f"unknown coordinate reference system {short(name)}; nothing was loaded"
        )
        return False

    def to_wgs84(geometry: Any) -> Any:
        return shapely.transform(
            geometry, lambda xy: numpy.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
        )

    return to_wgs84


# ---------------------------------------------------------------- the builders


def _feature(
    properties: dict[str, str],
    geometry: Any,
    fid: str,
    folder: tuple[str, ...],
    style: OwnStyle | None,
) -> OwnFeature:
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


def own_kml(document: KmlDocument, filename: str, out: Collector) -> OwnLayer:
    """A KML document's placemarks as the user's own layer, one part per folder."""
    stem = slug(PurePosixPath(filename).stem)
    features = []
    for number, mark in enumerate(document.placemarks, start=1):
        properties = {name: value or "" for name, value in mark.fields.items()}
        if not properties.get("id"):
            properties.pop("id", None)
        geometry, problem = (
            shape_of(geojson(mark.shape)) if mark.shape else (None, "has no geometry")
        )
        if problem is not None:
            out.add(_kml_record(number, properties), "geometry", f"{problem}; not drawn")
            continue
        style = kml_style(document.style_of(mark))
        features.append(_feature(properties, geometry, f"{stem}-{number}", mark.folders, style))
    name = document.name.strip() or PurePosixPath(filename).stem
    return OwnLayer(name, filename, sublayers_of(features), len(document.placemarks))


def _kml_record(number: int, properties: dict[str, str]) -> str:
    name = (properties.get("name") or "").strip()
    return f"#{number} {short(name, 40, quote=False)}" if name else f"#{number}"


def own_frames(frames: list[tuple[str, Any]], filename: str, kind: str, out: Collector) -> OwnLayer:
    """GDAL layers (name, data frame) as the user's own layer, one part per layer.

    A layer without a coordinate reference system is one issue and is not
    read (Briefmap does not guess one); any other is reprojected to WGS 84.
    """
    stem = slug(PurePosixPath(filename).stem)
    features: list[OwnFeature] = []
    records = 0
    several = len(frames) > 1
    for layer_name, frame in frames:
        records += len(frame)
        if frame.crs is None:
            out.add(
                "-",
                "crs",
                f"the {kind}'s layer {short(layer_name)} has no coordinate "
                "reference system; Briefmap does not guess one: it was not read",
            )
            continue
        if frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        columns = [c for c in frame.columns if c != frame.geometry.name]
        path = (layer_name,) if several else ()
        for number, (row, geometry) in enumerate(
            zip(frame[columns].to_dict("records"), frame.geometry, strict=True), start=1
        ):
            record = f"{layer_name} #{number}" if several else f"#{number}"
            row, not_text = text_cells(row)
            report_not_text(not_text, record, out)
            properties = {str(c): as_text(v) for c, v in row.items()}
            shape, problem = checked_shape(geometry)
            if problem is not None:
                out.add(record, "geometry", f"{problem}; not drawn")
                continue
            fid = f"{stem}-{slug(layer_name)}-{number}" if several else f"{stem}-{number}"
            features.append(_feature(properties, shape, fid, path, None))
    return OwnLayer(PurePosixPath(filename).stem, filename, sublayers_of(features), records)


def read_own_geojson(
    payload: Any, filename: str, out: Collector, max_rows: int | None = None
) -> OwnLayer | None:
    """A parsed GeoJSON (a FeatureCollection or a Feature, any geometry) as the user's own layer.

    Properties are kept as text (nested ones as JSON text); geojson.io's
    simplestyle and uMap's ``_umap_options`` give the style, and uMap's options
    are not kept as columns. An old-style ``crs`` member is honoured.
    """
    if not isinstance(payload, dict) or payload.get("type") not in ("FeatureCollection", "Feature"):
        out.add("-", "-", "not a GeoJSON FeatureCollection or Feature")
        return None
    features = _geojson_features(payload)
    if over_limit(len(features), max_rows, out):
        return OwnLayer(PurePosixPath(filename).stem, filename, (), len(features))
    transform = _crs_transform(crs_name(payload), out)
    if transform is False:
        return None
    stem = slug(PurePosixPath(filename).stem)
    kept = []
    for number, item in enumerate(features, start=1):
        record = f"#{number}"
        if not isinstance(item, dict):
            out.add(record, "-", "is not a GeoJSON Feature object; not drawn")
            continue
        given = item.get("properties")
        if given is not None and not isinstance(given, dict):
            out.add(record, "properties", "is not a JSON object; read as none")
        given = given if isinstance(given, dict) else {}
        properties = {str(k): as_text(v) for k, v in given.items() if k not in UMAP_OPTIONS}
        if item.get("id") is not None and "id" not in properties:
            properties["id"] = as_text(item["id"])
        geometry, problem = shape_of(item.get("geometry"), transform or None)
        if problem is not None:
            out.add(record, "geometry", f"{problem}; not drawn")
            continue
        kept.append(_feature(properties, geometry, f"{stem}-{number}", (), geojson_style(given)))
    name = payload.get("name") if isinstance(payload.get("name"), str) else None
    return OwnLayer(
        name or PurePosixPath(filename).stem, filename, sublayers_of(kept), len(features)
    )


# ------------------------------------------------------------------------ CSV


def _delimiter(header: str) -> str:
    """The delimiter a header line uses most (outside quotes): ``,``, ``;``, tab or ``|``."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lower = [h.strip().lower() for h in header]
    for name in names:
        if name in lower:
            return lower.index(name)
    return None


def csv_coordinates(header: list[str]) -> tuple[int | None, tuple[int, int] | None]:
    """Where a header's coordinates are: its WKT column, and its (latitude, longitude) columns."""
    lat, lon = _column(header, LATITUDE_COLUMNS), _column(header, LONGITUDE_COLUMNS)
    return _column(header, WKT_COLUMNS), (lat, lon) if lat is not None and lon is not None else None


def _csv_rows(text: str) -> tuple[list[str], Iterable[list[str]]]:
    """The header and a reader of the rows after it.

    Excel's ``sep=;`` first line, where there is one, says the delimiter (and
    is no row: Excel does not show it).
    """
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = _delimiter(first)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_CELL))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    return [h.lstrip("\ufeff") for h in header], reader


def csv_is_own_layer(raw: bytes) -> bool:
    """Whether a CSV is a table of located rows, not Briefmap's claims (which name ``places``)."""
    text = decode(raw, Collector("-"))
    if text is None:
        return False
    try:
        header, _ = _csv_rows(text)
    except csv.Error:
        return False
    if "places" in {h.strip().lower() for h in header}:
        return False
    return csv_coordinates(header) != (None, None)


def _coordinate(text: str, column: str, low: float, high: float) -> tuple[float | None, str | None]:
    written = text.strip()
    if not written:
        return None, "is empty"
    if _DECIMAL_COMMA.fullmatch(written):  # 36,52 as a spreadsheet set to a comma locale writes it
        written = written.replace(",", ".")
    try:
        number = float(written)
    except ValueError:
        return None, f"{short(text)} is not a number"
    if not math.isfinite(number):
        return None, f"{short(text)} is not a finite number"
    if not low <= number <= high:
        return None, f"{short(text)} is outside {low:g}..{high:g} for a {column}"
    return number, None


def read_own_csv(
    raw: bytes, filename: str, out: Collector, max_rows: int | None = None
) -> OwnLayer | None:
    """A CSV with coordinate columns (or WKT) as the user's own layer, in WGS 84.

    The delimiter is the header's (``,``, ``;``, tab or ``|``); latitude and
    longitude columns are found by :data:`LATITUDE_COLUMNS` and
    :data:`LONGITUDE_COLUMNS` in any case, a decimal comma is read; a filled
    WKT cell (:data:`WKT_COLUMNS`) is preferred to them. Rows are named by
    their row in a spreadsheet (the header is row 1); an empty row is none.
    """
    text = decode(raw, out)
    if text is None:
        return None
    try:
        header, reader = _csv_rows(text)
        numbered = [
            (number, cells)
            for number, cells in enumerate(reader, start=2)
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as exc:
        out.add("-", "-", f"not valid CSV: {exc}")
        return None
    wkt_at, lat_lon = csv_coordinates(header)
    if (wkt_at, lat_lon) == (None, None):
        out.add(
            "-",
            "-",
            "no coordinate columns: name them latitude and longitude (or lat/lon, y/x), "
            "or give WKT in a column named wkt or geometry",
        )
        return None
    if over_limit(len(numbered), max_rows, out):
        return OwnLayer(PurePosixPath(filename).stem, filename, (), len(numbered))
    names = _unique_columns(header)
    stem = slug(PurePosixPath(filename).stem)
    kept = []
    for number, cells in numbered:
        record = f"row {number}"
        properties = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)}
        if len(cells) > len(names):
            properties["(extra cells)"] = json.dumps(cells[len(names) :], ensure_ascii=False)
        if wkt_at is not None and (lat_lon is None or properties[names[wkt_at]].strip()):
            column = names[wkt_at]
            geometry, problem = _wkt(properties[column])
        else:
            lat_i, lon_i = lat_lon
            lat, lat_problem = _coordinate(properties[names[lat_i]], "latitude", -90, 90)
            lon, lon_problem = _coordinate(properties[names[lon_i]], "longitude", -180, 180)
            column, problem = (
                (names[lat_i], lat_problem) if lat_problem else (names[lon_i], lon_problem)
            )
            geometry = shapely.Point(lon, lat) if problem is None else None
        if problem is not None:
            out.add(record, column, f"{problem}; not drawn")
            continue
        kept.append(_feature(properties, geometry, f"{stem}-{number}", (), None))
    return OwnLayer(PurePosixPath(filename).stem, filename, sublayers_of(kept), len(numbered))


def _wkt(text: str) -> tuple[Any, str | None]:
    """WKT (or EWKT with ``SRID=4326;``) as a checked geometry, or ``None`` and why not."""
    written = text.strip()
    if not written:
        return None, "is empty"
    if written.upper().startswith("SRID="):
        srid, _, written = written.partition(";")
        if srid.strip().upper() != "SRID=4326":
            return None, f"{short(srid)} is not WGS 84 longitude and latitude (SRID=4326)"
    try:
        geometry = shapely.from_wkt(written)
    except (shapely.errors.ShapelyError, ValueError, TypeError) as exc:
        return None, f"is not well-known text (WKT): {short(str(exc), 100, quote=False)}"
    return checked_shape(geometry)


def _unique_columns(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(header, start=1):
        name = name.strip() or f"column {index}"
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name} ({n})", n + 1
        names.append(unique)
    return names


# ------------------------------------------------------------ within the budget


def _read_here(
    filename: str, raw: bytes, max_rows: int | None
) -> tuple[OwnLayer | None, list[ValidationIssue]]:
    """:func:`read_own_file`'s work, in the child process of a read."""
    out = Collector(filename)
    if PurePosixPath(filename.lower()).suffix == ".csv":
        return read_own_csv(raw, filename, out, max_rows), out.issues
    payload = parse_json(raw, out)
    layer = read_own_geojson(payload, filename, out, max_rows) if payload is not None else None
    return layer, out.issues


def read_own_file(
    filename: str, raw: bytes, out: Collector, max_rows: int | None = None
) -> OwnLayer | None:
    """A CSV (by its ``.csv`` suffix) or a GeoJSON as the user's own layer, read within the budget.

    Like a GIS file (:func:`briefmap.data.gis_files.read_gis`), in a child
    process stopped at Briefmap's limits of time and memory for one file; a
    read stopped is one issue on the file, naming the limit.
    """
    done = within_budget(_read_here, filename, raw, max_rows)
    if isinstance(done, Stopped):
        out.add("-", "-", done.reason)
        return None
    layer, issues = done
    for issue in issues:
        out.add(issue.record, issue.field, issue.message)
    return layer
