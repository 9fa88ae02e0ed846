"""The bulk points canvas after a pan: the pixels it keeps and shifts, and the strips it fills in.

After a pan at the same zoom the renderer shifts the pixels it has and draws
only the strips the pan exposed (see ``_update`` in ``briefmap/drawing/web/canvas.js``).
The image must be the one a full redraw gives, pixel for pixel, also when a
pan interrupts a redraw still in progress and when a view reset moves the
pixel origin; and ``drawnInView`` must still count the points in view.

A zoom back to the zoom before starts from the image kept of it: the same
check applies.

The page is bench/browser.py's offline page (the component's work, no
Streamlit) on synthetic data big enough that a full redraw takes several
slices, so quick pans do interrupt one.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import offline_bench_page

from bench.browser import SETTLED, page_html
from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.drawing import bulk
from briefmap.engine.query import ClaimFilter

pytestmark = pytest.mark.browser

N_CLAIMS = 20_000

# Keeps the pixels of the points canvas (device pixels, RGBA) under a name;
# returns how many are not transparent.
KEEP = """(name) => {
  const c = window.map.__briefmapPoints._container;
  const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  (window.__kept = window.__kept || {})[name] = data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) { if (data[i]) { painted++; } }
  return painted;
}"""

# How many channel values of two kept images differ (-1: not the same size).
DIFFER = """([a, b]) => {
  const x = window.__kept[a], y = window.__kept[b];
  if (x.length !== y.length) { return -1; }
  let differ = 0;
  for (let i = 0; i < x.length; i++) { if (x[i] !== y[i]) { differ++; } }
  return differ;
}"""

# Points in the renderer's bounds, counted from their latitude and longitude
# by Leaflet's own projection: [strictly inside, inside or up to 32 px out].
IN_VIEW = """() => {
  const map = window.map, P = map.__briefmapPoints, b = P._bounds;
  let inside = 0, near = 0;
  for (const set of P._sets) {
    for (let i = 0; i < set.n; i++) {
      const p = map.latLngToLayerPoint(set.latLngOf(i));
      if (p.x >= b.min.x && p.x <= b.max.x && p.y >= b.min.y && p.y <= b.max.y) { inside++; }
      if (p.x >= b.min.x - 32 && p.x <= b.max.x + 32 && p.y >= b.min.y - 32 && p.y <= b.max.y + 32) { near++; }
    }
  }
  return [inside, near];
}"""

# Pans: one left to finish, then quick ones that interrupt the redraw they
# start, then a view reset at the same zoom (which moves the pixel origin).
# Returns whether the first and the last were drawn in part.
PANS = (
    """async () => {
  const map = window.map, settled = """
    + SETTLED
    + """;
  const P = map.__briefmapPoints, jobs = [];
  // Closer in, so that points fill the canvas and its edges (the fitted view
  // has none near them).
  map.setZoom(map.getZoom() + 2, {animate: false});
  await settled();
  map.panBy([240, 60], {animate: false});
  jobs.push(!!P._job.rects);
  await settled();
  map.panBy([-137, -211], {animate: false});
  map.panBy([300, 0], {animate: false});
  await new Promise(r => requestAnimationFrame(r));
  map.panBy([0, 77], {animate: false});
  map.panBy([-55, 13], {animate: false});
  await settled();
  map.setView(map.containerPointToLatLng([900, 500]), map.getZoom(), {animate: false});
  jobs.push(!!P._job.rects);
  await settled();
  map.panBy([0, 0], {animate: false});  // a moveend that moves nothing
  await settled();
  return jobs;
}"""
)


# Back to the view the page opened on, by way of one zoom out, which no test
# visits: the image the renderer keeps of the zoom it leaves (see ``_update``)
# is then of that zoom, so each test on the shared page starts as on a fresh
# one (a zoom in redraws everything; a zoom back finds the image it kept).
OPENING = (
    """async ([lat, lng, zoom]) => {
  const map = window.map, settled = """
    + SETTLED
    + """;
  map.setView([lat, lng], zoom - 1, {animate: false});
  await settled();
  const out = map.getZoom();
  map.setView([lat, lng], zoom, {animate: false});
  await settled();
  return [out, map.getZoom()];
}"""
)


@pytest.fixture(scope="module")
def bench_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Made once for the run: xdist's workers share the base temp's parent, and
    # the others wait on the lock (building it takes most of a minute).
    base = tmp_path_factory.getbasetemp()
    root = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "bulk-redraw"
    root.mkdir(exist_ok=True)
    page_file = root / "bulk.html"
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not page_file.exists():
            catalog = load_catalog(generate(root / "data", N_CLAIMS).path).catalog
            selection = catalog.index.select(ClaimFilter())
            written = root / "bulk.html.part"
            written.write_text(
                page_html(catalog, bulk.build_bulk_layers(catalog, selection)), encoding="utf-8"
            )
            written.replace(page_file)
    return page_file


@pytest.fixture(scope="module", params=[1, 2], ids=["dpr1", "dpr2"])
def shared_page(
    browser: Any, bench_page: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Any, list[float]]]:
    """One page load per device pixel ratio, its tests in turn (was one per test)."""
    with offline_bench_page(browser, bench_page, scale=request.param) as page:
        opening = page.evaluate(
            "() => { const c = window.map.getCenter(); return [c.lat, c.lng, window.map.getZoom()]; }"
        )
        yield page, opening


@pytest.fixture
def page(shared_page: tuple[Any, list[float]]) -> Any:
    page, opening = shared_page
    zoom = opening[2]
    assert page.evaluate(OPENING, opening) == [zoom - 1, zoom]
    return page


def test_pan_shifts_and_fills_to_the_image_of_a_full_redraw(page: Any) -> None:
    points = page.evaluate("() => window.map.__briefmapPoints")
    assert points is not None
    jobs = page.evaluate(PANS)
    # The pans were redrawn in part (else this test would not test the shift).
    assert jobs == [True, True]
    painted = page.evaluate(KEEP, "after pans")
    in_view = page.evaluate("() => window.map.__briefmapPoints.drawnInView")
    inside, near = page.evaluate(IN_VIEW)
    assert painted > 10_000, "next to nothing drawn"

    page.evaluate("() => window.map.__briefmapPoints._redraw()")
    page.evaluate(SETTLED)
    assert page.evaluate("() => window.map.__briefmapPoints._job.rects") is None
    page.evaluate(KEEP, "full redraw")
    differ = page.evaluate(DIFFER, ["after pans", "full redraw"])
    assert differ == 0, f"{differ} channel values differ from a full redraw"
    assert in_view == page.evaluate("() => window.map.__briefmapPoints.drawnInView")
    assert 0 < inside <= in_view <= near


def test_zoom_redraws_everything_and_counts_the_view(page: Any) -> None:
    page.evaluate("() => window.map.setZoom(window.map.getZoom() + 1, {animate: false})")
    assert page.evaluate("() => window.map.__briefmapPoints._job.rects") is None
    page.evaluate(SETTLED)
    in_view = page.evaluate("() => window.map.__briefmapPoints.drawnInView")
    inside, near = page.evaluate(IN_VIEW)
    assert 0 < inside <= in_view <= near
    assert not page.evaluate("() => window.map.__briefmapPoints.drawing")


def test_zoom_back_starts_from_the_kept_image_and_equals_a_full_redraw(page: Any) -> None:
    # In, pan there, and back out: the image of the first zoom is reused,
    # shifted, and the rest filled in.
    reused = page.evaluate(
        """async () => {
      const map = window.map, P = map.__briefmapPoints, settled = """
        + SETTLED
        + """, z = map.getZoom();
      map.setZoom(z + 1, {animate: false});
      await settled();
      map.panBy([300, -120], {animate: false});
      await settled();
      map.setZoom(z, {animate: false});
      const reused = !!P._job.rects;
      await settled();
      return reused;
    }"""
    )
    assert reused
    painted = page.evaluate(KEEP, "zoomed back")
    assert painted > 10_000, "next to nothing drawn"
    in_view = page.evaluate("() => window.map.__briefmapPoints.drawnInView")
    page.evaluate("() => window.map.__briefmapPoints._redraw()")
    page.evaluate(SETTLED)
    page.evaluate(KEEP, "full redraw")
    differ = page.evaluate(DIFFER, ["zoomed back", "full redraw"])
    assert differ == 0, f"{differ} channel values differ from a full redraw"
    assert in_view == page.evaluate("() => window.map.__briefmapPoints.drawnInView")
