"""Nothing on the map covers anything else (issue 25, finding 8).

On a phone the "Basemap unavailable" note lay over the data's footnote and
Leaflet's credits over the scale bar; the Qamishli airport label ran through
Kobani's marker at 390 px and was cut at 1280. Offline (every test page's
basemap tiles fail, so the note shows), at 1920x1080, 1280x720 and 390x844:
no two of the map's controls overlap, and every label shown lies inside the
map, clear of every control and of every other place's marker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from browser_support import BrowserPage, expect

from briefmap.drawing.outlines import BASEMAP_UNAVAILABLE

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720), (390, 844)]
SIZE_IDS = ["1080p", "720p", "phone"]
# The opening view, and scene 4 (Qamishli airport, new and then gone, beside Qamishli).
VIEWS = ["/", "/?briefing=moscow-meeting&scene=4"]

# In the map's frame: the box of every control in a corner that is laid out (the
# legend, the footnote, the basemap's note, the credits, the scale bar, zoom and
# layers), of every place's drawn symbol, and of every label shown (label-room.js
# hides a crowded one by making it transparent), each with what it is.
MAP_ROOM = """() => {
    const box = (el) => { const r = el.getBoundingClientRect();
        return [r.left, r.top, r.right, r.bottom]; };
    const laid = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
    const controls = [...document.querySelectorAll('.leaflet-control')].filter(laid).map((el) => ({
        what: el.className.split(' ').filter((c) => c !== 'leaflet-control').join(' '),
        text: el.textContent.trim().slice(0, 40), box: box(el)}));
    const markers = [...document.querySelectorAll('.bm-point')].filter(laid).map((el) => ({
        place: el.querySelector('.bm-label').getAttribute('data-place'),
        box: box(el.querySelector('svg'))}));
    const labels = [...document.querySelectorAll('.bm-label, .bm-outline-name')].filter((el) =>
        laid(el) && getComputedStyle(el).opacity !== '0').map((el) => ({
        text: el.textContent, place: el.getAttribute('data-place'), box: box(el)}));
    return {map: box(map.getContainer()), controls, markers, labels};
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _inside(box: list[float], outer: list[float]) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


@pytest.fixture(scope="module")
def map_room(
    open_module_page: Any, app_server: Any
) -> Callable[[tuple[int, int], str], dict[str, Any]]:
    """The map's room at a size and view, measured once (a page load) for all the tests that ask."""
    pages: dict[tuple[int, int], BrowserPage] = {}
    rooms: dict[tuple[tuple[int, int], str], dict[str, Any]] = {}

    def measure(size: tuple[int, int], path: str) -> dict[str, Any]:
        if (size, path) not in rooms:
            if size not in pages:  # one page per size, loaded afresh at that size for each view
                pages[size] = open_module_page(
                    app_server, viewport={"width": size[0], "height": size[1]}
                )
            app = pages[size]
            app.goto(path)
            expect(app.map().locator(".bm-basemap-note")).to_have_text(BASEMAP_UNAVAILABLE)
            app.settle()
            app.wait_labels_laid_out()
            rooms[(size, path)] = app.map_frame().evaluate(MAP_ROOM)
        return rooms[(size, path)]

    return measure


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_the_maps_controls_never_cover_each_other(map_room: Any, size: tuple) -> None:
    room = map_room(size, "/")
    controls = room["controls"]
    kinds = " ".join(c["what"] for c in controls)
    for part in (
        "bm-basemap-note",
        "bm-footnote",
        "leaflet-control-attribution",
        "leaflet-control-scale",
    ):
        assert part in kinds, f"at {size} no {part} is laid out: {controls}"
    for control in controls:
        assert _inside(control["box"], room["map"]), f"at {size} {control} leaves the map"
    for i, a in enumerate(controls):
        for b in controls[i + 1 :]:
            assert not _overlap(a["box"], b["box"]), f"at {size} {a} overlaps {b}"


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("path", VIEWS, ids=["opening", "scene-4"])
def test_labels_never_cross_a_marker_a_control_or_the_edge(
    map_room: Any, size: tuple, path: str
) -> None:
    room = map_room(size, path)
    edge = room["map"]
    labels = [lab for lab in room["labels"] if _overlap(lab["box"], edge)]
    assert [lab for lab in labels if lab["place"]], f"at {size} few labels: {labels}"
    for label in labels:
        assert _inside(label["box"], edge), f"at {size} the map's edge cuts {label}"
        crossed = [
            m["place"]
            for m in room["markers"]
            if m["place"] != label["place"] and _overlap(label["box"], m["box"])
        ]
        assert not crossed, f"at {size} {label['text']!r} crosses the marker of {crossed}"
        covered = [c["what"] for c in room["controls"] if _overlap(label["box"], c["box"])]
        assert not covered, f"at {size} {label['text']!r} lies under {covered}"
