from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shipped import SHIPPED_META

from briefmap.data.schema import ClaimStatus, PlaceKind
from briefmap.data.validate import real_day
from briefmap.engine import state as links
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.state import KNOWN, BriefingState, MapArea, MapView


# Links are read against a data set's actors: here the shipped data's.
def parse(
    params: Mapping[str, str | list[str]],
) -> tuple[BriefingState, list[str]]:
    return links.parse(params, SHIPPED_META.actor_ids)


def to_params(state: BriefingState, defaults: ClaimFilter | None = None) -> dict[str, str]:
    return links.to_params(state, defaults, SHIPPED_META.actor_ids)


FULL = BriefingState(
    claim_filter=ClaimFilter(
        actors=frozenset({"russia", "israel"}),
        statuses=frozenset({ClaimStatus.STATED}),
        deployments=Deployments.PROPOSED_ONLY,
        kinds=frozenset({PlaceKind.AIR_BASE}),
        search="حميميم & Co",
        reported_from="2025-01-01",
        reported_to="2025-12-31",
    ),
    as_of="2025-10-15",
    since="2024-12-08",
    view=MapView(center=(35.4117, 35.945), zoom=9),
    place="khmeimim_air_base",
    present=True,
    briefing="moscow-meeting",
    scene=3,
)


def test_round_trip() -> None:
    state, notices = parse(to_params(FULL))
    assert notices == []
    assert state == FULL


def test_defaults_make_an_empty_link() -> None:
    everything = ClaimFilter(
        actors=frozenset(SHIPPED_META.actor_ids), statuses=frozenset(ClaimStatus)
    )
    assert to_params(BriefingState(claim_filter=everything), defaults=everything) == {}


def test_empty_selection_survives_the_round_trip() -> None:
    state = BriefingState(claim_filter=ClaimFilter(actors=frozenset()))
    assert to_params(state)["actor"] == ""
    assert parse(to_params(state))[0].claim_filter.actors == frozenset()


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"actor": "russia,martians"}, "unknown actor 'martians'"),
        ({"status": "rumour"}, "unknown status 'rumour'"),
        ({"kind": "spaceport"}, "unknown place kind"),
        ({"deploy": "maybe"}, "deployments choice"),
        ({"from": "2025-13-01"}, "not a date"),
        ({"asof": "yesterday"}, "not a date"),
        ({"lat": "nan", "lng": "36", "z": "7"}, "latitude"),
        ({"lat": "34", "lng": "36", "z": "99"}, "zoom"),
        ({"lat": "34"}, "needs lat, lng and z"),
        ({"place": "<script>"}, "not a place id"),
        ({"present": "yes"}, "use 1 or 0"),
        ({"scene": "2.5"}, "not a whole number"),
        ({"scene": "-1"}, "scene"),
        ({"utm_source": "mail"}, "unknown link parameter 'utm_source'"),
    ],
)
def test_junk_is_ignored_with_a_notice(params: dict[str, str], fragment: str) -> None:
    state, notices = parse(params)
    assert any(fragment in n for n in notices), notices
    assert isinstance(state, BriefingState)


def test_a_thousand_unknown_parameters_are_one_notice_not_a_thousand() -> None:
    # Streamlit reads a link of up to 1,000 parameters; a notice each drew a
    # list of 999 items above the map.
    params = {"actor": "russia", **{f"x{i}": "1" for i in range(1, 1000)}}
    state, notices = parse(params)
    assert state.claim_filter.actors == frozenset({"russia"})
    assert notices == [
        "Ignored 999 unknown link parameters: 'x1', 'x2', 'x3', 'x4', 'x5' and 994 more."
    ]


def test_valid_parts_survive_next_to_junk() -> None:
    state, notices = parse({"actor": "israel,bogus", "z": "x", "q": "Golan"})
    assert state.claim_filter.actors == frozenset({"israel"})
    assert state.claim_filter.search == "Golan"
    assert state.view is None
    assert len(notices) >= 2


def test_list_values_take_the_last_and_search_is_capped() -> None:
    state, _ = parse({"q": ["a", "b" * 1000]})
    assert state.claim_filter.search == "b" * 200


# ------------------------------------------------------- arbitrary links

DIGITS = "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹०१२३४५६७८९０１２３４５６７８９"


@st.composite
def day_like(draw: st.DrawFn) -> str:
    """Strings shaped like YYYY-MM-DD: impossible days, other scripts' digits, both."""
    year = draw(st.integers(0, 9999))
    month = draw(st.integers(0, 19))
    day = draw(st.integers(0, 39))
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if draw(st.booleans()):
        swap = str.maketrans(
            "0123456789", draw(st.sampled_from(["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９"]))
        )
        text = text.translate(swap)
    return text


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from([*sorted(KNOWN), "www.evil.example", "x"]),
        st.one_of(day_like(), st.text(alphabet=st.characters() | st.sampled_from(DIGITS))),
        max_size=8,
    )
)
def test_any_link_parses_to_real_days_or_notices(params: dict[str, str]) -> None:
    state, notices = parse(params)
    days = [
        state.as_of,
        state.since,
        state.claim_filter.reported_from,
        state.claim_filter.reported_to,
    ]
    for day in days:
        if day is not None:
            assert real_day(day) == day
            dt.date.fromisoformat(day)  # what the app does with it next
    ignored = [k for k in params if k not in KNOWN]
    if ignored:  # one notice names them all (the first few) and counts them
        (unknown,) = [n for n in notices if "unknown link parameter" in n]
        assert repr(ignored[0][:40]) in unknown
        assert len(ignored) == 1 or f"Ignored {len(ignored):,} unknown" in unknown
    else:
        assert not any("unknown link parameter" in n for n in notices)


def test_an_area_round_trips_unchanged_and_is_rounded_inwards() -> None:
    for raw in ("28.1883,28.0372,39.8085,50.5151", "-12.5,-180,0.1,179.9999", "34,35,36,37"):
        state, notices = parse({"area": raw})
        assert notices == [] and isinstance(state.view, MapArea)
        once = to_params(state)["area"]
        again, _ = parse({"area": once})
        assert to_params(again)["area"] == once
    # The map's own report, rounded inwards to 4 decimals (it still fits the map it came from).
    area = MapArea.from_component(
        {
            "bounds": {
                "_southWest": {"lat": 34.00001, "lng": 35.99999},
                "_northEast": {"lat": 36.99999, "lng": 38.00001},
            }
        }
    )
    assert area is not None and area.param() == "34.0001,36.0000,36.9999,38.0000"
    # A map zoomed out past the world reports more than the world: the world is kept.
    world = MapArea.from_component(
        {"bounds": {"_southWest": {"lat": -89, "lng": -300}, "_northEast": {"lat": 89, "lng": 300}}}
    )
    assert world == MapArea(-85.0, -180.0, 85.0, 180.0)
    assert MapArea.from_component({"bounds": {"_southWest": {"lat": "x"}}}) is None
    assert MapArea.from_component({}) is None


@pytest.mark.parametrize(
    "params",
    [
        {"z": "１８", "lat": "34", "lng": "36"},
        {"z": "7", "lat": "٣٤", "lng": "36"},
        {"z": "7", "lat": "34", "lng": "३६"},
        {"z": "1_8", "lat": "34", "lng": "36"},
        {"z": " 7", "lat": "34", "lng": "36"},
        {"z": "7", "lat": "3.4e1", "lng": "36"},
        {"area": "３３,35,36,37"},
        {"area": "33,35,36,3_7"},
        {"area": "33,35,36,۳۷"},
        {"scene": "２"},
        {"scene": "1_0"},
        {"scene": "٢"},
        {"scene": "2.0"},
    ],
)
def test_link_numbers_are_ascii_digits_only_as_days(params: dict[str, str]) -> None:
    """float() reads fullwidth, Arabic-Indic and Devanagari digits and underscores: a link may not."""
    state, notices = parse(params)
    assert state.view is None and state.scene is None
    assert notices, "an ignored number gets a notice"


def test_link_numbers_in_ascii_digits_still_read() -> None:
    state, notices = parse({"z": "+7.0", "lat": "-34.", "lng": ".5"})
    assert notices == [] and state.view == MapView(center=(-34.0, 0.5), zoom=7)
    state, notices = parse({"area": "-33.5,+35,36.25,37"})
    assert notices == [] and state.view == MapArea(-33.5, 35.0, 36.25, 37.0)
    assert parse({"briefing": "b", "scene": "12"})[0].scene == 12


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["z", "lat", "lng", "scene", "area"]),
    st.text(alphabet=st.sampled_from([*DIGITS, "_", ".", "-", "+", "e", " ", ","]), max_size=30),
)
def test_any_number_read_from_a_link_is_written_in_ascii(name: str, raw: str) -> None:
    params = {"lat": "34", "lng": "36", "z": "7", "briefing": "b", name: raw}
    state, notices = parse(params)
    used = (name == "scene" and state.scene is not None) or (
        name != "scene" and state.view is not None
    )
    if used:
        assert re.fullmatch(r"[0-9.,+-]+", raw), raw
    else:
        assert notices


def test_a_link_cut_by_the_browser_says_so_and_a_forged_count_is_ignored() -> None:
    state, notices = parse({"actor": "russia", "dropped": "1204"})
    assert state.claim_filter.actors == frozenset({"russia"})
    assert notices == [
        "The link was too long for the server to read (1,204 parameters): only the map's own "
        "parameters in it were read, the last of each, from the browser."
    ]
    for forged in ("１２", "1e9", "9" * 13, "<b>"):
        assert parse({"dropped": forged})[1] == [
            f"Ignored dropped={forged[:40]!r}: not a number of parameters."
        ]
