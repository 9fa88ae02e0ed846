"""Integrity of the real data in ``geodata/`` against the shared facts sheet.

The expected values below are transcribed from ``shared/geodata-facts.md``;
a change to the data that disagrees with the sheet should fail here. The
checks run twice where it matters: through the project loader, and on the raw
JSON, so a loader bug cannot hide a data error (or the other way round).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from shapely.geometry import Point, shape

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "geodata"

# Syria's box, as in geodata/briefmap.json's region_of_interest (min lon, min lat, max lon,
# max lat); repeated here so the raw checks do not depend on the package.
REGION_BOX = (35.55, 32.2, 42.5, 37.5)
COORD_TOLERANCE = 0.001  # degrees

# Points from the facts sheet: id -> (lat, lon, precision).
EXPECTED_POINTS: dict[str, tuple[float, float, str]] = {
    "tartus_naval_facility": (34.9150, 35.8745, "site"),
    "tartus_city": (34.8890, 35.8866, "town"),
    "khmeimim_air_base": (35.4117, 35.9450, "site"),
    "latakia": (35.5170, 35.7830, "town"),
    "jableh": (35.3621, 35.9276, "town"),
    "qamishli_airport": (37.0206, 41.1914, "site"),
    "qamishli": (37.0500, 41.2200, "town"),
    "amuda": (37.1042, 40.9300, "town"),
    "kobani": (36.8910, 38.3535, "town"),
    "tell_al_hara": (33.0628, 35.9919, "site"),
    "daraa_city": (32.6189, 36.1021, "town"),
    "suwayda_city": (32.7090, 36.5695, "town"),
    "quneitra_town": (33.1256, 35.8239, "town"),
    "mount_hermon": (33.4161, 35.8575, "site"),
    "damascus": (33.5102, 36.2913, "town"),  # the sheet says "city"; the schema's rung is town
    "moscow_kremlin": (55.7517, 37.6178, "site"),
}

# Outlines from the facts sheet, all approximate (precision "region").
EXPECTED_POLYGONS = (
    "daraa_governorate",
    "suwayda_governorate",
    "quneitra_governorate",
    "golan_heights",
    "undof_area_of_separation",
)

OFF_MAP = {"moscow_kremlin"}

SOUTHERN_GOVERNORATES = {"daraa_governorate", "quneitra_governorate", "suwayda_governorate"}

# The nine claims of the 15 October 2025 report: id -> (status, posture).
EXPECTED_REPORT_CLAIMS: dict[str, tuple[str, str]] = {
    "c01-honour-agreements": ("stated", "current"),
    # Reported, not stated: on the record al-Sharaa named no base; the report read
    # his pledge on the agreements as covering Tartus and Khmeimim.
    "c02-tartus-access": ("reported", "current"),
    "c03-khmeimim-access": ("reported", "current"),
    "c04-reconstruction-counterterrorism": ("stated", "current"),
    "c05-military-police-south": ("reported", "proposed"),
    "c06-israeli-activity-golan": ("reported", "current"),
    "c07-qamishli-oversight": ("unverified", "proposed"),
    "c08-assad-extradition": ("unverified", "proposed"),
    "c09-summit-postponed": ("reported", "current"),
}
REPORT_DATE = "2025-10-15"
AS_OF = "2026-01-26"

# The report's own source: it carries no outlet, byline or URL.
REPORT_SOURCE = "news_report_2025_10_15"
# Reuters' own story (in Dawn) has the meeting and the on-record remarks only.
REUTERS_DAWN = "reuters_dawn_2025_10_15"
REUTERS_DAWN_CLAIMS = {
    "c01-honour-agreements",
    "c04-reconstruction-counterterrorism",
    "ctx-2025-putin-sharaa-talks",
}
KNOWN_URLS = {
    REUTERS_DAWN: "https://www.dawn.com/news/1949114",
    "kommersant_2025_08_12": "https://eadaily.com/en/news/2025/08/12/",
}
# Claims that ended on a day no source gives: the map says "end date unknown".
UNDATED_ENDS = {
    "ctx-2018-bravo-line-posts",
    "ctx-2019-kobani-military-police",
    "ctx-2019-amuda-mp-base",
}

# Each row of the sheet's dated-context table, as the dates a claim may carry
# (the row "2024-12-08/09" spans two days).
CONTEXT_DATES: tuple[tuple[str, ...], ...] = (
    ("2018-08-02",),
    ("2019-11-14",),
    ("2024-10-07",),
    ("2024-12-07",),
    ("2024-12-08",),
    ("2024-12-08", "2024-12-09"),
    ("2024-12-17",),
    ("2025-01-21",),
    ("2025-02-11",),
    ("2025-07-31",),
    ("2025-08-12",),
    ("2025-10-09",),
    ("2025-10-13",),
    ("2025-10-15",),
    ("2026-01-26",),
)

# Places the sheet says have no published coordinates: never a geometry of their own.
UNPINNED_NAMES = (
    "Tel Mashara",
    "Tel Karam",
    "Koudna",
    "Bir Ajam",
    "Muallaqah",
    "Ain Issa",
    "Tal Tamr",
    "Tishrin",
    "Sarrin",
    "Hermon 1",
    "Hermon 2",
    "Beit Jinn",
    "Qurs al-Nafal",
    "Jubata al-Khashab",
    "Barracks 74",
    "al-Jazeera barracks",
)

ALL_PLACE_IDS = set(EXPECTED_POINTS) | set(EXPECTED_POLYGONS)


# ------------------------------------------------------------------ fixtures


def _read(name: str) -> Any:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw_places() -> dict[str, dict[str, Any]]:
    """Features of places.geojson keyed by id, read without the loader."""
    payload = _read("places.geojson")
    assert payload["type"] == "FeatureCollection"
    # Never empty (here and below): the tests that check every record then check some.
    assert payload["features"]
    return {f["properties"]["id"]: f for f in payload["features"]}


@pytest.fixture(scope="module")
def raw_claims() -> dict[str, Any]:
    payload = _read("claims.json")
    assert payload["claims"]
    return payload


@pytest.fixture(scope="module")
def raw_sources() -> dict[str, dict[str, Any]]:
    sources = _read("sources.json")["sources"]
    assert sources
    return {s["id"]: s for s in sources}


@pytest.fixture(scope="module")
def loaded() -> Any:
    """The project loader's result for the real data."""
    from briefmap.data.loader import load_catalog

    result = load_catalog(DATA)
    assert result.catalog.places and result.catalog.claims and result.catalog.sources
    return result


# ------------------------------------------------------- through the loader


def test_loader_finds_no_errors(loaded: Any) -> None:
    assert list(loaded.errors) == [], "\n".join(str(e) for e in loaded.errors)


def test_loader_keeps_every_record(
    loaded: Any, raw_places: dict, raw_claims: dict, raw_sources: dict
) -> None:
    catalog = loaded.catalog
    assert set(catalog.places) == set(raw_places)
    assert set(catalog.claims) == {c["id"] for c in raw_claims["claims"]}
    assert set(catalog.sources) == set(raw_sources)
    assert catalog.as_of == AS_OF


@pytest.mark.parametrize("place_id", sorted(EXPECTED_POINTS))
def test_loaded_point_matches_fact_sheet(loaded: Any, place_id: str) -> None:
    lat, lon, precision = EXPECTED_POINTS[place_id]
    place = loaded.catalog.places[place_id]
    assert place.geometry.geom_type == "Point"
    assert place.geometry.y == pytest.approx(lat, abs=COORD_TOLERANCE), "latitude"
    assert place.geometry.x == pytest.approx(lon, abs=COORD_TOLERANCE), "longitude"
    assert place.precision.value == precision
    assert place.off_map == (place_id in OFF_MAP)


@pytest.mark.parametrize("place_id", EXPECTED_POLYGONS)
def test_loaded_outline_is_valid_region(loaded: Any, place_id: str) -> None:
    place = loaded.catalog.places[place_id]
    assert place.geometry.geom_type == "Polygon"
    assert place.geometry.is_valid
    assert place.precision.value == "region"


def test_loaded_claims_resolve(loaded: Any) -> None:
    catalog = loaded.catalog
    for claim in catalog.claims.values():
        assert claim.places, claim.id
        assert set(claim.places) <= set(catalog.places), claim.id
        assert claim.sources and set(claim.sources) <= set(catalog.sources), claim.id
        if claim.origin is not None:
            assert claim.origin in catalog.places, claim.id
            assert claim.posture.value == "proposed", claim.id


def test_loaded_report_claims(loaded: Any) -> None:
    claims = loaded.catalog.claims
    report = {cid for cid, c in claims.items() if c.role.value == "report"}
    assert report == set(EXPECTED_REPORT_CLAIMS)
    for cid, (status, posture) in EXPECTED_REPORT_CLAIMS.items():
        assert (claims[cid].status.value, claims[cid].posture.value) == (status, posture), cid


# ------------------------------------------------------------ raw JSON only


def test_every_fact_sheet_place_is_present(raw_places: dict) -> None:
    missing = ALL_PLACE_IDS - set(raw_places)
    assert not missing, f"places missing from places.geojson: {sorted(missing)}"


def test_place_properties(raw_places: dict) -> None:
    for pid, feature in raw_places.items():
        props = feature["properties"]
        assert props["name_en"].strip(), pid
        assert isinstance(props.get("alt_names", []), list), pid
        assert props.get("off_map", False) == (pid in OFF_MAP), pid


@pytest.mark.parametrize("place_id", sorted(EXPECTED_POINTS))
def test_raw_point_is_lon_lat(raw_places: dict, place_id: str) -> None:
    lat, lon, _ = EXPECTED_POINTS[place_id]
    geometry = raw_places[place_id]["geometry"]
    assert geometry["type"] == "Point"
    x, y = geometry["coordinates"]
    # GeoJSON is [longitude, latitude]; the sheet is (latitude, longitude).
    assert abs(x - lon) <= COORD_TOLERANCE and abs(y - lat) <= COORD_TOLERANCE, (x, y)


@pytest.mark.parametrize("place_id", EXPECTED_POLYGONS)
def test_raw_outline_is_closed_and_valid(raw_places: dict, place_id: str) -> None:
    geometry = raw_places[place_id]["geometry"]
    assert geometry["type"] == "Polygon"
    for ring in geometry["coordinates"]:
        assert ring[0] == ring[-1], "ring not closed"
        assert len(ring) >= 4
    assert shape(geometry).is_valid
    assert raw_places[place_id]["properties"]["precision"] == "region"


def test_every_place_inside_region_unless_off_map(raw_places: dict) -> None:
    min_lon, min_lat, max_lon, max_lat = REGION_BOX
    for pid, feature in raw_places.items():
        if pid in OFF_MAP:
            continue
        g_min_lon, g_min_lat, g_max_lon, g_max_lat = shape(feature["geometry"]).bounds
        assert min_lon <= g_min_lon and g_max_lon <= max_lon, pid
        assert min_lat <= g_min_lat and g_max_lat <= max_lat, pid


@pytest.mark.parametrize(
    ("point_id", "outline_id"),
    [
        ("daraa_city", "daraa_governorate"),
        ("suwayda_city", "suwayda_governorate"),
        ("tell_al_hara", "daraa_governorate"),
        ("quneitra_town", "undof_area_of_separation"),  # the ruined town is inside the zone
    ],
)
def test_outline_contains_its_town(raw_places: dict, point_id: str, outline_id: str) -> None:
    # A swapped pair or a scrambled ring would put these far apart.
    outline = shape(raw_places[outline_id]["geometry"])
    assert outline.contains(shape(raw_places[point_id]["geometry"]))


def test_outlines_do_not_overlap(raw_places: dict) -> None:
    # The southern governorates, the Golan and the UNDOF area share edges only.
    outlines = {pid: shape(raw_places[pid]["geometry"]) for pid in EXPECTED_POLYGONS}
    ids = sorted(outlines)
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            assert outlines[first].intersection(outlines[second]).area == 0, (first, second)


def test_quneitra_outline_says_why_no_reference_point_is_inside(raw_places: dict) -> None:
    outline = shape(raw_places["quneitra_governorate"]["geometry"])
    points = [shape(f["geometry"]) for f in raw_places.values() if f["geometry"]["type"] == "Point"]
    assert not any(outline.contains(p) for p in points)
    assert (
        "No reference point lies inside it"
        in raw_places["quneitra_governorate"]["properties"]["note"]
    )


def test_undof_zone_borders_but_does_not_overlap_golan(raw_places: dict) -> None:
    golan = shape(raw_places["golan_heights"]["geometry"])
    undof = shape(raw_places["undof_area_of_separation"]["geometry"])
    # They share the Alpha line: touching, with no area in common.
    assert golan.intersection(undof).area < 1e-6
    assert golan.distance(undof) == 0
    assert not golan.contains(Point(35.8239, 33.1256))  # Quneitra town lies east of the line


def test_unknown_positions_are_not_pinned(raw_places: dict) -> None:
    for pid, feature in raw_places.items():
        props = feature["properties"]
        names = [pid, props["name_en"], *(props.get("alt_names") or [])]
        for name in names:
            for unpinned in UNPINNED_NAMES:
                assert unpinned.lower() not in name.lower(), (pid, name)


def test_claims_reference_existing_records(
    raw_places: dict, raw_claims: dict, raw_sources: dict
) -> None:
    ids = [c["id"] for c in raw_claims["claims"]]
    assert len(ids) == len(set(ids)), "duplicate claim ids"
    for claim in raw_claims["claims"]:
        cid = claim["id"]
        assert claim["places"], f"{cid}: no places"
        assert set(claim["places"]) <= set(raw_places), cid
        assert claim["sources"] and set(claim["sources"]) <= set(raw_sources), cid
        if "origin" in claim:
            assert claim["origin"] in raw_places, cid
            assert claim["posture"] == "proposed", f"{cid}: only proposals have an origin"
        assert claim["reported"] <= AS_OF, cid


def test_sources_have_iso_dates_and_web_links_only(raw_sources: dict) -> None:
    for sid, source in raw_sources.items():
        assert source["outlet"].strip(), sid
        assert len(source["date"]) == 10 and source["date"][4] == source["date"][7] == "-", sid
        # Only web links, never javascript: or data: URLs.
        assert source["url"] is None or source["url"].startswith(("http://", "https://")), sid


def test_nine_report_claims(raw_claims: dict) -> None:
    assert raw_claims["as_of"] == AS_OF
    claims = {c["id"]: c for c in raw_claims["claims"]}
    report = {cid for cid, c in claims.items() if c.get("role", "report") == "report"}
    assert report == set(EXPECTED_REPORT_CLAIMS)
    for cid, (status, posture) in EXPECTED_REPORT_CLAIMS.items():
        claim = claims[cid]
        assert (claim["status"], claim["posture"]) == (status, posture), cid
        assert claim["reported"] == REPORT_DATE, cid


def test_report_claim_details(raw_claims: dict) -> None:
    claims = {c["id"]: c for c in raw_claims["claims"]}
    south = claims["c05-military-police-south"]
    # The report says only "southern Syria": the outlines stand for the area meant.
    assert set(south["places"]) == SOUTHERN_GOVERNORATES
    assert "names no province" in south["summary"]
    # The report speaks only of areas near Qamishli: Amuda is not in this claim.
    assert claims["c07-qamishli-oversight"]["places"] == ["qamishli"]
    golan = claims["c06-israeli-activity-golan"]
    assert set(golan["places"]) == {"golan_heights", "undof_area_of_separation"}
    assert golan["actors"] == ["israel"]
    assert "not commented" in claims["c08-assad-extradition"]["attribution"]
    assert set(claims["c09-summit-postponed"]["actors"]) == {"arab_states", "russia"}
    for cid in ("c02-tartus-access", "c03-khmeimim-access"):
        assert "report" in claims[cid]["claimant"].lower()
        assert "reading" in claims[cid]["attribution"]
    # c04: Russia fights terrorism in Syria, not "there" in Russia.
    assert (
        "Syrian fight against terrorism" in claims["c04-reconstruction-counterterrorism"]["summary"]
    )
    # c06 sits in the unnamed-source sentence; it must not say "no source named".
    assert "no source named" not in claims["c06-israeli-activity-golan"]["attribution"]


def test_no_origin_arrow_without_a_source_naming_it(raw_claims: dict) -> None:
    # No source on record names where a southern deployment (or the patrols of
    # August 2025, or the Qamishli oversight) would come from.
    for claim in raw_claims["claims"]:
        if "origin" in claim:
            assert claim.get("origin_source") in claim["sources"], claim["id"]
            assert claim.get("origin_note"), claim["id"]
    origins = {c["id"] for c in raw_claims["claims"] if "origin" in c}
    assert not origins & {
        "c05-military-police-south",
        "c07-qamishli-oversight",
        "ctx-2025-mp-patrols-request",
    }


def test_report_items_are_credited_to_an_unidentified_outlet(
    raw_claims: dict, raw_sources: dict
) -> None:
    report_source = raw_sources[REPORT_SOURCE]
    assert report_source["outlet_known"] is False
    assert "not identified" in report_source["outlet"]
    claims = {c["id"]: c for c in raw_claims["claims"]}
    for cid in EXPECTED_REPORT_CLAIMS:
        assert REPORT_SOURCE in claims[cid]["sources"], cid
    citing_reuters = {cid for cid, c in claims.items() if REUTERS_DAWN in c["sources"]}
    assert citing_reuters == REUTERS_DAWN_CLAIMS


def test_known_source_links_are_on_record(raw_sources: dict) -> None:
    for sid, prefix in KNOWN_URLS.items():
        assert (raw_sources[sid]["url"] or "").startswith(prefix), sid


def test_undated_ends_start_in_the_posture_they_had(raw_claims: dict) -> None:
    claims = {c["id"]: c for c in raw_claims["claims"]}
    for cid in UNDATED_ENDS:
        history = claims[cid]["history"]
        assert history[0]["posture"] in ("current", "proposed"), cid
        assert history[-1] == {**history[-1], "date": "unknown", "posture": "former"}, cid
    # Kobani rests on one outlet with an approximate date: reported, not confirmed.
    assert claims["ctx-2019-kobani-military-police"]["status"] == "reported"


def test_scenes_say_only_what_the_data_supports() -> None:
    briefing = _read("briefings/moscow-meeting.json")
    scenes = briefing["scenes"]
    bases = " ".join(scenes[0]["talking_points"])
    assert "reported, not stated" in bases
    qamishli = " ".join(scenes[2]["talking_points"])
    assert "Amuda and Kobani were former" not in qamishli
    assert "no source dates" in qamishli
    after = " ".join(scenes[3]["talking_points"])
    assert "26 January 2026, the latest date in this data" in after


def test_names_in_the_three_scripts(raw_places: dict) -> None:
    for pid in ("amuda", "golan_heights", "moscow_kremlin"):
        assert raw_places[pid]["properties"]["name_ar"], pid
    for pid in (*SOUTHERN_GOVERNORATES, "daraa_city", "suwayda_city", "quneitra_town"):
        assert raw_places[pid]["properties"]["name_ru"], pid


def test_khmeimim_note_matches_its_distance_from_jableh(raw_places: dict) -> None:
    base = shape(raw_places["khmeimim_air_base"]["geometry"])
    town = shape(raw_places["jableh"]["geometry"])
    km_per_degree = 111.2
    dx = (base.x - town.x) * km_per_degree * 0.8155  # cos(35.4 degrees)
    dy = (base.y - town.y) * km_per_degree
    distance = (dx**2 + dy**2) ** 0.5
    assert 5.5 < distance < 6.5
    assert (
        "about 6 km north-north-east of Jableh"
        in raw_places["khmeimim_air_base"]["properties"]["note"]
    )


@pytest.mark.parametrize("dates", CONTEXT_DATES, ids=lambda d: "/".join(d))
def test_every_context_date_has_a_claim(raw_claims: dict, dates: tuple[str, ...]) -> None:
    reported = {c["reported"] for c in raw_claims["claims"] if c.get("role") == "context"}
    assert reported & set(dates), f"no context claim reported on {dates}"


def test_former_positions_are_former(raw_claims: dict) -> None:
    claims = {c["id"]: c for c in raw_claims["claims"]}
    for place_id in ("amuda", "kobani", "tell_al_hara"):
        postures = {c["posture"] for c in claims.values() if place_id in c["places"]}
        assert "former" in postures, place_id
    withdrawal = [
        c for c in claims.values() if "qamishli_airport" in c["places"] and c["reported"] == AS_OF
    ]
    assert withdrawal and all(c["posture"] == "former" for c in withdrawal)
    assert all(c["status"] == "confirmed" for c in withdrawal)
    # Each former claim dates its end, or says the date is unknown.
    for claim in claims.values():
        if claim["posture"] == "former":
            assert any(h.get("posture") == "former" for h in claim.get("history", [])), claim["id"]
