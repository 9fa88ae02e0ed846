"""The user's own layer in exports: apart from the briefing's claims and named as the user's.

- :func:`own_geojson`: every own layer as one GeoJSON FeatureCollection named
  "your data — not sourced claims", each feature with its original columns and
  its folder. Uploaded again, it is read as the user's own layer again (it has
  none of Briefmap's fields), never as claims.
- :func:`own_kml_folder`: the same as a KML folder of that name, which
  :func:`briefmap.drawing.gis_exports.kmz` puts beside the map's layers.
- :func:`own_frame`: the same as a table, which
  :func:`briefmap.drawing.gis_exports.geopackage` writes as a layer of that name.

Read back by Briefmap, the KMZ's folder and the GeoPackage's layer are the
user's own layer again (:mod:`briefmap.data.own_files`), never places or claims.

The offline HTML map and its PNG draw the own layer as the app does
(:func:`briefmap.drawing.html_export.standalone_html`, ``own_layers``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from briefmap.data.own_layer import (
    FILE_COLUMN,
    FOLDER_COLUMN,
    LINKS_COLUMN,
    OWN_DRAWING,
    OWN_LAYER_MARK,
    RENAMED_PREFIX,
    OwnLayer,
)
from briefmap.data.schema import DRAWING_FIELD
from briefmap.safe import markup_free_text


def own_geojson(layers: Sequence[OwnLayer]) -> str:
    """The user's own layers as one GeoJSON FeatureCollection named :data:`OWN_LAYER_MARK`.

    Parameters
    ----------
    layers
        The own layers on screen.

    Returns
    -------
    str
        A FeatureCollection: every feature with its geometry (WGS 84) and its
        original columns as text, plus its folder and file (under
        :data:`FOLDER_COLUMN` and :data:`FILE_COLUMN`, unless the file has
        columns of those names already).
    """
    features = []
    for layer in layers:
        for feature in layer.features:
            properties = dict(feature.properties)
            properties.setdefault("name", feature.name)
            properties.setdefault(FOLDER_COLUMN, " / ".join(feature.folder))
            properties.setdefault(FILE_COLUMN, layer.source_file)
            features.append(
                {"type": "Feature", "geometry": mapping(feature.geometry), "properties": properties}
            )
    return json.dumps(
        {"type": "FeatureCollection", "name": OWN_LAYER_MARK, "features": features},
        ensure_ascii=False,
    )


# ------------------------------------------------------------------ KML


def _coordinates(positions: Any) -> str:
    return " ".join(f"{x!r},{y!r}" for x, y, *_ in positions)


def _kml_geometry(parent: ET.Element, geometry: Any) -> None:
    """Any shapely geometry as KML: multi-geometries and collections as ``MultiGeometry``."""
    kind = geometry.geom_type
    if kind in ("MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"):
        parts = ET.SubElement(parent, "MultiGeometry")
        for part in geometry.geoms:
            _kml_geometry(parts, part)
    elif kind == "Point":
        ET.SubElement(ET.SubElement(parent, "Point"), "coordinates").text = _coordinates(
            geometry.coords
        )
    elif kind in ("LineString", "LinearRing"):
        ET.SubElement(ET.SubElement(parent, "LineString"), "coordinates").text = _coordinates(
            geometry.coords
        )
    elif kind == "Polygon":
        polygon = ET.SubElement(parent, "Polygon")
        rings = [("outerBoundaryIs", geometry.exterior)] + [
            ("innerBoundaryIs", ring) for ring in geometry.interiors
        ]
        for tag, ring in rings:
            ring_element = ET.SubElement(ET.SubElement(polygon, tag), "LinearRing")
            ET.SubElement(ring_element, "coordinates").text = _coordinates(ring.coords)


def own_kml_folder(layers: Sequence[OwnLayer]) -> ET.Element:
    """The user's own layers as one KML ``Folder`` named :data:`OWN_LAYER_MARK`.

    A folder per layer, and in it one per KML folder or GeoPackage layer; a
    placemark per feature with its name, its description as text and its
    columns as extended data, every text escaped (Google Earth's balloon is
    HTML), and :data:`~briefmap.data.schema.DRAWING_FIELD` ``own``: read back
    by Briefmap, it is the user's own layer again
    (:func:`briefmap.data.own_files.exported_own_kml`), never a place or a claim.
    """
    folder = ET.Element("Folder")
    ET.SubElement(folder, "name").text = OWN_LAYER_MARK
    for layer in layers:
        mine = ET.SubElement(folder, "Folder")
        ET.SubElement(mine, "name").text = markup_free_text(layer.name)
        # A folder per KML folder, nested as in the file (so read back, each
        # feature is in the folders it was in): by path, each made once.
        folders: dict[tuple[str, ...], ET.Element] = {(): mine}
        for sublayer in layer.sublayers:
            for depth in range(1, len(sublayer.path) + 1):
                path = sublayer.path[:depth]
                if path not in folders:
                    folders[path] = ET.SubElement(folders[path[:-1]], "Folder")
                    ET.SubElement(folders[path], "name").text = markup_free_text(path[-1])
            into = folders[sublayer.path]
            for feature in sublayer.features:
                mark = ET.SubElement(into, "Placemark")
                ET.SubElement(mark, "name").text = markup_free_text(feature.name)
                ET.SubElement(mark, "description").text = markup_free_text(
                    "\n".join([OWN_LAYER_MARK, feature.description_text, *feature.links])
                )
                data = ET.SubElement(mark, "ExtendedData")
                for name, value in (*feature.properties.items(), (DRAWING_FIELD, OWN_DRAWING)):
                    if name.lower() in ("name", "description") or (
                        name == DRAWING_FIELD and value != OWN_DRAWING
                    ):
                        continue
                    element = ET.SubElement(data, "Data", name=markup_free_text(name))
                    ET.SubElement(element, "value").text = markup_free_text(value)
                _kml_geometry(mark, feature.geometry)
    return folder


# ------------------------------------------------------------- GeoPackage

# Column names GDAL keeps for itself in a GeoPackage layer: a file's column of
# such a name is written under a prefix (RENAMED_PREFIX; read back without it).
_RESERVED_COLUMNS = frozenset({"fid", "geom", "geometry"})


def own_frame(layers: Sequence[OwnLayer]) -> gpd.GeoDataFrame | None:
    """The user's own layers as one table for a GeoPackage layer named :data:`OWN_LAYER_MARK`.

    Every original column as text (empty where a feature has none), its name,
    description text and links, its folder and file, and
    :data:`~briefmap.data.schema.DRAWING_FIELD` ``own``; ``None`` without a feature.
    SQLite's column names ignore case: of two columns alike but for case, the
    first is kept.
    """
    rows: list[dict[str, str]] = []
    geometries = []
    for layer in layers:
        for feature in layer.features:
            row = {
                DRAWING_FIELD: OWN_DRAWING,
                "name": feature.name,
                "description": feature.description_text,
                LINKS_COLUMN: " ".join(feature.links),
                FOLDER_COLUMN: " / ".join(feature.folder),
                FILE_COLUMN: layer.source_file,
            }
            taken = {key.lower() for key in row}
            for key, value in feature.properties.items():
                column = f"{RENAMED_PREFIX}{key}" if key.lower() in _RESERVED_COLUMNS else key
                if column.lower() not in taken:
                    taken.add(column.lower())
                    row[column] = value
            rows.append(row)
            geometries.append(feature.geometry)
    if not rows:
        return None
    columns = list(dict.fromkeys(key for row in rows for key in row))
    frame = pd.DataFrame([{c: row.get(c, "") for c in columns} for row in rows], dtype=str)
    return gpd.GeoDataFrame(frame, geometry=geometries, crs="EPSG:4326")
