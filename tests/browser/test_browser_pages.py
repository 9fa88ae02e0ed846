"""Every page in a real browser: no exception, no console error, no outside request but tiles."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import BrowserPage, expect, expected_for

from briefmap.drawing import exports
from briefmap.drawing.mapping import Layer
from briefmap.engine.query import ClaimFilter
from briefmap.screenshots import AppServer, is_tile_url

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/", "Russia in Syria after the Putin–al-Sharaa meeting"),
        ("/claims", "Claims"),
        ("/sources", "Sources & method"),
    ],
)
def test_page_loads_without_errors(app: BrowserPage, path: str, title: str) -> None:
    app.goto(path)
    expect(app.main.locator("h1").first).to_have_text(title)
    if path == "/":
        app.wait_features(expected_for(GEODATA).features)
        app.map().locator(".bm-legend").wait_for()
    else:
        app.main.locator('[data-testid="stDataFrame"]').first.wait_for()
    app.page.wait_for_load_state("networkidle")
    app.wait_idle()

    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == [], "uncaught script errors"
    assert app.console_errors() == [], "console errors other than the blocked basemap tiles"
    assert [u for u in app.aborted if not is_tile_url(u)] == []


def test_every_layer_draws_with_tiles_blocked(app: BrowserPage) -> None:
    expected = expected_for(GEODATA)
    app.goto("/")
    app.wait_features(expected.features)
    app.page.wait_for_load_state("networkidle")

    for layer, count in expected.per_layer.items():
        assert app.count_in_map(f".bm-layer-{layer.slug}") == count, layer.value
    assert app.count_in_map(".bm-arrow") == expected.arrows
    assert app.count_in_map(".bm-legend") == 1
    overlays = app.map().locator(".leaflet-control-layers-overlays label")
    names = [n.strip() for n in overlays.all_inner_texts()]
    for layer in Layer:
        assert layer.value in names, f"the layer control has no {layer.value!r}"
    checked = overlays.locator("input").evaluate_all("els => els.map(e => e.checked)")
    assert len(checked) == len(names) >= len(Layer)
    assert all(checked), f"some overlays are switched off: {dict(zip(names, checked, strict=True))}"

    # The basemap asked for tiles (and was refused): that is the only outside traffic.
    assert app.aborted, "expected the basemap to ask for tiles"
    assert [u for u in app.aborted if not is_tile_url(u)] == []
    assert [u for u in app.aborted if urlsplit(u).path.endswith((".js", ".css"))] == []


def test_first_session_keeps_filters(open_page, fresh_server: AppServer) -> None:
    # A server's first session once ran in Streamlit's legacy pages/ folder mode
    # and lost every filter on its first rerun ("Showing 0 of N").
    everything = expected_for(GEODATA)
    tartus = expected_for(GEODATA, ClaimFilter(search="Tartus"))
    assert tartus.summary_line != everything.summary_line
    app: BrowserPage = open_page(fresh_server)
    app.goto("/")
    app.wait_features(everything.features)
    app.expect_summary(everything.summary_line)

    search = app.sidebar.get_by_role("textbox", name="Search places")
    search.fill("Tartus")
    search.press("Enter")
    expect(app.summary()).not_to_have_text(everything.summary_line)
    app.wait_idle()

    assert app.summary().inner_text() == tartus.summary_line


def test_export_menu_downloads_what_the_map_shows(app: BrowserPage) -> None:
    expected = expected_for(GEODATA)
    catalog, selection = expected.catalog, expected.selection
    app.goto("/")
    app.wait_features(expected.features)
    app.settle()
    runs = app.script_runs()

    app.main.get_by_role("button", name="Export").click()
    menu = app.page.locator('[data-testid="stPopoverBody"]')
    expect(menu).to_be_visible()
    bundle, table, page = (
        app.download(menu.get_by_role("button", name=label))
        for label in ("GeoJSON (loads back into Briefmap)", "CSV of the claims", "HTML map")
    )
    app.wait_idle()
    # No download reran the app (a rerun could lose the file: see app.panels.deferred_download).
    assert app.script_runs() == runs

    assert bundle.decode("utf-8") == exports.bundle_json(catalog, selection)
    assert table == exports.claims_csv(catalog, selection)
    html = page.decode("utf-8")
    assert "<title>Russia in Syria after the Putin–al-Sharaa meeting</title>" in html
    assert f"As of {catalog.as_of}" in html
    assert f"Sources cited ({len(catalog.index.cited_sources(selection))})" in html
    assert "L.map(" in html


# Both pages show both ways out; each way is taken on one of them (one page
# load each): scenes.presentation_frame draws the pair for every page but the map.
@pytest.mark.parametrize(
    ("path", "way_out"), [("/claims?present=1", "back"), ("/sources?present=1", "exit")]
)
def test_presentation_view_pages_lead_back_to_the_map(
    app: BrowserPage, path: str, way_out: str
) -> None:
    # The sidebar and its page list are hidden in presentation view.
    app.page.set_viewport_size({"width": 1280, "height": 720})
    app.goto(path)
    expect(app.sidebar).to_be_hidden()
    back = app.main.get_by_role("link", name="Back to the map")
    leave = app.main.get_by_role("button", name="Exit presentation view")
    expect(back).to_be_visible()
    expect(leave).to_be_visible()
    if way_out == "back":
        back.click()
        app.map().locator(".leaflet-container").wait_for()
        expect(app.main.locator("h1")).to_have_count(0)  # presentation view's compact heading
        assert "present=1" in app.page.url
    else:
        leave.click()
        expect(app.sidebar).to_be_visible()
        expect(app.page).not_to_have_url(re.compile(r"present="))


def test_the_claims_table_shows_places_without_scrolling_sideways(app: BrowserPage) -> None:
    app.page.set_viewport_size({"width": 1280, "height": 720})
    app.goto("/claims")
    grid = app.main.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    # The grid draws on a canvas; its accessible table holds the columns in view.
    in_view = grid.locator("th")
    expect(in_view.first).to_be_attached()
    assert "Places" in in_view.all_text_contents()[:3], in_view.all_text_contents()
