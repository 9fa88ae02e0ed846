"""Rows of the user's own layer turned into claims by a column mapping, and ACLED's ready one (issue 26).

Every file here is made by the tests: an ACLED-shaped CSV of invented events
(not ACLED's data), a KML as Google My Maps writes one.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from briefmap.__main__ import main
from briefmap.data.own_layer import OwnLayer
from briefmap.data.schema import NO_META, Actor, Catalog, ClaimStatus, Precision, Source
from briefmap.data.uploads import load_uploaded_files
from briefmap.engine.acled import ACLED_COLUMNS, acled_mapping, is_acled, layer_columns
from briefmap.engine.own_claims import (
    STATUS_FROM_SOURCES,
    ColumnMapping,
    claims_from_rows,
    day_of,
    describe_row_claims,
    flag_mapping,
    mapping_for,
    parse_mapping,
)

GEODATA = Path(__file__).resolve().parents[1] / "geodata"

# Invented events in an invented land: (id, date, actor1, actor2, location, lat, lon,
# geo_precision, source, notes).
EVENTS = [
    (
        "ZZ1",
        "15 October 2025",
        "Northern Army",
        "River Militia",
        "Alpha",
        "34.1",
        "36.1",
        "1",
        "Daily Planet; Gazette",
        "Two outlets.",
    ),
    (
        "ZZ2",
        "2025-10-16",
        "NORTHERN  ármy",
        "",
        "Bravo",
        "34.2",
        "36.2",
        "2",
        "Daily Planet",
        "One outlet.",
    ),
    (
        "ZZ3",
        "17 October 2025",
        "River Militia",
        "",
        "Charlie",
        "34.3",
        "36.3",
        "3",
        "Gazette; Gazette",
        "One outlet twice.",
    ),
    (
        "ZZ4",
        "2025-10-18",
        "Northern Army",
        "",
        "Delta",
        "34.4",
        "36.4",
        "2",
        "",
        "No source at all.",
    ),
    (
        "ZZ5",
        "31 Febtember 2025",
        "Northern Army",
        "",
        "Echo",
        "34.5",
        "36.5",
        "2",
        "Gazette",
        "A day that is none.",
    ),
    (
        "ZZ6",
        "2025-10-19",
        "Northern Army",
        "",
        "Foxtrot",
        "34.6",
        "36.6",
        "7",
        "Gazette",
        "A precision ACLED has not.",
    ),
    (
        "ZZ7",
        "2025-10-20",
        "Hill Brigade",
        "",
        "Golf",
        "34.7",
        "36.7",
        "1",
        "Local Source; Other",
        "Outlets ACLED does not name.",
    ),
    ("ZZ8", "2025-10-21", "", "", "Hotel", "34.8", "36.8", "1", "Gazette", "No actor."),
    (
        "ZZ9",
        "22 Oct 2025",
        "Hill Brigade",
        "Northern Army",
        "India",
        "34.9",
        "36.9",
        "2",
        "Daily Planet; Local Source",
        "One named outlet.",
    ),
    (
        "ZZ10",
        "2025-10-23",
        "Northern Army",
        "",
        "Juliet",
        "",
        "",
        "1",
        "Gazette",
        "No coordinates.",
    ),
]


def acled_csv(events: list[tuple[str, ...]] = EVENTS) -> bytes:
    """An ACLED-shaped export: every public column, in ACLED's order, our own rows."""
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=ACLED_COLUMNS)
    writer.writeheader()
    for eid, day, a1, a2, loc, lat, lon, prec, src, notes in events:
        row = dict.fromkeys(ACLED_COLUMNS, "")
        row.update(
            event_id_cnty=eid,
            event_date=day,
            time_precision="1",
            event_type="Battles",
            sub_event_type="Armed clash",
            actor1=a1,
            actor2=a2,
            admin1="North",
            location=loc,
            latitude=lat,
            longitude=lon,
            geo_precision=prec,
            source=src,
            source_scale="National",
            notes=notes,
            fatalities="0",
        )
        writer.writerow(row)
    return text.getvalue().encode()


def _placemark(name: str, lon: float, data: dict[str, str]) -> str:
    cells = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in data.items())
    return (
        f"<Placemark><name>{name}</name><description><![CDATA[<b>seen</b>]]></description>"
        f"<ExtendedData>{cells}</ExtendedData>"
        f"<Point><coordinates>{lon},34,0</coordinates></Point></Placemark>"
    )


# As Google My Maps writes a layer of a table: a folder, the table's columns as Data.
MY_MAPS = (
    '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
    "<Document><name>Sightings</name><Folder><name>Layer 1</name>"
    + _placemark(
        "Camp",
        36.1,
        {"Status": "reported", "Actor": "north", "Source": "Gazette", "Seen": "2025-10-01"},
    )
    + _placemark(
        "Port",
        36.2,
        {
            "Status": "confirmed",
            "Actor": "north",
            "Source": "Gazette; Daily Planet",
            "Seen": "2025-10-02",
        },
    )
    + _placemark(
        "Hill",
        36.3,
        {"Status": "confirmed", "Actor": "north", "Source": "Gazette", "Seen": "2025-10-03"},
    )
    + _placemark(
        "Ford", 36.4, {"Status": "reported", "Actor": "north", "Source": "", "Seen": "2025-10-04"}
    )
    + "</Folder></Document></kml>"
).encode()

MY_MAPS_MAPPING = {
    "columns": {"status": "Status", "actors": "Actor", "sources": "Source", "reported": "Seen"},
    "fixed": {
        "claimant": "Field team",
        "summary": "Seen on the field trip",
        "attribution": "the team's own sighting",
        "posture": "current",
        "kind": "town",
        "precision": "site",
    },
}

BASE = Catalog(
    meta=NO_META.__class__(
        title="Test",
        subtitle="",
        region=NO_META.region,
        actors=(Actor("north", "Northern Army", "#112233"),),
    ),
    sources={"src-known": Source("src-known", "Wire Agency", "2025-09-30")},
)


def _layer(name: str, raw: bytes) -> OwnLayer:
    (layer,) = load_uploaded_files([(name, raw)]).own_layers
    return layer


@pytest.fixture(scope="module")
def acled_layer() -> OwnLayer:
    return _layer("events.csv", acled_csv())


def _by_event(made) -> dict[str, object]:
    return {c.summary: c for c in made.catalog.claims.values()}


# --------------------------------------------------------------------- ACLED


def test_an_acled_export_is_recognised_by_its_columns(acled_layer: OwnLayer) -> None:
    assert is_acled(layer_columns(acled_layer))
    assert not is_acled(tuple(c for c in ACLED_COLUMNS if c != "geo_precision"))


def test_acleds_rows_become_claims_as_the_sourcing_rules_allow(acled_layer: OwnLayer) -> None:
    made = claims_from_rows(acled_layer, acled_mapping(), BASE)
    claims = _by_event(made)
    two, one, twice = claims["Two outlets."], claims["One outlet."], claims["One outlet twice."]
    # Two independent outlets confirm; one outlet, even cited twice, is reported.
    assert two.status is ClaimStatus.CONFIRMED
    assert one.status is ClaimStatus.REPORTED and twice.status is ClaimStatus.REPORTED
    # ACLED's unnamed outlets count as none: never confirmed by "Local Source; Other".
    assert claims["Outlets ACLED does not name."].status is ClaimStatus.REPORTED
    assert claims["One named outlet."].status is ClaimStatus.REPORTED
    # Claimant, posture, the event's id and its day, "15 October 2025" and ISO alike.
    assert (two.claimant, two.posture.value, two.id) == ("ACLED", "current", "own-ZZ1")
    assert (two.reported, one.reported) == ("2025-10-15", "2025-10-16")
    assert claims["One named outlet."].reported == "2025-10-22"
    # geo_precision 1/2/3 as site/town/region.
    places = made.catalog.places
    assert [
        places[claims[s].places[0]].precision
        for s in ("Two outlets.", "One outlet.", "One outlet twice.")
    ] == [Precision.SITE, Precision.TOWN, Precision.REGION]
    # Sources named after the outlets, dated by the event, with no link invented.
    cited = [made.catalog.sources[s] for s in two.sources]
    assert [(s.outlet, s.date, s.url) for s in cited] == [
        ("Daily Planet", "2025-10-15", None),
        ("Gazette", "2025-10-15", None),
    ]
    unnamed = made.catalog.sources[claims["Outlets ACLED does not name."].sources[0]]
    assert not unnamed.outlet_known and "not identified" in unnamed.outlet


def test_acleds_actors_are_matched_by_name_or_kept_as_new(acled_layer: OwnLayer) -> None:
    made = claims_from_rows(acled_layer, acled_mapping(), BASE)
    claims = _by_event(made)
    # "NORTHERN  ármy" is the table's Northern Army, spelling folded.
    assert claims["One outlet."].actors == ("north",)
    assert claims["Two outlets."].actors == ("north", "river-militia")
    assert {a.id: a.name_en for a in made.new_actors} == {
        "river-militia": "River Militia",
        "hill-brigade": "Hill Brigade",
    }


def test_acleds_bad_rows_are_located_and_the_rest_loads(acled_layer: OwnLayer) -> None:
    made = claims_from_rows(acled_layer, acled_mapping(), BASE)
    located = {(i.record, i.field) for i in made.issues}
    # The sourceless row stays a feature of the own layer, never a claim.
    assert ("events-5", "sources") in located
    assert "stays in your own layer" in made.sourceless[0].message
    # Each row named as the own layer names it, not by the ids made for it.
    assert ("events-6", "reported") in located  # ZZ5: "31 Febtember 2025"
    assert ("events-7", "precision") in located  # ZZ6: geo_precision 7
    assert ("events-9", "actors") in located  # ZZ8: a claim names an actor
    rows = {f.id for f in acled_layer.features}
    assert {r for r, _ in located} - rows == {"own-src-gazette-31-Febtember-2025"}
    assert made.rows == 9  # the row without coordinates is no feature: its reader said so
    assert made.claims == 5
    assert describe_row_claims(made) == (
        f"events.csv: 5 of 9 rows become claims; 4 stay your own layer ({len(made.issues)} errors)"
    )


# ----------------------------------------------------------- a mapping of one's own


def test_a_my_maps_kml_mapped_by_its_columns() -> None:
    layer = _layer("sightings.kml", MY_MAPS)
    made = claims_from_rows(layer, parse_mapping(MY_MAPS_MAPPING), BASE)
    claims = {made.catalog.places[c.places[0]].name_en: c for c in made.catalog.claims.values()}
    assert set(claims) == {"Camp", "Port"}
    assert claims["Port"].status is ClaimStatus.CONFIRMED
    assert claims["Camp"].actors == ("north",) and claims["Camp"].reported == "2025-10-01"
    located = {(i.record, i.field) for i in made.issues}
    # The sourcing rules unchanged: "confirmed" on one outlet is refused, not lowered.
    hill = [i for i in made.issues if i.field == "status"]
    assert len(hill) == 1 and "confirmed needs two independent outlets" in hill[0].message
    # The placemark without a source stays in the own layer.
    assert ("sightings-4", "sources") in located
    # And the refused one is named as the own layer names it, as that one is.
    assert hill[0].record in {f.id for f in layer.features}


def test_a_row_may_cite_the_datas_own_sources_by_id() -> None:
    layer = _layer("sightings.kml", MY_MAPS)
    mapping = parse_mapping(MY_MAPS_MAPPING)
    mapping = ColumnMapping(
        columns={k: v for k, v in mapping.columns.items() if k not in ("sources", "status")},
        fixed={**mapping.fixed, "sources": "src-known", "status": STATUS_FROM_SOURCES},
    )
    made = claims_from_rows(layer, mapping, BASE)
    assert made.claims == 4
    assert {c.sources for c in made.catalog.claims.values()} == {("src-known",)}
    assert {c.status for c in made.catalog.claims.values()} == {ClaimStatus.REPORTED}


def test_a_required_field_left_unmapped_is_named_for_the_row() -> None:
    layer = _layer("sightings.kml", MY_MAPS)
    mapping = parse_mapping({"columns": {"sources": "Source"}})
    made = claims_from_rows(layer, mapping)
    assert made.claims == 0
    fields = {i.field for i in made.issues}
    assert {"claimant", "status", "reported", "kind", "precision"} <= fields


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("15 October 2025", "2025-10-15"),
        ("2025-10-15", "2025-10-15"),
        ("2025-10-15T08:00:00", "2025-10-15"),
        (" 3  March 2024 ", "2024-03-03"),
        ("2025-02-31", "2025-02-31"),  # left for the validator to refuse
        ("soon", "soon"),
    ],
)
def test_days_as_acled_and_spreadsheets_write_them(text: str, day: str) -> None:
    assert day_of(text) == day


@pytest.mark.parametrize(
    "payload",
    [[], {"columns": []}, {"fixed": {"claimant": 3}}, {"preset": "gdelt"}, {"colums": {}}],
)
def test_a_bad_mapping_says_what_is_wrong(payload: object) -> None:
    with pytest.raises(ValueError, match=r"mapping|keys|object|preset|text"):
        parse_mapping(payload)


def test_map_flags() -> None:
    mapping = flag_mapping(["status=Status", "claimant==Field team"])
    assert (dict(mapping.columns), dict(mapping.fixed)) == (
        {"status": "Status"},
        {"claimant": "Field team"},
    )
    with pytest.raises(ValueError, match="field=column"):
        flag_mapping(["status"])


# ---------------------------------------------------------------------- CLI


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_validate_maps_an_acled_export_by_itself(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(acled_csv())
    status, out, _ = _run(["validate", str(path)], capsys)
    assert status == 1
    assert "Mapped by ACLED's columns:" in out
    assert "events.csv: 5 of 9 rows become claims; 4 stay your own layer" in out
    assert (
        "events.csv: record 'events-5', field 'sources': empty; a claim cites its sources, "
        "so the row stays in your own layer"
    ) in out


def test_validate_with_a_mapping_file_and_with_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kml = tmp_path / "sightings.kml"
    kml.write_bytes(MY_MAPS)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MY_MAPS_MAPPING))
    status, by_file, _ = _run(["validate", str(kml), "--mapping", str(mapping)], capsys)
    assert status == 1
    assert "sightings.kml: 2 of 4 rows become claims; 2 stay your own layer (2 errors)" in by_file
    flags = [f"--map={k}={v}" for k, v in MY_MAPS_MAPPING["columns"].items()]
    flags += [f"--map={k}=={v}" for k, v in MY_MAPS_MAPPING["fixed"].items()]
    status, by_flags, _ = _run(["validate", str(kml), *flags], capsys)
    # The same rows, the same words, whichever way the mapping is given.
    assert by_flags == by_file


def test_validate_refuses_a_mapping_naming_no_column_of_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kml = tmp_path / "sightings.kml"
    kml.write_bytes(MY_MAPS)
    status, _, err = _run(["validate", str(kml), "--map", "status=Stat"], capsys)
    assert status == 2 and "'Stat' is no column of the file" in err
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    status, _, err = _run(["validate", str(kml), "--mapping", str(bad)], capsys)
    assert status == 2 and str(bad) in err


def test_validate_refuses_acleds_preset_for_a_file_without_its_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kml = tmp_path / "sightings.kml"
    kml.write_bytes(MY_MAPS)
    mapping = tmp_path / "acled.json"
    mapping.write_text('{"preset": "acled"}')
    status, _, err = _run(["validate", str(kml), "--mapping", str(mapping)], capsys)
    assert status == 2 and "needs every one of ACLED's columns" in err


ROWS_TO_CHECK = """name,latitude,longitude,Status,Actor,Source,Seen
Near Raqqa,35.95,39.01,reported,russia,https://example.org/a,2025-01-10
Far away,48.85,2.35,reported,Russia,https://example.org/b,2025-01-10
Somewhere,35.0,38.0,reported,Wagner Group,https://example.org/c,2025-01-10
"""


def test_validate_checks_mapped_rows_against_the_data_sets_actors_and_region(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], real_catalog: Catalog
) -> None:
    # As the app checks an upload's rows against the data it shows: a row outside
    # the data's region is refused with the place's own error, an actor is the
    # data's by its name (any case), and a name no actor has is a new actor, said.
    path = tmp_path / "rows.csv"
    path.write_text(ROWS_TO_CHECK, encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MY_MAPS_MAPPING))
    status, out, _ = _run(
        ["validate", str(path), "--mapping", str(mapping), "--against", str(GEODATA)], capsys
    )
    assert status == 1
    assert f"Mapped rows checked against {GEODATA}: region of interest lon 35.55..42.5" in out
    assert "rows.csv: 2 of 3 rows become claims; 1 stay your own layer (2 errors)" in out
    assert "field 'geometry': lies outside the region of interest" in out
    assert "rows.csv: new actors, named by no actor of the data set: 'Wagner Group'" in out
    # The app's words, error for error: the same rows, mapped against the same data.
    (layer,) = load_uploaded_files([("rows.csv", path.read_bytes())]).own_layers
    made = claims_from_rows(layer, mapping_for(layer, mapping), real_catalog)
    assert made.issues and all(str(issue) in out for issue in made.issues)
    assert {a for c in made.catalog.claims.values() for a in c.actors} == {"russia", "wagner-group"}
    # A data set to check against that is not there is refused, as a bad mapping is.
    status, _, err = _run(
        ["validate", str(path), "--mapping", str(mapping), "--against", str(tmp_path / "no")],
        capsys,
    )
    assert status == 2 and "not a data directory or file" in err
