"""Streamlit still replays its ``pages/`` folder mode, and the workaround still works.

When a Streamlit release stops replaying the mode, the first test fails: then
``briefmap/app/pages_mode.py`` and its callers can go.
"""

from __future__ import annotations

from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

from briefmap.app import pages_mode

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def _sidebar_after_switching_to_claims() -> list[str]:
    # The Map page's first run: its map, and the sidebar left to the next run.
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert [e for e in at.get("component_instance") if "st_folium" in e.proto.component_name]
    assert list(at.sidebar.subheader) == []
    at.switch_page("pages/claims.py").run()
    assert [t.value for t in at.title] == ["Claims"]
    return [h.value for h in at.sidebar.subheader]


def test_without_the_workaround_a_page_runs_alone() -> None:
    # The old mode: the Claims page ran without app.py, so with no sidebar.
    assert hasattr(PagesManager, "uses_pages_directory")
    assert _sidebar_after_switching_to_claims() == []


def test_with_the_workaround_every_run_starts_at_app_py() -> None:
    original = PagesManager.__init__
    with pages_mode.navigation_only():
        assert "Filters" in _sidebar_after_switching_to_claims()
    assert PagesManager.__init__ is original
