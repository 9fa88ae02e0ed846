"""Files other tools write load as the user's own layer (issue 26, first part).

Each file is made here, the way its tool writes it by the format's
specification: a Google My Maps KML (folders, shared styles through a
StyleMap, a line, a polygon with a hole, a MultiGeometry, an HTML balloon), a
QGIS GeoPackage with a point, a line and a polygon layer, a geojson.io and a
uMap GeoJSON, spreadsheets with coordinates. Each goes through the upload
path and through ``python -m briefmap validate``.
"""

from __future__ import annotations

import io
import json
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from briefmap.__main__ import main
from briefmap.data import uploads
from briefmap.data.gis_files import geopackage_layers
from briefmap.data.loader import load_catalog
from briefmap.data.own_csv import read_own_csv
from briefmap.data.own_layer import OWN_LAYER_MARK, OwnLayer, describe_own_layer, description_parts
from briefmap.data.schema import Catalog
from briefmap.data.uploads import describe, load_uploaded_files
from briefmap.data.validate import Collector

HOSTILE = '<img src=x onerror="alert(1)">'

MY_MAPS = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Field trip</name>
    <description/>
    <Style id="line-1267FF-5000-normal">
      <LineStyle><color>ffff6712</color><width>5</width></LineStyle>
    </Style>
    <Style id="line-1267FF-5000-highlight">
      <LineStyle><color>ffff6712</color><width>7.5</width></LineStyle>
    </Style>
    <StyleMap id="line-1267FF-5000">
      <Pair><key>normal</key><styleUrl>#line-1267FF-5000-normal</styleUrl></Pair>
      <Pair><key>highlight</key><styleUrl>#line-1267FF-5000-highlight</styleUrl></Pair>
    </StyleMap>
    <Style id="poly-000000-1200-77-normal">
      <LineStyle><color>ff000000</color><width>1.2</width></LineStyle>
      <PolyStyle><color>4d000000</color><fill>1</fill><outline>1</outline></PolyStyle>
    </Style>
    <StyleMap id="poly-000000-1200-77">
      <Pair><key>normal</key><styleUrl>#poly-000000-1200-77-normal</styleUrl></Pair>
      <Pair><key>highlight</key><styleUrl>#poly-000000-1200-77-normal</styleUrl></Pair>
    </StyleMap>
    <Folder>
      <name>Routes</name>
      <Placemark>
        <name>Patrol &amp; route</name>
        <description><![CDATA[Seen at <b>dawn</b><br><script>alert("run")</script>
          <a href="https://example.org/report?id=1&amp;x=2">report</a>
          <a href="javascript:alert(2)">click</a>]]></description>
        <styleUrl>#line-1267FF-5000</styleUrl>
        <LineString>
          <tessellate>1</tessellate>
          <coordinates>
            36.1,34.1,0
            36.2,34.2,0
            36.3,34.25,0
          </coordinates>
        </LineString>
      </Placemark>
      <Folder>
        <name>Areas</name>
        <Placemark>
          <name>{HOSTILE.replace("<", "&lt;").replace(">", "&gt;")}</name>
          <styleUrl>#poly-000000-1200-77</styleUrl>
          <ExtendedData>
            <Data name="status"><value>confirmed</value></Data>
            <Data name="actor"><value>north</value></Data>
          </ExtendedData>
          <Polygon>
            <outerBoundaryIs><LinearRing><coordinates>
              36,34,0 36.5,34,0 36.5,34.5,0 36,34.5,0 36,34,0
            </coordinates></LinearRing></outerBoundaryIs>
            <innerBoundaryIs><LinearRing><coordinates>
              36.1,34.1,0 36.2,34.1,0 36.2,34.2,0 36.1,34.2,0 36.1,34.1,0
            </coordinates></LinearRing></innerBoundaryIs>
          </Polygon>
        </Placemark>
      </Folder>
    </Folder>
    <Folder>
      <name>Sites</name>
      <Placemark>
        <name>Two spots</name>
        <Style><IconStyle><color>ff0000ff</color></IconStyle></Style>
        <ExtendedData>
          <SchemaData schemaUrl="#s1"><SimpleData name="count">2</SimpleData></SchemaData>
        </ExtendedData>
        <MultiGeometry>
          <Point><coordinates>40,35</coordinates></Point>
          <LineString><coordinates>40,35 41,35</coordinates></LineString>
        </MultiGeometry>
      </Placemark>
      <Placemark>
        <name>Off the globe</name>
        <Point><coordinates>36,95</coordinates></Point>
      </Placemark>
      <Placemark><name>No shape</name></Placemark>
    </Folder>
  </Document>
</kml>
""".encode()


def _validated(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(["validate", str(path)])
    return status, capsys.readouterr().out


def _located(result) -> list[tuple[str, str, str]]:
    return [(i.file, i.record, i.field) for i in result.issues]


def _by_name(layer: OwnLayer) -> dict[str, object]:
    return {f.name: f for f in layer.features}


# ---------------------------------------------------------------------- KML


def test_a_my_maps_kml_loads_whole_as_the_users_own_layer(real_catalog: Catalog) -> None:
    result = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog)
    (layer,) = result.own_layers
    assert (layer.name, layer.source_file, layer.records) == ("Field trip", "trip.kml", 5)
    assert [s.path for s in layer.sublayers] == [("Routes",), ("Routes", "Areas"), ("Sites",)]
    features = _by_name(layer)
    route = features["Patrol & route"]
    assert route.geometry.geom_type == "LineString" and route.folder == ("Routes",)
    # The StyleMap's normal style, KML's aabbggrr read as #rrggbb.
    assert (route.style.line_colour, route.style.line_width) == ("#1267ff", 5.0)
    # The balloon's HTML reduced to text and its http(s) links; the script never text.
    assert route.description_text.startswith("Seen at dawn")
    assert "alert" not in route.description_text and "run" not in route.description_text
    assert route.links == ("https://example.org/report?id=1&x=2",)
    area = features[HOSTILE]  # a hostile name stays text, as written
    assert area.geometry.geom_type == "Polygon" and len(area.geometry.interiors) == 1
    assert area.folder == ("Routes", "Areas")
    assert (area.style.fill_colour, area.style.fill_opacity, area.style.filled) == (
        "#000000",
        0.302,
        True,
    )
    # Every original column kept as text, for the later column-to-claim step.
    assert area.properties["status"] == "confirmed" and area.properties["actor"] == "north"
    spots = features["Two spots"]
    assert spots.geometry.geom_type == "GeometryCollection"
    assert spots.properties["count"] == "2" and spots.style.icon_colour == "#ff0000"
    # The placemarks that cannot be drawn are named; the rest loads, no claim is made.
    assert _located(result) == [
        ("trip.kml", "#4 Off the globe", "geometry"),
        ("trip.kml", "#5 No shape", "geometry"),
    ]
    assert "latitude 95" in result.issues[0].message
    assert not result.catalog.claims


def test_a_plain_kml_of_name_status_actor_loads_without_convention_errors(
    real_catalog: Catalog,
) -> None:
    """Issue 26: two placemarks with name, status and actor gave 18 errors and 0 places."""
    plain = (
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        + b"".join(
            f"<Placemark><name>{n}</name><ExtendedData>"
            f'<Data name="status"><value>reported</value></Data>'
            f'<Data name="actor"><value>north</value></Data></ExtendedData>'
            f"<Point><coordinates>{lon},34</coordinates></Point></Placemark>".encode()
            for n, lon in (("One", 36), ("Two", 37))
        )
        + b"</Document></kml>"
    )
    result = load_uploaded_files([("plain.kml", plain)], base=real_catalog)
    assert result.ok, result.report()
    assert [f.name for f in result.own_layers[0].features] == ["One", "Two"]


def test_the_kml_through_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "trip.kml"
    path.write_bytes(MY_MAPS)
    status, printed = _validated(path, capsys)
    assert status == 1  # two placemarks could not be drawn
    assert "trip.kml: record '#4 Off the globe', field 'geometry'" in printed
    assert (
        f"trip.kml: 3 features read as your own layer ({OWN_LAYER_MARK}): 1 in 'Routes', "
        "1 in 'Routes / Areas', 1 in 'Sites'; 2 records left out"
    ) in printed


def test_a_kmz_is_read_as_its_kml(real_catalog: Catalog) -> None:
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        archive.writestr("doc.kml", MY_MAPS)
        archive.writestr("images/icon-1.png", b"\x89PNG")
    result = load_uploaded_files([("trip.kmz", packed.getvalue())], base=real_catalog)
    assert len(result.own_layers[0].features) == 3


def test_a_kml_in_the_convention_still_loads_as_places(real_catalog: Catalog) -> None:
    kml = (
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark id="p1"><name>P</name>'
        b'<ExtendedData><Data name="kind"><value>town</value></Data>'
        b'<Data name="precision"><value>town</value></Data></ExtendedData>'
        b"<Point><coordinates>36.5,34</coordinates></Point></Placemark></Document></kml>"
    )
    result = load_uploaded_files([("mine.kml", kml)], base=real_catalog)
    assert result.ok and "p1" in result.catalog.places and not result.own_layers


def test_left_out_names_the_gis_file_not_places_geojson(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 26's finding: the summary said "1 from places.geojson" for a KML."""
    kml = (
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark id="p1"><name>P</name>'
        b'<ExtendedData><Data name="kind"><value>nowhere</value></Data>'
        b'<Data name="precision"><value>town</value></Data></ExtendedData>'
        b"<Point><coordinates>36.5,34</coordinates></Point></Placemark></Document></kml>"
    )
    path = tmp_path / "mine.kml"
    path.write_bytes(kml)
    status, printed = _validated(path, capsys)
    assert status == 1
    assert "left out: 1 places from mine.kml" in printed and "places.geojson" not in printed


# ---------------------------------------------------------------- GeoPackage


def _qgis_geopackage(tmp_path: Path) -> bytes:
    """Three layers as QGIS writes them: fid, typed columns, a Web Mercator one among them."""
    path = tmp_path / "survey.gpkg"
    layers = {
        "wells": gpd.GeoDataFrame(
            {"name": ["Well A", HOSTILE], "depth_m": [12.5, 40.0], "checked": [True, False]},
            geometry=[Point(36.1, 34.1), Point(10.0, 50.0)],  # the second far from the region
            crs="EPSG:4326",
        ),
        "roads": gpd.GeoDataFrame(
            {"name": ["Road 1"], "lanes": [2]},
            geometry=[LineString([(36.0, 34.0), (36.4, 34.3)])],
            crs="EPSG:4326",
        ).to_crs(3857),
        "fields": gpd.GeoDataFrame(
            {"name": ["Field"], "crop": ["wheat"]},
            geometry=[
                MultiPolygon(
                    [
                        Polygon([(36, 34), (36.1, 34), (36.1, 34.1)]),
                        Polygon([(37, 34), (37.1, 34), (37.1, 34.1)]),
                    ]
                )
            ],
            crs="EPSG:4326",
        ),
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, frame in layers.items():
            frame.to_file(path, layer=name, driver="GPKG", engine="pyogrio")
    return path.read_bytes()


def test_every_layer_of_a_qgis_geopackage_is_a_sublayer(
    real_catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _qgis_geopackage(tmp_path)
    result = load_uploaded_files([("survey.gpkg", raw)], base=real_catalog)
    assert result.ok, result.report()
    (layer,) = result.own_layers
    assert [s.path for s in layer.sublayers] == [("wells",), ("roads",), ("fields",)]
    features = _by_name(layer)
    assert features[HOSTILE].geometry.coords[0] == (10.0, 50.0)  # outside the region: kept
    assert features["Well A"].properties == {"name": "Well A", "depth_m": "12.5", "checked": "true"}
    road = features["Road 1"]
    assert road.geometry.geom_type == "LineString"
    assert road.geometry.coords[0] == pytest.approx((36.0, 34.0))  # back from Web Mercator
    assert features["Field"].geometry.geom_type == "MultiPolygon"
    path = tmp_path / "copy.gpkg"
    path.write_bytes(raw)
    status, printed = _validated(path, capsys)
    assert status == 0, printed
    assert "copy.gpkg: 4 features read as your own layer" in printed
    assert "2 in 'wells', 1 in 'roads', 1 in 'fields'" in printed


def test_the_app_offers_all_layers_of_somebody_elses_geopackage(tmp_path: Path) -> None:
    """The sidebar's choice: "All layers" first where the GeoPackage is the user's own layer."""
    layers = geopackage_layers(_qgis_geopackage(tmp_path))
    assert layers.own and layers.tables == ("wells", "roads", "fields")
    ours = gpd.GeoDataFrame(
        {"name": ["P"], "kind": ["town"], "precision": ["town"]},
        geometry=[Point(36.5, 34.0)],
        crs="EPSG:4326",
    )
    ours.to_file(tmp_path / "ours.gpkg", layer="north", engine="pyogrio")
    assert not geopackage_layers((tmp_path / "ours.gpkg").read_bytes()).own


def test_a_zipped_shapefile_outside_the_convention(real_catalog: Catalog, tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {"NAME": ["Post"], "TYPE": ["camp"]}, geometry=[Point(36.2, 34.2)], crs="EPSG:4326"
    )
    frame.to_file(tmp_path / "posts.shp", engine="pyogrio")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for part in (".shp", ".shx", ".dbf", ".prj"):
            archive.write(tmp_path / f"posts{part}", f"posts{part}")
    result = load_uploaded_files([("posts.zip", packed.getvalue())], base=real_catalog)
    assert result.ok, result.report()
    (feature,) = result.own_layers[0].features
    assert (feature.name, feature.properties["TYPE"]) == ("Post", "camp")


# ------------------------------------------------------------------- GeoJSON

GEOJSON_IO = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {
                "name": HOSTILE,
                "marker-color": "#7e7e7e",
                "tags": {"a": [1, 2]},
                "description": "See https://example.org/x and <a href='data:text/html,x'>y</a>",
            },
            "geometry": {"type": "Point", "coordinates": [36.3, 34.3]},
        },
        {
            "type": "Feature",
            "properties": {"stroke": "#f00", "stroke-width": 4},
            "geometry": {"type": "LineString", "coordinates": [[36, 34], [37, 35]]},
        },
        {
            "type": "Feature",
            "id": 7,
            "properties": {
                "name": "Zone",
                "_umap_options": {"color": "#00ff00", "fillOpacity": 0.2},
            },
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[36, 34], [36.5, 34], [36.5, 34.5], [36, 34]]],
            },
        },
        {"type": "Feature", "properties": {"name": "Nowhere"}, "geometry": None},
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Point", "coordinates": ["x", 34]},
        },
    ],
}


def test_a_geojson_io_and_umap_geojson(
    real_catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.dumps(GEOJSON_IO).encode()
    result = load_uploaded_files([("map.geojson", raw)], base=real_catalog)
    layer = result.own_layers[0]
    first, line, zone = layer.features
    assert first.name == HOSTILE and first.style.icon_colour == "#7e7e7e"
    assert json.loads(first.properties["tags"]) == {"a": [1, 2]}  # nested: JSON text
    assert first.links == ("https://example.org/x",)  # data: is no link
    assert (line.style.line_colour, line.style.line_width) == ("#ff0000", 4.0)
    assert (zone.style.line_colour, zone.style.fill_opacity) == ("#00ff00", 0.2)
    assert "_umap_options" not in zone.properties and zone.properties["id"] == "7"
    assert _located(result) == [
        ("map.geojson", "#4", "geometry"),
        ("map.geojson", "#5", "geometry"),
    ]
    assert "'x', not a number" in result.issues[1].message
    path = tmp_path / "map.geojson"
    path.write_bytes(raw)
    status, printed = _validated(path, capsys)
    assert status == 1
    assert "map.geojson: 3 features read as your own layer" in printed
    assert "2 records left out" in printed


def test_an_old_geojson_crs_member_is_honoured(real_catalog: Catalog) -> None:
    mercator = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Road"},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [[4007501.67, 4028802.03], [4118821.16, 4163881.14]],
                },
            }
        ],
    }
    result = load_uploaded_files([("m.geojson", json.dumps(mercator).encode())], real_catalog)
    (road,) = result.own_layers[0].features
    assert road.geometry.coords[0] == pytest.approx((36.0, 34.0), abs=1e-4)


def test_a_geojson_crs_that_gives_no_map_position_is_refused_as_for_places(
    real_catalog: Catalog,
) -> None:
    # Geocentric metres (EPSG:4978) are no longitude and latitude: the places
    # loader refused them; the own layer read them as if they were (one check now).
    geocentric = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "EPSG:4978"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "Post"},
                "geometry": {"type": "Point", "coordinates": [4100000.0, 3000000.0]},
            }
        ],
    }
    result = load_uploaded_files([("g.geojson", json.dumps(geocentric).encode())], real_catalog)
    assert not any(layer.features for layer in result.own_layers)
    (issue,) = [i for i in result.issues if i.field == "crs"]
    assert issue.file == "g.geojson"
    assert "not a map projection or a geographic system; nothing was loaded" in issue.message


def test_google_earth_tracks_and_a_kml_without_a_document(real_catalog: Catalog) -> None:
    kml = (
        b'<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">'
        b"<Folder><name>Drive</name><Placemark><name>Track</name><gx:Track>"
        b"<when>2025-01-01T10:00:00Z</when><when>2025-01-01T10:05:00Z</when>"
        b"<gx:coord>36.1 34.1 10</gx:coord><gx:coord>36.2 34.2 12</gx:coord>"
        b"</gx:Track></Placemark></Folder></kml>"
    )
    result = load_uploaded_files([("drive.kml", kml)], base=real_catalog)
    assert result.ok, result.report()
    (track,) = result.own_layers[0].features
    assert track.geometry.geom_type == "LineString" and track.folder == ("Drive",)


def test_a_chosen_geopackage_layer_is_read_alone(real_catalog: Catalog, tmp_path: Path) -> None:
    raw = _qgis_geopackage(tmp_path)
    result = load_uploaded_files([("survey.gpkg", raw)], base=real_catalog, layer="roads")
    assert result.ok, result.report()
    assert [f.name for f in result.own_layers[0].features] == ["Road 1"]


def test_a_map_saved_as_json_is_no_claims_file(real_catalog: Catalog) -> None:
    raw = json.dumps(GEOJSON_IO).encode()
    result = load_uploaded_files([("umap_export.json", raw)], base=real_catalog)
    assert len(result.own_layers[0].features) == 3 and not result.catalog.claims


def test_briefmaps_own_places_geojson_still_loads_as_places(real_catalog: Catalog) -> None:
    place = {
        "type": "Feature",
        "properties": {"id": "p9", "name_en": "P", "kind": "town", "precision": "town"},
        "geometry": {"type": "Point", "coordinates": [36.5, 34.0]},
    }
    raw = json.dumps({"type": "FeatureCollection", "features": [place]}).encode()
    result = load_uploaded_files([("places.geojson", raw)], base=real_catalog)
    assert result.ok and "p9" in result.catalog.places and not result.own_layers


def test_a_map_with_a_kind_of_its_own_is_the_users_layer(real_catalog: Catalog) -> None:
    # uMap, OpenStreetMap exports and many others carry a "kind" or "precision" of
    # their own; only Briefmap's values (or both columns) make a row one of its places.
    features = [
        {
            "type": "Feature",
            "properties": {"name": "Café", "kind": "cafe"},
            "geometry": {"type": "Point", "coordinates": [36.5, 34.0]},
        },
        {
            "type": "Feature",
            "properties": {"name": "Survey mark", "precision": "0.5 m"},
            "geometry": {"type": "Point", "coordinates": [36.6, 34.1]},
        },
    ]
    raw = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    result = load_uploaded_files([("osm.geojson", raw)], base=real_catalog)
    assert not result.issues
    assert [f.name for f in result.own_layers[0].features] == ["Café", "Survey mark"]
    assert result.own_layers[0].features[0].properties["kind"] == "cafe"
    csv = "name,kind,lat,lon\nCheckpoint,checkpoint,34.1,36.2\n"
    result = load_uploaded_files([("points.csv", csv.encode())], base=real_catalog)
    assert not result.issues and len(result.own_layers[0].features) == 1
    # One of Briefmap's kinds alone, or both columns, is a place of Briefmap's, errors and all.
    ours = dict(features[0], properties={"id": "p9", "name_en": "P", "kind": "town"})
    raw = json.dumps({"type": "FeatureCollection", "features": [ours]}).encode()
    result = load_uploaded_files([("places.geojson", raw)], base=real_catalog)
    assert not result.own_layers and any(i.field == "precision" for i in result.issues)


# ----------------------------------------------------------------------- CSV

CSV_LAT_LON = (
    "Name,Latitude,Longitude,Notes\n"
    "Bridge,34.5,36.25,<script>x</script> fine\n"
    f'"{HOSTILE.replace(chr(34), chr(34) * 2)}",34.6,36.3,\n'
    "Too far north,95,36,\n"
    "Typo,34.x,36,\n"
    ",,,\n"
    "Far away,51.5,-0.12,\n"
)
CSV_SEMICOLONS = "lon;lat;label\n36,25;34,5;Comma decimals\n36.3;34.6;Points\n"
CSV_WKT = (
    "id,WKT,kind_of\n"
    '1,"LINESTRING (36 34, 37 35)",road\n'
    '2,"POLYGON ((36 34, 36.5 34, 36.5 34.5, 36 34))",area\n'
    '3,"POLYGON ((36 34, 36.5",broken\n'
    '4,"SRID=4326;POINT (36.1 34.1)",point\n'
)


def test_a_csv_with_latitude_and_longitude(real_catalog: Catalog) -> None:
    result = load_uploaded_files([("sites.csv", CSV_LAT_LON.encode())], base=real_catalog)
    layer = result.own_layers[0]
    assert [f.name for f in layer.features] == ["Bridge", HOSTILE, "Far away"]
    bridge = layer.features[0]
    assert (bridge.geometry.x, bridge.geometry.y) == (36.25, 34.5)
    assert bridge.description_text == "fine"  # Notes read as the description, script dropped
    assert bridge.properties == {
        "Name": "Bridge",
        "Latitude": "34.5",
        "Longitude": "36.25",
        "Notes": "<script>x</script> fine",
    }
    # Rows named as a spreadsheet numbers them (the header is row 1); the empty row is no record.
    assert _located(result) == [
        ("sites.csv", "row 4", "Latitude"),
        ("sites.csv", "row 5", "Latitude"),
    ]
    assert "outside -90..90" in result.issues[0].message
    assert "'34.x' is not a number" in result.issues[1].message
    assert not result.catalog.claims


def test_a_csv_of_lon_lat_with_semicolons_and_decimal_commas() -> None:
    out = Collector("points.csv")
    layer = read_own_csv(CSV_SEMICOLONS.encode(), "points.csv", out)
    assert not out.issues
    assert [(f.name, f.geometry.x, f.geometry.y) for f in layer.features] == [
        ("Comma decimals", 36.25, 34.5),
        ("Points", 36.3, 34.6),
    ]


def test_a_csv_with_wkt(real_catalog: Catalog) -> None:
    result = load_uploaded_files([("shapes.csv", CSV_WKT.encode())], base=real_catalog)
    kinds = [f.geometry.geom_type for f in result.own_layers[0].features]
    assert kinds == ["LineString", "Polygon", "Point"]
    assert _located(result) == [("shapes.csv", "row 4", "WKT")]
    assert "not well-known text" in result.issues[0].message


def test_excel_csv_quirks_and_rows_named_as_a_spreadsheet_numbers_them() -> None:
    """Excel's sep= line (no row); an empty WKT cell beside coordinates; blank rows still count."""
    text = (
        "sep=;\n"
        "Lat;Lng;Geometry;Name\n"
        ";;;\n"
        "34,5;36,2;;By coordinates\n"
        ";;POINT (36.3 34.6);By WKT\n"
        ";;;\n"
        "91;36;;Too far\n"
    )
    out = Collector("excel.csv")
    layer = read_own_csv(text.encode("utf-8-sig"), "excel.csv", out)
    assert [(f.name, f.geometry.x, f.geometry.y) for f in layer.features] == [
        ("By coordinates", 36.2, 34.5),
        ("By WKT", 36.3, 34.6),
    ]
    assert [(i.record, i.field) for i in out.issues] == [("row 6", "Lat")]


@pytest.mark.parametrize(
    ("name", "text", "count"),
    [("sites.csv", CSV_LAT_LON, 3), ("points.csv", CSV_SEMICOLONS, 2), ("shapes.csv", CSV_WKT, 3)],
)
def test_each_csv_through_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, count: int
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    status, printed = _validated(path, capsys)
    assert f"{name}: {count} features read as your own layer ({OWN_LAYER_MARK})" in printed
    assert status == (0 if name == "points.csv" else 1)


def test_a_claims_csv_is_still_claims(real_catalog: Catalog) -> None:
    claims = "id,places,status\nc1,nowhere,reported\n"
    result = load_uploaded_files([("claims.csv", claims.encode())], base=real_catalog)
    assert not result.own_layers and result.issues  # read as claims, checked as before


# ---------------------------------------------------------------- limits, words


def test_over_the_record_limit_says_which_limit(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_FEATURES", 2)
    for name, raw in (("sites.csv", CSV_LAT_LON.encode()), ("trip.kml", MY_MAPS)):
        result = load_uploaded_files([(name, raw)], base=real_catalog)
        assert [i.message for i in result.issues if i.record == "-"] == [
            f"{5:,} records is over the limit of 2 per upload"
        ], name
        assert not any(o.features for o in result.own_layers)


def test_over_the_size_limit_says_which_limit(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    result = load_uploaded_files([("sites.csv", CSV_LAT_LON.encode())], base=real_catalog)
    assert "MB limit for one upload" in result.issues[0].message
    assert not result.own_layers


def test_the_app_and_validate_use_the_same_words(real_catalog: Catalog, tmp_path: Path) -> None:
    result = load_uploaded_files([("sites.csv", CSV_LAT_LON.encode())], base=real_catalog)
    line = describe_own_layer(result.own_layers[0])
    assert line in describe(result)  # the upload panel's line
    path = tmp_path / "sites.csv"
    path.write_text(CSV_LAT_LON, encoding="utf-8")
    assert line in load_catalog(path).report()  # validate's


def test_descriptions_keep_text_and_web_links_only() -> None:
    text, links = description_parts(
        '<p>One &amp; two</p><style>p{}</style><iframe src="https://evil"></iframe>'
        '<a href="HTTPS://ok.example/a">a</a><a href="javascript:x">b</a>'
        '<a href="https://ok.example/a">again</a> www.no-scheme.example'
    )
    assert text == "One & two\nabagain www.no-scheme.example"
    assert links == ("HTTPS://ok.example/a", "https://ok.example/a")
