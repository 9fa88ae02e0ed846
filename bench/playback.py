"""Time playback at scale: frames a second in Chromium, and the server's CPU while it plays.

``python -m bench.playback [--claims 100000] [--seconds 5] [--no-app]``

The data is bench/synth.py's, with a history given to most claims (reported
weaker, then upgraded or ended on a later day), so that the frames change. Two
measures:

- ``offline``: bench/browser.py's offline page (the component's work, no
  Streamlit), the canvas renderer with the tape inlined, played at one year a
  second from the first day: the frames drawn a second (``frames / s``, each a
  different day), and the mean and the 95th percentile of the time a frame
  takes to compute and draw (``__bmPlaybackStats``, the frame's own clock);
- ``app``: the real app on that data (the tape fetched as a file), played the
  same way in its map's frame, with the server's CPU time (user + system, from
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
from briefmap.screenshots import CHROMIUM_ARGS, MAP_FRAME_URL_PART, chromium_executable, running_app

VIEWPORT = {"width": 1280, "height": 800}
UPGRADE = {"confirmed": "reported", "stated": "reported", "reported": "unverified"}

# Plays from the first day at `speed` days a second for `seconds`; resolves with
# the frames drawn, the time each took (the frame's own clock) and the seconds.
PLAY = """async ([seconds, speed]) => {
  const S = window.map.__bmPlayback, stats = window.__bmPlaybackStats;
  const times = [];
  let last = stats.frames;
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
      if (stats.frames !== last) { times.push(stats.last); last = stats.frames; }
      if (performance.now() - started >= seconds * 1000) { res(); return; }
      requestAnimationFrame(look);
    }
    requestAnimationFrame(look);
  });
  S.pause();
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
    first, naive, stepped, step};
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


def _summary(res: dict[str, Any]) -> dict[str, float]:
    times = sorted(res["times"]) or [0.0]
    return {
        "frames_per_s": res["frames"] / res["seconds"],
        "frame_ms_mean": statistics.fmean(times),
        "frame_ms_p95": times[int(0.95 * (len(times) - 1))],
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
            res = page.evaluate(PLAY, [seconds, 365.25])
        finally:
            browser.close()
    return {"tape_s": tape_s, "tape_mb": len(tape) / 1e6, **_summary(res)}


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_app(data: Path, chromium: str, seconds: float) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw, running_app(data_dir=data, timeout=900) as server:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.goto(server.url, timeout=600_000)
            page.wait_for_selector(f'iframe[src*="{MAP_FRAME_URL_PART}"]', timeout=600_000)
            frame = next(f for f in page.frames if MAP_FRAME_URL_PART in f.url)
            frame.wait_for_function(
                "() => !!(window.map && window.map.__bmPlayback)", timeout=600_000
            )
            page.wait_for_timeout(3000)  # the view's first report and its rerun
            before, wall = _cpu_s(server.process.pid), time.perf_counter()
            res = frame.evaluate(PLAY, [seconds, 365.25])
            cpu = _cpu_s(server.process.pid) - before
            wall = time.perf_counter() - wall
        finally:
            browser.close()
    return {**_summary(res), "server_cpu_s": cpu, "server_cpu_share": cpu / wall}


def main(claims: int, seconds: float, app: bool) -> dict[str, Any]:
    chromium = chromium_executable()
    with tempfile.TemporaryDirectory(prefix="briefmap-playback-") as tmp:
        data = Path(tmp) / "data"
        generate(data, claims)
        given = with_histories(data)
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
    args = parser.parse_args()
    print(json.dumps(main(args.claims, args.seconds, not args.no_app), indent=2))
