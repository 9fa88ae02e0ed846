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

Each file is read within a budget of time and memory, in a child process that
is stopped at the limit (:mod:`briefmap.data.budget`): a file made to read for
ever (a GeoPackage view without end) is one issue on the file, and the thread
that asked returns. A GeoPackage's views are read only when chosen. A text cell
that is not in the file's declared encoding is an issue on its record and
field; the rest of the file loads.
"""

from __future__ import annotations

import dataclasses
import io
import json
import sqlite3
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

import numpy
import pyogrio
import shapely
from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

from briefmap.data.archives import unpack
from briefmap.data.budget import read_reported, within_budget
from briefmap.data.convention import (
    PLACE_COLUMNS,
    cell,
    claim_rows,
    field_of,
    place_row,
    source_rows,
)
from briefmap.data.gdal_rows import (
    NOT_TEXT,
    quiet,
    read_frame,
    report_not_text,
    rows_of,
    text_cells,
)
from briefmap.data.kml_files import geojson, read_kml_document
from briefmap.data.own_files import (
    CONVENTION_MARKS,
    exported_as_own,
    exported_own_frame,
    exported_own_kml,
    follows_convention,
    own_frames,
    own_kml,
)
from briefmap.data.own_layer import OWN_LAYER_MARK, OwnLayer
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
from briefmap.data.validate import Collector, ValidationIssue, short

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
    GeoPackage Briefmap exported, else ``None``. ``own`` is the file read as the
    user's own layer when its rows are not in Briefmap's convention
    (:mod:`briefmap.data.own_files`); its places are then none.
    """

    places: dict[str, Any]
    claims: dict[str, Any] | None = None
    sources: dict[str, Any] | None = None
    meta: Any = None
    rows: int = 0
    own: OwnLayer | None = None


NO_PLACES: dict[str, Any] = {"type": "FeatureCollection", "features": []}


def _geometry(geometry: Any) -> dict[str, Any] | None:
    """A geometry as GeoJSON: 2-D, and a Multi- geometry of one part as that part."""
    if geometry is None or geometry.is_empty:
        return None
    geometry = shapely.force_2d(geometry)
    if geometry.geom_type.startswith("Multi") and len(geometry.geoms) == 1:
        geometry = geometry.geoms[0]
    if numpy.isfinite(shapely.get_coordinates(geometry)).all():
        return json.loads(shapely.to_geojson(geometry))
    # shapely.to_geojson writes inf and nan as null: the place check could then
    # only say "[None, 34.0]". mapping() keeps them, for it to name them not
    # finite (slower: only here); the JSON round trip makes its tuples lists.
    return json.loads(json.dumps(shapely.geometry.mapping(geometry)))


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


def _place_rows(
    rows: Iterable[tuple[dict[str, Any], dict[str, Any] | None]],
    stem: str,
    out: Collector,
    structure: tuple[str, ...] = (),
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The places payload and the claims its rows make, from (cells, GeoJSON geometry) in file order.

    A cell that is not text in the file's encoding is reported on its record
    and left out; the rest of the row is read. In a column outside the
    convention, which is not read anyway, it is a filled cell like any other:
    reported once for the column, not once a cell.
    """
    features, claims = [], []
    for number, (cells, geometry) in enumerate(rows, start=1):
        row, not_text = text_cells(cells)
        unread = [c for c in not_text if field_of(c) not in PLACE_COLUMNS]
        if unread:
            row = {**row, **dict.fromkeys(unread, NOT_TEXT)}
            not_text = {c: v for c, v in not_text.items() if c not in unread}
        if str(row.get(DRAWING_FIELD) or "").lower() in ("arrow", "own"):
            # Our own export's arrow (a drawing of claims) or the user's own layer
            # (their data, not sourced claims): not a place.
            continue
        feature, claim = place_row(row, geometry, number, stem, out, structure=structure)
        report_not_text(not_text, feature["properties"]["id"], out)
        features.append(feature)
        if claim is not None:
            claims.append(claim)
    return {"type": "FeatureCollection", "features": features}, claims


def _places(
    frame: Any, kind: str, stem: str, out: Collector
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The places payload and the claims the rows make, from one GDAL layer."""
    crs = _crs_member(frame, kind, out)
    if crs is False:
        return None, []
    geometries = frame.geometry if "geometry" in frame else [None] * len(frame)
    payload, claims = _place_rows(
        zip(rows_of(frame), (_geometry(g) for g in geometries), strict=True), stem, out
    )
    payload["crs"] = crs
    return payload, claims


def _count(raw: bytes, layers: list[Any]) -> int:
    return sum(
        max(0, quiet(pyogrio.read_info, raw, layer=layer, force_feature_count=True)["features"])
        for layer in layers
    )


def _over(rows: int, max_rows: int | None, out: Collector) -> bool:
    if max_rows is not None and rows > max_rows:
        out.add("-", "-", f"{rows:,} records is over the limit of {max_rows:,} per upload")
        return True
    return False


def _kml(raw: bytes, filename: str, out: Collector, max_rows: int | None) -> GisData | None:
    # Read in one pass by Briefmap's reader, not GDAL's (quadratic in folders,
    # and blind to <Data> beside a <Schema>): see briefmap.data.kml_files.
    document = read_kml_document(raw, out)
    if document is None:
        return None
    placemarks, stem = document.placemarks, PurePosixPath(filename).stem
    rows = len(placemarks)
    if _over(rows, max_rows, out):
        return GisData(places={"features": []}, rows=rows)
    theirs = [p for p in placemarks if not exported_as_own(p)]
    if theirs and not follows_convention(p.fields for p in theirs):
        return GisData(NO_PLACES, rows=rows, own=own_kml(document, filename, out))
    places, claims = _place_rows(
        ((p.fields, geojson(p.shape)) for p in placemarks), stem, out, KML_STRUCTURE
    )
    # Briefmap's own KMZ: the briefing's places, and beside them the user's own
    # layer it was exported with (its folder), read back as theirs again.
    own = exported_own_kml(document, filename, out)
    return GisData(places, {"claims": claims} if claims else None, rows=rows, own=own)


def _kmz(raw: bytes, filename: str, out: Collector, max_rows: int | None) -> GisData | None:
    members = unpack(raw, out, lambda name: name.lower().endswith(".kml"))
    if members is None:
        return None
    if not members:
        out.add("-", "-", "the KMZ holds no .kml file")
        return None
    # KMZ's rule: doc.kml at the top if there is one, else the first .kml.
    name = "doc.kml" if "doc.kml" in members else next(iter(members))
    return _kml(members[name], filename, out, max_rows)


def _shapefile(raw: bytes, filename: str, out: Collector, max_rows: int | None) -> GisData | None:
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
    frame = read_frame(packed)
    if len(frame) and not follows_convention(rows_of(frame)):
        own = own_frames([(PurePosixPath(base).name, frame)], filename, "zipped Shapefile", out)
        return GisData(NO_PLACES, rows=rows, own=own)
    places, claims = _places(frame, "zipped Shapefile", PurePosixPath(filename).stem, out)
    if places is None:
        return None
    return GisData(places, {"claims": claims} if claims else None, rows=rows)


@dataclass(frozen=True)
class GeoPackageLayers:
    """A GeoPackage's layers that can hold places: its tables first, then its views.

    A view is a query SQLite runs when it is read, and a query may run for
    ever: views are read only when chosen by name, never by default. ``own``:
    no table has a column of Briefmap's convention (``kind``, ``precision``),
    so the file is the user's own layer, every table of it by default.
    """

    tables: tuple[str, ...] = ()
    views: tuple[str, ...] = ()
    own: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every layer of places, the default (the first table) first."""
        return (*self.tables, *self.views)


def _views(raw: bytes) -> frozenset[str]:
    """The names of a GeoPackage's views (SQLite's own list of them), lower case."""
    data = bytearray(raw)
    if data[18:20] == b"\x02\x02":  # a write-ahead-log database: read as one without
        data[18:20] = b"\x01\x01"
    database = sqlite3.connect(":memory:")
    try:
        database.deserialize(bytes(data))
        rows = database.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall()
    except sqlite3.Error:
        return frozenset()  # GDAL says what is wrong with the file
    finally:
        database.close()
    return frozenset(str(name).lower() for (name,) in rows)


def _layers(raw: bytes) -> tuple[GeoPackageLayers, list[str]]:
    """A GeoPackage's layers of places, and the names of its other layers (tables of rows).

    Briefmap's own export (it has the ``briefmap`` table) also draws its claims
    as a layer: that one is read as claims, not places. In anybody else's
    GeoPackage a layer called "claims" is just a layer.
    """
    listed = [(str(name), kind) for name, kind in quiet(pyogrio.list_layers, raw)]
    ours = GPKG_META_TABLE in {name for name, _ in listed}
    # Briefmap's export also holds the user's own layer, their data: not places.
    spatial = [
        name
        for name, kind in listed
        if kind is not None and not (ours and name in (*GPKG_TABLES, OWN_LAYER_MARK))
    ]
    views = _views(raw)
    layers = GeoPackageLayers(
        tuple(n for n in spatial if n.lower() not in views),
        tuple(n for n in spatial if n.lower() in views),
    )
    return layers, [name for name, _ in listed if name not in spatial]


def _listed(raw: bytes) -> GeoPackageLayers | None:
    try:
        layers, names = _layers(raw)
        columns = (
            str(column)
            for table in layers.tables
            for column in quiet(pyogrio.read_info, raw, layer=table)["fields"]
        )
        ours = GPKG_META_TABLE in names or any(field_of(c) in CONVENTION_MARKS for c in columns)
        return dataclasses.replace(layers, own=not ours)
    except _GDAL_ERRORS:
        return None


def geopackage_layers(raw: bytes) -> GeoPackageLayers:
    """A GeoPackage's layers of places (none if it cannot be read), listed within the budget.

    Listing runs SQLite over the file's own tables, which may be views too: it
    runs in a child process like a read (:mod:`briefmap.data.budget`).
    """
    listed = within_budget(_listed, raw)
    return listed if isinstance(listed, GeoPackageLayers) else GeoPackageLayers()


def _table(raw: bytes, name: str, out: Collector, record: str = "#") -> list[dict[str, Any]]:
    """A table's rows; a cell that is not text is reported on ``record`` and its number."""
    rows = rows_of(read_frame(raw, layer=name, read_geometry=False))
    for number, row in enumerate(rows, start=1):
        text, not_text = text_cells(row)
        if not_text:
            rid = cell(text.get("id")) if record == "#" else None
            report_not_text(not_text, str(rid or f"{record}{number}"), out)
            row.update(text)
    return rows


def _geopackage(
    raw: bytes, filename: str, out: Collector, max_rows: int | None, layer: str | None
) -> GisData | None:
    layers, names = _layers(raw)
    # Briefmap's tables (claims, history, sources, briefmap) by name, unless the
    # name is a layer of places (somebody else's spatial "claims").
    if layer is not None and layer not in layers.names:
        out.add(
            "-",
            "layer",
            f"no layer of places named {short(layer)}; the GeoPackage has "
            f"{', '.join(short(s) for s in layers.names) or 'none'}",
        )
        return None
    if layer is None and not layers.tables:
        views = ", ".join(short(v) for v in layers.views)
        out.add(
            "-",
            "layer",
            "the GeoPackage has no table with geometries to read places from"
            + (f"; its views ({views}) are read only when chosen as the layer" if views else ""),
        )
        return None
    chosen = layer or layers.tables[0]
    tables = [t for t in (GPKG_CLAIMS, GPKG_HISTORY, GPKG_SOURCES, OWN_LAYER_MARK) if t in names]
    rows = _count(raw, [chosen, *tables])
    if _over(rows, max_rows, out):
        return GisData(places={"features": []}, rows=rows)
    frame = read_frame(raw, layer=chosen)
    if GPKG_META_TABLE not in names and len(frame) and not follows_convention(rows_of(frame)):
        return _own_geopackage(raw, filename, out, max_rows, [layer] if layer else layers.tables)
    places, row_claims = _places(frame, "GeoPackage", PurePosixPath(filename).stem, out)
    if places is None:
        return None
    claims = row_claims + claim_rows(
        _table(raw, GPKG_CLAIMS, out) if GPKG_CLAIMS in names else [],
        _table(raw, GPKG_HISTORY, out, "history #") if GPKG_HISTORY in names else [],
        out,
    )
    sources = source_rows(_table(raw, GPKG_SOURCES, out), out) if GPKG_SOURCES in names else None
    settings = (
        {cell(r.get("key")): cell(r.get("value")) for r in _table(raw, GPKG_META_TABLE, out)}
        if GPKG_META_TABLE in names
        else {}
    )
    meta = settings.get("meta")
    mine = OWN_LAYER_MARK in tables  # Briefmap's export: the user's own layer, theirs again
    own = exported_own_frame(read_frame(raw, layer=OWN_LAYER_MARK), filename, out) if mine else None
    claims_payload = {"claims": claims} if claims or GPKG_CLAIMS in names else None
    if claims_payload is not None and settings.get("as_of"):
        claims_payload["as_of"] = settings["as_of"]
    return GisData(
        places,
        claims_payload,
        {"sources": sources} if sources is not None else None,
        parse_json(meta.encode("utf-8"), out) if isinstance(meta, str) else None,
        rows=rows,
        own=own,
    )


def _own_geopackage(
    raw: bytes, filename: str, out: Collector, max_rows: int | None, chosen: Iterable[str]
) -> GisData:
    """Every chosen layer of somebody else's GeoPackage (each table by default) as the own layer."""
    chosen = list(chosen)
    rows = _count(raw, chosen)
    if _over(rows, max_rows, out):
        return GisData(places={"features": []}, rows=rows)
    frames = [(name, read_frame(raw, layer=name)) for name in chosen]
    return GisData(NO_PLACES, rows=rows, own=own_frames(frames, filename, "GeoPackage", out))


def _read_here(
    filename: str, raw: bytes, layer: str | None, max_rows: int | None
) -> tuple[GisData | None, list[ValidationIssue]]:
    """:func:`read_gis`'s work, in this process: what the child of a read runs."""
    out = Collector(filename)
    kind = gis_format(filename)
    readers = {"KML": _kml, "KMZ": _kmz, "zipped Shapefile": _shapefile}
    try:
        if kind == "GeoPackage":
            return _geopackage(raw, filename, out, max_rows, layer), out.issues
        if kind in readers:
            return readers[kind](raw, filename, out, max_rows), out.issues
    except _GDAL_ERRORS as exc:
        out.add("-", "-", f"not a readable {kind}: {short(str(exc), 200, quote=False)}")
        return None, out.issues
    out.add("-", "-", f"not a GIS file; Briefmap reads {', '.join(sorted(GIS_FORMATS))}")
    return None, out.issues


def read_gis(
    filename: str,
    raw: bytes,
    out: Collector,
    *,
    layer: str | None = None,
    max_rows: int | None = None,
) -> GisData | None:
    """A KML, KMZ, GeoPackage or zipped Shapefile as the payloads of Briefmap's files.

    The file is read in a child process within Briefmap's budget of time and
    memory (:mod:`briefmap.data.budget`): at a limit the read is abandoned,
    and the limit named, as one issue on the file.

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
        A GeoPackage's layer of places, by name (a view only so); its first
        table by default.
    max_rows
        Most rows the file may hold (all its layers and tables); ``None``: no limit.

    Returns
    -------
    GisData | None
        The payloads; ``None`` when the file could not be read at all, or not
        within the budget (reported). A file over ``max_rows`` gives empty
        places and its row count.
    """
    # A file of no GIS format is only told so, by the formats' names: nothing to budget.
    budget = gis_format(filename) is not None
    return read_reported(_read_here, out, filename, raw, layer, max_rows, budget=budget)
