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
are read here (:func:`read_own_file`; CSV by :mod:`briefmap.data.own_csv`), in
the budget's child process too: a description's HTML is parsed by the standard
library's ``html.parser``, which some markup makes slow. Each record's cells,
style and geometry are read by :mod:`briefmap.data.own_records`.
"""

from __future__ import annotations

import dataclasses
import html
import math
import re
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath
from typing import Any

from briefmap.data.budget import read_reported
from briefmap.data.convention import field_of, slug
from briefmap.data.gdal_rows import report_not_text, text_cells
from briefmap.data.kml_files import KmlDocument, Placemark, geojson
from briefmap.data.own_csv import read_own_csv
from briefmap.data.own_layer import (
    FILE_COLUMN,
    FOLDER_COLUMN,
    LINKS_COLUMN,
    OWN_DRAWING,
    OWN_LAYER_MARK,
    RENAMED_PREFIX,
    OwnFeature,
    OwnLayer,
    sublayers_of,
)
from briefmap.data.own_records import (
    UMAP_OPTIONS,
    as_text,
    checked_shape,
    crs_transform,
    geojson_style,
    kml_style,
    over_limit,
    own_feature,
    shape_of,
)
from briefmap.data.projection import crs_name
from briefmap.data.readers import parse_json
from briefmap.data.schema import DRAWING_FIELD, PlaceKind, Precision
from briefmap.data.validate import Collector, ValidationIssue, short

# Columns that make a row one of Briefmap's own places (its field convention).
CONVENTION_MARKS = frozenset({"kind", "precision"})
# The values they take there: a row that names one is Briefmap's, whatever else it fills.
_CONVENTION_VALUES = {
    "kind": frozenset(k.value for k in PlaceKind),
    "precision": frozenset(p.value for p in Precision),
}


# --------------------------------------------------------------- the convention


def _filled(value: Any) -> bool:
    return (
        value is not None
        and not (isinstance(value, float) and math.isnan(value))
        and bool(str(value).strip())
    )


def follows_convention(rows: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any row is one of Briefmap's own places rather than a feature of somebody's map.

    A row is when it fills both ``kind`` and ``precision`` (every place of ours
    has both, so a typo in one still gets its located error), or either with
    one of the convention's values. Another tool's file may well have a ``kind``
    of its own ("cafe", "checkpoint"): alone, that does not make it ours.
    """
    for row in rows:
        marks = {
            field_of(column): value
            for column, value in row.items()
            if isinstance(column, str) and field_of(column) in CONVENTION_MARKS and _filled(value)
        }
        if len(marks) == len(CONVENTION_MARKS) or any(
            str(value).strip().lower() in _CONVENTION_VALUES[mark] for mark, value in marks.items()
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


# A kind of Briefmap's own, as JSON writes it: found in the raw bytes without parsing.
_OUR_KIND = re.compile(
    rb'"kind"\s*:\s*"(?:' + b"|".join(re.escape(k.value.encode()) for k in PlaceKind) + rb')"'
)


def may_be_own_geojson(raw: bytes) -> bool:
    """Whether a JSON file may be somebody else's GeoJSON, judged without parsing it.

    A bundle names ``briefmap``, and Briefmap's places a ``kind`` of its own: a
    file with either is read as Briefmap's, once, not parsed twice to decide.
    Any other is parsed and judged by its rows (:func:`geojson_is_own_layer`).
    """
    return b'"briefmap"' not in raw and _OUR_KIND.search(raw) is None


def _geojson_features(payload: dict[str, Any]) -> list[Any]:
    if payload.get("type") == "Feature":
        return [payload]
    features = payload.get("features")
    return (
        features
        if payload.get("type") == "FeatureCollection" and isinstance(features, list)
        else []
    )


# ---------------------------------------------------------------- the builders


def own_kml(document: KmlDocument, filename: str, out: Collector) -> OwnLayer:
    """A KML document's placemarks as the user's own layer, one part per folder."""
    stem = slug(PurePosixPath(filename).stem)
    features = []
    for number, mark in enumerate(document.placemarks, start=1):
        mark = _as_written(mark) if exported_as_own(mark) else mark
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
        features.append(own_feature(properties, geometry, f"{stem}-{number}", mark.folders, style))
    name = document.name.strip() or PurePosixPath(filename).stem
    return OwnLayer(name, filename, sublayers_of(features), len(document.placemarks))


def exported_as_own(placemark: Placemark) -> bool:
    """Whether a placemark is the own layer's in Briefmap's own KMZ (``briefmap_drawing`` ``own``)."""
    return (placemark.fields.get(DRAWING_FIELD) or "").strip().lower() == OWN_DRAWING


def _as_written(placemark: Placemark) -> Placemark:
    """An exported own placemark as the user's file had it (:func:`own_kml_folder`'s inverse).

    The export escaped every text for Google Earth's HTML balloon, put the
    layer's mark before the description and :data:`DRAWING_FIELD` among the
    columns, and the features in a folder named :data:`OWN_LAYER_MARK`: each
    is undone, so a KMZ read back shows the same names, columns and folders.
    """
    fields = {
        name: html.unescape(value) if value is not None else None
        for name, value in placemark.fields.items()
        if name != DRAWING_FIELD
    }
    description = fields.get("description") or ""
    if description.startswith(OWN_LAYER_MARK):
        fields["description"] = description[len(OWN_LAYER_MARK) :].lstrip("\n")
    folders = tuple(html.unescape(f) for f in placemark.folders)
    if OWN_LAYER_MARK in folders:
        folders = folders[folders.index(OWN_LAYER_MARK) + 1 :]
    return dataclasses.replace(placemark, fields=fields, folders=folders)


def exported_own_kml(document: KmlDocument, filename: str, out: Collector) -> OwnLayer | None:
    """The own layer a Briefmap KMZ carries beside its places, read back; ``None`` if none.

    Its placemarks are :func:`exported_as_own`; read as the user's own layer
    again (:func:`own_kml`), named for the file they came from when they all
    came from one (the folder under :data:`OWN_LAYER_MARK`), never as places.
    """
    marks = [_as_written(p) for p in document.placemarks if exported_as_own(p)]
    if not marks:
        return None
    layers = {p.folders[0] if p.folders else "" for p in marks}
    name = document.name
    if len(layers) == 1 and "" not in layers:  # one file's layer: its folders below
        (name,) = layers
        marks = [dataclasses.replace(p, folders=p.folders[1:]) for p in marks]
    return own_kml(dataclasses.replace(document, name=name, placemarks=marks), filename, out)


def exported_own_frame(frame: Any, filename: str, out: Collector) -> OwnLayer | None:
    """The own layer a Briefmap GeoPackage carries (its layer :data:`OWN_LAYER_MARK`), read back.

    :func:`briefmap.drawing.own_exports.own_frame`'s inverse: each row of
    ``briefmap_drawing`` ``own`` a feature again, in its folder, with its
    columns (the export's own columns taken off, a renamed one named back) and
    its description's text and links; named for the file the rows came from
    when they all came from one. ``None`` when no row is one.
    """
    columns = [c for c in frame.columns if c != frame.geometry.name]
    features: list[OwnFeature] = []
    files: set[str] = set()
    records = 0
    stem = slug(PurePosixPath(filename).stem)
    rows = zip(frame[columns].to_dict("records"), frame.geometry, strict=True)
    for number, (row, geometry) in enumerate(rows, start=1):
        row, not_text = text_cells(row)
        cells = {str(c): as_text(v) for c, v in row.items()}
        if cells.get(DRAWING_FIELD, "").strip().lower() != OWN_DRAWING:
            continue
        records += 1
        report_not_text(not_text, f"{OWN_LAYER_MARK} #{number}", out)
        shape, problem = checked_shape(geometry)
        if problem is not None:
            out.add(f"{OWN_LAYER_MARK} #{number}", "geometry", f"{problem}; not drawn")
            continue
        files.add(cells.get(FILE_COLUMN, ""))
        folder = tuple(p for p in cells.get(FOLDER_COLUMN, "").split(" / ") if p)
        links = cells.get(LINKS_COLUMN, "").split()
        properties = {
            (key[len(RENAMED_PREFIX) :] if key.startswith(RENAMED_PREFIX) else key): value
            for key, value in cells.items()
            # An empty cell is a column the feature did not have: a table has
            # every feature's columns, the export wrote "" where one had none.
            if value and key not in (DRAWING_FIELD, FILE_COLUMN, FOLDER_COLUMN, LINKS_COLUMN)
        }
        if links:  # the description's links, as the KMZ writes them: after its text
            properties["description"] = "\n".join([properties.get("description", ""), *links])
        features.append(own_feature(properties, shape, f"{stem}-{number}", folder, None))
    if not records:
        return None
    (source,) = files if len(files) == 1 else ("",)
    name = PurePosixPath(source).stem or PurePosixPath(filename).stem
    return OwnLayer(name, filename, sublayers_of(features), records)


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
            features.append(own_feature(properties, shape, fid, path, None))
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
    transform = crs_transform(crs_name(payload), out)
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
        kept.append(own_feature(properties, geometry, f"{stem}-{number}", (), geojson_style(given)))
    name = payload.get("name") if isinstance(payload.get("name"), str) else None
    return OwnLayer(
        name or PurePosixPath(filename).stem, filename, sublayers_of(kept), len(features)
    )


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
    return read_reported(_read_here, out, filename, raw, max_rows)
