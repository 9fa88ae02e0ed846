"""Deployed elsewhere (issue 25): a server without a browser, an embedded page.

Community Cloud gets Chromium from packages.txt (tests/test_project.py); a
server of one's own may have none. The PNG button is off then, and its caption
says what is missing and how to add it, not how the app is built. Embedded
with ``?embed=true`` the app has no sidebar, and the link sets its state
(tests/browser/test_browser_deploy.py shows it in an iframe).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from app_runs import APP, open_app
from streamlit.testing.v1 import AppTest

from briefmap.app import BriefingView, session, streamlit_internals
from briefmap.drawing import png_export
from briefmap.engine.state import P_ACTORS
from briefmap.screenshots import why_no_browser

NO_SUCH_BROWSER = "/nonexistent/chromium"


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    with streamlit_internals.navigation_only():
        yield


def test_without_chromium_the_png_button_is_off_and_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BRIEFMAP_CHROMIUM", NO_SUCH_BROWSER)
    at = open_app()
    assert not at.exception
    assert at.button(key="png_draw").disabled
    (said,) = [c.value for c in at.caption if "PNG snapshot" in c.value]
    assert said.startswith("A PNG snapshot cannot be made on this server: it has no Chromium")
    assert "apt-get install chromium" in said and "packages.txt" in said
    assert "The HTML map works without it." in said
    assert NO_SUCH_BROWSER not in said  # the server's paths are its own business


def test_without_playwright_it_says_so() -> None:
    # Playwright is an app dependency now; a server installed without it is told how.
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "playwright.sync_api", None)  # import fails
        said = why_no_browser("A PNG snapshot")
        assert not png_export.snapshot_available()
    assert said is not None
    assert said.startswith("A PNG snapshot cannot be made on this server: Playwright")
    assert "requirements.txt" in said


def test_with_a_browser_nothing_is_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFMAP_CHROMIUM", sys.executable)  # any executable file will do
    assert why_no_browser("A PNG snapshot") is None
    assert png_export.snapshot_available()


def test_embedded_there_is_no_sidebar_and_the_link_sets_the_state() -> None:
    # Streamlit's ?embed=true, which st.context.is_embedded reports.
    for embedded in (False, True):
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.context = {"is_embedded": embedded}
        at.query_params = {P_ACTORS: "israel"}
        at.run()
        assert not at.exception
        assert bool(at.sidebar.multiselect) is not embedded
        for _ in range(2):  # and the next run keeps it, with no widget to hold it
            shown: BriefingView = at.session_state[session.KEY_VIEW]
            assert shown.claim_filter.actors == {"israel"}
            assert at.query_params[P_ACTORS] in ("israel", ["israel"])
            at.run()
