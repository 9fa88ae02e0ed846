"""Presentation view's scenes on a briefer's screens: the subject in the frame, the text on screen.

Issue 25, finding 5: at 1280x720 scene 4's change list was below the fold,
scene 3's title wrapped into the map, and scene 3 spoke of Kobani, which lay
outside its frame. At 1920x1080, 1280x720 and 390x844, for every shipped scene:
each place the scene names lies inside the map, clear of the map's controls; the
title's box does not meet the map's; every talking point and change is on the
screen without scrolling (on a phone, under the map and reachable by scrolling);
Previous and Next show their words whole. Beside the map each scene after the
first is reached by Next, as a briefer does (framing after Next in the Map
page's own view is test_browser_framing's). A generated briefing with a 120-character title keeps it above the map too. Home
and End go to the first and the last scene.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, BrowserPage, expect, wait_for_query
from long_title_support import BRIEFING as LONG_BRIEFING
from long_title_support import SCENE_TITLE
from scene_framing_support import assert_steps_fit
from shipped import SCENE_BACKDROPS, SCENE_SUBJECTS

from briefmap.data.loader import load_catalog
from briefmap.engine.briefings import Briefing, load_briefings
from briefmap.engine.timeline import changes_between
from briefmap.screenshots import AppServer

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
BRIEFING = "moscow-meeting"
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720), "390x844": (390, 844)}
# Where a scene's text must be on the screen as it opens; on a phone it follows the map.
TEXT_BESIDE_THE_MAP = {"1920x1080", "1280x720"}
# The smallest type presentation view shows (as test_browser_briefing.py's key and footnote).
READABLE_PX = 16
# A place's centre at least this far inside the map's edges (a highlight ring's radius).
MARGIN_PX = 22
TITLE = ".st-key-bm-present-head h4"

# For each place id: its centre in the map's frame (container pixels), its box
# (south-west and north-east corners; a point's is its centre), and whether a
# control of the map (zoom buttons, footnote, banner, badge) covers the centre.
PLACES_IN_MAP_JS = """(places) => {
    const size = map.getSize();
    return places.map(([id, south, west, north, east]) => {
        const sw = map.latLngToContainerPoint([south, west]);
        const ne = map.latLngToContainerPoint([north, east]);
        const centre = {x: (sw.x + ne.x) / 2, y: (sw.y + ne.y) / 2};
        const inside = centre.x >= 0 && centre.y >= 0 && centre.x <= size.x && centre.y <= size.y;
        const top = inside ? document.elementFromPoint(centre.x, centre.y) : null;
        return {id: id, x: centre.x, y: centre.y, left: sw.x, right: ne.x, top: ne.y, bottom: sw.y,
            width: size.x, height: size.y,
            covered: !!(top && top.closest('.leaflet-control'))};
    });
}"""


def _briefing(data_dir: Path = GEODATA, briefing_id: str = BRIEFING) -> tuple[Any, Briefing]:
    catalog = load_catalog(data_dir).catalog
    briefings, issues = load_briefings(data_dir, catalog)
    assert issues == []
    return catalog, briefings[briefing_id]


def _viewport(size: str) -> dict[str, int]:
    width, height = SIZES[size]
    return {"width": width, "height": height}


def _box(app: BrowserPage, selector: str) -> dict[str, float]:
    box = app.page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not on the page"
    return box


def _meet(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def _on_scene(app: BrowserPage, briefing_id: str, number: int, total: int, highlights: int) -> None:
    """Presentation view shows scene ``number``, framed, its text drawn, and the app idle."""
    expect(app.main.locator(TITLE)).to_contain_text(f"{number}/{total} ·")
    wait_for_query(app, {"briefing": briefing_id, "scene": str(number)})
    app.wait_features(highlights, ".bm-highlight")
    app.settle()


def _check_title_above_the_map(app: BrowserPage, where: str) -> dict[str, float]:
    title, frame = _box(app, TITLE), _box(app, MAP_IFRAME)
    assert not _meet(title, frame), f"{where}: the title {title} runs into the map {frame}"
    assert title["y"] + title["height"] <= frame["y"], f"{where}: {title} is not above {frame}"
    width = app.page.viewport_size["width"]
    assert title["x"] >= 0 and title["x"] + title["width"] <= width, f"{where}: {title}"
    return frame


def _check_places_in_frame(
    app: BrowserPage, catalog: Any, place_ids: tuple[str, ...], frame: dict[str, float], where: str
) -> None:
    places = []
    for place_id in place_ids:
        west, south, east, north = catalog.places[place_id].geometry.bounds
        places.append([place_id, south, west, north, east])
    viewport = app.page.viewport_size
    for spot in app.map_frame().evaluate(PLACES_IN_MAP_JS, places):
        name = f"{where}: {spot['id']} at ({spot['x']:.0f}, {spot['y']:.0f}) in a map of {spot['width']}x{spot['height']}"
        assert MARGIN_PX <= spot["x"] <= spot["width"] - MARGIN_PX, name
        assert MARGIN_PX <= spot["y"] <= spot["height"] - MARGIN_PX, name
        # An outline wholly inside the map, not only its middle.
        assert spot["left"] >= 0 and spot["right"] <= spot["width"], name
        assert spot["top"] >= 0 and spot["bottom"] <= spot["height"], name
        assert not spot["covered"], f"{name} is under a control of the map"
        # And the map's frame there is on the screen.
        x, y = frame["x"] + spot["x"], frame["y"] + spot["y"]
        assert 0 <= x <= viewport["width"] and 0 <= y <= viewport["height"], name


def _scene_text(app: BrowserPage, catalog: Any, scene: Any) -> list[Any]:
    """The list items of the scene's talking points and change list, found by their words."""
    items = [app.main.locator("li").filter(has_text=point[:60]) for point in scene.talking_points]
    if scene.since:
        later = scene.as_of or catalog.as_of
        for change in changes_between(catalog, scene.since, later):
            items.append(app.main.locator("li").filter(has_text=change.claim.summary[:60]))
    for item in items:
        expect(item).to_have_count(1)
    return items


def _check_text_on_screen(app: BrowserPage, items: list[Any], where: str) -> None:
    viewport = app.page.viewport_size
    for item in items:
        box = item.bounding_box()
        assert box is not None
        text = item.inner_text()[:50]
        assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (
            f"{where}: {text!r} at {box} is off a {viewport} screen"
        )
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], f"{where}: {text!r}"
        # Made to fit by smaller type, but never smaller than a call can carry.
        px = item.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert px >= READABLE_PX, f"{where}: {text!r} in {px} px type"


def _check_text_follows_the_map(
    app: BrowserPage, items: list[Any], frame: dict[str, float], where: str
) -> None:
    for item in items:
        box = item.bounding_box()
        assert box is not None and box["y"] >= frame["y"] + frame["height"], f"{where}: {box}"
    # Reachable: scrolled to, each is on the screen.
    for item in items:
        item.scroll_into_view_if_needed()
        expect(item).to_be_in_viewport()


@pytest.mark.parametrize("size", list(SIZES))
def test_every_scene_frames_what_it_names_and_shows_its_text(
    open_page: Any, app_server: AppServer, size: str
) -> None:
    catalog, briefing = _briefing()
    total = len(briefing.scenes)
    app: BrowserPage = open_page(app_server, viewport=_viewport(size))
    for number, scene in enumerate(briefing.scenes, start=1):
        where = f"scene {number} at {size}"
        if number > 1 and size in TEXT_BESIDE_THE_MAP:
            # Beside the map, the briefer's way on: Next, a rerun of the page left unscrolled.
            with app.rerun():
                app.main.get_by_role("button", name="Next ▶").click()
        else:
            # On a phone the walk scrolls to the text under the map: each scene is
            # opened afresh, as a clicker reaches it, at the top of the page.
            app.goto(f"/?briefing={BRIEFING}&scene={number}&present=1")
        _on_scene(app, BRIEFING, number, total, len(scene.highlight))
        assert_steps_fit(app, where)
        frame = _check_title_above_the_map(app, where)
        # What the scene highlights and what its text speaks of (read in tests/shipped.py).
        named = tuple(
            dict.fromkeys(
                (*scene.highlight, *SCENE_SUBJECTS[number], *SCENE_BACKDROPS.get(number, ()))
            )
        )
        assert scene.highlight, f"{where} highlights nothing"
        _check_places_in_frame(app, catalog, named, frame, where)
        items = _scene_text(app, catalog, scene)
        if size in TEXT_BESIDE_THE_MAP:
            _check_text_on_screen(app, items, where)
        else:
            _check_text_follows_the_map(app, items, frame, where)
    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == []


def test_home_and_end_go_to_the_first_and_the_last_scene(
    open_page: Any, app_server: AppServer
) -> None:
    _, briefing = _briefing()
    total = len(briefing.scenes)
    assert total >= 3, "the briefing needs a scene in the middle for this test"
    app: BrowserPage = open_page(app_server, viewport=_viewport("1280x720"))
    app.goto(f"/?briefing={BRIEFING}&scene=2&present=1")
    _on_scene(app, BRIEFING, 2, total, len(briefing.scenes[1].highlight))
    app.page.keyboard.press("End")
    _on_scene(app, BRIEFING, total, total, len(briefing.scenes[-1].highlight))
    app.page.keyboard.press("Home")
    _on_scene(app, BRIEFING, 1, total, len(briefing.scenes[0].highlight))
    # At the first scene Home does nothing (its button is disabled), and no rerun starts.
    runs = app.script_runs()
    app.page.keyboard.press("Home")
    app.wait_idle()
    assert app.script_runs() == runs
    # With a modifier held the keys are the browser's, and in a form control they are the control's.
    app.page.keyboard.press("Control+End")
    box = app.main.get_by_role("combobox", name="Claim card")
    box.click()
    box.press("End")
    box.press("Escape")
    app.wait_idle()
    expect(app.main.locator(TITLE)).to_contain_text(f"1/{total} ·")
    # The First/Last pair takes no room and is not announced: the row's buttons do that work.
    expect(app.main.get_by_role("button", name="Last scene")).to_have_count(0)
    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == []


# ------------------------------------------------------------ a generated briefing


@pytest.mark.parametrize("size", list(SIZES))
def test_a_long_title_wraps_above_the_map(
    open_page: Any, long_title_server: AppServer, size: str
) -> None:
    assert len(SCENE_TITLE) == 120
    app: BrowserPage = open_page(long_title_server, viewport=_viewport(size))
    app.goto(f"/?briefing={LONG_BRIEFING}&scene=1&present=1")
    _on_scene(app, LONG_BRIEFING, 1, 2, 2)
    title = app.main.locator(TITLE)
    expect(title).to_contain_text(SCENE_TITLE.strip())
    lines = title.evaluate(
        """h => { const r = document.createRange(); r.selectNodeContents(h);
            return new Set([...r.getClientRects()].map(c => Math.round(c.bottom))).size; }"""
    )
    assert lines >= 2, f"the title was meant to wrap at {size}"
    _check_title_above_the_map(app, f"the long title at {size}")
    expect(app.exceptions()).to_have_count(0)
