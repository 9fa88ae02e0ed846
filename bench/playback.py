"""Time playback at scale: frames a second in Chromium, and the server's CPU while it plays.

``python -m bench.playback [--claims 100000] [--seconds 5] [--no-app]``

The data is bench/synth.py's, with a history given to most claims (reported
weaker, then upgraded or ended on a later day), so that the frames change. Two
measures:

- ``offline``: bench/browser.py's offline page (the component's work, no
  Streamlit), the canvas renderer with the tape inlined, played at one year a
  second from the first day, twice in the same page: ``naive``, every point of
  the day drawn as a circle path (the frame's drawing before 8 December 2026),
  then ``shipped``, crowded areas as boxes as the canvas draws them at rest and
  the other points stamped from a sprite per style. For each: the frames drawn
  a second (each a different day), the time between two frames on screen
  (``frame_ms``: median and 95th percentile, the animation frames' own clock:
  script, raster and paint), and the script's part (``__bmPlaybackStats``);
  the ratio of the two;
- ``app``: the real app on that data, restarted once its data's cache is
  written (as a deploy is): the first map's time from the page's navigation
  to its points drawn and painted, and to the tape arrived in its frame (built
  by then after the map, ``briefmap/app/playback.py``); then played the same way
  in its map's frame, with the server's CPU time (user + system, from
  ``/proc/<pid>/stat``) over the seconds it plays: the server should be idle.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.browser import page_html
from bench.synth import AS_OF, generate
from briefmap.data.loader import load_catalog
from briefmap.drawing import bulk, mapping
from briefmap.drawing.playback import tape_json
from briefmap.engine.query import ClaimFilter
from briefmap.screenshots import (
    CHROMIUM_ARGS,
    MAP_FRAME_URL_PART,
    chromium_executable,
    running_app,
    wait_for_map,
)

VIEWPORT = {"width": 1280, "height": 800}
UPGRADE = {"confirmed": "reported", "stated": "reported", "reported": "unverified"}

# Plays from the first day at `speed` days a second for `seconds`; resolves with
# the frames drawn, the time each took (the frame's own clock) and the seconds.
PLAY = """async ([seconds, speed, arcs]) => {
  const S = window.map.__bmPlayback, stats = window.__bmPlaybackStats;
  const times = [], shown = [];
  let last = stats.frames;
  if (S.naive) { S.naive(arcs); }
  S.speed(speed);
  // The first day (clamped to the span), timed apart: the first frame off the
  // server's day also hides the server's layers, which the browser lays out again.
  const opened = performance.now();
  S.show("1900-01-01");
  await new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res)));
  const first = performance.now() - opened;
  last = stats.frames;
  const frames0 = stats.frames, started = performance.now();
  S.start();
  await new Promise((res) => {
    function look() {
      if (stats.frames !== last) { times.push(stats.last); shown.push(performance.now()); last = stats.frames; }
      if (performance.now() - started >= seconds * 1000) { res(); return; }
      requestAnimationFrame(look);
    }
    requestAnimationFrame(look);
  });
  S.pause();
  if (S.naive) { S.naive(false); }
  // Between two frames drawn: each was drawn in an animation frame, so this is
  // the time a frame took on screen, raster and paint included.
  const between = shown.slice(1).map((t, i) => t - shown[i]);
  // The rewind alone, the same days both ways: a frame computed afresh from every
  // claim (playback.js frame) against the cursor stepped from the day before.
  const P = window.__briefmapPlayback, t = S.tape(), step = Math.max(1, Math.round(speed / 60));
  const days = [];
  for (let d = t.span[0]; d <= t.span[1] && days.length < 120; d += step) { days.push(d); }
  let at = performance.now();
  days.forEach((d) => P.frame(t, d));
  const naive = (performance.now() - at) / days.length;
  const cur = P.cursor(t);
  cur.to(days[0]);
  at = performance.now();
  days.forEach((d) => cur.to(d));
  const stepped = (performance.now() - at) / days.length;
  return {frames: stats.frames - frames0, seconds: (performance.now() - started) / 1000, times,
    between, first, naive, stepped, step};
}"""


def with_histories(data: Path, share: float = 0.8, seed: int = 29) -> int:
    """Give ``share`` of the claims without a history one: weaker when reported, then now."""
    rng = random.Random(seed)
    path = data / "claims.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    end = dt.date.fromisoformat(AS_OF)
    given = 0
    for claim in doc["claims"]:
        if "history" in claim or rng.random() > share:
            continue
        reported = dt.date.fromisoformat(claim["reported"])
        later = min(end, reported + dt.timedelta(days=rng.randint(20, 900)))
        if later <= reported:
            continue
        status, posture = claim["status"], claim["posture"]
        first = {
            "date": claim["reported"],
            "status": UPGRADE.get(status, status),
            "posture": posture,
        }
        change: dict[str, Any] = {"date": later.isoformat(), "sources": claim["sources"][-1:]}
        if posture == "current" and rng.random() < 0.3:
            claim["posture"] = "former"  # ended on a later day
            first["status"] = status
            change["posture"] = "former"
        else:
            change["status"] = status
        claim["history"] = [first, change]
        given += 1
    path.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
    return given


def _p95(values: list[float]) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[int(0.95 * (len(ordered) - 1))]


def _summary(res: dict[str, Any]) -> dict[str, float]:
    times, between = res["times"] or [0.0], res["between"] or [0.0]
    return {
        "frames_per_s": res["frames"] / res["seconds"],
        "frame_ms_median": statistics.median(between),
        "frame_ms_p95": _p95(between),
        "script_ms_mean": statistics.fmean(times),
        "script_ms_p95": _p95(times),
        "frames": res["frames"],
        "first_frame_ms": res["first"],
        # The rewind alone over the same days, a frame's step apart at this speed.
        "compute_ms_afresh": res["naive"],
        "compute_ms_stepped": res["stepped"],
        "compute_speedup": res["naive"] / max(res["stepped"], 1e-3),
    }


def measure_offline(data: Path, chromium: str, seconds: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    catalog = load_catalog(data).catalog
    claim_filter = ClaimFilter()
    selection = catalog.index.select(claim_filter)
    started = time.perf_counter()
    tape = tape_json(catalog, claim_filter)
    tape_s = time.perf_counter() - started
    extras = mapping.MapExtras(tape=tape)
    page_file = data.parent / "playback.html"
    page_file.write_text(
        page_html(catalog, bulk.build_bulk_layers(catalog, selection, extras)), encoding="utf-8"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(page_file.as_uri())
            page.wait_for_function("window.__bmDone === true", timeout=300_000)
            page.wait_for_function("() => !!(window.map && window.map.__bmPlayback)")
            naive = _summary(page.evaluate(PLAY, [seconds, 365.25, True]))
            shipped = _summary(page.evaluate(PLAY, [seconds, 365.25, False]))
        finally:
            browser.close()
    return {
        "tape_s": tape_s,
        "tape_mb": len(tape) / 1e6,
        "naive": naive,
        "shipped": shipped,
        "fps_ratio": shipped["frames_per_s"] / max(naive["frames_per_s"], 1e-9),
        "frame_ms_ratio": naive["frame_ms_median"] / max(shipped["frame_ms_median"], 1e-9),
    }


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# An init script: in the map's frame, when the tape came (the player exists), in the page's clock.
TAPE_WATCH = """(() => {
  if (window.parent === window) return;
  const look = () => {
    if (!(window.map && window.map.__bmPlayback)) { setTimeout(look, 20); return; }
    window.__bmTapeAt = performance.now() + performance.timeOrigin - window.parent.performance.timeOrigin;
  };
  look();
})()"""


def measure_app(data: Path, chromium: str, seconds: float, play: bool = True) -> dict[str, Any]:
    """The first map's time on a restarted server, the tape's, and the app played (``play``)."""
    from playwright.sync_api import sync_playwright

    from bench.app_browser import OFFLINE_ARGS, POINTS_DRAWN, TIMEOUT_MS, watch, watched
    from briefmap.engine.stored import CACHE_ENV

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="briefmap-playback-cache-") as cache:
        env = {CACHE_ENV: cache}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, args=[*CHROMIUM_ARGS, *OFFLINE_ARGS]
            )
            try:
                # The data's cache written by one server; the next starts from it.
                with running_app(data_dir=data, extra_env=env, timeout=900) as server:
                    page = browser.new_page(viewport=VIEWPORT)
                    watch(page, POINTS_DRAWN)
                    page.goto(server.url, wait_until="commit", timeout=TIMEOUT_MS)
                    wait_for_map(page, timeout_ms=TIMEOUT_MS)
                    frame = next(f for f in page.frames if MAP_FRAME_URL_PART in f.url)
                    watched(page, frame)
                    page.close()
                with running_app(data_dir=data, extra_env=env, timeout=900) as server:
                    page = browser.new_page(viewport=VIEWPORT)
                    watch(page, POINTS_DRAWN)
                    page.add_init_script(TAPE_WATCH)
                    page.goto(server.url, wait_until="commit", timeout=TIMEOUT_MS)
                    wait_for_map(page, timeout_ms=TIMEOUT_MS)
                    frame = next(f for f in page.frames if MAP_FRAME_URL_PART in f.url)
                    out["first_map_drawn_s"] = watched(page, frame)["drawn"] / 1000
                    frame.wait_for_function(
                        "() => window.__bmTapeAt !== undefined", timeout=TIMEOUT_MS
                    )
                    out["tape_in_frame_s"] = frame.evaluate("() => window.__bmTapeAt") / 1000
                    if play:
                        page.wait_for_timeout(3000)  # the view's first report and its rerun
                        before, wall = _cpu_s(server.process.pid), time.perf_counter()
                        res = frame.evaluate(PLAY, [seconds, 365.25, False])
                        cpu = _cpu_s(server.process.pid) - before
                        wall = time.perf_counter() - wall
                        out |= {
                            **_summary(res),
                            "server_cpu_s": cpu,
                            "server_cpu_share": cpu / wall,
                        }
            finally:
                browser.close()
    return out


def main(claims: int, seconds: float, app: bool, data: Path | None = None) -> dict[str, Any]:
    chromium = chromium_executable()
    with tempfile.TemporaryDirectory(prefix="briefmap-playback-") as tmp:
        if data is None:
            data = Path(tmp) / "data"
            generate(data, claims)
            given = with_histories(data)
        else:  # a folder written by an earlier run (--data), histories given
            given = -1
        out: dict[str, Any] = {"claims": claims, "histories_given": given}
        out["offline"] = measure_offline(data, chromium, seconds)
        if app:
            out["app"] = measure_app(data, chromium, seconds)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--no-app", action="store_true")
    parser.add_argument("--app-only", action="store_true", help="the first map and the tape only")
    parser.add_argument("--data", type=Path, help="data written by bench.synth and with_histories")
    args = parser.parse_args()
    if args.app_only:
        print(json.dumps(measure_app(args.data, chromium_executable(), 0, play=False), indent=2))
    else:
        print(json.dumps(main(args.claims, args.seconds, not args.no_app, args.data), indent=2))
