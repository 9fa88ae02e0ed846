"""A PNG of an exported map, drawn by the server's own Chromium.

The standalone HTML of :func:`briefmap.drawing.html_export.standalone_html` is opened
offline in headless Chromium (Playwright, an app dependency so that Community
Cloud has it, is imported only when a PNG is asked for) and captured once the
map has framed its view (the view on screen when it was exported) and every
place, marker or canvas point, has been drawn.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from briefmap.drawing.mapping import FEATURE_CLASS
from briefmap.screenshots import CHROMIUM_ARGS, chromium_executable, why_no_browser

# True once no map's shared point canvas (briefmap.drawing.bulk) is drawing or about to.
CANVAS_SETTLED_JS = """() => Object.keys(window).filter((k) => k.startsWith("map_")).every((k) => {
    const points = window[k] && window[k].__briefmapPoints;
    return !points || (!points.drawing && !points._redrawRequest);
})"""


# True once every map has framed the view it was asked for (fit-when-sized.js's
# map.__bmFraming), refitted after load, and is not moving.
FRAMED_JS = """() => Object.keys(window).filter((k) => k.startsWith("map_")).every((k) => {
    const progress = window[k] && window[k].__bmFraming;
    return !progress || (progress.refitted && !progress.moving && progress.framed === progress.asked);
})"""


class SnapshotUnavailable(RuntimeError):
    """No browser to draw a PNG with; the message says how to install one."""


# Each snapshot is a Chromium process (about 140 MB): at most this many at once
# per server, whoever asks. Eight quick clicks once started eight.
MAX_CONCURRENT_SNAPSHOTS = 2
# How long a request waits for a free slot before it is turned away.
SNAPSHOT_WAIT_S = 20.0
# The server's Chromium processes drawing now, PNG snapshots and PDF handouts
# (briefmap.drawing.pack_pdf) alike: take one with browser_slot.
BROWSER_SLOTS = threading.BoundedSemaphore(MAX_CONCURRENT_SNAPSHOTS)


class SnapshotBusy(SnapshotUnavailable):
    """Every snapshot slot stayed taken for the whole wait."""


def browser_for(what: str, chromium: str | None = None) -> str:
    """The Chromium binary to draw ``what`` with (``"A PNG snapshot"``, ``"The PDF handout"``).

    Raises
    ------
    SnapshotUnavailable
        If Playwright or Chromium is missing, saying so in
        :func:`~briefmap.screenshots.why_no_browser`'s words, as the button does.
    """
    why = why_no_browser(what, chromium)
    executable = chromium_executable(chromium)
    if why is not None or executable is None:
        raise SnapshotUnavailable(why or f"{what} cannot be made on this server.")
    return executable


@contextmanager
def browser_slot() -> Iterator[None]:
    """One of :data:`BROWSER_SLOTS` held while a Chromium process draws.

    Raises
    ------
    SnapshotBusy
        If every slot stays taken for :data:`SNAPSHOT_WAIT_S`.
    """
    if not BROWSER_SLOTS.acquire(timeout=SNAPSHOT_WAIT_S):
        raise SnapshotBusy(
            f"The server is already drawing {MAX_CONCURRENT_SNAPSHOTS} PNG snapshots or PDF "
            "handouts; try again in a few seconds."
        )
    try:
        yield
    finally:
        BROWSER_SLOTS.release()


def snapshot_available(chromium: str | None = None) -> bool:
    """Whether :func:`png_snapshot` can run: Playwright importable and Chromium found.

    Parameters
    ----------
    chromium
        Chromium binary; ``$BRIEFMAP_CHROMIUM`` or ``/usr/bin/chromium`` by default.

    Returns
    -------
    bool
        ``True`` if both are there; else :func:`~briefmap.screenshots.why_no_browser` says
        which is missing.
    """
    return why_no_browser("A PNG snapshot", chromium) is None


def png_snapshot(
    html: str,
    width: int = 1600,
    height: int = 1000,
    chromium: str | None = None,
    *,
    blocked: list[str] | None = None,
    timeout_ms: float = 30_000,
) -> bytes:
    """Draw a standalone map page in the system Chromium and return a PNG of it.

    Every request but ``data:`` URLs is refused, basemap tiles included, so
    the picture is the same with or without a network: layers, labels and
    legend on a blank background.

    Parameters
    ----------
    html
        A page from :func:`standalone_html`.
    width, height
        Viewport size in CSS pixels (the PNG's size).
    chromium
        Chromium binary; else ``$BRIEFMAP_CHROMIUM``, else ``/usr/bin/chromium``.
    blocked
        If given, every refused request's URL is appended to it.
    timeout_ms
        How long to wait for the map and its features to draw.

    Returns
    -------
    bytes
        The PNG.

    Raises
    ------
    SnapshotUnavailable
        If Playwright or the Chromium binary is missing.
    SnapshotBusy
        If :data:`MAX_CONCURRENT_SNAPSHOTS` snapshots are being drawn and none
        ends within :data:`SNAPSHOT_WAIT_S`.
    """
    executable = browser_for("A PNG snapshot", chromium)
    with browser_slot():
        return _draw(executable, html, width, height, blocked, timeout_ms)


def _draw(
    executable: str,
    html: str,
    width: int,
    height: int,
    blocked: list[str] | None,
    timeout_ms: float,
) -> bytes:
    from playwright.sync_api import sync_playwright  # there: browser_for checked

    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith("data:"):
            route.continue_()
            return
        if blocked is not None:
            blocked.append(url)
        route.abort()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            context = browser.new_context(
                viewport={"width": width, "height": height}, device_scale_factor=1
            )
            context.route("**/*", gate)
            page = context.new_page()
            page.set_content(html, wait_until="load", timeout=timeout_ms)
            page.wait_for_selector(".leaflet-container", timeout=timeout_ms)
            # A map with nothing selected has no features to wait for.
            if f'"{FEATURE_CLASS} ' in html or f"'{FEATURE_CLASS} " in html:
                page.wait_for_selector(f".{FEATURE_CLASS}", state="attached", timeout=timeout_ms)
            # The map frames the view on screen in its own size, and again 400 ms
            # after load (FitWhenSized): the picture is taken at that view.
            page.wait_for_function(FRAMED_JS, timeout=timeout_ms, polling=50)
            # Canvas layers (large selections) draw in slices: wait for the last.
            page.wait_for_function(CANVAS_SETTLED_JS, timeout=timeout_ms, polling=50)
            return page.screenshot(type="png")
        finally:
            browser.close()
