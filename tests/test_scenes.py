"""A briefing's scenes frame what they speak of; presentation view's First/Last keys (AppTest).

Issue 25, finding 5: scene 3 spoke of Kobani, outside its frame. A scene frames
its highlighted places (scenes.apply_scene), so the highlights are the scene's
subject: the shipped scenes highlight every place their text is about, and a
highlight the map cannot frame (a place drawn off the map) is refused by the
validator, naming the file, the scene and the field.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from shipped import SCENE_BACKDROPS, SCENE_SUBJECTS
from streamlit.testing.v1 import AppTest
from test_cli import run_validate

from briefmap.app import streamlit_internals
from briefmap.data.schema import Catalog
from briefmap.engine.briefings import load_briefings

REPO = Path(__file__).resolve().parent.parent
GEODATA = REPO / "geodata"
BRIEFING = "moscow-meeting"


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    # AppTest would replay Streamlit's pages/ folder mode (see briefmap/app/streamlit_internals.py).
    with streamlit_internals.navigation_only():
        yield


def test_the_shipped_scenes_highlight_the_places_their_text_is_about(
    real_catalog: Catalog,
) -> None:
    briefings, issues = load_briefings(GEODATA, real_catalog)
    assert issues == []
    scenes = briefings[BRIEFING].scenes
    assert set(SCENE_SUBJECTS) == set(range(1, len(scenes) + 1)), "a scene not read"
    for number, scene in enumerate(scenes, start=1):
        missing = set(SCENE_SUBJECTS[number]) - set(scene.highlight)
        assert not missing, f"scene {number} speaks of {sorted(missing)} but does not frame them"
        # A backdrop is named, not highlighted: the browser test checks it is in the frame.
        assert not set(SCENE_BACKDROPS.get(number, ())) & set(scene.highlight)
        for place_id in (*scene.highlight, *SCENE_BACKDROPS.get(number, ())):
            assert not real_catalog.places[place_id].off_map, (number, place_id)


def _write_briefing(data: Path, highlight: list[str]) -> None:
    folder = data / "briefings"
    folder.mkdir(parents=True, exist_ok=True)
    scenes = [
        {"title": "Bases", "talking_points": ["a"], "highlight": ["tartus_naval_facility"]},
        {"title": "The meeting", "talking_points": ["b"], "highlight": highlight},
    ]
    briefing = {"id": "b", "title": "T", "scenes": scenes}
    (folder / "b.json").write_text(json.dumps(briefing), encoding="utf-8")


def test_a_highlight_the_map_cannot_frame_is_refused_by_the_app_and_the_cli(
    tmp_path: Path, real_catalog: Catalog
) -> None:
    data = tmp_path / "geodata"
    for name in ("briefmap.json", "claims.json", "places.geojson", "sources.json"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes((GEODATA / name).read_bytes())
    assert real_catalog.places["moscow_kremlin"].off_map
    _write_briefing(data, ["qamishli", "moscow_kremlin"])
    briefings, issues = load_briefings(data, real_catalog)
    assert briefings == {}, "a briefing with an error is left out whole"
    (issue,) = issues
    assert (issue.file, issue.record, issue.field) == (
        "briefings/b.json",
        "b",
        "scenes[2].highlight",
    )
    assert "'moscow_kremlin'" in issue.message and "off_map" in issue.message
    # The command line says the same.
    result = run_validate(str(data))
    assert result.returncode == 1
    assert "scenes[2].highlight" in result.stdout and "moscow_kremlin" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def _presenting(scene: int) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params.update({"briefing": BRIEFING, "scene": str(scene), "present": "1"})
    return at.run()


def _scene_of(at: AppTest) -> str:
    return str(at.query_params["scene"])


def test_first_and_last_scene_buttons_are_what_home_and_end_press(
    real_catalog: Catalog,
) -> None:
    briefings, _ = load_briefings(GEODATA, real_catalog)
    total = len(briefings[BRIEFING].scenes)
    at = _presenting(2)
    assert not at.exception
    first: Any = at.button(key="scene_first")
    last: Any = at.button(key="scene_last")
    assert not first.disabled and not last.disabled
    last.click().run()
    assert _scene_of(at) == str(total)
    assert at.button(key="scene_last").disabled
    # Next stays on a last scene only to play its range (the shipped one has one).
    plays = briefings[BRIEFING].scenes[-1].playback is not None
    assert at.button(key="scene_next").disabled is not plays
    at.button(key="scene_first").click().run()
    assert _scene_of(at) == "1"
    assert at.button(key="scene_first").disabled
    assert at.session_state["presentation"] is True


def test_a_last_scene_without_playback_has_no_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "geodata"
    for name in ("briefmap.json", "claims.json", "places.geojson", "sources.json"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes((GEODATA / name).read_bytes())
    _write_briefing(data, ["qamishli"])
    monkeypatch.setenv("BRIEFMAP_DATA", str(data))
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.query_params.update({"briefing": "b", "scene": "2", "present": "1"})
    at.run()
    assert not at.exception
    assert _scene_of(at) == "2"
    assert at.button(key="scene_next").disabled
    assert not at.button(key="scene_previous").disabled
