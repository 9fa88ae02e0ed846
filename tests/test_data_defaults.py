"""A data set without ``briefmap.json`` speaks for itself: no subject lives in the code.

The data sets here are about Libya, built in a temporary folder by the tests:
their title comes from the folder's or file's name, their region of interest
from their places, their actors from the ids their claims use, and nothing of
the shipped subject shows anywhere (validator, app, exports, uploads).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from app_runs import open_app
from shapely.geometry import box

from briefmap.data.loader import DATA_ENV_VAR, load_catalog
from briefmap.data.meta import ACTOR_PALETTE, region_around, title_from_name
from briefmap.data.schema import (
    CLAIMS_FILE,
    META_FILE,
    PLACES_FILE,
    SOURCES_FILE,
    WORLD,
    Place,
    PlaceKind,
    Precision,
)
from briefmap.data.uploads import load_upload
from briefmap.drawing.exports import bundle_json
from briefmap.drawing.gis_exports import kml_document
from briefmap.drawing.symbology import colour_problems
from briefmap.engine.query import ClaimFilter

REPO = Path(__file__).resolve().parent.parent
# The shipped subject's words: none may show for another subject's data, and
# none may be written in the package's code (data files hold the subject).
SUBJECT_WORDS = (
    "Syria",
    "Putin",
    "al-Sharaa",
    "Kremlin",
    "Tartus",
    "Khmeimim",
    "Qamishli",
    "Golan",
)

LIBYA_PLACES = {
    "tripoli": ("Tripoli", "capital", "town", (13.18, 32.89)),
    "sirte": ("Sirte", "city", "town", (16.59, 31.20)),
    "al_jufra": ("Al Jufra Air Base", "air_base", "site", (16.02, 29.20)),
    "benghazi": ("Benghazi", "city", "town", (20.07, 32.12)),
}
LIBYA_ACTORS = ("gnu", "lna", "wagner")


def _claim(cid: str, places: list[str], actors: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "id": cid,
        "places": places,
        "actors": actors,
        "claimant": "A test claimant",
        "status": "reported",
        "posture": "current",
        "reported": "2020-06-01",
        "summary": "A test summary in the test's own words.",
        "attribution": "per a test outlet",
        "sources": ["s1"],
        **fields,
    }


def write_libya(folder: Path) -> Path:
    """A small valid data set about Libya, without ``briefmap.json``: 4 places, 3 claims."""
    folder.mkdir(parents=True)
    features = [
        {
            "type": "Feature",
            "properties": {"id": pid, "name_en": name, "kind": kind, "precision": precision},
            "geometry": {"type": "Point", "coordinates": list(lon_lat)},
        }
        for pid, (name, kind, precision, lon_lat) in LIBYA_PLACES.items()
    ]
    files = {
        PLACES_FILE: {"type": "FeatureCollection", "features": features},
        SOURCES_FILE: {
            "sources": [
                {"id": "s1", "outlet": "Reuters", "date": "2020-06-01"},
                {"id": "s2", "outlet": "Associated Press", "date": "2020-06-02"},
            ]
        },
        CLAIMS_FILE: {
            "as_of": "2020-07-01",
            "claims": [
                _claim("c1", ["al_jufra"], ["wagner"]),
                _claim("c2", ["sirte"], ["lna"], reported="2020-06-02", sources=["s2"]),
                _claim(
                    "c3",
                    ["tripoli", "benghazi"],
                    ["gnu"],
                    status="confirmed",
                    sources=["s1", "s2"],
                ),
            ],
        },
    }
    for name, payload in files.items():
        (folder / name).write_text(json.dumps(payload), encoding="utf-8")
    return folder


@pytest.fixture
def libya(tmp_path: Path) -> Path:
    return write_libya(tmp_path / "libya-2020")


def _inside(region: Any, place: Place) -> bool:
    return box(*region.box).contains(place.geometry)


def test_a_folder_about_another_subject_loads_whole(libya: Path) -> None:
    result = load_catalog(libya)
    assert result.issues == (), result.report()
    catalog = result.catalog
    assert set(catalog.places) == set(LIBYA_PLACES)
    assert set(catalog.claims) == {"c1", "c2", "c3"}
    meta = catalog.meta
    assert meta.title == "Libya 2020"  # the folder's name
    assert meta.subtitle == ""
    assert all(_inside(meta.region, place) for place in catalog.places.values())
    assert meta.region != WORLD
    # Exactly the ids the claims use, sorted, named as written, in distinct palette colours.
    assert meta.actor_ids == LIBYA_ACTORS
    assert [a.label for a in meta.actors] == list(LIBYA_ACTORS)
    colours = [a.colour for a in meta.actors]
    assert len(set(colours)) == len(colours)
    assert set(colours) <= set(ACTOR_PALETTE)
    assert colour_problems({a.id: a.colour for a in meta.actors}) == []


def test_only_the_actors_of_valid_records_are_listed(libya: Path) -> None:
    claims = json.loads((libya / CLAIMS_FILE).read_text(encoding="utf-8"))
    claims["claims"].append(_claim("c4", ["nowhere"], ["turkey"]))  # refused: no such place
    sources = json.loads((libya / SOURCES_FILE).read_text(encoding="utf-8"))
    sources["sources"][1]["official_of"] = "lna"
    (libya / CLAIMS_FILE).write_text(json.dumps(claims), encoding="utf-8")
    (libya / SOURCES_FILE).write_text(json.dumps(sources), encoding="utf-8")
    result = load_catalog(libya)
    (issue,) = result.issues
    assert (issue.file, issue.record, issue.field) == (CLAIMS_FILE, "c4", "places")
    # The refused claim's actor is not one; the official record's actor is.
    assert result.catalog.meta.actor_ids == LIBYA_ACTORS
    assert result.catalog.sources["s2"].official_of == "lna"


def test_validate_prints_the_datas_own_title_and_region(libya: Path) -> None:
    from test_cli import run_validate

    run = run_validate(str(libya))
    output = run.stdout + run.stderr
    assert run.returncode == 0, output
    assert "0 error(s); 4 places, 3 claims, 2 sources valid" in run.stdout
    assert 'Data set "Libya 2020"' in run.stdout
    assert "actors: gnu, lna, wagner" in run.stdout
    assert "Syria" not in output and "Putin" not in output


def test_the_app_shows_the_datas_title_and_nothing_of_the_shipped_subject(
    libya: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefmap.app import streamlit_internals

    monkeypatch.setenv(DATA_ENV_VAR, str(libya))
    with streamlit_internals.navigation_only():
        at = open_app(app=REPO / "app.py")
    assert not at.exception, at.exception
    assert at.title[0].value.replace("\\", "") == "Libya 2020"
    shown = [e.value for e in (*at.title, *at.markdown, *at.caption, *at.header, *at.subheader)]
    for text in shown:
        for word in (*SUBJECT_WORDS, "meeting"):
            assert word.lower() not in str(text).lower(), (word, text)
    assert at.sidebar.multiselect(key="filter_actors").options == list(LIBYA_ACTORS)
    # The map (the st_folium element's arguments) draws the data's actors, in
    # their palette colours, and says nothing of the meeting.
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    drawn = component.proto.json_args
    assert "wagner" in drawn and ACTOR_PALETTE[2] in drawn  # the third id's colour
    assert "Putin" not in drawn and "al-Sharaa" not in drawn


def test_a_bundle_and_a_kml_without_metadata_take_their_file_names(
    libya: Path, tmp_path: Path
) -> None:
    catalog = load_catalog(libya).catalog
    payload = json.loads(bundle_json(catalog, catalog.index.select(ClaimFilter())))
    del payload["briefmap"]["meta"]
    bundle = tmp_path / "sahel_and_libya.geojson"
    bundle.write_text(json.dumps(payload), encoding="utf-8")
    again = load_catalog(bundle)
    assert again.ok, again.report()
    assert again.catalog.meta.title == "Sahel and libya"
    assert again.catalog.meta.actor_ids == LIBYA_ACTORS
    assert again.catalog.meta.region == catalog.meta.region
    # A KML made elsewhere: no briefmap.json inside, places only.
    kml = tmp_path / "jufra-watch.kml"
    kml.write_bytes(kml_document(catalog, catalog.index.select(ClaimFilter())))
    from_kml = load_catalog(kml)
    assert from_kml.ok, from_kml.report()
    assert from_kml.catalog.meta.title == "Jufra watch"
    assert all(_inside(from_kml.catalog.meta.region, p) for p in from_kml.catalog.places.values())


def test_an_upload_without_a_base_speaks_for_itself(libya: Path) -> None:
    files = {name: (libya / name).read_bytes() for name in (PLACES_FILE, CLAIMS_FILE, SOURCES_FILE)}
    result = load_upload(files)
    assert result.ok, result.report()
    assert result.catalog.meta.title == "Uploaded data"
    assert result.catalog.meta.actor_ids == LIBYA_ACTORS
    assert all(_inside(result.catalog.meta.region, p) for p in result.catalog.places.values())


def test_an_upload_onto_loaded_data_keeps_its_meta(libya: Path, real_catalog: Any) -> None:
    files = {name: (libya / name).read_bytes() for name in (PLACES_FILE, CLAIMS_FILE, SOURCES_FILE)}
    result = load_upload(files, base=real_catalog)
    assert result.catalog.meta == real_catalog.meta
    # Checked against the loaded data's region and actors, as before (and the
    # claims on the refused places are refused for that).
    messages = {(i.field, i.message.split(" (")[0]) for i in result.issues}
    assert ("geometry", "lies outside the region of interest") in messages
    assert any(f == "actors" and m.startswith("unknown value 'wagner'") for f, m in messages)


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("libya-2020", "Libya 2020"),
        ("sahel_raids", "Sahel raids"),
        ("UN-missions", "UN missions"),
        ("  gao --  2024 ", "Gao 2024"),
        ("", "Untitled data"),
        ("-_-", "Untitled data"),
    ],
)
def test_the_title_rule(name: str, title: str) -> None:
    assert title_from_name(name) == title


def _place(pid: str, lon: float, lat: float, *, off_map: bool = False) -> Place:
    from shapely.geometry import Point

    return Place(pid, pid, PlaceKind.TOWN, Precision.TOWN, Point(lon, lat), off_map=off_map)


def test_the_region_of_a_single_point_no_places_and_off_map_places() -> None:
    single = region_around([_place("gao", -0.04, 16.27)])
    assert single.box == (-0.54, 15.77, 0.46, 16.77)  # half a degree each way
    assert region_around([]) == WORLD
    # Off-map places are left out of the box, unless every place is off the map.
    spread = region_around(
        [_place("a", 10, 20), _place("b", 20, 30), _place("far", 100, 60, off_map=True)]
    )
    assert spread.box == (9.0, 19.0, 21.0, 31.0)  # a tenth of the span each way
    alone = region_around([_place("far", 100, 60, off_map=True)])
    assert alone.box == (99.5, 59.5, 100.5, 60.5)
    # Never past WGS84's limits.
    edge = region_around([_place("pole", 179.9, 89.9)])
    assert edge.east == 180.0 and edge.north == 90.0


def _package_files() -> list[Path]:
    package = REPO / "briefmap"
    return [
        *package.rglob("*.py"),
        *package.rglob("*.js"),
        *package.rglob("*.css"),
        REPO / "app.py",
        *(REPO / "pages").glob("*.py"),
    ]


def test_the_package_code_holds_no_subject() -> None:
    pattern = re.compile("|".join(re.escape(w) for w in SUBJECT_WORDS), re.IGNORECASE)
    found = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in _package_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert len(_package_files()) > 50  # the scan sees the package
    assert found == []


def test_the_shipped_data_keeps_its_subject() -> None:
    # The subject lives in its data: geodata/briefmap.json still names it.
    shipped = json.loads((REPO / "geodata" / META_FILE).read_text(encoding="utf-8"))
    assert "Putin" in shipped["title"]
