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
- :func:`standalone_html`: one HTML file, Leaflet inlined, that opens offline at
  the view on screen (:class:`ExportView`), with a scene's highlights.
- :func:`briefmap.drawing.png_export.png_snapshot`: that HTML drawn by the system Chromium.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import folium
from shapely.geometry import GeometryCollection, MultiPoint, MultiPolygon
from shapely.geometry import mapping as shapely_mapping

from briefmap.data.loader import BUNDLE_MEMBER, BUNDLE_META
from briefmap.data.meta import meta_json
from briefmap.data.schema import Catalog, Claim, Place, Source, StatusChange
from briefmap.drawing.assets import (
    LEAFLET_CSS,
    LEAFLET_JS,
    leaflet_css,
    leaflet_script,
    leaflet_source_dir,
    leaflet_style,
    web_text,
)
from briefmap.drawing.bulk import build_layers_auto, build_upload_layer_auto
from briefmap.drawing.mapping import UPLOAD_LAYER, MapExtras, build_map
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame
from briefmap.engine.query import Selection
from briefmap.engine.state import MapArea, MapView
from briefmap.engine.tables import LIST_SEPARATOR, claims_table, to_csv
from briefmap.engine.timeline import Change
from briefmap.safe import map_text

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

    Several points make a MultiPoint and several areas a MultiPolygon, types
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
        for an outline, whose centroid stands in for it.
    """
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


# -------------------------------------------------------------------- HTML

# A base URL no real page uses, so the asset tags to inline are found exactly.
_INLINE_BASE = "briefmap-inline-assets"
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=", re.IGNORECASE)
_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\bstylesheet\b", re.IGNORECASE)

# The offline page around the map (briefmap/drawing/web/export.css).
EXPORT_CSS = web_text("export.css")


def _leaflet_js() -> str:
    code = (leaflet_source_dir() / LEAFLET_JS).read_text(encoding="utf-8")
    # The source map is a file the offline page does not carry.
    code = _SOURCE_MAP.sub("", code)
    # Inside <script>, "</script" would end the element early.
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _leaflet_css() -> str:
    # Every image as a data: URI, so the page needs no file beside it.
    return leaflet_css(lambda image: _data_uri(leaflet_source_dir() / image))


def _replace_once(html: str, pattern: str, replacement: str, what: str) -> str:
    new, count = re.subn(pattern, lambda _m: replacement, html, count=1)
    if count != 1:
        raise RuntimeError(f"could not find {what} in the rendered map to inline it")
    return new


def _inline_leaflet(html: str) -> str:
    js_url = leaflet_script(_INLINE_BASE)[0][1]
    html = _replace_once(
        html,
        rf"<script\b[^>]*\bsrc=\"{re.escape(js_url)}\"[^>]*>\s*</script>",
        f"<script>{_leaflet_js()}</script>",
        LEAFLET_JS,
    )
    return _replace_once(
        html,
        re.escape(leaflet_style(_INLINE_BASE)),
        f"<style>\n{_leaflet_css()}</style>\n",
        LEAFLET_CSS,
    )


# The frame's serial in an exported page: the page frames its one request once.
_EXPORT_FRAME_SERIAL = 1


@dataclass(frozen=True)
class ExportView:
    """Where an exported map looks, and what a briefing's scene marks on it.

    The same as the map on screen: the area the user moved to, or what the app
    last asked the map to frame (a scene's highlighted places, the fitted
    selection), fitted again in the exported page's own size (only the browser
    knows it). ``centre`` is an old link's centre and zoom, set as it is.
    Without either the page frames the places shown, as the map does at first.
    """

    frame: Frame | None = None
    centre: MapView | None = None
    highlight: tuple[str, ...] = ()  # a scene's highlighted places, ringed
    changes: tuple[Change, ...] = ()  # what changed since ``since``, as badges
    since: str | None = None
    as_of: str | None = None  # an "as of" day the user picked: the map's banner says so
    scene: str | None = None  # the scene's heading, for the page's header

    @classmethod
    def on_screen(
        cls,
        moved: MapArea | MapView | None,
        requested: Frame | MapView | None,
        **marks: Any,
    ) -> ExportView:
        """The view the map shows: the user's own area first, else the app's last request.

        Parameters
        ----------
        moved
            The area the user moved the map to (or a link's area or centre), if any.
        requested
            What the app last asked the map for (a scene's frame, the Fit map
            button's, a link's), if anything.
        **marks
            The other fields (``highlight``, ``changes``, ``since``, ``as_of``, ``scene``).
        """
        if isinstance(moved, MapArea):
            return cls(frame=Frame.of(moved.bounds, exact=True), **marks)
        if isinstance(moved, MapView):
            return cls(centre=moved, **marks)
        if isinstance(requested, MapView):
            return cls(centre=requested, **marks)
        return cls(frame=requested, **marks)

    def key(self) -> list[Any]:
        """Where the map looks, as plain values: a picture of another view is another picture."""
        frame = self.frame
        return [
            [frame.bounds, frame.max_zoom, frame.exact] if frame else None,
            [self.centre.center, self.centre.zoom] if self.centre else None,
            list(self.highlight),
            self.scene,
        ]

    def extras(self, catalog: Catalog, selection: Selection) -> MapExtras:
        """The map's extras for this view; no frame asked for: the places shown, as on screen."""
        frame = self.frame
        if frame is None and self.centre is None:
            shown = catalog.index.selection_bounds(selection) or catalog.index.map_bounds
            frame = Frame.of(shown, max_zoom=PLACES_MAX_ZOOM)
        if frame is not None:
            frame = Frame(frame.bounds, _EXPORT_FRAME_SERIAL, frame.max_zoom, frame.exact)
        return MapExtras(
            highlight=self.highlight,
            changes=self.changes,
            since=self.since,
            footnote=False,  # the page's own footer lists the sources in full
            as_of=self.as_of,
            frame=frame,
        )


def whole_data_set(catalog: Catalog, view: ExportView) -> ExportView:
    """``view`` framed around every on-map place of the data (the scene's marks kept)."""
    return replace(view, frame=Frame.of(catalog.index.map_bounds), centre=None)


@dataclass(frozen=True)
class Overlay:
    """A user's upload as it is shown beside the briefing: its own layer, under the same filters."""

    catalog: Catalog
    selection: Selection
    label: str  # the uploaded files' names, as the user gave them

    @property
    def heading(self) -> str:
        return f"{UPLOAD_LAYER}: {self.label}"


def _header(
    catalog: Catalog,
    selection: Selection,
    title: str,
    overlay: Overlay | None = None,
    scene: str | None = None,
) -> str:
    as_of = f"As of {catalog.as_of}" if catalog.as_of else "As of: date not stated"
    shown = f'<span class="bm-export-scene">{map_text(scene)}</span>' if scene else ""
    mine = (
        f'<span class="bm-export-count">{map_text(overlay.heading)}: '
        f"{map_text(overlay.selection.summary_line)}</span>"
        if overlay
        else ""
    )
    return (
        '<header class="bm-export-head">'
        f'<h1 class="bm-export-title">{map_text(title)}</h1>'
        f'<span class="bm-export-asof">{map_text(as_of)}</span>'
        f"{shown}"
        f'<span class="bm-export-count">{map_text(selection.summary_line)}</span>'
        f"{mine}</header>"
    )


def _cited(heading: str, catalog: Catalog, selection: Selection) -> str:
    sources = catalog.index.cited_sources(selection)
    items = "".join(
        f"<li>{map_text(source.credit)}, {map_text(source.date)}</li>" for source in sources
    )
    listing = f"<ol>{items}</ol>" if items else " none (no claim selected)."
    return f"<strong>{map_text(heading)} ({len(sources)}):</strong>{listing}"


def _footer(catalog: Catalog, selection: Selection, overlay: Overlay | None = None) -> str:
    mine = (
        _cited(f"{overlay.heading}, sources cited", overlay.catalog, overlay.selection)
        if overlay
        else ""
    )
    return (
        '<footer class="bm-export-foot">'
        f"{_cited('Sources cited', catalog, selection)}{mine}"
        '<div class="bm-export-note">Exported from Briefmap. Everything but the basemap '
        "is in this file; without a network connection the layers draw on a blank "
        "background.</div>"
        "</footer>"
    )


def standalone_html(
    catalog: Catalog,
    selection: Selection,
    title: str,
    overlay: Overlay | None = None,
    view: ExportView | None = None,
) -> str:
    """The map as one HTML file that opens offline, with title, date and sources.

    The map is :func:`briefmap.drawing.mapping.build_map`'s, with Leaflet's JavaScript
    and CSS (from the installed XStatic-Leaflet, its images as ``data:`` URIs)
    written into the page. Above the map are the title, the "as of" date and
    the scene's heading, below it the sources the selection cites (outlet and
    date). The map opens at ``view``: the area on screen fitted in the page's
    own size, with the scene's highlights and change badges. Only basemap
    tiles are fetched from the network, when it is there.

    Parameters
    ----------
    catalog
        The catalog on screen (rewound to its "as of" day if one was picked).
    selection
        The claims drawn from it.
    title
        The map's title, as the user typed it (escaped here).
    overlay
        The user's upload, if one is on screen: drawn as its own layer, counted
        in the header and its sources listed apart in the footer.
    view
        Where the map looks and what the scene marks; by default the places
        shown, framed as the map frames them at first.

    Returns
    -------
    str
        A complete HTML document.

    Raises
    ------
    RuntimeError
        If the rendered map links a script or stylesheet that could not be inlined.
    """

    # The page's own footer lists the sources in full, so no on-map footnote.
    # Markers up to a few hundred places, canvas layers beyond (as on screen):
    # a marker per place made 100,000 claims a 166 MB page.
    def layers(cat: Catalog, sel: Selection, extras: MapExtras) -> list[folium.FeatureGroup]:
        groups = build_layers_auto(cat, sel, extras)
        if overlay is not None:
            groups.append(
                build_upload_layer_auto(overlay.catalog, overlay.selection, overlay.label)
            )
        return groups

    view = view or ExportView()
    fmap = build_map(
        catalog,
        selection,
        asset_base=_INLINE_BASE,
        extras=view.extras(catalog, selection),
        layers=layers,
    )
    if view.centre is not None:
        # An old link's centre and zoom: set as they are, as st_folium sets them.
        fmap.location = list(view.centre.center)
        fmap.options["zoom"] = view.centre.zoom
    html = _inline_leaflet(fmap.get_root().render())
    # folium's page puts <head>, <body> and </body> before any data-bearing
    # script, so the first of each is the template's own.
    html = html.replace(
        "<head>",
        f'<head>\n<meta charset="utf-8">\n<title>{map_text(title)}</title>\n'
        f"<style>{EXPORT_CSS}</style>",
        1,
    )
    html = html.replace(
        "<body>", f"<body>\n{_header(catalog, selection, title, overlay, view.scene)}", 1
    )
    html = html.replace("</body>", f"{_footer(catalog, selection, overlay)}\n</body>", 1)
    if _EXTERNAL_SCRIPT.search(html) or _STYLESHEET_LINK.search(html):
        raise RuntimeError("the exported map still links an outside script or stylesheet")
    return html
