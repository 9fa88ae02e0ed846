"""Line places in the browser (issue 26): drawn with their status's dash, a click
on one opens its card. On a generated data set (``lines_data``), served as the
app's data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, WAIT_MS, AppServer, expect, serving
from lines_data import STATUSES, write_lines_data

from briefmap.data.schema import ClaimStatus
from briefmap.drawing.symbology import STATUS_STYLES

# The dash of each drawn stroke (Leaflet writes it as the path's attribute).
STROKES_JS = """() => Array.from(document.querySelectorAll('path.bm-line-stroke'))
    .map(p => p.getAttribute('stroke-dasharray'))"""

# Where a spot on the map is, in the map's frame.
SPOT_JS = """([lat, lng]) => {
    const p = map.latLngToContainerPoint([lat, lng]);
    const box = map.getContainer().getBoundingClientRect();
    return {x: box.left + p.x, y: box.top + p.y};
}"""


# Each line's name: its text, where its label's anchor is, whether label-room.js hid it,
# and where the line's middle is (its middle vertex, in lines_data).
LINE_LABELS_JS = """(middles) => Array.from(document.querySelectorAll('.bm-line-name')).map(icon => {
    const label = icon.querySelector('.bm-line-label');
    const at = map.getContainer().getBoundingClientRect(), box = icon.getBoundingClientRect();
    const text = label.getBoundingClientRect();
    const middle = middles[label.textContent];
    const p = middle ? map.latLngToContainerPoint(middle) : {x: NaN, y: NaN};
    return {name: label.textContent, dx: box.left - at.left - p.x, dy: box.top - at.top - p.y,
            hidden: label.classList.contains('bm-label-crowded'),
            room: typeof map.__briefmapLabelsHidden === 'number',
            box: [text.left - at.left, text.top - at.top, text.right - at.left, text.bottom - at.top],
            frame: [at.width, at.height]};
})"""


@pytest.fixture(scope="module")
def lines_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    data = write_lines_data(tmp_path_factory.mktemp("lines") / "data")
    with serving(tmp_path_factory, "lines", data) as server:
        yield server


def _card_name(app: Any) -> str:
    return app.claim_card().get_by_role("combobox", name="Claim card").input_value()


def test_a_line_place_is_drawn_takes_a_click_and_opens_its_card(
    open_page: Any, lines_server: AppServer
) -> None:
    app = open_page(lines_server)
    app.goto("/")
    app.wait_features(7)  # six line places (their hit lines) and the depot's marker
    app.settle()
    frame = app.map_frame()
    assert frame.locator("path.bm-feature.bm-line").count() == 6
    dashes = frame.evaluate(STROKES_JS)
    for status in STATUSES:
        dash = STATUS_STYLES[ClaimStatus(status)].dash
        assert (dash in dashes) if dash else (None in dashes), (status, dashes)
    # Each line is named at its middle, a label label-room.js gives room as a
    # point's: inside the map, clear of the others, or hidden (the last route's,
    # cut by the map's edge and in the way of its neighbour's when flipped).
    middles = {f"Route {s}": [42.0, 10.5 + i * 0.7 + 0.2] for i, s in enumerate(STATUSES)}
    labels = {label["name"]: label for label in frame.evaluate(LINE_LABELS_JS, middles)}
    assert set(middles) <= set(labels), labels
    for name in middles:
        assert abs(labels[name]["dx"]) < 2 and abs(labels[name]["dy"]) < 2, labels[name]
        assert labels[name]["room"], labels[name]
    shown = [label for label in labels.values() if not label["hidden"]]
    assert len(shown) >= len(middles) - 1, labels
    for one in shown:
        (left, top, right, bottom), (width, height) = one["box"], one["frame"]
        assert left >= 0 and right <= width and top >= 0 and bottom <= height, one
        for other in shown:
            o_left, o_top, o_right, o_bottom = other["box"]
            apart = right <= o_left or o_right <= left or bottom <= o_top or o_bottom <= top
            assert other is one or apart, (one, other)
    # A click a few pixels off the line still lands on its wide hit line.
    box = app.page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    for status in ("reported", "confirmed"):
        name = f"Route {status}"
        assert _card_name(app) != name, "the card already shows it: proves nothing"
        lon = 10.5 + STATUSES.index(status) * 0.7 + 0.1  # half way along the first segment
        spot = frame.evaluate(SPOT_JS, [41.5, lon])
        app.page.mouse.click(box["x"] + spot["x"] + 4, box["y"] + spot["y"])
        card = app.claim_card().get_by_role("combobox", name="Claim card")
        expect(card).to_have_value(name, timeout=WAIT_MS)


# ------------------------------------------------------------ the canvas renderer

# Records each line layer's click, and gives a spot's place on the page.
CANVAS_SETUP_JS = """([lat, lng]) => {
    window.__bmOpened = [];
    for (const parts of Object.values(window.__briefmapLayers)) {
        for (const part of parts) {
            if (part.lineAt) { part.on("click", (e) => window.__bmOpened.push(map.__bmReport.place)); }
        }
    }
    const p = map.latLngToContainerPoint([lat, lng]);
    const box = map.getContainer().getBoundingClientRect();
    return {x: box.left + p.x, y: box.top + p.y};
}"""


@pytest.fixture(scope="module")
def canvas_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated lines drawn by the canvas renderer, offline (bench/browser.py's page)."""
    from bench.browser import page_html
    from briefmap.data.loader import load_catalog
    from briefmap.drawing import bulk
    from briefmap.engine.query import ClaimFilter, select

    catalog = load_catalog(write_lines_data(tmp_path_factory.mktemp("lines-canvas") / "d")).catalog
    path = tmp_path_factory.mktemp("lines-canvas-page") / "page.html"
    layers = bulk.build_bulk_layers(catalog, select(catalog, ClaimFilter()))
    path.write_text(page_html(catalog, layers), encoding="utf-8")
    return path


def test_the_canvas_renderer_draws_a_line_and_a_click_near_it_opens_it(
    browser: Any, canvas_page: Path
) -> None:
    from browser_support import offline_bench_page

    with offline_bench_page(browser, canvas_page, width=1280, height=800) as page:
        lon = 10.5 + STATUSES.index("reported") * 0.7 + 0.1
        spot = page.evaluate(CANVAS_SETUP_JS, [41.5, lon])
        # Hovered a few pixels off the line: its tooltip names it.
        page.mouse.move(spot["x"] + 4, spot["y"])
        tip = page.locator(".leaflet-tooltip.bm-tooltip")
        expect(tip).to_contain_text("Route reported", timeout=WAIT_MS)
        page.mouse.click(spot["x"] + 4, spot["y"])
        page.wait_for_function("window.__bmOpened.length > 0", timeout=WAIT_MS)
        assert page.evaluate("window.__bmOpened") == ["route_reported"]
        # Well away from every line, a click opens none.
        page.mouse.click(spot["x"] + 40, spot["y"])
        assert page.evaluate("window.__bmOpened") == ["route_reported"]


DEPOTS = 600  # more places than the markers draw: the app draws them on its canvas
DRAWN_JS = "() => Object.values(window.__briefmapDrawn || {}).reduce((a, b) => a + b, 0)"


@pytest.fixture(scope="module")
def crowded_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    data = write_lines_data(tmp_path_factory.mktemp("lines-crowded") / "data", depots=DEPOTS)
    with serving(tmp_path_factory, "lines-crowded", data) as server:
        yield server


def test_in_the_app_a_click_near_a_line_on_the_canvas_opens_its_card(
    open_page: Any, crowded_server: AppServer
) -> None:
    app = open_page(crowded_server)
    app.goto("/")
    frame = app.map_frame()
    # Every place drawn: the lines, the depot and the depots, on the canvas.
    frame.wait_for_function(f"() => ({DRAWN_JS})() === {DEPOTS + 7}", timeout=WAIT_MS)
    app.settle()
    assert app.count_in_map(".bm-line") == 0  # no SVG hit lines: the canvas's own test
    box = app.page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    name = "Route unverified"
    assert _card_name(app) != name, "the card already shows it: proves nothing"
    lon = 10.5 + STATUSES.index("unverified") * 0.7 + 0.1
    spot = app.map_frame().evaluate(SPOT_JS, [41.5, lon])
    app.page.mouse.click(box["x"] + spot["x"] + 4, box["y"] + spot["y"])
    card = app.claim_card().get_by_role("combobox", name="Claim card")
    expect(card).to_have_value(name, timeout=WAIT_MS)
