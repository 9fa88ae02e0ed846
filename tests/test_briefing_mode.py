"""Briefing mode in AppTest: links, scenes, presentation, as-of and changes."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from briefmap.app import streamlit_internals
from briefmap.app.panels import CHANGES_SHOWN
from briefmap.data.schema import Catalog
from briefmap.engine.briefings import load_briefings
from briefmap.engine.interaction import places_bounds
from briefmap.engine.state import MapArea
from briefmap.safe import WORD_JOINER

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    # AppTest would replay Streamlit's pages/ folder mode (see briefmap/app/streamlit_internals.py).
    with streamlit_internals.navigation_only():
        yield


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def _count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "Showing" in m.value)


def _layers(at: AppTest) -> str:
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    return json.loads(component.proto.json_args)["feature_group"]


def _map_args(at: AppTest) -> dict[str, Any]:
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    return json.loads(component.proto.json_args)


def test_link_round_trip_reproduces_the_view() -> None:
    at = _app()
    at.sidebar.multiselect(key="filter_actors").set_value(["israel"]).run()
    at.sidebar.text_input(key="filter_search").input("Hermon").run()
    at.selectbox(key="selected_place").set_value("mount_hermon").run()
    link = dict(at.query_params)
    assert link["actor"] == "israel" and link["q"] == "Hermon" and link["place"] == "mount_hermon"
    fresh = _app(**link)
    assert not fresh.exception
    assert _count_line(fresh) == _count_line(at)
    assert fresh.selectbox(key="selected_place").value == "mount_hermon"

    # The same layers, framed the same: the search framed its places in the
    # sender's session, the link's first run frames the same ones (each request
    # numbered in its own session).
    def numbered_apart(layers: str) -> str:
        return re.sub(r'"serial":\d+', '"serial":N', layers)

    assert numbered_apart(_layers(fresh)) == numbered_apart(_layers(at))
    assert dict(fresh.query_params) == link


def test_view_from_the_link_is_sent_to_the_map() -> None:
    at = _app(lat="35.4117", lng="35.945", z="10")
    args = _map_args(at)
    assert args["center"] == [35.4117, 35.945] and args["zoom"] == 10


def test_junk_parameters_get_a_notice_not_an_exception(real_catalog: Catalog) -> None:
    at = _app(actor="russia,martians", z="banana", utm_source="x", place="nowhere", briefing="nope")
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    for fragment in ("martians", "utm\\_source", "nowhere", "nope"):
        assert fragment in warning, fragment
    # The valid part still applies.
    assert at.session_state["filter_actors"] == ["russia"]


def test_every_scene_has_its_own_url(real_catalog: Catalog) -> None:
    briefings, issues = load_briefings(REPO / "geodata", real_catalog)
    assert not issues
    briefing = briefings["moscow-meeting"]
    at = _app(briefing="moscow-meeting", scene="1")
    seen = []
    for number, scene in enumerate(briefing.scenes, start=1):
        assert not at.exception
        assert at.query_params["scene"] == str(number)
        text = " ".join(m.value for m in at.markdown)
        assert f"scene {number} of {len(briefing.scenes)}" in text
        assert scene.talking_points[0].split()[0].replace("-", "\\-") in text
        seen.append(dict(at.query_params))
        if number < len(briefing.scenes):
            at.button(key="scene_next").click().run()
    # The shipped last scene plays a range: its Next stays, to play it, and goes nowhere.
    assert briefing.scenes[-1].playback is not None
    assert not at.button(key="scene_next").disabled
    at.button(key="scene_next").click().run()
    assert not at.exception
    assert at.query_params["scene"] == str(len(briefing.scenes))
    # Opening a scene's link directly gives that scene.
    direct = _app(**seen[2])
    assert "scene 3 of" in " ".join(m.value for m in direct.markdown)
    assert direct.session_state["as_of_day"] == "2025-10-15"
    at.button(key="scene_previous").click().run()
    assert at.query_params["scene"] == str(len(briefing.scenes) - 1)


def _frame(args: dict[str, Any]) -> dict[str, Any]:
    """What the layers ask the map to frame (frame.js's argument)."""
    frames = re.findall(r'\(map_\w+, (\{"bounds".*?\})\);', args["feature_group"])
    assert len(frames) == 1, frames
    return json.loads(frames[0])


def test_scene_frames_its_highlighted_places(real_catalog: Catalog) -> None:
    briefings, _ = load_briefings(REPO / "geodata", real_catalog)
    scene = briefings["moscow-meeting"].scenes[0]
    at = _app(briefing="moscow-meeting", scene="1")
    args = _map_args(at)
    assert "bm-highlight" in args["feature_group"]
    assert "Highlighted in this scene" in args["layer_control"]
    # Framed by the map in its own size: no centre and zoom for one screen.
    assert args["center"] is None and args["zoom"] is None
    frame = _frame(args)
    assert frame["bounds"] == places_bounds(real_catalog, scene.highlight)
    assert frame["maxZoom"] == scene.view.zoom and frame["exact"] is False
    # A view the app framed is not the user's: the link names the scene, not a view.
    assert not {"area", "lat", "lng", "z"} & set(at.query_params)
    at.button(key="scene_next").click().run()
    assert _frame(_map_args(at))["serial"] == frame["serial"] + 1


def test_default_map_frames_the_shown_places(real_catalog: Catalog) -> None:
    at = _app(actor="israel")
    frame = _frame(_map_args(at))
    selection = real_catalog.index.select(at.session_state["briefing_view"].claim_filter)
    assert frame["bounds"] == real_catalog.index.selection_bounds(selection)
    assert frame["serial"] == 0
    assert not {"area", "lat", "lng", "z"} & set(at.query_params)


def test_an_area_in_the_link_is_framed_exactly_and_kept() -> None:
    at = _app(area="34.5,35.5,36.0,37.25")
    assert not at.exception and not at.warning
    args = _map_args(at)
    frame = _frame(args)
    assert frame["bounds"] == [[34.5, 35.5], [36.0, 37.25]] and frame["exact"] is True
    assert args["center"] is None
    assert at.query_params["area"] == "34.5000,35.5000,36.0000,37.2500"


@pytest.mark.parametrize(
    "area",
    ["banana", "1,2,3", "36,35,34,37", "34,37,36,35", "nan,35,36,37", "34,35,99,37", "1,2,3,4,5"],
)
def test_a_bad_area_gets_a_notice(area: str) -> None:
    at = _app(area=area)
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "map area" in warning and "south,west,north,east" in warning
    assert "area" not in at.query_params


def test_presentation_view() -> None:
    at = _app(present="1")
    assert not at.exception
    assert at.session_state["presentation"] is True
    args = _map_args(at)
    assert args["height"] == 560
    assert "font-size: 17px" in args["header"]  # larger map labels
    assert at.query_params["present"] == "1"
    exit_button = next(b for b in at.button if b.label == "Exit")
    exit_button.click().run()
    assert at.session_state["presentation"] is False
    assert "present" not in at.query_params


def test_as_of_hides_later_claims_and_shows_then_status(real_catalog: Catalog) -> None:
    at = _app(asof="2024-12-08")
    later = [c for c in real_catalog.claims.values() if c.reported > "2024-12-08"]
    earlier = len(real_catalog.claims) - len(later)
    assert _count_line(at) == f"**Showing {earlier} of {earlier} claims**"
    at.selectbox(key="selected_place").set_value("undof_area_of_separation").run()
    card = " ".join(m.value for m in at.markdown)
    assert "Stated on the record" in card  # the buffer-zone claim before the UN confirmed it


def test_changes_since_are_listed_and_marked() -> None:
    at = _app(since="2025-10-15")
    text = " ".join(m.value for m in at.markdown)
    assert "What changed from 2025" in text
    # Russia left Qamishli airport in January 2026, in plain words.
    assert "26 Jan 2026 · Qamishli International Airport: Russia — ended" in text.replace("\\", "")
    args = _map_args(at)
    assert "bm-change" in args["feature_group"] and "GONE" in args["feature_group"]
    assert "Changes since 2025-10-15" in args["layer_control"]


def test_a_long_change_list_keeps_the_claim_card_near_the_top() -> None:
    """Issue 13, finding 9: past the first few, changes wait in an expander."""
    at = _app(since="2019-01-01")
    (more,) = [e for e in at.expander if e.label.endswith("more changes")]
    hidden = [m for m in more.markdown if m.value.startswith("- **")]
    shown = [m for m in at.markdown if m.value.startswith("- **") and m not in more.markdown]
    assert len(shown) == CHANGES_SHOWN
    assert more.label == f"{len(hidden)} more changes" and len(hidden) > 0
    # Every change is still listed once, the card still after them.
    every = [m.value for m in shown + hidden]
    assert len(set(every)) == len(every)


def test_date_range_filter_changes_the_count(real_catalog: Catalog) -> None:
    at = _app(**{"from": "2025-10-15", "to": "2025-10-15"})
    same_day = [c for c in real_catalog.claims.values() if c.reported == "2025-10-15"]
    assert _count_line(at) == f"**Showing {len(same_day)} of {len(real_catalog.claims)} claims**"


def _card(at: AppTest, place_id: str) -> str:
    at.selectbox(key="selected_place").set_value(place_id).run()
    return " ".join(m.value for m in at.markdown).replace("\\", "")


def test_an_undated_end_is_on_the_card_and_the_map() -> None:
    at = _app()
    card = _card(at, "kobani")
    assert "Ended:** date unknown" in card
    assert "Former: end date unknown" in _layers(at)


def test_as_of_before_an_undated_end_shows_the_posture_then_with_a_caveat() -> None:
    at = _app(asof="2025-10-15")
    card = _card(at, "kobani")
    assert "Current" in card
    assert "Ended:** at a date no source gives, by 2026-01-26" in card
    assert "end date unknown" not in _layers(at)


def test_a_claim_with_several_sources_credits_each() -> None:
    at = _app()
    card = _card(at, "moscow_kremlin")
    assert "Sources:** Reuters (via Dawn) (2025-10-15); news report, outlet not identified" in card
    assert "Open source" in [b.proto.label for b in at.get("link_button")]


# ------------------------------------------------- hostile dates in a link

IMPOSSIBLE_OR_FOREIGN = [
    {"asof": "2025-02-31"},
    {"from": "2025-02-30"},
    {"since": "2025-04-31"},
    {"asof": "٢٠٢٥-١٠-١٥"},  # Arabic-Indic digits
    {"to": "２０２５-１０-１５"},  # full-width digits
    {"asof": "20251015"},
]


@pytest.mark.parametrize("params", IMPOSSIBLE_OR_FOREIGN, ids=lambda p: repr(p))
def test_a_link_with_an_impossible_day_gets_a_notice_not_a_traceback(
    params: dict[str, str],
) -> None:
    at = _app(**params)
    assert not at.exception
    warning = " ".join(w.value for w in at.warning)
    assert "Parts of the link could not be used" in warning
    assert "not a date in the form YYYY" in warning
    assert at.sidebar.text_input(key="as_of_day").value == ""  # nothing taken from it


@pytest.mark.parametrize(
    ("params", "key", "moved_to"),
    [
        ({"asof": "1900-01-01"}, "as_of_day", "first"),
        ({"asof": "9999-12-31"}, "as_of_day", "last"),
        ({"since": "1900-01-01"}, "since_day", "first"),
    ],
)
def test_a_day_outside_the_data_is_moved_inside_with_a_notice(
    real_catalog: Catalog, params: dict[str, str], key: str, moved_to: str
) -> None:
    first, last = (dt.date.fromisoformat(d) for d in real_catalog.index.date_span)
    at = _app(**params)
    assert not at.exception
    moved = first if moved_to == "first" else last
    assert at.sidebar.text_input(key=key).value == moved.isoformat()
    assert "outside the data's dates" in " ".join(w.value for w in at.warning)


# ------------------------------------------------- typed days in the sidebar


def test_a_typed_day_applies_and_goes_into_the_link() -> None:
    at = _app()
    at.sidebar.text_input(key="as_of_day").set_value("2025-10-15").run()
    assert not at.exception
    assert at.query_params["asof"] == "2025-10-15"
    assert not at.sidebar.error
    at.sidebar.text_input(key="since_day").set_value(" 2025-10-01 ").run()
    assert at.query_params["since"] == "2025-10-01"


@pytest.mark.parametrize(
    ("typed", "wrong"),
    [
        ("2025-02-31", "is not a day"),
        ("15/10/2025", "is not a day"),
        ("٢٠٢٥-١٠-١٥", "is not a day"),
        ("[x](javascript:alert(1)) **bold**", "is not a day"),
        ("1999-01-01", "outside the data's dates"),
    ],
)
def test_a_wrong_typed_day_is_named_not_used_and_raises_nothing(typed: str, wrong: str) -> None:
    at = _app()
    for key, field in (("as_of_day", "As of"), ("since_day", "What changed since")):
        at.sidebar.text_input(key=key).set_value(typed).run()
        assert not at.exception
        (error,) = at.sidebar.error
        plain = error.value.replace("\\", "").replace(WORD_JOINER, "")
        assert plain.startswith(f"{field}:") and wrong in plain, error.value
        # Shown as text: the typed Markdown is escaped, not rendered.
        assert "](" not in error.value and "**" not in error.value
        assert "asof" not in at.query_params and "since" not in at.query_params
        at.sidebar.text_input(key=key).set_value("").run()
        assert not at.sidebar.error


def _briefing_issues(tmp_path: Path, catalog: Catalog, briefing: dict[str, Any]) -> list[Any]:
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "b.json").write_text(json.dumps(briefing), encoding="utf-8")
    briefings, issues = load_briefings(tmp_path, catalog)
    assert not briefings, "a briefing with an error is left out whole"
    return issues


def test_validate_refuses_a_briefing_id_a_link_cannot_name(
    tmp_path: Path, real_catalog: Catalog
) -> None:
    briefing = {
        "id": "moscow meeting",
        "title": "T",
        "scenes": [{"title": "One", "talking_points": ["a"]}],
    }
    (issue,) = _briefing_issues(tmp_path, real_catalog, briefing)
    assert (issue.file, issue.record, issue.field) == ("briefings/b.json", "moscow meeting", "id")
    assert "so a link can name it" in issue.message


@pytest.mark.parametrize(
    ("field", "day"), [("as_of", "1999-01-01"), ("since", "2031-01-01"), ("as_of", "2025-02-29")]
)
def test_validate_refuses_a_scene_day_the_app_could_not_show(
    tmp_path: Path, real_catalog: Catalog, field: str, day: str
) -> None:
    briefing = {
        "id": "b",
        "title": "T",
        "scenes": [{"title": "One", "talking_points": ["a"], field: day}],
    }
    (issue,) = _briefing_issues(tmp_path, real_catalog, briefing)
    assert issue.field == f"scenes[1].{field}"
    assert "outside the data's dates" in issue.message or "not a date" in issue.message


def test_a_scene_without_highlights_uses_its_view_but_not_in_the_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "geodata", data)
    path = data / "briefings" / "moscow-meeting.json"
    briefing = json.loads(path.read_text(encoding="utf-8"))
    briefing["scenes"][0].pop("highlight", None)
    briefing["scenes"][0]["view"] = {"center": [35.0, 36.5], "zoom": 8}
    path.write_text(json.dumps(briefing), encoding="utf-8")
    monkeypatch.setenv("BRIEFMAP_DATA", str(data))
    at = _app(briefing="moscow-meeting", scene="1")
    assert not at.exception
    args = _map_args(at)
    assert args["center"] == [35.0, 36.5] and args["zoom"] == 8
    assert not {"area", "lat", "lng", "z"} & set(at.query_params)
    # An old link's centre and zoom still reach the map, and stay in the link.
    old = _app(lat="35.4117", lng="35.945", z="10")
    assert old.query_params["z"] == "10" and old.query_params["lat"] == "35.4117"


def test_back_on_the_map_page_the_map_shows_the_area_the_user_moved_to() -> None:
    at = _app()
    first = _frame(_map_args(at))
    # As if the user had moved the map (the map reports it; AppTest has no browser).
    at.session_state["map_view_now"] = MapArea(34.0, 36.0, 36.0, 39.0)
    at.run()
    assert _frame(_map_args(at)) == first  # the map on screen keeps its own view
    at.switch_page("pages/claims.py").run()
    at.switch_page("pages/map.py").run()
    back = _frame(_map_args(at))
    assert back["bounds"] == [[34.0, 36.0], [36.0, 39.0]] and back["exact"] is True
    assert back["serial"] == first["serial"]  # not framed again on the next run
    assert at.query_params["area"] == "34.0000,36.0000,36.0000,39.0000"
    at.run()
    assert _frame(_map_args(at)) == first
