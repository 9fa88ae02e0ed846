"""The app as a browser session sees it, for AppTest.

A session's first run on the Map page draws the map and leaves the sidebar to
the run the map asks for once it has drawn (``briefmap/app/view.py``,
``sidebar_after_map``). AppTest has no browser to draw the map, so a second
run stands in for the map's report.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def opened(at: AppTest) -> AppTest:
    """``at``'s first run, then the run the drawn map asks for."""
    return at.run().run()


def first_run(timeout: float = 60, app: Path = APP) -> AppTest:
    """A new session's first run: on the Map page, the map and no sidebar yet."""
    return AppTest.from_file(str(app), default_timeout=timeout).run()


def open_app(timeout: float = 60, app: Path = APP) -> AppTest:
    """The app opened in a new session: the sidebar laid out, on the Map page."""
    return first_run(timeout, app).run()
