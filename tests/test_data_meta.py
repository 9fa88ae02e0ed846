"""The data set's own metadata (briefmap.json): title, region of interest and actors.

A data folder with more actors than the first subject's six loads, filters and
draws them in their own colours; a bad briefmap.json gets located errors, and
what it lacks is taken from the data; claims and places are checked against
the data's own actors and region; bundles carry the metadata.
(tests/test_data_defaults.py: data sets without a briefmap.json.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import canvas_reading
import pytest
from app_runs import open_app
from shipped import SHIPPED_META

from briefmap.app.session import Form
from briefmap.data.loader import LoadResult, load_catalog
from briefmap.data.meta import derived_meta, meta_json, read_meta, region_around
from briefmap.data.schema import (
    CLAIMS_FILE,
    META_FILE,
    PLACES_FILE,
    UNKNOWN_ACTOR_COLOUR,
    ClaimStatus,
)
from briefmap.data.uploads import load_upload
from briefmap.drawing.bulk import build_bulk_layers
from briefmap.drawing.canvas_payload import layer_payload_of
from briefmap.drawing.exports import bundle_json
from briefmap.drawing.mapping import build_map, plan_features
from briefmap.drawing.symbology import legend_html
from briefmap.engine.catalog_arrays import LAYERS, actor_ids_of
from briefmap.engine.query import ClaimFilter, select
from briefmap.engine.tables import claims_table

NEW_ACTORS = [
    {"id": "turkey", "name_en": "Turkey", "name_ar": "تركيا", "colour": "#a6761d"},
    {"id": "iran", "name_en": "Iran", "name_ru": "Иран", "colour": "#7570B3"},
    {"id": "usa", "name_en": "United States", "colour": "#666600"},
]


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")


def _meta(data: Path) -> dict[str, Any]:
    return _read(data / META_FILE)


def _claims_for_new_actors(data: Path) -> dict[str, str]:
    """Give three reported claims one new actor each; their ids by actor."""
    claims = _read(data / CLAIMS_FILE)
    weak = [
        c
        for c in claims["claims"]
        if c["status"] in (ClaimStatus.REPORTED.value, ClaimStatus.UNVERIFIED.value)
    ]
    given = {}
    for claim, actor in zip(weak, ("turkey", "iran", "usa"), strict=False):
        claim["actors"] = [actor]
        given[actor] = claim["id"]
    assert len(given) == 3, "the real data has three reported or unverified claims"
    _write(data / CLAIMS_FILE, claims)
    return given


@pytest.fixture
def nine_actors(data_copy: Path) -> tuple[LoadResult, dict[str, str]]:
    meta = _meta(data_copy)
    meta["actors"] += NEW_ACTORS
    _write(data_copy / META_FILE, meta)
    given = _claims_for_new_actors(data_copy)
    return load_catalog(data_copy), given


def test_the_real_data_has_its_briefmap_json_values(real_catalog: Any) -> None:
    assert real_catalog.meta == SHIPPED_META
    assert len(SHIPPED_META.actors) == 6


def test_a_folder_without_briefmap_json_speaks_for_itself(
    data_copy: Path, real_catalog: Any
) -> None:
    (data_copy / META_FILE).unlink()
    result = load_catalog(data_copy)
    assert result.ok, result.report()
    meta = result.catalog.meta
    assert meta.title == "Geodata"  # the folder's name
    assert meta.subtitle == ""
    assert meta.region == region_around(real_catalog.places.values())
    assert set(meta.actor_ids) == set(SHIPPED_META.actor_ids)  # all six are cited
    assert result.catalog.claims == real_catalog.claims


def test_nine_actors_load_filter_and_draw_in_their_colours(
    nine_actors: tuple[LoadResult, dict[str, str]],
) -> None:
    result, given = nine_actors
    assert result.ok, result.report()
    catalog = result.catalog
    assert catalog.meta.actor_ids[-3:] == ("turkey", "iran", "usa")
    assert len(actor_ids_of(catalog)) == 9
    for actor, claim_id in given.items():
        flt = ClaimFilter(actors=frozenset({actor}))
        # The index's arrays and the plain walk agree, beyond 8 actors too.
        assert [c.id for c in catalog.index.select(flt).claims] == [claim_id]
        assert [c.id for c in select(catalog, flt).claims] == [claim_id]
    everything = catalog.index.select(ClaimFilter())
    legend = legend_html(plan_features(catalog, everything))
    for spec in NEW_ACTORS:
        assert spec["name_en"] in legend
        assert spec["colour"].upper() in legend
    # The legend lists actors in the data's order.
    assert legend.index("Russia") < legend.index("Turkey") < legend.index("Iran")
    # Markers: each new actor's claim is drawn in its colour (the stroke of its symbol).
    html = build_map(catalog, everything).get_root().render()
    canvas = build_map(catalog, everything, layers=build_bulk_layers).get_root().render()
    for spec in NEW_ACTORS:
        assert f'stroke=\\"{spec["colour"].upper()}\\"' in html or (
            f'stroke="{spec["colour"].upper()}"' in html
        )
        assert spec["colour"].upper() in canvas
    # Canvas: the payloads' styles carry the new colours.
    index = catalog.index
    plan = index.plan(everything)
    drawn = {
        feature["style"][0]
        for layer in LAYERS
        for feature in canvas_reading.decode(
            layer_payload_of(catalog, layer, index.places, index.claims, plan)[0]
        )
    }
    assert {spec["colour"].upper() for spec in NEW_ACTORS} <= drawn
    table = claims_table(catalog, everything)
    assert "United States" in set(table["Actors"])


def test_nine_actors_in_the_link_and_the_sidebar(
    nine_actors: tuple[LoadResult, dict[str, str]],
) -> None:
    catalog = nine_actors[0].catalog
    form = Form.of(catalog)
    assert form.actor_ids == catalog.meta.actor_ids
    assert form.actor_label("usa") == "United States"
    state, notices = form.parse({"actor": "usa,iran,martians"})
    assert state.claim_filter.actors == {"usa", "iran"}
    assert notices == ["Ignored unknown actor 'martians' in the link."]
    assert form.params(state) == {"actor": "iran,usa"}
    assert form.parse(form.params(state))[0] == state


def test_a_bundle_carries_the_metadata(
    nine_actors: tuple[LoadResult, dict[str, str]], tmp_path: Path
) -> None:
    catalog = nine_actors[0].catalog
    path = tmp_path / "bundle.geojson"
    path.write_text(bundle_json(catalog, catalog.index.select(ClaimFilter())), encoding="utf-8")
    again = load_catalog(path)
    assert again.ok, again.report()
    assert again.catalog.meta == catalog.meta
    assert again.catalog.claims == catalog.claims


def test_an_old_bundle_without_metadata_speaks_for_itself(
    real_catalog: Any, tmp_path: Path
) -> None:
    payload = json.loads(bundle_json(real_catalog, real_catalog.index.select(ClaimFilter())))
    del payload["briefmap"]["meta"]
    path = tmp_path / "old_bundle.geojson"
    _write(path, payload)
    again = load_catalog(path)
    assert again.ok, again.report()
    assert again.catalog.meta.title == "Old bundle"  # the file's name
    assert again.catalog.meta.region == region_around(real_catalog.places.values())
    assert set(again.catalog.meta.actor_ids) == set(SHIPPED_META.actor_ids)


def test_uploads_use_the_base_catalogs_actors(
    nine_actors: tuple[LoadResult, dict[str, str]],
) -> None:
    base = nine_actors[0].catalog
    claim = next(iter(_read_claims_json(base)))

    def upload(actors: list[str]) -> LoadResult:
        record = {**claim, "id": "u1", "actors": actors}
        return load_upload({CLAIMS_FILE: json.dumps({"claims": [record]}).encode()}, base)

    ok = upload(["turkey"])
    assert ok.ok, ok.report()
    assert ok.catalog.meta == base.meta
    bad = upload(["martians"])
    (issue,) = bad.issues
    assert (issue.file, issue.record, issue.field) == (CLAIMS_FILE, "u1", "actors")
    assert "unknown value 'martians'; allowed: russia, syria" in issue.message
    assert issue.message.endswith("turkey, iran, usa")


def _read_claims_json(catalog: Any) -> list[dict[str, Any]]:
    """The catalog's reported claims as claims.json records (from a bundle)."""
    payload = json.loads(bundle_json(catalog, catalog.index.select(ClaimFilter())))
    return [c for c in payload["briefmap"]["claims"] if c["status"] == "reported"]


def test_a_bad_briefmap_json_gives_located_errors_and_the_datas_own(data_copy: Path) -> None:
    meta = _meta(data_copy)
    meta["colours"] = "okabe-ito"  # unknown field
    meta["region_of_interest"] = {"west": 42.5, "south": 37.5, "east": 35.55, "north": 32.2}
    meta["actors"] += [
        {"id": "turkey", "name_en": "Turkey", "colour": "red"},  # bad colour
        {"id": "russia", "name_en": "Russia again", "colour": "#000000"},  # duplicate id
    ]
    _write(data_copy / META_FILE, meta)
    result = load_catalog(data_copy)
    located = {(i.file, i.record, i.field) for i in result.issues}
    assert located == {
        (META_FILE, "-", "colours"),
        (META_FILE, "-", "region_of_interest.west"),
        (META_FILE, "-", "region_of_interest.south"),
        (META_FILE, "turkey", "colour"),
        (META_FILE, "russia", "id"),
    }, result.report()
    messages = " | ".join(i.message for i in result.issues)
    assert "'red' is not a colour in the form #RRGGBB" in messages
    assert "42.5 is not west of east (35.55)" in messages
    assert "duplicate id" in messages
    assert "unknown field" in messages
    # The rest loads: the region the places span, the valid actors, every place and claim.
    catalog = result.catalog
    real = load_catalog(Path(__file__).resolve().parent.parent / "geodata").catalog
    assert catalog.meta.region == region_around(real.places.values())
    assert catalog.meta.title == SHIPPED_META.title
    # The duplicate is left out; the actor with a bad colour is kept, grey.
    assert catalog.meta.actor_ids == (*SHIPPED_META.actor_ids, "turkey")
    assert catalog.meta.actor("russia").label == "Russia"
    assert catalog.meta.actor("turkey").colour == UNKNOWN_ACTOR_COLOUR
    assert catalog.claims == real.claims and set(catalog.places) == set(real.places)


@pytest.mark.parametrize(
    ("region", "field", "fragment"),
    [
        ({"west": -200, "south": 0, "east": 10, "north": 10}, "west", "outside -180..180"),
        ({"west": 0, "south": 0, "east": 10, "north": 91}, "north", "outside -90..90"),
        ({"west": 0, "south": 0, "east": 10}, "north", "must be a number"),
        ({"west": 0, "south": 5, "east": 10, "north": 5}, "south", "is not south of north"),
        ([0, 0, 10, 10], None, "must be an object"),
    ],
)
def test_region_sanity_checks(
    data_copy: Path, region: Any, field: str | None, fragment: str
) -> None:
    meta = _meta(data_copy)
    meta["region_of_interest"] = region
    _write(data_copy / META_FILE, meta)
    result = load_catalog(data_copy)
    (issue,) = result.issues
    expected = "region_of_interest" + (f".{field}" if field else "")
    assert (issue.file, issue.record, issue.field) == (META_FILE, "-", expected)
    assert fragment in issue.message
    assert result.catalog.meta.region == region_around(result.catalog.places.values())


def test_a_claim_citing_an_actor_not_in_the_data_is_located(data_copy: Path) -> None:
    claims = _read(data_copy / CLAIMS_FILE)
    target = claims["claims"][1]
    target["actors"] = ["russia", "turkey"]
    _write(data_copy / CLAIMS_FILE, claims)
    result = load_catalog(data_copy)
    (issue,) = result.issues
    assert (issue.file, issue.record, issue.field) == (CLAIMS_FILE, target["id"], "actors")
    allowed = ", ".join(SHIPPED_META.actor_ids)
    assert issue.message == f"unknown value 'turkey'; allowed: {allowed}"
    assert target["id"] not in result.catalog.claims


def test_the_region_check_uses_the_datas_region(data_copy: Path) -> None:
    meta = _meta(data_copy)
    # Only the north-east: the coast is now outside the region.
    meta["region_of_interest"] = {"west": 38.0, "south": 34.0, "east": 42.5, "north": 37.5}
    _write(data_copy / META_FILE, meta)
    result = load_catalog(data_copy)
    outside = [i for i in result.issues if i.file == PLACES_FILE]
    assert outside
    assert "tartus_naval_facility" in {i.record for i in outside}
    assert all(i.field == "geometry" for i in outside)
    assert all("(lon 38.0..42.5, lat 34.0..37.5)" in i.message for i in outside)
    # And a region that takes in the coast and Moscow: no place is outside it.
    meta["region_of_interest"] = {"west": 30.0, "south": 30.0, "east": 45.0, "north": 60.0}
    _write(data_copy / META_FILE, meta)
    wide = load_catalog(data_copy)
    assert wide.ok, wide.report()


def test_meta_json_round_trips(real_catalog: Any) -> None:
    from briefmap.data.validate import Collector

    out = Collector(META_FILE)
    given = read_meta(meta_json(real_catalog.meta), out)
    assert derived_meta(given, "any name", (), ()) == real_catalog.meta
    assert out.issues == []


def test_the_map_page_takes_its_title_and_actors_from_the_data(
    nine_actors: tuple[LoadResult, dict[str, str]],
    data_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    from briefmap.app import streamlit_internals

    meta = _meta(data_copy)
    meta["title"] = "Turkey, Iran and the United States in Syria"
    meta["subtitle"] = "A test subject."
    _write(data_copy / META_FILE, meta)
    monkeypatch.setenv("BRIEFMAP_DATA", str(data_copy))
    repo = Path(__file__).resolve().parent.parent
    with streamlit_internals.navigation_only():
        at = open_app(app=repo / "app.py")
    assert not at.exception, at.exception
    assert at.title[0].value.replace("\\", "") == meta["title"]
    assert at.caption[0].value.replace("\\", "").startswith("A test subject. Data as of ")
    actors = at.sidebar.multiselect(key="filter_actors")
    assert actors.options[-3:] == ["Turkey", "Iran", "United States"]
    assert actors.value == []  # empty: every actor, the data's new ones too


def test_an_actor_with_a_bad_colour_keeps_its_claims(data_copy: Path) -> None:
    meta = _meta(data_copy)
    meta["actors"][0]["colour"] = "orange"
    _write(data_copy / META_FILE, meta)
    result = load_catalog(data_copy)
    (issue,) = result.issues
    assert (issue.file, issue.record, issue.field) == (META_FILE, "russia", "colour")
    real = load_catalog(Path(__file__).resolve().parent.parent / "geodata").catalog
    assert result.catalog.claims == real.claims
    assert result.catalog.meta.actor("russia").colour == UNKNOWN_ACTOR_COLOUR
