"""The editor's forms as the files' raw records, and the editor's own rules."""

from __future__ import annotations

import json

from briefmap.data.schema import ClaimStatus, Posture, Precision
from briefmap.engine.edit_forms import (
    CHANGE_DATE,
    CHANGE_NOTE,
    CHANGE_SOURCES,
    POSITION_SOURCE,
    ClaimDraft,
    HistoryChange,
    PlaceDraft,
    change_issues,
    claim_record,
    place_issues,
    place_record,
    restore_record,
    retire_record,
    slug,
    source_record,
    status_changed,
)
from briefmap.engine.edit_scenes import SceneDraft, briefing_record, talking_points_of
from tests.shipped import GEODATA

CLAIMS = json.loads((GEODATA / "claims.json").read_text(encoding="utf-8"))["claims"]


def shipped(claim_id: str) -> dict:
    return next(c for c in CLAIMS if c["id"] == claim_id)


def test_an_unchanged_form_saves_the_record_as_it_was() -> None:
    for record in CLAIMS:
        assert claim_record(ClaimDraft.of(record), record) == record, record["id"]


def test_a_status_change_adds_a_history_entry_after_the_claim_as_reported() -> None:
    before = shipped("c02-tartus-access")
    assert "history" not in before
    draft = ClaimDraft.of(before)
    draft = type(draft)(**{**draft.__dict__, "status": ClaimStatus.CONFIRMED})
    change = HistoryChange("2026-02-01", "Seen in imagery.", (before["sources"][0],))
    record = claim_record(draft, before, change=change, editor_name="Alice")
    assert record["status"] == "confirmed"
    assert record["history"] == [
        {"date": before["reported"], "status": "reported", "posture": "current"},
        {
            "date": "2026-02-01",
            "status": "confirmed",
            "note": "Seen in imagery.",
            "sources": [before["sources"][0]],
            "editor": "Alice",
        },
    ]


def test_a_posture_change_follows_the_claims_own_history() -> None:
    before = next(c for c in CLAIMS if c.get("history") and c["posture"] == "current")
    draft = ClaimDraft.of(before)
    draft = type(draft)(**{**draft.__dict__, "posture": Posture.FORMER})
    record = claim_record(
        draft, before, change=HistoryChange("2026-03-01", "Left.", (before["sources"][0],))
    )
    assert record["history"][:-1] == before["history"]
    assert record["history"][-1]["posture"] == "former"
    assert "status" not in record["history"][-1]


def test_a_change_of_status_needs_a_day_a_note_and_sources() -> None:
    before = shipped("c02-tartus-access")
    draft = ClaimDraft.of(before)
    moved = type(draft)(**{**draft.__dict__, "status": ClaimStatus.DENIED})
    assert status_changed(before, moved) and not status_changed(before, draft)
    fields = {i.field for i in change_issues(moved, before, HistoryChange(" ", "", ()))}
    assert fields == {CHANGE_DATE, CHANGE_NOTE, CHANGE_SOURCES}
    assert change_issues(draft, before, None) == []


def test_retire_and_restore_keep_everything_else() -> None:
    before = shipped("c02-tartus-access")
    gone = retire_record(before, "2026-02-02")
    assert gone["retired"] == "2026-02-02"
    assert restore_record(gone) == before
    # A retired claim edited keeps its retired day.
    assert claim_record(ClaimDraft.of(gone), gone)["retired"] == "2026-02-02"
    feature = {"type": "Feature", "properties": {"id": "p"}, "geometry": None}
    assert retire_record(feature, "2026-01-01", place=True)["properties"]["retired"]
    assert restore_record(retire_record(feature, "2026-01-01", place=True), place=True) == feature


def test_a_precise_pin_needs_a_source_and_names_it() -> None:
    pin = PlaceDraft("new_post", "New post", "military_post", Precision.SITE, 36.123456789, 35.5)
    assert [i.field for i in place_issues(pin)] == [POSITION_SOURCE]
    town = PlaceDraft("t", "T", "town", Precision.TOWN, 36.1, 35.5)
    assert place_issues(town) == []
    sourced = PlaceDraft(
        "new_post", "New post", "military_post", Precision.SITE, 36.123456789, 35.5,
        position_source="reuters_x", position_source_credit="Reuters, 2026-01-26",
    )  # fmt: skip
    assert place_issues(sourced) == []
    feature = place_record(sourced)
    assert feature["geometry"] == {"type": "Point", "coordinates": [36.12346, 35.5]}
    assert "Reuters, 2026-01-26" in feature["properties"]["note"]
    assert [
        i.field for i in place_issues(PlaceDraft("x", "X", "town", Precision.TOWN, None, None))
    ] == ["geometry"]


def test_sources_slugs_talking_points_and_briefings() -> None:
    assert list(source_record(id="a", outlet="AP", date="2026-01-01")) == [
        "id", "outlet", "outlet_known", "title", "via", "official_of", "date", "url",
    ]  # fmt: skip
    assert slug("Tartus naval base", {"tartus_naval_base"}) == "tartus_naval_base_2"
    assert slug("Тартус") == "item"
    assert talking_points_of("- one\n\n• two \n") == ("one", "two")
    before = {
        "id": "b",
        "title": "Old",
        "scenes": [{"title": "s", "talking_points": [], "view": 1}],
    }
    after = briefing_record(before, "New", [SceneDraft("S1", ("a", "b"))])
    assert after == {
        "id": "b",
        "title": "New",
        "scenes": [{"title": "S1", "talking_points": ["a", "b"], "view": 1}],
    }
