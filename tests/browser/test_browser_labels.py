"""Labels and change badges share the map's room (``briefmap/drawing/web/label-room.js``).

Finding 5 of issue 13: Amuda over Qamishli, Damascus under Mount Hermon, the
outline's cities over the data's places, Latakia and Kobani cut at the map's
edge, change badges piled on labels. On the real data at the screenshare
size and at 1080p (and on a phone for the edge), in the opening view and
closer in: no two labels or badges on screen overlap, every place's label
yields only to a place's label at least as well sourced (or to the edge),
and every label shown lies inside the map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage, expected_for

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


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["720p", "1080p"])
def test_labels_on_screen_never_overlap(open_page: Any, app_server: Any, size: tuple) -> None:
    expected = expected_for(GEODATA)
    app: BrowserPage = open_page(app_server, viewport={"width": size[0], "height": size[1]})
    app.goto("/")
    app.wait_features(expected.features)
    app.settle()
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


def _grown(box: list[float], pad: float = 2) -> list[float]:
    return [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]


def _inside(box: list[float], outer: list[float]) -> bool:
    return box[0] >= outer[0] and box[1] >= outer[1] and box[2] <= outer[2] and box[3] <= outer[3]


SIZES = [(1920, 1080), (1280, 720), (390, 844)]


def _open_map(open_page: Any, server: Any, size: tuple, path: str) -> Any:
    app: BrowserPage = open_page(server, viewport={"width": size[0], "height": size[1]})
    app.goto(path)
    app.map()
    app.settle()
    app.wait_labels_laid_out()
    return app.map_frame()


# The opening view; scene 4 (Qamishli airport: new, then gone); and every change since
# 2024, a badge on a dozen places, six of them within a few pixels of Latakia and Tartus.
VIEWS = ["/", "/?briefing=moscow-meeting&scene=4", "/?since=2024-01-01"]
# The views with change badges, checked on the same page as the labels.
BADGED = VIEWS[1:]


@pytest.mark.parametrize("size", SIZES, ids=["1080p", "720p", "phone"])
@pytest.mark.parametrize("path", VIEWS, ids=["opening", "scene-4", "since-2024"])
def test_labels_shown_lie_inside_the_map_and_badges_clear_of_labels(
    open_page: Any, app_server: Any, size: tuple, path: str
) -> None:
    frame = _open_map(open_page, app_server, size, path)
    edge = frame.evaluate(MAP_BOX)
    laid = frame.evaluate(LABELS)
    labels = [lab for lab in laid if not lab["badge"] and not lab["hidden"]]
    on_map = [lab for lab in labels if _overlap(lab["box"], edge)]
    assert on_map, "labels on the map"
    cut = [(lab["text"], lab["box"]) for lab in on_map if not _inside(lab["box"], edge)]
    assert not cut, (edge, cut)
    if path in BADGED:
        _assert_badges_never_overlap(frame, laid, edge)


def _assert_badges_never_overlap(frame: Any, laid: list[dict[str, Any]], edge: list[float]) -> None:
    """No change badge on another or on a label; every badge on the map, stacked or merged."""
    shown = [lab for lab in laid if not lab["hidden"] and _overlap(lab["box"], edge)]
    badges = [lab for lab in shown if lab["badge"]]
    assert badges, "the view shows changes"
    for i, a in enumerate(shown):
        for b in shown[i + 1 :]:
            if a["badge"] or b["badge"]:
                assert not _overlap(a["box"], b["box"]), (a["text"], a["box"], b["text"], b["box"])
    # Every change badge is on the map: stacked or merged, none lost.
    merged = frame.evaluate(
        "() => [...document.querySelectorAll('.bm-change[data-more]')]"
        ".reduce((n, el) => n + Number(el.getAttribute('data-more')), 0)"
    )
    drawn = frame.evaluate("() => document.querySelectorAll('.bm-change').length")
    hidden = frame.evaluate("() => document.querySelectorAll('.bm-change.bm-change-merged').length")
    assert merged == hidden, (merged, hidden, drawn)
