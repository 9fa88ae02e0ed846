"""A link too long for Streamlit, in the app (briefmap/app/link.py, check_link_in_browser).

Streamlit drops a query over its limits whole before the script runs; the page
reads it again (``briefmap/drawing/web/link-too-long.js``, tested under Node and,
opened in Chromium, in ``tests/browser/test_browser_hostile_input.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from briefmap.app import streamlit_internals
from briefmap.app.link import LINK_CHECK_KEY, copy_link_html, link_check_html
from briefmap.app.session import KEY_ACTORS
from briefmap.drawing.assets import web_text
from tests.app_runs import APP


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    with streamlit_internals.navigation_only():
        yield


def _checks(at: AppTest) -> int:
    """How many times the run sent the page's check of its own link."""
    return sum(web_text("link-too-long.js") in h.proto.body for h in at.get("html"))


def _opened(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params.update(query)
    return at.run()


def test_a_link_too_long_for_streamlit_reaches_the_app_empty_and_the_page_checks_it() -> None:
    fields, _ = streamlit_internals.query_string_limits()
    padding = {f"utm_{i}": "x" for i in range(fields)}
    at = _opened({"actor": "russia", **padding})
    assert not at.exception
    # Streamlit read nothing: no filter, no notice of the 1,000 unknown parameters.
    assert not at.warning
    assert _checks(at) == 1
    # Once a session: a rerun does not send it again.
    assert _checks(at.run()) == 0


def test_a_link_the_server_read_is_not_checked_again() -> None:
    at = _opened({"actor": "russia"})
    assert not at.exception and _checks(at) == 0


def test_the_cut_link_applies_and_says_what_happened() -> None:
    at = _opened({"actor": "russia", "dropped": "1204"})
    assert not at.exception
    (warning,) = at.warning
    assert r"too long for the server to read \(1,204 parameters\)" in warning.value
    assert at.multiselect(key=KEY_ACTORS).value == ["russia"]
    assert _checks(at) == 0


def test_the_check_hides_its_container_and_names_the_limits() -> None:
    html = link_check_html()
    assert f".st-key-{LINK_CHECK_KEY} {{ display: none; }}" in html
    assert '"fields":1000' in html and '"marker":"dropped"' in html
    assert '"actor"' in html and '"embed"' in html and '"dropped"' not in html.split('"marker"')[0]


def test_the_copy_link_box_escapes_the_link_it_shows_and_copies() -> None:
    # The link holds the user's search text: shown as text, and the attribute
    # the copy button reads cannot be left early.
    url = 'http://localhost/?q="><img src=x onerror=alert(1)>&actor=israel'
    box = copy_link_html(url)
    assert "<img" not in box
    assert (
        'data-link="http://localhost/?q=&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;actor=israel"'
        in box
    )
    assert box.count("&lt;img") == 2  # the attribute and the shown text
    assert web_text("copy-link.js") in box
    assert 'role="status" aria-live="polite"' in box
