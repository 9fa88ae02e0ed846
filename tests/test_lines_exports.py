"""Line places through every export and back (issue 26): bundle, GIS GeoJSON, CSV,
offline HTML, KMZ and GeoPackage, on a generated data set (``lines_data``)."""

from __future__ import annotations

import csv
import io
import json
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest
import shapely
from lines_data import write_lines_data

from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing import exports, gis_exports, html_export
from briefmap.drawing.line_places import line_strokes
from briefmap.engine.query import ClaimFilter, select

LINE_IDS = {"route_confirmed", "route_stated", "route_reported", "route_unverified"}
LINE_IDS |= {"route_denied", "contact_line"}
KML = "{http://www.opengis.net/kml/2.2}"


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    result = load_catalog(write_lines_data(tmp_path / "lines"))
    assert not result.issues, result.report()
    return result.catalog


def _same_places(back: Catalog, catalog: Catalog) -> None:
    assert set(back.places) == set(catalog.places)
    for pid, place in back.places.items():
        assert replace(place, geometry=None) == replace(catalog.places[pid], geometry=None)
        assert place.geometry.equals(catalog.places[pid].geometry), pid
    assert {p for p, place in back.places.items() if place.is_line} == LINE_IDS


def _read_back(path: Path) -> Catalog:
    result = load_catalog(path)
    assert not result.issues, result.report()
    return result.catalog


def test_the_bundle_round_trips_line_places(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "briefmap-export.geojson"
    path.write_text(exports.bundle_json(catalog, select(catalog, ClaimFilter())), "utf-8")
    back = _read_back(path)
    _same_places(back, catalog)
    assert back.claims == catalog.claims


def test_the_kmz_round_trips_line_places_with_their_style(catalog: Catalog, tmp_path: Path) -> None:
    raw = gis_exports.kmz(catalog, select(catalog, ClaimFilter()))
    path = tmp_path / "map.kmz"
    path.write_bytes(raw)
    _same_places(_read_back(path), catalog)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        tree = ET.fromstring(archive.read("doc.kml"))  # noqa: S314 - our own export
    styles = {s.get("id"): s for s in tree.iter(f"{KML}Style")}
    route = next(m for m in tree.iter(f"{KML}Placemark") if m.get("id") == "route_confirmed")
    assert route.find(f"{KML}LineString") is not None
    style = styles[route.find(f"{KML}styleUrl").text.lstrip("#")]
    width = float(style.find(f"{KML}LineStyle/{KML}width").text)
    lead = catalog.claims["c_confirmed"]
    assert width == line_strokes("#1F4E9E", lead.status, lead.posture)[0].weight
    contact = next(m for m in tree.iter(f"{KML}Placemark") if m.get("id") == "contact_line")
    assert len(contact.findall(f"{KML}MultiGeometry/{KML}LineString")) == 2


def test_the_geopackage_round_trips_line_places(catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "export.gpkg"
    path.write_bytes(gis_exports.geopackage(catalog, select(catalog, ClaimFilter())))
    back = _read_back(path)
    _same_places(back, catalog)
    assert back.claims == catalog.claims
    # GDAL (and so QGIS) reads the mixed places layer with each feature's own type.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pyogrio.read_dataframe(path, layer="places")
    kinds = dict(zip(frame["id"], frame.geometry.geom_type, strict=True))
    assert kinds["route_reported"] == "LineString" and kinds["contact_line"] == "MultiLineString"


def test_gis_geojson_gives_each_claim_its_line(catalog: Catalog, tmp_path: Path) -> None:
    text = exports.claims_geojson(catalog, select(catalog, ClaimFilter()))
    path = tmp_path / "claims.geojson"
    path.write_text(text, "utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = pyogrio.read_dataframe(path)
    kinds = dict(zip(frame["id"], frame.geometry.geom_type, strict=True))
    assert kinds["c_reported"] == "LineString" and kinds["c_contact"] == "MultiLineString"
    # A claim on two lines is one MultiLineString, a type every GIS tool reads.
    both = replace(catalog.claims["c_reported"], places=("route_reported", "route_stated"))
    assert exports.claim_geometry(catalog, both).geom_type == "MultiLineString"


def test_the_csv_gives_a_lines_coordinates_as_wkt(catalog: Catalog) -> None:
    raw = exports.claims_csv(catalog, select(catalog, ClaimFilter()))
    rows = {r["Claim id"]: r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))}
    line = shapely.from_wkt(rows["c_reported"]["Coordinates"])
    assert line.equals(catalog.places["route_reported"].geometry)
    assert rows["c_contact"]["Coordinates"].startswith("MULTILINESTRING")
    assert "," in rows["c_depot"]["Coordinates"] and "(" not in rows["c_depot"]["Coordinates"]


def test_the_offline_html_draws_line_places(catalog: Catalog) -> None:
    html = html_export.standalone_html(catalog, select(catalog, ClaimFilter()), "Lines")
    for pid in LINE_IDS:
        assert json.dumps({"bmPlace": pid})[1:-1] in html
    assert "bm-line-stroke" in html
