"""A page outlives its server, and the app works inside another site's page.

- A server restart (issue 25, finding 7): the page reconnects to a new server
  on the same port, a new session whose first run the page's next widget
  change starts. That change must hold, not be replaced by the old link.
- Embedding: ``?embed=true`` inside an ``<iframe>`` of a page from another
  origin shows the map with the link's state and no sidebar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser_support import WAIT_MS, BrowserPage, expect, expected_for, wait_for_query

from briefmap.data.schema import ClaimStatus, PlaceKind
from briefmap.engine.query import ClaimFilter
from briefmap.screenshots import AppServer, start_app

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
