"""GIS files in: KML, KMZ, GeoPackage and zipped Shapefiles.

GeoPackages and Shapefiles are read by GDAL (pyogrio), KML by Briefmap's own
reader in one pass (:mod:`briefmap.data.kml_files`). Every format is read from
memory (pyogrio hands bytes to GDAL as an in-memory file): nothing is written
to disk. Archives are opened by
:mod:`briefmap.data.archives` first, so GDAL only ever sees members whose names
and unpacked sizes were checked. Rows become records by the field convention
(:mod:`briefmap.data.convention`), then the one validator checks them like any
other file's. A file GDAL cannot read, a layer that is not there, a missing
coordinate reference system or too many records is one issue on the file.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from briefmap.data.archives import unpack
from briefmap.data.convention import cell, claim_rows, place_row, source_rows
from briefmap.data.kml_files import geojson, read_kml
from briefmap.data.readers import parse_json
from briefmap.data.schema import (
    DRAWING_FIELD,
    GPKG_CLAIMS,
    GPKG_HISTORY,
    GPKG_META_TABLE,
    GPKG_SOURCES,
    GPKG_TABLES,
    KML_STRUCTURE,
)
from briefmap.data.validate import Collector, short

# Suffix to format; a .zip is a zipped Shapefile.
GIS_FORMATS = {
    ".kml": "KML",
    ".kmz": "KMZ",
    ".gpkg": "GeoPackage",
    ".zip": "zipped Shapefile",
}
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# What GDAL raises for a file or layer it cannot read (pyogrio's errors are
# RuntimeErrors; a corrupt file can surface as any of these).
_GDAL_ERRORS = (
    DataSourceError,
    DataLayerError,
    FieldError,
    GeometryError,
    RuntimeError,
    ValueError,
    OSError,
)


def gis_format(filename: str) -> str | None:
    """The GIS format a file name says (``"KML"``, ``"GeoPackage"``...), or ``None``."""
    return GIS_FORMATS.get(PurePosixPath(filename.lower()).suffix)


@dataclass(frozen=True)
class GisData:
    """A GIS file's rows as the JSON files' payloads, ready for the validator.

    ``claims`` and ``sources`` are ``None`` when the file holds none (another
    file may then give them); ``meta`` is ``briefmap.json``'s content from a
    GeoPackage Briefmap exported, else ``None``.
    """

    places: dict[str, Any]
    claims: dict[str, Any] | None = None
    sources: dict[str, Any] | None = None
    meta: Any = None
    rows: int = 0


def _quiet(call: Any, *args: Any, **kwargs: Any) -> Any:
    # GDAL warns about in-memory files' names (no .gpkg suffix): not the user's concern.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def _geometry(geometry: Any) -> dict[str, Any] | None:
    """A geometry as GeoJSON: 2-D, and a Multi- geometry of one part as that part."""
    if geometry is None or geometry.is_empty:
        return None
    geometry = shapely.force_2d(geometry)
    if geometry.geom_type.startswith("Multi") and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    return json.loads(shapely.to_geojson(geometry))


def _missing_crs(kind: str, out: Collector) -> None:
    hint = " (its .prj file)" if kind == "zipped Shapefile" else ""
    out.add(
        "-",
        "crs",
        f"the {kind} has no coordinate reference system{hint}; Briefmap does not "
        "guess one: no place was loaded",
    )


def _crs_member(frame: Any, kind: str, out: Collector) -> dict[str, Any] | bool:
    """The places payload's ``crs`` member; ``False`` (reported) when the file has none."""
    if frame.crs is None:
        _missing_crs(kind, out)
        return False
    return {"type": "name", "properties": {"name": frame.crs.to_string()}}


def _rows_of(frame: Any) -> list[dict[str, Any]]:
    columns = [c for c in frame.columns if c != "geometry"]
    return frame[columns].to_dict("records")


def _places(
    frames: list[Any], kind: str, stem: str, out: Collector, structure: tuple[str, ...] = ()
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The places payload and the claims the rows make, from one or more layers."""
    crs: Any = None
    features, claims = [], []
    number = 0
    for frame in frames:
        crs = _crs_member(frame, kind, out)
        if crs is False:
            return None, []
        geometries = frame.geometry if "geometry" in frame else [None] * len(frame)
        for row, geometry in zip(_rows_of(frame), geometries, strict=True):
            number += 1
            if str(row.get(DRAWING_FIELD) or "").lower() == "arrow":
                continue  # our own export's arrow: a drawing of claims, not a place
            feature, claim = place_row(
                row, _geometry(geometry), number, stem, out, structure=structure
            )
            features.append(feature)
            if claim is not None:
                claims.append(claim)
    payload: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs is not None:
        payload["crs"] = crs
    return payload, claims


def _count(raw: bytes, layers: list[Any]) -> int:
    return sum(
        max(0, _quiet(pyogrio.read_info, raw, layer=layer, force_feature_count=True)["features"])
        for layer in layers
    )


def _over(rows: int, max_rows: int | None, out: Collector) -> bool:
    if max_rows is not None and rows > max_rows:
        out.add("-", "-", f"{rows:,} records is over the limit of {max_rows:,} per upload")
        return True
    return False


def _kml(raw: bytes, stem: str, out: Collector, max_rows: int | None) -> GisData | None:
    # Read in one pass by Briefmap's reader, not GDAL's (quadratic in folders,
    # and blind to <Data> beside a <Schema>): see briefmap.data.kml_files.
    placemarks = read_kml(raw, out)
    if placemarks is None:
        return None
    rows = len(placemarks)
    if _over(rows, max_rows, out):
        return GisData(places={"features": []}, rows=rows)
    features, claims = [], []
    for number, placemark in enumerate(placemarks, start=1):
        row = placemark.fields
        if str(row.get(DRAWING_FIELD) or "").lower() == "arrow":
            continue  # our own export's arrow: a drawing of claims, not a place
        feature, claim = place_row(
            row, geojson(placemark.shape), number, stem, out, structure=KML_STRUCTURE
        )
        features.append(feature)
        if claim is not None:
            claims.append(claim)
    places = {"type": "FeatureCollection", "features": features}
    return GisData(places, {"claims": claims} if claims else None, rows=rows)


def _kmz(raw: bytes, stem: str, out: Collector, max_rows: int | None) -> GisData | None:
    members = unpack(raw, out, lambda name: name.lower().endswith(".kml"))
    if members is None:
        return None
    if not members:
        out.add("-", "-", "the KMZ holds no .kml file")
        return None
    # KMZ's rule: doc.kml at the top if there is one, else the first .kml.
    name = "doc.kml" if "doc.kml" in members else next(iter(members))
    return _kml(members[name], stem, out, max_rows)


def _shapefile(raw: bytes, stem: str, out: Collector, max_rows: int | None) -> GisData | None:
    members = unpack(raw, out, lambda name: name.lower().endswith(SHAPEFILE_PARTS))
    if members is None:
        return None
    shapes = [n for n in members if n.lower().endswith(".shp")]
    if len(shapes) != 1:
        found = ", ".join(short(s) for s in shapes[:5]) if shapes else "none"
        out.add("-", "-", f"a zipped Shapefile holds one .shp file; found {found}")
        return None
    base = shapes[0][:-4]
    parts = {n[len(base) :].lower(): data for n, data in members.items() if n[:-4] == base}
    missing = [p for p in (".shx", ".dbf") if p not in parts]
    if missing:
        out.add("-", "-", f"the Shapefile lacks its {' and '.join(missing)} file")
        return None
    if ".prj" not in parts:
        _missing_crs("zipped Shapefile", out)
        return None
    # GDAL reads a fresh archive of exactly the checked members, under plain names.
    fresh = io.BytesIO()
    with zipfile.ZipFile(fresh, "w", zipfile.ZIP_STORED) as archive:
        for suffix, data in parts.items():
            archive.writestr(f"layer{suffix}", data)
    packed = fresh.getvalue()
    rows = _count(packed, [0])
    if _over(rows, max_rows, out):
        return GisData(places={"features": []}, rows=rows)
    places, claims = _places(
        [_quiet(pyogrio.read_dataframe, packed)], "zipped Shapefile", stem, out
    )
    if places is None:
        return None
    return GisData(places, {"claims": claims} if claims else None, rows=rows)


def geopackage_layers(raw: bytes) -> list[str]:
    """A GeoPackage's layers that can hold places (spatial, not Briefmap's claims); [] if unreadable.

    Briefmap's own export (it has the ``briefmap`` table) also draws its claims
    as a layer: that one is read as claims, not places. In anybody else's
    GeoPackage a layer called "claims" is just a layer.
    """
    try:
        listed = _quiet(pyogrio.list_layers, raw)
    except _GDAL_ERRORS:
        return []
    ours = GPKG_META_TABLE in {str(name) for name, _ in listed}
    return [
        str(name)
        for name, kind in listed
        if kind is not None and not (ours and name in GPKG_TABLES)
    ]


def _table(raw: bytes, name: str) -> list[dict[str, Any]]:
    return _rows_of(_quiet(pyogrio.read_dataframe, raw, layer=name, read_geometry=False))


def _geopackage(
    raw: bytes, stem: str, out: Collector, max_rows: int | None, layer: str | None
) -> GisData | None:
    spatial = geopackage_layers(raw)
    # Briefmap's tables (claims, history, sources, briefmap) by name, unless the
    # name is a layer of places (somebody else's spatial "claims").
    names = [str(n) for n in _quiet(pyogrio.list_layers, raw)[:, 0] if str(n) not in spatial]
    if layer is not None and layer not in spatial:
        out.add(
            "-",
            "layer",
            f"no layer of places named {short(layer)}; the GeoPackage has "
            f"{', '.join(short(s) for s in spatial) or 'none'}",
        )
        return None
    if not spatial:
        out.add("-", "layer", "the GeoPackage has no layer with geometries to read places from")
        return None
    chosen = layer or spatial[0]
    tables = [t for t in (GPKG_CLAIMS, GPKG_HISTORY, GPKG_SOURCES) if t in names]
    rows = _count(raw, [chosen, *tables])
    if _over(rows, max_rows, out):
        return GisData(places={"features": []}, rows=rows)
    places, row_claims = _places(
        [_quiet(pyogrio.read_dataframe, raw, layer=chosen)], "GeoPackage", stem, out
    )
    if places is None:
        return None
    claims = row_claims + claim_rows(
        _table(raw, GPKG_CLAIMS) if GPKG_CLAIMS in names else [],
        _table(raw, GPKG_HISTORY) if GPKG_HISTORY in names else [],
        out,
    )
    sources = source_rows(_table(raw, GPKG_SOURCES), out) if GPKG_SOURCES in names else None
    settings = (
        {cell(r.get("key")): cell(r.get("value")) for r in _table(raw, GPKG_META_TABLE)}
        if GPKG_META_TABLE in names
        else {}
    )
    meta = settings.get("meta")
    claims_payload = {"claims": claims} if claims or GPKG_CLAIMS in names else None
    if claims_payload is not None and settings.get("as_of"):
        claims_payload["as_of"] = settings["as_of"]
    return GisData(
        places,
        claims_payload,
        {"sources": sources} if sources is not None else None,
        parse_json(meta.encode("utf-8"), out) if isinstance(meta, str) else None,
        rows=rows,
    )


def read_gis(
    filename: str,
    raw: bytes,
    out: Collector,
    *,
    layer: str | None = None,
    max_rows: int | None = None,
) -> GisData | None:
    """A KML, KMZ, GeoPackage or zipped Shapefile as the payloads of Briefmap's files.

    Parameters
    ----------
    filename
        The file's name: its suffix says the format (:data:`GIS_FORMATS`), its
        stem names rows without an ``id``.
    raw
        The file's bytes.
    out
        Where problems with the file, and columns outside the convention, are reported.
    layer
        A GeoPackage's layer of places, by name; the first spatial one by default.
    max_rows
        Most rows the file may hold (all its layers and tables); ``None``: no limit.

    Returns
    -------
    GisData | None
        The payloads; ``None`` when the file could not be read at all (reported).
        A file over ``max_rows`` gives empty places and its row count.
    """
    kind = gis_format(filename)
    stem = PurePosixPath(filename).stem
    readers = {"KML": _kml, "KMZ": _kmz, "zipped Shapefile": _shapefile}
    try:
        if kind == "GeoPackage":
            return _geopackage(raw, stem, out, max_rows, layer)
        if kind in readers:
            return readers[kind](raw, stem, out, max_rows)
    except _GDAL_ERRORS as exc:
        out.add("-", "-", f"not a readable {kind}: {short(str(exc), 200, quote=False)}")
        return None
    out.add("-", "-", f"not a GIS file; Briefmap reads {', '.join(sorted(GIS_FORMATS))}")
    return None
