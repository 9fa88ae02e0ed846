"""The Edit page headless (AppTest): who may edit, a claim saved, refused, overtaken, retired; the audit.

Each test edits its own copy of the shipped data through the files store. The
signed-in states need a real provider and a browser: tests/browser/test_browser_edit.py.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from briefmap.data.schema import Posture, Precision
from briefmap.engine.state import MapView
from briefmap.store.base import Edit, Editor, retired_on
from briefmap.store.files import FileStore
from tests.app_runs import open_app
from tests.shipped import GEODATA

CLAIM = "c02-tartus-access"  # reported, current, one source: its posture may change


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "geodata"
    shutil.copytree(GEODATA, folder)
    monkeypatch.setenv("BRIEFMAP_DATA", str(folder))
    for name in ("BRIEFMAP_EDITING", "BRIEFMAP_EDITORS", "BRIEFMAP_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return folder


def edit_page(monkeypatch: pytest.MonkeyPatch, editing: str | None = None) -> AppTest:
    if editing:
        monkeypatch.setenv("BRIEFMAP_EDITING", editing)
    at = open_app()
    at.switch_page("pages/edit.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.info, *at.warning, *at.success, *at.error, *at.caption]
    return "\n".join(str(p.value) for p in parts).replace("\\", "")


def pick(at: AppTest, claim_id: str) -> None:
    at.selectbox(key="edit_claim_pick").set_value(claim_id).run()
    assert not at.exception, [e.value for e in at.exception]


def as_sam(at: AppTest) -> None:
    at.text_input(key="edit_typed_name").input("Sam Field").run()


@pytest.fixture
def as_editor(data: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """The Edit page, editing under a typed name, on the test's own copy of the data."""
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    return at


def save_briefing(at: AppTest, why: str) -> None:
    at.text_area(key="edit_briefing_why").input(why).run()
    at.button(key="edit_briefing_save").click().run()
    assert not at.exception, [e.value for e in at.exception]


def saved_briefing(data: Path) -> dict:
    return json.loads((data / "briefings" / "moscow-meeting.json").read_text(encoding="utf-8"))


def labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def test_read_only_by_default(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = edit_page(monkeypatch)
    assert "editing is off on this server" in texts(at)
    pick(at, CLAIM)
    assert "Save claim" not in labels(at)
    assert at.text_input(key="edit_claim_claimant").disabled


def test_anyone_may_edit_under_a_typed_name_and_is_told_so(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page(monkeypatch, "anyone")
    assert "Anyone who can open this app can edit it" in texts(at)
    assert "Save claim" not in labels(at)  # not before a name is typed
    as_sam(at)
    assert "Save claim" in labels(at)


def change_posture(at: AppTest, why: str = "New reporting.") -> None:
    pick(at, CLAIM)
    at.selectbox(key="edit_claim_posture").set_value(Posture.FORMER).run()
    at.text_input(key="edit_claim_change_date").input("2026-02-01")
    at.text_input(key="edit_claim_change_note").input("Reported withdrawn.")
    at.multiselect(key="edit_claim_change_sources").select("news_report_2025_10_15")
    at.text_input(key="edit_why").input(why).run()


def test_a_posture_change_is_saved_with_its_history_entry_and_audit(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    change_posture(at)
    at.button(key="edit_claim_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert f"Saved claim {CLAIM}" in texts(at)
    claims = json.loads((data / "claims.json").read_text(encoding="utf-8"))["claims"]
    saved = next(c for c in claims if c["id"] == CLAIM)
    assert saved["posture"] == "former"
    assert saved["history"][-1] == {
        "date": "2026-02-01",
        "posture": "former",
        "note": "Reported withdrawn.",
        "sources": ["news_report_2025_10_15"],
        "editor": "Sam Field",
    }
    (entry,) = FileStore(data).history("claim", CLAIM)
    assert (entry.who, entry.who_name, entry.why) == (
        "name:Sam Field",
        "Sam Field",
        "New reporting.",
    )
    assert entry.before["posture"] == "current" and entry.after["posture"] == "former"


def test_a_save_without_a_note_is_refused_beside_the_note(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    change_posture(at, why="")
    at.button(key="edit_claim_save").click().run()
    assert "field 'why'" in texts(at)
    assert FileStore(data).history("claim", CLAIM) == []


def test_what_the_validator_refuses_is_shown_beside_its_field(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    pick(at, CLAIM)
    at.text_input(key="edit_claim_reported").input("2025-13-45")
    at.text_input(key="edit_why").input("Fix the day.").run()
    at.button(key="edit_claim_save").click().run()
    shown = texts(at)
    assert f"claims.json: record '{CLAIM}', field 'reported'" in shown
    # What was typed stays in the form.
    assert at.text_input(key="edit_claim_reported").value == "2025-13-45"
    assert FileStore(data).history("claim", CLAIM) == []


def test_a_stale_save_shows_both_versions_and_keeps_what_was_typed(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    pick(at, CLAIM)
    at.text_input(key="edit_claim_claimant").input("Mine: the report")
    at.text_input(key="edit_why").input("Name the claimant.").run()
    # Someone else saves the same claim first.
    store = FileStore(data)
    record, revision = store.get("claim", CLAIM)
    theirs = {**record, "claimant": "Theirs: the outlet"}
    store.save([Edit("claim", CLAIM, theirs, revision)], Editor("name:Other", "Other"), "theirs")
    at.button(key="edit_claim_save").click().run()
    shown = texts(at)
    assert "someone else changed this claim" in shown
    assert at.text_input(key="edit_claim_claimant").value == "Mine: the report"
    both = [j.value for j in at.json]
    assert any("Mine: the report" in str(v) for v in both)
    assert any("Theirs: the outlet" in str(v) for v in both)
    assert store.get("claim", CLAIM)[0]["claimant"] == "Theirs: the outlet"
    # Saved over theirs, knowingly: the trail keeps both.
    at.button(key="edit_stale_keep").click().run()
    at.button(key="edit_claim_save").click().run()
    assert store.get("claim", CLAIM)[0]["claimant"] == "Mine: the report"
    assert [e.who_name for e in store.history("claim", CLAIM)] == ["Other", "Sam Field"]


def test_retire_restore_and_undo(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    pick(at, CLAIM)
    at.text_input(key="edit_why").input("Superseded.").run()
    at.button(key="edit_claim_retire").click().run()
    store = FileStore(data)
    assert retired_on("claim", store.get("claim", CLAIM)[0])
    assert "was retired on" in texts(at)
    at.text_input(key="edit_why").input("Back on the map.").run()
    at.button(key="edit_claim_restore").click().run()
    assert not retired_on("claim", store.get("claim", CLAIM)[0])
    # The feed, newest first; undo the restore as a new change.
    seqs = [e.seq for e in store.recent()]
    assert seqs == [2, 1]
    at.selectbox(key="recent_undo").set_value(2)
    at.text_input(key="recent_undo_why").input("Restored too soon.").run()
    at.button(key="recent_undo_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    latest = store.recent()[0]
    assert latest.undoes == 2 and latest.who_name == "Sam Field"
    assert retired_on("claim", store.get("claim", CLAIM)[0])


def test_the_claim_card_links_each_claim_to_its_history(data: Path) -> None:
    at = open_app()
    at.selectbox(key="selected_place").set_value("tartus_naval_facility").run()
    links = [link.proto for link in at.get("page_link")]
    here = [link for link in links if link.label == "History"]
    assert here, "no History link on the claim card"
    assert all("edit" in link.page for link in here)
    assert any(f"claim={CLAIM}" in str(link) for link in here), here[0]


def test_the_history_link_opens_the_claim_and_its_history(data: Path) -> None:
    store = FileStore(data)
    record, revision = store.get("claim", CLAIM)
    changed = {**record, "claimant": "The report"}
    store.save([Edit("claim", CLAIM, changed, revision)], Editor("name:Ann", "Ann"), "Shorter.")
    at = open_app()
    at.query_params["claim"] = CLAIM
    at.switch_page("pages/edit.py").run()
    assert at.selectbox(key="edit_claim_pick").value == CLAIM
    (history,) = [d.value for d in at.dataframe if "Record" in d.value.columns][:1]
    assert list(history["Who"]) == ["Ann (typed name, not checked)"] and list(history["Why"]) == [
        "Shorter."
    ]
    assert list(history["Changed"]) == ["claimant"]


def test_signed_in_editing_offers_sign_in_where_it_is_configured(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFMAP_EDITING", "signed-in")
    at = open_app()
    at.switch_page("pages/edit.py").run()
    assert "no [auth] section is set" in texts(at)
    assert "Sign in" not in labels(at)
    at.secrets["auth"] = {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "c",
        "client_secret": "s",
        "server_metadata_url": "http://localhost:9/.well-known/openid-configuration",
    }
    at.run()
    assert "Sign in to edit" in texts(at)
    assert "Sign in" in labels(at) and "Save claim" not in labels(at)


def test_a_briefings_titles_and_talking_points_are_edited_without_json(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    at.text_input(key="edit_scene_0_title").input("The bases Russia keeps")
    at.text_area(key="edit_scene_0_points").input("- First point\n\n- Second point")
    save_briefing(at, "Shorter scene.")
    assert "Saved briefing moscow-meeting" in texts(at)
    first = saved_briefing(data)["scenes"][0]
    assert first["title"] == "The bases Russia keeps"
    assert first["talking_points"] == ["First point", "Second point"]
    assert "highlight" in first and "view" in first  # the rest of the scene kept


def test_a_new_site_needs_the_source_that_places_it(
    data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page(monkeypatch, "anyone")
    as_sam(at)
    at.text_input(key="edit_place_name_en").input("New post")
    at.radio(key="edit_place_precision").set_value(Precision.SITE)
    at.number_input(key="edit_place_lon").set_value(36.5)
    at.number_input(key="edit_place_lat").set_value(35.25)
    at.text_area(key="edit_place_why").input("Seen in a report.").run()
    at.button(key="edit_place_save").click().run()
    assert "field 'position_source'" in texts(at)
    assert FileStore(data).get("place", "new_post") == (None, 0)
    at.selectbox(key="edit_place_source").set_value("news_report_2025_10_15").run()
    at.button(key="edit_place_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    place, revision = FileStore(data).get("place", "new_post")
    assert revision == 1 and place["geometry"]["coordinates"] == [36.5, 35.25]
    assert "news_report_2025_10_15" in place["properties"]["note"]


def test_a_scenes_highlights_view_filters_and_playback_are_saved(
    data: Path, as_editor: AppTest
) -> None:
    at = as_editor
    at.multiselect(key="edit_scene_1_highlight").unselect("golan_heights").select("kobani")
    at.number_input(key="edit_scene_1_view_zoom").set_value(7)
    at.multiselect(key="edit_scene_1_statuses").select("confirmed")
    at.text_input(key="edit_scene_1_from").input("2025-01-01")
    at.text_input(key="edit_scene_1_play_from").input("2019-01-01")
    at.text_input(key="edit_scene_1_play_to").input("2025-01-01")
    at.selectbox(key="edit_scene_1_per_second").set_value("quarter")
    save_briefing(at, "The south, played.")
    assert "Saved briefing moscow-meeting" in texts(at)
    second = saved_briefing(data)["scenes"][1]
    assert second["highlight"][-1] == "kobani" and "golan_heights" not in second["highlight"]
    assert second["view"] == {"center": [32.95, 36.3], "zoom": 7}
    assert second["filters"]["statuses"] == ["confirmed"]
    assert second["filters"]["from"] == "2025-01-01"
    assert second["playback"] == {"from": "2019-01-01", "per_second": "quarter", "to": "2025-01-01"}
    (entry,) = FileStore(data).history("briefing", "moscow-meeting")
    assert entry.why == "The south, played." and entry.who_name == "Sam Field"


def test_a_scene_field_the_validator_refuses_is_shown_beside_it(
    data: Path, as_editor: AppTest
) -> None:
    at = as_editor
    at.text_input(key="edit_scene_0_play_from").input("2019-02-30")
    at.text_input(key="edit_scene_0_play_to").input("2020-01-01")
    at.number_input(key="edit_scene_0_view_zoom").set_value(1)
    save_briefing(at, "Play it.")
    refusals = " ".join(str(e.value) for e in at.error).replace("\\", "")
    for field in ("scenes[1].playback.from", "scenes[1].playback.per_second", "scenes[1].view"):
        assert f"field '{field}'" in refusals, refusals
    # What was typed stays; nothing was saved.
    assert at.text_input(key="edit_scene_0_play_from").value == "2019-02-30"
    assert FileStore(data).history("briefing", "moscow-meeting") == []


def test_a_scene_takes_the_small_maps_view(data: Path, as_editor: AppTest) -> None:
    at = as_editor
    # Until the small map reports a view (the briefer moved it), there is none to take.
    assert at.button(key="edit_scene_0_take_view").disabled
    at.session_state["edit_map_view"] = MapView(center=(34.5, 38.25), zoom=6)
    at.run()
    at.button(key="edit_scene_0_take_view").click().run()
    assert at.number_input(key="edit_scene_0_view_lat").value == 34.5
    assert at.number_input(key="edit_scene_0_view_lon").value == 38.25
    assert at.number_input(key="edit_scene_0_view_zoom").value == 6
    save_briefing(at, "Wider.")
    assert saved_briefing(data)["scenes"][0]["view"] == {"center": [34.5, 38.25], "zoom": 6}
