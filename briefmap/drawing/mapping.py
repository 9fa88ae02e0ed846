"""Pure map builders: catalog and selection in, folium objects out (the marker renderer).

Nothing here imports Streamlit, so every map can be built and inspected in a
test. The page passes :func:`build_base_map` to ``st_folium`` once and the
result of :func:`build_layers` as ``feature_group_to_add``: the base map's
script stays byte-for-byte the same across filter changes, so the browser
keeps the map (and the user's zoom and pan) and only swaps the layers.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import folium
from branca.element import Element
from xyzservices import providers

from briefmap.data.schema import (
    Catalog,
    PlaceKind,
    Posture,
)
from briefmap.drawing.assets import (
    COMPONENT_RELATIVE_BASE,
    leaflet_script,
    leaflet_style,
    web_style,
)
from briefmap.drawing.branca_internals import children_of, set_id
from briefmap.drawing.line_places import line_elements, line_label
from briefmap.drawing.map_elements import (
    FitWhenSized,
    FocusWithoutScrolling,
    FrameView,
    HatchPatterns,
    LabelRoom,
    MapControl,
    OpenPlaces,
    RawText,
    SafeFeatureGroup,
    ZoomClass,
)
from briefmap.drawing.outlines import outline_layer
from briefmap.drawing.plan import (
    Layer,
    MapFeature,
    footnote_html,
    lead_order,
    one_per_place,
    place_tooltip_html,
    plan_features,
    tooltip_html,
)
from briefmap.drawing.playback import PlaybackTape
from briefmap.drawing.scene_marks import (
    HIGHLIGHT_LAYER,
    anchor,
    changes_group,
    highlight,
    rings,
)
from briefmap.drawing.symbology import (
    REGION_FILL_SCALE,
    STATUS_STYLES,
    SYMBOL_PX,
    actor_mark,
    hatch_id,
    legend_html,
    mark_svg,
    symbol_svg,
)
from briefmap.engine.interaction import Frame
from briefmap.engine.query import Selection
from briefmap.engine.timeline import Change, as_of_banner
from briefmap.safe import map_text

LABEL_LEFT = frozenset({PlaceKind.CITY, PlaceKind.TOWN, PlaceKind.CAPITAL})

# Leaflet's z-index offsets (it stacks markers by latitude otherwise), by symbol size.
SMALL_ON_TOP = {PlaceKind.TOWN: 2000, PlaceKind.CITY: 1000}

FEATURE_CLASS = "bm-feature"  # every drawn place carries it: browser tests count these


def _tooltip(feature: MapFeature) -> folium.Tooltip:
    return folium.Tooltip(tooltip_html(feature), sticky=True, class_name="bm-tooltip")


# ------------------------------------------------------------------- points


# Up to this many points every one is labelled at every zoom; beyond, labels
# show from map_elements.LABELS_FROM_ZOOM in (hundreds of names over a whole country are
# a black smear; the tooltips still name every place).
LABEL_EVERY_POINT_UP_TO = 60


def _point_marker(
    feature: MapFeature, *, crowded: bool = False, also: tuple[MapFeature, ...] = ()
) -> folium.Marker:
    """A point place's one marker, drawn as ``feature``; ``also``: its claims in other layers."""
    place, lead = feature.place, feature.lead
    mark = actor_mark(feature.actors, feature.actor.id)
    svg = symbol_svg(place.kind, feature.actor.colour, lead.status, lead.posture, mark)
    # Towns are labelled to the left and installations to the right: the bases
    # sit next to their towns (an air base by the town it is named for, a naval
    # facility in its port city, an airport by the city it serves), so the
    # labels part ways.
    side = " bm-label-left" if place.kind in LABEL_LEFT else ""
    when = " bm-label-near" if crowded else ""
    # data-place: the map's script reports which place a click or a key opened.
    label = (
        f'<span class="bm-label{side}{when}" data-place="{map_text(place.id)}" '
        f'data-rank="{lead.status.rank}">'
        f"{map_text(place.name_en)}</span>"
    )
    icon = folium.DivIcon(
        html=f"{svg}{label}",
        icon_size=(SYMBOL_PX, SYMBOL_PX),
        icon_anchor=(SYMBOL_PX // 2, SYMBOL_PX // 2),
        class_name=f"{FEATURE_CLASS} bm-point bm-layer-{feature.layer.slug}",
    )
    point = place.geometry
    tooltip = folium.Tooltip(
        place_tooltip_html((feature, *also)), sticky=True, class_name="bm-tooltip"
    )
    # Tabbing onto a place off the map's view (a capital far away) must not pan to it.
    # Smaller symbols on top: a town beside its airport stays clickable inside
    # the airport's larger symbol, which is still clickable around it.
    return folium.Marker(
        location=(point.y, point.x),
        icon=icon,
        tooltip=tooltip,
        auto_pan_on_focus=False,
        z_index_offset=SMALL_ON_TOP.get(place.kind, 0),
    )


# ----------------------------------------------------------------- polygons


def _region(feature: MapFeature) -> folium.Polygon:
    lead = feature.lead
    style = STATUS_STYLES[lead.status]
    colour = feature.actor.colour
    if lead.posture is Posture.FORMER:
        fill_colour, fill_opacity = colour, 0.0
    elif lead.posture is Posture.PROPOSED:
        # The hatch pattern is defined once on the map (see HatchPatterns).
        fill_colour, fill_opacity = f"url(#{hatch_id(colour)})", 0.55
    else:
        fill_colour, fill_opacity = colour, style.fill_opacity * REGION_FILL_SCALE
    return folium.Polygon(
        locations=rings(feature.place.geometry),
        color=colour,
        weight=style.weight,
        dash_array=style.dash,
        fill=True,
        fill_color=fill_colour,
        fill_opacity=fill_opacity,
        class_name=f"{FEATURE_CLASS} bm-region bm-layer-{feature.layer.slug}",
        tooltip=_tooltip(feature),
    )


def _region_mark(feature: MapFeature) -> folium.Marker:
    """An area's actor mark at its label point, as a point's symbol carries it at its centre.

    In greyscale the areas' colours print as near the same grey (a green, a navy
    and a plum: issue 25, finding 9); the mark tells
    them apart. It only says whose: clicks, keys and tooltips stay the area's.
    """
    lat, lon = anchor(feature.place)
    mark = actor_mark(feature.actors, feature.actor.id)
    icon = folium.DivIcon(
        html=(
            f'<svg width="{SYMBOL_PX}" height="{SYMBOL_PX}" viewBox="0 0 24 24" '
            f'aria-hidden="true" focusable="false" data-place="{map_text(feature.place.id)}">'
            f"{mark_svg(mark)}</svg>"
        ),
        icon_size=(SYMBOL_PX, SYMBOL_PX),
        icon_anchor=(SYMBOL_PX // 2, SYMBOL_PX // 2),
        class_name="bm-region-mark",  # not a feature of its layer: counts stay the places
    )
    return folium.Marker(location=(lat, lon), icon=icon, interactive=False, keyboard=False)


def _line(feature: MapFeature) -> list[folium.PolyLine]:
    lead = feature.lead
    return line_elements(
        feature.place,
        feature.actor.colour,
        lead.status,
        lead.posture,
        _tooltip(feature),
        f"{FEATURE_CLASS} bm-line bm-layer-{feature.layer.slug}",
    )


# ------------------------------------------------------------------- arrows


def arrowhead(
    tip: tuple[float, float], tail: tuple[float, float], size_deg: float = 0.14
) -> list[tuple[float, float]]:
    """A triangle at ``tip`` pointing away from ``tail``, in (lat, lon)."""
    (lat1, lon1), (lat0, lon0) = tip, tail
    k = math.cos(math.radians(lat1))  # a degree of longitude is shorter than one of latitude
    dx, dy = (lon1 - lon0) * k, lat1 - lat0
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    bx, by = -ux * size_deg, -uy * size_deg  # back from the tip
    px, py = -uy * size_deg * 0.55, ux * size_deg * 0.55  # across
    return [
        (lat1, lon1),
        (lat1 + by + py, lon1 + (bx + px) / k),
        (lat1 + by - py, lon1 + (bx - px) / k),
    ]


@dataclass(frozen=True)
class Arrow:
    """A proposed deployment's arrow, from the base a source names to the place proposed."""

    tail: tuple[float, float]  # (lat, lon)
    tip: tuple[float, float]
    head: tuple[tuple[float, float], ...]  # the triangle at the tip, (lat, lon) each
    colour: str
    label: str  # escaped: the tooltip's text


def deployment_arrows(
    catalog: Catalog, features: list[MapFeature], *, summaries: bool = True
) -> list[Arrow]:
    """One arrow per (origin, place) the proposed features' claims name, best sourced first.

    Both renderers draw these: the markers as folium paths, the canvas from
    its payload. ``summaries``: whether the label ends with the claim's summary
    (the canvas leaves it out on a crowded map, as in its tooltips).
    """
    drawn: set[tuple[str, str]] = set()
    arrows: list[Arrow] = []
    for feature in features:
        if feature.layer is not Layer.PROPOSED:
            continue
        for claim in sorted(feature.claims, key=lead_order):
            if claim.origin is None or (claim.origin, feature.place.id) in drawn:
                continue
            drawn.add((claim.origin, feature.place.id))
            tail, tip = anchor(catalog.places[claim.origin]), anchor(feature.place)
            named_by = catalog.sources[claim.origin_source].credit if claim.origin_source else ""
            label = (
                f"Proposed: {catalog.places[claim.origin].name_en} to {feature.place.name_en}. "
                f"Origin named by {named_by}: {claim.origin_note}."
            )
            arrows.append(
                Arrow(
                    tail=tail,
                    tip=tip,
                    head=tuple(arrowhead(tip, tail)),
                    colour=catalog.meta.actor(claim.actors[0]).colour,
                    label=map_text(f"{label} {claim.summary}" if summaries else label),
                )
            )
    return arrows


def _arrow_elements(arrow: Arrow) -> list[folium.Element]:
    return [
        folium.PolyLine(
            [arrow.tail, arrow.tip],
            color=arrow.colour,
            weight=3,
            dash_array="10 8",
            class_name="bm-arrow",
            tooltip=folium.Tooltip(arrow.label, class_name="bm-tooltip"),
        ),
        folium.Polygon(
            list(arrow.head),
            color=arrow.colour,
            weight=1,
            fill=True,
            fill_color=arrow.colour,
            fill_opacity=1.0,
            class_name="bm-arrow",
        ),
    ]


# ------------------------------------------------------------------- layers


@dataclass(frozen=True)
class MapExtras:
    """What a briefing adds on top of the claims: highlights, changes, a footnote."""

    highlight: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    since: str | None = None
    footnote: bool = True
    presentation: bool = False  # keeps the legend open, not collapsible
    as_of: str | None = None  # an "as of" day picked by the user: a banner says so
    frame: Frame | None = None  # what the map should frame (once per request)
    # Time playback's tape, serialised (briefmap.drawing.playback.tape_json): the
    # frame plays "as of" any day from it, whichever renderer draws the map.
    tape: str | None = None
    tape_href: str | None = None  # where the frame fetches it instead (a large map's)


def build_layers(
    catalog: Catalog, selection: Selection, extras: MapExtras | None = None
) -> list[folium.FeatureGroup]:
    """The selection as one ``FeatureGroup`` per layer, in :class:`Layer` order.

    Every claim layer is always present (possibly empty) so the layer control
    keeps the same entries whatever the filter; highlight and change layers are
    added when a briefing asks for them. Element ids are derived from content,
    so the same selection gives byte-for-byte the same script and the browser
    has nothing to redraw on a rerun.
    """
    extras = extras or MapExtras()
    features = plan_features(catalog, selection)
    groups = {layer: SafeFeatureGroup(name=layer.value, show=True) for layer in Layer}
    _draw(catalog, features, groups.__getitem__)
    ordered = [groups[layer] for layer in Layer]
    legend = legend_html(features) if features else None
    add_controls(ordered[0], catalog, selection, extras, legend)
    if extras.changes:
        ordered.append(changes_group(catalog, selection, extras.changes, extras.since))
    shown = set(selection.place_ids)
    highlighted = [catalog.places[p] for p in extras.highlight if p in catalog.places]
    if highlighted:
        group = SafeFeatureGroup(name=HIGHLIGHT_LAYER, show=True)
        for place in highlighted:
            highlight(place, drawn=place.id in shown).add_to(group)
        ordered.append(group)
    for group in ordered:
        stable_ids(group, group.layer_name)
    return ordered


def add_controls(
    group: folium.FeatureGroup,
    catalog: Catalog,
    selection: Selection,
    extras: MapExtras,
    legend: str | None,
) -> None:
    """The legend, the footnote, the "as of" banner and what to frame, on a renderer's first layer.

    The banner's control is always sent, empty when no "as of" day is picked,
    so a rerun that leaves "as of" mode takes the banner away. The frame comes
    last: it measures the controls it keeps the places clear of. Presentation
    view has no legend on the map: its page shows a key strip beside it
    (:func:`briefmap.drawing.symbology.legend_strip_html`), so nothing covers
    the places a briefer talks about.
    """
    if legend is not None and not extras.presentation:
        MapControl(legend, slot="legend", css_class="bm-legend", position="topright").add_to(group)
    if extras.footnote:
        note = footnote_html(catalog, selection, outlets=extras.presentation)
        MapControl(note, slot="footnote", css_class="bm-footnote", position="bottomleft").add_to(
            group
        )
    banner = f"<strong>{map_text(as_of_banner(extras.as_of))}</strong>" if extras.as_of else ""
    MapControl(banner, slot="asof", css_class="bm-asof-banner", position="topleft").add_to(group)
    if extras.tape is not None:
        PlaybackTape(extras.tape, extras.as_of, extras.tape_href).add_to(group)
    if extras.frame is not None:
        FrameView(extras.frame).add_to(group)


UPLOAD_LAYER = "Your upload"


def upload_layer_name(label: str) -> str:
    """The upload layer's name in the layer control, from the user's file names, escaped."""
    # Leaflet's layer control writes layer names as HTML.
    return f"{UPLOAD_LAYER}: {map_text(label)}"


def build_upload_layer(catalog: Catalog, selection: Selection, label: str) -> folium.FeatureGroup:
    """A user's uploaded claims as one labelled layer, kept apart from the briefing's data."""
    group = SafeFeatureGroup(name=upload_layer_name(label), show=True)
    _draw(catalog, plan_features(catalog, selection), lambda _layer: group)
    stable_ids(group, group.layer_name)
    return group


def _draw(
    catalog: Catalog, features: list[MapFeature], group_of: Callable[[Layer], folium.FeatureGroup]
) -> None:
    """Draw features (and proposed-deployment arrows) into the groups ``group_of`` picks."""
    crowded = sum(f.place.is_point for f in features) > LABEL_EVERY_POINT_UP_TO
    for feature, *also in one_per_place(features):
        if feature.place.is_line:
            for element in _line(feature):
                element.add_to(group_of(feature.layer))
            line_label(feature.place, feature.lead.status, crowded=crowded).add_to(
                group_of(feature.layer)
            )
            continue
        element = (
            _point_marker(feature, crowded=crowded, also=tuple(also))
            if feature.place.is_point
            else _region(feature)
        )
        element.add_to(group_of(feature.layer))
        if not feature.place.is_point:
            _region_mark(feature).add_to(group_of(feature.layer))
    for arrow in deployment_arrows(catalog, features):
        for element in _arrow_elements(arrow):
            element.add_to(group_of(Layer.PROPOSED))


def stable_ids(element: Element, seed: str) -> None:
    """Replace folium's random element ids by ones derived from position and seed."""
    set_id(element, hashlib.sha1(seed.encode()).hexdigest())  # noqa: S324 - a name, not a secret
    for index, child in enumerate(children_of(element)):
        stable_ids(child, f"{seed}/{index}/{type(child).__name__}")


# --------------------------------------------------------------- base map


# The map page's own styles (briefmap/drawing/web/map.css), inlined in its <head>;
# then map-corners.css, the bottom corners side by side on a narrow map, and
# own-layer.css, the user's own layer's card and legend entry.
MAP_CSS = (
    web_style("map.css")
    + web_style("map-corners.css")
    + web_style("own-layer.css")
    + web_style("playback.css")  # time playback's timeline
)


# Presentation view's larger type on the map (briefmap/drawing/web/presentation.css).
PRESENTATION_CSS = web_style("presentation.css")


def build_base_map(
    catalog: Catalog,
    asset_base: str = COMPONENT_RELATIVE_BASE,
    *,
    presentation: bool = False,
    bounds: list[list[float]] | None = None,
) -> folium.Map:
    """The fixed part of the map: basemaps, scale, view, offline assets.

    It depends on the catalog only through the bounds of its places and its
    actors' colours (``catalog.meta``, for the hatch patterns), so a filter
    change leaves it unchanged. ``presentation`` sets type large enough
    to read over a video call. The legend comes with the layers (it lists what
    they draw), and so does what to frame (:class:`MapExtras` ``frame``).
    ``bounds``: where the map starts before it is framed; by default around
    every on-map place (:attr:`briefmap.engine.index.CatalogIndex.map_bounds`).
    """
    bounds = bounds or catalog.index.map_bounds
    (south, west), (north, east) = bounds
    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=7,
        tiles=None,
        control_scale=True,
        min_zoom=3,
        max_bounds=False,
    )
    # Leaflet's stylesheet inline, before ours: the map is styled when it is drawn.
    fmap.default_js, fmap.default_css = leaflet_script(asset_base), []
    fmap.get_root().header.add_child(RawText(leaflet_style(asset_base)), name="leaflet_css")
    # Light grey first: actor colours stay readable on a washed-out projector.
    # (CARTO's tiles, folium's usual light choice, now need an API key.)
    # Provider objects, not names: looking a name up in xyzservices costs 3 ms a rerun.
    folium.TileLayer(providers.Esri.WorldGrayCanvas, name="Light grey basemap").add_to(fmap)
    folium.TileLayer(providers.OpenStreetMap.Mapnik, name="OpenStreetMap", show=False).add_to(fmap)
    # Coast, borders and cities of our own, shown when the tiles cannot be loaded.
    outline_layer(catalog.index.places).add_to(fmap)
    FitWhenSized().add_to(fmap)
    OpenPlaces().add_to(fmap)
    LabelRoom().add_to(fmap)
    fmap.get_root().header.add_child(RawText(MAP_CSS), name="briefmap_css")
    if presentation:
        fmap.get_root().header.add_child(RawText(PRESENTATION_CSS), name="briefmap_present_css")
    HatchPatterns([actor.colour for actor in catalog.meta.actors]).add_to(fmap)
    FocusWithoutScrolling().add_to(fmap)
    ZoomClass().add_to(fmap)
    return fmap


def build_map(
    catalog: Catalog,
    selection: Selection,
    asset_base: str = COMPONENT_RELATIVE_BASE,
    *,
    extras: MapExtras | None = None,
    presentation: bool = False,
    layers: Callable[[Catalog, Selection, MapExtras], list[folium.FeatureGroup]] | None = None,
) -> folium.Map:
    """Base map, layers and layer control in one ``folium.Map``, for export and tests.

    ``layers`` builds the layers (:func:`build_layers` by default; the export
    passes :func:`briefmap.drawing.bulk.build_layers_auto`, which this module cannot
    import).
    """
    fmap = build_base_map(catalog, asset_base, presentation=presentation)
    extras = replace(extras or MapExtras(), presentation=presentation)
    for group in (layers or build_layers)(catalog, selection, extras):
        group.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap
