"""Exports of what is on screen: GeoJSON, a data bundle, a CSV, an offline HTML map and a PNG.

Every function takes the catalog the page shows (already rewound with
:func:`briefmap.engine.timeline.as_of` when the user picked an "as of" day) and the
:class:`~briefmap.engine.query.Selection` drawn from it, so an export holds exactly
the claims on screen. Nothing here imports Streamlit.

- :func:`claims_geojson` / :func:`places_geojson`: one feature per claim (its
  fields as flat properties) and one per place, for GIS tools: each opens with
  one ``geopandas.read_file`` call.
- :func:`bundle` / :func:`bundle_json`: one GeoJSON file that
  :func:`briefmap.data.loader.load_catalog` reads back without loss.
- :func:`claims_csv`: the claims table with place ids and coordinates.
- :func:`briefmap.drawing.html_export.standalone_html`: one HTML file that opens
  offline, and :func:`briefmap.drawing.png_export.png_snapshot`: that HTML drawn
  by the system Chromium.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from shapely.geometry import GeometryCollection, MultiLineString, MultiPoint, MultiPolygon
from shapely.geometry import mapping as shapely_mapping

from briefmap.data.loader import BUNDLE_MEMBER, BUNDLE_META
from briefmap.data.meta import meta_json
from briefmap.data.schema import Catalog, Claim, Place, Source, StatusChange
from briefmap.engine.query import Selection
from briefmap.engine.tables import LIST_SEPARATOR, claims_table, to_csv

# ------------------------------------------------------------------ bundle


def exported_claims(catalog: Catalog, selection: Selection) -> tuple[Claim, ...]:
    """The selected claims as a bundle stores them, in the selection's order.

    A claim is stored as shown: a catalog rewound with
    :func:`briefmap.engine.timeline.as_of` already has each claim's history and origin
    cut at its day, so a bundle of it loads back valid.

    Parameters
    ----------
    catalog
        The catalog on screen.
    selection
        The claims drawn from it.

    Returns
    -------
    tuple[Claim, ...]
        One claim per selected claim.
    """
    # timeline.as_of already cuts each claim's history and origin at its day, so
    # the claims on screen are valid data as they stand.
    return tuple(selection.claims)


def referenced_place_ids(claims: tuple[Claim, ...]) -> set[str]:
    """The places claims are about, and their origins."""
    ids: set[str] = set()
    for claim in claims:
        ids.update(claim.places)
        if claim.origin is not None:
            ids.add(claim.origin)
    return ids


def place_feature(place: Place) -> dict[str, Any]:
    """A place as ``places.geojson`` holds it (a GeoJSON feature)."""
    # mapping() gives tuples; JSON wants lists (the loader checks for lists).
    geometry = json.loads(json.dumps(shapely_mapping(place.geometry)))
    return {"type": "Feature", "properties": place_fields(place), "geometry": geometry}


def place_fields(place: Place) -> dict[str, Any]:
    """A place's fields as ``places.geojson`` holds them (a feature's properties)."""
    return {
        "id": place.id,
        "name_en": place.name_en,
        "name_ar": place.name_ar,
        "name_ru": place.name_ru,
        "alt_names": list(place.alt_names),
        "kind": place.kind.value,
        "precision": place.precision.value,
        "off_map": place.off_map,
        "note": place.note,
    }


def change_record(change: StatusChange) -> dict[str, Any]:
    """A history step as ``claims.json`` holds it."""
    # The loader reads a present-but-null status or posture as an error: omit them.
    record: dict[str, Any] = {"date": change.date}
    if change.status is not None:
        record["status"] = change.status.value
    if change.posture is not None:
        record["posture"] = change.posture.value
    if change.note is not None:
        record["note"] = change.note
    if change.sources:
        record["sources"] = list(change.sources)
    if change.editor is not None:
        record["editor"] = change.editor
    return record


def claim_record(claim: Claim) -> dict[str, Any]:
    """A claim as ``claims.json`` holds it."""
    record: dict[str, Any] = {
        "id": claim.id,
        "places": list(claim.places),
        "actors": list(claim.actors),
        "claimant": claim.claimant,
        "status": claim.status.value,
        "posture": claim.posture.value,
        "reported": claim.reported,
        "summary": claim.summary,
        "attribution": claim.attribution,
        "sources": list(claim.sources),
        "role": claim.role.value,
    }
    if claim.origin is not None:
        record["origin"] = claim.origin
        record["origin_source"] = claim.origin_source
        record["origin_note"] = claim.origin_note
    if claim.history:  # an empty history list is an error for the loader
        record["history"] = [change_record(change) for change in claim.history]
    return record


def source_record(source: Source) -> dict[str, Any]:
    """A source as ``sources.json`` holds it."""
    return {
        "id": source.id,
        "outlet": source.outlet,
        "outlet_known": source.outlet_known,
        "title": source.title,
        "via": source.via,
        "official_of": source.official_of,
        "date": source.date,
        "url": source.url,
    }


def exported_records(
    catalog: Catalog, selection: Selection
) -> tuple[tuple[Claim, ...], list[Place], list[Source]]:
    """What an export of the selection holds: its claims, and the places and sources they cite.

    Every place the claims reference (their places and origins, not only those
    the filter drew) and every source they cite, in catalog order; the claims in
    the selection's order (:func:`exported_claims`).
    """
    claims = exported_claims(catalog, selection)
    place_ids = referenced_place_ids(claims)
    source_ids = {sid for claim in claims for sid in claim.sources}
    places = [place for pid, place in catalog.places.items() if pid in place_ids]
    sources = [source for sid, source in catalog.sources.items() if sid in source_ids]
    return claims, places, sources


def bundle(catalog: Catalog, selection: Selection) -> dict[str, Any]:
    """The selection as a one-file bundle: GeoJSON places plus claims and sources.

    The bundle is a GeoJSON FeatureCollection of every place the selected
    claims reference (their places and any origin, not only those the filter
    drew), with a foreign member ``"briefmap"`` holding ``as_of``, the claims
    (see :func:`exported_claims`), the sources they cite and the data's
    metadata (``meta``: title, region, actors), each in the shape of
    ``geodata/``'s files. :func:`briefmap.data.loader.load_catalog` reads it back
    with no issue and equal claims, places and sources.

    Parameters
    ----------
    catalog
        The catalog on screen (rewound to its "as of" day if one was picked).
    selection
        The claims drawn from it.

    Returns
    -------
    dict[str, Any]
        A JSON-ready object; places and sources in catalog order, claims in
        selection order, keys in the data files' field order.
    """
    claims, places, sources = exported_records(catalog, selection)
    return {
        "type": "FeatureCollection",
        "features": [place_feature(place) for place in places],
        BUNDLE_MEMBER: {
            "as_of": catalog.as_of,
            "claims": [claim_record(claim) for claim in claims],
            "sources": [source_record(source) for source in sources],
            BUNDLE_META: meta_json(catalog.meta),
        },
    }


def bundle_json(catalog: Catalog, selection: Selection) -> str:
    """:func:`bundle` as indented JSON text ending in a newline (non-ASCII kept).

    The same inputs give the same text, key order included.
    """
    return json.dumps(bundle(catalog, selection), ensure_ascii=False, indent=2) + "\n"


# ------------------------------------------------------------ GIS GeoJSON

# The claims and places as GIS tools read GeoJSON: the properties of a file's
# features are its table, so the bundle, whose features are places and whose
# claims sit in a foreign member, opened in geopandas and QGIS as places with
# no status, posture or actors (issue 25, finding 6).


def claim_geometry(catalog: Catalog, claim: Claim) -> Any:
    """Where a claim is: its place's geometry, or its places' together.

    Several points make a MultiPoint, several areas a MultiPolygon and several
    lines a MultiLineString, types
    every GIS tool reads; a claim about points and areas at once becomes a
    GeometryCollection (geopandas reads it; QGIS lists it as a sublayer of its own).
    """
    shapes = [catalog.places[pid].geometry for pid in claim.places]
    if len(shapes) == 1:
        return shapes[0]
    if all(shape.geom_type == "Point" for shape in shapes):
        return MultiPoint(shapes)
    if all(shape.geom_type in ("Polygon", "MultiPolygon") for shape in shapes):
        parts = [g for shape in shapes for g in getattr(shape, "geoms", [shape])]
        return MultiPolygon(parts)
    if all(shape.geom_type in ("LineString", "MultiLineString") for shape in shapes):
        parts = [g for shape in shapes for g in getattr(shape, "geoms", [shape])]
        return MultiLineString(parts)
    return GeometryCollection(shapes)


def claim_properties(catalog: Catalog, claim: Claim) -> dict[str, Any]:
    """A claim's fields as one flat row: lists joined as text, vocabularies as their codes."""
    sources = [catalog.sources[sid] for sid in claim.sources if sid in catalog.sources]
    return {
        "id": claim.id,
        "status": claim.status.value,
        "posture": claim.posture.value,
        "actors": LIST_SEPARATOR.join(claim.actors),
        "claimant": claim.claimant,
        "reported": claim.reported,
        "summary": claim.summary,
        "attribution": claim.attribution,
        "sources": LIST_SEPARATOR.join(f"{s.credit}, {s.date}" for s in sources),
        "source_ids": LIST_SEPARATOR.join(claim.sources),
        "places": LIST_SEPARATOR.join(claim.places),
        "origin": claim.origin,
        "role": claim.role.value,
        "as_of": catalog.as_of,
    }


def claims_features(catalog: Catalog, selection: Selection) -> dict[str, Any]:
    """The selected claims as a GeoJSON FeatureCollection, one feature each.

    Parameters
    ----------
    catalog
        The catalog on screen (rewound to its "as of" day if one was picked).
    selection
        The claims drawn from it: one feature each, in the selection's order.

    Returns
    -------
    dict[str, Any]
        A JSON-ready FeatureCollection whose features carry
        :func:`claim_properties` and :func:`claim_geometry` (WGS 84).
    """
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": claim_properties(catalog, claim),
                # Tuples from mapping(): json.dumps writes them as lists.
                "geometry": shapely_mapping(claim_geometry(catalog, claim)),
            }
            for claim in exported_claims(catalog, selection)
        ],
    }


def place_properties(place: Place, claims: list[str]) -> dict[str, Any]:
    """A place's fields as one flat row, with the ids of the exported claims about it."""
    return {
        **place_fields(place),
        "alt_names": LIST_SEPARATOR.join(place.alt_names),
        "claims": LIST_SEPARATOR.join(claims),
    }


def places_features(catalog: Catalog, selection: Selection) -> dict[str, Any]:
    """The places the selected claims reference, as a flat GeoJSON FeatureCollection.

    The same places as :func:`bundle` (origins included), in catalog order;
    ``claims`` lists the ids of the selected claims about each (a claim's
    origin is not about it), to join with :func:`claims_features`.
    """
    claims, places, _sources = exported_records(catalog, selection)
    about: dict[str, list[str]] = {}
    for claim in claims:
        for pid in claim.places:
            about.setdefault(pid, []).append(claim.id)
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": place_properties(place, about.get(place.id, [])),
                "geometry": shapely_mapping(place.geometry),
            }
            for place in places
        ],
    }


def claims_geojson(catalog: Catalog, selection: Selection) -> str:
    """:func:`claims_features` as JSON text (non-ASCII kept), ending in a newline."""
    return json.dumps(claims_features(catalog, selection), ensure_ascii=False, indent=1) + "\n"


def places_geojson(catalog: Catalog, selection: Selection) -> str:
    """:func:`places_features` as JSON text (non-ASCII kept), ending in a newline."""
    return json.dumps(places_features(catalog, selection), ensure_ascii=False, indent=1) + "\n"


# --------------------------------------------------------------------- CSV

PLACE_IDS_COLUMN = "Place ids"
COORDINATES_COLUMN = "Coordinates"
REGION_PREFIX = "region (approximate)"
COORDINATE_DECIMALS = 5  # about a metre


def place_coordinates(place: Place) -> str:
    """A place's position as text: ``"lat, lon"``, or a region's centroid, marked.

    Parameters
    ----------
    place
        Any place.

    Returns
    -------
    str
        ``"34.915, 35.8745"`` for a point; ``"region (approximate) 33.1, 35.9"``
        for an outline, whose centroid stands in for it; a line's WKT
        (``"LINESTRING (35.9 33.1, 36 33.2)"``, longitude first), since no one
        point stands in for a route.
    """
    if place.is_line:
        return shapely.to_wkt(place.geometry, rounding_precision=COORDINATE_DECIMALS, trim=True)
    point = place.geometry if place.is_point else place.geometry.centroid
    text = f"{round(point.y, COORDINATE_DECIMALS)}, {round(point.x, COORDINATE_DECIMALS)}"
    return text if place.is_point else f"{REGION_PREFIX} {text}"


def claims_csv(catalog: Catalog, selection: Selection) -> bytes:
    """The claims table as CSV, with each claim's place ids and coordinates.

    The columns of :func:`briefmap.engine.tables.claims_table`, plus ``Place ids``
    and ``Coordinates`` after ``Places``, each listing the claim's places in
    the same order, separated by ``"; "``. Cells a spreadsheet would run as a
    formula are defused by :func:`briefmap.engine.tables.to_csv`.

    Parameters
    ----------
    catalog
        The catalog on screen.
    selection
        The claims drawn from it: one row each.

    Returns
    -------
    bytes
        UTF-8 CSV with a header row.
    """
    frame = claims_table(catalog, selection)
    place_ids = [LIST_SEPARATOR.join(claim.places) for claim in selection.claims]
    coordinates = [
        LIST_SEPARATOR.join(place_coordinates(catalog.places[pid]) for pid in claim.places)
        for claim in selection.claims
    ]
    at = list(frame.columns).index("Places") + 1
    frame.insert(at, PLACE_IDS_COLUMN, place_ids)
    frame.insert(at + 1, COORDINATES_COLUMN, coordinates)
    return to_csv(frame)
