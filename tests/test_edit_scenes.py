"""A briefing's scenes as the editor writes them, and the editor map's clicks, without a browser.

Every scene field the form edits is judged by the store's own check (the
loader's rules): a value the validator refuses is refused when saved through
the form's record, and the refusal names the scene's field.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from briefmap.data.loader import load_catalog
from briefmap.data.schema import Precision
from briefmap.engine.edit_forms import clicked_ground, clicked_place, pin_of_click
from briefmap.engine.edit_scenes import (
    FilterDraft,
    PlaybackDraft,
    SceneDraft,
    ViewDraft,
    briefing_record,
    map_view,
    scene_record,
)
from briefmap.engine.query import ClaimFilter
from briefmap.engine.state import MapView
from briefmap.store.base import ChangeRefused, Edit, Editor
from briefmap.store.files import FileStore
from tests.shipped import GEODATA

BRIEFING = "moscow-meeting"
SHIPPED = json.loads((GEODATA / "briefings" / f"{BRIEFING}.json").read_text(encoding="utf-8"))
CATALOG = load_catalog(GEODATA).catalog
OFF_MAP = next(pid for pid, place in CATALOG.places.items() if place.off_map)
ON_MAP = "kobani"


def test_an_unchanged_scene_form_saves_the_briefing_as_it_was() -> None:
    drafts = [SceneDraft.of(scene) for scene in SHIPPED["scenes"]]
    assert briefing_record(SHIPPED, SHIPPED["title"], drafts) == SHIPPED


def test_a_scenes_highlights_view_filters_and_playback_are_written() -> None:
    first = SHIPPED["scenes"][0]
    draft = SceneDraft(
        "T",
        ("p",),
        highlight=("kobani", "kobani", "amuda"),
        view=ViewDraft(36.5, 38.25, 8),
        filters=FilterDraft(
            actors=("russia",), statuses=("confirmed",), reported_from="2025-01-01"
        ),
        playback=PlaybackDraft("2019-01-01", "2020-01-01", "month"),
    )
    scene = scene_record(first, draft)
    assert scene["highlight"] == ["kobani", "amuda"]
    assert scene["view"] == {"center": [36.5, 38.25], "zoom": 8}
    # The scene named its deployments choice: kept, with the new filters.
    assert scene["filters"] == {
        "actors": ["russia"],
        "statuses": ["confirmed"],
        "deployments": "include",
        "from": "2025-01-01",
    }
    assert scene["playback"] == {"from": "2019-01-01", "to": "2020-01-01", "per_second": "month"}
    # Emptied, each part is left out of the scene (no view, no filters, no playback).
    empty = scene_record(
        first,
        SceneDraft("T", (), (), ViewDraft(), FilterDraft(), PlaybackDraft()),
    )
    assert {"highlight", "view", "playback"}.isdisjoint(empty)
    assert empty["filters"] == {"deployments": "include"}
    # A part the form does not edit (None) is kept as it was.
    assert scene_record(first, SceneDraft("T"))["view"] == first["view"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> FileStore:
    folder = tmp_path_factory.mktemp("scenes") / "geodata"
    shutil.copytree(GEODATA, folder)
    return FileStore(folder)


WHO = Editor("name:Sam", "Sam")
# (the form's change to scene 1, the loader's field it is refused on)
REFUSED = {
    "highlight off the map": ({"highlight": (ON_MAP, OFF_MAP)}, "scenes[1].highlight"),
    "view half typed": ({"view": ViewDraft(35.0, None, 8)}, "scenes[1].view"),
    "view zoom out of range": ({"view": ViewDraft(35.0, 36.0, 1)}, "scenes[1].view"),
    "view latitude past 85": ({"view": ViewDraft(88.0, 36.0, 8)}, "scenes[1].view"),
    "filters unknown actor": (
        {"filters": FilterDraft(actors=("atlantis",))},
        "scenes[1].filters.actors",
    ),
    "filters unknown status": (
        {"filters": FilterDraft(statuses=("rumoured",))},
        "scenes[1].filters.statuses",
    ),
    "filters unknown kind": (
        {"filters": FilterDraft(kinds=("castle",))},
        "scenes[1].filters.kinds",
    ),
    "filters unknown deployments": (
        {"filters": FilterDraft(deployments="all")},
        "scenes[1].filters.deployments",
    ),
    "filters from not a day": (
        {"filters": FilterDraft(reported_from="2025-13-01")},
        "scenes[1].filters.from",
    ),
    "filters to not a day": (
        {"filters": FilterDraft(reported_to="yesterday")},
        "scenes[1].filters.to",
    ),
    "playback without a speed": (
        {"playback": PlaybackDraft("2019-01-01", "2020-01-01", None)},
        "scenes[1].playback.per_second",
    ),
    "playback from not a day": (
        {"playback": PlaybackDraft("2019-02-30", "2020-01-01", "year")},
        "scenes[1].playback.from",
    ),
    "playback ends before it starts": (
        {"playback": PlaybackDraft("2020-01-01", "2019-01-01", "year")},
        "scenes[1].playback.to",
    ),
    "playback outside the data": (
        {"playback": PlaybackDraft("2001-01-01", "2020-01-01", "year")},
        "scenes[1].playback.from",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_the_form_saves_nothing_the_validator_refuses(store: FileStore, case: str) -> None:
    change, field = REFUSED[case]
    before, revision = store.get("briefing", BRIEFING)
    drafts = [SceneDraft.of(scene) for scene in before["scenes"]]
    drafts[0] = replace(drafts[0], **change)
    record = briefing_record(before, before["title"], drafts)
    with pytest.raises(ChangeRefused) as refused:
        store.save([Edit("briefing", BRIEFING, record, revision)], WHO, "A test.")
    fields = [issue.field for issue in refused.value.issues]
    assert field in fields, fields
    assert all(i.file == f"briefings/{BRIEFING}.json" for i in refused.value.issues)
    assert store.get("briefing", BRIEFING) == (before, revision)


def test_a_valid_scene_change_is_saved(store: FileStore) -> None:
    before, revision = store.get("briefing", BRIEFING)
    drafts = [SceneDraft.of(scene) for scene in before["scenes"]]
    drafts[1] = replace(
        drafts[1],
        highlight=(ON_MAP,),
        view=ViewDraft(36.2, 38.1, 8),
        filters=FilterDraft(statuses=("confirmed", "reported"), reported_to="2025-12-31"),
        playback=PlaybackDraft("2019-01-01", "2025-01-01", "quarter"),
    )
    record = briefing_record(before, before["title"], drafts)
    store.save([Edit("briefing", BRIEFING, record, revision)], WHO, "A test.")
    saved, _ = store.get("briefing", BRIEFING)
    assert saved["scenes"][1]["highlight"] == [ON_MAP]
    assert saved["scenes"][1]["playback"]["per_second"] == "quarter"
    assert saved["scenes"][0] == before["scenes"][0]


# ---------------------------------------------------------------- the map's clicks


@pytest.mark.parametrize(
    ("precision", "pin"),
    [
        (Precision.SITE, (35.123, 36.988)),
        (Precision.TOWN, (35.12, 36.99)),
        (Precision.REGION, (35.1, 37.0)),
    ],
)
def test_a_clicked_pin_is_rounded_to_what_its_precision_allows(
    precision: Precision, pin: tuple[float, float]
) -> None:
    assert pin_of_click(35.123456, 36.987654, precision) == pin


def test_a_click_off_any_place_is_read_and_junk_is_not() -> None:
    assert clicked_ground({"last_clicked": {"lat": 35.5, "lng": 36.25}}) == (35.5, 36.25)
    for junk in (
        None,
        {},
        {"last_clicked": None},
        {"last_clicked": {"lat": "35", "lng": 36}},
        {"last_clicked": {"lat": True, "lng": 36}},
        {"last_clicked": {"lat": float("nan"), "lng": 36}},
        {"last_clicked": {"lat": 95, "lng": 36}},
        {"last_clicked": {"lat": 35, "lng": 181}},
    ):
        assert clicked_ground(junk) is None, junk


def test_a_click_on_a_drawn_place_picks_it() -> None:
    drawn = CATALOG.index.drawn_place_ids(CATALOG.index.select(ClaimFilter()))
    kobani = CATALOG.places[ON_MAP]
    # The map's script names the marker clicked; or the click is at the marker's position.
    assert clicked_place(CATALOG, drawn, {"briefmap": {"place": ON_MAP}}) == ON_MAP
    at_marker = {"last_object_clicked": {"lat": kobani.geometry.y, "lng": kobani.geometry.x}}
    assert clicked_place(CATALOG, drawn, at_marker) == ON_MAP
    # An outline: the smallest drawn one around the spot clicked.
    region = next(
        pid for pid in drawn if not CATALOG.places[pid].is_point and pid.endswith("governorate")
    )
    inside = CATALOG.places[region].geometry.representative_point()
    assert (
        clicked_place(CATALOG, drawn, {"last_object_clicked": {"lat": inside.y, "lng": inside.x}})
        == region
    )
    # An id no place has, or a spot nowhere near a place, is no pick.
    assert clicked_place(CATALOG, drawn, {"briefmap": {"place": "not_a_place"}}) is None
    assert clicked_place(CATALOG, drawn, {"last_object_clicked": {"lat": 0.0, "lng": 0.0}}) is None


def test_the_maps_view_becomes_a_scenes_centre_and_zoom() -> None:
    payload = {"center": {"lat": 35.123456, "lng": 36.987654}, "zoom": 9}
    assert map_view(payload) == MapView(center=(35.1235, 36.9877), zoom=9)
    for junk in (
        {"center": {"lat": 35, "lng": 36}, "zoom": 1},
        {"center": {"lat": 86, "lng": 36}, "zoom": 8},
        {"center": {"lat": 35, "lng": 36}, "zoom": 8.5},
        {"center": [35, 36], "zoom": 8},
        None,
    ):
        assert map_view(junk) is None, junk
