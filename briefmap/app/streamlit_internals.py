"""Streamlit's private names that Briefmap relies on, in one place.

Streamlit's public API covers what the app does but for two things:

- Its old ``pages/`` folder mode. The layout keeps a ``pages/`` folder beside
  ``app.py``, and Streamlit takes such a folder as its v1 multipage app: until
  ``st.navigation`` has run once, a page file runs alone, without ``app.py``
  and its sidebar, and its widgets get other ids than in every later run
  (``PagesManager.uses_pages_directory`` in
  ``streamlit/runtime/pages_manager.py``). A server leaves the mode for good
  after its first run; AppTest resets it before every run.
- Its own elements in the page. The app selects its own containers by the
  ``st-key-<key>`` class that ``st.container(key=...)`` documents; Streamlit's
  elements (a column, the sidebar, the main block) carry only ``data-testid``
  attributes, test hooks rather than an API. The few rules that must reach
  them are in one stylesheet, ``briefmap/drawing/web/streamlit-dom.css``, each
  scoped with ``:has()`` to a page by a container key the app owns, and sent
  on every page by :func:`style_streamlit_elements`, with the app's own. The screenshots and
  browser tests wait on the selectors below.
- The limits past which it drops a link's query whole and in silence
  (:func:`query_string_limits`): the page reads such a link again
  (``briefmap/drawing/web/link-too-long.js``).
- Which widgets' values a page sent to a session that has not drawn them yet
  (:func:`keys_the_page_sent`): a page that outlived its server sends them
  with its next change, to a new session (app/link.py, read_link_once).

``tests/test_streamlit_internals.py`` fails when the installed (or locked)
Streamlit is not the release in :data:`WRITTEN_AGAINST`, when a test id named
here or in ``streamlit-dom.css`` is no longer in Streamlit's frontend, and
when a release no longer replays the ``pages/`` folder mode (then
:func:`leave_pages_folder_mode` and :func:`navigation_only` can go).
``tests/test_internals_stay_inside.py`` fails when another module names them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from briefmap.drawing.assets import web_style, web_text
from briefmap.safe import script_json

# The release this module (and streamlit-dom.css) was written against and checked with.
WRITTEN_AGAINST = {"streamlit": "1.67.0"}

# The stylesheet of every rule that selects one of Streamlit's own elements.
STREAMLIT_DOM_STYLESHEET = "streamlit-dom.css"
STREAMLIT_DOM_CSS = web_style(STREAMLIT_DOM_STYLESHEET)
SIDEBAR_OPEN_JS = web_text("sidebar-open.js")


def by_test_id(name: str) -> str:
    """A CSS selector for Streamlit's element marked ``data-testid="<name>"``."""
    return f'[data-testid="{name}"]'


# The whole app; it carries the script's state (SCRIPT_STATE_ATTRIBUTE).
APP = by_test_id("stApp")
# The main area, which scrolls (not the window), and the sidebar.
MAIN = by_test_id("stMain")
SIDEBAR = by_test_id("stSidebar")
# The attribute sidebar-open.js sets on <html> once it has opened the sidebar (or
# left it closed: a phone's window, or the reader's choice); see open_sidebar.
SIDEBAR_SETTLED = "data-bm-sidebar-settled"
# The sidebar's first widget (the presentation toggle), in the page even when
# presentation view hides the sidebar. A session's first run lays the sidebar
# out at its end (app/view.py, sidebar_first): until it is there, that run
# has not finished drawing.
SIDEBAR_LAID_OUT = f"{by_test_id('stSidebarUserContent')} {by_test_id('stCheckbox')}"
# The same, once sidebar-open.js has opened the sidebar (or left it closed): what
# a test or a screenshot waits for before it uses the sidebar.
SIDEBAR_READY = f"html[{SIDEBAR_SETTLED}] {SIDEBAR_LAID_OUT}"
# The sidebar's "Expand sidebar" button (in Streamlit's header while it is closed),
# the sidebar's attribute saying it is closed, and the start of the localStorage
# key under which Streamlit keeps a reader's choice to open or close it
# (``stSidebarCollapsed-<the app's base URL>``: "true" closed, "false" open).
EXPAND_SIDEBAR = by_test_id("stExpandSidebarButton")
SIDEBAR_COLLAPSED_ATTRIBUTE = "data-collapsed"
SIDEBAR_CHOICE_KEY = "stSidebarCollapsed-"
# Streamlit's widest window of a phone, where it lays the sidebar over the page and
# starts it closed itself (its theme's "md" breakpoint, 768 px, less 0.02).
MOBILE_WIDTH = 767
# The container of sidebar-open.js's script, first in the sidebar (streamlit-dom.css
# hides it, and lays the sidebar over the page wherever it is).
SIDEBAR_OPEN_KEY = "bm-sidebar-open"
# The longest sidebar-open.js waits for the sidebar and its stylesheet before it
# settles all the same (and held.css shows the page's content).
SIDEBAR_WAIT_MS = 5000
# A table drawn (st.dataframe), and an exception shown in the page.
DATA_FRAME = by_test_id("stDataFrame")
EXCEPTION = by_test_id("stException")
# APP's attribute saying whether the script runs: "running", then NOT_RUNNING.
SCRIPT_STATE_ATTRIBUTE = "data-test-script-state"
NOT_RUNNING = "notRunning"


def query_string_limits() -> tuple[int, int]:
    """The most fields and characters of a link's query Streamlit reads; beyond either, none.

    ``sanitize_query_string`` in ``streamlit/runtime/state/query_params.py``
    (1.67: 1,000 fields, counted as ampersands plus one, and 512 Ki characters)
    turns a longer query into an empty one before the script runs, logging only
    on the server; ``st.query_params`` and ``st.context.url`` then say nothing of it.
    """
    from streamlit.runtime.state import query_params

    return (
        query_params.CLIENT_STATE_QUERY_STRING_MAX_FIELDS,
        query_params.CLIENT_STATE_QUERY_STRING_MAX_LENGTH,
    )


def keys_the_page_sent() -> frozenset[str]:
    """The keys of the keyed widgets whose values the page sent with this run.

    On a session's first run a page just opened sends none. A page that
    outlived its server (a restart, or a session gone while the page was away)
    reconnects to a new session, and Streamlit's frontend starts no run then
    (``handleConnectionStateChanged``): the page's next change is the new
    session's first run, and it carries the values of every widget on the page.
    The session knows them only by widget id until the widget is drawn; the id
    of a keyed widget ends in its key (``user_key_from_element_id`` in
    ``streamlit/runtime/state/common.py``).
    """
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
    from streamlit.runtime.state.common import is_keyed_element_id, user_key_from_element_id

    ctx = get_script_run_ctx()
    if ctx is None:
        return frozenset()
    ids = (state.id for state in ctx.session_state.get_widget_states())
    return frozenset(
        key for i in ids if is_keyed_element_id(i) and (key := user_key_from_element_id(i))
    )


def style_streamlit_elements(own_css: str = "") -> None:
    """Send ``streamlit-dom.css``, and ``own_css`` after it, in one element: once per run, first.

    Style only, so Streamlit puts it in its event container, taking no room.
    Each rule applies only on the page whose own keyed container it names.
    One element, so that all of them apply in the same frame (app/page_style.py).
    """
    import streamlit as st

    st.html(STREAMLIT_DOM_CSS + own_css)


def first_sidebar_state(first_run: bool) -> str:
    """``st.set_page_config``'s ``initial_sidebar_state``: closed on a session's first run.

    Streamlit draws its frame (header and main area) full width before a run's
    first message, and a sidebar that arrives open pushes all of it aside: 300
    px of a 1280 px window, a layout shift of 0.23, whatever the app sends first
    (issue 25, finding 4). Closed, the sidebar takes no room; :func:`open_sidebar`
    opens it over the page once streamlit-dom.css lays it there. Later runs ask
    for Streamlit's own "auto" (open but on a phone): it changes nothing on
    screen, and a window resized or a page reconnected keeps the sidebar open.
    """
    return "collapsed" if first_run else "auto"


def open_sidebar() -> None:
    """Send sidebar-open.js, first in the sidebar: it opens the sidebar once laid over the page.

    In a keyed container that streamlit-dom.css hides; the same container
    turns on streamlit-dom.css's rules that lay the sidebar over the page.
    """
    import streamlit as st

    names = {
        "sidebar": SIDEBAR,
        "expand": EXPAND_SIDEBAR,
        "collapsed": SIDEBAR_COLLAPSED_ATTRIBUTE,
        "stored": SIDEBAR_CHOICE_KEY,
        "mobile": MOBILE_WIDTH,
        "settled": SIDEBAR_SETTLED,
        "waitMs": SIDEBAR_WAIT_MS,
    }
    script = f"<script>window.__bmSidebarNames = {script_json(names)};\n{SIDEBAR_OPEN_JS}</script>"
    with st.sidebar.container(key=SIDEBAR_OPEN_KEY):
        st.html(script, unsafe_allow_javascript=True)


def leave_pages_folder_mode() -> None:
    """On a server: rerun at once if Streamlit is replaying the old ``pages/`` folder mode.

    A server's first session runs in the old mode until ``st.navigation`` has
    been called once, so values a shared link sets are lost on the next rerun.
    Switching the mode off and rerunning before any widget is drawn makes the
    first run like all the others.
    """
    import streamlit as st
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@contextmanager
def navigation_only() -> Iterator[None]:
    """AppTest runs that go through ``app.py`` every time, as a server's reruns do.

    AppTest builds a new ``PagesManager`` for every run, which looks at the
    ``pages/`` folder again; switching the mode off right after it is built
    makes each run start at ``app.py``, where ``st.navigation`` picks the page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self: PagesManager, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = init  # type: ignore[method-assign]
    try:
        yield
    finally:
        PagesManager.__init__ = original  # type: ignore[method-assign]
