"""Bring-your-own data: files a user uploads, through the same validator as geodata/.

Uploads are untrusted. They are parsed from memory (nothing is written to disk),
size-limited before parsing (archives by what they unpack to, too), validated with the same checks and messages as
the repository's data, and kept apart from it: the app shows them as their own
layer, in the uploading session only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

from briefmap.data.gis_files import GIS_FORMATS, GisData, gis_format, read_gis
from briefmap.data.loader import LoadResult, assemble
from briefmap.data.own_csv import csv_is_own_layer
from briefmap.data.own_files import geojson_is_own_layer, may_be_own_geojson, read_own_file
from briefmap.data.own_layer import OwnLayer, describe_own_layer
from briefmap.data.readers import parse_claims_csv, parse_json
from briefmap.data.schema import (
    CLAIMS_CSV,
    CLAIMS_FILE,
    META_FILE,
    PLACES_FILE,
    SOURCES_FILE,
    Catalog,
)
from briefmap.data.validate import Collector, ValidationIssue
from briefmap.data.wording import counted

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FEATURES = 50_000
UPLOAD_NAMES = (PLACES_FILE, CLAIMS_FILE, CLAIMS_CSV, SOURCES_FILE, META_FILE)
# The name of an upload without a base whose files are named by their kind, for
# its title when it has no briefmap.json (a GIS file's own name serves instead).
UPLOAD_NAME = "uploaded data"


def _too_big(name: str, raw: bytes, out: Collector) -> bool:
    if len(raw) > MAX_UPLOAD_BYTES:
        out.add(
            "-",
            "-",
            f"{len(raw) / 1e6:.1f} MB is over the {MAX_UPLOAD_BYTES // (1024 * 1024)} MB limit "
            "for one upload; split the file or load it as a data directory (BRIEFMAP_DATA)",
        )
        return True
    return False


def _count(payload: Any, key: str) -> int:
    return (
        len(payload.get(key, []))
        if isinstance(payload, dict) and isinstance(payload.get(key), list)
        else 0
    )


def load_upload(
    files: dict[str, bytes], base: Catalog | None = None, layer: str | None = None
) -> LoadResult:
    """Validate uploaded files.

    Parameters
    ----------
    files
        File contents by name: ``places.geojson``, ``claims.json`` or ``claims.csv``,
        and optionally ``sources.json``. A missing places or sources file means
        "none of my own"; claims may then cite the ``base`` data's. A
        ``briefmap.json`` (title, region, actors) is read only without a ``base``;
        without a ``base`` or that file, they come from the upload itself (the
        GIS file's name or :data:`UPLOAD_NAME`, its places' bounds, the ids its
        claims use: :func:`briefmap.data.meta.derived_meta`).
        One GIS file (KML, KMZ, GeoPackage, zipped Shapefile) under its own
        name gives the places, and the claims and sources it holds, in place
        of those files (:mod:`briefmap.data.gis_files`).
    base
        The trusted catalog uploaded claims may refer to; its region and actors
        are the upload's (its claims' actors must be among them).
    layer
        The GeoPackage's layer of places, by name; its first by default.

    Returns
    -------
    LoadResult
        The upload's own valid records, the base places and sources its claims
        use, and every issue, named by file, record and field.
    """
    issues: list[ValidationIssue] = []
    refused: dict[str, int] = {}  # records in files refused for their count: all left out
    gis_names = [name for name in files if gis_format(name)]
    unknown = sorted(set(files) - set(UPLOAD_NAMES) - set(gis_names))
    if unknown:
        out = Collector(", ".join(unknown))
        out.add("-", "-", f"not a Briefmap file; upload {', '.join(UPLOAD_NAMES)} or {GIS_TYPES}")
        issues += out.issues
    gis = _gis(gis_names, files, layer, issues, refused)

    def parsed(name: str, empty: dict[str, Any] | None) -> tuple[str, Any]:
        if name not in files:
            return name, empty
        out = Collector(name)
        raw = files[name]
        payload = None
        if not _too_big(name, raw, out):
            payload = parse_claims_csv(raw, out) if name == CLAIMS_CSV else parse_json(raw, out)
        key = {PLACES_FILE: "features", SOURCES_FILE: "sources"}.get(name, "claims")
        if _count(payload, key) > MAX_FEATURES:
            out.add(
                "-",
                key,
                f"{_count(payload, key):,} records is over the limit of {MAX_FEATURES:,} per upload",
            )
            part = CLAIMS_FILE if name == CLAIMS_CSV else name
            refused[part] = _count(payload, key)
            payload = None
        issues.extend(out.issues)
        return name, payload

    def given(name: str, part: Any, kind: str) -> tuple[str, Any] | None:
        # What the GIS file holds, in place of the file of its kind.
        if gis is None or part is None:
            return None
        gis_name, _ = gis
        for other in (name, CLAIMS_CSV) if name == CLAIMS_FILE else (name,):
            if other in files:
                out = Collector(other)
                out.add("-", "-", f"{gis_name} holds the upload's {kind} already; not read")
                issues.extend(out.issues)
        return gis_name, part

    data = gis[1] if gis else None
    places = given(PLACES_FILE, data and data.places, "places") or parsed(
        PLACES_FILE, {"type": "FeatureCollection", "features": []}
    )
    from_gis = given(CLAIMS_FILE, data and data.claims, "claims")
    if from_gis is None and CLAIMS_FILE in files and CLAIMS_CSV in files:
        out = Collector(CLAIMS_CSV)
        out.add(
            "-",
            "-",
            f"upload either {CLAIMS_FILE} or {CLAIMS_CSV}, not both; {CLAIMS_CSV} was not read",
        )
        issues += out.issues
    claims = from_gis or parsed(CLAIMS_FILE if CLAIMS_FILE in files else CLAIMS_CSV, {"claims": []})
    sources = given(SOURCES_FILE, data and data.sources, "sources") or parsed(
        SOURCES_FILE, {"sources": []}
    )
    meta = parsed(META_FILE, None) if META_FILE in files and base is None else None
    if meta is None and base is None and data is not None and data.meta is not None:
        meta = (gis[0], data.meta) if gis else None
    if META_FILE in files and base is not None:
        out = Collector(META_FILE)
        out.add(
            "-",
            "-",
            "an upload shows with the loaded data's title, region and actors; "
            f"{META_FILE} was not read",
        )
        issues += out.issues
    name = PurePosixPath(gis[0]).stem if gis else UPLOAD_NAME
    result = assemble([places, claims, sources], issues, base=base, meta=meta, name=name)
    if gis and gis[1].own is not None:
        result = dataclasses.replace(result, own_layers=(gis[1].own,))
    if refused:
        read = {**result.records_read}
        for part, n in refused.items():
            read[part] = read.get(part, 0) + n
        result = dataclasses.replace(result, records_read=read)
    return result


GIS_TYPES = ", ".join(f"{kind} ({suffix})" for suffix, kind in GIS_FORMATS.items())


def _gis(
    names: list[str],
    files: dict[str, bytes],
    layer: str | None,
    issues: list[ValidationIssue],
    refused: dict[str, int],
) -> tuple[str, GisData] | None:
    """The upload's one GIS file read, by name; a second is named as not read."""
    if not names:
        return None
    first, *others = names
    for name in others:
        out = Collector(name)
        out.add("-", "-", f"not read: {first!r} is this upload's GIS file; upload one")
        issues += out.issues
    out = Collector(first)
    data = None
    if not _too_big(first, files[first], out):
        data = read_gis(first, files[first], out, layer=layer, max_rows=MAX_FEATURES)
    issues += out.issues
    if data is not None and data.rows > MAX_FEATURES:
        refused[PLACES_FILE] = data.rows  # every row of the file is left out
        return None
    return (first, data) if data is not None else None


def load_uploaded_files(
    uploaded: Iterable[tuple[str, bytes]], base: Catalog | None = None, layer: str | None = None
) -> LoadResult:
    """:func:`load_upload` of files as the user named them.

    Each file is taken for a Briefmap file by its name (:func:`upload_name`).
    A second file of a kind already uploaded, or a file of no kind, is not
    read, and says so under its own name: nothing is dropped silently.
    """
    files: dict[str, bytes] = {}
    owner: dict[str, str] = {}
    issues: list[ValidationIssue] = []
    own: list[OwnLayer] = []
    for filename, raw in uploaded:
        kind = upload_name(filename)
        out = Collector(filename)
        mine = _own_layer(filename, kind, raw, out)
        if mine is not False:
            own += [mine] if isinstance(mine, OwnLayer) else []
        elif kind is None:
            files[filename] = raw  # load_upload reads a GIS file, names any other
        elif kind in files:
            out.add(
                "-",
                "-",
                f"not read: {owner[kind]!r} is this upload's {kind} already; "
                "upload one file of each kind",
            )
        else:
            files[kind], owner[kind] = raw, filename
        issues += out.issues
    result = load_upload(files, base, layer)
    # Left-out records named by the file the user gave, not the kind's name.
    names = dict(result.file_names)
    for kind, given in owner.items():
        part = CLAIMS_FILE if kind == CLAIMS_CSV else kind
        if names.get(part) == kind:
            names[part] = given
    return dataclasses.replace(
        result,
        issues=(*issues, *result.issues),
        own_layers=(*own, *result.own_layers),
        file_names=names,
    )


def _own_layer(
    filename: str, kind: str | None, raw: bytes, out: Collector
) -> OwnLayer | bool | None:
    """An uploaded CSV or GeoJSON that is a map of the user's own, read as their own layer.

    ``False`` when the file is not one (Briefmap's own places or claims, or
    another kind of file); ``None`` when it is one that could not be read (reported).
    """
    if kind == CLAIMS_CSV and csv_is_own_layer(raw):
        return (
            None
            if _too_big(filename, raw, out)
            else read_own_file(filename, raw, out, MAX_FEATURES)
        )
    # A map saved as .json (uMap, geojson.io) is taken for claims by its name: its
    # "Feature" says otherwise.
    geojson_named = kind == PLACES_FILE or (kind == CLAIMS_FILE and b'"Feature' in raw)
    if (
        geojson_named
        and may_be_own_geojson(raw)
        and not _too_big(filename, raw, Collector(filename))
    ):
        payload = parse_json(raw, Collector(filename))
        if geojson_is_own_layer(payload):
            return read_own_file(filename, raw, out, MAX_FEATURES)
    return False


def upload_name(filename: str) -> str | None:
    """Which Briefmap file an uploaded file is, from its name; ``None`` if none."""
    lower = filename.lower()
    if lower.rsplit("/", 1)[-1] == META_FILE:
        return META_FILE
    if lower.endswith((".geojson",)) or (lower.endswith(".json") and "place" in lower):
        return PLACES_FILE
    if lower.endswith(".csv"):
        return CLAIMS_CSV
    if lower.endswith(".json") and "source" in lower:
        return SOURCES_FILE
    if lower.endswith(".json"):
        return CLAIMS_FILE
    return None


def describe(result: LoadResult) -> str:
    """One line: what the upload holds (its claims, then each file read as the user's own layer)."""
    c = result.catalog
    held = (
        f"{counted(len(c.claims), 'claim')} on {counted(len(c.places), 'place')} "
        f"from {counted(len(c.sources), 'source')}"
    )
    return "; ".join(
        [held, *(describe_own_layer(o) for o in result.own_layers)]
        + ([f"{len(result.issues)} error(s)"] if result.issues else [])
    )
