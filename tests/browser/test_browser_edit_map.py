"""The editor's small map in a real browser: a click picks a claim's place or a new place's pin; a scene edited.

One server, editing under a typed name (``BRIEFMAP_EDITING=anyone``) on a copy
of the shipped data through the files store, and one Edit page shared by the
module's tests (each sets the map's click to what it needs). Signing in is
tests/browser/test_browser_edit.py's.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import WAIT_MS, BrowserPage, expect

from briefmap.data.loader import load_catalog
from briefmap.screenshots import AppServer, start_app

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
CATALOG = load_catalog(GEODATA).catalog
BRIEFING = "moscow-meeting"
PICKED = "kobani"  # a point place, drawn on its own at zoom 10
DROPPED = "khmeimim_air_base"  # one of the first scene's two highlighted places
# Open ground in the Syrian desert, a long way from any place of the data.
GROUND = (34.6, 38.9)
PICK = "Adds the place clicked to the claim's places"
PIN = "Sets the new place's pin where you click"


@pytest.fixture(scope="module")
def map_edit_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped data this module's server edits."""
    target = tmp_path_factory.mktemp("edit-map-data") / "geodata"
    shutil.copytree(GEODATA, target)
    return target


@pytest.fixture(scope="module")
def map_edit_server(
    chromium_path: str, map_edit_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    folder = tmp_path_factory.mktemp("server-edit-map")
    server = start_app(
        data_dir=map_edit_data,
        log_path=folder / "streamlit.log",
        extra_env={"BRIEFMAP_EDITING": "anyone"},
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def editor(open_module_page: Callable[..., Any], map_edit_server: AppServer) -> BrowserPage:
    """The Edit page, editing under a typed name: the module's one page load."""
    app: BrowserPage = open_module_page(map_edit_server)
    app.goto("/edit")
    box = app.main.get_by_label("Your name", exact=True)
    with app.rerun():
        box.fill("Sam Field")
        box.press("Enter")
    expect(app.main.get_by_role("button", name="Save claim")).to_be_visible(timeout=WAIT_MS)
    return app


def click_does(app: BrowserPage, label: str) -> None:
    """Set what a click on the editor's map does (a rerun only when it changes)."""
    choice = app.main.get_by_role("radio", name=label, exact=True)
    if not choice.is_checked():
        with app.rerun():
            app.main.locator("label").filter(has_text=label).click()
    expect(choice).to_be_checked()


def tags_of(app: BrowserPage, label: str) -> Any:
    """The tags of the main area's multiselect labelled ``label``."""
    widget = app.main.locator('[data-testid="stMultiSelect"]').filter(
        has=app.page.get_by_role("combobox", name=label, exact=True)
    )
    return widget.locator("[data-tag]")


def test_a_click_on_a_place_adds_it_to_the_claims_places(editor: BrowserPage) -> None:
    place = CATALOG.places[PICKED]
    click_does(editor, PICK)
    editor.settle()
    with editor.rerun():
        editor.focus_on(place.geometry.y, place.geometry.x, zoom=10)
    editor.settle()
    with editor.rerun():
        editor.topmost_marker(place.name_en).click()
    expect(tags_of(editor, "Places").filter(has_text=place.name_en)).to_have_count(1)
    expect(editor.main.get_by_text(f"{place.name_en} is among the claim's places")).to_be_visible()


def test_a_click_off_any_place_sets_the_new_places_pin_rounded_for_a_town(
    editor: BrowserPage,
) -> None:
    click_does(editor, PIN)
    editor.settle()
    # The map over open ground as the app frames it, not moved by the briefer (a
    # move of theirs makes the map's script send every report after it; a click
    # off any place must be sent without one: streamlit-folium-report.js).
    frame = editor.map_frame()
    spot = frame.evaluate(
        """([lat, lng]) => {
            map.__bmReport.moved = false;
            map.setView([lat, lng], 9, {animate: false});
            map.once('click', (e) => { window.__bmGroundClick = e.latlng; });
            const size = map.getSize();
            return {x: size.x * 0.5 + 13, y: size.y * 0.5 + 7};
        }""",
        list(GROUND),
    )
    with editor.rerun():
        editor.map().locator(".leaflet-container").first.click(position=spot)
    clicked = frame.evaluate("() => window.__bmGroundClick")
    lat, lon = round(clicked["lat"], 2), round(clicked["lng"], 2)  # a town's precision, the default
    expect(
        editor.main.get_by_text(f"The new place's pin is at latitude {lat}, longitude {lon}")
    ).to_be_visible(timeout=WAIT_MS)
    latitude = editor.main.get_by_label("Latitude", exact=True)
    longitude = editor.main.get_by_label("Longitude", exact=True)
    assert float(latitude.input_value()) == pytest.approx(lat, abs=1e-9)
    assert float(longitude.input_value()) == pytest.approx(lon, abs=1e-9)


def test_a_scenes_highlight_removed_and_saved_shows_on_the_briefing(
    editor: BrowserPage, open_module_page: Callable[..., Any], map_edit_server: AppServer
) -> None:
    dropped = CATALOG.places[DROPPED].name_en
    editor.main.get_by_role("tab", name="Briefings").click()
    highlights = tags_of(editor, "Scene 1: highlighted places")
    expect(highlights).to_have_count(2, timeout=WAIT_MS)
    with editor.rerun():
        highlights.filter(has_text=dropped).get_by_role(
            "button", name=re.compile("^Remove ")
        ).click()
    expect(highlights).to_have_count(1)
    why = editor.main.get_by_label("Why change this briefing (required)", exact=True)
    with editor.rerun():
        why.fill("Khmeimim is scene 2's subject.")
        why.press("Control+Enter")
    with editor.rerun():
        editor.main.get_by_role("button", name="Save briefing").click()
    expect(editor.main.get_by_text(f"Saved briefing {BRIEFING}")).to_be_visible(timeout=WAIT_MS)
    # The briefing's first scene on the map: one highlighted place now, not two.
    viewer: BrowserPage = open_module_page(map_edit_server)
    viewer.goto(f"/?briefing={BRIEFING}&scene=1")
    viewer.wait_features(1, ".bm-highlight")
