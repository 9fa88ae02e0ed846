"""The sourcing rules: each broken on one record, through a data folder and an upload.

Every case edits one claim or source of a copy of the real ``geodata/`` and
checks that the loader reports exactly that record, by file, record and field,
with a message that says what the sources support; that the rest still loads;
and that an upload breaking the same rule gets the same error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from briefmap.data import sourcing
from briefmap.data.loader import CLAIMS_CSV, CLAIMS_FILE, SOURCES_FILE, LoadResult, load_catalog
from briefmap.data.schema import Catalog, Source
from briefmap.data.uploads import load_upload

REPORT = "news_report_2025_10_15"  # outlet not identified
KREMLIN = "kremlin_readout_2025_10_15"  # Russia's official record
REUTERS_DAWN = "reuters_dawn_2025_10_15"  # Reuters, read in Dawn

Edit = Callable[[dict[str, Any]], None]


def _claim(cid: str, edit: Edit) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def apply(claims: dict[str, Any], sources: dict[str, Any]) -> None:
        edit(next(c for c in claims["claims"] if c["id"] == cid))

    return apply


def _source(sid: str, edit: Edit) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def apply(claims: dict[str, Any], sources: dict[str, Any]) -> None:
        edit(next(s for s in sources["sources"] if s["id"] == sid))

    return apply


def _load(root: Path, change: Callable[[dict[str, Any], dict[str, Any]], None]) -> LoadResult:
    claims = json.loads((root / CLAIMS_FILE).read_text(encoding="utf-8"))
    sources = json.loads((root / SOURCES_FILE).read_text(encoding="utf-8"))
    change(claims, sources)
    (root / CLAIMS_FILE).write_text(json.dumps(claims, ensure_ascii=False), encoding="utf-8")
    (root / SOURCES_FILE).write_text(json.dumps(sources, ensure_ascii=False), encoding="utf-8")
    return load_catalog(root)


def _only(result: LoadResult, file: str, record: str, field: str, pattern: str) -> str:
    where = [(i.file, i.record, i.field) for i in result.issues]
    assert where == [(file, record, field)], result.report()
    message = result.issues[0].message
    assert re.search(pattern, message), message
    return message


def cases(table: list[tuple[Any, ...]]) -> pytest.MarkDecorator:
    """Parametrize a test over (case id, the edit, record, field, message pattern) rows."""
    return pytest.mark.parametrize(
        ("change", "record", "field", "pattern"),
        [case[1:] for case in table],
        ids=[case[0] for case in table],
    )


# (case id, the edit, the record and field reported, a pattern of the message)
CLAIM_CASES = [
    (
        "confirmed-on-one-outlet",
        _claim(
            "ctx-2026-qamishli-airport-withdrawal",
            lambda c: c.update(sources=["reuters_2026_01_26"]),
        ),
        "ctx-2026-qamishli-airport-withdrawal",
        "status",
        r"one identified outlet \(Reuters\).*support 'stated'.*or 'reported'",
    ),
    (
        "confirmed-on-one-outlet-twice",
        _claim(
            "ctx-2025-arab-summit-postponed",
            lambda c: c.update(sources=["tass_2025_10_09", "tass_2025_10_13"]),
        ),
        "ctx-2025-arab-summit-postponed",
        "status",
        r"one identified outlet \(TASS\)",
    ),
    (
        # Reuters read in Dawn is Reuters: "via" never counts as a second outlet.
        "confirmed-on-reuters-and-reuters-via-dawn",
        _claim(
            "ctx-2024-assad-ousted",
            lambda c: c.update(status="confirmed", sources=["reuters_2024_12_08", REUTERS_DAWN]),
        ),
        "ctx-2024-assad-ousted",
        "status",
        r"one identified outlet \(Reuters\)",
    ),
    (
        # An unidentified outlet counts for no outlet at all.
        "confirmed-on-an-unidentified-outlet",
        _claim("c01-honour-agreements", lambda c: c.update(status="confirmed")),
        "c01-honour-agreements",
        "status",
        r"one identified outlet \(Reuters\)",
    ),
    (
        "confirmed-on-no-identified-outlet",
        _claim("c09-summit-postponed", lambda c: c.update(status="confirmed")),
        "c09-summit-postponed",
        "status",
        r"no identified outlet",
    ),
    (
        # The Kremlin's record is Russia's: it confirms nothing about Israel alone.
        "official-record-of-a-party-not-concerned",
        _claim(
            "ctx-2024-israel-hermon-stay",
            lambda c: c.update(status="confirmed", sources=[KREMLIN]),
        ),
        "ctx-2024-israel-hermon-stay",
        "status",
        r"no official record of a party the claim concerns",
    ),
    (
        # Confirmed at any step of the history, not only at the end.
        "confirmed-in-the-history",
        _claim(
            "c02-tartus-access",
            lambda c: c.update(
                history=[
                    {"date": "2025-10-15", "status": "confirmed", "posture": "current"},
                    {"date": "2025-11-01", "status": "reported", "sources": [REPORT]},
                ]
            ),
        ),
        "c02-tartus-access",
        "status",
        r"is 'confirmed'",
    ),
    (
        "former-with-no-end",
        _claim("ctx-2024-tell-al-hara-withdrawal", lambda c: c.pop("history")),
        "ctx-2024-tell-al-hara-withdrawal",
        "posture",
        r"no history entry says when it ended.*\"date\": \"unknown\"",
    ),
    (
        "origin-no-source-names",
        _claim("c05-military-police-south", lambda c: c.update(origin="khmeimim_air_base")),
        "c05-military-police-south",
        "origin",
        r"needs a source that names it.*no arrow is drawn",
    ),
    (
        "origin-named-by-a-source-the-claim-does-not-cite",
        _claim(
            "c05-military-police-south",
            lambda c: c.update(
                origin="khmeimim_air_base",
                origin_source="tass_2025_10_13",
                origin_note="a note",
            ),
        ),
        "c05-military-police-south",
        "origin_source",
        r"'tass_2025_10_13' is not among the claim's sources",
    ),
    (
        "origin-note-without-an-origin",
        _claim("c05-military-police-south", lambda c: c.update(origin_note="from Khmeimim")),
        "c05-military-police-south",
        "origin_note",
        r"is set but the claim has no origin",
    ),
    (
        "legacy-single-source-field",
        _claim("c02-tartus-access", lambda c: c.update(source=c.pop("sources")[0])),
        "c02-tartus-access",
        "source",
        r'the field is now "sources", a list of source ids',
    ),
    (
        "the-same-source-twice",
        _claim("c02-tartus-access", lambda c: c.update(sources=[REPORT, REPORT])),
        "c02-tartus-access",
        "sources",
        r"names a source more than once",
    ),
    (
        "ended-on-a-claim-that-is-not-former",
        _claim("c02-tartus-access", lambda c: c.update(ended="2025-11-01")),
        "c02-tartus-access",
        "ended",
        r"only a former claim has an end; its posture is current",
    ),
    (
        "ended-and-a-history",
        _claim("ctx-2019-kobani-military-police", lambda c: c.update(ended="unknown")),
        "ctx-2019-kobani-military-police",
        "ended",
        r"either history or ended",
    ),
]


@cases(CLAIM_CASES)
def test_a_claim_breaking_a_rule_is_named_and_the_rest_loads(
    data_copy: Path,
    real_catalog: Catalog,
    change: Callable[[dict[str, Any], dict[str, Any]], None],
    record: str,
    field: str,
    pattern: str,
) -> None:
    result = _load(data_copy, change)
    _only(result, CLAIMS_FILE, record, field, pattern)
    assert set(result.catalog.claims) == set(real_catalog.claims) - {record}
    assert result.left_out()[CLAIMS_FILE] == 1


@cases(CLAIM_CASES)
def test_an_upload_breaking_a_rule_gets_the_same_error(
    data_copy: Path,
    real_catalog: Catalog,
    change: Callable[[dict[str, Any], dict[str, Any]], None],
    record: str,
    field: str,
    pattern: str,
) -> None:
    claims = json.loads((data_copy / CLAIMS_FILE).read_text(encoding="utf-8"))
    sources = json.loads((data_copy / SOURCES_FILE).read_text(encoding="utf-8"))
    change(claims, sources)
    # The upload holds the broken claim and one good one; it cites the real sources.
    upload = {
        "claims": [c for c in claims["claims"] if c["id"] in (record, "c08-assad-extradition")]
    }
    result = load_upload({CLAIMS_FILE: json.dumps(upload).encode()}, base=real_catalog)
    _only(result, CLAIMS_FILE, record, field, pattern)
    assert set(result.catalog.claims) == {"c08-assad-extradition"}


SOURCE_CASES = [
    (
        "outlet-unknown-but-named",
        _source(REPORT, lambda s: s.update(outlet="Reuters")),
        REPORT,
        "outlet",
        r"must say so in words.*never guess an outlet",
    ),
    (
        "outlet-says-unknown-but-counted",
        _source("tass_2025_07_31", lambda s: s.update(outlet="outlet unknown")),
        "tass_2025_07_31",
        "outlet",
        r'says the outlet is not known; add "outlet_known": false',
    ),
    (
        "official-record-of-no-known-party",
        _source(KREMLIN, lambda s: s.update(official_of="kremlin")),
        KREMLIN,
        "official_of",
        r"unknown value 'kremlin'; allowed: russia",
    ),
]


@cases(SOURCE_CASES)
def test_a_source_breaking_a_rule_is_named(
    data_copy: Path,
    real_catalog: Catalog,
    change: Callable[[dict[str, Any], dict[str, Any]], None],
    record: str,
    field: str,
    pattern: str,
) -> None:
    result = _load(data_copy, change)
    own = [i for i in result.issues if i.file == SOURCES_FILE]
    assert [(i.record, i.field) for i in own] == [(record, field)], result.report()
    assert re.search(pattern, own[0].message), own[0].message
    # The claims that cite it follow it out, each saying why; the rest loads.
    citing = {cid for cid, c in real_catalog.claims.items() if record in c.sources}
    others = [i for i in result.issues if i.file != SOURCES_FILE]
    assert {(i.record, i.field) for i in others} == {(cid, "sources") for cid in citing}
    assert set(result.catalog.claims) == set(real_catalog.claims) - citing


def test_the_rules_pass_on_the_real_data(real_catalog: Catalog) -> None:
    confirmed = [c for c in real_catalog.claims.values() if sourcing.needs_confirmation_check(c)]
    # The real data has confirmed claims, or this test would check nothing.
    assert confirmed
    for claim in confirmed:
        assert sourcing.support(claim, real_catalog.sources).confirms, claim.id


def test_independent_outlets_count_outlets_not_items() -> None:
    def src(sid: str, outlet: str, **kw: Any) -> Source:
        return Source(sid, outlet, "2025-01-01", **kw)

    items = [
        src("a", "Reuters"),
        src("b", " reuters ", via="Dawn"),
        src("c", "news report, outlet not identified", outlet_known=False),
        src("d", "AFP"),
    ]
    assert sourcing.independent_outlets(items) == ["Reuters", "AFP"]
    assert sourcing.outlet_says_unknown("press reports, outlets not identified")
    assert not sourcing.outlet_says_unknown("Reuters")


def test_csv_gives_a_former_claims_end_in_one_cell(real_catalog: Catalog) -> None:
    header = "id,places,actors,claimant,status,posture,reported,summary,attribution,sources,ended\n"
    rows = [
        "gone,kobani,russia,Reuters,reported,former,2019-10-01,s,a,reuters_2019_10_kobani,unknown",
        "left,tell_al_hara,russia,SOHR,reported,former,2024-10-07,s,a,sohr_2024_10_07,2024-10-07",
        "later,kobani,russia,Reuters,reported,former,2019-10-01,s,a,reuters_2019_10_kobani,2020-01-05",
        "never,kobani,russia,Reuters,reported,former,2019-10-01,s,a,reuters_2019_10_kobani,",
        "bad,kobani,russia,Reuters,reported,former,2019-10-01,s,a,reuters_2019_10_kobani,soon",
        "early,kobani,russia,Reuters,reported,former,2019-10-01,s,a,reuters_2019_10_kobani,2019-09-01",
    ]
    result = load_upload({CLAIMS_CSV: (header + "\n".join(rows)).encode()}, base=real_catalog)
    claims = result.catalog.claims
    assert claims["gone"].end_date_unknown
    assert [h.posture.value for h in claims["gone"].history] == ["current", "former"]
    # Ended on the day reported: the report is of the end itself.
    assert [(h.date, h.posture.value) for h in claims["left"].history] == [("2024-10-07", "former")]
    assert claims["later"].history[-1].date == "2020-01-05"
    assert claims["later"].history[-1].sources == ("reuters_2019_10_kobani",)
    assert [(i.record, i.field) for i in result.issues] == [
        ("never", "posture"),
        ("bad", "ended"),
        ("early", "ended"),
    ]
    assert "'soon' is not a date" in result.issues[1].message
    assert "before the day the claim was reported" in result.issues[2].message
    assert "either history or ended" not in result.report()


def test_csv_with_the_old_source_column_says_it_is_now_sources(real_catalog: Catalog) -> None:
    header = "id,places,actors,claimant,status,posture,reported,summary,attribution,source\n"
    row = "x,kobani,russia,Reuters,reported,current,2019-10-01,s,a,reuters_2019_10_kobani\n"
    result = load_upload({CLAIMS_CSV: (header + row).encode()}, base=real_catalog)
    (issue,) = result.issues
    assert "the column 'source' is now 'sources'" in issue.message
