"""Pure map builders: catalog and selection in, folium objects out.

Nothing here imports Streamlit, so every map can be built and inspected in a
test. The page passes :func:`build_base_map` to ``st_folium`` once and the
result of :func:`build_layers` as ``feature_group_to_add``: the base map's
script stays byte-for-byte the same across filter changes, so the browser
keeps the map (and the user's zoom and pan) and only swaps the layers.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum

import folium
from branca.element import Element, MacroElement
from jinja2 import Template
from xyzservices import providers

from briefmap.assets import COMPONENT_RELATIVE_BASE, asset_links, web_style
from briefmap.query import Selection
from briefmap.safe import map_text
from briefmap.schema import (
    Actor,
    Catalog,
    Claim,
    ClaimStatus,
    Place,
    PlaceKind,
    Posture,
    Role,
    Source,
)
from briefmap.sourcing import cited_sources_of
from briefmap.timeline import Change, ChangeKind


class Layer(str, Enum):
    """The map's overlay layers, in drawing order."""

    REGIONS = "Regions"
    CONTEXT = "Context"
    FORMER = "Former positions"
    PROPOSED = "Proposed deployments"
    SITES = "Sites and installations"

    @property
    def slug(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class StatusStyle:
    """How a rung of the status ladder is drawn, without relying on colour."""

    dash: str | None
    weight: float
    fill_opacity: float


STATUS_STYLES: dict[ClaimStatus, StatusStyle] = {
    ClaimStatus.CONFIRMED: StatusStyle(dash=None, weight=3.5, fill_opacity=0.9),
    ClaimStatus.STATED: StatusStyle(dash=None, weight=2.5, fill_opacity=0.6),
    ClaimStatus.REPORTED: StatusStyle(dash="7 4", weight=2.5, fill_opacity=0.35),
    ClaimStatus.UNVERIFIED: StatusStyle(dash="2 4", weight=2.5, fill_opacity=0.15),
    ClaimStatus.DENIED: StatusStyle(dash="1 6", weight=1.5, fill_opacity=0.0),
}

# Regions are large: the same ladder, lighter, so tiles and labels show through.
REGION_FILL_SCALE = 0.45

# Point symbols by kind, as SVG shapes on a 24x24 box.
SYMBOLS: dict[PlaceKind, str] = {
    PlaceKind.NAVAL_FACILITY: '<path d="M12 2 L22 12 L12 22 L2 12 Z"/>',
    PlaceKind.AIR_BASE: '<rect x="3" y="3" width="18" height="18"/>',
    PlaceKind.AIRPORT: '<path d="M7 3 H17 L22 12 L17 21 H7 L2 12 Z"/>',
    PlaceKind.MILITARY_POST: '<path d="M12 2 L22 21 H2 Z"/>',
    PlaceKind.CAPITAL: (
        '<path d="M12 1.5 L14.8 8.6 L22.4 9.1 L16.5 14 L18.4 21.4 L12 17.3 '
        'L5.6 21.4 L7.5 14 L1.6 9.1 L9.2 8.6 Z"/>'
    ),
    PlaceKind.GOVERNMENT_SITE: (
        '<path d="M12 1.5 L14.8 8.6 L22.4 9.1 L16.5 14 L18.4 21.4 L12 17.3 '
        'L5.6 21.4 L7.5 14 L1.6 9.1 L9.2 8.6 Z"/>'
    ),
    PlaceKind.CITY: '<circle cx="12" cy="12" r="8.5"/>',
    PlaceKind.TOWN: '<circle cx="12" cy="12" r="6.5"/>',
    PlaceKind.MOUNTAIN: '<path d="M1.5 21 L9 6 L13 13 L16 9 L22.5 21 Z"/>',
    PlaceKind.GOVERNORATE: '<circle cx="12" cy="12" r="9" />',
    PlaceKind.REGION: '<circle cx="12" cy="12" r="9" />',
    PlaceKind.BUFFER_ZONE: '<circle cx="12" cy="12" r="9" />',
}
SYMBOL_PX = 26
LABEL_LEFT = frozenset({PlaceKind.CITY, PlaceKind.TOWN, PlaceKind.CAPITAL})

FEATURE_CLASS = "bm-feature"  # every drawn place carries it: browser tests count these


@dataclass(frozen=True)
class MapFeature:
    """One place as drawn in one layer, with the claims that put it there."""

    place: Place
    layer: Layer
    claims: tuple[Claim, ...]

    @property
    def lead(self) -> Claim:
        """The claim that sets the feature's style: best sourced, then the report's own."""
        return min(self.claims, key=lead_order)

    @property
    def actor(self) -> Actor:
        return self.lead.actors[0]


def lead_order(claim: Claim) -> tuple[int, bool, str]:
    """Sort key: strongest status first, then the briefed report before context."""
    return (claim.status.rank, claim.role is Role.CONTEXT, claim.id)


def layer_of(claim: Claim, place: Place) -> Layer:
    """Which layer a claim about a place is drawn in."""
    if claim.posture is Posture.PROPOSED:
        return Layer.PROPOSED
    if claim.posture is Posture.FORMER:
        return Layer.FORMER
    if claim.role is Role.CONTEXT:
        return Layer.CONTEXT
    return Layer.SITES if place.is_point else Layer.REGIONS


def plan_features(catalog: Catalog, selection: Selection) -> list[MapFeature]:
    """Group the selected claims into drawable features: one per place and layer."""
    grouped: dict[tuple[Layer, str], list[Claim]] = {}
    for claim in selection.claims:
        for place_id in selection.places_of[claim.id]:
            place = catalog.places[place_id]
            grouped.setdefault((layer_of(claim, place), place_id), []).append(claim)
    features = [
        MapFeature(place=catalog.places[pid], layer=layer, claims=tuple(claims))
        for (layer, pid), claims in grouped.items()
    ]
    order = list(Layer)
    # Polygons first within a layer, so points stay clickable on top of them.
    return sorted(features, key=lambda f: (order.index(f.layer), f.place.is_point, f.place.id))


# ------------------------------------------------------------------ tooltip


def tooltip_html(feature: MapFeature) -> str:
    """Names in English, Arabic and Russian and what is claimed there, escaped."""
    place = feature.place
    lines = [f'<div class="bm-tip-name">{map_text(place.name_en)}</div>']
    if place.name_ar:
        lines.append(f'<div dir="rtl" lang="ar">{map_text(place.name_ar)}</div>')
    if place.name_ru:
        lines.append(f'<div lang="ru">{map_text(place.name_ru)}</div>')
    lines.append(
        f'<div class="bm-tip-meta">{map_text(place.kind.label)} · '
        f"{map_text(place.precision.label)} · {map_text(feature.layer.value)}</div>"
    )
    counts = Counter(c.status for c in feature.claims)
    tally = ", ".join(
        f"{n} {s.label.lower()}" for s, n in sorted(counts.items(), key=lambda i: i[0].rank)
    )
    noun = "claim" if len(feature.claims) == 1 else "claims"
    lines.append(f'<div class="bm-tip-meta">{len(feature.claims)} {noun}: {map_text(tally)}</div>')
    undated = sum(1 for c in feature.claims if c.posture is Posture.FORMER and c.end_date_unknown)
    if undated:
        lines.append(f'<div class="bm-tip-meta">{undated_end_text(undated)}</div>')
    lines.append(f'<div class="bm-tip-lead">{map_text(feature.lead.summary)}</div>')
    lines.append('<div class="bm-tip-hint">Click for the claim card</div>')
    return "".join(lines)


def undated_end_text(n: int) -> str:
    """The map's words for former claims whose end no source dates."""
    return "Former: end date unknown" if n == 1 else f"{n} former claims: end date unknown"


def _tooltip(feature: MapFeature) -> folium.Tooltip:
    return folium.Tooltip(tooltip_html(feature), sticky=True, class_name="bm-tooltip")


# ------------------------------------------------------------------- points


def symbol_svg(kind: PlaceKind, colour: str, status: ClaimStatus, posture: Posture) -> str:
    """An SVG symbol: shape by kind, colour by actor, status and posture by fill and line."""
    style = STATUS_STYLES[status]
    if posture is Posture.FORMER:
        fill, fill_opacity = "none", 0.0
    elif posture is Posture.PROPOSED:
        fill, fill_opacity = f"url(#{hatch_id(colour)})", 1.0
    else:
        fill, fill_opacity = colour, style.fill_opacity
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    shape = SYMBOLS[kind]
    # A white halo under the coloured line keeps symbols legible on any basemap.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SYMBOL_PX}" height="{SYMBOL_PX}" '
        f'viewBox="-1 -1 26 26" aria-hidden="true">'
        f"{_hatch_defs(colour) if posture is Posture.PROPOSED else ''}"
        f'<g fill="none" stroke="#ffffff" stroke-width="{style.weight + 2.5}">{shape}</g>'
        f'<g fill="{fill}" fill-opacity="{fill_opacity}" stroke="{colour}" '
        f'stroke-width="{style.weight}"{dash} stroke-linejoin="round">{shape}</g></svg>'
    )


def hatch_id(colour: str) -> str:
    return f"bm-hatch-{colour.lstrip('#').lower()}"


def _hatch_defs(colour: str) -> str:
    return (
        f'<defs><pattern id="{hatch_id(colour)}" patternUnits="userSpaceOnUse" width="6" '
        f'height="6" patternTransform="rotate(45)"><rect width="2.5" height="6" '
        f'fill="{colour}"/></pattern></defs>'
    )


# Up to this many points every one is labelled at every zoom; beyond, labels
# show from LABELS_FROM_ZOOM in (hundreds of names over the whole of Syria are
# a black smear; the tooltips still name every place).
LABEL_EVERY_POINT_UP_TO = 60
LABELS_FROM_ZOOM = 9


def _point_marker(feature: MapFeature, *, crowded: bool = False) -> folium.Marker:
    place, lead = feature.place, feature.lead
    svg = symbol_svg(place.kind, feature.actor.colour, lead.status, lead.posture)
    # Towns are labelled to the left and installations to the right: the bases
    # sit next to their towns (Khmeimim by Latakia and Jableh, the naval
    # facility in Tartus, the airport by Qamishli), so the labels part ways.
    side = " bm-label-left" if place.kind in LABEL_LEFT else ""
    when = " bm-label-near" if crowded else ""
    label = f'<span class="bm-label{side}{when}">{map_text(place.name_en)}</span>'
    icon = folium.DivIcon(
        html=f"{svg}{label}",
        icon_size=(SYMBOL_PX, SYMBOL_PX),
        icon_anchor=(SYMBOL_PX // 2, SYMBOL_PX // 2),
        class_name=f"{FEATURE_CLASS} bm-point bm-layer-{feature.layer.slug}",
    )
    point = place.geometry
    return folium.Marker(location=(point.y, point.x), icon=icon, tooltip=_tooltip(feature))


# ----------------------------------------------------------------- polygons


def _rings(polygon: object) -> list[list[tuple[float, float]]]:
    """(lat, lon) rings of a Polygon, outer ring first, as folium wants them."""
    return [[(y, x) for x, y in ring.coords] for ring in (polygon.exterior, *polygon.interiors)]


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
        locations=_rings(feature.place.geometry),
        color=colour,
        weight=style.weight,
        dash_array=style.dash,
        fill=True,
        fill_color=fill_colour,
        fill_opacity=fill_opacity,
        class_name=f"{FEATURE_CLASS} bm-region bm-layer-{feature.layer.slug}",
        tooltip=_tooltip(feature),
    )


# ------------------------------------------------------------------- arrows


def _anchor(place: Place) -> tuple[float, float]:
    """(lat, lon) where an arrow should touch a place."""
    point = place.geometry if place.is_point else place.geometry.representative_point()
    return point.y, point.x


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


def _deployment_arrows(catalog: Catalog, features: list[MapFeature]) -> list[folium.Element]:
    drawn: set[tuple[str, str]] = set()
    elements: list[folium.Element] = []
    for feature in features:
        if feature.layer is not Layer.PROPOSED:
            continue
        for claim in sorted(feature.claims, key=lead_order):
            if claim.origin is None or (claim.origin, feature.place.id) in drawn:
                continue
            drawn.add((claim.origin, feature.place.id))
            tail, tip = _anchor(catalog.places[claim.origin]), _anchor(feature.place)
            colour = claim.actors[0].colour
            named_by = catalog.sources[claim.origin_source].credit if claim.origin_source else ""
            label = map_text(
                f"Proposed: {catalog.places[claim.origin].name_en} to {feature.place.name_en}. "
                f"Origin named by {named_by}: {claim.origin_note}. {claim.summary}"
            )
            elements.append(
                folium.PolyLine(
                    [tail, tip],
                    color=colour,
                    weight=3,
                    dash_array="10 8",
                    class_name="bm-arrow",
                    tooltip=folium.Tooltip(label, class_name="bm-tooltip"),
                )
            )
            elements.append(
                folium.Polygon(
                    arrowhead(tip, tail),
                    color=colour,
                    weight=1,
                    fill=True,
                    fill_color=colour,
                    fill_opacity=1.0,
                    class_name="bm-arrow",
                )
            )
    return elements


# ------------------------------------------------------------------- layers


@dataclass(frozen=True)
class MapExtras:
    """What a briefing adds on top of the claims: highlights, changes, a footnote."""

    highlight: tuple[str, ...] = ()
    changes: tuple[Change, ...] = ()
    since: str | None = None
    footnote: bool = True
    presentation: bool = False  # keeps the legend open, not collapsible


HIGHLIGHT_LAYER = "Highlighted in this scene"
CHANGES_LAYER = "Changes since"
CHANGE_BADGES: dict[ChangeKind, str] = {
    ChangeKind.NEW: "NEW",
    ChangeKind.UPGRADED: "▲ UP",
    ChangeKind.DOWNGRADED: "▼ DOWN",
    ChangeKind.RETIRED: "✕ GONE",
}


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
    groups = {layer: folium.FeatureGroup(name=layer.value, show=True) for layer in Layer}
    _draw(catalog, features, groups.__getitem__)
    ordered = [groups[layer] for layer in Layer]
    if features:
        legend = legend_html(features, collapsible=not extras.presentation)
        corner = "bottomright" if extras.presentation else "topright"
        MapControl(legend, slot="legend", css_class="bm-legend", position=corner).add_to(ordered[0])
    if extras.footnote:
        note = footnote_html(catalog, selection, outlets=extras.presentation)
        MapControl(note, slot="footnote", css_class="bm-footnote", position="bottomleft").add_to(
            ordered[0]
        )
    if extras.changes:
        ordered.append(_changes_group(catalog, selection, extras))
    shown = set(selection.place_ids)
    highlighted = [catalog.places[p] for p in extras.highlight if p in catalog.places]
    if highlighted:
        group = folium.FeatureGroup(name=HIGHLIGHT_LAYER, show=True)
        for place in highlighted:
            _highlight(place, drawn=place.id in shown).add_to(group)
        ordered.append(group)
    for group in ordered:
        _stable_ids(group, group.layer_name)
    return ordered


UPLOAD_LAYER = "Your upload"


def build_upload_layer(catalog: Catalog, selection: Selection, label: str) -> folium.FeatureGroup:
    """A user's uploaded claims as one labelled layer, kept apart from the briefing's data."""
    # Leaflet's layer control writes layer names as HTML: the label is the user's
    # file names, so it is escaped like any other data.
    group = folium.FeatureGroup(name=f"{UPLOAD_LAYER}: {map_text(label)}", show=True)
    _draw(catalog, plan_features(catalog, selection), lambda _layer: group)
    _stable_ids(group, group.layer_name)
    return group


def _draw(
    catalog: Catalog, features: list[MapFeature], group_of: Callable[[Layer], folium.FeatureGroup]
) -> None:
    """Draw features (and proposed-deployment arrows) into the groups ``group_of`` picks."""
    crowded = sum(f.place.is_point for f in features) > LABEL_EVERY_POINT_UP_TO
    for feature in features:
        element = (
            _point_marker(feature, crowded=crowded) if feature.place.is_point else _region(feature)
        )
        element.add_to(group_of(feature.layer))
    for arrow in _deployment_arrows(catalog, features):
        arrow.add_to(group_of(Layer.PROPOSED))


def _stable_ids(element: Element, seed: str) -> None:
    """Replace folium's random element ids by ones derived from position and seed."""
    element._id = hashlib.sha1(seed.encode()).hexdigest()  # noqa: S324 - a name, not a secret
    for index, child in enumerate(element._children.values()):
        _stable_ids(child, f"{seed}/{index}/{type(child).__name__}")


def _highlight(place: Place, drawn: bool) -> folium.Element:
    # A thick black-and-white ring reads on any basemap and in greyscale.
    tip = map_text(f"Highlighted: {place.name_en}" + ("" if drawn else " (no claim shown here)"))
    if place.is_point:
        return folium.CircleMarker(
            location=(place.geometry.y, place.geometry.x),
            radius=22,
            color="#000000",
            weight=4,
            fill=False,
            dash_array="1 0",
            class_name="bm-highlight",
            tooltip=folium.Tooltip(tip, class_name="bm-tooltip"),
        )
    return folium.Polygon(
        locations=_rings(place.geometry),
        color="#000000",
        weight=5,
        fill=False,
        class_name="bm-highlight",
        tooltip=folium.Tooltip(tip, class_name="bm-tooltip"),
    )


def _changes_group(
    catalog: Catalog, selection: Selection, extras: MapExtras
) -> folium.FeatureGroup:
    group = folium.FeatureGroup(name=f"{CHANGES_LAYER} {extras.since or ''}".strip(), show=True)
    shown = {c.id: selection.places_of[c.id] for c in selection.claims}
    by_place: dict[str, list[Change]] = {}
    for change in extras.changes:
        for place_id in shown.get(change.claim.id, ()):
            by_place.setdefault(place_id, []).append(change)
    for place_id, changes in by_place.items():
        place = catalog.places[place_id]
        lat, lon = _anchor(place)
        kinds = sorted({c.kind for c in changes}, key=list(ChangeKind).index)
        badge = " ".join(CHANGE_BADGES[k] for k in kinds)
        tip = "<br>".join(map_text(f"{c.describe()}: {c.claim.summary}") for c in changes)
        folium.Marker(
            location=(lat, lon),
            icon=folium.DivIcon(
                html=f'<span class="bm-change">{map_text(badge)}</span>',
                icon_size=(1, 1),
                icon_anchor=(-14, 26),
                class_name="bm-change-icon",
            ),
            tooltip=folium.Tooltip(tip, class_name="bm-tooltip"),
        ).add_to(group)
    return group


def footnote_html(
    catalog: Catalog,
    selection: Selection,
    *,
    outlets: bool = True,
    cited: list[Source] | None = None,
) -> str:
    """The map's footnote: the "as of" date and the sources of what is shown, escaped.

    With ``outlets`` (presentation view, where the sidebar and pages are out of
    sight) it names them; otherwise it counts them, to keep the map clear.
    ``cited`` is the selection's sources when the caller already has them.
    """
    if cited is None:
        cited = cited_sources_of(catalog, selection.claims)
    lines = [
        f'<div class="bm-foot-asof">Data as of {map_text(catalog.as_of or "not stated")} · '
        f"{len(selection.claims)} of {selection.total_claims} claims shown</div>"
    ]
    if cited and not outlets:
        lines.append(
            f'<div class="bm-foot-sources">{len(cited)} sources: see Sources &amp; method</div>'
        )
    elif cited:
        # Outlets by name only: the items themselves are a click away on the
        # Sources & method page, and the map must stay visible.
        outlets = list(dict.fromkeys(s.outlet for s in cited))
        lines.append(f'<div class="bm-foot-sources">Sources: {map_text("; ".join(outlets))}</div>')
    return "".join(lines)


class MapControl(MacroElement):
    """A Leaflet control holding fixed HTML (the legend, the footnote).

    Placed inside the layers, its script runs each time streamlit-folium swaps
    the layers in, so it removes the control of the same ``slot`` first: the
    legend and footnote follow the filter without stacking up or remounting
    the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var slot = {{ this.slot_json }};
            if (map[slot]) { map.removeControl(map[slot]); }
            var control = L.control({position: {{ this.position_json }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_json }});
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo(map);
            map[slot] = control;
        })({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, slot: str, css_class: str, position: str) -> None:
        super().__init__()
        self._name = "MapControl"
        self.html, self.slot = html, slot
        # JSON-encoded, with "</" broken so the string can never close a <script>.
        self.html_json = json.dumps(html).replace("</", "<\\/")
        self.slot_json = json.dumps(f"__briefmap_{slot}")
        self.css_json = json.dumps(css_class)
        self.position_json = json.dumps(position)

    def map_name(self) -> str:
        node = self._parent
        while not isinstance(node, folium.Map):
            node = node._parent
        return node.get_name()


# --------------------------------------------------------------- base map


class RawText(Element):
    """Text for the page as it is.

    branca's ``Element(text)`` compiles its text as a Jinja template: work on
    every rerun for our fixed CSS, and a hazard for anything else.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


# The map page's own styles (briefmap/web/map.css), inlined in its <head>.
MAP_CSS = web_style("map.css")


class FitWhenSized(MacroElement):
    """Fit the view to bounds once the map has its real size.

    streamlit-folium creates the map before its iframe reaches full width, so a
    plain ``fit_bounds`` fits a narrower box. Fitting again on the first resize
    (and once after load) gives the view a briefer expects; later resizes and
    the user's own pan and zoom are left alone.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, bounds) {
            var touched = false;
            function options() {
                // Keep the places clear of the legend on the right.
                var legend = map.getContainer().querySelector(".bm-legend");
                // Labels run about 110 px to the right of their symbol; the
                // footnote sits at the bottom.
                var right = (legend ? legend.offsetWidth : 0) + 110;
                var note = map.getContainer().querySelector(".bm-footnote");
                var bottom = (note ? note.offsetHeight : 0) + 24;
                return {paddingTopLeft: [24, 24], paddingBottomRight: [right, bottom]};
            }
            function fit() {
                // Leave the view alone once the user, or a link, has set one.
                var requested = window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.last_center;
                if (touched || requested) { return; }
                map.invalidateSize();
                map.fitBounds(bounds, options());
            }
            map.fitBounds(bounds, {padding: [24, 24]});
            ["pointerdown", "wheel", "keydown"].forEach(function (name) {
                map.getContainer().addEventListener(name, function () { touched = true; });
            });
            setTimeout(fit, 400);
        })({{ this._parent.get_name() }}, {{ this.bounds_json }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitWhenSized"
        self.bounds_json = json.dumps(bounds)


class FocusWithoutScrolling(MacroElement):
    """Stop a click on the map from scrolling the page under the pointer.

    Leaflet focuses the map on mousedown (for keyboard panning); when the map's
    bottom is below the fold the browser scrolls the page to show it, the
    marker moves away from the pointer and the click is lost. Inside the map's
    own frame, every focus call asks not to scroll.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var focus = HTMLElement.prototype.focus;
            if (focus.__briefmap) { return; }
            HTMLElement.prototype.focus = function (options) {
                return focus.call(this, Object.assign({}, options || {}, {preventScroll: true}));
            };
            HTMLElement.prototype.focus.__briefmap = true;
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScrolling"


class ZoomClass(MacroElement):
    """Mark the map's container ``bm-far`` below :data:`LABELS_FROM_ZOOM`.

    Part of the fixed base map, so it is set up once per map however often
    the layers are swapped; CSS then hides the labels of crowded maps.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function mark() {
                map.getContainer().classList.toggle("bm-far", map.getZoom() < {{ this.zoom }});
            }
            map.on("zoomend", mark);
            mark();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zoom: int = LABELS_FROM_ZOOM) -> None:
        super().__init__()
        self._name = "ZoomClass"
        self.zoom = int(zoom)


class HatchPatterns(MacroElement):
    """SVG hatch patterns, one per actor colour, for proposed regions' fill."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var holder = document.createElement("div");
            holder.style.cssText = "position:absolute;width:0;height:0;overflow:hidden";
            holder.innerHTML = {{ this.svg_json }};
            document.body.appendChild(holder);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, colours: list[str]) -> None:
        super().__init__()
        self._name = "HatchPatterns"
        defs = "".join(_hatch_defs(c) for c in colours)
        self.svg_json = json.dumps(f'<svg width="0" height="0">{defs}</svg>')


def legend_html(features: list[MapFeature], collapsible: bool = True) -> str:
    """The legend for what is drawn: its actors, statuses, postures and symbols.

    Only vocabulary labels reach it, never data, and only entries that appear
    on the map, so it stays small enough to leave the map visible.
    """
    swatch = '<svg width="18" height="18" viewBox="-1 -1 26 26">{}</svg>'
    actors = {f.actor for f in features}
    statuses = {f.lead.status for f in features}
    postures = {f.lead.posture for f in features}
    kinds = {f.place.kind for f in features if f.place.is_point}
    # Not collapsible means presentation: a compact strip without the symbol
    # key (every point is labelled on the map), so the map stays visible.
    opening = "<details open><summary>Legend</summary>" if collapsible else '<div class="bm-strip">'
    parts = [opening, '<h4>Actor (colour)</h4><div class="grid">']
    for actor in (a for a in Actor if a in actors):
        parts.append(
            f'<div class="row">{swatch.format(_swatch(actor.colour, ClaimStatus.CONFIRMED, Posture.CURRENT))}'
            f"{map_text(actor.label)}</div>"
        )
    parts.append('</div><h4>Status (fill and line)</h4><div class="grid">')
    for status in (s for s in ClaimStatus if s in statuses):
        parts.append(
            f'<div class="row">{swatch.format(_swatch("#555555", status, Posture.CURRENT))}'
            f"{map_text(status.label)}</div>"
        )
    parts.append("</div><h4>Posture</h4>")
    for posture, text in (
        (Posture.CURRENT, "Current: filled"),
        (Posture.PROPOSED, "Proposed: hatched; dashed arrow from a base a source names"),
        (Posture.FORMER, "Former: hollow"),
    ):
        if posture not in postures:
            continue
        parts.append(
            f'<div class="row">{swatch.format(_swatch("#555555", ClaimStatus.STATED, posture))}'
            f"{map_text(text)}</div>"
        )
    if not collapsible:
        parts.append("</div></div>")
        return "".join(parts)
    parts.append('<h4>Symbol (kind of place)</h4><div class="grid">')
    shown: set[str] = set()
    for kind in (k for k in PlaceKind if k in kinds):
        shape = SYMBOLS[kind]
        if shape in shown:
            continue
        shown.add(shape)
        names = [k.label for k in PlaceKind if SYMBOLS[k] == shape and k in kinds]
        parts.append(
            f'<div class="row"><svg width="18" height="18" viewBox="-1 -1 26 26"><g fill="#ffffff" '
            f'stroke="#333333" stroke-width="2.5">{shape}</g></svg>{map_text(" / ".join(names))}</div>'
        )
    parts.append("</div></details>")
    return "".join(parts)


def _swatch(colour: str, status: ClaimStatus, posture: Posture) -> str:
    # Reuse the symbol renderer's fill rules on a plain square.
    inner = symbol_svg(PlaceKind.AIR_BASE, colour, status, posture)
    return inner[inner.index(">") + 1 : inner.rindex("</svg>")]


def map_bounds(catalog: Catalog) -> list[list[float]]:
    """[[south, west], [north, east]] of every on-map place."""
    bounds = [p.geometry.bounds for p in catalog.places.values() if not p.off_map]
    if not bounds:
        return [[32.3, 35.7], [37.3, 42.4]]  # Syria
    west = min(b[0] for b in bounds)
    south = min(b[1] for b in bounds)
    east = max(b[2] for b in bounds)
    north = max(b[3] for b in bounds)
    return [[south, west], [north, east]]


# Presentation view's larger type on the map (briefmap/web/presentation.css).
PRESENTATION_CSS = web_style("presentation.css")


def build_base_map(
    catalog: Catalog,
    asset_base: str = COMPONENT_RELATIVE_BASE,
    *,
    presentation: bool = False,
    bounds: list[list[float]] | None = None,
) -> folium.Map:
    """The fixed part of the map: basemaps, scale, view, offline assets.

    It depends on the catalog only through the bounds of its places, so a
    filter change leaves it unchanged. ``presentation`` sets type large enough
    to read over a video call. The legend comes with the layers (it lists what
    they draw). ``bounds``: :func:`map_bounds` of the catalog, if the caller has
    it cached (at 100,000 places computing it is a third of a second).
    """
    bounds = bounds or map_bounds(catalog)
    (south, west), (north, east) = bounds
    fmap = folium.Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=7,
        tiles=None,
        control_scale=True,
        min_zoom=3,
        max_bounds=False,
    )
    fmap.default_js, fmap.default_css = asset_links(asset_base)
    # Light grey first: actor colours stay readable on a washed-out projector.
    # (CARTO's tiles, folium's usual light choice, now need an API key.)
    # Provider objects, not names: looking a name up in xyzservices costs 3 ms a rerun.
    folium.TileLayer(providers.Esri.WorldGrayCanvas, name="Light grey basemap").add_to(fmap)
    folium.TileLayer(providers.OpenStreetMap.Mapnik, name="OpenStreetMap", show=False).add_to(fmap)
    FitWhenSized(bounds).add_to(fmap)
    fmap.get_root().header.add_child(RawText(MAP_CSS), name="briefmap_css")
    if presentation:
        fmap.get_root().header.add_child(RawText(PRESENTATION_CSS), name="briefmap_present_css")
    HatchPatterns([actor.colour for actor in Actor]).add_to(fmap)
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
    passes :func:`briefmap.bulk.build_layers_auto`, which this module cannot
    import).
    """
    fmap = build_base_map(catalog, asset_base, presentation=presentation)
    extras = replace(extras or MapExtras(), presentation=presentation)
    for group in (layers or build_layers)(catalog, selection, extras):
        group.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap
