"""The desk's general rules for cues that misled it on reports it was not written for (issue 28).

Each is a rule of English or of geography, kept in the tables where it is
words (``geodata/desk/cues.json``: ``posture_rules``, ``clauses.statement``):
a departure verb needs what was left; a plan in the past perfect is over; a
participle after an article, or a cue in a relative clause, describes a
thing, not the claim; a statement after a denial is a statement; a compass
word and a country are a region without a word of place; a near miss reads
a name as a place of the country the text is about only.
"""

from __future__ import annotations

import pytest

from briefmap.data.schema import ClaimStatus, Posture
from briefmap.desk.draft import Desk
from briefmap.desk.text import read_report

DAY = "2025-11-20"


def drafts(desk: Desk, text: str):
    return desk.draft(read_report(text), date=DAY)


def one(desk: Desk, text: str):
    made = drafts(desk, text).drafts
    assert len(made) == 1, [(d.clause, d.text) for d in made]
    return made[0]


@pytest.mark.parametrize(
    ("text", "posture"),
    [
        ("Russian military police left Kobani on Sunday, residents said.", Posture.FORMER),
        ("Russian troops left their positions near Qamishli, a monitor said.", Posture.FORMER),
        ("Officials said the Russian convoy left towards Latakia.", Posture.CURRENT),
        ("Russian officers left behind a small team at Qamishli airport.", Posture.CURRENT),
    ],
)
def test_a_departure_verb_needs_what_was_left(desk: Desk, text: str, posture: Posture) -> None:
    assert one(desk, text).posture is posture


def test_a_plan_in_the_past_perfect_is_not_a_proposal(desk: Desk) -> None:
    assert one(desk, "Russia plans to send troops to Qamishli.").posture is Posture.PROPOSED
    for text in (
        "Russia had planned to send troops to Qamishli.",
        "Russia had been planning to send troops to Qamishli.",
    ):
        assert one(desk, text).posture is not Posture.PROPOSED, text


def test_a_former_cue_describing_a_thing_is_not_the_claims_posture(desk: Desk) -> None:
    took = one(desk, "SDF fighters took over an abandoned post outside Amuda, a monitor said.")
    assert took.posture is Posture.CURRENT
    side = one(
        desk,
        "The SDF said they had taken control of positions in Hasakah that government forces "
        "abandoned last week.",
    )
    assert side.posture is Posture.CURRENT
    # A "that" after a verb of saying or "reports" opens what is said, not a relative clause.
    said = one(desk, "Officials said that Russian forces abandoned their posts at Tell al-Hara.")
    assert said.posture is Posture.FORMER
    denied = one(desk, "The Kremlin denied reports that Russian forces abandoned Khmeimim.")
    assert denied.posture is Posture.FORMER


def test_a_statement_after_a_denial_is_a_statement(desk: Desk) -> None:
    made = drafts(
        desk,
        "Peskov dismissed the reports as baseless and said Russian forces remained in Latakia.",
    ).drafts
    latakia = next(d for d in made if [p.id for p in d.places] == ["latakia"])
    assert latakia.status is ClaimStatus.STATED and latakia.status_cue.phrase == "said"
    # A denial alone stays a denial.
    assert one(desk, "The Kremlin denied that Russian jets were at Khmeimim.").status is (
        ClaimStatus.DENIED
    )


def test_a_compass_word_and_a_country_are_a_region_without_a_word_of_place(desk: Desk) -> None:
    report = drafts(desk, "Northern Syria briefing\n\nRussian patrols reportedly reached Amuda.")
    (region,) = [u for u in report.unplaced if u.name == "Northern Syria"]
    assert region.precision is not None and region.precision.value == "region"


def test_a_near_miss_is_a_place_of_the_country_the_text_is_about(desk: Desk) -> None:
    # Hader, a Syrian village GeoNames does not list, is not the Israeli town of Hadera.
    golan = drafts(
        desk,
        "Israeli forces set up a checkpoint near the village of Hader, residents said.\n\n"
        "Israel said its troops would stay on Mount Hermon.",
    )
    assert all(p.id != "gn-294946" for d in golan.drafts for p in d.places)
    assert "Hader" in [u.name for u in golan.unplaced]
    # A misspelling of a place of the country is still read as it.
    assert [p.id for p in one(desk, "Russian patrols reportedly reached Kamishli.").places] == [
        "qamishli"
    ]
    # In a text about Israel, a near miss may be an Israeli town.
    israel = drafts(
        desk, "Israeli police said protests spread from Haifa and Tel Aviv to the town of Haderra."
    )
    assert "gn-294946" in {p.id for d in israel.drafts for p in d.places}


# --- Who speaks: a named person or body of a party on the record, or people by their role.


@pytest.mark.parametrize(
    "text",
    [
        "Russian military police patrolled Amuda again, said two SDF commanders.",
        "Russian military police patrolled Amuda again, commanders of the SDF said.",
        "An SDF commander said Russian military police patrolled Amuda again.",
        "Officials at the Russian embassy said Russian engineers were working at Tartus port.",
        "Russian engineers were working at Tartus port, according to three Syrian navy officers.",
    ],
)
def test_people_by_their_role_are_not_on_the_record(desk: Desk, text: str) -> None:
    d = one(desk, text)
    assert d.status is ClaimStatus.REPORTED, (d.status, d.claimant)
    assert d.claimant.endswith("(unnamed)") and d.status_cue is not None, d.claimant


def test_they_who_spoke_unnamed_speak_unnamed_again(desk: Desk) -> None:
    made = drafts(
        desk,
        "Kurdish militia commanders said Russian patrols went on near Amuda. They said the "
        "patrols also reached Qamishli.",
    ).drafts
    assert [(d.status, d.claimant) for d in made] == [
        (ClaimStatus.REPORTED, "Kurdish militia commanders (unnamed)")
    ] * 2


@pytest.mark.parametrize(
    ("text", "claimant"),
    [
        ("The Kremlin said on Friday that Russian aircraft remained at Khmeimim.", "Kremlin"),
        (
            "Russian aircraft remained at Khmeimim, according to Russia's defence ministry.",
            "Russian Ministry of Defence",
        ),
        (
            "SDF commander Mazloum Abdi said Russian military police patrolled Amuda.",
            "Mazloum Abdi",
        ),
        (
            "Mazloum Abdi, the SDF commander, said Russian military police patrolled Amuda.",
            "Mazloum Abdi",
        ),
    ],
)
def test_a_named_person_or_office_of_a_party_is_on_the_record(
    desk: Desk, text: str, claimant: str
) -> None:
    d = one(desk, text)
    assert (d.status, d.claimant) == (ClaimStatus.STATED, claimant)


# --- "declined to comment" is a note on a claim, never the end of one.


def test_a_no_comment_note_goes_on_the_claim_of_its_own_sentence(desk: Desk) -> None:
    made = drafts(
        desk,
        "Russian jets flew out of Khmeimim on Monday, a monitor said. Russian instructors have "
        "been training Syrian recruits, although the defence ministry declined to comment.",
    ).drafts
    assert len(made) == 2, [d.text for d in made]
    assert made[1].actors == ("russia", "syria") and made[1].no_comment is not None
    assert made[0].no_comment is None
    # A sentence that says only that someone would not comment notes the claim before it.
    noted = drafts(
        desk,
        "Russian jets flew out of Khmeimim on Monday, a monitor said. The Russian defence "
        "ministry declined to comment on the flights.",
    ).drafts
    assert len(noted) == 1 and noted[0].no_comment is not None
    # What the reports it would not comment on say is a claim of its own.
    reports = drafts(
        desk,
        "Russian jets flew out of Khmeimim on Monday, a monitor said. Russia's defence ministry "
        "declined to comment on reports that Russian engineers were building a new depot.",
    ).drafts
    assert len(reports) == 2 and reports[1].no_comment is not None


# --- A departure seen under way, or "left" of a thing left behind, ends no position.


@pytest.mark.parametrize(
    ("text", "posture"),
    [
        (
            "A column of Russian armoured vehicles was filmed leaving Manbij, residents said.",
            Posture.CURRENT,
        ),
        (
            "Russian units are withdrawing from the airport at Qamishli, a monitor said.",
            Posture.CURRENT,
        ),
        ("Russian engineers left a repair crew at Tartus port.", Posture.CURRENT),
        ("Russian units left the old airbase near Qamishli, a monitor said.", Posture.FORMER),
        ("The hill at Tell al-Hara was handed over to Syrian army units.", Posture.CURRENT),
    ],
)
def test_a_departure_under_way_or_a_thing_left_is_not_former(
    desk: Desk, text: str, posture: Posture
) -> None:
    assert one(desk, text).posture is posture


# --- "said on Thursday": the day of the saying, not of the end; "said ... that" says.


def test_the_day_something_was_said_is_not_the_day_it_ended(desk: Desk) -> None:
    d = one(
        desk, "Russian military police pulled out of Amuda, the Syrian presidency said on Thursday."
    )
    assert d.posture is Posture.FORMER and d.end_date is None
    dated = one(desk, "Russian units left Amuda on 2 November, the presidency said on Thursday.")
    assert dated.end_date == "2025-11-02"
    # A weekday cut short before its date ends no sentence; the day said is still not the end.
    short = one(desk, "Russian units left Amuda on Sun. 2 Nov., the ministry said on Thu. Nov. 6.")
    assert short.end_date == "2025-11-02"
    assert one(desk, "Russian units left Amuda, the ministry said on Thu. Nov. 6.").end_date is None
    said = one(desk, "Russia's defence ministry said on Thursday that its units had left Amuda.")
    assert said.posture is Posture.FORMER and said.status is ClaimStatus.STATED


# --- Hedges: unverified; a status word inside a no-comment phrase is part of it.


@pytest.mark.parametrize(
    ("text", "status"),
    [
        (
            "Russian engineers are reported to be repairing the runway at Khmeimim.",
            ClaimStatus.UNVERIFIED,
        ),
        (
            "Footage of Russian trucks near Manbij could not be immediately verified.",
            ClaimStatus.UNVERIFIED,
        ),
        (
            "Israel did not deny that its soldiers had crossed near Mount Hermon.",
            ClaimStatus.REPORTED,
        ),
        (
            "Moscow neither confirmed nor denied that its frigates had left Tartus.",
            ClaimStatus.REPORTED,
        ),
    ],
)
def test_hedges_and_refusals_to_confirm(desk: Desk, text: str, status: ClaimStatus) -> None:
    d = one(desk, text)
    assert d.status is status, (d.status, d.status_cue)


# --- Cue words with a second, common sense count only in the sense the ladder means.


@pytest.mark.parametrize(
    ("text", "status", "posture"),
    [
        # "posted" and "added" of troops and ships: deployed, not said.
        (
            "Russian military police posted at Qamishli airport checked lorries.",
            ClaimStatus.REPORTED,
            Posture.CURRENT,
        ),
        ("Russia added two frigates at Tartus this month.", ClaimStatus.REPORTED, Posture.CURRENT),
        # A reason for a presence, a repair, or a flow under way: no proposal.
        (
            "At the invitation of Syria, Russian engineers are restoring the runway at Khmeimim.",
            ClaimStatus.REPORTED,
            Posture.CURRENT,
        ),
        ("Russia continued to send supplies to Khmeimim.", ClaimStatus.REPORTED, Posture.CURRENT),
        # The same words in their planning sense still propose.
        (
            "Russia agreed to send military police to Qamishli.",
            ClaimStatus.REPORTED,
            Posture.PROPOSED,
        ),
    ],
)
def test_a_cue_word_counts_in_its_sense_only(
    desk: Desk, text: str, status: ClaimStatus, posture: Posture
) -> None:
    d = one(desk, text)
    assert (d.status, d.posture) == (status, posture), (d.status_cue, d.posture_cue)


# --- Round 2 (issue 28): rules of form, not lists of phrases.


@pytest.mark.parametrize(
    "text",
    [
        "Brig. Gen. Yusuf Haddad told reporters that Russian units remained at Qamishli airport.",
        "Deputy Foreign Minister Karim Nasser said Russian troops stayed in Tartus.",
        "A spokesman, Lt. Col. Omar Aziz, said Russian patrols continued near Amuda.",
        "The agency quoted Col. Ilya Markov as saying Russian jets stayed at Khmeimim.",
        "Col. Ilya Markov was quoted by the agency as saying Russian jets stayed at Khmeimim.",
        "Deputy governor Samir Khalil wrote on Telegram that Russian patrols reached Amuda.",
    ],
)
def test_a_title_before_a_name_puts_the_speaker_on_the_record(desk: Desk, text: str) -> None:
    d = one(desk, text)
    assert d.status is ClaimStatus.STATED, (d.status, d.claimant, d.status_cue)
    assert "(unnamed)" not in d.claimant


@pytest.mark.parametrize(
    ("text", "status"),
    [
        # A written record of the party about its own forces: confirmed, suggested.
        (
            "Russia's defence ministry said in a statement that its units had left Amuda.",
            ClaimStatus.CONFIRMED,
        ),
        (
            "A readout from the Kremlin said Russian military police stayed at Qamishli airport.",
            ClaimStatus.CONFIRMED,
        ),
        (
            "Russian units left Amuda, according to a statement from Russia's defence ministry.",
            ClaimStatus.CONFIRMED,
        ),
        # Spoken, or about another party's forces: stated.
        ("The Kremlin told reporters Russian aircraft remained at Khmeimim.", ClaimStatus.STATED),
        (
            "Russia's defence ministry said in a statement that Syrian troops had entered Amuda.",
            ClaimStatus.STATED,
        ),
    ],
)
def test_a_partys_written_record_of_its_own_forces_suggests_confirmed(
    desk: Desk, text: str, status: ClaimStatus
) -> None:
    d = one(desk, text)
    assert d.status is status, (d.status, d.status_cue, d.actors)


@pytest.mark.parametrize(
    "text",
    [
        "Russian troops entered Amuda, the SDF said, though the account could not be "
        "independently corroborated.",
        "The Syrian army said it had entered Amuda; none of this could be independently checked.",
        "Russian patrols returned to Kobani, the SDF said, but we found no second source.",
        "Russian jets were at Khmeimim, the ministry claimed without evidence.",
        "Russian trucks near Manbij, the Kremlin said, cannot yet be verified.",
        "The SDF said Russian units were in Qamishli, which was not independently confirmed.",
    ],
)
def test_a_hedge_anywhere_in_the_sentence_is_the_lowest_rung(desk: Desk, text: str) -> None:
    d = one(desk, text)
    assert d.status is ClaimStatus.UNVERIFIED, (d.status, d.status_cue)


@pytest.mark.parametrize(
    "text",
    [
        "A pro-government Telegram channel said Russian troops had entered Amuda.",
        "Local bloggers said Russian patrols were back in Kobani.",
        "Residents said Russian soldiers were at Qamishli airport.",
        "Russian engineers were at Tartus port, according to a social media account.",
        "A pro-Russian page posted that Russian jets were at Khmeimim.",
    ],
)
def test_speakers_off_the_record_are_unverified(desk: Desk, text: str) -> None:
    d = one(desk, text)
    assert d.status is ClaimStatus.UNVERIFIED, (d.status, d.status_cue, d.claimant)


@pytest.mark.parametrize(
    ("text", "status", "posture"),
    [
        (
            "The Syrian foreign ministry condemns the Israeli incursion near Quneitra.",
            ClaimStatus.STATED,
            Posture.CURRENT,
        ),
        (
            "The Ministry condemns the Israeli incursion near Quneitra.",
            ClaimStatus.STATED,
            Posture.CURRENT,
        ),
        (
            "The Syrian foreign ministry rejects claims that Russian troops left Tartus.",
            ClaimStatus.DENIED,
            Posture.FORMER,
        ),
        (
            "The Syrian foreign ministry calls on Russia to resume patrols near Qamishli.",
            ClaimStatus.STATED,
            Posture.PROPOSED,
        ),
    ],
)
def test_a_party_in_its_own_voice_states(
    desk: Desk, text: str, status: ClaimStatus, posture: Posture
) -> None:
    d = one(desk, text)
    assert (d.status, d.posture) == (status, posture), (d.status_cue, d.posture_cue)


@pytest.mark.parametrize(
    ("text", "posture"),
    [
        ("Russian military police are due to return to Amuda next week.", Posture.PROPOSED),
        ("Russia is set to expand the air base at Khmeimim.", Posture.PROPOSED),
        ("Russian engineers will repair the runway at Qamishli airport.", Posture.PROPOSED),
        ("Russia has no plans to withdraw from Khmeimim, the Kremlin said.", Posture.CURRENT),
        ("Russia does not intend to leave Tartus, the Kremlin said.", Posture.CURRENT),
        ("Asked to comment, the Kremlin said Russian troops remained in Tartus.", Posture.CURRENT),
        ("Russian units pulled their last patrols out of Amuda on Tuesday.", Posture.FORMER),
        ("Russian military police stopped patrolling Kobani in October.", Posture.FORMER),
        ("Russian ships sailed from Tartus in May and have not come back.", Posture.FORMER),
        ("Russian troops have not returned to Amuda since the summer.", Posture.FORMER),
    ],
)
def test_plans_and_ends_in_their_varied_forms(desk: Desk, text: str, posture: Posture) -> None:
    d = one(desk, text)
    assert d.posture is posture, (d.posture, d.posture_cue)


def test_an_end_day_from_a_bare_weekday_or_the_previous_evening(desk: Desk) -> None:
    # DAY is a Thursday: "Tuesday" is the 18th, "the previous evening" the 19th.
    assert one(desk, "Russian troops left Kobani Tuesday, residents said.").end_date == "2025-11-18"
    evening = one(desk, "Russian military police vacated Amuda the previous evening.")
    assert (evening.posture, evening.end_date) == (Posture.FORMER, "2025-11-19")


def test_two_clauses_with_their_own_actors_are_two_claims(desk: Desk) -> None:
    for text in (
        "Syrian troops deployed to Amuda, while Russian forces withdrew from Qamishli.",
        "Syrian troops deployed to Amuda; Russian forces withdrew from Qamishli.",
    ):
        made = drafts(desk, text).drafts
        got = [([p.id for p in d.places], d.actors, d.posture) for d in made]
        assert got == [
            (["amuda"], ("syria",), Posture.CURRENT),
            (["qamishli"], ("russia",), Posture.FORMER),
        ], text


def test_a_dateline_with_the_outlet_in_brackets_is_where_it_was_filed(desk: Desk) -> None:
    d = one(desk, "QAMISHLI (Agency) \u2014 Russian troops remained at Amuda, the SDF said.")
    assert [p.id for p in d.places] == ["amuda"]
    d = one(desk, "DAMASCUS, Feb 5 (Agency) - Russian troops remained at Amuda, the SDF said.")
    assert ([p.id for p in d.places], d.actors) == (["amuda"], ("sdf", "russia"))


def test_a_noun_phrase_referring_back_takes_the_actor_before(desk: Desk) -> None:
    made = drafts(
        desk,
        "Russia moved two frigates to Tartus on Monday. The two frigates left Tartus on Tuesday.",
    ).drafts
    assert [(d.actors, d.posture) for d in made] == [
        (("russia",), Posture.CURRENT),
        (("russia",), Posture.FORMER),
    ]


def test_page_chrome_is_not_the_report(desk: Desk) -> None:
    page = (
        "<html><body><article class='story-body share-on'><p>Russian troops left Amuda on "
        "Monday, the SDF said.</p><div class='related-stories'><p>Israeli troops stayed near "
        "Quneitra, officials said.</p></div></article><aside><p>Russian jets left Khmeimim, "
        "residents said.</p></aside><section id='most-read'><p>Syrian units entered Kobani, "
        "residents said.</p></section></body></html>"
    )
    made = drafts(desk, page).drafts
    assert [[p.id for p in d.places] for d in made] == [["amuda"]]


def test_generic_forces_on_record_forms_and_the_end_days_own_date(desk: Desk) -> None:
    # "Government forces": the region's government, unless another country's word stands before.
    assert one(desk, "Government forces entered Amuda on Monday.").actors == ("syria",)
    assert one(desk, "Iraqi government forces entered Qamishli on Monday.").actors == ()
    # A named person who told reporters or an outlet by name is on the record.
    for text in (
        "Ahmad Karimi told reporters that Russian jets stayed at Khmeimim.",
        "Ahmad Karimi told Interfax that Russian jets stayed at Khmeimim.",
    ):
        assert one(desk, text).status is ClaimStatus.STATED, text
    # The end day is the ending's date, not another event's in the sentence.
    d = one(desk, "Russian troops, who arrived on 3 May, left Amuda on Tuesday.")
    assert (d.posture, d.end_date) == (Posture.FORMER, "2025-11-18")


def test_and_before_a_new_subject_makes_two_claims(desk: Desk) -> None:
    made = drafts(desk, "Russian troops left Amuda and Syrian units moved into Qamishli.").drafts
    assert [([p.id for p in d.places], d.actors, d.posture) for d in made] == [
        (["amuda"], ("russia",), Posture.FORMER),
        (["qamishli"], ("syria",), Posture.CURRENT),
    ]
    assert len(drafts(desk, "Russian and Syrian troops entered Amuda and Qamishli.").drafts) == 1


def test_a_sentence_naming_a_place_it_cannot_place_borrows_no_place(desk: Desk) -> None:
    # The second sentence is about a base the gazetteer lacks: the first's airport
    # would be a wrong place a reviewer might accept (walk-through, session 14).
    made = drafts(
        desk,
        "Russian troops arrived at Qamishli airport on Monday, the Russian defence ministry "
        "said. Russian engineers are also repairing the runway at Kafr Zubayrah air base, "
        "the ministry said.",
    )
    first, second = made.drafts
    assert [p.id for p in first.places] == ["qamishli_airport"]
    assert second.places == () and second.places_from == ""
    assert "Kafr Zubayrah" in [u.name for u in made.unplaced]
