"""Streamlit's private names still work as ``briefmap/app/streamlit_internals.py`` uses them.

The first test fails when the installed (or locked) Streamlit is not the
release the module was written against: re-read the module and
``briefmap/drawing/web/streamlit-dom.css`` against the new one, then update
``WRITTEN_AGAINST``. The others fail when a name they rely on is gone: a test
id no longer in Streamlit's frontend, or the ``pages/`` folder mode no longer
replayed (then :func:`~briefmap.app.streamlit_internals.leave_pages_folder_mode`,
:func:`~briefmap.app.streamlit_internals.navigation_only` and their callers can go).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pytest
import streamlit
from pins import assert_written_against
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from briefmap.app import map_panel, scenes, streamlit_internals
from briefmap.drawing.assets import web_text

APP = str(Path(__file__).resolve().parent.parent / "app.py")
MODULE = Path(streamlit_internals.__file__)
# Streamlit's frontend, as the installed package serves it.
FRONTEND = Path(streamlit.__file__).parent / "static"


def _stylesheet() -> str:
    """``streamlit-dom.css`` without its comments."""
    css = web_text(streamlit_internals.STREAMLIT_DOM_STYLESHEET)
    return re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)


def _test_ids() -> set[str]:
    """Every ``data-testid`` the module names (``by_test_id``) and the stylesheet selects."""
    module = set(re.findall(r"""by_test_id\(["'](\w+)["']\)""", MODULE.read_text(encoding="utf-8")))
    css = set(re.findall(r'\[data-testid="(\w+)"\]', _stylesheet()))
    assert module and css
    return module | css


@functools.cache
def _frontend_strings() -> frozenset[str]:
    """Every string literal in Streamlit's frontend bundle (quoted or a template)."""
    found: set[str] = set()
    for path in FRONTEND.rglob("*.js"):
        found.update(re.findall(r"""["'`]([\w-]+)["'`]""", path.read_text(encoding="utf-8")))
    return frozenset(found)


def test_the_installed_release_is_the_one_the_module_was_written_against() -> None:
    assert_written_against("streamlit", streamlit_internals.WRITTEN_AGAINST["streamlit"])


@pytest.mark.parametrize("name", sorted(_test_ids()))
def test_each_test_id_relied_on_is_in_streamlits_frontend(name: str) -> None:
    assert name in _frontend_strings(), f"Streamlit's frontend no longer marks {name!r}"


def test_the_script_state_relied_on_is_in_streamlits_frontend() -> None:
    strings = _frontend_strings()
    assert streamlit_internals.SCRIPT_STATE_ATTRIBUTE in strings
    assert streamlit_internals.NOT_RUNNING in strings


def test_the_sidebars_names_relied_on_are_in_streamlits_frontend() -> None:
    # sidebar-open.js reads the sidebar's closed attribute and the reader's stored
    # choice; the "md" breakpoint is where Streamlit lays the sidebar over the page.
    bundle = "".join(p.read_text(encoding="utf-8") for p in FRONTEND.rglob("*.js"))
    assert f'"{streamlit_internals.SIDEBAR_COLLAPSED_ATTRIBUTE}":r?`true`:`false`' in bundle
    assert f"`{streamlit_internals.SIDEBAR_CHOICE_KEY}${{e}}`" in bundle
    assert f"md:`{streamlit_internals.MOBILE_WIDTH + 1}px`" in bundle


def _selectors(css: str) -> list[str]:
    """Each selector of each rule (at-rules' own rules included), split at top-level commas."""
    selectors = []
    for head in re.findall(r"([^{}]+)\{[^{}]*\}", css):
        depth, start = 0, 0
        for at, char in enumerate(head):
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "," and depth == 0:
                selectors.append(head[start:at].strip())
                start = at + 1
        selectors.append(head[start:].strip())
    return selectors


def test_each_rule_on_streamlits_elements_is_scoped_to_a_container_the_app_keys() -> None:
    # So one stylesheet can be sent on every page: a rule applies only where
    # its page has drawn the container it names.
    keys = {
        map_panel.MAP_COLUMN_KEY,
        map_panel.MAP_KEY,
        map_panel.MAP_SIZE_KEY,
        scenes.MAP_HEAD_KEY,
        scenes.PRESENT_HEAD_KEY,
        scenes.PRESENT_NAV_KEY,
        scenes.SCENE_KEYS_KEY,
        streamlit_internals.SIDEBAR_OPEN_KEY,
    }
    selectors = _selectors(_stylesheet())
    assert len(selectors) >= 10
    for selector in selectors:
        assert "[data-testid=" in selector, f"{selector!r} selects nothing of Streamlit's"
        named = set(re.findall(r"\.st-key-([\w-]+)", selector))
        assert named and named <= keys, f"{selector!r} is not scoped by a container the app keys"


def test_the_stylesheet_is_sent_on_every_page() -> None:
    with streamlit_internals.navigation_only():
        for page in ("pages/map.py", "pages/claims.py", "pages/sources.py"):
            at = AppTest.from_file(APP, default_timeout=60).run()
            if page != "pages/map.py":
                at.switch_page(page).run()
            assert not at.exception
            styles = [h.proto.body for h in at.get("html")]
            # With the app's own stylesheets after it, in the same element (app/page_style.py).
            assert sum(streamlit_internals.STREAMLIT_DOM_CSS in s for s in styles) == 1, page


def _sidebar_after_switching_to_claims() -> list[str]:
    # The Map page's first run, with its map.
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [e for e in at.get("component_instance") if "st_folium" in e.proto.component_name]
    at.switch_page("pages/claims.py").run()
    assert [t.value for t in at.title] == ["Claims"]
    return [h.value for h in at.sidebar.subheader]


def test_without_the_workaround_a_page_runs_alone() -> None:
    # The old mode: the Claims page ran without app.py, so with no sidebar.
    assert hasattr(PagesManager, "uses_pages_directory")
    assert _sidebar_after_switching_to_claims() == []


def test_with_the_workaround_every_run_starts_at_app_py() -> None:
    original = PagesManager.__init__
    with streamlit_internals.navigation_only():
        assert "Filters" in _sidebar_after_switching_to_claims()
    assert PagesManager.__init__ is original


def test_streamlit_drops_a_query_past_the_limits_the_page_checks_against() -> None:
    """link-too-long.js counts fields as ampersands plus one and characters as Streamlit does."""
    from streamlit.runtime.state.query_params import sanitize_query_string

    fields, length = streamlit_internals.query_string_limits()
    assert (fields, length) == (1000, 512 * 1024)
    at_limit = "&".join(["a=1"] * fields)
    assert sanitize_query_string(at_limit) == at_limit
    assert sanitize_query_string(at_limit + "&a=1") == ""
    longest = "q=" + "a" * (length - 2)
    assert sanitize_query_string(longest) == longest
    assert sanitize_query_string(longest + "a") == ""


def test_a_sessions_first_run_asks_for_the_sidebar_closed_and_later_runs_for_streamlits_own() -> (
    None
):
    assert streamlit_internals.first_sidebar_state(first_run=True) == "collapsed"
    assert streamlit_internals.first_sidebar_state(first_run=False) == "auto"


def test_the_sidebars_opener_is_first_in_the_sidebar_on_every_run() -> None:
    with streamlit_internals.navigation_only():
        at = AppTest.from_file(APP, default_timeout=60).run()
        for _ in range(2):
            assert not at.exception
            first = at.sidebar[0]
            assert first.key == streamlit_internals.SIDEBAR_OPEN_KEY
            (opener,) = [h for h in at.get("html") if "__bmSidebarNames" in h.proto.body]
            assert opener.proto.unsafe_allow_javascript
            at.run()


def _opener_alone() -> None:
    # AppTest runs this function's source alone: it imports what it calls.
    from briefmap.app import streamlit_internals

    streamlit_internals.open_sidebar()


def test_the_page_keeps_the_sidebars_opener() -> None:
    # st.html's sanitizer (DOMPurify) drops a script whose text holds what looks
    # like a tag, "<" then a letter or "/": the sidebar then never opened.
    at = AppTest.from_function(_opener_alone).run()
    (opener,) = at.get("html")
    body = opener.proto.body
    assert body.startswith("<script>") and body.endswith("</script>")
    assert not re.search(r"<[/\w]", body.removeprefix("<script>").removesuffix("</script>"))


def test_an_embedded_page_has_no_opener_and_so_no_sidebar() -> None:
    # Streamlit's ?embed=true: the page list hidden and nothing in the sidebar, so
    # Streamlit draws none (app.py), and streamlit-dom.css's sidebar rules stay off.
    with streamlit_internals.navigation_only():
        at = AppTest.from_file(APP, default_timeout=60)
        at.context = {"is_embedded": True}
        at.run()
    assert not at.exception
    assert not [h for h in at.get("html") if "__bmSidebarNames" in h.proto.body]
    assert len(at.sidebar) == 0
