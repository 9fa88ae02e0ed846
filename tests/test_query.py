from __future__ import annotations

import pytest
from shapely.geometry import Point

from briefmap.data.schema import (
    Catalog,
    Claim,
    ClaimStatus,
    Place,
    PlaceKind,
    Posture,
    Precision,
    Role,
    Source,
)
from briefmap.engine.query import ClaimFilter, Deployments, select
from briefmap.engine.spelling import normalise as fold


def _place(pid: str, kind: PlaceKind = PlaceKind.AIR_BASE, **names: object) -> Place:
    return Place(
        id=pid,
        name_en=str(names.get("name_en", pid.title())),
        name_ar=names.get("name_ar"),  # type: ignore[arg-type]
        name_ru=names.get("name_ru"),  # type: ignore[arg-type]
        alt_names=tuple(names.get("alt_names", ())),  # type: ignore[arg-type]
        kind=kind,
        precision=Precision.SITE,
        geometry=Point(36.0, 35.0),
    )


def _claim(cid: str, places: tuple[str, ...], **kw: object) -> Claim:
    fields: dict[str, object] = {
        "actors": ("russia",),
        "claimant": "someone",
        "status": ClaimStatus.STATED,
        "posture": Posture.CURRENT,
        "reported": "2025-10-15",
        "summary": "s",
        "attribution": "a",
        "sources": ("src",),
        "role": Role.REPORT,
    }
    fields.update(kw)
    return Claim(id=cid, places=places, **fields)  # type: ignore[arg-type]


@pytest.fixture
def catalog() -> Catalog:
    places = [
        _place(
            "khmeimim",
            name_en="Khmeimim Air Base",
            name_ar="قاعدة حميميم الجوية",
            name_ru="авиабаза Хмеймим",
            alt_names=("Hmeimim",),
        ),
        _place("qamishli", PlaceKind.CITY, name_en="Qamishli", alt_names=("Qamişlo",)),
        _place("golan", PlaceKind.REGION, name_en="Golan Heights"),
    ]
    claims = [
        _claim("access", ("khmeimim",), reported="2025-10-15"),
        _claim(
            "oversight",
            ("qamishli", "khmeimim"),
            posture=Posture.PROPOSED,
            status=ClaimStatus.UNVERIFIED,
            reported="2025-10-16",
        ),
        _claim("withdrawal", ("qamishli",), posture=Posture.FORMER, reported="2026-01-26"),
        _claim(
            "israel",
            ("golan",),
            actors=("israel",),
            status=ClaimStatus.REPORTED,
            reported="2024-12-09",
        ),
    ]
    return Catalog(
        places={p.id: p for p in places},
        claims={c.id: c for c in claims},
        sources={"src": Source("src", "Outlet", "2025-10-15")},
    )


def ids(catalog: Catalog, flt: ClaimFilter) -> list[str]:
    return [c.id for c in select(catalog, flt).claims]


def test_default_filter_shows_everything_in_date_order(catalog: Catalog) -> None:
    selection = select(catalog, ClaimFilter())
    assert [c.id for c in selection.claims] == ["israel", "access", "oversight", "withdrawal"]
    assert selection.summary_line == "Showing 4 of 4 claims"


def test_actor_filter(catalog: Catalog) -> None:
    assert ids(catalog, ClaimFilter(actors=frozenset({"israel"}))) == ["israel"]
    assert ids(catalog, ClaimFilter(actors=frozenset())) == []


def test_status_filter(catalog: Catalog) -> None:
    only = ClaimFilter(statuses=frozenset({ClaimStatus.UNVERIFIED, ClaimStatus.REPORTED}))
    assert ids(catalog, only) == ["israel", "oversight"]


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (Deployments.CURRENT_ONLY, ["israel", "access", "withdrawal"]),
        (Deployments.INCLUDE_PROPOSED, ["israel", "access", "oversight", "withdrawal"]),
        (Deployments.PROPOSED_ONLY, ["oversight"]),
    ],
)
def test_deployments_filter(catalog: Catalog, choice: Deployments, expected: list[str]) -> None:
    assert ids(catalog, ClaimFilter(deployments=choice)) == expected


def test_kind_filter_keeps_only_matching_places_of_a_claim(catalog: Catalog) -> None:
    selection = select(catalog, ClaimFilter(kinds=frozenset({PlaceKind.CITY})))
    assert [c.id for c in selection.claims] == ["oversight", "withdrawal"]
    assert selection.places_of["oversight"] == ("qamishli",)
    assert selection.place_ids == ("qamishli",)


@pytest.mark.parametrize(
    "needle",
    ["khmeimim", "HMEIMIM", "حميميم", "Хмеймим", "хмеймим", "air base"],
)
def test_search_matches_every_name(catalog: Catalog, needle: str) -> None:
    selection = select(catalog, ClaimFilter(search=needle))
    assert set(selection.place_ids) == {"khmeimim"}
    assert [c.id for c in selection.claims] == ["access", "oversight"]


def test_search_ignores_diacritics_and_arabic_vowel_marks(catalog: Catalog) -> None:
    assert select(catalog, ClaimFilter(search="qamislo")).place_ids == ("qamishli",)
    # The same Arabic word with a fatha and a shadda added still matches.
    assert "khmeimim" in select(catalog, ClaimFilter(search="حَمِيّميم")).place_ids


def test_search_with_no_match_is_empty(catalog: Catalog) -> None:
    selection = select(catalog, ClaimFilter(search="Aleppo"))
    assert selection.claims == ()
    assert selection.summary_line == "Showing 0 of 4 claims"


def test_claims_at_lists_only_selected_claims(catalog: Catalog) -> None:
    selection = select(catalog, ClaimFilter(deployments=Deployments.CURRENT_ONLY))
    assert [c.id for c in selection.claims_at("khmeimim")] == ["access"]


def test_fold() -> None:
    assert fold("Qamişlo") == "qamislo"
    assert fold("Dara'a") == fold("Dara a")
    assert fold("  Tell   al-Hara ") == "tell al hara"


def test_real_data_filters(real_catalog: Catalog) -> None:
    everything = select(real_catalog, ClaimFilter())
    proposed = select(real_catalog, ClaimFilter(deployments=Deployments.PROPOSED_ONLY))
    assert len(everything.claims) == len(real_catalog.claims)
    assert {c.id for c in proposed.claims} >= {
        "c05-military-police-south",
        "c07-qamishli-oversight",
    }
    assert all(c.posture is Posture.PROPOSED for c in proposed.claims)


def test_reported_date_range(catalog: Catalog) -> None:
    flt = ClaimFilter(reported_from="2025-10-15", reported_to="2025-12-31")
    assert ids(catalog, flt) == ["access", "oversight"]
    assert ids(catalog, ClaimFilter(reported_to="2024-12-31")) == ["israel"]
