"""A page that outlived its server: its next change opens a new session, and holds.

Issue 25, finding 7. Streamlit's frontend starts no run when it reconnects to a
new server; the page's next change is the new session's first run, carrying
every widget's value and the URL the old session wrote. Here the same, in
AppTest: the widget states of one session's page, changed, sent as the first
run of another session with that page's link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from app_runs import APP, open_app
from streamlit.testing.v1 import AppTest

from briefmap.app import session, streamlit_internals
from briefmap.data.schema import ClaimStatus
from briefmap.engine.state import P_ACTORS, P_BRIEFING, P_FROM, P_SCENE, P_STATUSES


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    with streamlit_internals.navigation_only():
        yield


def _new_session_with(old: AppTest, link: dict) -> AppTest:
    """A new session whose first run gets ``old``'s page: its widgets' values, and ``link``.

    ``old`` has run with the change, so that its widgets hold it as a browser
    sends it (AppTest sends a value set but not yet run unformatted); ``link``
    is the URL from before the change.
    """
    new = AppTest.from_file(str(APP), default_timeout=60)
    new.query_params = dict(link)
    new._run(widget_state=old._tree.get_widget_states())
    return new


def _query(at: AppTest) -> dict[str, str]:
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def test_the_pages_change_stands_over_its_old_link() -> None:
    old = open_app()
    old.sidebar.multiselect(key=session.KEY_ACTORS).set_value(["israel"]).run()
    assert _query(old)[P_ACTORS] == "israel"
    # The server restarts; the page's next change goes to a new session.
    link = dict(old.query_params)
    old.sidebar.multiselect(key=session.KEY_STATUSES).set_value([ClaimStatus.CONFIRMED]).run()
    new = _new_session_with(old, link)
    assert not new.exception
    query = _query(new)
    assert query[P_ACTORS] == "israel"
    assert query[P_STATUSES] == "confirmed"
    assert new.session_state[session.KEY_STATUSES] == [ClaimStatus.CONFIRMED]
    # And the next run keeps it.
    new.run()
    assert _query(new)[P_STATUSES] == "confirmed"


def test_a_range_the_page_sent_is_read_as_a_range() -> None:
    # The slider is a range only by its default's shape: the page's own range stands.
    old = open_app()
    first, last = old.sidebar.slider(key=session.KEY_DATES).value
    start = first + dt.timedelta(days=1)
    link = dict(old.query_params)
    old.sidebar.slider(key=session.KEY_DATES).set_value((start, last)).run()
    new = _new_session_with(old, link)
    assert not new.exception
    assert new.session_state[session.KEY_DATES] == (start, last)
    assert _query(new)[P_FROM] == start.isoformat()


def test_a_new_page_still_takes_its_link() -> None:
    # A first run with no page behind it (a link opened) reads the link, as before.
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params = {P_ACTORS: "israel"}
    at.run()
    assert not at.exception
    assert at.session_state[session.KEY_ACTORS] == ["israel"]
    assert not at.session_state[session.KEY_PAGE_KEPT]


def _clicked_in_new_session(old: AppTest, link: dict) -> AppTest:
    """A new session whose first run is ``old``'s page with the click just made (not run)."""
    new = AppTest.from_file(str(APP), default_timeout=60)
    new.query_params = dict(link)
    new._run(widget_state=old._tree.get_widget_states())
    return new


def test_a_button_as_the_first_change_after_a_restart_does_its_work() -> None:
    # Streamlit calls the callbacks a session registered; a new session has none,
    # so Reset filters, pressed first after a restart, returned True and did nothing.
    old = open_app()
    old.sidebar.multiselect(key=session.KEY_ACTORS).set_value(["israel"]).run()
    link = dict(old.query_params)
    assert _query(old)[P_ACTORS] == "israel"
    reset = next(b for b in old.sidebar.button if b.label == "Reset filters")
    reset.click()
    new = _clicked_in_new_session(old, link)
    assert not new.exception
    assert P_ACTORS not in _query(new)
    assert not new.session_state[session.KEY_ACTORS]
    new.run()
    assert P_ACTORS not in _query(new)


def test_next_scene_as_the_first_change_after_a_restart_moves_on() -> None:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params = {P_BRIEFING: "moscow-meeting", P_SCENE: "1"}
    at.run()
    assert _query(at)[P_SCENE] == "1"
    link = dict(at.query_params)
    next(b for b in at.button if b.key == "scene_next").click()
    new = _clicked_in_new_session(at, link)
    assert not new.exception
    assert _query(new)[P_SCENE] == "2"
    assert new.session_state[session.KEY_SCENE] == 2


def test_a_briefing_picked_as_the_first_change_after_a_restart_starts_it() -> None:
    # The picker starts a briefing in its on_change, which a new session has not
    # registered: the briefing was shown picked and no scene of it ran.
    old = open_app()
    assert P_BRIEFING not in _query(old)
    link = dict(old.query_params)
    old.sidebar.selectbox(key=session.KEY_BRIEFING).set_value("moscow-meeting")
    new = _clicked_in_new_session(old, link)
    assert not new.exception
    query = _query(new)
    assert (query.get(P_BRIEFING), query.get(P_SCENE)) == ("moscow-meeting", "1")
    assert new.session_state[session.KEY_SCENE] == 1
    assert any("scene 1 of" in m.value for m in new.markdown)
    # And back to exploring freely, first after another restart.
    link = dict(new.query_params)
    new.sidebar.selectbox(key=session.KEY_BRIEFING).set_value(None)
    again = _clicked_in_new_session(new, link)
    assert not again.exception
    assert P_BRIEFING not in _query(again) and P_SCENE not in _query(again)
    assert again.session_state[session.KEY_SCENE] is None
