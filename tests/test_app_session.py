"""briefmap.app's one converter (widget values, state, link) and how often a run uses it."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from app_runs import open_app
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest
from test_properties import SETTINGS, views

from briefmap.app import session, streamlit_internals, view
from briefmap.app.data import Upload
from briefmap.app.session import Form
from briefmap.data.loader import load_catalog
from briefmap.data.schema import ClaimStatus
from briefmap.data.uploads import load_upload
from briefmap.engine.briefings import load_briefings
from briefmap.engine.query import Deployments
from briefmap.engine.state import MAX_SEARCH, P_ACTORS, P_DEPLOY, BriefingState

REPO = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(REPO / "geodata").catalog
FORM = Form.of(CATALOG)
BRIEFINGS, _ = load_briefings(REPO / "geodata", CATALOG)


def _chosen(vocab: Any) -> st.SearchStrategy[list]:
    """A multiselect's value: any subset, in the order the widget lists its options."""
    return st.sets(st.sampled_from(list(vocab))).map(lambda s: [v for v in vocab if v in s])


in_range = st.dates(min_value=FORM.first, max_value=FORM.last)


@st.composite
def widget_values(draw: st.DrawFn) -> dict[str, Any]:
    start, end = sorted(draw(st.lists(in_range, min_size=2, max_size=2)))
    briefing = draw(st.one_of(st.none(), st.sampled_from(sorted(BRIEFINGS))))
    scenes = len(BRIEFINGS[briefing].scenes) if briefing else 0
    return {
        session.KEY_ACTORS: draw(_chosen(FORM.actor_ids)),
        session.KEY_STATUSES: draw(_chosen(ClaimStatus)),
        session.KEY_DEPLOYMENTS: draw(st.sampled_from(list(Deployments))),
        session.KEY_KINDS: draw(_chosen(FORM.kinds)),
        session.KEY_SEARCH: draw(st.text(max_size=MAX_SEARCH)),
        session.KEY_DATES: (start, end),
        # The day fields are text, empty for no day.
        session.KEY_AS_OF: draw(st.one_of(st.just(""), in_range.map(dt.date.isoformat))),
        session.KEY_SINCE: draw(st.one_of(st.just(""), in_range.map(dt.date.isoformat))),
        session.KEY_MAP_VIEW: draw(st.one_of(st.none(), views)),
        session.KEY_SELECTED_PLACE: draw(
            st.one_of(st.none(), st.sampled_from(sorted(CATALOG.places)))
        ),
        session.KEY_PRESENT: draw(st.booleans()),
        session.KEY_BRIEFING: briefing,
        session.KEY_SCENE: draw(st.integers(min_value=1, max_value=scenes)) if briefing else None,
    }


OPTIONS = {
    session.KEY_ACTORS: list(FORM.actor_ids),
    session.KEY_STATUSES: list(ClaimStatus),
    session.KEY_KINDS: list(FORM.kinds),
}


def _all_as_empty(key: str, value: Any) -> Any:
    return [] if key in OPTIONS and value == OPTIONS[key] else value


@SETTINGS
@given(widget_values())
def test_widget_values_state_and_link_round_trip(values: dict[str, Any]) -> None:
    state = FORM.read(values, BRIEFINGS)
    params = FORM.params(state)
    again, notices = FORM.parse(params)
    assert notices == []
    assert again == state
    # ...and back to the same widget values, where choosing every option reads
    # as choosing none: both are "all", shown as an empty widget.
    assert FORM.filter_values(again.claim_filter) == {
        k: _all_as_empty(k, values[k]) for k in session.FILTER_KEYS
    }
    moved: list[str] = []
    assert FORM.day_value(again.as_of, "as of", moved) == values[session.KEY_AS_OF]
    assert FORM.day_value(again.since, "since", moved) == values[session.KEY_SINCE]
    assert moved == []  # the widgets' days are inside the data's dates
    assert (again.view, again.place, again.present) == (
        values[session.KEY_MAP_VIEW],
        values[session.KEY_SELECTED_PLACE],
        values[session.KEY_PRESENT],
    )
    assert (again.briefing, again.scene) == (
        values[session.KEY_BRIEFING],
        values[session.KEY_SCENE],
    )


def test_an_empty_filter_widget_means_all_and_all_shows_empty() -> None:
    # "Empty means all" keeps the sidebar short (issue 13, finding 8).
    everything = FORM.read({}, BRIEFINGS).claim_filter
    assert everything == FORM.defaults
    assert (
        FORM.read({session.KEY_ACTORS: []}, BRIEFINGS).claim_filter.actors == FORM.defaults.actors
    )
    shown = FORM.filter_values(FORM.defaults)
    assert (
        shown[session.KEY_ACTORS] == shown[session.KEY_STATUSES] == shown[session.KEY_KINDS] == []
    )
    # A link naming every actor (as older links did) shows an empty widget too,
    # and one naming a few shows those.
    state, _ = FORM.parse({P_ACTORS: ",".join(FORM.actor_ids)})
    assert FORM.filter_values(state.claim_filter)[session.KEY_ACTORS] == []
    state, _ = FORM.parse({P_ACTORS: "syria,israel"})
    assert FORM.filter_values(state.claim_filter)[session.KEY_ACTORS] == ["syria", "israel"]
    assert FORM.params(FORM.read(FORM.filter_values(state.claim_filter), BRIEFINGS)) == {
        P_ACTORS: "syria,israel"
    }


def test_a_fresh_visitor_has_an_empty_link() -> None:
    state = FORM.read(FORM.filter_values(FORM.defaults), BRIEFINGS)
    assert state == BriefingState(claim_filter=FORM.defaults)
    assert FORM.params(state) == {}


def test_what_a_link_leaves_out_is_at_its_default() -> None:
    state, notices = FORM.parse({P_DEPLOY: "proposed", P_ACTORS: "israel,martians"})
    assert len(notices) == 1
    flt = state.claim_filter
    assert flt.actors == {"israel"}
    assert (flt.statuses, flt.kinds) == (FORM.defaults.statuses, FORM.defaults.kinds)
    assert flt.deployments is Deployments.PROPOSED_ONLY


def test_a_scene_past_the_end_reads_as_the_last() -> None:
    briefing = next(iter(BRIEFINGS.values()))
    state = FORM.read({session.KEY_BRIEFING: briefing.id, session.KEY_SCENE: 999}, BRIEFINGS)
    assert state.scene == len(briefing.scenes)
    assert (
        FORM.read({session.KEY_BRIEFING: "nope", session.KEY_SCENE: 2}, BRIEFINGS).briefing is None
    )


# ------------------------------------------------------------ once per run


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """Calls of the converter and of the upload's filter, from an app under AppTest."""
    calls: Counter[str] = Counter()

    def count(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def counting(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return fn(*args, **kwargs)

        return counting

    monkeypatch.setattr(Form, "read", count("read", Form.read))
    monkeypatch.setattr(session, "to_params", count("to_params", session.to_params))
    monkeypatch.setattr(session, "parse", count("parse", session.parse))
    filter_upload = view.BriefingView.upload_selection.func

    def counted_upload(self: view.BriefingView) -> Any:
        if self.upload is not None:
            calls["upload select"] += 1
        return filter_upload(self)

    upload_selection = functools.cached_property(counted_upload)
    upload_selection.__set_name__(view.BriefingView, "upload_selection")
    monkeypatch.setattr(view.BriefingView, "upload_selection", upload_selection)
    with streamlit_internals.navigation_only():
        yield calls


def _app() -> AppTest:
    # One run: what these tests count is counted per run.
    return open_app()


def test_a_map_page_rerun_converts_the_state_once(counted: Counter[str]) -> None:
    at = _app()
    assert counted == {"read": 1, "to_params": 1, "parse": 1}  # the link is read once
    counted.clear()
    at.run()  # as after a pan or a click
    assert counted == {"read": 1, "to_params": 1}
    counted.clear()
    at.sidebar.multiselect(key=session.KEY_ACTORS).set_value(["israel"]).run()
    assert counted == {"read": 1, "to_params": 1}
    assert at.query_params[P_ACTORS] == "israel"
    assert not at.exception


@pytest.mark.parametrize("page", ["pages/claims.py", "pages/sources.py"])
def test_other_pages_convert_the_state_once(counted: Counter[str], page: str) -> None:
    at = _app().switch_page(page)
    counted.clear()
    at.run()
    assert counted == {"read": 1, "to_params": 1}
    assert not at.exception


def test_an_upload_is_filtered_once_a_run(
    counted: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = json.loads((REPO / "geodata" / "claims.json").read_text(encoding="utf-8"))
    claims["claims"] = claims["claims"][:3]
    result = load_upload({"claims.json": json.dumps(claims).encode()}, base=CATALOG)
    upload = Upload(("mine.json",), "digest", result)
    monkeypatch.setattr(view, "current_upload", lambda data: upload)
    at = _app()
    assert counted["upload select"] == 1  # for its panel and its layer
    assert any("Your upload layer: 3 of 3" in c.value for c in at.caption)
    assert "Your upload" in json.dumps(_map_args(at)["layer_control"])
    assert not at.exception


def _map_args(at: AppTest) -> dict[str, Any]:
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    return json.loads(component.proto.json_args)
