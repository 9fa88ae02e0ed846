"""Labels, change badges and the map's controls share the map's room (``label-room.js``).

Finding 5 of issue 13: Amuda over Qamishli, Damascus under Mount Hermon, the
outline's cities over the data's places, Latakia and Kobani cut at the map's
edge, change badges piled on labels. On the real data at the screenshare
size and at 1080p (and on a phone for the edge), in the opening view and
closer in: no two labels or badges on screen overlap, every place's label
yields only to a place's label at least as well sourced (or to the edge),
and every label shown lies inside the map.

Finding 8 of issue 25 (once test_browser_map_room.py): on a phone the "Basemap
unavailable" note lay over the data's footnote and Leaflet's credits over the
scale bar; the Qamishli airport label ran through Kobani's marker at 390 px and
was cut at 1280. Offline (every test page's basemap tiles fail, so the note
shows), at 1920x1080, 1280x720 and 390x844: no two of the map's controls
overlap, and every label shown lies inside the map, clear of every control and
of every other place's marker.

Each view is loaded once at each size (``views``) and read by every test that
checks it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage, expect, expected_for

from briefmap.drawing.outlines import BASEMAP_UNAVAILABLE

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"

# Every label and change badge with layout: its box, rank, and whether label-room
# hid it (a hidden label is transparent, a badge merged into another too).
LABELS = """() => [...document.querySelectorAll(".bm-label, .bm-outline-name, .bm-change")].map(el => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent, city: el.classList.contains("bm-outline-name"),
            place: el.getAttribute("data-place"),
            badge: el.classList.contains("bm-change"),
            rank: Number(el.getAttribute("data-rank") ?? 100),
            hidden: getComputedStyle(el).opacity === "0",
            box: [r.left, r.top, r.right, r.bottom], laid: r.width > 0 && r.height > 0};
}).filter(l => l.laid)"""
# Every other place's marker (its drawn symbol) and every control: what a label never crosses.
OBSTACLES = """() => [
    ...[...document.querySelectorAll(".bm-point")].map(el => [el, el.querySelector("svg"),
        el.querySelector(".bm-label").getAttribute("data-place")]),
    ...[...document.querySelectorAll(".leaflet-control")].map(el => [el, el, null]),
].map(([el, drawn, place]) => { const r = drawn.getBoundingClientRect();
    return {place, box: [r.left, r.top, r.right, r.bottom], laid: r.width > 0 && r.height > 0};
}).filter(o => o.laid)"""
MAP_BOX = """() => { const r = map.getContainer().getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom]; }"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _grown(box: list[float], pad: float = 2) -> list[float]:
    return [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]


def _inside(box: list[float], outer: list[float]) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


SIZES = [(1920, 1080), (1280, 720), (390, 844)]


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
# Change badges merged into another (their count on it) and hidden as merged.
BADGE_COUNTS = """() => ({
    merged: [...document.querySelectorAll('.bm-change[data-more]')]
        .reduce((n, el) => n + Number(el.getAttribute('data-more')), 0),
    drawn: document.querySelectorAll('.bm-change').length,
    hidden: document.querySelectorAll('.bm-change.bm-change-merged').length,
})"""


@dataclass(frozen=True)
class View:
    """What the map showed once a view had loaded and its labels were laid out."""

    edge: list[float]
    laid: list[dict[str, Any]]
    room: dict[str, Any]
    badges: dict[str, int]


@dataclass
class Views:
    """One page per size; each view loaded once on it and read as loaded by every test."""

    open_page: Any
    server: Any
    pages: dict[tuple, BrowserPage] = field(default_factory=dict)
    showing: dict[tuple, str | None] = field(default_factory=dict)
    views: dict[tuple[tuple, str], View] = field(default_factory=dict)

    def page(self, size: tuple, path: str, *, moves: bool = False) -> BrowserPage:
        """The page at ``size`` showing ``path`` as loaded; ``moves``: the caller will move the map."""
        if size not in self.pages:
            self.pages[size] = self.open_page(
                self.server, viewport={"width": size[0], "height": size[1]}
            )
        app = self.pages[size]
        if self.showing.get(size) != path:
            app.goto(path)
            expect(app.map().locator(".bm-basemap-note")).to_have_text(BASEMAP_UNAVAILABLE)
            if path == "/":
                app.wait_features(expected_for(GEODATA).features)
            app.settle()
            app.wait_labels_laid_out()
            frame = app.map_frame()
            self.views[(size, path)] = View(
                edge=frame.evaluate(MAP_BOX),
                laid=frame.evaluate(LABELS),
                room=frame.evaluate(MAP_ROOM),
                badges=frame.evaluate(BADGE_COUNTS),
            )
        self.showing[size] = None if moves else path
        return app

    def view(self, size: tuple, path: str) -> View:
        if (size, path) not in self.views:
            self.page(size, path)
        return self.views[(size, path)]


@pytest.fixture(scope="module")
def views(open_module_page: Any, app_server: Any) -> Views:
    return Views(open_module_page, app_server)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
def test_labels_on_screen_never_overlap(views: Views, size: tuple) -> None:
    # It moves the map: the opening view's other tests read it as loaded (``Views``).
    app = views.page(size, "/", moves=True)
    frame = app.map_frame()
    for step in ("opening view", "two levels closer"):
        if step != "opening view":
            # Around Homs: Tartus, Khmeimim, Latakia and their towns stay on the map.
            frame.evaluate("() => map.setView([34.9, 36.4], map.getZoom() + 2, {animate: false})")
        app.wait_labels_laid_out()
        edge = frame.evaluate(MAP_BOX)
        # Labels wholly off the map take no room: label-room leaves them be.
        labels = [
            lab for lab in frame.evaluate(LABELS) if not lab["badge"] and _overlap(lab["box"], edge)
        ]
        shown = [lab for lab in labels if not lab["hidden"]]
        places = [lab for lab in shown if not lab["city"]]
        assert len(places) >= (5 if step == "opening view" else 3), (step, places)
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                assert not _overlap(a["box"], b["box"]), (step, a["text"], b["text"])
        # A place's label gives way only to a place at least as well sourced, or to the
        # edge, another place's marker or a control (issue 25: none of them is crossed).
        obstacles = frame.evaluate(OBSTACLES)
        for hidden in (lab for lab in labels if lab["hidden"] and not lab["city"]):
            if not _inside(hidden["box"], edge):
                continue
            if any(
                o["place"] != hidden["place"] and _overlap(o["box"], _grown(hidden["box"]))
                for o in obstacles
            ):
                continue
            blockers = [s for s in places if _overlap(s["box"], _grown(hidden["box"]))]
            assert blockers, (step, hidden["text"])
            assert all(s["rank"] <= hidden["rank"] for s in blockers), (step, hidden, blockers)


# The opening view; scene 4 (Qamishli airport: new, then gone); and every change since
# 2024, a badge on a dozen places, six of them within a few pixels of Latakia and Tartus.
VIEWS = ["/", "/?briefing=moscow-meeting&scene=4", "/?since=2024-01-01"]
# The views with change badges, checked on the same page as the labels.
BADGED = VIEWS[1:]


@pytest.mark.parametrize("size", SIZES, ids=["1080p", "720p", "phone"])
@pytest.mark.parametrize("path", VIEWS, ids=["opening", "scene-4", "since-2024"])
def test_labels_shown_lie_inside_the_map_and_badges_clear_of_labels(
    views: Views, size: tuple, path: str
) -> None:
    view = views.view(size, path)
    edge, laid = view.edge, view.laid
    labels = [lab for lab in laid if not lab["badge"] and not lab["hidden"]]
    on_map = [lab for lab in labels if _overlap(lab["box"], edge)]
    assert on_map, "labels on the map"
    cut = [(lab["text"], lab["box"]) for lab in on_map if not _inside(lab["box"], edge)]
    assert not cut, (edge, cut)
    if path in BADGED:
        _assert_badges_never_overlap(view.badges, laid, edge)


def _assert_badges_never_overlap(
    counts: dict[str, int], laid: list[dict[str, Any]], edge: list[float]
) -> None:
    """No change badge on another or on a label; every badge on the map, stacked or merged."""
    shown = [lab for lab in laid if not lab["hidden"] and _overlap(lab["box"], edge)]
    badges = [lab for lab in shown if lab["badge"]]
    assert badges, "the view shows changes"
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            if a["badge"] or b["badge"]:
                assert not _overlap(a["box"], b["box"]), (a["text"], a["box"], b["text"], b["box"])
    # Every change badge is on the map: stacked or merged, none lost.
    merged, drawn, hidden = counts["merged"], counts["drawn"], counts["hidden"]
    assert merged == hidden, (merged, hidden, drawn)


# ------------------------------------------------ the map's controls (issue 25, finding 8)


@pytest.mark.parametrize("size", SIZES, ids=["1080p", "720p", "phone"])
def test_the_maps_controls_never_cover_each_other(views: Views, size: tuple) -> None:
    room = views.view(size, "/").room
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


@pytest.mark.parametrize("size", SIZES, ids=["1080p", "720p", "phone"])
@pytest.mark.parametrize("path", VIEWS[:2], ids=["opening", "scene-4"])
def test_labels_never_cross_a_marker_a_control_or_the_edge(
    views: Views, size: tuple, path: str
) -> None:
    room = views.view(size, path).room
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
