"""A click on stacked places offers them (issue 25, finding 2).

At the opening view Tartus city lies under the Russian naval facility at
Tartus: a click where both symbols are drawn must offer both ("2 places here:
…"), each a button that opens its own card, by mouse and by keyboard. A click
on one place alone still opens it directly (tests/browser/test_browser_framing.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, WAIT_MS, BrowserPage, expect, expected_for

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
SIZES = {"1920x1080": (1920, 1080), "390x844": (390, 844)}
NAVAL, CITY = "tartus_naval_facility", "tartus_city"

# The point between two places' symbol centres nearest the first's that the
# page's own hit-testing finds inside both markers' drawn shapes, and the places
# of the markers there (topmost first); null if their symbols do not meet.
OVERLAP_JS = """([a, b]) => {
    const box = map.getContainer().getBoundingClientRect();
    const pa = map.latLngToContainerPoint([a[0], a[1]]);
    const pb = map.latLngToContainerPoint([b[0], b[1]]);
    for (let t = 0; t <= 1.0001; t += 0.05) {
        const x = box.left + pa.x + (pb.x - pa.x) * t, y = box.top + pa.y + (pb.y - pa.y) * t;
        const places = [];
        for (const el of document.elementsFromPoint(x, y)) {
            const icon = el.closest('.leaflet-marker-icon');
            const named = icon && icon.querySelector('[data-place]');
            const place = named && named.getAttribute('data-place');
            if (place && !places.includes(place)) places.push(place);
        }
        if (places.length === 2) return {x: x, y: y, places: places};
    }
    return null;
}"""


def _card(app: BrowserPage) -> Any:
    return app.claim_card().get_by_role("combobox", name="Claim card")


def _click_overlap(app: BrowserPage, spot: dict[str, Any]) -> None:
    frame = app.page.locator(MAP_IFRAME).bounding_box()
    assert frame is not None
    app.page.mouse.click(frame["x"] + spot["x"], frame["y"] + spot["y"])


@pytest.mark.parametrize("size", list(SIZES))
def test_a_click_on_stacked_places_offers_each_and_each_opens_its_card(
    open_page: Any, app_server: Any, size: str
) -> None:
    width, height = SIZES[size]
    expected = expected_for(GEODATA)
    naval, city = expected.catalog.places[NAVAL], expected.catalog.places[CITY]
    app = open_page(app_server, viewport={"width": width, "height": height})
    app.goto("/")
    app.wait_features(expected.features)
    app.settle()
    spot = app.map_frame().evaluate(
        OVERLAP_JS,
        [[naval.geometry.y, naval.geometry.x], [city.geometry.y, city.geometry.x]],
    )
    # The finding's own case: at the opening view the two symbols overlap.
    assert spot is not None, f"at {size} Tartus and its naval facility do not overlap"
    assert set(spot["places"]) == {NAVAL, CITY}
    card = _card(app)
    chooser = app.map().locator(".bm-stacked")

    # By mouse: the chooser names both, topmost first, and opens the one picked.
    for place in (city, naval):
        _click_overlap(app, spot)
        expect(chooser).to_be_visible(timeout=WAIT_MS)
        expect(chooser).to_contain_text("2 places here:")
        choices = chooser.locator("button.bm-stacked-choice")
        expect(choices).to_have_count(2)
        names = {CITY: city.name_en, NAVAL: naval.name_en}
        assert choices.all_text_contents() == [names[p] for p in spot["places"]]
        # Nothing opened yet: the card still shows what it showed before the click.
        assert card.input_value() != place.name_en
        chooser.get_by_role("button", name=place.name_en, exact=True).click()
        expect(card).to_have_value(place.name_en, timeout=WAIT_MS)
        expect(chooser).to_have_count(0)
        app.settle()

    # By keyboard: the chooser takes the focus; the arrow keys move between its
    # buttons, Enter picks one, Escape closes it and gives the focus back.
    _click_overlap(app, spot)
    expect(chooser).to_be_visible(timeout=WAIT_MS)
    first = chooser.locator("button.bm-stacked-choice").first
    expect(first).to_be_focused()
    app.page.keyboard.press("Escape")
    expect(chooser).to_have_count(0)
    expect(card).to_have_value(naval.name_en)  # unchanged
    _click_overlap(app, spot)
    expect(first).to_be_focused(timeout=WAIT_MS)
    # The card shows the naval facility: pick the city, wherever it is listed.
    for _ in range(spot["places"].index(CITY)):
        app.page.keyboard.press("ArrowRight")
    expect(chooser.get_by_role("button", name=city.name_en, exact=True)).to_be_focused()
    app.page.keyboard.press("Enter")
    expect(card).to_have_value(city.name_en, timeout=WAIT_MS)
    expect(chooser).to_have_count(0)


# ------------------------------------------------------------ the canvas renderer

# The container point of each place on the canvas page's map, and a record of
# the clicks its point layers report (as a marker's reach the app).
CANVAS_SETUP_JS = """(places) => {
    window.__bmOpened = [];
    for (const parts of Object.values(window.__briefmapLayers)) {
        parts[1].on("click", (e) => window.__bmOpened.push([e.latlng.lat, e.latlng.lng]));
    }
    const box = map.getContainer().getBoundingClientRect();
    return places.map(([lat, lng]) => {
        const p = map.latLngToContainerPoint([lat, lng]);
        return {x: box.left + p.x, y: box.top + p.y};
    });
}"""


# axe-core's violations within the open chooser.
AXE_CHOOSER_JS = """async () => {
    const result = await axe.run('.bm-stacked', {resultTypes: ['violations']});
    return result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help}));
}"""


@pytest.fixture(scope="module")
def canvas_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data drawn by the canvas renderer, offline (bench/browser.py's page)."""
    from bench.browser import page_html
    from briefmap.drawing import bulk
    from briefmap.engine.query import ClaimFilter, select

    catalog = expected_for(GEODATA).catalog
    selection = select(catalog, ClaimFilter())
    path = tmp_path_factory.mktemp("stacked-canvas") / "page.html"
    path.write_text(
        page_html(catalog, bulk.build_bulk_layers(catalog, selection)), encoding="utf-8"
    )
    return path


def test_the_canvas_renderer_offers_stacked_points_too(browser: Any, canvas_page: Path) -> None:
    from browser_support import offline_bench_page

    catalog = expected_for(GEODATA).catalog
    naval, city = catalog.places[NAVAL], catalog.places[CITY]
    with offline_bench_page(browser, canvas_page, width=1920, height=1080) as page:
        a, b = page.evaluate(
            CANVAS_SETUP_JS,
            [[naval.geometry.y, naval.geometry.x], [city.geometry.y, city.geometry.x]],
        )
        # Drawn as circles of the canvas, closer than a symbol at the opening view.
        assert ((a["x"] - b["x"]) ** 2 + (a["y"] - b["y"]) ** 2) ** 0.5 < 8
        page.mouse.click((a["x"] + b["x"]) / 2, (a["y"] + b["y"]) / 2)
        chooser = page.locator(".bm-stacked")
        expect(chooser).to_be_visible(timeout=WAIT_MS)
        expect(chooser).to_contain_text("2 places here:")
        names = chooser.locator("button.bm-stacked-choice").all_text_contents()
        assert sorted(names) == sorted([naval.name_en, city.name_en])
        assert page.evaluate("window.__bmOpened") == []  # nothing opened yet
        # Named and operable for assistive technology: axe-core finds nothing serious in it.
        axe = GEODATA.parent / "node_modules" / "axe-core" / "axe.min.js"
        if axe.is_file():
            page.add_script_tag(content=axe.read_text(encoding="utf-8"))
            found = page.evaluate(AXE_CHOOSER_JS)
            assert not [v for v in found if v["impact"] in ("serious", "critical")], found
        # By keyboard: the first choice has the focus; Enter opens it.
        expect(chooser.locator("button.bm-stacked-choice").first).to_be_focused()
        page.keyboard.press("Enter")
        expect(chooser).to_have_count(0)
        first = catalog.places[NAVAL if names[0] == naval.name_en else CITY]
        opened = page.evaluate("window.__bmOpened")
        assert opened == [
            [pytest.approx(first.geometry.y, abs=1e-5), pytest.approx(first.geometry.x, abs=1e-5)]
        ]
