"""The forgiving search (issue 25, finding 3): places and claims, any script, near misses.

Pure tests of :mod:`briefmap.engine.search` on the shipped data and on a data
set of other names (Ukrainian and Russian), properties of its ranking, the
index against the plain scan, the filter it drives, and what the sidebar lists.
"""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from briefmap.app.search_results import result_lines
from briefmap.data.schema import (
    Catalog,
    Claim,
    ClaimStatus,
    Place,
    PlaceKind,
    Posture,
    Precision,
    Role,
)
from briefmap.engine.query import ClaimFilter, scan, select
from briefmap.engine.search import EXACT, NEAR_WEIGHT, SearchIndex, find, word_score
from briefmap.engine.spelling import normalise, sound, to_latin, words
from briefmap.engine.timeline import as_of

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _ids(catalog: Catalog, query: str) -> list[str]:
    return [m.id for m in find(query, catalog.places, catalog.claims)]


# --------------------------------------------------------- the finding's examples


@pytest.mark.parametrize("query", ["Тартус", "طرطوس", "tartus", "TARTOUS"])
def test_tartus_in_any_script_finds_the_city_and_the_naval_facility(
    real_catalog: Catalog, query: str
) -> None:
    found = _ids(real_catalog, query)
    assert "tartus_city" in found
    # The naval facility has no Arabic name and another Russian one: found by
    # its English names, or as the place that carries the city's name.
    assert "tartus_naval_facility" in found
    assert found.index("tartus_naval_facility") < 2 or query == "TARTOUS"


def test_an_arabic_name_finds_the_place_sharing_it_and_says_so(real_catalog: Catalog) -> None:
    matches = find("طرطوس", real_catalog.places, real_catalog.claims)
    assert [m.id for m in matches[:2]] == ["tartus_city", "tartus_naval_facility"]
    city, facility = matches[0], matches[1]
    assert city.exact and city.field == "name_ar" and city.text == "طرطوس"
    assert facility.via == "tartus_city" and not facility.exact


def test_the_script_typed_is_the_field_shown(real_catalog: Catalog) -> None:
    assert find("Тартус", real_catalog.places, real_catalog.claims)[0].field == "name_ru"
    assert find("Tartus", real_catalog.places, real_catalog.claims)[0].field == "name_en"


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("Qamishly", "qamishli"),
        ("Kamishly", "qamishli"),
        ("qamislo", "qamishli"),
        ("Khmeimin", "khmeimim_air_base"),
        ("Hmeimim", "khmeimim_air_base"),
        ("Хмеймим", "khmeimim_air_base"),
        ("حَمِيّميم", "khmeimim_air_base"),  # with vowel marks
        ("Камышлы", "qamishli"),
        ("Latakiyah", "latakia"),
        ("damascus", "damascus"),
    ],
)
def test_misspellings_and_other_scripts_find_the_place_first(
    real_catalog: Catalog, query: str, place: str
) -> None:
    matches = find(query, real_catalog.places, real_catalog.claims)
    assert matches and matches[0].kind == "place" and matches[0].id == place


def test_military_police_finds_the_claims_by_their_text_and_their_places(
    real_catalog: Catalog,
) -> None:
    matches = find("military police", real_catalog.places, real_catalog.claims)
    claims = {m.id for m in matches if m.kind == "claim"}
    assert {
        "c05-military-police-south",
        "ctx-2019-kobani-military-police",
        "ctx-2019-amuda-mp-base",
        "ctx-2025-mp-patrols-request",
    } <= claims
    assert all(m.field in {"summary", "claimant", "attribution"} for m in matches)
    # The filter keeps those claims and draws their places (no place is named so).
    flt = ClaimFilter(search="military police")
    selection = select(real_catalog, flt)
    assert claims <= {c.id for c in selection.claims}
    assert {"kobani", "amuda", "daraa_governorate"} <= set(selection.place_ids)
    assert real_catalog.index.select(flt) == selection


def test_a_name_typed_in_arabic_finds_its_place_not_words_of_its_consonants(
    real_catalog: Catalog,
) -> None:
    # طرطوس folds to "trtus", letter for letter as near "trups" (troops) as
    # "tartus": without vowels only the consonants tell names apart.
    matches = find("طرطوس", real_catalog.places, real_catalog.claims)
    claims = [m for m in matches if m.kind == "claim"]
    assert {m.id for m in claims} == {"c02-tartus-access", "ctx-2025-tartus-port-contract-annulled"}
    assert all("tartus" in words(m.text) for m in claims)
    flt = ClaimFilter(search="طرطوس")
    for selection in (select(real_catalog, flt), real_catalog.index.select(flt)):
        assert "golan_heights" not in set(selection.place_ids)
    # Still found by a near miss: a claim that writes the air base's name in Latin.
    assert "c03-khmeimim-access" in _ids(real_catalog, "حميميم")


def test_an_arabic_typed_word_is_near_by_its_consonants() -> None:
    assert word_score("trtus", "troops", abjad=True) == 0.0
    assert word_score("trtus", "outskirts", abjad=True) == 0.0  # holds t-r-t-s, and more
    assert word_score("trtus", "tartus", abjad=True) == pytest.approx(100 * NEAR_WEIGHT)
    # The same Latin letters typed in Latin are near by every letter, as before.
    assert word_score("trtus", "troops") > 0.0
    # Too few consonants to tell a name from a word: no near misses.
    assert word_score("adlb", "adl", abjad=True) == 0.0


@pytest.mark.parametrize(
    ("query", "places"),
    [
        ("Тартус", {"tartus_city", "tartus_naval_facility"}),
        ("طرطوس", {"tartus_city", "tartus_naval_facility"}),
        ("Qamishly", {"qamishli", "qamishli_airport"}),
        ("Kamishly", {"qamishli"}),
        ("Khmeimin", {"khmeimim_air_base"}),
        ("military police", {"kobani", "amuda"}),
    ],
)
def test_the_map_draws_what_the_search_finds(
    real_catalog: Catalog, query: str, places: set[str]
) -> None:
    flt = ClaimFilter(search=query)
    for selection in (select(real_catalog, flt), real_catalog.index.select(flt)):
        assert places <= set(selection.place_ids)


def test_claimant_and_attribution_are_searched(real_catalog: Catalog) -> None:
    by_claimant = find("Kommersant", real_catalog.places, real_catalog.claims)
    assert by_claimant and {m.field for m in by_claimant} <= {"claimant", "attribution", "summary"}
    assert any(m.field in {"claimant", "attribution"} for m in by_claimant)


def test_nothing_matching_finds_nothing(real_catalog: Catalog) -> None:
    assert find("Aleppo", real_catalog.places, real_catalog.claims) == []
    assert find("  -- ", real_catalog.places, real_catalog.claims) == []
    assert select(real_catalog, ClaimFilter(search="Aleppo")).claims == ()


# ---------------------------------------------------------------- folding


def test_folding() -> None:
    assert normalise("Qamişlo") == "qamislo"
    assert normalise("  Tell   al-Hara ") == "tell al hara"
    assert normalise("Dara'a") == normalise("Dara a")
    assert normalise("حَمِيّميم") == "حميميم"  # harakat and shadda
    assert normalise("طـرطـوس") == "طرطوس"  # tatweel
    assert normalise("أإآا") == "اااا"  # alef variants
    assert normalise("مدرسة") == normalise("مدرسه")  # ta marbuta
    assert normalise("Ёлка") == "елка"
    assert normalise("ＴＡＲＴＵＳ") == "tartus"  # NFKC: full-width letters
    assert to_latin(normalise("Тартус")) == "tartus"
    assert to_latin(normalise("القامشلي")) == "qamshli"  # the article dropped
    assert words("Russian naval facility, Tartus") == ("russian", "naval", "facility", "tartus")
    assert sound("qamishly") == sound("kamishli") == sound("Kamishli".lower())
    assert sound("tartous") == sound("tartus")


# ------------------------------------------------------- a data set not ours


def _place(pid: str, name_en: str, name_ru: str | None = None, *alt: str) -> Place:
    return Place(
        id=pid,
        name_en=name_en,
        name_ar=None,
        name_ru=name_ru,
        alt_names=alt,
        kind=PlaceKind.CITY,
        precision=Precision.SITE,
        geometry=Point(30.0, 50.0),
    )


def _claim(cid: str, places: tuple[str, ...], summary: str, claimant: str = "Ukrinform") -> Claim:
    return Claim(
        id=cid,
        places=places,
        actors=("russia",),
        claimant=claimant,
        status=ClaimStatus.STATED,
        posture=Posture.CURRENT,
        reported="2024-05-01",
        summary=summary,
        attribution=f"according to {claimant}",
        sources=("s1",),
        role=Role.REPORT,
    )


@pytest.fixture
def ukraine() -> Catalog:
    places = [
        _place("kharkiv", "Kharkiv", "Харьков", "Харків", "Kharkov"),
        _place("kyiv", "Kyiv", "Киев", "Київ"),
        _place("odesa", "Odesa", "Одесса", "Одеса"),
        _place("zaporizhzhia", "Zaporizhzhia", "Запорожье", "Запоріжжя", "Zaporozhye"),
        _place("znpp", "Zaporizhzhia Nuclear Power Plant", None, "ZNPP", "Enerhodar plant"),
        _place("chernihiv", "Chernihiv", "Чернигов", "Чернігів"),
    ]
    claims = [
        _claim("air-defence", ("kyiv",), "Air defence units moved to the capital."),
        _claim("plant-staff", ("znpp",), "Plant staff were replaced by Rosatom engineers.", "IAEA"),
        _claim("grain", ("odesa",), "Grain corridor ships left the port."),
    ]
    return Catalog(places={p.id: p for p in places}, claims={c.id: c for c in claims})


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("Харків", "kharkiv"),  # Ukrainian
        ("харьков", "kharkiv"),  # Russian
        ("Kharkov", "kharkiv"),
        ("Kiev", "kyiv"),
        ("Київ", "kyiv"),
        ("Odessa", "odesa"),
        ("Одеса", "odesa"),
        ("Chernigov", "chernihiv"),
        ("Zaporozhe", "zaporizhzhia"),
    ],
)
def test_other_data_other_names(ukraine: Catalog, query: str, place: str) -> None:
    assert _ids(ukraine, query)[0] == place


def test_other_data_shared_names_and_claim_text(ukraine: Catalog) -> None:
    # The city's Ukrainian name also finds the plant named after it.
    found = _ids(ukraine, "Запоріжжя")
    assert found[0] == "zaporizhzhia" and "znpp" in found
    # Claims by their words, claimant and attribution.
    assert _ids(ukraine, "rosatom") == ["plant-staff"]
    assert _ids(ukraine, "IAEA") == ["plant-staff"]
    assert set(_ids(ukraine, "grain corridor")) == {"grain"}
    assert _ids(ukraine, "Lviv") == []


# ------------------------------------------------------------------ properties

# Names made of words from three scripts, so a data set's names overlap in part.
WORDS = ["Tell", "al", "Hara", "Тель", "Хара", "تل", "الحارة", "North", "Base", "Kobani", "Кобани"]
names = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join)


@st.composite
def data_sets(draw: st.DrawFn) -> Catalog:
    n = draw(st.integers(min_value=1, max_value=8))
    places = {}
    for i in range(n):
        alts = tuple(draw(st.lists(names, max_size=2)))
        places[f"p{i}"] = _place(f"p{i}", draw(names), draw(st.one_of(st.none(), names)), *alts)
    claims = {}
    for i in range(draw(st.integers(min_value=0, max_value=4))):
        summary = draw(
            st.lists(st.sampled_from([*WORDS, "troops", "seen"]), min_size=1).map(" ".join)
        )
        claims[f"c{i}"] = _claim(f"c{i}", (f"p{i % n}",), summary, draw(names))
    return Catalog(places=places, claims=claims)


@SETTINGS
@given(data_sets(), st.data())
def test_an_exact_name_always_ranks_first(catalog: Catalog, data: st.DataObject) -> None:
    pid = data.draw(st.sampled_from(sorted(catalog.places)))
    name = data.draw(st.sampled_from(catalog.places[pid].search_names()))
    query = data.draw(st.sampled_from([name, name.upper(), f"  {name.lower()} "]))
    matches = find(query, catalog.places, catalog.claims)
    assert matches[0].exact
    ranks = [i for i, m in enumerate(matches) if m.kind == "place" and m.id == pid]
    assert ranks and matches[ranks[0]].exact
    # Nothing that is not exact ranks above it.
    assert all(m.exact for m in matches[: ranks[0] + 1])


queries = st.one_of(
    names,
    st.sampled_from(WORDS).map(lambda w: w[:-1] or w),  # typed so far, or one letter off
    st.text(alphabet=string.ascii_letters + " -'тарбلحطرسوم", max_size=12),
    st.text(max_size=20),
)


@SETTINGS
@given(data_sets(), queries)
def test_the_index_finds_what_the_plain_scan_finds(catalog: Catalog, query: str) -> None:
    fast = SearchIndex(catalog.places, catalog.claims).find(query).matches()
    plain = scan(query, catalog.places, catalog.claims)
    assert [(m.kind, m.id, m.field, m.text, m.via) for m in fast] == [
        (m.kind, m.id, m.field, m.text, m.via) for m in plain
    ]
    assert [m.score for m in fast] == pytest.approx([m.score for m in plain], abs=1e-3)
    assert all(m.score >= EXACT for m in fast if m.exact)
    # The filter it drives: the arrays' selection is the plain one.
    flt = ClaimFilter(search=query)
    assert catalog.index.select(flt) == select(catalog, flt)


# --------------------------------------------------------- what the sidebar lists


def test_the_sidebar_lists_results_with_what_matched(real_catalog: Catalog) -> None:
    lines = result_lines(real_catalog, "Qamishly")
    assert lines[0].startswith("**Qamishli**") and "English name" in lines[0]
    lines = result_lines(real_catalog, "طرطوس")
    assert lines[0].startswith("**Tartus**") and "Arabic name" in lines[0]
    assert "carries the name of Tartus" in lines[1]
    lines = result_lines(real_catalog, "military police")
    assert lines[0].startswith("Claim “") and "claim summary" in lines[0]
    assert result_lines(real_catalog, "") == []
    assert result_lines(real_catalog, "Aleppo")[0].startswith("Nothing matches “Aleppo”")


def test_the_sidebar_escapes_what_it_lists() -> None:
    evil = "<img src=x onerror=alert(1)> **bold** [link](http://x.example)"
    catalog = Catalog(
        places={"e": _place("e", evil, None, "Evil base")},
        claims={"c": _claim("c", ("e",), f"{evil} troops seen", claimant=evil)},
    )
    unescaped = re.compile(r"(?<!\\)(<img|\*\*bold|\]\(|<b>|\*zz)")
    shown = 0
    for query in ("evil base", "troops", "bold", "<img"):
        for line in result_lines(catalog, query):
            assert not unescaped.search(line), line
            shown += "\\<img src=x onerror=alert\\(1\\)\\>" in line
    assert shown >= 4  # the name and the claim's text were listed, escaped
    nothing = result_lines(catalog, "*zz* <b>")
    assert nothing[0].startswith("Nothing matches") and not unescaped.search(nothing[0])


def test_a_rewound_day_lists_only_the_claims_it_holds(real_catalog: Catalog) -> None:
    _ = real_catalog.index.claims  # an index exists, so the day shares its search
    past = as_of(real_catalog, "2020-01-01")
    matches, total = past.index.search_matches("military police", 50)
    assert {m.id for m in matches} == {
        "ctx-2018-bravo-line-posts",
        "ctx-2019-kobani-military-police",
        "ctx-2019-amuda-mp-base",
    }
    assert total == 3 and past.index.search is real_catalog.index.search
    flt = ClaimFilter(search="military police")
    assert past.index.select(flt) == select(past, flt)
