"""The app's stylesheets, sent at the top of every run, and the content held until they apply.

Streamlit draws a run's elements as they arrive, but inserts the styles sent
with ``st.html`` only once that element's code has loaded, some 200-300 ms
later (React shows the new elements' placeholders first). Content styled by
those rules was drawn unstyled and then moved: the Map page jumped while it
loaded (issue 25, finding 4). So every stylesheet of the app's own pages goes
in one style element, first in the run, and a page's body is laid out in a
:func:`held` container, kept out of sight until that element is in and the
sidebar, closed on a session's first run, has opened over the page
(:func:`sidebar_state`): Streamlit's frame, drawn full width before the run,
was pushed aside by a sidebar arriving open.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from briefmap.app import streamlit_internals
from briefmap.app.map_panel import MAP_COLUMNS_CSS
from briefmap.app.scenes import MAP_PAGE_CSS
from briefmap.app.session import KEY_RUN
from briefmap.drawing.assets import web_style

# What a held container's key starts with; held.css shows every such container.
HELD_KEY_PREFIX = "bm-held-"
# held.css, with the rules of the Map page (each scoped to a container it keys),
# in the one style element that streamlit-dom.css leads.
PAGE_CSS = web_style("held.css") + MAP_PAGE_CSS + MAP_COLUMNS_CSS


def style_pages() -> None:
    """Send the app's page stylesheets: once per run, before any element, on every page.

    Then, unless the page is embedded (no sidebar), the script that opens the
    sidebar over the page once they apply (:func:`sidebar_state`).
    """
    streamlit_internals.style_streamlit_elements(PAGE_CSS)
    if not st.context.is_embedded:
        streamlit_internals.open_sidebar()


def sidebar_state() -> str:
    """The sidebar's state to ask Streamlit for: closed on a session's first run, else its own.

    Opened over the page by the script :func:`style_pages` sends, so that its
    arrival moves nothing (``streamlit_internals.first_sidebar_state``).
    """
    return streamlit_internals.first_sidebar_state(first_run=not st.session_state.get(KEY_RUN))


def held(name: str, parent: DeltaGenerator | None = None) -> DeltaGenerator:
    """A container out of sight until the page's stylesheets apply, then as tall as its content.

    One pixel tall and clipping until held.css (sent by :func:`style_pages`)
    says otherwise; ``parent``: where to put it (the sidebar), else where the
    script is writing.
    """
    return (parent or st).container(key=f"{HELD_KEY_PREFIX}{name}", height=1, border=False)
