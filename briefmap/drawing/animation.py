"""Time playback saved as an animation: the offline export's frames from Chromium, as animated WebP.

- :func:`frame_days`: the days an animation shows, evenly over a range, bounded.
- :func:`playback_frames`: the offline HTML export (which carries the playback
  tape) opened in the system Chromium with every outside request refused, its
  frame's player moved to each day, the map pictured each time.
- :func:`animated_webp`: the frames as one animated WebP (Pillow's encoder), bounded in bytes.

The bounds keep a slide deck's file small and the work short: at most
:data:`MAX_FRAMES` frames of at most :data:`MAX_PIXELS` each, and at most
:data:`MAX_BYTES` written; past one, :class:`AnimationTooLarge` says which and
what to do. Nothing here imports Streamlit.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image

MAX_FRAMES = 120
MAX_PIXELS = 1920 * 1080
MAX_BYTES = 10_000_000
FRAME_MS = 250  # four days shown a second


class AnimationTooLarge(ValueError):
    """An animation past one of its bounds; the message names the bound and the way under it."""


def frame_days(first: str, last: str, frames: int) -> list[str]:
    """``frames`` days from ``first`` to ``last`` (both included), evenly spaced.

    Raises
    ------
    AnimationTooLarge
        Past :data:`MAX_FRAMES`.
    ValueError
        Fewer than two frames, or ``last`` not after ``first``.
    """
    if frames > MAX_FRAMES:
        raise AnimationTooLarge(
            f"an animation holds at most {MAX_FRAMES} frames; {frames} were asked: "
            "take fewer days from the range"
        )
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    if frames < 2 or end <= start:
        raise ValueError("an animation needs two frames or more, over a range of days")
    span = (end - start).days
    days = [start + timedelta(days=round(span * i / (frames - 1))) for i in range(frames)]
    return [d.isoformat() for d in dict.fromkeys(days)]


def playback_frames(
    html: str,
    days: Sequence[str],
    *,
    width: int = 800,
    height: int = 600,
    chromium: str | None = None,
    browser: Any = None,
) -> list[tuple[Image.Image, dict[str, Any]]]:
    """The map of an offline export drawn by its playback on each of ``days``, in Chromium.

    ``browser``: a Playwright browser already running (else the system
    Chromium is launched for the call). Each frame comes with the player's
    state that day (``day``, ``shown``, ``total``: the claims known of those
    the filter selects).

    Raises
    ------
    AnimationTooLarge
        Past :data:`MAX_FRAMES` days or :data:`MAX_PIXELS` a frame.
    FileNotFoundError
        No Chromium (the message says how to install it).
    """
    from playwright.sync_api import sync_playwright  # a test extra, so imported late

    from briefmap.screenshots import CHROMIUM_ARGS, INSTALL_HINT, chromium_executable

    if len(days) > MAX_FRAMES:
        raise AnimationTooLarge(
            f"an animation holds at most {MAX_FRAMES} frames; {len(days)} were asked"
        )
    if width * height > MAX_PIXELS:
        raise AnimationTooLarge(
            f"a frame of {width}x{height} is over the {MAX_PIXELS:,} pixels an animation's "
            "frame may have (1920x1080): pick a smaller size"
        )
    if browser is not None:
        return _frames_in(browser, html, days, width, height)
    executable = chromium_executable(chromium)
    if executable is None:
        raise FileNotFoundError(INSTALL_HINT)
    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            return _frames_in(launched, html, days, width, height)
        finally:
            launched.close()


def _frames_in(
    browser: Any, html: str, days: Sequence[str], width: int, height: int
) -> list[tuple[Image.Image, dict[str, Any]]]:
    from briefmap.drawing.png_export import FRAMED_JS

    shots: list[tuple[Image.Image, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        page_file = Path(tmp) / "played.html"
        page_file.write_text(html, encoding="utf-8")
        context = browser.new_context(
            viewport={"width": width, "height": height}, device_scale_factor=1
        )
        try:
            context.route(
                "**/*",
                lambda route: (
                    route.continue_() if route.request.url.startswith("file:") else route.abort()
                ),
            )
            page = context.new_page()
            page.goto(page_file.as_uri())
            page.wait_for_function(FRAMED_JS, polling=50, timeout=60_000)
            page.wait_for_function("() => !!window.__bmPlayer", polling=50, timeout=10_000)
            for day in days:
                # Twice: the first draw after a jump rings every place that changed.
                page.evaluate(
                    "(d) => { window.__bmPlayer.show(d); window.__bmPlayer.show(d); }", day
                )
                # The frame is drawn in the task that sets the state; one animation
                # frame more and it is on screen.
                page.evaluate("() => new Promise((r) => requestAnimationFrame(() => r()))")
                state = page.evaluate("() => window.__bmPlaybackState")
                if state["day"] != day:
                    raise RuntimeError(f"playback shows {state['day']}, not {day}")
                shot = page.locator(".leaflet-container").first.screenshot()
                shots.append((Image.open(io.BytesIO(shot)).convert("RGB"), state))
        finally:
            context.close()
    return shots


def animated_webp(frames: Sequence[Image.Image], frame_ms: int = FRAME_MS) -> bytes:
    """The frames as one looping animated WebP.

    Raises
    ------
    AnimationTooLarge
        When the file comes to more than :data:`MAX_BYTES`.
    """
    if not frames:
        raise ValueError("an animation needs at least one frame")
    out = io.BytesIO()
    first, *rest = frames
    first.save(
        out,
        format="WEBP",
        save_all=True,
        append_images=list(rest),
        duration=frame_ms,
        loop=0,
        quality=80,
        method=4,
    )
    data = out.getvalue()
    if len(data) > MAX_BYTES:
        raise AnimationTooLarge(
            f"the animation came to {len(data):,} bytes, over its bound of {MAX_BYTES:,} "
            f"bytes ({MAX_BYTES / 1e6:g} MB): take fewer frames or a smaller size"
        )
    return data
