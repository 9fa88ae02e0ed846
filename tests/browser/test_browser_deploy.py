"""A page outlives its server, and the app works inside another site's page.

- A server restart (issue 25, finding 7): the page reconnects to a new server
  on the same port, a new session whose first run the page's next widget
  change starts. That change must hold, not be replaced by the old link.
- Embedding: ``?embed=true`` inside an ``<iframe>`` of a page from another
  origin shows the map with the link's state and no sidebar.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from browser_support import (
    MAP_SETTLED_JS,
    SUMMARY_RE,
    WAIT_MS,
    BrowserPage,
    expect,
    expected_for,
    wait_for_query,
)

from briefmap.data.schema import ClaimStatus, PlaceKind
from briefmap.drawing.mapping import FEATURE_CLASS
from briefmap.engine.query import ClaimFilter
from briefmap.screenshots import MAP_FRAME_URL_PART, AppServer, start_app

GEODATA = Path(__file__).resolve().parents[2] / "geodata"

CONNECTION_STATE_JS = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute('data-test-connection-state') : null;
}"""


@pytest.fixture
def start_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[..., AppServer]]:
    """Start the app on a port (a free one by default); every server is stopped at the end."""
    servers: list[AppServer] = []
    logs = tmp_path_factory.mktemp("server-restart")

    def _start(port: int | None = None) -> AppServer:
        server = start_app(data_dir=GEODATA, port=port, log_path=logs / f"{len(servers)}.log")
        servers.append(server)
        return server

    yield _start
    for server in servers:
        server.stop()


def test_the_first_change_after_a_server_restart_holds(
    open_page: Callable[..., BrowserPage], start_server: Callable[..., AppServer]
) -> None:
    first = start_server()
    app = open_page(first)
    app.goto("/")
    app.settle()
    app.keep_only("Actor", "Israel")
    wait_for_query(app, {"actor": "israel"})

    first.stop()
    # The page notices its server has gone; then a new one starts on the same
    # port, and the page reconnects to it.
    app.page.wait_for_function(f"() => ({CONNECTION_STATE_JS})() !== 'CONNECTED'", timeout=WAIT_MS)
    start_server(port=urlsplit(first.url).port)
    app.wait_idle()

    # The new session's first run: the change shows on the map, in the link and
    # in the sidebar (before the fix the link's old state came back: all statuses).
    app.keep_only("Claim status", "Confirmed")
    israel = frozenset({"israel"})
    confirmed = ClaimFilter(actors=israel, statuses=frozenset({ClaimStatus.CONFIRMED}))
    expected = expected_for(GEODATA, confirmed)
    all_israel = expected_for(GEODATA, ClaimFilter(actors=israel))
    assert expected.summary_line != all_israel.summary_line  # the change shows
    wait_for_query(app, {"actor": "israel", "status": "confirmed"})
    app.expect_summary(expected.summary_line)
    app.wait_features(expected.features)
    for label in ("Actor", "Claim status"):
        expect(app.multiselect(label).locator("[data-tag]")).to_have_count(1)
    # And the next run keeps it.
    app.keep_only("Place kind", "Air base")
    wait_for_query(app, {"actor": "israel", "status": "confirmed", "kind": "air_base"})
    app.expect_summary(
        expected_for(
            GEODATA, replace(confirmed, kinds=frozenset({PlaceKind.AIR_BASE}))
        ).summary_line
    )
    assert not app.page_errors
    expect(app.exceptions()).to_have_count(0)


# ------------------------------------------------------------------ embedding

# A link's state for the embedded map: a filter and a view.
EMBED_LINK = {"actor": "israel", "lat": "33.3", "lng": "35.9", "z": "9"}


@pytest.fixture
def other_site(tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Another origin (localhost on a port of its own): put a page there, get its URL."""
    site = tmp_path / "site"
    site.mkdir()
    handler = functools.partial(QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def _page(html: str) -> str:
        (site / "index.html").write_text(html, encoding="utf-8")
        return f"http://localhost:{server.server_address[1]}/index.html"

    yield _page
    server.shutdown()
    thread.join()
    server.server_close()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_embedded_with_embed_true_the_map_shows_the_links_state_without_a_sidebar(
    open_page: Callable[..., BrowserPage],
    app_server: AppServer,
    other_site: Callable[[str], str],
) -> None:
    src = f"{app_server.url}/?embed=true&{urlencode(EMBED_LINK)}"
    page_url = other_site(
        "<!doctype html><html><head><meta charset='utf-8'><title>A site</title></head>"
        "<body style='margin:0'><h1>Our briefing</h1>"
        f"<iframe id='briefmap' src='{html.escape(src, quote=True)}' "
        "style='width:1200px;height:800px;border:0' title='Briefmap'></iframe></body></html>"
    )
    app = open_page(app_server)
    app.page.goto(page_url)
    embedded = app.page.frame_locator("#briefmap")
    frame = next(f for f in app.page.frames if f.url.startswith(app_server.url))
    frame.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
                && app.getAttribute('data-test-script-state') === 'notRunning';
        }""",
        timeout=WAIT_MS,
    )
    # The map draws, with the link's filter and view.
    expected = expected_for(GEODATA, ClaimFilter(actors=frozenset({"israel"})))
    summary = embedded.locator('[data-testid="stMain"] strong').filter(has_text=SUMMARY_RE)
    expect(summary).to_have_text(expected.summary_line, timeout=WAIT_MS)
    map_frame = embedded.frame_locator(f'iframe[src*="{MAP_FRAME_URL_PART}"]')
    map_frame.locator(".leaflet-container").wait_for(timeout=WAIT_MS)
    inner = next(f for f in app.page.frames if MAP_FRAME_URL_PART in f.url)
    inner.wait_for_function(MAP_SETTLED_JS, arg=0, polling=50, timeout=WAIT_MS)
    assert inner.evaluate("() => map.getZoom()") == int(EMBED_LINK["z"])
    inner.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel).length === n",
        arg=[f".{FEATURE_CLASS}", expected.features],
        timeout=WAIT_MS,
    )
    # No sidebar, nor a control to open one.
    expect(embedded.locator('[data-testid="stSidebar"]')).to_be_hidden()
    expect(embedded.locator('[data-testid="stExpandSidebarButton"]')).to_have_count(0)
    # Copy link works in the frame, on the frame's own document: it shows the app's
    # link (to open unembedded), and copies it or, where the embedding page gives the
    # frame no clipboard (no allow="clipboard-write"), says to copy it by hand.
    embedded.get_by_role("button", name="Copy link").click()
    box = embedded.locator(".bm-copy-link")
    expect(box).to_be_visible()
    shown = box.locator(".bm-copy-link-url").inner_text().strip()
    assert shown.startswith(app_server.url + "/") and "actor=israel" in shown, shown
    box.get_by_role("button", name="Copy link").click()
    expect(box.get_by_role("status")).to_have_text(re.compile(r"^(Link copied|.*by hand\.)$"))
    # The embedding page is another origin: nothing the app runs may reach for it.
    errors = [m.text for m in app.console if m.type == "error"]
    assert not [e for e in errors if "cross-origin" in e or "SecurityError" in e], errors
    assert not app.page_errors


def test_embedded_presentation_answers_a_clickers_keys(
    open_page: Callable[..., BrowserPage],
    app_server: AppServer,
    other_site: Callable[[str], str],
) -> None:
    # scene-keys.js listens on the app's own document: inside the frame, not the site's.
    src = f"{app_server.url}/?embed=true&briefing=moscow-meeting&scene=1&present=1"
    page_url = other_site(
        "<!doctype html><html><head><meta charset='utf-8'><title>A site</title></head>"
        f"<body><iframe id='briefmap' src='{html.escape(src, quote=True)}' "
        "style='width:1280px;height:720px;border:0' title='Briefmap'></iframe></body></html>"
    )
    app = open_page(app_server)
    app.page.goto(page_url)
    embedded = app.page.frame_locator("#briefmap")
    heading = embedded.locator(".st-key-bm-present-head h4")
    expect(heading).to_contain_text("1/", timeout=WAIT_MS)
    # The keys' script is sent with the page (st.html) and loads after the heading:
    # a key pressed before it registers does nothing (seen under a full parallel run).
    frame = next(f for f in app.page.frames if "embed=true" in f.url)
    frame.wait_for_function("() => window.__bmSceneKeys === true", timeout=WAIT_MS)
    heading.click()  # the frame has the keyboard, as after a click on the slide
    app.page.keyboard.press("PageDown")
    expect(heading).to_contain_text("2/", timeout=WAIT_MS)
    app.page.keyboard.press("PageUp")
    expect(heading).to_contain_text("1/", timeout=WAIT_MS)
    expect(embedded.locator('[data-testid="stSidebar"]')).to_be_hidden()
    assert not app.page_errors
