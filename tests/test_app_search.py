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


def _frame(at: object) -> object:
    from briefmap.app.session import KEY_VIEW_REQUEST

    state = at.session_state  # type: ignore[attr-defined]
    return state.get(KEY_VIEW_REQUEST)


def test_a_search_frames_what_it_finds_and_one_place_opens_its_card() -> None:
    # A search kept the whole region's view (issue 25, the walk-through).
    at = open_app()
    at.sidebar.text_input(key="filter_search").input("Qamishly").run()
    frame = _frame(at)
    assert frame is not None, "the search framed nothing"
    (south, west), (north, east) = frame.bounds  # type: ignore[attr-defined]
    # Qamishli and its airport, a few kilometres apart, and nothing else.
    assert 37.0 < south <= north < 37.1 and 41.1 < west <= east < 41.3
    assert at.session_state["selected_place"] is None  # two places: no card chosen for the user
    # One place found: framed on it, and its card opens.
    at.sidebar.text_input(key="filter_search").input("Kobani").run()
    assert not at.exception
    again = _frame(at)
    assert again.serial > frame.serial  # type: ignore[attr-defined]
    assert again.bounds == ((36.891, 38.3535), (36.891, 38.3535))  # type: ignore[attr-defined]
    assert at.session_state["selected_place"] == "kobani"
    assert at.selectbox(key="selected_place").value == "kobani"
    # An emptied box leaves the view where it is.
    at.sidebar.text_input(key="filter_search").input("").run()
    assert _frame(at).serial == again.serial  # type: ignore[attr-defined]
