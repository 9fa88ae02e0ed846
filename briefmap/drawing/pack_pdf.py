"""The briefing pack as a PDF handout, one page per scene, drawn by the server's Chromium.

The pack of :func:`briefmap.drawing.briefing_pack.briefing_pack` is opened offline
in the same headless Chromium as the PNG export
(:mod:`briefmap.drawing.png_export`, whose slots it shares: each is a browser
process). Each scene is shown in turn and its map captured as a picture; the
pictures go into the scenes' panels, and the page is printed with the pack's
print styles (``web/pack.css``): a scene a page, its map picture beside its
talking points and claims with their sources. A scene whose text would run onto
a second page is set in smaller type until it fits; one whose claims do not fit
even in the smallest type keeps the first ones and names the rest by their
numbers in the list of every claim at the end (``web/pack-handout.js``).
"""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from briefmap.drawing.assets import web_text
from briefmap.drawing.png_export import CANVAS_SETTLED_JS, browser_for, browser_slot
from briefmap.screenshots import CHROMIUM_ARGS

# What the handout is called where the server says it cannot make it.
HANDOUT = "The PDF handout"

# The map as a scene shows it on a shared 1280x720 screen: its picture in the handout.
CAPTURE_VIEWPORT = {"width": 1280, "height": 720}
# A4 landscape less the margins below, in CSS pixels (96 per inch): the page each
# scene is fitted to.
PAGE_MARGIN = "10mm"
PRINT_VIEWPORT = {"width": 1047, "height": 718}
# Type is made smaller, a step at a time, down to this size, until a scene fits its page.
SMALLEST_TYPE_PX = 7.0

# Pictures in, type fitted to the pages (briefmap/drawing/web/pack-handout.js).
HANDOUT_JS = web_text("pack-handout.js")


def pack_pdf(
    pack_html: str,
    chromium: str | None = None,
    *,
    attempted: list[str] | None = None,
    timeout_ms: float = 60_000,
) -> bytes:
    """Print a briefing pack as a PDF: one A4 landscape page per scene.

    Parameters
    ----------
    pack_html
        A page from :func:`briefmap.drawing.briefing_pack.briefing_pack`.
    chromium
        Chromium binary; else ``$BRIEFMAP_CHROMIUM``, else ``/usr/bin/chromium``.
    attempted
        If given, every request the page tried (all are refused) is appended to it.
    timeout_ms
        How long to wait for each scene's map to draw and settle.

    Returns
    -------
    bytes
        The PDF. Its outline (bookmarks) names each scene's title on its page.

    Raises
    ------
    SnapshotUnavailable
        If Playwright or the Chromium binary is missing (in the button's words,
        :func:`briefmap.screenshots.why_no_browser`).
    SnapshotBusy
        If every drawing slot of :mod:`briefmap.drawing.png_export` stays taken.
    """
    executable = browser_for(HANDOUT, chromium)
    from playwright.sync_api import sync_playwright  # there: browser_for checked

    with browser_slot(), tempfile.TemporaryDirectory(prefix="briefmap-pack-") as folder:
        page_file = Path(folder) / "pack.html"
        page_file.write_text(pack_html, encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
            try:
                return _print(browser, page_file, attempted, timeout_ms)
            finally:
                browser.close()


def _print(browser: Any, page_file: Path, attempted: list[str] | None, timeout_ms: float) -> bytes:
    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
            return
        if attempted is not None:
            attempted.append(url)
        route.abort()

    context = browser.new_context(viewport=CAPTURE_VIEWPORT, device_scale_factor=1)
    context.route("**/*", gate)
    page = context.new_page()
    page.goto(page_file.as_uri(), wait_until="load", timeout=timeout_ms)
    page.wait_for_function("() => !!window.__bmPack", timeout=timeout_ms)
    count = int(page.evaluate("window.__bmPack.count"))
    pictures = []
    for number in range(1, count + 1):
        page.evaluate("(n) => window.__bmPack.go(n)", number)
        # Framed, still for a moment (labels laid out after the last move), canvas drawn.
        page.wait_for_function(web_text("map-settled.js"), arg=300, polling=50, timeout=timeout_ms)
        page.wait_for_function(CANVAS_SETTLED_JS, polling=50, timeout=timeout_ms)
        shot = page.locator(".folium-map").screenshot(type="png", timeout=timeout_ms)
        pictures.append("data:image/png;base64," + base64.b64encode(shot).decode("ascii"))
    page.set_viewport_size(PRINT_VIEWPORT)
    page.emulate_media(media="print")
    page.evaluate(HANDOUT_JS, {"pictures": pictures, "smallest": SMALLEST_TYPE_PX})
    return page.pdf(
        format="A4",
        landscape=True,
        print_background=True,
        margin={side: PAGE_MARGIN for side in ("top", "right", "bottom", "left")},
        outline=True,
        tagged=True,
    )
