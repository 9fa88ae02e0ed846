"""Labels that would overlap give way (``briefmap/drawing/web/label-room.js``).

Finding 5 of issue 13: Amuda over Qamishli, Damascus under Mount Hermon, the
outline's cities over the data's places. On the real data at the screenshare
size and at 1080p, in the opening view and closer in: no two labels on
screen overlap, every place's label yields only to a place's label at least
as well sourced, and the hidden ones still have their tooltips.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage, expected_for

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"

# Every label with layout: its box, rank, and whether label-room hid it.
LABELS = """() => [...document.querySelectorAll(".bm-label, .bm-outline-name")].map(el => {
    const r = el.getBoundingClientRect();
    return {text: el.textContent, city: el.classList.contains("bm-outline-name"),
            rank: Number(el.getAttribute("data-rank") ?? 100),
            hidden: el.classList.contains("bm-label-crowded"),
            box: [r.left, r.top, r.right, r.bottom], laid: r.width > 0 && r.height > 0};
}).filter(l => l.laid)"""


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
            frame.evaluate("() => map.setZoom(map.getZoom() + 2, {animate: false})")
        frame.wait_for_timeout(400)  # one animation frame for label-room, with room to spare
        labels = frame.evaluate(LABELS)
        shown = [lab for lab in labels if not lab["hidden"]]
        places = [lab for lab in shown if not lab["city"]]
        assert len(places) >= 5, (step, places)
        for i, a in enumerate(shown):
            for b in shown[i + 1 :]:
                assert not _overlap(a["box"], b["box"]), (step, a["text"], b["text"])
        # A place's label gives way only to a place at least as well sourced.
        for hidden in (lab for lab in labels if lab["hidden"] and not lab["city"]):
            blockers = [s for s in places if _overlap(s["box"], _grown(hidden["box"]))]
            assert blockers, (step, hidden["text"])
            assert all(s["rank"] <= hidden["rank"] for s in blockers), (step, hidden, blockers)


def _grown(box: list[float], pad: float = 2) -> list[float]:
    return [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]
