from __future__ import annotations

import pytest

from briefmap.data.schema import DEFAULT_META, ClaimStatus, PlaceKind
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.state import BriefingState, MapView, parse, to_params

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
        actors=frozenset(DEFAULT_META.actor_ids), statuses=frozenset(ClaimStatus)
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


def test_valid_parts_survive_next_to_junk() -> None:
    state, notices = parse({"actor": "israel,bogus", "z": "x", "q": "Golan"})
    assert state.claim_filter.actors == frozenset({"israel"})
    assert state.claim_filter.search == "Golan"
    assert state.view is None
    assert len(notices) >= 2


def test_list_values_take_the_last_and_search_is_capped() -> None:
    state, _ = parse({"q": ["a", "b" * 1000]})
    assert state.claim_filter.search == "b" * 200
