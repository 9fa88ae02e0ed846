"""The real app in headless Chromium: a restart, the page opened, the map drawn, a pan.

``python -m bench.app_browser [--shape realistic] [--sizes 100000]``

bench/browser.py times the component's work in an offline page; this times
what a briefer waits for. For each N it writes the data, starts ``streamlit
run app.py`` once so the disk cache of the validated data and its index is
written (and a first page drawn), stops it, and starts it again, as a deploy
or a crash would. Then, with only the app's own host reachable (no tiles; Chromium resolves no
other name, so no request is intercepted: Playwright's request routing passes
each of the page's 100-odd requests through this process and added about a
second):

- ``server start``: the process started until ``/_stcore/health`` answers;
- ``page open -> map drawn``: from the page's navigation to the start of the
  first animation frame after the map's points are drawn (the canvas's drawing
  finished, ``__briefmapDrawn`` counts the layers' places; the frame that drew
  them has been painted), in the page's own clock.
  A script watches from the moment the map's frame starts (``WATCH``): asked
  from this process after the page is up, as before 30 November 2026, the
  answer also waited for whatever the page ran next (the sidebar's widgets,
  while the sidebar came after the map, until December 2026). That older figure is still kept (``polled``) and
  printed for the second visitor;
- ``sidebar`` and ``complete``: from the page's navigation until the
  sidebar's first widget, and its last (the file uploader), is in the page
  (median of the later visitors);
- ``first visit``: the two added, what the first briefer after a restart waits;
- ``pan``: a pan of the map by 300 px in the iframe until the canvas has
  redrawn what it exposed (median of five), and the boxes of crowded areas in view;
- ``2nd visitor``: the median of seven more visitors on that server, each a
  first-time visitor (a fresh browser profile: nothing cached);
- ``returning``: the median of seven visits by one browser profile that has
  been there before (Streamlit's own scripts are cached for a year; the
  layers are fetched again);
- ``server peak RSS``: the server's VmHWM after all that.

Before the sizes, the floor: ``bench/floor_app.py`` (Streamlit's page with
Briefmap's base map in ``st_folium`` and nothing else), opened five times on
one server, the median time from page open to the first frame painted after
that map has loaded, watched the same way. Nothing the app draws can come sooner.

Each size is measured twice in the same run: as shipped, the layers fetched by
the map's frame as files (``briefmap/app/layer_files.py``), and with
``BRIEFMAP_LAYER_FILES=off``, the layers sent with the page through Streamlit
as before; the table gives both and their ratio.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import SHAPES
from briefmap.app.layer_files import LAYER_FILES_ENV
from briefmap.engine.stored import CACHE_ENV
from briefmap.screenshots import (
    CHROMIUM_ARGS,
    MAP_FRAME_URL_PART,
    SIDEBAR_LAID_OUT,
    chromium_executable,
    running_app,
    wait_for_map,
)

REPO = Path(__file__).resolve().parent.parent
VISITORS = 7
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 180_000

# In the map's iframe: resolves once the points are drawn and two frames went by.
DRAWN = """() => new Promise((res) => {
  const frames = () => requestAnimationFrame(() => requestAnimationFrame(() => res(performance.now())));
  const check = () => {
    const P = window.map && window.map.__briefmapPoints, drawn = window.__briefmapDrawn;
    if (!P || !drawn || !Object.values(drawn).some((n) => n > 0)) { setTimeout(check, 20); return; }
    if (P.drawing || P._redrawRequest) { P.once("drawn", frames); } else { frames(); }
  };
  check();
})"""

# An init script, so it runs in every frame from its start. In the map's frame:
# the page's clock when the first animation frame after ``ready()`` held begins
# (polled every 5 ms; the frame that drew the points has been painted by then).
# In the page: when the sidebar's first widget came, and its last (the file
# uploader), if asked.
WATCH = """(args) => {
  if (window.parent === window) {
    if (!args.sidebar) return;
    const look = () => {
      const now = performance.now();
      const done = document.querySelector(args.sidebarDone);
      // The first widget is in by the time the last is (seen together when the page is busy).
      if (window.__bmSidebarAt === undefined && (done || document.querySelector(args.sidebar))) window.__bmSidebarAt = now;
      if (done) { window.__bmSidebarDoneAt = now; return; }
      setTimeout(look, 5);
    };
    look();
    return;
  }
  const ready = new Function("return (" + args.ready + ")()");
  const look = () => {
    if (!ready()) { setTimeout(look, 5); return; }
    requestAnimationFrame(() => {
      window.__bmReadyAt = performance.now() + performance.timeOrigin - window.parent.performance.timeOrigin;
    });
  };
  look();
}"""
POINTS_DRAWN = """() => {
  const P = window.map && window.map.__briefmapPoints, drawn = window.__briefmapDrawn;
  return !!(P && drawn && Object.values(drawn).some((n) => n > 0) && !P.drawing && !P._redrawRequest && P.drawnAt);
}"""
MAP_LOADED = "() => !!(window.map && window.map._loaded)"


# The sidebar's last widget, in the "Your own data" expander.
SIDEBAR_DONE = '[data-testid="stSidebarUserContent"] [data-testid="stFileUploader"]'


def watch(page: Any, ready: str, sidebar: bool = False) -> None:
    """Before ``goto``: time ``ready`` in the map's frame (and the sidebar) from their start."""
    args = {"ready": ready}
    if sidebar:
        args |= {"sidebar": SIDEBAR_LAID_OUT, "sidebarDone": SIDEBAR_DONE}
    page.add_init_script(f"({WATCH})({json.dumps(args)})")


def watched(page: Any, frame: Any, sidebar: bool = False) -> dict[str, float]:
    """Milliseconds from the page's navigation to ``ready`` painted (``drawn``), and to the sidebar."""
    frame.wait_for_function("() => window.__bmReadyAt !== undefined", timeout=TIMEOUT_MS)
    times = {"drawn": float(frame.evaluate("() => window.__bmReadyAt"))}
    if sidebar:
        page.wait_for_function("() => window.__bmSidebarDoneAt !== undefined", timeout=TIMEOUT_MS)
        times["sidebar"] = float(page.evaluate("() => window.__bmSidebarAt"))
        times["sidebar_done"] = float(page.evaluate("() => window.__bmSidebarDoneAt"))
    return times


# In the map's iframe: five pans of 300 px, each timed until its redraw is on screen.
PANS = """async () => {
  const map = window.map, P = map.__briefmapPoints, out = [];
  const drawn = () => new Promise((res) => {
    const frames = () => requestAnimationFrame(() => requestAnimationFrame(res));
    if (P.drawing || P._redrawRequest) { P.once("drawn", frames); } else { frames(); }
  });
  for (const [dx, dy] of [[300, 0], [0, 200], [-300, 0], [0, -200], [300, 120]]) {
    const t = performance.now();
    map.panBy([dx, dy], {animate: false});
    await drawn();
    out.push(performance.now() - t);
  }
  return {pans: out, boxes: P.boxesInView, in_view: P.drawnInView};
}"""


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# Only the app's own host resolves: no tiles, and no request interception.
OFFLINE_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",)


def _open(browser: Any, origin: str, context: Any = None) -> tuple[Any, dict[str, float]]:
    """A page on the app and its times in ms: ``drawn``, ``sidebar``, ``sidebar_done`` (``WATCH``) and ``polled``.

    In a fresh browser profile, or in ``context`` (a profile that may have been
    there before). ``polled``: from ``goto`` until DRAWN, evaluated once the
    map's frame is up, resolves (the measure before 30 November 2026).
    """
    page = context.new_page() if context is not None else browser.new_page(viewport=VIEWPORT)
    watch(page, POINTS_DRAWN, sidebar=True)
    started = time.perf_counter()
    page.goto(origin, wait_until="commit", timeout=TIMEOUT_MS)
    wait_for_map(page, timeout_ms=TIMEOUT_MS)
    frame = next(f for f in page.frames if MAP_FRAME_URL_PART in f.url)
    frame.evaluate(DRAWN)
    polled = (time.perf_counter() - started) * 1000
    return page, {**watched(page, frame, sidebar=True), "polled": polled}


# method -> the server's environment: the layers as files (as shipped), or with the page.
METHODS = {"files": {}, "inline": {LAYER_FILES_ENV: "off"}}


FLOOR_SCRIPT = Path(__file__).with_name("floor_app.py")


def measure_floor(chromium: str, visits: int = 5) -> dict[str, Any]:
    """Median seconds from page open to the floor app's map loaded and painted (after one warm-up visit)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="briefmap-floor-") as tmp:
        # Streamlit serves static/ beside the main script: the app's own, linked.
        script = Path(tmp) / "app.py"
        script.write_text(FLOOR_SCRIPT.read_text(encoding="utf-8"), encoding="utf-8")
        (Path(tmp) / "static").symlink_to(REPO / "static", target_is_directory=True)
        times = []
        with sync_playwright() as pw, running_app(script=script, timeout=600) as server:
            browser = pw.chromium.launch(
                executable_path=chromium, args=[*CHROMIUM_ARGS, *OFFLINE_ARGS]
            )
            try:
                for _ in range(visits + 1):
                    page = browser.new_page(viewport=VIEWPORT)
                    watch(page, MAP_LOADED)
                    page.goto(server.url, wait_until="commit", timeout=TIMEOUT_MS)
                    wait_for_map(page, timeout_ms=TIMEOUT_MS)
                    frame = next(f for f in page.frames if MAP_FRAME_URL_PART in f.url)
                    times.append(watched(page, frame)["drawn"] / 1000)
                    page.close()
            finally:
                browser.close()
    return {"floor_s": statistics.median(times[1:]), "floor_visits_s": times}


def measure(data: Path, cache: Path, chromium: str, method: str = "files") -> dict[str, Any]:
    """Fill the cache with one server, then time a restarted one."""
    from playwright.sync_api import sync_playwright

    env = {CACHE_ENV: str(cache), **METHODS[method]}
    result: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=[*CHROMIUM_ARGS, *OFFLINE_ARGS])
        try:
            started = time.perf_counter()
            with running_app(data_dir=data, extra_env=env, timeout=600) as server:
                result["first_server_start_s"] = time.perf_counter() - started
                page, ms = _open(browser, server.url)
                result["first_ever_page_to_drawn_s"] = ms["drawn"] / 1000
                page.close()
            started = time.perf_counter()
            with running_app(data_dir=data, extra_env=env, timeout=600) as server:
                result["server_start_s"] = time.perf_counter() - started
                page, ms = _open(browser, server.url)
                result["page_to_drawn_s"] = ms["drawn"] / 1000
                result["first_visit_s"] = result["server_start_s"] + ms["drawn"] / 1000
                page.wait_for_timeout(1500)  # the view's first report and its rerun
                frame = next(f for f in page.frames if MAP_FRAME_URL_PART in f.url)
                frame.evaluate(DRAWN)
                pans = frame.evaluate(PANS)
                result["pan_ms"] = statistics.median(pans["pans"])
                result["pans_ms"] = pans["pans"]
                result["boxes_in_view"] = pans["boxes"]
                result["points_in_view"] = pans["in_view"]
                page.close()
                # Later visitors on the same server, the data in memory: the median of
                # VISITORS (one visit varies by a few tenths of a second on this machine).
                later = []
                for _ in range(VISITORS):
                    page, ms = _open(browser, server.url)
                    later.append({k: v / 1000 for k, v in ms.items()})
                    page.close()
                for key in ("drawn", "sidebar", "sidebar_done", "polled"):
                    result[f"second_visitor_page_to_{key}_s"] = statistics.median(
                        v[key] for v in later
                    )
                result["later_visitors_s"] = later
                # A visitor who has been there before: one profile, its first visit not counted.
                context = browser.new_context(viewport=VIEWPORT)
                returning = []
                for _ in range(VISITORS + 1):
                    page, ms = _open(browser, server.url, context)
                    returning.append(ms["drawn"] / 1000)
                    page.close()
                context.close()
                result["returning_page_to_drawn_s"] = statistics.median(returning[1:])
                result["returning_visits_s"] = returning
                result["server_peak_rss_mb"] = _peak_rss_mb(server.process.pid)
        finally:
            browser.close()
    return result


def main(sizes: tuple[int, ...], shape: str) -> dict[str, Any]:
    chromium = chromium_executable()
    if chromium is None:
        print("Chromium not found: skipping.")
        return {}
    rows: dict[str, Any] = {}
    head = (
        f"{'N claims':>9} {'shape':>10} {'layers':>7} {'restart':>8} {'open->drawn':>12} {'first visit':>12} "
        f"{'2nd visitor':>12} {'sidebar':>8} {'complete':>9} {'returning':>10} {'pan':>7} {'boxes':>6} {'peak RSS':>9}"
    )
    floor = measure_floor(chromium)
    rows["floor"] = floor
    lines = [
        f"The floor: Streamlit's page with the base map only, page open to map loaded: "
        f"{floor['floor_s']:.2f} s (median of {len(floor['floor_visits_s']) - 1} visits)",
        f"The app in headless Chromium after a restart on a warm disk cache ({shape})",
        head,
    ]
    lines.append("-" * len(head))
    print(lines[0], flush=True)
    with tempfile.TemporaryDirectory(prefix="briefmap-app-browser-") as tmp:
        for n in sizes:
            data = SHAPES[shape](Path(tmp) / f"{shape}-{n}", n).path
            for method in METHODS:
                res = measure(data, Path(tmp) / f"cache-{n}", chromium, method)
                rows[f"{shape}-{n}-{method}"] = res
                lines.append(_row(n, shape, method, res))
                print(lines[-1], flush=True)
            files, inline = rows[f"{shape}-{n}-files"], rows[f"{shape}-{n}-inline"]
            lines.append(
                f"{'':>9} {'':>10} {'ratio':>7} {'':>8} "
                f"{inline['page_to_drawn_s'] / files['page_to_drawn_s']:>11.2f}x "
                f"{inline['first_visit_s'] / files['first_visit_s']:>11.2f}x "
                f"{inline['second_visitor_page_to_drawn_s'] / files['second_visitor_page_to_drawn_s']:>11.2f}x"
            )
            print(lines[-1], flush=True)
            polled = ", ".join(
                f"{method} {rows[f'{shape}-{n}-{method}']['second_visitor_page_to_polled_s']:.2f} s"
                for method in METHODS
            )
            lines.append(f"{'':>9} 2nd visitor, map drawn as polled from this process: {polled}")
            print(lines[-1], flush=True)
    table = "\n".join(lines)
    print()
    print(table)
    return {"rows": rows, "table": table}


def _row(n: int, shape: str, method: str, res: dict[str, Any]) -> str:
    rss = res.get("server_peak_rss_mb")
    return (
        f"{n:>9,d} {shape:>10} {method:>7} {res['server_start_s']:>7.2f}s {res['page_to_drawn_s']:>11.2f}s "
        f"{res['first_visit_s']:>11.2f}s {res['second_visitor_page_to_drawn_s']:>11.2f}s "
        f"{res['second_visitor_page_to_sidebar_s']:>7.2f}s "
        f"{res['second_visitor_page_to_sidebar_done_s']:>8.2f}s "
        f"{res['returning_page_to_drawn_s']:>9.2f}s {res['pan_ms']:>5.0f}ms {res['boxes_in_view']:>6,d} "
        f"{(f'{rss:.0f} MB' if rss else '?'):>9}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=lambda s: tuple(int(v) for v in s.split(",")), default=(100_000,)
    )
    parser.add_argument("--shape", choices=sorted(SHAPES), default="realistic")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    out = main(args.sizes, args.shape)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
