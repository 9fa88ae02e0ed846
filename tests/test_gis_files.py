"""GIS files in: KML, KMZ, GeoPackage and zipped Shapefiles, made here with geopandas/pyogrio.

Each format is uploaded (and validated from the command line) through the same
validator as every other file; bad rows and columns are named by file, record
and field; hostile archives and markup are refused before GDAL reads them.
"""

from __future__ import annotations

import io
import math
import struct
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import MultiPoint, Point, Polygon

from briefmap.__main__ import main
from briefmap.data import archives, uploads
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus, Posture
from briefmap.data.uploads import load_upload, load_uploaded_files

# Two places in the region of interest; the first also a claim about it.
ROWS = {
    "id": ["my_post", "my_town"],
    "name": ["My post <b>", "My town"],
    "kind": ["military_post", "town"],
    "precision": ["site", "town"],
    "status": ["reported", None],
    "posture": ["current", None],
    "actor": ["russia", None],
    "claimant": ["A local outlet", None],
    "reported": ["2025-10-20", None],
    "summary": ["Vehicles were reported at the post.", None],
    "attribution": ["A local outlet, citing residents", None],
    "sources": ["SOURCE", None],
}
GEOMETRY = [Point(36.5, 34.0), Polygon([(36, 33), (36.2, 33), (36.2, 33.2), (36, 33)])]


def _frame(real_catalog: Catalog, **changes: list) -> gpd.GeoDataFrame:
    source = next(iter(real_catalog.sources))
    rows = {**ROWS, "sources": [source, None], **changes}
    return gpd.GeoDataFrame(rows, geometry=GEOMETRY[: len(rows["id"])], crs="EPSG:4326")


def _places_only(real_catalog: Catalog) -> gpd.GeoDataFrame:
    claim_columns = ("status", "posture", "actor", "claimant", "reported", "summary")
    frame = _frame(real_catalog).drop(columns=[*claim_columns, "attribution", "sources"])
    assert set(frame.columns) == {"id", "name", "kind", "precision", "geometry"}
    return frame


def _written(frame: gpd.GeoDataFrame, tmp_path: Path, name: str, driver: str, **kw) -> bytes:
    path = tmp_path / name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Shapefile's ten-character column names
        frame.to_file(path, driver=driver, engine="pyogrio", **kw)
    return path.read_bytes()


def _zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _shapefile(frame: gpd.GeoDataFrame, tmp_path: Path, parts=(".shp", ".shx", ".dbf", ".prj")):
    frame = frame.copy()
    frame.geometry = frame.geometry.representative_point()  # a Shapefile: one geometry type
    _written(frame, tmp_path, "sites.shp", "ESRI Shapefile")
    return {f"sites{p}": (tmp_path / f"sites{p}").read_bytes() for p in parts}


def _located(result) -> list[tuple[str, str, str]]:
    return [(i.file, i.record, i.field) for i in result.issues]


# ------------------------------------------------------------------ formats in


@pytest.mark.parametrize(("name", "driver"), [("mine.kml", "LIBKML"), ("mine.gpkg", "GPKG")])
def test_places_and_their_claims_load_from_a_gis_file(
    real_catalog: Catalog, tmp_path: Path, name: str, driver: str
) -> None:
    raw = _written(_frame(real_catalog), tmp_path, name, driver)
    result = load_uploaded_files([(name, raw)], base=real_catalog)
    assert result.ok, result.report()
    assert {"my_post", "my_town"} <= set(result.catalog.places)
    post = result.catalog.places["my_post"]
    assert post.name_en == "My post <b>"  # text as written; escaped where shown
    assert (post.geometry.x, post.geometry.y) == (36.5, 34.0)  # 2-D, lon first
    assert result.catalog.places["my_town"].geometry.geom_type == "Polygon"
    (claim,) = result.catalog.claims.values()
    assert claim.id == "my_post" and claim.places == ("my_post",)
    assert (claim.status, claim.posture, claim.actors) == (
        ClaimStatus.REPORTED,
        Posture.CURRENT,
        ("russia",),
    )


def test_kml_folders_and_extended_data_all_load(real_catalog: Catalog) -> None:
    """Placemarks in the document and in folders; fields as <ExtendedData><Data>."""
    source = next(iter(real_catalog.sources))

    def placemark(pid: str, lon: float, extra: str = "") -> str:
        return (
            f'<Placemark id="{pid}"><name>{pid}</name><description>&lt;b&gt;balloon</description>'
            '<ExtendedData><Data name="kind"><value>town</value></Data>'
            f'<Data name="precision"><value>town</value></Data>{extra}</ExtendedData>'
            f"<Point><coordinates>{lon},34.0,120</coordinates></Point></Placemark>"
        )

    claim = "".join(
        f'<Data name="{k}"><value>{v}</value></Data>'
        for k, v in {
            "status": "reported",
            "posture": "current",
            "actors": "russia;syria",
            "claimant": "An outlet",
            "reported": "2025-10-20",
            "summary": "Something was reported here.",
            "attribution": "An outlet",
            "sources": source,
            "claim_id": "c-in-folder",
        }.items()
    )
    kml = (
        '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
        f"<Document>{placemark('top', 36.1)}"
        f"<Folder><name>North</name>{placemark('north_a', 36.2, claim)}</Folder>"
        f"<Folder><name>South</name>{placemark('south_a', 36.3)}"
        '<Folder><name>Deep</name><Placemark><name>No id</name><ExtendedData><Data name="kind">'
        '<value>town</value></Data><Data name="precision"><value>town</value></Data>'
        '<Data name="icon_colour"><value>red</value></Data></ExtendedData>'
        "<Point><coordinates>36.4,34.0</coordinates></Point></Placemark></Folder></Folder>"
        "</Document></kml>"
    ).encode()
    result = load_upload({"field notes.kml": kml}, base=real_catalog)
    assert set(result.catalog.places) >= {"top", "north_a", "south_a"}
    # A placemark without an id is named by the file and its number in it.
    assert "field-notes-4" in result.catalog.places
    assert result.catalog.places["top"].note is None  # a balloon is not a note
    assert result.catalog.claims["c-in-folder"].actors == ("russia", "syria")
    # The column outside the convention is named on its record; the place still loads.
    assert _located(result) == [("field notes.kml", "field-notes-4", "icon_colour")]
    assert "not a field of Briefmap's convention" in result.issues[0].message


def test_kmz_reads_its_doc_kml(real_catalog: Catalog, tmp_path: Path) -> None:
    kml = _written(_frame(real_catalog), tmp_path, "doc.kml", "LIBKML")
    raw = _zipped({"doc.kml": kml, "files/readme.txt": b"not read"})
    result = load_upload({"mine.kmz": raw}, base=real_catalog)
    assert result.ok, result.report()
    assert {"my_post", "my_town"} <= set(result.catalog.places)


def test_zipped_shapefile_in_a_projected_crs_is_reprojected(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    frame = _frame(real_catalog).to_crs("EPSG:32637")  # UTM 37N, metres
    raw = _zipped(_shapefile(frame, tmp_path))
    result = load_upload({"sites.zip": raw}, base=real_catalog)
    assert result.ok, result.report()  # "attributio": dBase's cut of "attribution"
    post = result.catalog.places["my_post"].geometry
    assert post.x == pytest.approx(36.5, abs=1e-7) and post.y == pytest.approx(34.0, abs=1e-7)
    assert result.catalog.claims["my_post"].attribution == "A local outlet, citing residents"


def test_a_shapefile_without_a_crs_is_an_error_not_a_guess(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    raw = _zipped(_shapefile(_frame(real_catalog), tmp_path, parts=(".shp", ".shx", ".dbf")))
    result = load_upload({"sites.zip": raw}, base=real_catalog)
    assert _located(result) == [("sites.zip", "-", "crs")]
    assert "no coordinate reference system (its .prj file)" in result.issues[0].message
    assert result.catalog.places == {}


def test_a_geopackage_layer_is_chosen_by_name_else_the_first(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    path = tmp_path / "two.gpkg"
    frame = _frame(real_catalog)
    frame.iloc[[0]].to_file(path, layer="first", driver="GPKG", engine="pyogrio")
    frame.iloc[[1]].to_file(path, layer="second", driver="GPKG", engine="pyogrio", append=True)
    raw = path.read_bytes()
    assert set(load_upload({"two.gpkg": raw}, real_catalog).catalog.places) >= {"my_post"}
    second = load_upload({"two.gpkg": raw}, real_catalog, layer="second")
    assert "my_town" in second.catalog.places and "my_post" not in second.catalog.places
    missing = load_upload({"two.gpkg": raw}, real_catalog, layer="third")
    assert _located(missing) == [("two.gpkg", "-", "layer")]
    assert "'first', 'second'" in missing.issues[0].message


def test_a_bad_row_is_named_and_the_rest_loads(real_catalog: Catalog, tmp_path: Path) -> None:
    frame = _frame(real_catalog, precision=["site", "roughly"], status=["rumoured", None])
    raw = _written(frame, tmp_path, "mine.gpkg", "GPKG")
    result = load_upload({"mine.gpkg": raw}, base=real_catalog)
    assert sorted(_located(result)) == [
        ("mine.gpkg", "my_post", "status"),
        ("mine.gpkg", "my_town", "precision"),
    ]
    assert "my_post" in result.catalog.places and not result.catalog.claims


def test_a_multi_geometry_of_one_part_is_that_part(real_catalog: Catalog, tmp_path: Path) -> None:
    frame = _frame(real_catalog)
    frame.geometry = [MultiPoint([(36.5, 34.0)]), MultiPoint([(36.5, 34.0), (36.6, 34.1)])]
    result = load_upload(
        {"multi.gpkg": _written(frame, tmp_path, "multi.gpkg", "GPKG")}, real_catalog
    )
    assert result.catalog.places["my_post"].geometry.geom_type == "Point"
    assert _located(result) == [("multi.gpkg", "my_town", "geometry")]
    assert "MultiPoint" in result.issues[0].message


def _point_at(frame: gpd.GeoDataFrame, x: float, y: float) -> gpd.GeoDataFrame:
    frame = frame.copy()
    frame.geometry = [Point(x, y), Point(36.5, 34.0)]
    return frame


@pytest.mark.parametrize(
    ("x", "y", "said"),
    [
        (math.inf, 34.0, "[inf, 34.0] is not finite: its longitude is infinite (inf)"),
        (36.5, -math.inf, "[36.5, -inf] is not finite: its latitude is infinite (-inf)"),
        (36.5, math.nan, "[36.5, nan] is not finite: its latitude is NaN (not a number)"),
    ],
)
def test_a_geopackage_point_not_finite_is_named_so(
    real_catalog: Catalog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    x: float,
    y: float,
    said: str,
) -> None:
    frame = _point_at(_places_only(real_catalog), x, y)
    raw = _written(frame, tmp_path, "mine.gpkg", "GPKG")
    result = load_upload({"mine.gpkg": raw}, base=real_catalog)
    # Not "position [None, 34.0]": shapely's GeoJSON writes inf and nan as null.
    assert _located(result) == [("mine.gpkg", "my_post", "geometry")]
    assert f"position {said}" in result.issues[0].message
    assert "my_town" in result.catalog.places  # the rest loads
    path = tmp_path / "mine.gpkg"
    assert main(["validate", str(path)]) == 1
    assert f"mine.gpkg: record 'my_post', field 'geometry': position {said}" in (
        capsys.readouterr().out
    )


def test_a_shapefile_point_not_finite_is_named_so(real_catalog: Catalog, tmp_path: Path) -> None:
    parts = _shapefile(_places_only(real_catalog), tmp_path)
    # GDAL writes no infinite coordinate: the first point's x set in the .shp's
    # bytes (100-byte header, 8-byte record header, 4-byte shape type).
    shp = bytearray(parts["sites.shp"])
    assert struct.unpack_from("<i", shp, 108) == (1,)  # a Point
    struct.pack_into("<d", shp, 112, math.inf)
    result = load_upload({"sites.zip": _zipped({**parts, "sites.shp": bytes(shp)})}, real_catalog)
    assert _located(result) == [("sites.zip", "my_post", "geometry")]
    assert "is not finite: its longitude is infinite (inf)" in result.issues[0].message


def test_claims_csv_may_cite_a_gis_files_places(real_catalog: Catalog, tmp_path: Path) -> None:
    raw = _written(_places_only(real_catalog), tmp_path, "places.kml", "LIBKML")
    source = next(iter(real_catalog.sources))
    csv = (
        "id,places,actors,claimant,status,posture,reported,summary,attribution,sources\n"
        f"mine,my_town,syria,Someone,reported,current,2025-10-20,Said here.,Someone,{source}\n"
    ).encode()
    result = load_uploaded_files([("places.kml", raw), ("claims.csv", csv)], real_catalog)
    assert result.ok, result.report()
    assert result.catalog.claims["mine"].places == ("my_town",)


# --------------------------------------------------------- malformed, hostile


@pytest.mark.parametrize("name", ["x.kml", "x.kmz", "x.gpkg", "x.zip"])
def test_garbage_is_one_error_on_the_file(real_catalog: Catalog, name: str) -> None:
    result = load_upload({name: b"\x00\x01 not a GIS file at all" * 10}, base=real_catalog)
    assert _located(result) == [(name, "-", "-")]
    assert result.catalog.places == {}


@pytest.mark.parametrize(
    "member", ["../../etc/evil.kml", "/etc/evil.kml", "C:/evil.kml", "a/../../evil.kml"]
)
def test_an_archive_with_a_name_outside_its_folder_is_refused(
    real_catalog: Catalog, tmp_path: Path, member: str
) -> None:
    kml = _written(_frame(real_catalog), tmp_path, "doc.kml", "LIBKML")
    raw = _zipped({"doc.kml": kml, member: kml})
    result = load_upload({"evil.kmz": raw}, base=real_catalog)
    assert _located(result) == [("evil.kmz", "-", "-")]
    assert "outside its own folder" in result.issues[0].message
    assert not (tmp_path.parent / "etc").exists()


def test_a_zip_bomb_is_refused_by_its_unpacked_size(
    monkeypatch: pytest.MonkeyPatch, real_catalog: Catalog
) -> None:
    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 50_000)
    raw = _zipped({"doc.kml": b" " * 5_000_000})  # 5 MB of spaces zip to about 5 kB
    assert len(raw) < 50_000
    result = load_upload({"bomb.kmz": raw}, base=real_catalog)
    assert _located(result) == [("bomb.kmz", "-", "-")]
    assert "unpacks to more than" in result.issues[0].message


def test_a_header_that_understates_the_size_is_not_trusted() -> None:
    raw = bytearray(_zipped({"doc.kml": b"<kml>" + b" " * 100_000 + b"</kml>"}))
    # Say the member unpacks to 10 bytes, in its local header and in the directory.
    local, central = raw.index(b"PK\x03\x04"), raw.index(b"PK\x01\x02")
    raw[local + 22 : local + 26] = (10).to_bytes(4, "little")
    raw[central + 24 : central + 28] = (10).to_bytes(4, "little")
    out = uploads.Collector("lying.kmz")
    assert archives.unpack(bytes(raw), out, lambda n: True, max_bytes=1_000) is None
    assert len(out.issues) == 1


def _zipped_twice(members: list[tuple[str, bytes]]) -> bytes:
    """A zip that may hold one name twice, as no zip tool writes it."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile's "Duplicate name"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in members:
                archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        ("doc.kml", "doc.kml", "two files named 'doc.kml';"),
        ("doc.kml", "DOC.KML", "two files named 'doc.kml' and 'DOC.KML', one name to a reader"),
        ("a/doc.kml", "a\\doc.kml", "'a/doc.kml' and 'a\\\\doc.kml', one name to a reader"),
    ],
)
def test_an_archive_with_one_name_twice_is_refused(
    real_catalog: Catalog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    first: str,
    second: str,
    said: str,
) -> None:
    kml = _written(_frame(real_catalog), tmp_path, "doc.kml", "LIBKML")
    other = kml.replace(b"my_town", b"their_town")
    raw = _zipped_twice([(first, kml), (second, other)])
    result = load_upload({"twice.kmz": raw}, base=real_catalog)
    assert _located(result) == [("twice.kmz", "-", "-")]
    assert said in result.issues[0].message and "not read" in result.issues[0].message
    assert result.catalog.places == {}
    # The validate command says the same, naming the file.
    path = tmp_path / "twice.kmz"
    path.write_bytes(raw)
    assert main(["validate", str(path)]) == 1
    said_there = capsys.readouterr().out
    assert f"twice.kmz: record '-', field '-': {result.issues[0].message}" in said_there


def test_a_zipped_shapefile_with_a_part_twice_is_refused(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    parts = _shapefile(_frame(real_catalog), tmp_path)
    # Briefmap finds a Shapefile's parts by suffix whatever its case: .dbf and .DBF are one.
    raw = _zipped_twice([*parts.items(), ("sites.DBF", parts["sites.dbf"])])
    result = load_upload({"sites.zip": raw}, base=real_catalog)
    assert _located(result) == [("sites.zip", "-", "-")]
    assert "two files named 'sites.dbf' and 'sites.DBF'" in result.issues[0].message


def test_a_kml_with_entity_declarations_is_refused(real_catalog: Catalog) -> None:
    kml = (
        b'<?xml version="1.0"?><!DOCTYPE kml [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&b;</name>'
        b"<Point><coordinates>36,34</coordinates></Point></Placemark></Document></kml>"
    )
    result = load_upload({"laughs.kml": kml}, base=real_catalog)
    assert _located(result) == [("laughs.kml", "-", "-")]
    assert "DOCTYPE or ENTITY" in result.issues[0].message


def test_a_zipped_shapefile_needs_exactly_one_shp(real_catalog: Catalog, tmp_path: Path) -> None:
    parts = _shapefile(_frame(real_catalog), tmp_path)
    two = _zipped({**parts, **{k.replace("sites", "more"): v for k, v in parts.items()}})
    result = load_upload({"two.zip": two}, base=real_catalog)
    assert "one .shp file; found 'more.shp', 'sites.shp'" in result.issues[0].message or (
        "one .shp file; found 'sites.shp', 'more.shp'" in result.issues[0].message
    )
    no_dbf = _zipped({k: v for k, v in parts.items() if not k.endswith(".dbf")})
    assert "lacks its .dbf" in load_upload({"x.zip": no_dbf}, real_catalog).issues[0].message


def test_gis_files_keep_the_upload_limits(
    monkeypatch: pytest.MonkeyPatch, real_catalog: Catalog, tmp_path: Path
) -> None:
    raw = _written(_frame(real_catalog), tmp_path, "mine.gpkg", "GPKG")
    monkeypatch.setattr(uploads, "MAX_FEATURES", 1)
    result = load_upload({"mine.gpkg": raw}, base=real_catalog)
    assert "2 records is over the limit of 1" in result.issues[0].message
    assert result.catalog.places == {} and result.left_out()["places.geojson"] == 2
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    result = load_upload({"mine.gpkg": raw}, base=real_catalog)
    assert "limit for one upload" in result.issues[0].message


def test_one_gis_file_an_upload(real_catalog: Catalog, tmp_path: Path) -> None:
    raw = _written(_frame(real_catalog), tmp_path, "a.gpkg", "GPKG")
    result = load_uploaded_files([("a.gpkg", raw), ("b.kml", b"<kml/>")], real_catalog)
    assert ("b.kml", "-", "-") in _located(result)
    assert "my_post" in result.catalog.places


# ------------------------------------------------------------ command line


def test_validate_reads_a_gis_file_and_its_layer(
    real_catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "mine.gpkg"
    _places_only(real_catalog).to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    assert main(["validate", str(path)]) == 0
    assert "2 places, 0 claims" in capsys.readouterr().out
    assert main(["validate", str(path), "--layer", "nope"]) == 1
    assert "mine.gpkg: record '-', field 'layer'" in capsys.readouterr().out
    assert load_catalog(path, layer="sites").ok


def test_somebody_elses_layer_called_claims_is_a_layer_of_places(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    # Only Briefmap's own export (with its `briefmap` table) has a claims layer
    # read as claims; in any other GeoPackage the name means nothing.
    raw = _written(_frame(real_catalog), tmp_path, "mine.gpkg", "GPKG", layer="claims")
    result = load_upload({"mine.gpkg": raw}, base=real_catalog)
    assert not result.issues, result.issues
    assert {"my_post", "my_town"} <= set(result.catalog.places)
    assert [c.places for c in result.catalog.claims.values()] == [("my_post",)]


def test_a_kml_id_in_extended_data_wins_over_the_placemarks_own(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    # GDAL writes (and reads) a placemark's own id="..." as `id`, and the
    # extended data's `id` as `id2`: the analyst's id is the place's id.
    raw = _written(_frame(real_catalog), tmp_path, "mine.kml", "KML")
    assert b'<Placemark id="' in raw
    result = load_upload({"mine.kml": raw}, base=real_catalog)
    assert not result.issues, result.issues
    assert {"my_post", "my_town"} <= set(result.catalog.places)
