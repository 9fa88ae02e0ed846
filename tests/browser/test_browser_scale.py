"""The app itself on thousands of claims: canvas layers, filters, clicks and the card's search.

Above ``bulk.BULK_THRESHOLD`` drawn places the app draws each layer on one
canvas instead of a marker per place, and above ``app.card.CARD_LIST_LIMIT``
the claim card is found by name. Both are checked here in the running app, with
synthetic data from the benchmark's generator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser_support import MAP_IFRAME, BrowserPage, expect, serving

from bench.synth import generate
from briefmap.app.card import CARD_LIST_LIMIT, CARD_MATCHES
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing import bulk
from briefmap.drawing.map_elements import LABELS_FROM_ZOOM
from briefmap.engine.query import ClaimFilter, select
from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser

CLAIM_MARKERS = ".leaflet-marker-icon:not(.bm-outline-city)"

N_CLAIMS = 3_000

DRAWN = "() => Object.values(window.__briefmapDrawn || {}).reduce((a, b) => a + b, 0)"
VISIBLE_LABELS = (
    "() => [...document.querySelectorAll('.bm-label')]"
    ".filter((e) => getComputedStyle(e).display !== 'none').length"
)


@pytest.fixture(scope="module")
def scale_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("scale") / "data", N_CLAIMS).path


@pytest.fixture(scope="module")
def catalog(scale_data: Path) -> Catalog:
    loaded = load_catalog(scale_data)
    assert loaded.ok, loaded.report()
    return loaded.catalog


@pytest.fixture(scope="module")
def scale_server(
    chromium_path: str, scale_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    with serving(tmp_path_factory, "scale", scale_data) as server:
        yield server


def _features(catalog: Catalog, claim_filter: ClaimFilter) -> int:
    return catalog.index.count_features(select(catalog, claim_filter))


def _wait_drawn(app: BrowserPage, count: int) -> None:
    app.map_frame().wait_for_function(f"n => ({DRAWN})() === n", arg=count, timeout=60_000)


def _lonely_point(catalog: Catalog, claim_filter: ClaimFilter) -> str:
    """A drawn point place with no other place within about 2 km, to click on."""
    shown = [
        p
        for p in select(catalog, claim_filter).place_ids
        if catalog.places[p].geometry.geom_type == "Point"
    ]
    xy = np.array([(catalog.places[p].geometry.x, catalog.places[p].geometry.y) for p in shown])
    every = np.array(
        [
            (p.geometry.centroid.x, p.geometry.centroid.y)
            for p in catalog.places.values()
            if not p.off_map
        ]
    )
    for pid, (x, y) in zip(shown, xy, strict=True):
        near = np.hypot(every[:, 0] - x, every[:, 1] - y)
        if np.count_nonzero(near < 0.02) == 1:
            return pid
    raise AssertionError("no lonely point in the synthetic data")


def _click_place(app: BrowserPage, catalog: Catalog, place_id: str) -> None:
    point = catalog.places[place_id].geometry
    app.focus_on(point.y, point.x, 14, at=(0.4, 0.4))
    frame = app.map_frame()
    frame.wait_for_function("() => !map.__briefmapPoints.drawing")
    spot: Any = frame.evaluate(
        "([lat, lng]) => map.latLngToContainerPoint([lat, lng])", [point.y, point.x]
    )
    box = app.page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    app.page.mouse.click(box["x"] + spot["x"], box["y"] + spot["y"])


def test_thousands_of_claims_draw_on_canvas_and_filter(
    open_page: Any, scale_server: AppServer, catalog: Catalog
) -> None:
    everything = ClaimFilter()
    assert _features(catalog, everything) > bulk.BULK_THRESHOLD
    app = open_page(scale_server)
    app.goto("/")
    _wait_drawn(app, _features(catalog, everything))
    app.expect_summary(select(catalog, everything).summary_line)
    # One canvas, not an element per place (the outline geography's city
    # markers are the map's own, not places of the data).
    assert app.count_in_map(CLAIM_MARKERS) == 0
    assert app.map_frame().evaluate("() => map.__briefmapPoints.drawnInView") > 0
    # The points came as files the frame fetched (app/layer_files.py), not in its script.
    fetched = app.map_frame().evaluate(
        "() => performance.getEntriesByType('resource').map((e) => e.name)"
        ".filter((u) => u.includes('/app/static/layers/'))"
    )
    assert fetched and all(u.endswith(".json.gz") for u in fetched), fetched

    # Fewer than BULK_THRESHOLD places: back to a marker per place, canvas emptied.
    israel = ClaimFilter(actors=frozenset({"israel"}))
    assert _features(catalog, israel) <= bulk.BULK_THRESHOLD
    # Named as the data names it (the synthetic set has no briefmap.json: by its id).
    app.keep_only("Actor", catalog.meta.actor("israel").name_en)
    app.expect_summary(select(catalog, israel).summary_line)
    app.wait_features(_features(catalog, israel))
    _wait_drawn(app, 0)
    # Hundreds of markers: their labels wait until the briefer zooms in.
    frame = app.map_frame()
    assert frame.evaluate("() => map.getZoom()") < LABELS_FROM_ZOOM
    assert frame.evaluate(VISIBLE_LABELS) == 0
    frame.evaluate(f"() => map.setZoom({LABELS_FROM_ZOOM}, {{animate: false}})")
    frame.wait_for_function(f"() => ({VISIBLE_LABELS})() > 0")
    app.wait_idle()
    # And above it again: the canvas, no markers.
    app.page.get_by_role("button", name="Reset filters").first.click()
    app.expect_summary(select(catalog, everything).summary_line)
    _wait_drawn(app, _features(catalog, everything))
    app.wait_features(0, selector=CLAIM_MARKERS)  # outlines stay SVG paths
    assert not app.page_errors
    assert all("/{z}/" in u or "tile" in u for u in app.aborted), app.aborted


def test_a_click_on_a_canvas_point_opens_its_claim_card(
    open_page: Any, scale_server: AppServer, catalog: Catalog
) -> None:
    place_id = _lonely_point(catalog, ClaimFilter())
    name = catalog.places[place_id].name_en
    app = open_page(scale_server)
    app.goto("/")
    _wait_drawn(app, _features(catalog, ClaimFilter()))
    _click_place(app, catalog, place_id)
    card = app.claim_card()
    expect(card.locator("h2").filter(has_text=name)).to_be_visible(timeout=30_000)
    app.wait_idle()
    claims = select(catalog, ClaimFilter()).claims_at(place_id)
    text = app.text_showing(card, *(claim.summary for claim in claims))
    assert len(re.findall(r"Sources?:", text)) == len(claims)


def test_with_thousands_of_places_the_card_is_found_by_name(
    open_page: Any, scale_server: AppServer, catalog: Catalog
) -> None:
    shown = select(catalog, ClaimFilter()).place_ids
    assert len(shown) > CARD_LIST_LIMIT
    app = open_page(scale_server)
    app.goto("/")
    card = app.claim_card()
    search = card.get_by_role("textbox", name="Find a place for the claim card")
    # No Enter: the list follows the typing once it pauses (card.CARD_SEARCH_PAUSE).
    # Enter applies at once: the retry if the typing's change never reached the app.
    with app.rerun(retry=lambda: search.press("Enter"), what="the typed place search"):
        search.fill("raqqa")
    matches = catalog.index.find_places(shown, "raqqa", CARD_MATCHES)
    assert matches
    card.get_by_role("combobox", name="Claim card").click()
    options = app.page.get_by_role("option")
    expect(options.first).to_be_visible(timeout=30_000)
    # The list is virtual (only the rows in sight are in the page): every row
    # shown is a match, never one of the thousands of other places.
    names = {catalog.places[p].name_en for p in matches}
    shown_names = options.all_inner_texts()
    assert shown_names and set(shown_names) <= names, shown_names
    first = catalog.places[matches[0]].name_en
    options.filter(has_text=first).first.click()
    app.wait_idle()
    expect(card.locator("h2").filter(has_text=first)).to_be_visible(timeout=30_000)
