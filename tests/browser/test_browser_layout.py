"""The Map page and presentation view fit the screen (issue 13, finding 6).

At 1280x720 (a shared screen) and 1920x1080, with nothing scrolled: the map
lies wholly on screen and is the main thing on it, the row of Fit map / Copy
link / Export under it is on screen too, and in presentation view no
button's text is cut, nothing leaves a blank band at the bottom, and the
map's key is a strip under the map, not a legend over it.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import MAP_IFRAME, BrowserPage, expect

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
SIZE_IDS = ["720p", "1080p"]
FOOTER = ("Fit map to shown places", "Copy link", "Export")

# Every element inside a button whose text overflows its box ("Fit map to sh…").
CUT_TEXT = """button => [button, ...button.querySelectorAll('*')]
    .filter(el => !(el instanceof SVGElement) && el.scrollWidth > el.clientWidth + 1)
    .map(el => el.textContent)"""


def _open(open_page: Any, server: Any, size: tuple, path: str) -> BrowserPage:
    app: BrowserPage = open_page(server, viewport={"width": size[0], "height": size[1]})
    app.goto(path)
    app.map()
    app.settle()
    return app


def _box(locator: Any) -> dict[str, float]:
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    return box


def _on_screen(box: dict[str, float], size: tuple) -> bool:
    return (
        box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= size[0]
        and box["y"] + box["height"] <= size[1]
    )


def _footer_button(app: BrowserPage, name: str) -> Any:
    return app.main.locator("button").filter(has_text=name).first


def _assert_map_and_footer_fit(app: BrowserPage, size: tuple) -> dict[str, float]:
    scrolled = app.page.evaluate(
        "() => [window.scrollY, document.querySelector('[data-testid=\"stMain\"]').scrollTop]"
    )
    assert scrolled == [0, 0], scrolled
    map_box = _box(app.page.locator(MAP_IFRAME))
    assert _on_screen(map_box, size), f"at {size} the map is at {map_box}"
    assert map_box["height"] >= size[1] / 2, f"at {size} the map is {map_box['height']:.0f} px tall"
    for name in FOOTER:
        box = _box(_footer_button(app, name))
        assert _on_screen(box, size), f"at {size} {name!r} is at {box}, off the screen"
        assert box["y"] >= map_box["y"] + map_box["height"], f"{name!r} is not under the map"
    return map_box


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize(
    "path", ["/", "/?briefing=moscow-meeting&scene=1"], ids=["map-page", "scene"]
)
def test_map_page_shows_the_map_and_its_buttons_without_scrolling(
    open_page: Any, app_server: Any, size: tuple, path: str
) -> None:
    app = _open(open_page, app_server, size, path)
    _assert_map_and_footer_fit(app, size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize(
    "path", ["/?present=1", "/?briefing=moscow-meeting&scene=1&present=1"], ids=["map", "scene"]
)
def test_presentation_view_fits_with_nothing_cut_or_blank(
    open_page: Any, app_server: Any, size: tuple, path: str
) -> None:
    app = _open(open_page, app_server, size, path)
    map_box = _assert_map_and_footer_fit(app, size)
    buttons = [*FOOTER, "Exit"] + (["Previous", "Next"] if "scene" in path else [])
    lowest = 0.0
    for name in buttons:
        button = _footer_button(app, name)
        box = _box(button)
        assert _on_screen(box, size), (name, box)
        assert button.evaluate(CUT_TEXT) == [], f"at {size} the text of {name!r} is cut"
        lowest = max(lowest, box["y"] + box["height"])
    # No blank band: the map, its key and the row of buttons reach the screen's foot.
    assert lowest >= 0.85 * size[1], f"at {size} everything ends at {lowest:.0f} px"

    # The key is a strip under the map, outside it, in a line or two; none in the map.
    strip = app.main.locator(".bm-keystrip")
    strip_box = _box(strip)
    assert _on_screen(strip_box, size), strip_box
    assert strip_box["y"] >= map_box["y"] + map_box["height"], "the key is not under the map"
    assert strip_box["height"] <= 48, f"the key takes {strip_box['height']:.0f} px"
    for word in ("Actor", "Russia", "Status", "Confirmed", "Posture"):
        expect(strip).to_contain_text(word)
    expect(app.map().locator(".bm-legend")).to_have_count(0)
    expect(app.map().locator(".bm-footnote")).to_be_visible()
