"""KML in: read in one pass, extended data whatever <Schema> says, hostile files refused clearly.

Each file is written here the way the tool named writes it (Google Earth and
My Maps, QGIS through GDAL's KML driver, simplekml), then uploaded (and
validated from the command line) through the same path as every other file.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from briefmap.__main__ import main
from briefmap.data import kml_files
from briefmap.data.kml_files import geojson, read_kml
from briefmap.data.schema import Catalog
from briefmap.data.uploads import load_upload
from briefmap.data.validate import Collector

KML_22 = "http://www.opengis.net/kml/2.2"
FIELDS = {"kind": "town", "precision": "town"}


def _located(result) -> list[tuple[str, str, str]]:
    return [(i.file, i.record, i.field) for i in result.issues]


def _data(fields: dict[str, str]) -> str:
    return "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in fields.items())


def _placemark(pid: str, lon: float, fields: dict[str, str] = FIELDS) -> str:
    return (
        f'<Placemark id="{pid}"><name>{pid}</name><ExtendedData>{_data(fields)}</ExtendedData>'
        f"<Point><coordinates>{lon},34.0</coordinates></Point></Placemark>"
    )


def _kml(body: str, ns: str = f' xmlns="{KML_22}"') -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><kml{ns}><Document>{body}</Document></kml>'.encode()
    )


# ----------------------------------------------------- files other tools write


def _my_maps() -> bytes:
    """Google My Maps' export (and Google Earth's for a table imported without a schema)."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Field notes</name>
    <description/>
    <Style id="icon-1899-0288D1-normal">
      <IconStyle><scale>1</scale><Icon><href>images/icon-1.png</href></Icon></IconStyle>
    </Style>
    <Folder>
      <name>Checkpoints</name>
      <Placemark>
        <name>North gate</name>
        <description><![CDATA[kind: military_post<br>precision: site]]></description>
        <styleUrl>#icon-1899-0288D1</styleUrl>
        <ExtendedData>
          <Data name="id">
            <value>north_gate</value>
          </Data>
          <Data name="kind">
            <value>military_post</value>
          </Data>
          <Data name="precision">
            <value>site</value>
          </Data>
        </ExtendedData>
        <Point>
          <coordinates>
            36.51,34.02,0
          </coordinates>
        </Point>
      </Placemark>
      <Placemark>
        <name>Old town</name>
        <styleUrl>#poly-000000-1200-77-nodesc</styleUrl>
        <ExtendedData>
          <Data name="id">
            <value>old_town</value>
          </Data>
          <Data name="kind">
            <value>town</value>
          </Data>
          <Data name="precision">
            <value>town</value>
          </Data>
        </ExtendedData>
        <Polygon>
          <outerBoundaryIs>
            <LinearRing>
              <tessellate>1</tessellate>
              <coordinates>
                36.0,33.0,0
                36.2,33.0,0
                36.2,33.2,0
                36.0,33.0,0
              </coordinates>
            </LinearRing>
          </outerBoundaryIs>
        </Polygon>
      </Placemark>
    </Folder>
  </Document>
</kml>
"""


def _google_earth_with_a_schema() -> bytes:
    """Google Earth Pro: a table imported with its schema, and a placemark added by hand.

    The hand-made placemark's fields are <Data>; the imported ones' are
    <SchemaData>. GDAL's LIBKML driver dropped the <Data> of every placemark of
    a document with a <Schema> in it.
    """
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2" xmlns:kml="http://www.opengis.net/kml/2.2" xmlns:atom="http://www.w3.org/2005/Atom">
<Document>
	<name>sites.kml</name>
	<Schema name="sites" id="S_sites_SSS">
		<SimpleField type="string" name="kind"><displayName>&lt;b&gt;kind&lt;/b&gt;</displayName>
</SimpleField>
		<SimpleField type="string" name="precision"><displayName>&lt;b&gt;precision&lt;/b&gt;</displayName>
</SimpleField>
	</Schema>
	<Folder>
		<name>sites</name>
		<Placemark>
			<name>Airstrip</name>
			<ExtendedData><SchemaData schemaUrl="#S_sites_SSS">
				<SimpleData name="kind">air_base</SimpleData>
				<SimpleData name="precision">site</SimpleData>
			</SchemaData></ExtendedData>
			<Point><coordinates>36.6,34.1,0</coordinates></Point>
		</Placemark>
	</Folder>
	<Placemark>
		<name>Added by hand</name>
		<ExtendedData>
			<Data name="kind"><value>town</value></Data>
			<Data name="precision"><value>town</value></Data>
		</ExtendedData>
		<Point><coordinates>36.7,34.2,0</coordinates></Point>
	</Placemark>
</Document>
</kml>
"""


def _qgis() -> bytes:
    """QGIS's "Save Features As" KML (GDAL's KML driver): a <Schema> and <SchemaData>."""
    return b"""<?xml version="1.0" encoding="utf-8" ?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document id="root_doc">
<Schema name="places" id="places">
	<SimpleField name="id" type="string"></SimpleField>
	<SimpleField name="kind" type="string"></SimpleField>
	<SimpleField name="precision" type="string"></SimpleField>
	<SimpleField name="pop" type="int"></SimpleField>
</Schema>
<Folder><name>places</name>
  <Placemark>
	<name>Ridge</name>
	<ExtendedData><SchemaData schemaUrl="#places">
		<SimpleData name="id">ridge</SimpleData>
		<SimpleData name="kind">mountain</SimpleData>
		<SimpleData name="precision">site</SimpleData>
	</SchemaData></ExtendedData>
      <Point><coordinates>36.8,34.3</coordinates></Point>
  </Placemark>
</Folder>
</Document></kml>
"""


def _simplekml() -> bytes:
    """simplekml: numbered ids on everything, <Data> with a display name, a schema for some."""
    return b"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
    <Document id="1">
        <Schema name="extra" id="7">
            <SimpleField type="string" name="kind">
                <displayName>Kind</displayName>
            </SimpleField>
        </Schema>
        <Placemark id="3">
            <name>Well</name>
            <ExtendedData>
                <Data name="kind">
                    <value>town</value>
                    <displayName>Kind</displayName>
                </Data>
                <Data name="precision">
                    <value>town</value>
                </Data>
            </ExtendedData>
            <Point id="2">
                <coordinates>36.9,34.4,0.0</coordinates>
            </Point>
        </Placemark>
        <Placemark id="5">
            <name>Crossing</name>
            <ExtendedData>
                <SchemaData schemaUrl="#7">
                    <SimpleData name="kind">military_post</SimpleData>
                </SchemaData>
                <Data name="precision">
                    <value>site</value>
                </Data>
            </ExtendedData>
            <Point id="4">
                <coordinates>37.0,34.5,0.0</coordinates>
            </Point>
        </Placemark>
    </Document>
</kml>
"""


@pytest.mark.parametrize(
    ("tool", "expected"),
    [
        (_my_maps, {"north_gate": "military_post", "old_town": "town"}),
        (_google_earth_with_a_schema, {"sites-1": "town", "sites-2": "air_base"}),
        (_qgis, {"ridge": "mountain"}),
        (_simplekml, {"3": "town", "5": "military_post"}),
    ],
)
def test_extended_data_is_read_whatever_the_schema_says(
    real_catalog: Catalog, tool, expected: dict[str, str]
) -> None:
    result = load_upload({"sites.kml": tool()}, base=real_catalog)
    # QGIS's typed "pop" column is empty, and so not reported.
    assert not result.issues, result.report()
    assert {pid: result.catalog.places[pid].kind.value for pid in expected} == expected


def test_an_unused_schema_does_not_hide_data(real_catalog: Catalog) -> None:
    schema = '<Schema name="unused" id="unused"><SimpleField name="x" type="string"/></Schema>'
    result = load_upload({"x.kml": _kml(schema + _placemark("a", 36.1))}, base=real_catalog)
    assert not result.issues, result.report()
    assert result.catalog.places["a"].precision.value == "town"


def test_my_maps_values_are_read_as_written(real_catalog: Catalog) -> None:
    result = load_upload({"notes.kml": _my_maps()}, base=real_catalog)
    gate = result.catalog.places["north_gate"]
    assert gate.name_en == "North gate" and gate.note is None  # a balloon is not a note
    assert (gate.geometry.x, gate.geometry.y) == (36.51, 34.02)
    assert result.catalog.places["old_town"].geometry.geom_type == "Polygon"


# ------------------------------------------------------------- linear reading


def _folders(n: int) -> bytes:
    return _kml(
        "".join(f"<Folder><name>F{i}</name>{_placemark(f'p{i}', 36.5)}</Folder>" for i in range(n))
    )


def test_thousands_of_folders_read_in_one_pass(
    monkeypatch: pytest.MonkeyPatch, real_catalog: Catalog
) -> None:
    # GDAL read each folder as a layer, parsing the whole document again for
    # each: 2,000 folders took over two minutes. Now the text goes to the
    # parser once, whatever the number of folders.
    raw = _folders(2_000)
    fed: list[int] = []
    feed = ET.XMLPullParser.feed
    monkeypatch.setattr(
        ET.XMLPullParser, "feed", lambda self, data: fed.append(len(data)) or feed(self, data)
    )
    placemarks = read_kml(raw, Collector("folders.kml"))
    assert placemarks is not None and len(placemarks) == 2_000
    assert sum(fed) == len(raw.decode())
    assert placemarks[1_999].folders == ("F1999",)
    result = load_upload({"folders.kml": raw}, base=real_catalog)
    assert not result.issues, result.report()
    assert len(result.catalog.places) == 2_000


def test_placemarks_keep_gdals_numbering_and_their_folder_path(real_catalog: Catalog) -> None:
    # GDAL's layers: the document's own placemarks, then each folder's, folders
    # in the order they open. An unnamed placemark's id is its number in that order.
    def unnamed(lon: float) -> str:
        return (
            f"<Placemark><name>{lon}</name><ExtendedData>{_data(FIELDS)}</ExtendedData>"
            f"<Point><coordinates>{lon},34</coordinates></Point></Placemark>"
        )

    raw = _kml(
        f"<Folder><name>A</name>{unnamed(36.1)}<Folder><name>B</name>{unnamed(36.2)}</Folder>"
        f"{unnamed(36.3)}</Folder>{unnamed(36.4)}"
    )
    marks = read_kml(raw, Collector("order.kml"))
    assert [(geojson(m.shape)["coordinates"][0], m.folders) for m in marks] == [
        (36.4, ()),
        (36.1, ("A",)),
        (36.3, ("A",)),
        (36.2, ("A", "B")),
    ]
    places = load_upload({"order.kml": raw}, base=real_catalog).catalog.places
    assert [places[f"order-{n}"].geometry.x for n in (1, 2, 3, 4)] == [36.4, 36.1, 36.3, 36.2]


def test_the_row_limit_is_checked_before_records_are_built(
    monkeypatch: pytest.MonkeyPatch, real_catalog: Catalog
) -> None:
    from briefmap.data import uploads

    monkeypatch.setattr(uploads, "MAX_FEATURES", 2)
    result = load_upload({"many.kml": _folders(3)}, base=real_catalog)
    assert _located(result) == [("many.kml", "-", "-")]
    assert "3 records is over the limit of 2" in result.issues[0].message
    assert result.catalog.places == {}


# --------------------------------------------------------- encodings, hostile


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-le", "utf-8-sig"])
def test_utf16_and_utf32_kml_are_read(real_catalog: Catalog, encoding: str) -> None:
    declared = encoding.removesuffix("-sig").upper()
    text = (
        _kml(_placemark("قرية", 36.2))
        .decode()
        .replace('encoding="UTF-8"', f'encoding="{declared}"')
    )
    result = load_upload({"arabic.kml": text.encode(encoding)}, base=real_catalog)
    assert not result.issues, result.report()
    assert "قرية" in result.catalog.places


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_broken_utf16_or_utf32_kml_names_the_file_and_line(
    real_catalog: Catalog, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    text = '<?xml version="1.0"?>\n<kml xmlns="http://www.opengis.net/kml/2.2">\n<Document>\n<Placemark></Document></kml>'
    raw = text.encode(encoding)
    result = load_upload({"broken.kml": raw}, base=real_catalog)
    assert _located(result) == [("broken.kml", "-", "-")]
    message = result.issues[0].message
    assert "line 4" in message and "vsimem" not in message
    # validate says the same of the same file.
    path = tmp_path / "broken.kml"
    path.write_bytes(raw)
    assert main(["validate", str(path)]) == 1
    printed = capsys.readouterr().out
    assert "broken.kml" in printed and message in printed and "vsimem" not in printed


def test_garbage_xml_is_one_error_naming_the_line(real_catalog: Catalog) -> None:
    raw = _kml(_placemark("a", 36.1) + "\n\n<Placemark><name>x</nam></Placemark>")
    result = load_upload({"bad.kml": raw}, base=real_catalog)
    assert _located(result) == [("bad.kml", "-", "-")]
    assert "not well-formed XML: mismatched tag: line 3" in result.issues[0].message
    assert result.catalog.places == {}


def test_bytes_not_in_the_declared_encoding_name_the_line(real_catalog: Catalog) -> None:
    raw = _kml(_placemark("a", 36.1)).replace(b"<name>a</name>", b"\n<name>caf\xe9</name>")
    result = load_upload({"latin.kml": raw}, base=real_catalog)
    assert _located(result) == [("latin.kml", "-", "-")]
    assert "line 2: the bytes b'\\xe9</n' are not UTF-8" in result.issues[0].message
    declared = raw.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    assert "café" in {
        p.name_en for p in load_upload({"l.kml": declared}, real_catalog).catalog.places.values()
    }


def test_a_doctype_is_refused_in_any_encoding(real_catalog: Catalog) -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE kml [<!ENTITY a "aaaa">]>'
        + _kml(_placemark("a", 36.1)).decode().split("?>", 1)[1]
    )
    result = load_upload({"laughs.kml": text.encode("utf-16")}, base=real_catalog)
    assert _located(result) == [("laughs.kml", "-", "-")]
    assert "DOCTYPE or ENTITY" in result.issues[0].message


def test_deep_nesting_is_refused(real_catalog: Catalog) -> None:
    depth = kml_files.MAX_KML_DEPTH + 10
    raw = _kml("<Folder>" * depth + _placemark("a", 36.1) + "</Folder>" * depth)
    result = load_upload({"deep.kml": raw}, base=real_catalog)
    assert _located(result) == [("deep.kml", "-", "-")]
    assert f"nest deeper than {kml_files.MAX_KML_DEPTH}" in result.issues[0].message
    # A million levels: refused as soon as the limit is passed, not after building them.
    huge = b"<kml>" + b"<Folder>" * 1_000_000
    out = Collector("huge.kml")
    assert read_kml(huge, out) is None
    assert "nest deeper" in out.issues[0].message


def test_a_file_that_is_not_kml_is_named_so(real_catalog: Catalog) -> None:
    raw = b'<?xml version="1.0"?><gpx xmlns="http://www.topografix.com/GPX/1/1"></gpx>'
    result = load_upload({"track.kml": raw}, base=real_catalog)
    assert _located(result) == [("track.kml", "-", "-")]
    assert "not <kml>" in result.issues[0].message


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("inf,34", "position [inf, 34.0] is not finite"),
        ("36,nan", "position [36.0, nan] is not finite"),
        ("1e400,34", "position [inf, 34.0] is not finite"),
        ("36,abc", "position [36.0, 'abc'] is not a pair of numbers"),
        ("３６,34", "position ['３６', 34.0] is not a pair of numbers"),
        ("36", "position [36.0] is not a pair of numbers"),
        ("", "is empty"),
    ],
)
def test_bad_coordinates_are_named_on_their_record(
    real_catalog: Catalog, written: str, said: str
) -> None:
    bad = f"<Placemark><name>Bad</name><ExtendedData>{_data(FIELDS)}</ExtendedData><Point><coordinates>{written}</coordinates></Point></Placemark>"
    result = load_upload({"pos.kml": _kml(_placemark("good", 36.1) + bad)}, base=real_catalog)
    assert _located(result) == [("pos.kml", "pos-2", "geometry")]
    assert said in result.issues[0].message
    assert set(result.catalog.places) == {"good"}  # the valid rest still loads


# -------------------------------------------------------- namespaces, shapes


@pytest.mark.parametrize(
    "ns",
    [
        "",
        ' xmlns="http://earth.google.com/kml/2.0"',
        ' xmlns="http://earth.google.com/kml/2.1"',
        ' xmlns="http://earth.google.com/kml/2.2"',
        f' xmlns:kml="{KML_22}"',
    ],
)
def test_every_kml_namespace_and_none(real_catalog: Catalog, ns: str) -> None:
    body = _placemark("a", 36.1)
    if "xmlns:kml" in ns:  # every element prefixed
        body = body.replace("<", "<kml:").replace("<kml:/", "</kml:")
        raw = f'<?xml version="1.0"?><kml:kml{ns}><kml:Document>{body}</kml:Document></kml:kml>'.encode()
    else:
        raw = _kml(body, ns)
    result = load_upload({"ns.kml": raw}, base=real_catalog)
    assert not result.issues, result.report()
    assert result.catalog.places["a"].kind.value == "town"


def test_other_vocabularies_are_not_kml(real_catalog: Catalog) -> None:
    # An atom:name in a placemark is not its name.
    raw = _kml(
        _placemark("a", 36.1).replace(
            "<name>a</name>",
            '<name>Real</name><atom:author xmlns:atom="http://www.w3.org/2005/Atom"><atom:name>Not</atom:name></atom:author>',
        )
    )
    assert load_upload({"atom.kml": raw}, base=real_catalog).catalog.places["a"].name_en == "Real"


def test_cdata_names_and_values(real_catalog: Catalog) -> None:
    raw = _kml(
        '<Placemark id="a"><name><![CDATA[Post <b>&]]></name><ExtendedData>'
        '<Data name="kind"><value><![CDATA[town]]></value></Data>'
        '<Data name="precision"><value> town </value></Data></ExtendedData>'
        "<Point><coordinates>36.1,34</coordinates></Point></Placemark>"
    )
    place = load_upload({"cdata.kml": raw}, base=real_catalog).catalog.places["a"]
    assert place.name_en == "Post <b>&" and place.precision.value == "town"


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>36,33 37,33 37,34 36,34 36,33"
            "</coordinates></LinearRing></outerBoundaryIs><innerBoundaryIs><LinearRing>"
            "<coordinates>36.1,33.1 36.2,33.1 36.2,33.2 36.1,33.1</coordinates></LinearRing>"
            "<LinearRing><coordinates>36.5,33.5 36.6,33.5 36.6,33.6 36.5,33.5</coordinates>"
            "</LinearRing></innerBoundaryIs></Polygon>",
            {"type": "Polygon", "holes": 2},
        ),
        (  # left open: closed, as Google Earth draws it (GDAL refused the whole file)
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>36,33 37,33 37,34"
            "</coordinates></LinearRing></outerBoundaryIs></Polygon>",
            {"type": "Polygon", "holes": 0},
        ),
        (
            "<MultiGeometry><Point><coordinates>36.1 , 34</coordinates></Point></MultiGeometry>",
            {"type": "Point"},
        ),
    ],
)
def test_shapes_are_read(real_catalog: Catalog, geometry: str, expected: dict) -> None:
    raw = _kml(
        f'<Placemark id="a"><name>A</name><ExtendedData>{_data(FIELDS)}</ExtendedData>{geometry}</Placemark>'
    )
    result = load_upload({"shapes.kml": raw}, base=real_catalog)
    assert not result.issues, result.report()
    shape = result.catalog.places["a"].geometry
    assert shape.geom_type == expected["type"]
    if "holes" in expected:
        assert len(shape.interiors) == expected["holes"]


@pytest.mark.parametrize(
    ("geometry", "kind"),
    [
        (
            "<MultiGeometry><Point><coordinates>36,34</coordinates></Point>"
            "<Point><coordinates>37,34</coordinates></Point></MultiGeometry>",
            "MultiPoint",
        ),
        (
            "<MultiGeometry><Point><coordinates>36,34</coordinates></Point>"
            "<LineString><coordinates>36,34 37,34</coordinates></LineString></MultiGeometry>",
            "GeometryCollection",
        ),
    ],
)
def test_shapes_that_are_no_place_are_named(
    real_catalog: Catalog, geometry: str, kind: str
) -> None:
    raw = _kml(
        f'<Placemark id="a"><name>A</name><ExtendedData>{_data(FIELDS)}</ExtendedData>{geometry}</Placemark>'
    )
    result = load_upload({"shapes.kml": raw}, base=real_catalog)
    assert _located(result) == [("shapes.kml", "a", "geometry")]
    assert f"type '{kind}' is not supported" in result.issues[0].message
