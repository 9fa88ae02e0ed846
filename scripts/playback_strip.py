"""The README's strip of time playback: the shipped data's map on five days, side by side.

Run: ``.venv/bin/python scripts/playback_strip.py [OUT.png]`` (default
``docs/playback-strip.png``). The map is the offline HTML export's
(:func:`briefmap.drawing.html_export.standalone_html`, which carries the
playback tape), opened in the system Chromium with every outside request
refused (no tiles: the page draws on its blank background), its timeline
moved to each day by the frame's own player (the timeline itself closed, so
it covers no place), and the map pictured each time. Pillow lays the frames in
a row, each under the day and the count of claims known that day.
"""

from __future__ import annotations

import io
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefmap.data.loader import load_catalog  # noqa: E402
from briefmap.drawing.html_export import ExportView, standalone_html  # noqa: E402
from briefmap.drawing.playback import tape_json  # noqa: E402
from briefmap.drawing.png_export import FRAMED_JS  # noqa: E402
from briefmap.engine.query import ClaimFilter, select  # noqa: E402
from briefmap.screenshots import CHROMIUM_ARGS, INSTALL_HINT, chromium_executable  # noqa: E402

# The shipped data's first report, the posts of late 2019, the fall of Assad's
# government, the Moscow meeting and the data's last day (Qamishli airport left).
DAYS = ("2018-08-02", "2019-12-31", "2024-12-31", "2025-10-15", "2026-01-26")
FRAME_SIZE = {"width": 600, "height": 1000}
GAP_PX = 8
CAPTION_PX = 40
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def frames(days: tuple[str, ...] = DAYS) -> list[tuple[Image.Image, str]]:
    """The shipped map drawn by playback on each of ``days``, and the frame's caption."""
    from playwright.sync_api import sync_playwright  # a test extra, so imported late

    executable = chromium_executable()
    if executable is None:
        raise SystemExit(INSTALL_HINT)
    catalog = load_catalog(REPO / "geodata").catalog
    claim_filter = ClaimFilter()
    view = ExportView(tape=tape_json(catalog, claim_filter))
    html = standalone_html(catalog, select(catalog, claim_filter), catalog.meta.title, view=view)
    shots: list[tuple[Image.Image, str]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        page_file = Path(tmp) / "played.html"
        page_file.write_text(html, encoding="utf-8")
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(viewport=FRAME_SIZE, device_scale_factor=1)
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page = context.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_function(FRAMED_JS, polling=50, timeout=60_000)
            for day in days:
                # Twice: the first draw rings every place that changed since the
                # frame before (a jump of years); the second, nothing changed, none.
                page.evaluate(
                    "(d) => { window.__bmPlayer.show(d); window.__bmPlayer.show(d); }", day
                )
                state = page.evaluate("() => window.__bmPlaybackState")
                if state["day"] != day:
                    raise RuntimeError(f"playback shows {state['day']}, not {day}")
                # The frame is drawn in the same task as the state is set; one more
                # animation frame and the canvas is on screen.
                page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
                shot = page.locator(".leaflet-container").first.screenshot()
                year, month, date = day.split("-")
                caption = (
                    f"{int(date)} {MONTHS[int(month) - 1]} {year}: "
                    f"{state['shown']} of {state['total']} "
                    f"claim{'' if state['total'] == 1 else 's'} known"
                )
                shots.append((Image.open(io.BytesIO(shot)).convert("RGB"), caption))
        finally:
            browser.close()
    return shots


def strip(shots: list[tuple[Image.Image, str]]) -> Image.Image:
    """The frames in a row on white, ``GAP_PX`` apart, each under its caption."""
    width = sum(s.width for s, _ in shots) + GAP_PX * (len(shots) - 1)
    height = max(s.height for s, _ in shots) + CAPTION_PX
    out = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=22)
    x = 0
    for shot, caption in shots:
        pen.text((x + 10, 8), caption, fill="#111111", font=font)
        out.paste(shot, (x, CAPTION_PX))
        x += shot.width + GAP_PX
    return out


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else REPO / "docs" / "playback-strip.png"
    image = strip(frames())
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    print(f"{out} ({image.width}x{image.height}, {out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
