"""Exports of what is on screen for GIS tools: a KMZ for Google Earth and a GeoPackage.

- :func:`kmz`: the map as Google Earth shows it: a folder per map layer, a
  placemark per place and layer, styled by its lead claim's status, posture
  and actor the way the map draws it, with the claim card of every claim there
  in its description. Every text from the data is escaped, names and extended
  data too: Google Earth's default balloon puts them into its HTML.
- :func:`geopackage`: the data for QGIS or ArcGIS, and for Briefmap itself:
  the places and the claims as layers, the claims' history, the sources and
  the data set as tables (:data:`~briefmap.data.schema.GPKG_TABLES`), in the
  field convention :mod:`briefmap.data.convention` reads back without loss.

Both take the catalog and selection on screen, like :mod:`briefmap.drawing.exports`.
"""

from __future__ import annotations

import io
import json
import re
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from shapely.geometry import GeometryCollection

from briefmap.data.convention import LIST_FIELDS, list_text
from briefmap.data.meta import meta_json
from briefmap.data.own_layer import OWN_LAYER_MARK, OwnLayer
from briefmap.data.schema import (
    CLAIM_COLUMNS,
    DRAWING_FIELD,
    GIS_CLAIM_ID,
    GPKG_CLAIMS,
    GPKG_HISTORY,
    GPKG_META_TABLE,
    GPKG_PLACES,
    GPKG_SOURCES,
    HISTORY_FIELDS,
    PLACE_FIELDS,
    SOURCE_FIELDS,
    Catalog,
    Claim,
    Posture,
)
from briefmap.drawing.exports import (
    claim_record,
    exported_records,
    place_feature,
    source_record,
)
from briefmap.drawing.line_places import line_strokes
from briefmap.drawing.mapping import Arrow, deployment_arrows
from briefmap.drawing.own_exports import own_frame, own_kml_folder
from briefmap.drawing.plan import ENDED_UNDATED, MapFeature, card_lines, plan_features
from briefmap.drawing.symbology import REGION_FILL_SCALE, STATUS_STYLES
from briefmap.engine.layers import Layer, lead_order
from briefmap.engine.query import Selection
from briefmap.safe import map_text, markup_free_text

# ------------------------------------------------------------------- KMZ

KML_NS = "http://www.opengis.net/kml/2.2"
# KML cannot hatch: a proposed deployment is a light fill (the map hatches it).
PROPOSED_FILL = 0.25
# Fixed, so one selection always gives the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
# A placemark's id attribute is an XML id (an NCName, kept to ASCII here).
_XML_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")


def _kml_colour(colour: str, opacity: float) -> str:
    """``#RRGGBB`` and an opacity as KML's ``aabbggrr``."""
    rgb = colour.lstrip("#").lower()
    return f"{round(opacity * 255):02x}{rgb[4:6]}{rgb[2:4]}{rgb[0:2]}"


def _style_id(feature: MapFeature) -> str:
    place, lead = feature.place, feature.lead
    shape = "point" if place.is_point else "line" if place.is_line else "region"
    return (
        f"bm-{lead.status.value}-{lead.posture.value}-"
        f"{feature.actor.colour.lstrip('#').lower()}-{shape}"
    )


def _style(feature: MapFeature) -> ET.Element:
    """The map's style for a feature in KML: line by status, fill by status and posture."""
    lead, colour = feature.lead, feature.actor.colour
    status = STATUS_STYLES[lead.status]
    fill = status.fill_opacity * (1.0 if feature.place.is_point else REGION_FILL_SCALE)
    if lead.posture is Posture.FORMER:
        fill = 0.0  # hollow
    elif lead.posture is Posture.PROPOSED:
        fill = PROPOSED_FILL
    style = ET.Element("Style", id=_style_id(feature))
    icon = ET.SubElement(style, "IconStyle")
    # A point's icon: the actor's colour, fainter down the ladder, faint when former.
    ET.SubElement(icon, "color").text = _kml_colour(colour, max(fill, 0.4))
    line = ET.SubElement(style, "LineStyle")
    if feature.place.is_line:
        # KML has no dash: a line place keeps the map's width for its status and
        # posture (line_places), its outer stroke, paler when proposed.
        outer = line_strokes(colour, lead.status, lead.posture)[0]
        ET.SubElement(line, "color").text = _kml_colour(colour, outer.opacity)
        ET.SubElement(line, "width").text = str(outer.weight)
    else:
        ET.SubElement(line, "color").text = _kml_colour(colour, 1.0)
        ET.SubElement(line, "width").text = str(status.weight)
    poly = ET.SubElement(style, "PolyStyle")
    ET.SubElement(poly, "color").text = _kml_colour(colour, fill)
    ET.SubElement(poly, "fill").text = "1" if fill > 0 else "0"
    return style


def _claim_html(catalog: Catalog, claim: Claim) -> str:
    """One claim's card as HTML for a placemark's balloon; every value escaped."""
    ended = ENDED_UNDATED if claim.end_date_unknown and claim.posture is Posture.FORMER else None
    lines = "<br/>".join(
        f"<b>{map_text(label)}:</b> {map_text(text)}"
        for label, text in card_lines(catalog, claim, ended)
    )
    return (
        f"<p><b>{map_text(claim.status.label)}</b> · {map_text(claim.posture.label)}"
        f" · claim {map_text(claim.id)}</p><p>{map_text(claim.summary)}</p><p>{lines}</p>"
    )


def _coordinates(positions: Any) -> str:
    return " ".join(f"{x!r},{y!r}" for x, y, *_ in positions)


def _kml_geometry(parent: ET.Element, geometry: Any) -> None:
    if geometry.geom_type == "Point":
        point = ET.SubElement(parent, "Point")
        ET.SubElement(point, "coordinates").text = _coordinates(geometry.coords)
        return
    if geometry.geom_type == "MultiLineString":
        parts = ET.SubElement(parent, "MultiGeometry")
        for line in geometry.geoms:
            _kml_geometry(parts, line)
        return
    if geometry.geom_type == "LineString":
        line = ET.SubElement(parent, "LineString")
        ET.SubElement(line, "coordinates").text = _coordinates(geometry.coords)
        return
    polygon = ET.SubElement(parent, "Polygon")
    rings = [("outerBoundaryIs", geometry.exterior)] + [
        ("innerBoundaryIs", ring) for ring in geometry.interiors
    ]
    for tag, ring in rings:
        boundary = ET.SubElement(ET.SubElement(polygon, tag), "LinearRing")
        ET.SubElement(boundary, "coordinates").text = _coordinates(ring.coords)


def _xml_id(pid: str, taken: set[str]) -> str:
    """``pid`` if it is an XML id not yet used, else a made-up one (``bm-place-3``)."""
    xml_id, number = pid, len(taken)
    while not _XML_ID.fullmatch(xml_id) or xml_id in taken:
        number += 1
        xml_id = f"bm-place-{number}"
    taken.add(xml_id)
    return xml_id


def _data(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(ET.SubElement(parent, "Data", name=name), "value").text = value


def _escaped(value: Any) -> Any:
    """A field's text, or each item of its list, as :func:`markup_free_text`; flags as they are."""
    if isinstance(value, list):
        return [markup_free_text(item) for item in value]
    return value if value is None or isinstance(value, bool) else markup_free_text(value)


def _placemark(catalog: Catalog, feature: MapFeature, pid: str, xml_id: str) -> ET.Element:
    """A place's placemark; ``pid`` its id in the KMZ, ``xml_id`` its id attribute.

    Google Earth's default balloon is HTML made of the name, the description
    and a table of the extended data, so each of them is escaped as text.
    """
    place = feature.place
    mark = ET.Element("Placemark", id=xml_id)
    ET.SubElement(mark, "name").text = markup_free_text(place.name_en)
    ET.SubElement(mark, "styleUrl").text = f"#{_style_id(feature)}"
    claims = sorted(feature.claims, key=lead_order)
    ET.SubElement(mark, "description").text = "<hr/>".join(
        _claim_html(catalog, claim) for claim in claims
    )
    # The place's own fields, so the KMZ reads back into Briefmap as the places.
    data = ET.SubElement(mark, "ExtendedData")
    if xml_id != pid:
        # An id that is no XML id (markup, another script) is data: Briefmap's
        # import reads an id in extended data before the placemark's own.
        _data(data, "id", markup_free_text(pid))
    # A list's items escaped before they are joined: "&amp;" holds the separator.
    fields = _cells({k: _escaped(v) for k, v in place_feature(place)["properties"].items()})
    for name in PLACE_FIELDS:
        value = fields.get(name)
        if name in ("id", "name_en") or value in (None, False):
            continue  # the placemark's id and name; off_map only when true
        _data(data, name, "true" if value is True else str(value))
    _kml_geometry(mark, place.geometry)
    return mark


def kml_document(catalog: Catalog, selection: Selection, own: Sequence[OwnLayer] = ()) -> bytes:
    """The map on screen as a KML document (UTF-8); :func:`kmz` zips it.

    ``own``: the user's own layers, in a folder of their own after the map's
    (:func:`briefmap.drawing.own_exports.own_kml_folder`).
    """
    ET.register_namespace("", KML_NS)
    features = plan_features(catalog, selection)
    root = ET.Element("kml", xmlns=KML_NS)
    document = ET.SubElement(root, "Document")
    ET.SubElement(document, "name").text = markup_free_text(catalog.meta.title)
    ET.SubElement(document, "description").text = map_text(
        f"{selection.summary_line}, as of {catalog.as_of or 'today'}. "
        "Colour: actor; line width and fill: status (KML draws no dashes); "
        "former: hollow; proposed: a light fill (the map hatches it)."
    )
    styles = {_style_id(f): _style(f) for f in features}
    document.extend(styles.values())
    # A place in two layers gets the layer in its second placemark's id.
    seen: set[str] = set()
    xml_ids: set[str] = set()
    for layer in Layer:
        here = [f for f in features if f.layer is layer]
        if not here:
            continue
        folder = ET.SubElement(document, "Folder")
        ET.SubElement(folder, "name").text = layer.value
        for feature in here:
            pid = feature.place.id
            pid = pid if pid not in seen else f"{pid}--{layer.slug}"
            seen.add(pid)
            folder.append(_placemark(catalog, feature, pid, _xml_id(pid, xml_ids)))
        if layer is Layer.PROPOSED:
            # The map's arrows: only from a base a source names (deployment_arrows).
            for arrow in deployment_arrows(catalog, here):
                document.insert(len(styles), _arrow_style(arrow.colour))
                folder.append(_arrow_placemark(arrow))
    if own:
        document.append(own_kml_folder(own))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _arrow_style(colour: str) -> ET.Element:
    style = ET.Element("Style", id=f"bm-arrow-{colour.lstrip('#').lower()}")
    line = ET.SubElement(style, "LineStyle")
    ET.SubElement(line, "color").text = _kml_colour(colour, 1.0)
    ET.SubElement(line, "width").text = "3"
    return style


def _arrow_placemark(arrow: Arrow) -> ET.Element:
    """A proposed deployment's arrow as a line from the named base to the place.

    Marked as Briefmap's drawing (``briefmap_drawing`` = ``arrow``), so reading
    the KMZ back does not take the line for a place.
    """
    mark = ET.Element("Placemark")
    ET.SubElement(mark, "name").text = "Proposed deployment, from the base a source names"
    ET.SubElement(mark, "styleUrl").text = f"#bm-arrow-{arrow.colour.lstrip('#').lower()}"
    ET.SubElement(mark, "description").text = arrow.label  # escaped by deployment_arrows
    _data(ET.SubElement(mark, "ExtendedData"), DRAWING_FIELD, "arrow")
    line = ET.SubElement(mark, "LineString")
    ET.SubElement(line, "coordinates").text = _coordinates(
        [(lon, lat) for lat, lon in (arrow.tail, arrow.tip)]
    )
    return mark


def kmz(catalog: Catalog, selection: Selection, own: Sequence[OwnLayer] = ()) -> bytes:
    """The map on screen as a KMZ (``doc.kml`` zipped), for Google Earth.

    Parameters
    ----------
    catalog
        The catalog on screen (rewound to its "as of" day if one was picked).
    selection
        The claims drawn from it.
    own
        The user's own layers on screen: a folder named "your data — not
        sourced claims", apart from the map's layers.

    Returns
    -------
    bytes
        A zip holding ``doc.kml``: a folder per map layer, a placemark per
        place and layer (its lead claim's style; every claim's card in its
        description), the places' kind and precision as extended data.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("doc.kml", _ZIP_TIME), kml_document(catalog, selection, own)
        )
    return out.getvalue()


# ------------------------------------------------------------- GeoPackage


def _cells(record: dict[str, Any]) -> dict[str, Any]:
    """A record's lists as single cells, by the convention."""
    return {k: list_text(v) if k in LIST_FIELDS else v for k, v in record.items()}


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    # Every column, even when no row fills it (an empty table keeps its columns).
    return pd.DataFrame(rows, columns=list(columns))


def _layers(catalog: Catalog, selection: Selection) -> dict[str, pd.DataFrame]:
    claims, places, sources = exported_records(catalog, selection)
    place_rows = [_cells(place_feature(p)["properties"]) for p in places]
    claim_rows = []
    history_rows = []
    for claim in claims:
        record = claim_record(claim)
        steps = record.pop("history", [])
        claim_rows.append(_cells(record))
        history_rows += [{GIS_CLAIM_ID: claim.id, **_cells(step)} for step in steps]
    # The claims CSV's columns but "ended", the CSV's stand-in for a history:
    # here the history is a table of its own.
    claim_columns = tuple(c for c in CLAIM_COLUMNS if c != "ended")
    return {
        GPKG_PLACES: gpd.GeoDataFrame(
            _frame(place_rows, PLACE_FIELDS),
            geometry=[p.geometry for p in places],
            crs="EPSG:4326",
        ),
        GPKG_CLAIMS: gpd.GeoDataFrame(
            _frame(claim_rows, claim_columns),
            # A claim is where its places are: one geometry, or a collection of them.
            geometry=[_claim_geometry(catalog, c) for c in claims],
            crs="EPSG:4326",
        ),
        GPKG_HISTORY: _frame(history_rows, (GIS_CLAIM_ID, *HISTORY_FIELDS)),
        GPKG_SOURCES: _frame([_cells(source_record(s)) for s in sources], SOURCE_FIELDS),
        GPKG_META_TABLE: _frame(
            [
                {"key": "as_of", "value": catalog.as_of},
                {"key": "meta", "value": json.dumps(meta_json(catalog.meta), ensure_ascii=False)},
            ],
            ("key", "value"),
        ),
    }


def _claim_geometry(catalog: Catalog, claim: Claim) -> Any:
    shapes = [catalog.places[pid].geometry for pid in claim.places]
    return shapes[0] if len(shapes) == 1 else GeometryCollection(shapes)


def geopackage(catalog: Catalog, selection: Selection, own: Sequence[OwnLayer] = ()) -> bytes:
    """The selection as a GeoPackage that Briefmap reads back without loss.

    Parameters
    ----------
    catalog
        The catalog on screen (rewound to its "as of" day if one was picked).
    selection
        The claims drawn from it.
    own
        The user's own layers on screen: a layer of their own named "your data
        — not sourced claims" (:func:`briefmap.drawing.own_exports.own_frame`),
        which Briefmap does not read back as places or claims.

    Returns
    -------
    bytes
        A GeoPackage with the layers ``places`` and ``claims`` (WGS 84) and the
        tables ``history``, ``sources`` and ``briefmap`` (``as_of`` and the
        data set's ``briefmap.json``), lists as ``a;b`` cells (a JSON array
        when an item holds a ``;``).
    """
    # GDAL writes a GeoPackage's layers one by one into a file (it cannot add
    # a layer to an in-memory one): a private temporary folder, removed after.
    with tempfile.TemporaryDirectory(prefix="briefmap-gpkg-") as folder:
        path = Path(folder) / "export.gpkg"
        for name, frame in _layers(catalog, selection).items():
            spatial = isinstance(frame, gpd.GeoDataFrame)
            pyogrio.write_dataframe(
                frame,
                path,
                layer=name,
                driver="GPKG",
                append=path.exists(),
                # Points and polygons share a layer: GDAL's "any geometry".
                **({"geometry_type": "Unknown"} if spatial else {}),
            )
        mine = own_frame(own)
        if mine is not None:
            pyogrio.write_dataframe(
                mine,
                path,
                layer=OWN_LAYER_MARK,
                driver="GPKG",
                append=True,
                geometry_type="Unknown",
            )
        return path.read_bytes()
