"""Headless Chromium drawing the layers, as streamlit-folium's component would.

``python -m bench.browser [--sizes 1000,10000,100000]`` (or ``python -m bench
--browser``) writes, for each N and drawing method, one offline HTML page that
does what the component does with ``st_folium``'s arguments: Leaflet (inlined
from XStatic-Leaflet; its stylesheet comes in the map's header), the base map's script, then ``eval`` of the feature
groups and layer control and a click handler on every layer
(``initComponent``/``finalizeOnRender`` in streamlit_folium's frontend). Every
request other than the page itself is aborted (no tiles, no CDN).

It reports, from navigation start: when the layers' script started (the
payload is in hand), when ``eval`` returned, and when the canvas or DOM had
been painted (two animation frames later); then the time of a pan and of a
zoom, and checks the count in ``window.__briefmapDrawn``, a hover tooltip and
that a click on a circle reports the circle's position.

A pan and a zoom are timed until the points canvas has drawn all it had to
(its "drawn" event, whatever part it redrew) and two frames went by. The bulk
canvas redraws only the strips a pan exposes, and a zoom back to the zoom
before starts from the image it kept of it. So ``zoom`` is the slowest of a
zoom in by one level, the zoom back out, and a zoom in by two levels (a
level not drawn before: a full redraw); each is in the JSON.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import folium

from bench import naive
from bench.run import SHAPES
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing import bulk, mapping
from briefmap.drawing.assets import LEAFLET_JS, leaflet_source_dir
from briefmap.drawing.map_elements import FrameView
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame
from briefmap.engine.query import ClaimFilter
from briefmap.screenshots import CHROMIUM_ARGS, chromium_executable

VIEWPORT = {"width": 1280, "height": 800}
PROBE_LIMIT_MS = 20_000  # a page slower than this to draw is not panned and zoomed
MAP_SIZE = (1200, 720)
INLINE = "inline-assets"

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Briefmap bench</title>
<script>{leaflet_js}</script>
{header}
</head><body style="margin:0">
<div id="map_div" style="width:{width}px;height:{height}px"></div>
{html}
<script>
window.__GLOBAL_DATA__ = {{last_center: null}};
window.__bm = {{mapStart: performance.now()}};
{script}
window.map = map_div;
window.__bm.mapEnd = performance.now();
</script>
<script>
window.__bm.payloadStart = performance.now();
var __fg = {feature_group}, __lc = {layer_control};
window.__bm.evalStart = performance.now();
eval(__fg + __lc);
window.__bm.evalEnd = performance.now();
window.__bmClicks = [];
function __onLayerClick(e) {{ window.__bmClicks.push(e.latlng ? [e.latlng.lat, e.latlng.lng] : null); }}
for (var __k in map_div._layers) {{
  var __layer = map_div._layers[__k];
  if (!__layer || typeof __layer.on !== "function") continue;
  __layer.off("click", __onLayerClick);
  __layer.on("click", __onLayerClick);
}}
window.__bm.handlersEnd = performance.now();
// Drawn: the points canvas has finished its (sliced) drawing, and a frame went by.
function __whenDrawn() {{
  var P = map_div.__briefmapPoints;
  if (P && (P.drawing || P._redrawRequest)) {{ P.once("drawn", __whenDrawn); return; }}
  requestAnimationFrame(function () {{ requestAnimationFrame(function () {{
    window.__bm.drawn = performance.now();
    window.__bmDone = true;
  }}); }});
}}
__whenDrawn();
</script>
</body></html>
"""


# "circles": the same payload drawn as one L.circleMarker per point (bulk's engine="circles").
BUILDERS: dict[str, Any] = {
    "bulk": bulk.build_bulk_layers,
    "circles": lambda catalog, selection: bulk.build_bulk_layers(
        catalog, selection, engine="circles"
    ),
    "geojson": naive.geojson_layers,
    "marker": naive.marker_layers,
    "current": mapping.build_layers,
    "no-boxes": bulk.build_bulk_layers,
}
# "no-boxes": the bulk page with crowded areas off (every circle drawn at every
# zoom), to measure what the boxes of aggregate.js cost and save.
PAGE_EDITS = {"no-boxes": ("var CROWDED = 16;", "var CROWDED = Infinity;")}


def page_html(catalog: Catalog, groups: list[folium.FeatureGroup]) -> str:
    """An offline page that draws ``groups`` the way the st_folium component does."""
    from streamlit_folium import (
        _get_feature_group_string,
        _get_header,
        _get_html,
        _get_layer_control_string,
        _get_map_string,
    )

    base = mapping.build_base_map(catalog, asset_base=INLINE)
    # Framed as the app frames its opening view (the app's frame comes with its layers).
    FrameView(Frame.of(catalog.index.map_bounds, max_zoom=PLACES_MAX_ZOOM)).add_to(base)
    base.get_root().render()
    html, header = _get_html(base), _get_header(base)
    script = _get_map_string(base)
    feature_group = "".join(
        _get_feature_group_string(group, map=base, idx=i) for i, group in enumerate(groups)
    )
    layer_control = _get_layer_control_string(folium.LayerControl(collapsed=True), base)
    source = leaflet_source_dir()

    def js_string(text: str) -> str:
        return json.dumps(text).replace("</", "<\\/")

    return PAGE.format(
        leaflet_js=(source / LEAFLET_JS)
        .read_text(encoding="utf-8")
        .replace("</script", "<\\/script"),
        header=header,
        html=html,
        width=MAP_SIZE[0],
        height=MAP_SIZE[1],
        script=script,
        feature_group=js_string(feature_group),
        layer_control=js_string(layer_control),
    )


# Resolves once the points canvas (if any) has finished drawing and two frames went by.
SETTLED = """() => new Promise(res => {
  const P = window.map.__briefmapPoints;
  const frames = () => requestAnimationFrame(() => requestAnimationFrame(res));
  if (P && (P.drawing || P._redrawRequest)) { P.once("drawn", frames); } else { frames(); }
})"""

# Records the gaps between animation frames until window.__bmStopFrames() is called.
FRAME_RECORDER = """() => {
  const gaps = [];
  let last = performance.now(), on = true;
  function tick(now) { gaps.push(now - last); last = now; if (on) { requestAnimationFrame(tick); } }
  requestAnimationFrame(tick);
  window.__bmStopFrames = () => { on = false; return gaps; };
}"""

PROBE = (
    """async () => {
  const map = window.map;
  map.stop();
  const settled = """
    + SETTLED
    + """;
  const out = {};
  // Pan and zoom without animation, each timed until the redraw is on screen.
  const pans = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    map.panBy([i % 2 ? -240 : 240, 60], {animate: false});
    await settled();
    pans.push(performance.now() - t);
  }
  out.pan_ms = pans;
  const z = map.getZoom();
  let t = performance.now();
  map.setZoom(z + 1, {animate: false});
  await settled();
  out.zoom_in_ms = performance.now() - t;
  t = performance.now();
  map.setZoom(z, {animate: false});
  await settled();
  out.zoom_out_ms = performance.now() - t;
  // A zoom to a level not drawn before in this page (the bulk canvas keeps the
  // image of the zoom before, so the zoom back above may reuse it).
  t = performance.now();
  map.setZoom(z + 2, {animate: false});
  await settled();
  out.zoom_new_ms = performance.now() - t;
  map.setZoom(z, {animate: false});
  await settled();
  out.drawn = window.__briefmapDrawn || null;
  out.in_view = map.__briefmapPoints ? map.__briefmapPoints.drawnInView : null;
  out.boxes = map.__briefmapPoints ? map.__briefmapPoints.boxesInView : null;
  out.dom_nodes = document.getElementsByTagName("*").length;
  out.bm_feature_nodes = document.querySelectorAll(".bm-feature").length;
  out.leaflet_nodes = document.querySelectorAll(".leaflet-marker-icon, .leaflet-overlay-pane path").length;
  out.map_layers = Object.keys(map._layers).length;
  out.heap_mb = performance.memory ? performance.memory.usedJSHeapSize / 1048576 : null;
  return out;
}"""
)

# A point of the Sites layer, not covered by another, centred at zoom 13.
TARGET = """() => {
  const map = window.map;
  const parts = (window.__briefmapLayers || {})["Sites and installations"];
  let latlng = null;
  if (parts && parts[1].latLngOf) {
    for (let j = 0; j < 500 && !latlng; j++) {
      const i = (Math.floor(parts[1].n / 2) + j) % parts[1].n;
      map.setView(parts[1].latLngOf(i), 13, {animate: false});
      const hit = map.__briefmapPoints._hit(map.latLngToLayerPoint(parts[1].latLngOf(i)));
      if (hit && hit.set === parts[1] && hit.i === i) { latlng = parts[1].latLngOf(i); }
    }
  } else if (parts) {
    const layers = parts[1].getLayers();
    if (layers.length) { latlng = layers[Math.floor(layers.length / 2)].getLatLng(); }
    if (latlng) { map.setView(latlng, 13, {animate: false}); }
  }
  if (!latlng) { return null; }
  const p = map.latLngToContainerPoint(latlng);
  const box = map.getContainer().getBoundingClientRect();
  return {x: box.left + p.x, y: box.top + p.y, lat: latlng.lat, lng: latlng.lng};
}"""


def _drag(page: Any) -> dict[str, float]:
    """Drag the map by hand for about a second; the longest frame during and after it."""
    page.evaluate("() => { window.map.setZoom(7, {animate: false}); }")
    page.evaluate(SETTLED)
    page.evaluate(FRAME_RECORDER)
    x, y = MAP_SIZE[0] // 2, MAP_SIZE[1] // 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(30):
        page.mouse.move(x + 8 * step, y + 3 * step)
        page.wait_for_timeout(16)
    during = page.evaluate("() => window.__bmStopFrames()")
    page.evaluate(FRAME_RECORDER)
    page.mouse.up()
    page.evaluate(SETTLED)
    page.wait_for_timeout(100)
    after = page.evaluate("() => window.__bmStopFrames()")
    return {
        "drag_max_frame_ms": max(during[1:] or [0.0]),
        "release_max_frame_ms": max(after[1:] or [0.0]),
    }


def measure_page(page_file: Path, chromium: str, *, timeout_s: float = 180.0) -> dict[str, Any]:
    """Open the page in headless Chromium and time it; aborts every outside request."""
    from playwright.sync_api import sync_playwright

    blocked: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport=VIEWPORT)

            def gate(route: Any) -> None:
                if route.request.url.startswith("file:"):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort()

            page.route("**/*", gate)
            started = time.perf_counter()
            page.goto(page_file.as_uri(), wait_until="commit", timeout=timeout_s * 1000)
            page.wait_for_function("window.__bmDone === true", timeout=timeout_s * 1000, polling=50)
            wall = time.perf_counter() - started
            timings = page.evaluate("window.__bm")
            drawn_ms = timings["drawn"] - timings["payloadStart"]
            if drawn_ms > PROBE_LIMIT_MS:
                # Pans, zooms and drags of a page this slow take minutes each: say so instead.
                return {
                    "wall_s": wall,
                    "payload_to_drawn_ms": drawn_ms,
                    "eval_ms": timings["evalEnd"] - timings["evalStart"],
                    "handlers_ms": timings["handlersEnd"] - timings["evalEnd"],
                    "error": f"drawn after {drawn_ms / 1000:.0f} s; not probed further",
                }
            # FitWhenSized fits the view once more 400 ms after load: let it, then probe.
            page.wait_for_timeout(600)
            page.evaluate(SETTLED)
            probe = page.evaluate(PROBE)
            result: dict[str, Any] = {
                "wall_s": wall,
                "payload_to_drawn_ms": timings["drawn"] - timings["payloadStart"],
                "eval_ms": timings["evalEnd"] - timings["evalStart"],
                "handlers_ms": timings["handlersEnd"] - timings["evalEnd"],
                "navigation_to_drawn_ms": timings["drawn"],
                "pan_ms": statistics.median(probe["pan_ms"]),
                "zoom_ms": max(probe["zoom_in_ms"], probe["zoom_out_ms"], probe["zoom_new_ms"]),
                "zoom_in_ms": probe["zoom_in_ms"],
                "zoom_out_ms": probe["zoom_out_ms"],
                "zoom_new_ms": probe["zoom_new_ms"],
                "drawn": probe["drawn"],
                "in_view": probe["in_view"],
                "boxes_in_view": probe["boxes"],
                "map_layers": probe["map_layers"],
                "dom_nodes": probe["dom_nodes"],
                "bm_feature_nodes": probe["bm_feature_nodes"],
                "leaflet_nodes": probe["leaflet_nodes"],
                "heap_mb": probe["heap_mb"],
                "blocked_requests": len(blocked),
            }
            result.update(_drag(page))
            target = page.evaluate(TARGET)
            if target:
                page.evaluate(SETTLED)
                page.mouse.move(target["x"], target["y"])
                page.wait_for_timeout(150)
                tip = page.query_selector(".leaflet-tooltip.bm-tooltip")
                result["tooltip"] = tip.inner_text()[:600] if tip else None
                page.evaluate("() => { window.__bmClicks = []; }")
                page.mouse.click(target["x"], target["y"])
                page.wait_for_timeout(100)
                clicks = page.evaluate("window.__bmClicks")
                result["clicks"] = clicks
                result["target"] = target
                # The component keeps the last click it is told of.
                result["click_reports_circle"] = bool(clicks) and clicks[-1] == [
                    target["lat"],
                    target["lng"],
                ]
            return result
        finally:
            browser.close()


def main(
    sizes: tuple[int, ...] = (1_000, 10_000, 100_000),
    methods: tuple[str, ...] | None = None,
    shape: str = "uniform",
) -> dict:
    chromium = chromium_executable()
    if chromium is None:
        print("Chromium not found: skipping the browser measurement.")
        return {}
    try:
        import playwright  # noqa: F401
    except ImportError:
        print("Playwright not installed: skipping the browser measurement.")
        return {}
    results: dict[str, dict[str, Any]] = {}
    head = (
        f"{'N claims':>9} {'method':>8} {'page':>9} {'payload->drawn':>15} {'eval':>8} "
        f"{'handlers':>9} {'pan':>8} {'zoom':>8} {'drag frame':>10} {'DOM nodes':>10} {'drawn':>8} "
        f"{'open->drawn':>11} {'boxes':>6}  checks"
    )
    lines = [
        f"Headless Chromium: the component's work on the layers (network blocked), {shape} data",
        head,
        "-" * len(head),
    ]
    with tempfile.TemporaryDirectory(prefix="briefmap-browser-") as tmp:
        for n in sizes:
            data = SHAPES[shape](Path(tmp) / f"n{n}", n).path
            catalog = load_catalog(data).catalog
            selection = catalog.index.select(ClaimFilter())
            chosen = methods or (
                ("bulk", "circles", "geojson")
                if n > 10_000
                else ("bulk", "circles", "geojson", "current", "marker")
            )
            for method in chosen:
                builder = BUILDERS[method]
                page_file = Path(tmp) / f"{method}-{n}.html"
                html = page_html(catalog, builder(catalog, selection))
                if method in PAGE_EDITS:
                    was, now = PAGE_EDITS[method]
                    assert was in html, f"{method}: {was!r} is not in the page"
                    html = html.replace(was, now)
                page_file.write_text(html, encoding="utf-8")
                size = page_file.stat().st_size
                try:
                    res = measure_page(
                        page_file, chromium, timeout_s=120 if method != "bulk" else 180
                    )
                except Exception as exc:  # a timeout is a result too
                    res = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}"}
                res["page_bytes"] = size
                results[f"{method}-{n}"] = res
                lines.append(_row(n, method, res))
                print(lines[-1], flush=True)
    table = "\n".join(lines)
    print()
    print(table)
    return {"rows": results, "table": table}


def _row(n: int, method: str, res: dict[str, Any]) -> str:
    size = f"{res['page_bytes'] / 1e6:.1f}MB"
    if "error" in res and "payload_to_drawn_ms" in res:
        return (
            f"{n:>9,d} {method:>8} {size:>9} {res['payload_to_drawn_ms'] / 1000:>14.2f}s "
            f"{res['eval_ms']:>6.0f}ms {res['handlers_ms']:>7.0f}ms  ({res['error']})"
        )
    if "error" in res:
        return f"{n:>9,d} {method:>8} {size:>9} {res['error']}"
    # Canvas: what the layers report; DOM: marker icons and SVG paths on the map.
    drawn = sum(res["drawn"].values()) if res.get("drawn") else res["leaflet_nodes"]
    checks = []
    if "tooltip" in res:
        checks.append("tooltip ok" if res["tooltip"] else "NO TOOLTIP")
    if "click_reports_circle" in res:
        checks.append("click ok" if res["click_reports_circle"] else "CLICK OFF")
    return (
        f"{n:>9,d} {method:>8} {size:>9} {res['payload_to_drawn_ms'] / 1000:>14.2f}s "
        f"{res['eval_ms']:>6.0f}ms {res['handlers_ms']:>7.0f}ms {res['pan_ms']:>6.0f}ms "
        f"{res['zoom_ms']:>6.0f}ms {max(res['drag_max_frame_ms'], res['release_max_frame_ms']):>8.0f}ms "
        f"{res['dom_nodes']:>10,d} {drawn:>8,d} {res['navigation_to_drawn_ms'] / 1000:>10.2f}s "
        f"{res.get('boxes_in_view') or 0:>6,d}  {', '.join(checks)}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        type=lambda s: tuple(int(v) for v in s.split(",")),
        default=(1_000, 10_000, 100_000),
    )
    parser.add_argument("--methods", type=lambda s: tuple(s.split(",")), default=None)
    parser.add_argument("--shape", choices=sorted(SHAPES), default="uniform")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    out = main(args.sizes, args.methods, args.shape)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
