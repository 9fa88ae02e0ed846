"""The map offline: with the basemap's tiles blocked it draws its own coast, borders and cities.

Every browser test's page aborts requests to anywhere but the app (conftest's
``open_page``), tiles included; this test also routes the tile hosts to an
abort of its own, so it says what it tests whatever the fixture does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, BrowserPage, expect, expected_for, layer_control_names

from briefmap.drawing.outlines import BASEMAP_UNAVAILABLE, OUTLINE_LAYER
from briefmap.screenshots import TILE_HOSTS, is_tile_url

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
GEODATA = REPO / "geodata"
ARTIFACTS = REPO / "artifacts" / "browser"
OUTLINE_PATHS = ".leaflet-bm-outlines-pane path"


@pytest.fixture(scope="module")
def offline_map(open_module_page: Any, app_server: Any) -> BrowserPage:
    """The Map page at 1280x720 with the tile hosts routed to an abort: one load for both tests."""
    app: BrowserPage = open_module_page(app_server, viewport={"width": 1280, "height": 720})
    for host in TILE_HOSTS:
        app.page.route(f"https://{host}/**", lambda route: route.abort())
        app.page.route(f"https://*.{host}/**", lambda route: route.abort())
    app.goto("/")
    return app


def test_blocked_tiles_leave_the_map_its_own_geography(offline_map: BrowserPage) -> None:
    expected = expected_for(GEODATA)
    app = offline_map
    app.wait_features(expected.features)
    frame = app.map()

    note = frame.locator(".bm-basemap-note")
    expect(note).to_have_text(BASEMAP_UNAVAILABLE)
    expect(note).to_be_visible()
    assert any(is_tile_url(url) for url, _why in app.failed), "no tile was asked for"

    # Coast, borders and governorate lines are drawn and lie on the map's screen:
    # one path per line style (they take no pointer), each of many lines.
    drawn = app.map_frame().evaluate(
        """sel => {
            const box = map.getContainer().getBoundingClientRect();
            return [...document.querySelectorAll(sel)].map(p => {
                const r = p.getBoundingClientRect();
                return {
                    lines: (p.getAttribute('d').match(/M/g) || []).length,
                    onScreen: r.width + r.height > 20 && r.right > box.left && r.left < box.right
                        && r.bottom > box.top && r.top < box.bottom,
                    stroke: p.getAttribute('stroke'),
                };
            });
        }""",
        OUTLINE_PATHS,
    )
    assert len(drawn) == 3, drawn  # coast, borders, governorates
    assert len({p["stroke"] for p in drawn}) == 3, drawn
    assert all(p["onScreen"] for p in drawn), drawn
    assert sum(p["lines"] for p in drawn) >= 20, drawn  # the lines in view, after clipping
    names = frame.locator(".bm-outline-name").all_text_contents()
    assert "Aleppo" in names and "Beirut" in names, names

    # The tiles' attribution is gone; the outlines' own is there.
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "Esri" not in attribution and "OpenStreetMap" not in attribution, attribution
    assert "Natural Earth" in attribution, attribution

    # The claims stay above the outlines: a marker is still what a click finds.
    assert app.count_in_map(".bm-feature") == expected.features

    # The picture in docs/ (copied from artifacts/ by hand): the map framed on
    # Syria, its legend folded.
    legend = frame.locator(".bm-legend summary")
    if legend.count():
        legend.click()
    app.focus_on(34.9, 38.3, zoom=6, at=(0.4, 0.6))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "map-offline-1280x720.png"
    app.page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    app.page.locator(MAP_IFRAME).screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000

    # The layer control turns the outlines off and on again.
    assert OUTLINE_LAYER in layer_control_names(app)
    toggle = frame.locator(".leaflet-control-layers-overlays label").filter(has_text=OUTLINE_LAYER)
    paths = frame.locator(OUTLINE_PATHS)
    toggle.locator("input").uncheck()
    expect(paths).to_have_count(0)
    toggle.locator("input").check()
    expect(paths).to_have_count(3)
    assert app.page_errors == []


def test_a_briefing_screen_has_no_deploy_button(offline_map: BrowserPage) -> None:
    # .streamlit/config.toml's toolbarMode "viewer" (the test server runs with it).
    app = offline_map
    app.map()
    expect(app.page.get_by_test_id("stToolbar")).to_have_count(1)
    expect(app.page.get_by_role("button", name="Deploy")).to_have_count(0)
    expect(app.page.get_by_text("Deploy", exact=True)).to_have_count(0)
