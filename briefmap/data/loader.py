"""Load a data directory into a validated :class:`~briefmap.data.schema.Catalog`.

Nothing is dropped silently: every record that fails a check is left out of
the catalog *and* reported as a :class:`ValidationIssue` naming the file, the
record and the field, so the app can show what is missing while it draws the
valid rest. The places' and claims' own checks live in
:mod:`briefmap.data.place_records`, :mod:`briefmap.data.claim_records` and
:mod:`briefmap.data.source_records`; this module reads the files (a folder or a
one-file bundle) and puts the three together (a store's edit, a few records
among the rest: :mod:`briefmap.data.part_records`).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from briefmap.data.claim_records import load_claims
from briefmap.data.fingerprint import data_fingerprint
from briefmap.data.gis_files import gis_format, read_gis
from briefmap.data.meta import GivenMeta, actor_ids_cited, derived_meta, read_meta
from briefmap.data.own_files import (
    geojson_is_own_layer,
    may_be_own_geojson,
    read_own_file,
)
from briefmap.data.own_layer import OwnLayer, describe_own_layer
from briefmap.data.place_records import load_places, place_id
from briefmap.data.readers import parse_claims_csv, parse_json, read_json
from briefmap.data.schema import (
    CLAIMS_CSV,
    CLAIMS_FILE,
    DATA_FILES,
    META_FILE,
    PLACES_FILE,
    RETIRED_FIELD,
    SOURCES_FILE,
    Catalog,
    Region,
)
from briefmap.data.source_records import load_sources
from briefmap.data.validate import (
    Collector,
    IssueGroup,
    ValidationIssue,
    group_issues,
    real_day,
    records_of,
    short,
)
from briefmap.data.wording import counted

__all__ = [
    "CLAIMS_CSV",
    "CLAIMS_FILE",
    "DATA_ENV_VAR",
    "DATA_FILES",
    "PLACES_FILE",
    "SOURCES_FILE",
    "LoadResult",
    "ValidationIssue",
    "assemble",
    "data_fingerprint",
    "default_data_dir",
    "load_catalog",
]


DATA_ENV_VAR = "BRIEFMAP_DATA"
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "geodata"


@dataclass(frozen=True)
class LoadResult:
    """A validated catalog and the issues found on the way."""

    catalog: Catalog
    issues: Sequence[ValidationIssue] = ()  # a tuple, or a session's PackedIssues
    # Records read per file, retired ones not counted (they are in ``retired``).
    records_read: dict[str, int] = field(default_factory=dict)
    # Valid records per file; None means "as many as the catalog holds".
    records_kept: dict[str, int] | None = None
    # Files read as the user's own layer, not as places and claims (own_files).
    own_layers: tuple[OwnLayer, ...] = ()
    # The file each kind of record was read from, where it is not the kind's own
    # file name (a KML's places, an uploaded "my-places.geojson").
    file_names: dict[str, str] = field(default_factory=dict)
    # Retired records per file (issue 27): kept in the data, out of the catalog,
    # neither errors nor "left out".
    retired: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> Sequence[ValidationIssue]:
        return self.issues

    @property
    def ok(self) -> bool:
        return not self.issues

    @cached_property
    def groups(self) -> tuple[IssueGroup, ...]:
        """The issues by file, field and message (:func:`group_issues`), grouped once.

        The app's panels draw these on every rerun; grouping 1.5 million
        issues takes about a second, once.
        """
        return group_issues(self.issues)

    def left_out(self) -> dict[str, int]:
        """How many records of each file did not make it into the catalog."""
        kept = self.records_kept or {
            PLACES_FILE: len(self.catalog.places),
            CLAIMS_FILE: len(self.catalog.claims),
            SOURCES_FILE: len(self.catalog.sources),
        }
        return {name: self.records_read.get(name, 0) - kept[name] for name in DATA_FILES}

    def report(self) -> str:
        """A plain-text report, as printed by ``python -m briefmap validate``."""
        lines = [str(issue) for issue in self.issues]
        c = self.catalog
        kept = (
            f"{counted(len(c.places), 'place')}, {counted(len(c.claims), 'claim')}, "
            f"{counted(len(c.sources), 'source')} valid"
        )
        summary = (
            f"{len(self.issues)} error(s); {kept}"
            + (f"; left out: {self.left_out_text()}" if any(self.left_out().values()) else "")
            + (f"; {self.retired_text()}" if any(self.retired.values()) else "")
        )
        return "\n".join([*lines, summary, *(describe_own_layer(o) for o in self.own_layers)])

    def retired_text(self) -> str:
        """The retired records: ``3 retired (2 in claims.json, 1 in places.geojson)``."""
        counts = {name: n for name, n in self.retired.items() if n}
        parts = ", ".join(f"{n} in {self.file_names.get(name, name)}" for name, n in counts.items())
        return f"{sum(counts.values())} retired ({parts})"

    def left_out_text(self) -> str:
        """The records left out, by the file they were read from: ``3 from places.geojson``.

        A file that is not its kind's own (a KML, an uploaded file under its
        own name) is named with the kind: ``3 places from field.kml``.
        """
        parts = []
        for name, count in self.left_out().items():
            if not count:
                continue
            actual = self.file_names.get(name, name)
            kind = PurePosixPath(name).stem
            parts.append(
                f"{count} from {name}" if actual == name else f"{count} {kind} from {actual}"
            )
        return ", ".join(parts)


def default_data_dir() -> Path:
    """The data directory: ``$BRIEFMAP_DATA`` if set, else the repository's ``geodata/``."""
    env = os.environ.get(DATA_ENV_VAR)
    return Path(env) if env else DEFAULT_DATA_DIR


def feature_properties(feature: dict[str, Any]) -> Any:
    """A GeoJSON feature's fields (its properties), where a place record keeps its id."""
    return feature.get("properties")


def record_itself(record: dict[str, Any]) -> Any:
    """A claim or source record's fields: the record itself."""
    return record


def without_retired(
    payload: Any, key: str, holder: Callable[[dict[str, Any]], Any], out: Collector
) -> tuple[Any, set[str], int]:
    """The payload without its retired records, their ids, and how many were refused.

    A retired record (``"retired": "YYYY-MM-DD"``; a place's in its
    properties) stays in the data but not in the catalog, and is not checked
    further: it may be restored as it was. A ``retired`` that is not a day is
    an error on that field, and the record is left out with it (counted as read).
    """
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        return payload, set(), 0
    items = payload[key]
    kept: list[Any] = []
    retired: set[str] = set()
    refused = 0
    for index, item in enumerate(items):
        fields = holder(item) if isinstance(item, dict) else None
        if not isinstance(fields, dict) or RETIRED_FIELD not in fields:
            kept.append(item)
            continue
        rid = fields.get("id")
        name = rid if isinstance(rid, str) and rid.strip() else f"#{index + 1}"
        if real_day(fields[RETIRED_FIELD]) is None:
            out.add(
                short(name, quote=False),
                RETIRED_FIELD,
                f"{short(fields[RETIRED_FIELD])} is not a day: a retired record says "
                'when it was retired, "YYYY-MM-DD"',
            )
            refused += 1
            continue
        retired.add(name)
    if len(kept) == len(items):
        return payload, retired, 0
    return {**payload, key: kept}, retired, refused


def present_ids(payload: Any, key: str, id_of: Callable[[dict[str, Any]], Any]) -> set[str]:
    """Ids present in a payload, valid or not, to tell 'missing' from 'left out'."""
    scratch = Collector("-")
    return {rid for rid, _ in records_of(payload, key, scratch, id_of)}


BUNDLE_MEMBER = "briefmap"
BUNDLE_META = "meta"  # in the bundle member: briefmap.json's content


def _read_bundle(
    path: Path,
) -> tuple[list[tuple[str, Any]], list[ValidationIssue], tuple[str, Any]]:
    """The three payloads of a one-file bundle (as exported), and its metadata.

    Each is named for errors; the metadata is ``briefmap.json``'s content, or
    ``None`` when the bundle has none (then the defaults apply). A bundle is a
    GeoJSON FeatureCollection of the places, with the claims, the sources, the
    "as of" date and the metadata (under ``"meta"``) in a foreign member
    ``"briefmap"``.
    """
    out = Collector(path.name)
    payload = read_json(path, out)
    extra = payload.get(BUNDLE_MEMBER) if isinstance(payload, dict) else None
    if payload is not None and not isinstance(extra, dict):
        out.add("-", BUNDLE_MEMBER, 'a bundle needs a "briefmap" object with claims and sources')
        extra = {}
    extra = extra or {}
    places = payload if isinstance(payload, dict) else None
    claims = {"as_of": extra.get("as_of"), "claims": extra.get("claims", [])} if extra else None
    sources = {"sources": extra.get("sources", [])} if extra else None
    meta = (path.name, extra.get(BUNDLE_META))
    return [(path.name, places), (path.name, claims), (path.name, sources)], out.issues, meta


def _read_gis_file(
    path: Path, layer: str | None
) -> tuple[list[tuple[str, Any]], list[ValidationIssue], tuple[str, Any], OwnLayer | None]:
    """A GIS file's payloads, named like a bundle's (:func:`_read_bundle`), and its own layer."""
    out = Collector(path.name)
    data = read_gis(path.name, path.read_bytes(), out, layer=layer)
    named = [
        (path.name, data.places if data else None),
        (path.name, (data.claims if data else None) or {"claims": []}),
        (path.name, (data.sources if data else None) or {"sources": []}),
    ]
    return named, out.issues, (path.name, data.meta if data else None), data and data.own


OWN_TABLE_SUFFIXES = (".csv",)
OWN_GEOJSON_SUFFIXES = (".geojson", ".json")


def _read_own_file(path: Path) -> tuple[OwnLayer | None, list[ValidationIssue]] | None:
    """A CSV with coordinates, or somebody else's GeoJSON, as the user's own layer.

    ``None`` when the file is Briefmap's own (a bundle, or places in its convention).
    """
    out = Collector(path.name)
    raw = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix in OWN_TABLE_SUFFIXES:
        return read_own_file(path.name, raw, out), out.issues
    if suffix in OWN_GEOJSON_SUFFIXES and may_be_own_geojson(raw):
        payload = parse_json(raw, Collector(path.name))
        if geojson_is_own_layer(payload):
            return read_own_file(path.name, raw, out), out.issues
    return None


def _empty(name: str) -> list[tuple[str, Any]]:
    return [
        (name, {"type": "FeatureCollection", "features": []}),
        (name, {"claims": []}),
        (name, {"sources": []}),
    ]


def load_catalog(data_dir: Path | str | None = None, layer: str | None = None) -> LoadResult:
    """Load and validate a data directory, or a one-file bundle as exported.

    Parameters
    ----------
    data_dir
        Directory holding ``places.geojson``, ``claims.json``, ``sources.json``
        and optionally ``briefmap.json`` (title, region, actors; without it they
        come from the data: the folder's name, the places' bounds, the ids the
        claims use, :func:`briefmap.data.meta.derived_meta`), or a ``.geojson``
        bundle file, or a GIS file (KML, KMZ, GeoPackage, zipped Shapefile:
        :mod:`briefmap.data.gis_files`), named by its file name without the
        extension; defaults to :func:`default_data_dir`.
    layer
        A GeoPackage's layer of places, by name; its first by default.

    Returns
    -------
    LoadResult
        The catalog of valid records and every issue found.
    """
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    file_issues: list[ValidationIssue] = []
    # For a title when no briefmap.json gives one ("." names its folder too).
    data_name = path.stem if path.is_file() else path.resolve().name
    own: OwnLayer | None = None
    own_file = _read_own_file(path) if path.is_file() and not gis_format(path.name) else None
    if own_file is not None:
        own, file_issues = own_file
        named, meta = _empty(path.name), (path.name, None)
    elif path.is_file() and gis_format(path.name):
        named, file_issues, meta, own = _read_gis_file(path, layer)
    elif path.is_file():
        named, file_issues, meta = _read_bundle(path)
    else:
        meta = (META_FILE, None)
        if (path / META_FILE).is_file():
            reader = Collector(META_FILE)
            meta = (META_FILE, read_json(path / META_FILE, reader))
            file_issues += reader.issues
        named = []
        for name in DATA_FILES:
            reader = Collector(name)
            if (
                name == CLAIMS_FILE
                and not (path / name).is_file()
                and (path / CLAIMS_CSV).is_file()
            ):
                reader = Collector(CLAIMS_CSV)
                named.append(
                    (CLAIMS_CSV, parse_claims_csv((path / CLAIMS_CSV).read_bytes(), reader))
                )
            else:
                named.append((name, read_json(path / name, reader)))
                if name == CLAIMS_FILE and (path / CLAIMS_CSV).is_file():
                    reader.add(
                        "-",
                        "-",
                        f"both {CLAIMS_FILE} and {CLAIMS_CSV} exist; {CLAIMS_CSV} was not read",
                    )
            file_issues += reader.issues
    result = assemble(named, file_issues, meta=meta, name=data_name)
    return dataclasses.replace(result, own_layers=(own,) if own is not None else ())


def collected(named: list[tuple[str, Any]]) -> list[tuple[Collector, Any]]:
    """Each (file, payload) of places, claims and sources with a collector for its file's issues."""
    return [(Collector(file), payload) for file, payload in named]


def assemble(
    named: list[tuple[str, Any]],
    file_issues: list[ValidationIssue] | None = None,
    base: Catalog | None = None,
    meta: tuple[str, Any] | None = None,
    name: str = "",
) -> LoadResult:
    """Validate parsed payloads (places, claims, sources, in that order) into a catalog.

    Parameters
    ----------
    named
        ``(file name, parsed JSON)`` for the places, the claims and the sources;
        a payload is ``None`` when its file could not be read.
    file_issues
        Issues already found while reading the files.
    base
        Trusted data the payloads may refer to (an upload's claims may cite the
        repository's places and sources); what they use is copied in. Its
        metadata (region, actors) is the upload's too.
    meta
        ``(file name, parsed briefmap.json)``; no file, or ``None`` for the
        payload, means the data speaks for itself (a title from ``name``, the
        region around the places, the actors the claims name:
        :func:`briefmap.data.meta.derived_meta`), as it does for any part the
        file lacks. Ignored when there is a ``base``.
    name
        The data set's name, its folder's or its file's without the extension,
        for a title when ``briefmap.json`` gives none.
    """
    (place_out, places_payload), (claim_out, claims_payload), (source_out, sources_payload) = (
        collected(named)
    )
    meta_issues: list[ValidationIssue] = []
    given = GivenMeta()
    region: Region | None
    if base is not None:
        region, actor_ids = base.meta.region, base.meta.actor_ids
    else:
        meta_out = Collector(meta[0] if meta else META_FILE)
        given = read_meta(meta[1] if meta else None, meta_out)
        meta_issues = meta_out.issues
        # Without a region, the places are not checked against one: theirs is
        # what they span. Without actors, the ids the data uses are its actors.
        region = given.region
        actor_ids = (
            tuple(a.id for a in given.actors)
            if given.actors is not None
            else tuple(sorted(actor_ids_cited(claims_payload, sources_payload)))
        )
    active_places, retired_places, refused_places = without_retired(
        places_payload, "features", feature_properties, place_out
    )
    active_sources, retired_sources, refused_sources = without_retired(
        sources_payload, "sources", record_itself, source_out
    )
    active_claims, retired_claims, refused_claims = without_retired(
        claims_payload, "claims", record_itself, claim_out
    )
    sources, n_sources = load_sources(active_sources, source_out, actor_ids)
    places, n_places = load_places(active_places, place_out, region)
    usable_places = {**(base.places if base else {}), **places}
    usable_sources = {**(base.sources if base else {}), **sources}
    claims, n_claims, as_of = load_claims(
        active_claims,
        claim_out,
        usable_places,
        usable_sources,
        present_ids(places_payload, "features", place_id) | set(usable_places),
        present_ids(sources_payload, "sources", lambda s: s.get("id")) | set(usable_sources),
        (place_out.file, source_out.file),
        actor_ids,
        retired_ids=(retired_places, retired_sources),
    )
    if base is not None:
        data_meta = base.meta
    else:
        # The actors the valid claims and sources use: none without a record.
        used = {a for claim in claims.values() for a in claim.actors}
        used |= {s.official_of for s in sources.values() if s.official_of}
        data_meta = derived_meta(given, name, places.values(), used)
    kept = {PLACES_FILE: len(places), CLAIMS_FILE: len(claims), SOURCES_FILE: len(sources)}
    if base is not None:
        # Bring in the trusted places and sources the claims refer to, so they draw.
        for claim in claims.values():
            for pid in (*claim.places, *((claim.origin,) if claim.origin else ())):
                places.setdefault(pid, usable_places[pid])
            for sid in claim.sources:
                sources.setdefault(sid, usable_sources[sid])
    catalog = Catalog(places=places, claims=claims, sources=sources, as_of=as_of, meta=data_meta)
    return LoadResult(
        catalog=catalog,
        issues=tuple(
            (file_issues or [])
            + meta_issues
            + place_out.issues
            + source_out.issues
            + claim_out.issues
        ),
        records_read={
            PLACES_FILE: n_places + refused_places,
            CLAIMS_FILE: n_claims + refused_claims,
            SOURCES_FILE: n_sources + refused_sources,
        },
        records_kept=kept,
        file_names={
            PLACES_FILE: place_out.file,
            CLAIMS_FILE: claim_out.file,
            SOURCES_FILE: source_out.file,
        },
        retired={
            PLACES_FILE: len(retired_places),
            CLAIMS_FILE: len(retired_claims),
            SOURCES_FILE: len(retired_sources),
        },
    )
