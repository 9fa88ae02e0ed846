"""A place's tooltip reads as a box of lines, not a column of single words.

The tooltip's text wraps (``white-space: normal``), and a Leaflet tooltip is
placed in a pane that has no width of its own: without a width of its own
content, each tooltip shrank to its longest word. At 1280x720 Kobani's was
65 px wide and 510 px tall, one word a line, running off the top of the map
and cutting its name and status (found walking issue 25 as a new user). One
page load; the hover is the map's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, expected_for

GEODATA = Path(__file__).resolve().parents[2] / "geodata"

pytestmark = pytest.mark.browser

# The open tooltip's size and text.
TOOLTIP_JS = """() => {
    const tip = document.querySelector('.leaflet-tooltip.bm-tooltip');
    if (!tip) return null;
    const r = tip.getBoundingClientRect();
    return {width: r.width, height: r.height, text: tip.textContent};
}"""


def test_a_places_tooltip_is_as_wide_as_its_text_allows(open_page: Any, app_server: Any) -> None:
    app = open_page(app_server, viewport={"width": 1280, "height": 720})
    app.goto("/")
    app.wait_features(expected_for(GEODATA).features)
    app.settle()
    kobani = next(f.place for f in expected_for(GEODATA).drawn if f.place.id == "kobani")
    point = app.map_frame().evaluate(
        "([lat, lng]) => { const p = map.latLngToContainerPoint([lat, lng]); return [p.x, p.y]; }",
        [kobani.geometry.y, kobani.geometry.x],
    )
    frame = app.page.locator(MAP_IFRAME).bounding_box()
    assert frame is not None
    app.page.mouse.move(frame["x"] + point[0], frame["y"] + point[1])
    app.map_frame().wait_for_function(TOOLTIP_JS)
    tip = app.map_frame().evaluate(TOOLTIP_JS)
    assert "Kobani" in tip["text"]
    # Its lines as wide as the style allows (340 px): its longest line is a
    # claim's summary, far longer than any one word of it.
    assert tip["width"] > 200, f"the tooltip is a column {tip['width']:.0f} px wide: {tip}"
    assert tip["height"] < tip["width"], tip
