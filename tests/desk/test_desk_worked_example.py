"""The worked example: the desk drafts the report the shipped data was made from.

The report is read from ``shared/report-2025-10-15.txt`` beside the repository
(for checking only; it is never part of the project). Outside that checkout the
file is absent and the test is skipped with a message; under ``CI=true`` it fails
instead (``tests/needs.py``). Every item the data records from the report (its
claims of role "report") is recovered by one draft: the places of the item that
the report names (the data adds the UNDOF zone to the Golan item from its own
knowledge, which no drafting could), the item's actors, and its status.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from needs import missing_tool

from briefmap.data.schema import Catalog, Claim, Role
from briefmap.desk.draft import Desk, DraftReport
from briefmap.desk.text import read_report

REPO = Path(__file__).resolve().parents[2]
REPORT = REPO.parent / "shared" / "report-2025-10-15.txt"
REPORT_HINT = (
    "The report lies in shared/ beside the repository's checkout; CI runs in that "
    "checkout, so there it must be present."
)
DAY = "2025-10-15"


@pytest.fixture(scope="module")
def worked(desk: Desk) -> tuple[Desk, DraftReport]:
    if not REPORT.is_file():
        missing_tool(f"{REPORT} is absent", REPORT_HINT)
    return desk, desk.draft(read_report(REPORT.read_bytes(), REPORT.name), date=DAY)


def report_items(catalog: Catalog) -> list[Claim]:
    return sorted(
        (c for c in catalog.claims.values() if c.role is Role.REPORT and c.reported == DAY),
        key=lambda c: c.id,
    )


def test_the_data_records_the_reports_items(catalog: Catalog) -> None:
    assert len(report_items(catalog)) == 9


def test_every_item_of_the_report_is_recovered(
    catalog: Catalog, worked: tuple[Desk, DraftReport]
) -> None:
    _, drafted = worked
    named_anywhere = {p.id for p in drafted.named}
    missing = []
    for claim in report_items(catalog):
        named = set(claim.places) & (
            named_anywhere | {p.id for d in drafted.drafts for p in d.places}
        )
        found = [
            d
            for d in drafted.drafts
            if named <= {p.id for p in d.places}
            and set(claim.places) & {p.id for p in d.places}
            and set(claim.actors) <= set(d.actors)
            and d.status is claim.status
        ]
        if not found:
            missing.append(claim.id)
    assert not missing, f"items not recovered (places named, actors, status): {missing}"


def test_on_the_record_items_name_their_speaker_and_unnamed_ones_their_sources(
    worked: tuple[Desk, DraftReport],
) -> None:
    _, drafted = worked
    claimants = {d.claimant for d in drafted.drafts}
    assert {"Ahmed al-Sharaa", "Vladimir Putin", "Unattributed"} <= claimants
    assert "Sources familiar with the meeting (unnamed)" in claimants
    # No outlet was given, and the report names none: never guessed.
    assert "The report (outlet not identified)" in claimants
    assert any(
        d.no_comment is not None and d.no_comment.phrase == "has not commented"
        for d in drafted.drafts
    )
    southern = next(d for d in drafted.drafts if "daraa_governorate" in {p.id for p in d.places})
    assert southern.posture.value == "proposed" and southern.status_cue is not None
    assert {p.precision.value for p in southern.places} == {"region"}
    assert [u.name for u in drafted.unplaced] == ["Gaza"]
