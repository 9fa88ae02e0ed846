"""Load a data directory into a validated :class:`~briefmap.schema.Catalog`.

Nothing is dropped silently: every record that fails a check is left out of
the catalog *and* reported as a :class:`ValidationIssue` naming the file, the
record and the field, so the app can show what is missing while it draws the
valid rest.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from briefmap.fingerprint import data_fingerprint
from briefmap.projection import crs_name, reproject
from briefmap.readers import parse_claims_csv, read_json
from briefmap.schema import (
    CLAIM_FIELDS,
    CLAIMS_CSV,
    CLAIMS_FILE,
    DATA_FILES,
    HISTORY_FIELDS,
    LEGACY_SOURCE_FIELD,
    PLACE_FIELDS,
    PLACES_FILE,
    REGION_OF_INTEREST,
    SOURCE_FIELDS,
    SOURCES_FILE,
    UNKNOWN_DATE,
    Actor,
    Catalog,
    Claim,
    ClaimStatus,
    Place,
    PlaceKind,
    Posture,
    Precision,
    Role,
    Source,
    StatusChange,
)
from briefmap.sourcing import (
    ended_on_record,
    needs_confirmation_check,
    outlet_says_unknown,
    support,
)
from briefmap.validate import (
    URL_SCHEMES,
    Collector,
    Record,
    ValidationIssue,
    check_unique,
    records_of,
    short,
)

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
DEFAULT_DATA_DIR = Path(__file__).resolve().parent.parent / "geodata"

# One place, one shape: a region in several parts is several places.
ALLOWED_GEOMETRIES = ("Point", "Polygon")






@dataclass(frozen=True)
class LoadResult:
    """A validated catalog and the issues found on the way."""

    catalog: Catalog
    issues: tuple[ValidationIssue, ...] = ()
    records_read: dict[str, int] = field(default_factory=dict)
    # Valid records per file; None means "as many as the catalog holds".
    records_kept: dict[str, int] | None = None

    @property
    def errors(self) -> tuple[ValidationIssue, ...]:
        return self.issues

    @property
    def ok(self) -> bool:
        return not self.issues

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
        kept = (
            f"{len(self.catalog.places)} places, {len(self.catalog.claims)} claims, "
            f"{len(self.catalog.sources)} sources valid"
        )
        out = self.left_out()
        left = ", ".join(f"{n} from {f}" for f, n in out.items() if n)
        summary = f"{len(self.issues)} error(s); {kept}" + (f"; left out: {left}" if left else "")
        return "\n".join([*lines, summary])


def default_data_dir() -> Path:
    """The data directory: ``$BRIEFMAP_DATA`` if set, else the repository's ``geodata/``."""
    env = os.environ.get(DATA_ENV_VAR)
    return Path(env) if env else DEFAULT_DATA_DIR






















LEGACY_SOURCE_HINT = 'the field is now "sources", a list of source ids: write "sources": ["<id>"]'






# ------------------------------------------------------------ projections











# ---------------------------------------------------------------- sources



def _load_sources(payload: Any, out: Collector) -> tuple[dict[str, Source], int]:
    records = records_of(payload, "sources", out, lambda item: item.get("id"))
    sources: dict[str, Source] = {}
    seen: set[str] = set()
    for rid, data in records:
        if data is None:
            continue
        rec = Record(data, rid, out)
        rec.text("id")
        check_unique(rec, seen)
        rec.no_unknown_fields(SOURCE_FIELDS)
        outlet = rec.text("outlet")
        outlet_known = rec.flag("outlet_known", default=True)
        title = rec.text("title", required=False)
        via = rec.text("via", required=False)
        official_of = (
            rec.choice("official_of", Actor) if data.get("official_of") is not None else None
        )
        date = rec.date("date")
        url = rec.text("url", required=False)
        if url is not None and not url.lower().startswith(URL_SCHEMES):
            rec.fail("url", "only http:// and https:// links are allowed")
        if outlet is not None and not outlet_known and not outlet_says_unknown(outlet):
            rec.fail(
                "outlet",
                "outlet_known is false, so the outlet must say so in words "
                "(for example 'news report, outlet not identified'); never guess an outlet",
            )
        elif outlet is not None and outlet_known and outlet_says_unknown(outlet):
            rec.fail(
                "outlet",
                f'{short(outlet)} says the outlet is not known; add "outlet_known": false '
                "so it is not counted as an outlet",
            )
        if not rec.failed:
            sources[rid] = Source(
                id=rid,
                outlet=outlet or "",
                date=date or "",
                url=url,
                title=title,
                outlet_known=outlet_known,
                via=via,
                official_of=official_of,
            )
    return sources, len(records)


# ----------------------------------------------------------------- places



def _all_coordinates(geometry: dict[str, Any]) -> Iterable[Any]:
    def walk(node: Any) -> Iterable[Any]:
        if isinstance(node, list) and node and not isinstance(node[0], list):
            yield node
        elif isinstance(node, list):
            for child in node:
                yield from walk(child)

    return walk(geometry.get("coordinates"))


def _check_geometry(rec: Record, raw: Any, off_map: bool) -> Any:
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
    for position in _all_coordinates(raw):
        if len(position) < 2 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in position[:2]
        ):
            rec.fail("geometry", f"position {short(position)} is not a pair of numbers")
            return None
        lon, lat = position[0], position[1]
        if not (math.isfinite(lon) and math.isfinite(lat)):
            rec.fail("geometry", f"position {short(position)} is not finite")
            return None
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
        rec.fail("geometry", f"is not a valid {kind}: {explain_validity(geometry)}")
        return None
    if not off_map:
        min_lon, min_lat, max_lon, max_lat = REGION_OF_INTEREST
        g_min_lon, g_min_lat, g_max_lon, g_max_lat = geometry.bounds
        if g_min_lon < min_lon or g_max_lon > max_lon or g_min_lat < min_lat or g_max_lat > max_lat:
            rec.fail(
                "geometry",
                f"lies outside the region of interest (lon {min_lon}..{max_lon}, "
                f"lat {min_lat}..{max_lat}): are longitude and latitude swapped? "
                "GeoJSON wants [longitude, latitude]. Mark places outside Syria "
                '"off_map": true.',
            )
            return None
    return geometry


def _place_id(feature: dict[str, Any]) -> Any:
    props = feature.get("properties")
    return props.get("id") if isinstance(props, dict) else None


def _load_places(payload: Any, out: Collector) -> tuple[dict[str, Place], int]:
    if isinstance(payload, dict) and payload.get("type") not in (None, "FeatureCollection"):
        out.add("-", "type", "the file must be a GeoJSON FeatureCollection")
    records = records_of(payload, "features", out, _place_id)
    name = crs_name(payload) if isinstance(payload, dict) else None
    if name is not None:
        payload = reproject(payload, name, out)
        if payload is None:
            return {}, len(records)
        records = records_of(payload, "features", Collector(out.file), _place_id)
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
        geometry = _check_geometry(rec, feature.get("geometry"), off_map)
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


# ----------------------------------------------------------------- claims


def _load_claims(
    payload: Any,
    out: Collector,
    places: dict[str, Place],
    sources: dict[str, Source],
    known_place_ids: set[str],
    known_source_ids: set[str],
    files: tuple[str, str] = (PLACES_FILE, SOURCES_FILE),
) -> tuple[dict[str, Claim], int, str | None]:
    as_of = None
    if isinstance(payload, dict) and payload.get("as_of") is not None:
        header = Record(payload, "-", out)
        as_of = header.date("as_of")
    records = records_of(payload, "claims", out, lambda item: item.get("id"))
    claims: dict[str, Claim] = {}
    seen: set[str] = set()

    def resolve(rec: Record, name: str, ref: str, valid: dict[str, Any], known: set[str]) -> bool:
        target = files[0] if name in ("places", "origin") else files[1]
        if ref in valid:
            return True
        if ref in known:
            rec.fail(name, f"{ref!r} was left out of {target} because of its own error")
        else:
            rec.fail(name, f"{ref!r} does not exist in {target}")
        return False

    for rid, data in records:
        if data is None:
            continue
        rec = Record(data, rid, out)
        rec.text("id")
        check_unique(rec, seen)
        legacy = LEGACY_SOURCE_FIELD in data
        if legacy:
            rec.fail(LEGACY_SOURCE_FIELD, LEGACY_SOURCE_HINT)
        rec.no_unknown_fields((*CLAIM_FIELDS, LEGACY_SOURCE_FIELD))
        place_ids = rec.texts("places")
        actors = rec.choices("actors", Actor)
        claimant = rec.text("claimant")
        status = rec.choice("status", ClaimStatus)
        posture = rec.choice("posture", Posture)
        reported = rec.date("reported")
        summary = rec.text("summary")
        attribution = rec.text("attribution")
        source_ids = rec.texts("sources", required=not legacy)
        role = rec.choice("role", Role, default=Role.REPORT)
        origin = rec.text("origin", required=False)
        origin_source = rec.text("origin_source", required=False)
        origin_note = rec.text("origin_note", required=False)
        history = _history(rec, reported, status, posture)
        for place_id in place_ids:
            resolve(rec, "places", place_id, places, known_place_ids)
        cited = {
            sid for sid in source_ids if resolve(rec, "sources", sid, sources, known_source_ids)
        }
        if len(set(source_ids)) < len(source_ids):
            rec.fail("sources", "names a source more than once")
        for index, change in enumerate(history, start=1):
            for sid in change.sources:
                if sid not in source_ids:
                    rec.fail(
                        f"history[{index}].sources",
                        f"{sid!r} is not among the claim's own sources; cite it there too",
                    )
        if origin is not None:
            resolve(rec, "origin", origin, places, known_place_ids)
            if posture is not None and posture is not Posture.PROPOSED:
                rec.fail("origin", "only proposed deployments have an origin")
            if origin_source is None or origin_note is None:
                rec.fail(
                    "origin",
                    "needs a source that names it: set origin_source to the cited source "
                    "that names the origin and origin_note to where it says so; with no "
                    "such source, leave the origin out (no arrow is drawn)",
                )
            elif origin_source not in source_ids:
                rec.fail(
                    "origin_source",
                    f"{origin_source!r} is not among the claim's sources; cite it there too",
                )
        elif origin_source is not None or origin_note is not None:
            field_name = "origin_source" if origin_source is not None else "origin_note"
            rec.fail(field_name, "is set but the claim has no origin")
        if rec.failed:
            continue
        claim = Claim(
            id=rid,
            places=place_ids,
            actors=actors,
            claimant=claimant or "",
            status=status or ClaimStatus.UNVERIFIED,
            posture=posture or Posture.CURRENT,
            reported=reported or "",
            summary=summary or "",
            attribution=attribution or "",
            sources=source_ids,
            role=role or Role.REPORT,
            origin=origin,
            origin_source=origin_source,
            origin_note=origin_note,
            history=history,
        )
        _check_sourcing(rec, claim, {sid: sources[sid] for sid in cited})
        if not rec.failed:
            claims[rid] = claim
    return claims, len(records), as_of


def _check_sourcing(rec: Record, claim: Claim, cited: dict[str, Source]) -> None:
    """The rules of :mod:`briefmap.sourcing`: confirmed is earned, former is dated."""
    if needs_confirmation_check(claim):
        backing = support(claim, cited)
        if not backing.confirms:
            rec.fail("status", backing.explain())
    if claim.posture is Posture.FORMER and not ended_on_record(claim):
        rec.fail(
            "posture",
            "is 'former' but no history entry says when it ended: add a history entry with "
            'the date and sources of the end, or with "date": "unknown" when no source '
            "gives the day (the map then says 'end date unknown')",
        )




def _history(
    rec: Record, reported: str | None, status: ClaimStatus | None, posture: Posture | None
) -> tuple[StatusChange, ...]:
    """A claim's dated history: how its status and posture changed after it was reported.

    The first entry is dated the day the claim was reported and gives its first
    status and posture; each later entry changes one or both and names the
    sources that report the change; the last state must be the claim's own
    ``status`` and ``posture``, which are as of now. The last entry alone may be
    dated ``"unknown"``, to end a claim (posture ``former``) on a day no source
    gives.
    """
    raw = rec.data.get("history")
    if "ended" in rec.data:
        if raw is not None:
            rec.fail("ended", "give either history or ended, not both")
            return ()
        raw = _ended_history(rec, reported, status, posture)
    if raw is None:
        return ()
    if not isinstance(raw, list) or not raw:
        rec.fail("history", "must be a non-empty list of {date, status, posture, note} entries")
        return ()
    entries: list[StatusChange] = []
    for index, item in enumerate(raw, start=1):
        where = f"history[{index}]"
        if not isinstance(item, dict):
            rec.fail(where, "must be an object with a date")
            return ()
        entry = Record(item, rec.rid, rec.out, prefix=f"{where}.")
        unknown = sorted(set(item) - set(HISTORY_FIELDS))
        undated = item.get("date") == UNKNOWN_DATE
        date = UNKNOWN_DATE if undated else entry.date("date") if "date" in item else None
        st = entry.choice("status", ClaimStatus) if "status" in item else None
        pst = entry.choice("posture", Posture) if "posture" in item else None
        note = entry.text("note", required=False)
        cites = entry.texts("sources", required=False)
        if entry.failed:
            rec.failed = True
            return ()
        problem = None
        if unknown:
            problem = f"unknown field(s) {', '.join(unknown)}; known: {', '.join(HISTORY_FIELDS)}"
        elif date is None:
            problem = f'needs a date in the form YYYY-MM-DD (or "{UNKNOWN_DATE}" for an end no source dates)'
        elif st is None and pst is None:
            problem = "must change the status, the posture or both"
        elif undated and (
            index == 1 or index != len(raw) or st is not None or pst is not Posture.FORMER
        ):
            problem = (
                f'only the last entry, after the first, may be dated "{UNKNOWN_DATE}", and it '
                "only ends the claim: posture 'former', no status"
            )
        elif undated and cites:
            problem = (
                f'a source that reports the end dates it: give its date instead of "{UNKNOWN_DATE}"'
            )
        elif index > 1 and not undated and not cites:
            problem = (
                "a change needs the sources that report it (source ids, as in the claim's sources)"
            )
        elif not undated and entries and date < entries[-1].date:
            problem = f"{date} comes before the entry above it; keep the history in date order"
        elif index == 1 and reported is not None and date != reported:
            problem = f"the first entry must be dated the day the claim was reported ({reported})"
        elif index == 1 and (st is None or pst is None):
            problem = "the first entry gives both the status and the posture"
        if problem:
            rec.fail(where, problem)
            return ()
        entries.append(StatusChange(date=date, status=st, posture=pst, note=note, sources=cites))
    final_status = next(e.status for e in reversed(entries) if e.status is not None)
    final_posture = next(e.posture for e in reversed(entries) if e.posture is not None)
    if (status, posture) != (final_status, final_posture):
        rec.fail(
            "history",
            f"ends at {final_status.value}/{final_posture.value} but the claim says "
            f"{status.value if status else '?'}/{posture.value if posture else '?'}; "
            "the claim's status and posture are its latest",
        )
        return ()
    return tuple(entries)


def _ended_history(
    rec: Record, reported: str | None, status: ClaimStatus | None, posture: Posture | None
) -> list[dict[str, Any]] | None:
    """The history that ``ended`` stands for: current from the report, former from the end.

    Ended on the day reported means the report is of the end itself.
    """
    ended = UNKNOWN_DATE if rec.data.get("ended") == UNKNOWN_DATE else rec.date("ended")
    if ended is None or reported is None or status is None:
        return None
    if posture is not Posture.FORMER:
        rec.fail(
            "ended",
            f"only a former claim has an end; its posture is {posture.value if posture else '?'}",
        )
        return None
    if ended != UNKNOWN_DATE and ended < reported:
        rec.fail("ended", f"{ended} is before the day the claim was reported ({reported})")
        return None
    first = {"date": reported, "status": status.value, "posture": Posture.FORMER.value}
    if ended == reported:
        return [first]
    end: dict[str, Any] = {"date": ended, "posture": Posture.FORMER.value}
    if ended != UNKNOWN_DATE:
        end["sources"] = rec.data.get("sources")
    return [{**first, "posture": Posture.CURRENT.value}, end]


def _ids(payload: Any, key: str, id_of: Callable[[dict[str, Any]], Any]) -> set[str]:
    """Ids present in a payload, valid or not, to tell 'missing' from 'left out'."""
    scratch = Collector("-")
    return {rid for rid, _ in records_of(payload, key, scratch, id_of)}


BUNDLE_MEMBER = "briefmap"


def _read_bundle(path: Path) -> tuple[list[tuple[str, Any]], list[ValidationIssue]]:
    """The three payloads of a one-file bundle (as exported), each named for errors.

    A bundle is a GeoJSON FeatureCollection of the places, with the claims, the
    sources and the "as of" date in a foreign member ``"briefmap"``.
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
    return [(path.name, places), (path.name, claims), (path.name, sources)], out.issues


def load_catalog(data_dir: Path | str | None = None) -> LoadResult:
    """Load and validate a data directory, or a one-file bundle as exported.

    Parameters
    ----------
    data_dir
        Directory holding ``places.geojson``, ``claims.json`` and ``sources.json``,
        or a ``.geojson`` bundle file; defaults to :func:`default_data_dir`.

    Returns
    -------
    LoadResult
        The catalog of valid records and every issue found.
    """
    path = Path(data_dir) if data_dir is not None else default_data_dir()
    file_issues: list[ValidationIssue] = []
    if path.is_file():
        named, file_issues = _read_bundle(path)
    else:
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
    return assemble(named, file_issues)


def assemble(
    named: list[tuple[str, Any]],
    file_issues: list[ValidationIssue] | None = None,
    base: Catalog | None = None,
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
        repository's places and sources); what they use is copied in.
    """
    (
        (places_file, places_payload),
        (claims_file, claims_payload),
        (sources_file, sources_payload),
    ) = named
    place_out, claim_out, source_out = (
        Collector(places_file),
        Collector(claims_file),
        Collector(sources_file),
    )
    sources, n_sources = _load_sources(sources_payload, source_out)
    places, n_places = _load_places(places_payload, place_out)
    usable_places = {**(base.places if base else {}), **places}
    usable_sources = {**(base.sources if base else {}), **sources}
    claims, n_claims, as_of = _load_claims(
        claims_payload,
        claim_out,
        usable_places,
        usable_sources,
        _ids(places_payload, "features", _place_id) | set(usable_places),
        _ids(sources_payload, "sources", lambda s: s.get("id")) | set(usable_sources),
        (places_file, sources_file),
    )
    kept = {PLACES_FILE: len(places), CLAIMS_FILE: len(claims), SOURCES_FILE: len(sources)}
    if base is not None:
        # Bring in the trusted places and sources the claims refer to, so they draw.
        for claim in claims.values():
            for pid in (*claim.places, *((claim.origin,) if claim.origin else ())):
                places.setdefault(pid, usable_places[pid])
            for sid in claim.sources:
                sources.setdefault(sid, usable_sources[sid])
    catalog = Catalog(places=places, claims=claims, sources=sources, as_of=as_of)
    return LoadResult(
        catalog=catalog,
        issues=tuple((file_issues or []) + place_out.issues + source_out.issues + claim_out.issues),
        records_read={PLACES_FILE: n_places, CLAIMS_FILE: n_claims, SOURCES_FILE: n_sources},
        records_kept=kept,
    )
