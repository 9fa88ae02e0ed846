"""The sidebar's search in the app (AppTest): typed, it lists what it finds and narrows the map."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from app_runs import open_app

from briefmap.app import streamlit_internals


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    # AppTest would replay Streamlit's pages/ folder mode (see briefmap/app/streamlit_internals.py).
    with streamlit_internals.navigation_only():
        yield


def _listed(at: object) -> str:
    return "\n".join(c.value for c in at.sidebar.caption)  # type: ignore[attr-defined]


def test_a_misspelt_place_is_listed_and_drawn() -> None:
    at = open_app()
    at.sidebar.text_input(key="filter_search").input("Qamishly").run()
    assert not at.exception
    listed = _listed(at)
    assert "**Qamishli**" in listed and "English name" in listed
    assert "Qamishli International Airport" in listed
    # The map shows the places found, not "nothing matches".
    assert not any("No claims match" in i.value for i in at.info)


def test_claim_text_and_nothing_matching() -> None:
    at = open_app()
    at.sidebar.text_input(key="filter_search").input("military police").run()
    assert "Claim “Russian military police" in _listed(at)
    at.sidebar.text_input(key="filter_search").input("Aleppo").run()
    assert "Nothing matches “Aleppo”" in _listed(at)
