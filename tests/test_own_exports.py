"""The user's own layer in exports: drawn and marked in the HTML map, apart in its GeoJSON.

Read back, the GeoJSON is the user's own layer again, never claims.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import geopandas as gpd
import pyogrio
from test_own_layer import HOSTILE, MY_MAPS

from briefmap.data.gis_files import geopackage_layers
from briefmap.data.loader import load_catalog
from briefmap.data.own_layer import OWN_LAYER_MARK, OwnLayer
from briefmap.data.schema import Catalog
from briefmap.data.uploads import load_uploaded_files
from briefmap.drawing.gis_exports import geopackage, kmz
from briefmap.drawing.html_export import standalone_html
from briefmap.drawing.own_exports import own_geojson
from briefmap.drawing.own_layer_map import OWN_LEGEND_TEXT
from briefmap.engine.query import ClaimFilter, select

# A drawn own feature's class in the map's script (the page's CSS names bm-own too).
DRAWN = '"className": "bm-own '


def _own(real_catalog: Catalog) -> OwnLayer:
    (layer,) = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog).own_layers
    return layer


def test_the_html_map_draws_the_own_layer_marked(real_catalog: Catalog) -> None:
    layer = _own(real_catalog)
    selection = select(real_catalog, ClaimFilter())
    page = standalone_html(real_catalog, selection, "Brief", own_layers=[layer])
    assert page.count("L.polygon(") >= 1 and "bm-own-linestring" in page
    head = page[page.index("<header") : page.index("</header>")]
    assert "Your layer: Field trip, 3 features (your data — not sourced claims)" in head, head
    assert OWN_LEGEND_TEXT.replace("—", "\\u2014") in page or OWN_LEGEND_TEXT in page
    assert HOSTILE not in page
    # Without one, nothing of it.
    plain = standalone_html(real_catalog, selection, "Brief")
    assert DRAWN not in plain and OWN_LAYER_MARK not in plain
    assert DRAWN in page


def test_the_own_layers_geojson_is_apart_named_and_reads_back_as_the_users_own(
    real_catalog: Catalog,
) -> None:
    layer = _own(real_catalog)
    text = own_geojson([layer])
    collection = json.loads(text)
    assert collection["name"] == OWN_LAYER_MARK
    assert len(collection["features"]) == len(layer.features)
    kinds = {f["geometry"]["type"] for f in collection["features"]}
    assert {"GeometryCollection", "LineString", "Polygon"} <= kinds
    route = next(f for f in collection["features"] if f["properties"]["name"] == "Patrol & route")
    assert route["properties"]["folder"] == "Routes"
    assert route["properties"]["source_file"] == "trip.kml"
    # Uploaded again: the user's own layer, every feature, and no claim.
    result = load_uploaded_files([("back.geojson", text.encode())], base=real_catalog)
    assert len(result.catalog.claims) == 0 and not result.errors
    (again,) = result.own_layers
    assert len(again.features) == len(layer.features)
    assert {f.name for f in again.features} == {f.name for f in layer.features}


def test_the_kmz_has_the_own_layer_in_a_folder_apart_read_back_as_the_users_own(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    layer = _own(real_catalog)
    selection = select(real_catalog, ClaimFilter())
    raw = kmz(real_catalog, selection, [layer])
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        root = ET.fromstring(archive.read("doc.kml"))  # noqa: S314 - our own export
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    (mine,) = [
        f
        for f in root.iterfind("k:Document/k:Folder", ns)
        if f.findtext("k:name", "", ns) == OWN_LAYER_MARK
    ]
    marks = mine.findall(".//k:Placemark", ns)
    assert len(marks) == len(layer.features)
    names = {m.findtext("k:name", "", ns) for m in marks}
    assert "Patrol &amp; route" in names  # escaped: Google Earth's balloon is HTML
    assert all(HOSTILE not in ET.tostring(m, encoding="unicode") for m in marks)
    assert [f.findtext("k:name", "", ns) for f in mine.iterfind(".//k:Folder", ns)][:2] == [
        "Field trip",
        "Routes",
    ]
    # Read back: the briefing's places as exported, none of the user's features
    # among them; and the user's features as their own layer again, not lost.
    plain = load_uploaded_files([("b.kmz", kmz(real_catalog, selection))], base=real_catalog)
    back = load_uploaded_files([("b.kmz", raw)], base=real_catalog)
    assert len(back.catalog.places) == len(plain.catalog.places) > 0
    assert len(back.catalog.claims) == len(plain.catalog.claims)
    assert len(back.errors) == len(plain.errors) and not plain.own_layers
    (again,) = back.own_layers
    assert again.name == layer.name and again.source_file == "b.kmz"
    assert [sub.path for sub in again.sublayers] == [sub.path for sub in layer.sublayers]
    for before, after in zip(layer.features, again.features, strict=True):
        assert after.name == before.name  # unescaped again: the file's own text
        assert after.folder == before.folder
        assert after.geometry.equals(before.geometry)
        # The export wrote the description as text, its links after it.
        assert after.description_text.startswith(before.description_text)
        assert after.links == before.links
        assert set(after.properties) == set(before.properties)
        assert {k: v for k, v in after.properties.items() if k != "description"} == {
            k: v for k, v in before.properties.items() if k != "description"
        }
    # The command line's reading says so, as the app's does.
    path = tmp_path / "b.kmz"
    path.write_bytes(raw)
    assert "3 features read as your own layer" in load_catalog(path).report()


def test_the_geopackage_has_the_own_layer_apart_read_back_as_the_users_own(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    layer = _own(real_catalog)
    selection = select(real_catalog, ClaimFilter())
    raw = geopackage(real_catalog, selection, [layer])
    path = tmp_path / "export.gpkg"
    path.write_bytes(raw)
    assert OWN_LAYER_MARK in {str(name) for name, _ in pyogrio.list_layers(path)}
    mine = gpd.read_file(path, layer=OWN_LAYER_MARK)
    assert len(mine) == len(layer.features)
    assert set(mine["briefmap_drawing"]) == {"own"}
    route = mine[mine["name"] == "Patrol & route"].iloc[0]
    assert route["folder"] == "Routes" and route["source_file"] == "trip.kml"
    assert "https://example.org/report?id=1&x=2" in route["links"]
    # Read back: the briefing's places and claims as exported; the own layer is no
    # layer of places to choose, and none of it is a claim: it is the user's own
    # layer again, not lost.
    plain = load_uploaded_files(
        [("b.gpkg", geopackage(real_catalog, selection))], base=real_catalog
    )
    back = load_uploaded_files([("b.gpkg", raw)], base=real_catalog)
    assert len(back.catalog.claims) == len(plain.catalog.claims) > 0
    assert len(back.catalog.places) == len(plain.catalog.places)
    assert len(back.errors) == len(plain.errors) and not plain.own_layers
    assert OWN_LAYER_MARK not in geopackage_layers(raw).names
    (again,) = back.own_layers
    assert again.name == "trip" and again.source_file == "b.gpkg"
    assert [sub.path for sub in again.sublayers] == [sub.path for sub in layer.sublayers]
    for before, after in zip(layer.features, again.features, strict=True):
        assert (after.name, after.folder, after.links) == (
            before.name,
            before.folder,
            before.links,
        )
        assert after.geometry.equals(before.geometry)
        assert after.description_text.startswith(before.description_text)
        assert {k: v for k, v in after.properties.items() if k != "description"} == {
            k: v for k, v in before.properties.items() if k != "description"
        }
