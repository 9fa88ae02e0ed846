"""An uploaded layer is framed clear of the map's own controls (issue 25, the walk-through).

Found in a walk-through at 1280x720: at the view framed for an uploaded KML,
one of its points lay under the "Basemap unavailable" note. Under an upload's
lines the map there is short, and the padding that kept framed places off the
corners' controls was cut to a share of the map. Here a layer of four spots at
a box's corners (so each lands on a corner of the framed view) is uploaded
offline (the note shows) at 1920x1080, 1280x720 and 390x844: at each spot's
centre the page's topmost element is its own marker, no control.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, WAIT_MS, BrowserPage, expect

from briefmap.drawing.outlines import BASEMAP_UNAVAILABLE

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720), (390, 844)]
SIZE_IDS = ["1080p", "720p", "phone"]
# A box in the desert south of the briefing's places (none of theirs in it, so
# nothing of the briefing's lies over a spot), taller than wide: framed, its
# spots reach the map's top and bottom, where the corners' controls are.
CORNERS = {"NW": (39.5, 32.0), "NE": (41.5, 32.0), "SW": (39.5, 29.0), "SE": (41.5, 29.0)}

# For each of the layer's markers: its centre, and what the page shows there.
AT_CENTRES = """() => [...document.querySelectorAll('.bm-own-point')].map((el) => {
    const r = el.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const hit = document.elementFromPoint(x, y);
    const control = hit && hit.closest('.leaflet-control');
    return {at: [x, y], own: hit === el,
            over: hit && (control || hit).outerHTML.slice(0, 160)};
})"""


def _spots(folder: Path) -> Path:
    path = folder / "four-spots.geojson"
    features = [
        {
            "type": "Feature",
            "properties": {"name": f"Spot {name}"},
            "geometry": {"type": "Point", "coordinates": [lng, lat]},
        }
        for name, (lng, lat) in CORNERS.items()
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_an_uploaded_layer_is_framed_clear_of_the_maps_controls(
    open_page: Any, app_server: Any, tmp_path: Path, size: tuple
) -> None:
    app: BrowserPage = open_page(app_server, viewport={"width": size[0], "height": size[1]})
    app.goto("/")
    expand = app.page.locator('[data-testid="stExpandSidebarButton"]')
    phone = expand.is_visible()  # the sidebar starts closed, and lies over the map when open
    if phone:
        expand.click()
    app.upload([_spots(tmp_path)])
    expect(app.main.get_by_text("4 features read as your own layer", exact=False)).to_be_visible(
        timeout=WAIT_MS
    )
    if phone:
        app.sidebar.locator('[data-testid="stSidebarCollapseButton"] button').click()
        expect(expand).to_be_visible()
    app.wait_features(4, ".bm-own-point")
    expect(app.map().locator(".bm-basemap-note")).to_have_text(BASEMAP_UNAVAILABLE)
    app.settle()
    # elementFromPoint sees only what is in the window: on a phone the map is lower.
    app.page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    spots = app.map_frame().evaluate(AT_CENTRES)
    assert len(spots) == 4
    covered = [spot for spot in spots if not spot["own"]]
    assert not covered, f"at {size} a spot is covered: {covered}"
