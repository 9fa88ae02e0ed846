"""The map's own outline geography (briefmap/drawing/outlines.py, web/outlines.json).

Its script is tested under Node (tests/js/outlines.test.js) and in a browser
with the tiles blocked (tests/browser/test_browser_offline.py).
"""

from __future__ import annotations

from pathlib import Path

import shapely
from shapely.geometry import box, shape

from briefmap.data.schema import Catalog
from briefmap.drawing import html_export, mapping, outlines
from briefmap.drawing.assets import web_text
from briefmap.drawing.branca_internals import children_of
from briefmap.engine.catalog_arrays import place_table
from briefmap.engine.query import ClaimFilter, select

REPO = Path(__file__).resolve().parent.parent
SYRIA = box(35.5, 32.3, 42.4, 37.4)


def _kinds() -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for feature in outlines.outlines()["features"]:
        found.setdefault(feature["properties"]["k"], []).append(feature)
    return found


def test_the_outlines_are_light_and_credit_their_sources() -> None:
    text = web_text(outlines.OUTLINES_FILE)
    assert len(text.encode()) < 100_000
    attribution = outlines.outlines()["attribution"]
    assert "Natural Earth" in attribution
    assert "GeoNames" in attribution
    # The script that made them is in the repository, as the file says.
    assert (REPO / "scripts" / "build_outlines.py").is_file()


def test_there_are_coasts_borders_governorates_and_cities_around_syria() -> None:
    kinds = _kinds()
    assert set(kinds) == {"coast", "border", "admin1", "city"}
    for kind in ("coast", "border", "admin1"):
        near = [f for f in kinds[kind] if shape(f["geometry"]).intersects(SYRIA)]
        assert near, f"no {kind} line near Syria"
    # Syria's governorate lines only: none reaches far into Turkey or Iraq.
    for feature in kinds["admin1"]:
        assert SYRIA.buffer(0.5).contains(shape(feature["geometry"])), feature
    names = {f["properties"]["n"] for f in kinds["city"]}
    assert {"Damascus", "Aleppo", "Homs", "Beirut", "Amman", "Moscow"} <= names
    # The Mediterranean coast runs past Latakia.
    coast = shapely.union_all([shape(f["geometry"]) for f in kinds["coast"]])
    assert coast.distance(shapely.Point(35.78, 35.52)) < 0.05


def test_the_base_map_carries_the_outlines_off_by_default(real_catalog: Catalog) -> None:
    fmap = mapping.build_base_map(real_catalog)
    groups = [c for c in children_of(fmap) if getattr(c, "layer_name", None) == "Outline geography"]
    assert len(groups) == 1
    assert groups[0].show is False  # shown by its script when the tiles fail, or by the user
    page = fmap.get_root().render()
    assert page.count(web_text("outlines.js")) == 1
    assert outlines.BASEMAP_UNAVAILABLE in page


def test_the_offline_export_carries_the_outlines(real_catalog: Catalog) -> None:
    html = html_export.standalone_html(real_catalog, select(real_catalog, ClaimFilter()), "t")
    assert web_text("outlines.js") in html
    assert '"attribution":"Outlines: Natural Earth' in html


def test_a_city_the_data_has_a_place_on_keeps_only_its_dot(real_catalog: Catalog) -> None:
    features = outlines.outlines()["features"]
    hidden = {
        features[i]["properties"]["n"]
        for i in outlines.cities_named_by_data(real_catalog.index.places)
    }
    assert {"Latakia", "Tartus", "Damascus"} <= hidden
    assert "Aleppo" not in hidden  # no place of the data there
    assert outlines.cities_named_by_data(place_table({})) == ()
