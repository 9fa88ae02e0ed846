from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus, Posture, StatusChange
from briefmap.engine.timeline import (
    REWOUND_KEPT,
    ChangeKind,
    ClaimState,
    as_of,
    as_of_banner,
    changes_between,
    date_span,
    plain_day,
    state_on,
)


def test_buffer_zone_claim_is_stated_then_confirmed(real_catalog: Catalog) -> None:
    claim = real_catalog.claims["ctx-2024-israel-buffer-zone"]
    assert state_on(claim, "2024-12-07") is None
    assert state_on(claim, "2024-12-08") == ClaimState(ClaimStatus.STATED, Posture.CURRENT)
    assert state_on(claim, "2024-12-09") == ClaimState(ClaimStatus.CONFIRMED, Posture.CURRENT)


def test_qamishli_airport_presence_was_current_until_the_withdrawal(real_catalog: Catalog) -> None:
    claim = real_catalog.claims["ctx-2019-qamishli-airport-deployment"]
    assert state_on(claim, "2025-10-15") == ClaimState(ClaimStatus.STATED, Posture.CURRENT)
    assert state_on(claim, "2026-01-26") == ClaimState(ClaimStatus.STATED, Posture.FORMER)


def test_as_of_hides_later_claims_and_rewinds_status(real_catalog: Catalog) -> None:
    day = "2024-12-08"
    then = as_of(real_catalog, day)
    assert then.as_of == day
    assert all(c.reported <= day for c in then.claims.values())
    assert "c05-military-police-south" not in then.claims
    assert then.claims["ctx-2024-israel-buffer-zone"].status is ClaimStatus.STATED
    # The original is untouched.
    assert real_catalog.claims["ctx-2024-israel-buffer-zone"].status is ClaimStatus.CONFIRMED
    assert as_of(real_catalog, None) is real_catalog


def test_changes_between_two_briefs(real_catalog: Catalog) -> None:
    changes = changes_between(real_catalog, "2024-12-08", "2026-01-26")
    kinds = {c.claim.id: c.kind for c in changes}
    assert kinds["ctx-2024-israel-buffer-zone"] is ChangeKind.UPGRADED
    assert kinds["c05-military-police-south"] is ChangeKind.NEW
    assert kinds["ctx-2019-qamishli-airport-deployment"] is ChangeKind.RETIRED
    assert "ctx-2024-tell-al-hara-withdrawal" not in kinds  # known before, unchanged
    # Known before; no source dates its end, so nothing puts a change in between.
    assert "ctx-2018-bravo-line-posts" not in kinds
    assert changes_between(real_catalog, "2026-01-26", "2024-12-08") == changes


def test_downgrade_is_detected(real_catalog: Catalog) -> None:
    claim = real_catalog.claims["c02-tartus-access"]
    denied = replace(
        claim,
        status=ClaimStatus.DENIED,
        history=(
            StatusChange("2025-10-15", ClaimStatus.STATED, Posture.CURRENT),
            StatusChange("2025-11-01", ClaimStatus.DENIED),
        ),
    )
    catalog = replace(real_catalog, claims={claim.id: denied})
    (change,) = changes_between(catalog, "2025-10-20", "2025-11-02")
    assert change.kind is ChangeKind.DOWNGRADED
    assert change.describe(catalog) == (
        "1 Nov 2025 · Russian naval facility, Tartus: Russia, Syria (Damascus) — "
        "now denied, was stated on the record"
    )


def test_date_span(real_catalog: Catalog) -> None:
    first, last = date_span(real_catalog)
    assert first == "2018-08-02" and last == "2026-01-26"


REPORT = "news_report_2025_10_15"  # c02-tartus-access's source
KREMLIN = "kremlin_readout_2025_10_15"  # Russia's official record


def _with_history(data: Path, history: object, **fields: object) -> None:
    path = data / "claims.json"
    claims = json.loads(path.read_text(encoding="utf-8"))
    claim = next(c for c in claims["claims"] if c["id"] == "c02-tartus-access")
    claim["history"] = history
    claim.update(fields)
    path.write_text(json.dumps(claims), encoding="utf-8")


@pytest.mark.parametrize(
    ("history", "field", "fragment"),
    [
        ([], "history", "non-empty list"),
        ("stated", "history", "non-empty list"),
        (
            [{"date": "2025-10-16", "status": "reported", "posture": "current"}],
            "history[1]",
            "first entry must be dated",
        ),
        (
            [{"date": "2025-10-15", "status": "reported"}],
            "history[1]",
            "both the status and the posture",
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "2025-10-01", "status": "unverified", "sources": [REPORT]},
            ],
            "history[2]",
            "date order",
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "2025-11-01"},
            ],
            "history[2]",
            "must change the status",
        ),
        (
            [{"date": "2025-10-15", "status": "reported", "posture": "current", "when": "x"}],
            "history[1]",
            "unknown field",
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "2025-11-01", "status": "unverified", "sources": [REPORT]},
            ],
            "history",
            "ends at unverified/current",
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "2025-11-01", "status": "unverified"},
            ],
            "history[2]",
            "a change needs the sources",
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "2025-11-01", "status": "unverified", "sources": ["tass_2025_10_13"]},
                {"date": "2025-11-02", "status": "reported", "sources": [REPORT]},
            ],
            "history[2].sources",
            "not among the claim's own sources",
        ),
        (
            [{"date": "unknown", "status": "reported", "posture": "current"}],
            "history[1]",
            'only the last entry, after the first, may be dated "unknown"',
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "unknown", "posture": "former"},
                {"date": "2025-11-01", "status": "unverified", "sources": [REPORT]},
            ],
            "history[2]",
            'only the last entry, after the first, may be dated "unknown"',
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "unknown", "posture": "former", "status": "unverified"},
            ],
            "history[2]",
            "only ends the claim",
        ),
        (
            [
                {"date": "2025-10-15", "status": "reported", "posture": "current"},
                {"date": "unknown", "posture": "former", "sources": [REPORT]},
            ],
            "history[2]",
            "give its date instead",
        ),
        (
            [{"date": "2025-10-15", "status": "rumour", "posture": "current"}],
            "history[1].status",
            "unknown value 'rumour'",
        ),
    ],
)
def test_bad_history_is_reported(
    data_copy: Path, history: object, field: str, fragment: str
) -> None:
    _with_history(data_copy, history)
    result = load_catalog(data_copy)
    assert [(i.file, i.record, i.field) for i in result.issues] == [
        ("claims.json", "c02-tartus-access", field)
    ]
    assert fragment in result.issues[0].message
    assert "c02-tartus-access" not in result.catalog.claims
    assert result.left_out()["claims.json"] == 1


def test_good_history_loads(data_copy: Path) -> None:
    _with_history(
        data_copy,
        [
            {"date": "2025-10-15", "status": "reported", "posture": "current"},
            {
                "date": "2025-12-01",
                "status": "confirmed",
                "note": "in the official record",
                "sources": [KREMLIN],
            },
        ],
        status="confirmed",
        sources=[REPORT, KREMLIN],
    )
    result = load_catalog(data_copy)
    assert result.ok, result.report()
    history = result.catalog.claims["c02-tartus-access"].history
    assert history[1] == StatusChange(
        "2025-12-01", ClaimStatus.CONFIRMED, None, "in the official record", (KREMLIN,)
    )


def test_an_undated_end_shows_from_the_datas_own_day_only(real_catalog: Catalog) -> None:
    kobani = real_catalog.claims["ctx-2019-kobani-military-police"]
    assert kobani.end_date_unknown and kobani.posture is Posture.FORMER
    known_by = real_catalog.as_of
    reported = ClaimState(ClaimStatus.REPORTED, Posture.CURRENT)
    # Before the data's own day nothing dates the end: the posture reported then.
    assert state_on(kobani, "2019-10-01", known_by) == reported
    assert state_on(kobani, "2025-10-15", known_by) == reported
    assert state_on(kobani, known_by, known_by) == ClaimState(ClaimStatus.REPORTED, Posture.FORMER)
    then = as_of(real_catalog, "2025-10-15").claims[kobani.id]
    assert then.posture is Posture.CURRENT and not then.end_date_unknown
    now = as_of(real_catalog, known_by).claims[kobani.id]
    assert now == kobani


def test_an_undated_end_is_never_a_change_between_two_days(real_catalog: Catalog) -> None:
    # Kobani's military police may have left in 2020 or in 2025: no source says.
    changes = {c.claim.id: c for c in changes_between(real_catalog, "2025-10-15", "2026-01-26")}
    assert "ctx-2019-kobani-military-police" not in changes
    assert "ctx-2019-amuda-mp-base" not in changes
    dated = changes["ctx-2019-qamishli-airport-deployment"]
    assert dated.kind is ChangeKind.RETIRED
    assert dated.describe(real_catalog) == (
        "26 Jan 2026 · Qamishli International Airport: Russia — ended"
    )
    # Beside the place on the map, the place is left out.
    assert dated.describe(real_catalog, place=False) == "26 Jan 2026 · Russia — ended"


def test_each_kind_of_change_is_worded_from_the_data(real_catalog: Catalog) -> None:
    changes = {c.claim.id: c for c in changes_between(real_catalog, "2024-12-08", "2026-01-26")}
    up = changes["ctx-2024-israel-buffer-zone"]
    assert up.what() == "now confirmed, was stated on the record"
    assert up.day == "2024-12-09"
    new = changes["c05-military-police-south"]
    assert new.what() == "new proposal, " + new.after.status.label.lower()
    assert new.describe(real_catalog).startswith(f"{plain_day(new.claim.reported)} · ")
    # No words of the old "Retired: current to former" kind.
    for change in changes.values():
        line = change.describe(real_catalog)
        for jargon in ("Retired", "Upgraded", "Downgraded", "current to", "former"):
            assert jargon not in line, line


def test_a_claim_new_since_the_earlier_day_that_ended_later_says_so(real_catalog: Catalog) -> None:
    # Reported in November 2019, ended in January 2026: new since 2019, since ended.
    changes = {c.claim.id: c for c in changes_between(real_catalog, "2019-01-01", "2026-01-26")}
    assert changes["ctx-2019-qamishli-airport-deployment"].what() == (
        "new claim, stated on the record, since ended"
    )
    # Reported as already over: a claim about the past.
    past = [
        c for c in changes.values() if state_on(c.claim, c.claim.reported).posture is Posture.FORMER
    ]
    assert past and all(c.what().startswith("new claim about the past, ") for c in past)


def test_plain_days_and_the_as_of_banner() -> None:
    assert plain_day("2026-01-26") == "26 Jan 2026"
    assert plain_day("2025-10-05") == "5 Oct 2025"
    assert as_of_banner("2025-10-15") == (
        "As of 15 Oct 2025: the claims as known that day, later reports hidden"
    )


def test_a_rewound_catalog_is_kept_for_the_next_rerun(real_catalog: Catalog) -> None:
    catalog = replace(real_catalog)  # a copy of its own: the kept days live with it
    days = ["2025-01-01", "2025-06-01", "2025-10-15", "2025-12-01"]
    first = as_of(catalog, days[0])
    index = first.index
    # Asked again: the same catalog and its index, nothing rebuilt.
    assert as_of(catalog, days[0]) is first
    assert as_of(catalog, days[0]).index is index
    # Kept or not, the answer is the same claims at the same statuses.
    fresh = as_of(replace(real_catalog), days[0])
    assert fresh is not first
    assert fresh.claims == first.claims and fresh.as_of == first.as_of == days[0]
    # Only the last few days are kept: the oldest goes first.
    for day in days[1 : REWOUND_KEPT + 1]:
        as_of(catalog, day)
    assert as_of(catalog, days[0]) is not first
    assert as_of(catalog, None) is catalog
