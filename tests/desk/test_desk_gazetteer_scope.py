"""Whose GeoNames towns the desk's gazetteer holds: the data's table, or its region's countries.

Nothing of the first data set (Syria and its neighbours) is in the code: the
shipped data says it in ``geodata/desk/gazetteer.json``; a data folder about
another region without that table gets the countries with towns inside its
region of interest. And how a name in a report meets those towns: run together
("Albukamal"), after a word that begins names ("Umm Qamishli"), a town abroad
by its own name only, a naval town in a sentence about ships.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from briefmap.data.loader import DEFAULT_DATA_DIR, load_catalog
from briefmap.data.schema import Region
from briefmap.desk.cues import TableError
from briefmap.desk.draft import Desk
from briefmap.desk.gazetteer import GAZETTEER_FILE, derived_scope, load_scope
from briefmap.desk.text import read_report

FIRST_SUBJECT = {"SY", "TR", "IQ", "JO", "IL", "LB"}
# Central Mali, the Sahel: Mopti, Ségou, Timbuktu; no catalog place of them.
SAHEL = {"west": -6.0, "south": 13.0, "east": 1.0, "north": 17.0}


@pytest.fixture(scope="module")
def sahel_desk(tmp_path_factory: pytest.TempPathFactory) -> Desk:
    data = tmp_path_factory.mktemp("sahel")
    place = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [-4.0, 14.0]},
        "properties": {"id": "camp", "name_en": "Camp One", "precision": "site"},
    }
    (data / "places.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [place]}), encoding="utf-8"
    )
    (data / "claims.json").write_text("[]", encoding="utf-8")
    (data / "sources.json").write_text("[]", encoding="utf-8")
    meta = {
        "title": "The Sahel",
        "region_of_interest": SAHEL,
        "actors": [{"id": "mali", "name_en": "Mali", "colour": "#005A42"}],
    }
    (data / "briefmap.json").write_text(json.dumps(meta), encoding="utf-8")
    catalog = load_catalog(data).catalog
    assert catalog.meta.region == Region(**SAHEL)
    return Desk.for_catalog(catalog, data)


def test_the_shipped_data_says_whose_towns(desk: Desk) -> None:
    scope = load_scope(DEFAULT_DATA_DIR, desk.catalog.meta.region)
    assert scope.countries == ("SY", "TR", "IQ", "JO", "IL", "LB")
    assert scope.focus_country == "SY" == desk.gazetteer.focus_country
    assert scope.least("SY") == 1000 and scope.least("TR") == 15000


def test_a_region_without_a_table_takes_its_own_countries(sahel_desk: Desk) -> None:
    assert sahel_desk.gazetteer.focus_country == "ML"
    countries = {p.country for p in sahel_desk.gazetteer.places.values() if p.country}
    assert "ML" in countries and not countries & FIRST_SUBJECT
    report = read_report("Gunmen attacked an army post in Mopti on 3 March 2025, officials said.\n")
    drafted = sahel_desk.draft(report, date="2025-03-04")
    named = {p.name for d in drafted.drafts for p in d.places}
    assert "Mopti" in named, [d.text for d in drafted.drafts]
    assert not [u.name for u in drafted.unplaced if u.name == "Mopti"]


def test_derived_scope_is_the_country_with_most_towns_first() -> None:
    scope = derived_scope(Region(**SAHEL))
    assert scope.countries[0] == scope.focus_country == "ML"
    assert scope.least("ML") == 1000 and not set(scope.countries) & FIRST_SUBJECT


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"countries": "SY"}, "countries"),
        ({"countries": ["Syria"]}, "countries"),
        ({"countries": ["SY"], "focus_country": "TR"}, "focus_country"),
        ({"countries": ["SY"], "min_population": {"SY": "many"}}, "min_population"),
        ({"countries": ["SY"], "min_population": {"TR": 5}}, "min_population.TR"),
        ({"countries": ["SY"], "min_population_elsewhere": -1}, "min_population_elsewhere"),
    ],
)
def test_a_bad_gazetteer_table_is_named(tmp_path: Path, table: dict, field: str) -> None:
    (tmp_path / "desk").mkdir()
    path = tmp_path / "desk" / GAZETTEER_FILE
    path.write_text(json.dumps(table), encoding="utf-8")
    with pytest.raises(TableError) as caught:
        load_scope(tmp_path, Region(**SAHEL))
    assert str(path) in str(caught.value) and field in str(caught.value)


def test_an_unreadable_gazetteer_table_is_named(tmp_path: Path) -> None:
    (tmp_path / "desk").mkdir()
    path = tmp_path / "desk" / GAZETTEER_FILE
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(TableError, match="not readable JSON"):
        load_scope(tmp_path, Region(**SAHEL))


def test_a_town_abroad_is_named_by_its_own_name_not_an_alternate(desk: Desk) -> None:
    """ "Hamidiye" is only a Latin alternate of Ceyhan (Turkey): not placed, never pinned there."""
    report = desk.draft(
        read_report("Russian patrols reached Hamidiye on Monday."), date="2025-11-20"
    )
    assert not [p for d in report.drafts for p in d.places]
    assert "Hamidiye" in [u.name for u in report.unplaced]
    # A large city's exonyms stay ("Bagdad" is Baghdad).
    bagdad = desk.draft(read_report("Russian jets struck near Bagdad."), date="2025-11-20")
    assert [p.id for d in bagdad.drafts for p in d.places] == ["gn-98182"]


def _places(desk: Desk, text: str) -> tuple[list[tuple[str, str]], list[str]]:
    report = desk.draft(read_report(text), date="2025-11-20")
    found = [(p.id, p.precision.value) for d in report.drafts for p in d.places]
    return found, [u.name for u in report.unplaced]


def test_a_name_run_together_a_headed_name_and_a_naval_town(desk: Desk) -> None:
    # "Albukamal" is "Abu Kamal" / "Al Bukamal" written as one word.
    run_together = _places(desk, "Russian troops left Albukamal on Monday.")[0]
    assert run_together and run_together == _places(desk, "Russian troops left Abu Kamal.")[0]
    # "Umm Qamishli" is another place than Qamishli: not placed, never read as the town.
    assert _places(desk, "Russian patrols reached Umm Qamishli on Monday.") == (
        [],
        ["Umm Qamishli"],
    )
    # A sentence about ships at a town with a naval site in the data suggests the site.
    ships = _places(desk, "Two Russian frigates docked at Tartus on Monday.")[0]
    assert ships == [("tartus_naval_facility", "site")]
    assert _places(desk, "Russian engineers were seen in Tartus.")[0] == [("tartus_city", "town")]
