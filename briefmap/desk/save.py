"""Reviewed drafts as the store's edits: new claims, the report as a source, the desk's towns.

Saving goes through the team's store (:mod:`briefmap.store`) in one
:meth:`~briefmap.store.base.Store.save`, checked there with the loader's
rules and recorded in its audit trail under the editor's name and a reason.
Only reviewed drafts come here: the page passes the accepted and edited ones,
each with the analyst's own summary. The records are built by
:mod:`briefmap.desk.records`, the one builder the preview and the CLI use too
(where the cue, the sentence and the source are kept on a claim: see there).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from briefmap.data.schema import Catalog
from briefmap.data.validate import ValidationIssue
from briefmap.desk.draft import Draft, DraftReport
from briefmap.desk.gazetteer import Gazetteer
from briefmap.desk.records import claim_record, place_records, source_record
from briefmap.store.base import Edit, StoredRecords


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
    source = source_record(report)
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
        record = claim_record(report, draft, summaries.get(draft.id, ""), source["id"], editor_name)
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
