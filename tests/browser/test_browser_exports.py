"""Exports are what is on screen (issue 25, finding 6), in Chromium.

The HTML and PNG exports of scene 2 (the south) and of a panned map showed the
whole country without the scene's highlights. Here the app's own Export menu
gives the files, the HTML is opened offline in Chromium and its map's view
read back, and the PNG is compared between views.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser_support import WAIT_MS, BrowserPage, expect, wait_for_query

from briefmap.data.loader import load_catalog
from briefmap.drawing.png_export import FRAMED_JS
from briefmap.engine.briefings import load_briefings
from briefmap.engine.interaction import places_bounds
from briefmap.engine.state import MapArea

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"

BRIEFING = "moscow-meeting"
SOUTH = 2  # the scene of the south, next to the Golan
QAMISHLI = (37.05, 41.23)  # (lat, lon): the north-east, in no frame of the south
PNG_WAIT_MS = 90_000  # Chromium draws it on a machine shared with other tests

# The exported map's view once framed: [south, west, north, east].
READ_BOUNDS_JS = """() => {
    const map = window[Object.keys(window).find((k) => k.startsWith("map_"))];
    const b = map.getBounds();
    return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()];
}"""


def _south_scene() -> tuple[Any, list[list[float]]]:
    catalog = load_catalog(GEODATA).catalog
    briefings, issues = load_briefings(GEODATA, catalog)
    assert not issues
    scene = briefings[BRIEFING].scenes[SOUTH - 1]
    bounds = places_bounds(catalog, scene.highlight)
    assert bounds is not None
    return scene, bounds


def _contains(view: list[float], lat: float, lon: float) -> bool:
    return view[0] <= lat <= view[2] and view[1] <= lon <= view[3]


@contextmanager
def _exported_page(browser: Any, html: str) -> Iterator[Any]:
    """An exported page open offline (every request refused), its map framed."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route("**/*", lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.set_content(html)
        page.wait_for_function(FRAMED_JS, polling=50, timeout=WAIT_MS)
        yield page
        assert not errors, errors
    finally:
        context.close()


def _menu(app: BrowserPage) -> Any:
    """The Export menu, opened."""
    app.main.locator('[data-testid="stPopover"]').filter(has_text="Export").click()
    menu = app.page.locator('[data-testid="stPopoverBody"]')
    expect(menu).to_be_visible()
    return menu


def _draw_png(app: BrowserPage, menu: Any) -> bytes:
    """Ask for a PNG in the open menu and save it once drawn."""
    menu.get_by_role("button", name="PNG snapshot").click()
    save = menu.get_by_role("button", name="Save the PNG")
    expect(save).to_be_visible(timeout=PNG_WAIT_MS)  # the menu stays open through the reruns
    png = app.download(save)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return png


def _pixels(png: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        return image.convert("RGB").tobytes()


def test_the_south_scene_exports_its_frame_and_highlights(app: BrowserPage, browser: Any) -> None:
    scene, (lower, upper) = _south_scene()
    app.goto(f"/?briefing={BRIEFING}&scene={SOUTH}")
    app.settle()
    menu = _menu(app)
    html = app.download(menu.get_by_role("button", name="HTML map (opens offline)")).decode()
    with _exported_page(browser, html) as page:
        shown = page.evaluate(READ_BOUNDS_JS)
        rings = page.locator("path.bm-highlight").count()
        heading = " ".join(page.locator(".bm-export-scene").all_inner_texts())
        as_of = page.locator(".bm-export-asof").inner_text()
    # The south and its highlights, not the whole country.
    assert _contains(shown, *lower) and _contains(shown, *upper), shown
    assert not _contains(shown, *QAMISHLI), shown
    assert rings == len(scene.highlight) == 4
    assert f"scene {SOUTH} of" in heading and scene.title in heading
    assert as_of.startswith("As of ")

    scene_png = _draw_png(app, menu)
    # The whole data set's area, from the same menu: another picture, no rings.
    with app.rerun():
        menu.get_by_text("Map of the whole data set's area").click()
    expect(menu.get_by_role("button", name="Save the PNG")).to_have_count(0)
    whole_html = app.download(menu.get_by_role("button", name="HTML map (opens offline)")).decode()
    with _exported_page(browser, whole_html) as page:
        whole = page.evaluate(READ_BOUNDS_JS)
        assert page.locator("path.bm-highlight").count() == len(scene.highlight)
    assert _contains(whole, *QAMISHLI), whole
    assert _pixels(_draw_png(app, menu)) != _pixels(scene_png)


def test_a_pan_is_exported_and_asks_for_a_new_png(app: BrowserPage, browser: Any) -> None:
    app.goto("/")
    app.settle()
    menu = _menu(app)
    before = _draw_png(app, menu)
    app.page.keyboard.press("Escape")
    expect(menu).to_be_hidden()

    # The user's own move to the south: its area goes into the link.
    app.focus_on(32.9, 36.1, 9, at=(0.5, 0.5))
    query = wait_for_query(app, has={"area": None})
    app.settle()
    south, west, north, east = (float(v) for v in query["area"].split(","))
    area = MapArea(south, west, north, east)

    menu = _menu(app)
    # The PNG drawn before shows another view: the menu asks for a new one.
    expect(menu.get_by_role("button", name="Save the PNG")).to_have_count(0)
    html = app.download(menu.get_by_role("button", name="HTML map (opens offline)")).decode()
    with _exported_page(browser, html) as page:
        shown = page.evaluate(READ_BOUNDS_JS)
    # The link's area, framed exactly (the exported page may be another size).
    tolerance = 1e-3
    assert shown[0] <= area.south + tolerance and shown[2] >= area.north - tolerance, shown
    assert shown[1] <= area.west + tolerance and shown[3] >= area.east - tolerance, shown
    assert not _contains(shown, *QAMISHLI), shown
    assert _pixels(_draw_png(app, menu)) != _pixels(before)
