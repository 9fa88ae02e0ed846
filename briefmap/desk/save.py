"""Reviewed drafts as the store's edits: new claims, the report as a source, the desk's towns.

Saving goes through the team's store (:mod:`briefmap.store`) in one
:meth:`~briefmap.store.base.Store.save`, checked there with the loader's
rules and recorded in its audit trail under the editor's name and a reason.
Only reviewed drafts come here: the page passes the accepted and edited ones,
each with the analyst's own summary.

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
  source id, the editor's shown name and a note saying it was drafted at the
  desk and reviewed): the entry that names where the claim came from, which
  the editor page's history shows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefmap.data.schema import UNKNOWN_DATE, Catalog, Posture, Role
from briefmap.data.validate import ValidationIssue
from briefmap.desk.draft import Draft, DraftReport
from briefmap.desk.gazetteer import Gazetteer
from briefmap.desk.records import place_records, source_record
from briefmap.store.base import Edit, StoredRecords

# A sentence longer than this is cut in the attribution (the report keeps it whole).
MAX_QUOTED = 600
DESK_NOTE = "Drafted at the desk from this report and reviewed before saving"


def report_key(report: DraftReport) -> str:
    """Eight hex digits naming the report by its text, outlet, date and address.

    Part of every id the desk saves: a second report from the same outlet on
    the same day gets ids of its own, and the same report saved again meets
    its own ids (refused as existing) instead of being saved twice.
    """
    seed = "\0".join([report.report.text, report.outlet or "", report.date or "", report.url or ""])
    return hashlib.sha256(seed.encode()).hexdigest()[:8]


def saved_source(report: DraftReport) -> dict[str, Any]:
    """The report as a source record: its outlet (or "not identified"), date and address."""
    record = source_record(report)
    record["id"] = f"{record['id']}_{report_key(report)}"
    if not record.get("url"):
        record.pop("url", None)
    return record


def claim_id(report: DraftReport, draft: Draft) -> str:
    """The saved claim's id: the report's day and key, and the draft's number."""
    return f"desk-{report.date}-{report_key(report)}-{draft.id}"


def quoted(text: str) -> str:
    """A sentence as the attribution quotes it: one line, cut at MAX_QUOTED characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_QUOTED else line[: MAX_QUOTED - 1].rstrip() + "…"


def saved_attribution(draft: Draft) -> str:
    """The cue and the sentence it stands in, as the saved claim's attribution."""
    where = f"sentence {draft.sentences[0] + 1} of the report"
    if draft.status_cue is not None:
        said = f"Cue “{draft.status_cue.phrase}” in {where}"
    else:
        said = f"No attribution cue (the report's own account) in {where}"
    said += f": “{quoted(draft.text)}”"
    if draft.no_comment is not None:
        said += f"; the report notes “{draft.no_comment.phrase}”"
    return said


def saved_claim(
    report: DraftReport, draft: Draft, summary: str, source_id: str, editor_name: str
) -> dict[str, Any]:
    """One reviewed draft as a claim record, its first history entry naming the report."""
    reported = report.date or ""
    first: dict[str, Any] = {
        "date": reported,
        "status": draft.status.value,
        "posture": draft.posture.value,
        "sources": [source_id],
        "editor": editor_name,
        "note": DESK_NOTE,
    }
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
        "attribution": saved_attribution(draft),
        "sources": [source_id],
        "role": Role.REPORT.value,
        "history": history,
    }


@dataclass(frozen=True)
class DeskSave:
    """What saving the reviewed drafts writes, and which claim is which draft's."""

    edits: tuple[Edit, ...]
    draft_of: dict[str, str]  # saved claim id -> draft id


def desk_edits(
    report: DraftReport,
    drafts: Sequence[Draft],
    summaries: Mapping[str, str],
    gazetteer: Gazetteer,
    catalog: Catalog,
    stored: StoredRecords,
    editor_name: str,
) -> DeskSave:
    """The store's edits for the reviewed drafts (never a rejected one: the caller leaves those out).

    New claims (expected revision 0: they must not exist yet); the report's
    source, new unless an earlier save of this report made it; the GeoNames
    towns the drafts name that the store does not hold yet.
    """
    source = saved_source(report)
    edits: list[Edit] = []
    if source["id"] not in stored.sources:
        edits.append(Edit("source", source["id"], source, 0))
    held = {**catalog.places, **stored.places}
    for feature in place_records(drafts, gazetteer, catalog):
        pid = feature["properties"]["id"]
        if pid not in held:
            edits.append(Edit("place", pid, feature, 0))
    draft_of = {}
    for draft in drafts:
        record = saved_claim(report, draft, summaries.get(draft.id, ""), source["id"], editor_name)
        edits.append(Edit("claim", record["id"], record, 0))
        draft_of[record["id"]] = draft.id
    return DeskSave(tuple(edits), draft_of)


def issues_by_draft(
    issues: Sequence[ValidationIssue], draft_of: Mapping[str, str]
) -> tuple[dict[str, list[ValidationIssue]], list[ValidationIssue]]:
    """A refused save's issues: those of each draft's claim by draft id, and the rest."""
    mine: dict[str, list[ValidationIssue]] = {}
    rest = []
    for issue in issues:
        draft = draft_of.get(issue.record)
        if draft is None:
            rest.append(issue)
        else:
            mine.setdefault(draft, []).append(issue)
    return mine, rest
