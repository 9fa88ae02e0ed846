"""The app as a browser session opens it, for AppTest: one run lays out the page, then the sidebar."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parent.parent / "app.py"


def open_app(timeout: float = 60, app: Path = APP) -> AppTest:
    """The app opened in a new session: its first run, on the Map page, sidebar and all."""
    return AppTest.from_file(str(app), default_timeout=timeout).run()
