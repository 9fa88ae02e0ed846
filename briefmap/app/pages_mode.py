"""The one workaround for Streamlit's old ``pages/`` folder mode, in one place.

The layout keeps a ``pages/`` folder beside ``app.py``, and Streamlit takes such
a folder as its v1 multipage app: until ``st.navigation`` has run once, a page
file runs alone, without ``app.py`` and its sidebar, and its widgets get other
ids than in every later run (``PagesManager.uses_pages_directory`` in
``streamlit/runtime/pages_manager.py``). A server leaves the mode for good after
its first run; AppTest resets it before every run. ``tests/test_pages_mode.py``
fails when a Streamlit release no longer needs this, so it can go.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def leave_pages_folder_mode() -> None:
    """On a server: rerun at once if Streamlit is replaying the old mode.

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
