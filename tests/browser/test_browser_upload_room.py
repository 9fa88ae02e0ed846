"""An uploaded layer is framed clear of the map's own controls (issue 25, the walk-through).

Found in a walk-through at 1280x720: at the view framed for an uploaded KML,
one of its points lay under the "Basemap unavailable" note. Under an upload's
lines the map there is short, and the padding that kept framed places off the
corners' controls was cut to a share of the map. Here a layer of four spots at
a box's corners (so each lands on a corner of the framed view) is uploaded
offline (the note shows) at 1280x720, then the window resized to 1920x1080 and
390x844 (one page load and one upload for the three): at each spot's centre
the page's topmost element is its own marker, no control.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, WAIT_MS, BrowserPage, expect

from briefmap.drawing.outlines import BASEMAP_UNAVAILABLE

pytestmark = pytest.mark.browser

# The upload's own size first, then a larger window and a phone's.
SIZES = [(1280, 720), (1920, 1080), (390, 844)]
SIZE_IDS = ["720p", "1080p", "phone"]
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


@pytest.fixture(scope="module")
def uploaded(
    shared_context: Any, app_server: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserPage]:
    """One page with the spots uploaded, for every size: the window is resized between tests.

    A resize frames the request again in the map's new size, as a first frame
    does (fit-when-sized.js), so one upload serves the three sizes.
    """
    page = shared_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    app = BrowserPage(page=page, server=app_server)
    app.attach()
    app.goto("/")
    app.upload([_spots(tmp_path_factory.mktemp("spots"))])
    expect(app.main.get_by_text("4 features read as your own layer", exact=False)).to_be_visible(
        timeout=WAIT_MS
    )
    app.wait_features(4, ".bm-own-point")
    expect(app.map().locator(".bm-basemap-note")).to_have_text(BASEMAP_UNAVAILABLE)
    yield app
    page.close()


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_an_uploaded_layer_is_framed_clear_of_the_maps_controls(
    uploaded: BrowserPage, size: tuple
) -> None:
    app = uploaded
    app.page.set_viewport_size({"width": size[0], "height": size[1]})
    # A phone's sidebar lies over the map when open.
    collapse = app.sidebar.locator('[data-testid="stSidebarCollapseButton"] button')
    if size[0] < 640 and app.sidebar.is_visible() and collapse.count():
        collapse.click()
        expect(app.page.locator('[data-testid="stExpandSidebarButton"]')).to_be_visible()
    # Framed again in the map's size at this window's (its frame's width and height).
    app.page.wait_for_function(
        """(sel) => { const f = document.querySelector(sel); const w = f && f.contentWindow;
            return !!(w && w.map && Math.abs(w.map.getSize().x - f.clientWidth) <= 1
                && Math.abs(w.map.getSize().y - f.clientHeight) <= 1); }""",
        arg=MAP_IFRAME,
        timeout=WAIT_MS,
    )
    app.settle()
    # elementFromPoint sees only what is in the window: on a phone the map is lower.
    app.page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    spots = app.map_frame().evaluate(AT_CENTRES)
    assert len(spots) == 4
    covered = [spot for spot in spots if not spot["own"]]
    assert not covered, f"at {size} a spot is covered: {covered}"
