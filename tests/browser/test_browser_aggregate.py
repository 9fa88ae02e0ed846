"""Crowded areas at country zoom: boxes that keep the status split visible.

On data shaped like the real world (towns with thousands of claims), the
canvas replaces the circles of a crowded square by a box
(``briefmap/drawing/web/aggregate.js``). Checked in Chromium on bench/browser.py's
offline page: boxes are drawn at the fitted view and their circles are not;
a box's tooltip gives its counts by status; a click zooms in to its places;
the box is ink only, so it reads in greyscale; close in, every circle is back.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import offline_bench_page

from bench.browser import SETTLED, page_html
from bench.realistic import generate_realistic
from briefmap.data.loader import load_catalog
from briefmap.data.schema import ClaimStatus
from briefmap.drawing import bulk
from briefmap.engine.query import ClaimFilter

pytestmark = pytest.mark.browser

N_CLAIMS = 8_000

# The boxes in view: position on the page, claims per rung, total, and the
# circles they hide (points in view, flagged hidden).
BOXES = """() => {
  const map = window.map, P = map.__briefmapPoints, v = P._view(), agg = P._agg, out = [];
  const rect = map.getContainer().getBoundingClientRect(), size = map.getSize();
  for (const box of agg.boxes) {
    const x = box.x - v.ox + map._getMapPanePos().x, y = box.y - v.oy + map._getMapPanePos().y;
    if (x > 30 && y > 30 && x < size.x - 30 && y < size.y - 30) {
      out.push({x: rect.left + x, y: rect.top + y, claims: Array.from(box.claims), total: box.total,
                points: box.points, bounds: box.bounds});
    }
  }
  return out;
}"""

# Pixels of the points canvas (device pixels) around a page position: [r, g, b, a] each.
PIXELS = """([px, py, w, h]) => {
  const map = window.map, c = map.__briefmapPoints._container, r = c.getBoundingClientRect();
  const k = c.width / r.width, x = Math.round((px - r.left) * k), y = Math.round((py - r.top) * k);
  const d = c.getContext("2d").getImageData(x - w * k / 2, y - h * k / 2, w * k, h * k).data, out = [];
  for (let i = 0; i < d.length; i += 4) { out.push([d[i], d[i + 1], d[i + 2], d[i + 3]]); }
  return out;
}"""


@pytest.fixture(scope="module")
def crowded_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("aggregate")
    loaded = load_catalog(generate_realistic(root / "data", N_CLAIMS).path)
    assert not loaded.issues
    catalog = loaded.catalog
    selection = catalog.index.select(ClaimFilter())
    page_file = root / "crowded.html"
    page_file.write_text(
        page_html(catalog, bulk.build_bulk_layers(catalog, selection)), encoding="utf-8"
    )
    return page_file


@pytest.fixture
def page(browser: Any, crowded_page: Path) -> Iterator[Any]:
    with offline_bench_page(browser, crowded_page) as page:
        yield page


def test_a_crowded_area_is_one_box_with_its_status_split(page: Any) -> None:
    boxes = page.evaluate(BOXES)
    assert boxes, "no crowded area at the fitted view of towns with thousands of claims"
    assert page.evaluate("() => window.map.__briefmapPoints.boxesInView") >= len(boxes)
    # The biggest: a town. Hover it: its counts, by rung, strongest first.
    box = max(boxes, key=lambda b: b["total"])
    assert box["points"] > 16
    assert sum(box["claims"]) == box["total"]
    page.mouse.move(box["x"], box["y"])
    tip = page.locator(".leaflet-tooltip.bm-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    assert f"{box['total']:,} claims at {box['points']:,} markers" in text
    for status, n in zip(ClaimStatus, box["claims"], strict=True):
        if n:
            assert f"{status.label}: {int(n):,}" in text
        else:
            assert f"{status.label}:" not in text
    # Ink only: every pixel of the box is a grey, so it reads the same in greyscale.
    pixels = page.evaluate(PIXELS, [box["x"], box["y"], 40, 20])
    opaque = [p for p in pixels if p[3] == 255]
    assert len(opaque) > 0.9 * len(pixels)
    assert all(p[0] == p[1] == p[2] for p in opaque)
    assert len({p[0] for p in opaque}) > 3, "no bar drawn in the box"


def test_the_circles_under_a_box_are_not_drawn_nor_hit(page: Any) -> None:
    hidden = page.evaluate(
        """() => {
      const P = window.map.__briefmapPoints, v = P._view(), agg = P._agg;
      let hidden = 0, hit = 0;
      P._sets.forEach((set, k) => {
        const h = agg.hidden[k];
        for (let i = 0; h && i < set.n; i++) {
          if (!h[i]) { continue; }
          hidden++;
          const x = set.mx[i] * v.scale - v.ox, y = set.my[i] * v.scale - v.oy;
          const found = P._hit(L.point(x, y));
          // A box, or a drawn circle of a square next door, may answer; a hidden one may not.
          if (found && found.set && (agg.hidden[P._sets.indexOf(found.set)] || [])[found.i]) { hit++; }
        }
      });
      return [hidden, hit];
    }"""
    )
    assert hidden[0] > 0
    assert hidden[1] == 0, "a circle hidden under a box answered a hover or a click"


def test_a_click_on_a_box_zooms_in_to_its_places(page: Any) -> None:
    box = max(page.evaluate(BOXES), key=lambda b: b["total"])
    zoom = page.evaluate("() => window.map.getZoom()")
    page.mouse.click(box["x"], box["y"])
    page.wait_for_function(f"() => window.map.getZoom() >= {zoom + 2}", timeout=5_000)
    page.evaluate(SETTLED)
    (south, west), (north, east) = box["bounds"]
    centre = [(south + north) / 2, (west + east) / 2]
    assert page.evaluate(f"() => window.map.getBounds().contains({centre})")
    # No card: a box is not a place, so no marker click reached the app.
    assert page.evaluate("() => window.__GLOBAL_DATA__.last_object_clicked || null") is None


def test_close_in_every_circle_is_drawn(page: Any) -> None:
    counts = page.evaluate(
        """async () => {
      const map = window.map, P = map.__briefmapPoints, ag = window.__briefmapAggregate;
      map.setZoom(ag.ALL_FROM, {animate: false});
      await ("""
        + SETTLED
        + """)();
      return [P.boxesInView, P._agg.hidden.filter(Boolean).length];
    }"""
    )
    assert counts == [0, 0]
