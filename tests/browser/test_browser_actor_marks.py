"""Actors stay apart in greyscale (issue 25, finding 9).

The map drawn in greyscale (a CSS ``filter: grayscale(1)`` on its page, as a
greyscale print or a washed-out projector shows it): every actor's symbols
carry one mark, each actor's its own, and the legend's swatches differ in
the shape drawn on them, not only in their grey.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from browser_support import BrowserPage, expected_for

from briefmap.drawing.plan import one_per_place

GEODATA = Path(__file__).resolve().parents[2] / "geodata"

GREYSCALE_JS = "() => { document.documentElement.style.filter = 'grayscale(1)'; }"

# Each drawn point marker's place and what its mark is (shape name and path
# data, or letter code), read from the symbol as drawn.
MARKS_JS = """() => [...document.querySelectorAll('.bm-point')].map((icon) => {
    const named = icon.querySelector('[data-place]');
    const mark = icon.querySelector('svg .bm-mark');
    const path = mark && mark.querySelector('path');
    const text = mark && mark.querySelector('text');
    return {
        place: named && named.getAttribute('data-place'),
        mark: mark ? [mark.getAttribute('data-mark'), path ? path.getAttribute('d') : '',
                      text ? text.textContent : ''].join('|') : null,
    };
})"""


def _mark_pixels(png: bytes) -> frozenset[tuple[int, int]]:
    """Where a greyscale swatch departs from its own fill: its mark's shape, whatever its grey.

    The fill's grey is the commonest inside the swatch's frame; a pixel more
    than 40 levels off it (the mark's ink and halo) belongs to the mark. A
    swatch of colour alone has none.
    """
    from collections import Counter

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    data = image.load()
    inside = [(x, y) for x in range(4, width - 4) for y in range(4, height - 4)]
    fill = Counter(data[p] for p in inside).most_common(1)[0][0]
    return frozenset(p for p in inside if abs(data[p] - fill) > 40)


def test_in_greyscale_each_actor_has_a_mark_of_its_own(app: BrowserPage) -> None:
    expected = expected_for(GEODATA)
    app.page.set_viewport_size({"width": 1920, "height": 1080})
    app.goto("/")
    app.wait_features(expected.features)
    app.settle()
    frame = app.map_frame()
    frame.evaluate(GREYSCALE_JS)
    actor_of = {
        feature.place.id: feature.actor.id
        for feature, *_ in one_per_place(expected.drawn)
        if feature.place.is_point
    }
    drawn = frame.evaluate(MARKS_JS)
    assert {d["place"] for d in drawn} == set(actor_of)
    unmarked = [d["place"] for d in drawn if not d["mark"]]
    assert not unmarked, f"symbols without an actor's mark: {unmarked}"
    marks: dict[str, set[str]] = {}
    for d in drawn:
        marks.setdefault(actor_of[d["place"]], set()).add(d["mark"])
    # One mark per actor, a different one for each.
    assert all(len(m) == 1 for m in marks.values()), marks
    assert len({next(iter(m)) for m in marks.values()}) == len(marks) >= 3, marks
    # Two of the finding's three, near the same grey, lead point symbols here.
    assert {"syria", "israel"} <= set(marks)

    # The legend, opened, in greyscale: each actor's swatch differs from every
    # other's in the shape its mark draws on it, not only in its grey.
    legend = app.map().locator(".bm-legend details")
    legend.locator("summary").click()
    rows = legend.locator("h2", has_text="Actor").locator("xpath=following-sibling::div[1]")
    swatches = rows.locator(".row svg")
    count = swatches.count()
    # Every actor of the map's features (an off-map place's too), at least those drawn above.
    assert count >= len(marks), "the legend lists each drawn actor"
    shapes = [_mark_pixels(swatches.nth(i).screenshot()) for i in range(count)]
    assert all(len(shape) >= 6 for shape in shapes), "a swatch without a visible mark"
    for i in range(count):
        for j in range(i + 1, count):
            assert shapes[i] != shapes[j], f"legend swatches {i} and {j} are one shape in greyscale"
    # A screenshot in greyscale really is grey: the filter applied.
    from PIL import Image

    rgb = Image.open(io.BytesIO(swatches.nth(0).screenshot())).convert("RGB")
    assert all(abs(r - g) <= 2 and abs(g - b) <= 2 for r, g, b in rgb.getdata())


def test_in_greyscale_syria_israel_and_arab_league_areas_differ(
    browser: Any, tmp_path: Path
) -> None:
    # Areas were told by colour alone (issue 25, finding 9): the exported map of
    # an area of each of the three, offline and in greyscale, marks each with
    # its actor's own shape at its label point.
    from browser_support import WAIT_MS
    from test_actor_marks import AREA_ACTORS, areas_of_three

    from briefmap.data.loader import load_catalog
    from briefmap.drawing.html_export import standalone_html
    from briefmap.drawing.png_export import FRAMED_JS
    from briefmap.engine.query import ClaimFilter, select

    catalog = areas_of_three(load_catalog(GEODATA).catalog)
    page_file = tmp_path / "areas.html"
    page_file.write_text(
        standalone_html(catalog, select(catalog, ClaimFilter()), "Areas"), encoding="utf-8"
    )
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_function(FRAMED_JS, polling=50, timeout=WAIT_MS)
    page.evaluate(GREYSCALE_JS)
    shapes = {}
    for place in AREA_ACTORS:
        mark = page.locator(f".bm-region-mark svg[data-place='{place}']")
        expect_one = mark.count()
        assert expect_one == 1, f"{place}: {expect_one} marks"
        shapes[place] = _mark_pixels(mark.screenshot())
    context.close()
    assert all(len(shape) >= 6 for shape in shapes.values()), "an area's mark is not seen"
    assert len(set(shapes.values())) == len(AREA_ACTORS), "two areas' marks are one shape in grey"
