"""GIS files out: the GeoPackage reads back without loss; the KMZ opens in a KML reader.

Both are read back with pyogrio (GDAL), as QGIS and Google Earth's KML
readers would, and through Briefmap's own import.
"""

from __future__ import annotations

import html
import io
import json
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest

from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus, Posture
from briefmap.drawing import gis_exports, mapping
from briefmap.drawing.exports import referenced_place_ids
from briefmap.drawing.plan import plan_features
from briefmap.engine.layers import Layer
from briefmap.engine.query import ClaimFilter, select
from briefmap.engine.timeline import as_of

SCRIPT = "<script>window.__pwned=1</script>"
CDATA_END = "]]><evil/>"


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # GDAL on in-memory files' names
        return call(*args, **kwargs)


def _geopackage_back(catalog: Catalog, claim_filter: ClaimFilter, tmp_path: Path) -> Catalog:
    path = tmp_path / "export.gpkg"
    path.write_bytes(gis_exports.geopackage(catalog, select(catalog, claim_filter)))
    result = load_catalog(path)
    assert result.ok, result.report()
    return result.catalog


def _doc_kml(catalog: Catalog, claim_filter: ClaimFilter | None = None) -> bytes:
    raw = gis_exports.kmz(catalog, select(catalog, claim_filter or ClaimFilter()))
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert archive.namelist() == ["doc.kml"]
        return archive.read("doc.kml")


def _tree(kml: bytes) -> ET.Element:
    # Our own export, parsed to check its structure: no untrusted XML here.
    return ET.fromstring(kml)  # noqa: S314


def _placemarks(kml: bytes) -> list[dict]:
    """Every placemark as GDAL's KML reader gives it, with its folder."""
    rows = []
    for index, (name, _) in enumerate(_quiet(pyogrio.list_layers, kml)):
        frame = _quiet(pyogrio.read_dataframe, kml, layer=index)
        rows += [dict(row, folder=str(name)) for row in frame.to_dict("records")]
    return rows


# -------------------------------------------------------------- GeoPackage


def test_geopackage_round_trip_is_lossless(named_origin_catalog: Catalog, tmp_path: Path) -> None:
    catalog = named_origin_catalog
    back = _geopackage_back(catalog, ClaimFilter(), tmp_path)
    assert back.claims == catalog.claims  # history, origins, roles and all
    assert back.sources == catalog.sources
    wanted = referenced_place_ids(tuple(catalog.claims.values()))
    assert back.places == {pid: p for pid, p in catalog.places.items() if pid in wanted}
    assert (back.as_of, back.meta) == (catalog.as_of, catalog.meta)
    # What the real data exercises, so a loss would show.
    assert any(c.history for c in back.claims.values())
    assert any(c.end_date_unknown for c in back.claims.values())
    assert any(c.origin_note for c in back.claims.values())
    assert any(not s.outlet_known for s in back.sources.values())
    assert any(p.alt_names for p in back.places.values())
    assert any(not p.is_point for p in back.places.values())


def test_geopackage_round_trip_keeps_separators_and_rewound_days(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    place = next(p for p in real_catalog.places.values() if p.alt_names)
    odd = replace(place, alt_names=("Semi;colon", "[bracketed]", "plain"), off_map=True)
    catalog = as_of(
        replace(real_catalog, places={**real_catalog.places, place.id: odd}), "2025-10-16"
    )
    back = _geopackage_back(catalog, ClaimFilter(), tmp_path)
    assert back.places[place.id].alt_names == ("Semi;colon", "[bracketed]", "plain")
    assert back.places[place.id].off_map
    assert back.as_of == "2025-10-16" and back.claims == catalog.claims


def test_geopackage_has_places_and_claims_layers_and_tables(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter(actors=frozenset({"israel"})))
    raw = gis_exports.geopackage(real_catalog, selection)
    layers = dict(_quiet(pyogrio.list_layers, raw).tolist())
    assert layers["places"] and layers["claims"]  # spatial
    assert layers["history"] is None and layers["sources"] is None and layers["briefmap"] is None
    claims = _quiet(pyogrio.read_dataframe, raw, layer="claims")
    assert sorted(claims["id"]) == sorted(c.id for c in selection.claims)
    assert str(claims.crs) == "EPSG:4326"
    history = _quiet(pyogrio.read_dataframe, raw, layer="history", read_geometry=False)
    steps = [(c.id, h.date) for c in selection.claims for h in c.history]
    assert list(zip(history["claim_id"], history["date"], strict=True)) == steps


# --------------------------------------------------------------------- KMZ


def test_kmz_opens_in_a_kml_reader_with_every_shown_claim(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    marks = _placemarks(_doc_kml(real_catalog))
    features = plan_features(real_catalog, selection)
    assert len(marks) == len(features) > 0  # a placemark per place and layer, as drawn
    described = " ".join(m["description"] for m in marks)
    for claim in selection.claims:
        assert f"claim {claim.id}" in described
    assert {m["folder"] for m in marks} == {f.layer.value for f in features}


def test_kmz_holds_only_the_filtered_claims(real_catalog: Catalog) -> None:
    only = ClaimFilter(statuses=frozenset({ClaimStatus.CONFIRMED}))
    described = " ".join(m["description"] for m in _placemarks(_doc_kml(real_catalog, only)))
    # The real data has confirmed claims, so the KMZ has something to hold.
    assert any(c.status is ClaimStatus.CONFIRMED for c in real_catalog.claims.values())
    for claim in real_catalog.claims.values():
        assert (f"claim {claim.id}<" in described) == (claim.status is ClaimStatus.CONFIRMED)


def test_kmz_styles_follow_the_map(real_catalog: Catalog) -> None:
    kml = _doc_kml(real_catalog)
    ns = {"k": gis_exports.KML_NS}
    styles = {s.get("id"): s for s in _tree(kml).iter(f"{{{ns['k']}}}Style")}
    former = [s for sid, s in styles.items() if "-former-" in sid]
    current = [s for sid, s in styles.items() if "-confirmed-current-" in sid and "point" in sid]
    assert former and current
    for style in former:  # hollow
        assert style.find("k:PolyStyle/k:fill", ns).text == "0"
    for style in current:  # filled, in the actor's colour, a confirmed line's weight
        assert style.find("k:PolyStyle/k:fill", ns).text == "1"
        assert style.find("k:LineStyle/k:width", ns).text == "3.5"
        colour = style.get("id").split("-")[3]  # rrggbb -> KML's aabbggrr
        assert (
            style.find("k:LineStyle/k:color", ns).text == f"ff{colour[4:]}{colour[2:4]}{colour[:2]}"
        )
    marks = list(_tree(kml).iter(f"{{{ns['k']}}}Placemark"))
    assert marks and all(m.find("k:styleUrl", ns).text.lstrip("#") in styles for m in marks)


def test_kmz_escapes_text(real_catalog: Catalog) -> None:
    claim = next(c for c in real_catalog.claims.values() if c.posture is Posture.CURRENT)
    place = real_catalog.places[claim.places[0]]
    hostile = replace(claim, summary=f"Summary {SCRIPT} {CDATA_END} & ${{x}}")
    catalog = replace(
        real_catalog,
        claims={claim.id: hostile},
        places={**real_catalog.places, place.id: replace(place, name_en=f"Name {SCRIPT}")},
    )
    kml = _doc_kml(catalog)
    _tree(kml)  # still well-formed XML
    (mark,) = _placemarks(kml)
    # The balloon is HTML: the payload is there only as text, never as markup.
    assert SCRIPT not in mark["description"] and "<evil/>" not in mark["description"]
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in mark["description"]


IMG = "<img src=x onerror=alert(1)>"
SVG = "<svg/onload=alert(2)>"
RLO = "\u202e"  # right-to-left override: "gnp.exe" shows as "exe.png"


def _hostile_place(catalog: Catalog, pid: str) -> Catalog:
    """The catalog with one current claim about a place whose every text is a payload."""
    claim = next(c for c in catalog.claims.values() if c.posture is Posture.CURRENT)
    place = catalog.places[claim.places[0]]
    hostile = replace(
        place,
        id=pid,
        name_en=f"Name {IMG} {RLO}gnp.exe & Ma'arrat",
        name_ar=f"اسم {SVG}",
        name_ru=f"Имя {RLO}{IMG}",
        alt_names=(f"Alt {SVG}", "A & B"),
        note=f"Note {IMG}",
    )
    return replace(
        catalog,
        claims={claim.id: replace(claim, places=(pid,))},
        places={pid: hostile},
        meta=replace(catalog.meta, title=f"Title {SVG}{RLO}"),
    )


def test_kmz_escapes_names_ids_and_extended_data(real_catalog: Catalog) -> None:
    pid = f"post{SVG}"  # no space, so a valid place id
    catalog = _hostile_place(real_catalog, pid)
    place = catalog.places[pid]
    kml = _doc_kml(catalog)
    tree = _tree(kml)
    # After XML parsing, no text and no attribute holds a tag or a bidi control:
    # a viewer that renders any of them as HTML shows characters, never markup.
    for element in tree.iter():
        for text in (element.text or "", *element.attrib.values()):
            if element.tag.endswith("description"):
                continue  # HTML by design, its values escaped (test_kmz_escapes_text)
            assert "<" not in text and RLO not in text, (element.tag, text)
    ns = {"k": gis_exports.KML_NS}
    (mark,) = tree.iter(f"{{{ns['k']}}}Placemark")
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", mark.get("id"))  # an XML id
    assert tree.find("k:Document/k:name", ns).text == "Title &lt;svg/onload=alert(2)&gt;"
    # As GDAL reads it: the name and each value escaped once, apostrophes kept.
    (read,) = _placemarks(kml)
    assert read["Name"] == "Name &lt;img src=x onerror=alert(1)&gt; gnp.exe &amp; Ma'arrat"
    assert read["name_ar"] == "اسم &lt;svg/onload=alert(2)&gt;"
    assert read["note"] == "Note &lt;img src=x onerror=alert(1)&gt;"
    # A viewer that renders them as HTML shows the analyst's text, bidi controls dropped.
    fields = {"Name": place.name_en, "name_ar": place.name_ar, "name_ru": place.name_ru}
    fields |= {"note": place.note, "id": pid}
    for column, written in fields.items():
        assert html.unescape(read[column]) == written.replace(RLO, ""), column
    # A list's items escaped one by one: "&amp;" holds ";", so the cell is a JSON array.
    assert [html.unescape(a) for a in json.loads(read["alt_names"])] == list(place.alt_names)


def test_a_geopackage_keeps_text_as_the_analyst_wrote_it(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    # Cells are data, not markup (QGIS and ArcGIS show them as text), and the
    # GeoPackage is the export that loads back without loss: nothing escaped.
    catalog = _hostile_place(real_catalog, f"post{SVG}")
    back = _geopackage_back(catalog, ClaimFilter(), tmp_path)
    assert back.places == catalog.places
    assert back.meta.title == catalog.meta.title


def test_a_placemark_id_that_is_no_xml_id_is_made_up_and_kept_as_data(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    pid = "مطار_الشعيرات"  # a place id in Arabic: fine in Briefmap, no ASCII XML id
    catalog = _hostile_place(real_catalog, pid)
    tree = _tree(_doc_kml(catalog))
    (mark,) = tree.iter(f"{{{gis_exports.KML_NS}}}Placemark")
    assert mark.get("id") == "bm-place-1"
    path = tmp_path / "map.kmz"
    path.write_bytes(gis_exports.kmz(catalog, select(catalog, ClaimFilter())))
    result = load_catalog(path)
    assert result.ok, result.report()
    # Read back, the id is the analyst's; names come back escaped, without bidi controls.
    (back,) = result.catalog.places.values()
    written = catalog.places[pid]
    assert back.id == pid
    assert back.name_en == html.escape(written.name_en.replace(RLO, ""), quote=False)
    assert back.alt_names == tuple(html.escape(a, quote=False) for a in written.alt_names)
    assert (back.kind, back.precision, back.off_map) == (
        written.kind,
        written.precision,
        written.off_map,
    )


def test_kmz_reads_back_into_briefmap_as_its_places(real_catalog: Catalog, tmp_path: Path) -> None:
    path = tmp_path / "map.kmz"
    only = ClaimFilter(actors=frozenset({"israel"}))
    path.write_bytes(gis_exports.kmz(real_catalog, select(real_catalog, only)))
    result = load_catalog(path)
    assert result.ok, result.report()
    assert result.catalog.places
    for pid, place in result.catalog.places.items():
        assert place == real_catalog.places[pid.split("--")[0]] or pid.count("--") == 1
        assert place.kind == real_catalog.places[pid.split("--")[0]].kind


@pytest.mark.parametrize("export", [gis_exports.kmz, gis_exports.geopackage])
def test_exports_of_nothing_shown_are_valid_files(real_catalog: Catalog, export, tmp_path) -> None:
    nothing = select(real_catalog, ClaimFilter(search="no place is called this"))
    assert not nothing.claims
    path = tmp_path / ("empty.kmz" if export is gis_exports.kmz else "empty.gpkg")
    path.write_bytes(export(real_catalog, nothing))
    result = load_catalog(path)
    assert result.ok, result.report()
    assert not result.catalog.claims


def test_kmz_draws_the_arrow_from_the_base_a_source_names(
    named_origin_catalog: Catalog, tmp_path: Path
) -> None:
    catalog = named_origin_catalog
    selection = select(catalog, ClaimFilter())
    features = plan_features(catalog, selection)
    arrows = mapping.deployment_arrows(catalog, [f for f in features if f.layer is Layer.PROPOSED])
    assert arrows, "the fixture names an origin"
    marks = _placemarks(_doc_kml(catalog))
    lines = [m for m in marks if m["geometry"].geom_type == "LineString"]
    assert len(lines) == len(arrows)
    for line, arrow in zip(lines, arrows, strict=True):
        (lon0, lat0, *_), (lon1, lat1, *_) = line["geometry"].coords
        assert (round(lat0, 5), round(lon0, 5)) == tuple(round(v, 5) for v in arrow.tail)
        assert (round(lat1, 5), round(lon1, 5)) == tuple(round(v, 5) for v in arrow.tip)
        assert line["folder"] == Layer.PROPOSED.value
        # The balloon is HTML: the label escaped once, as on the map.
        assert html.unescape(line["description"]) == html.unescape(arrow.label)
    # Read back into Briefmap, the line is a drawing, not a place: no issue, no extra place.
    path = tmp_path / "map.kmz"
    path.write_bytes(gis_exports.kmz(catalog, selection))
    result = load_catalog(path)
    assert result.ok, result.report()
    assert len(result.catalog.places) == len(marks) - len(lines)
