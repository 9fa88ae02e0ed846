"""The user's own layer on the map: their features as they are, marked as theirs.

Points, lines and polygons (multi-geometries and collections part by part),
each with a tooltip of its name, its folder and its description, and a card
(a Leaflet popup, on click) with its links and every original column; all of
it escaped text. Each KML folder or GeoPackage layer is a layer of its own in
the layer control, named "your data — not sourced claims", and the legend says
so, so no one takes it for the briefing's claims. No status styling: lines
and outlines are always dashed, points hollow. A file's own colours and
widths (:class:`~briefmap.data.own_layer.OwnStyle`) are drawn where they stay
readable (:func:`readable_colours`), the neutral grey elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from briefmap.data.own_layer import OWN_LAYER_MARK, OwnFeature, OwnLayer, OwnStyle, OwnSublayer
from briefmap.drawing.map_elements import MapControl, SafeFeatureGroup
from briefmap.drawing.mapping import stable_ids
from briefmap.drawing.symbology import (
    MAP_BACKGROUND,
    MIN_CONTRAST_ON_MAP,
    MIN_GREYSCALE_STEP,
    contrast_ratio,
)
from briefmap.safe import map_text

OWN_LAYER_TITLE = "Your layer"
# The legend's words (and the presentation key strip's).
OWN_LEGEND_TEXT = "Your layer — your data, not sourced claims"
# One neutral style: dark grey, dashed lines and outlines, a pale fill, hollow
# points: apart from every actor's colour and every status's line.
OWN_COLOUR = "#3d3d3d"
OWN_DASH = "6 4"
OWN_WEIGHT = 2.5
OWN_FILL_OPACITY = 0.12
OWN_POINT_RADIUS = 6
OWN_CLASS = "bm-own"
# What a file's own colour is drawn on: the map's background and the light grey
# basemap's land and water (Esri World Gray Canvas, approximately).
OWN_BACKGROUNDS = (MAP_BACKGROUND, "#e6e6e6", "#c8cfd2")
# A file's widths kept within these (pixels): thinner is lost on a projector,
# thicker covers the briefing's places.
MIN_OWN_WEIGHT, MAX_OWN_WEIGHT = 1.5, 6.0
# A file's fill kept at most this opaque, so the places under it still show.
MAX_OWN_FILL_OPACITY = 0.35
# Features drawn one element each, at most: a larger layer draws its first ones
# and says so (drawing in bulk, as the briefing's canvas layers do, is to come).
MAX_OWN_DRAWN = 2_000
# Longest description shown in a tooltip, and on the card.
TOOLTIP_DESCRIPTION_CHARS = 300
CARD_DESCRIPTION_CHARS = 2_000
# The card's table of columns: at most this many rows, each value this long.
CARD_COLUMNS = 40
CARD_VALUE_CHARS = 200
CARD_SHOWN_ABOVE = frozenset({"name", "description"})
# Slot of the legend's own entry (MapControl): replaced, or emptied, on each rerun.
OWN_LEGEND_SLOT = "own-legend"


# ----------------------------------------------------------------- colours


def readable_colours(
    colours: Iterable[str], backgrounds: Sequence[str] = OWN_BACKGROUNDS
) -> dict[str, bool]:
    """Which of a file's colours (``#rrggbb``, in the file's order) are drawn as they are.

    A colour is kept when it has :data:`MIN_CONTRAST_ON_MAP` against every
    background, and prints as a grey apart (:data:`MIN_GREYSCALE_STEP`) from
    every colour kept before it, so two folders never print alike. Any other
    is drawn in the neutral style (``False``).
    """
    verdict: dict[str, bool] = {}
    kept: list[str] = []
    for colour in colours:
        colour = colour.lower()
        if colour in verdict:
            continue
        ok = all(contrast_ratio(colour, b) >= MIN_CONTRAST_ON_MAP for b in backgrounds) and all(
            contrast_ratio(colour, other) >= MIN_GREYSCALE_STEP for other in kept
        )
        verdict[colour] = ok
        if ok:
            kept.append(colour)
    return verdict


@dataclass(frozen=True)
class OwnDrawing:
    """How one feature is drawn: its line colour and width, its fill, whether the file's."""

    colour: str = OWN_COLOUR
    weight: float = OWN_WEIGHT
    fill_colour: str = OWN_COLOUR
    fill_opacity: float = OWN_FILL_OPACITY
    own: bool = False


def _main_colour(style: OwnStyle | None) -> str | None:
    if style is None:
        return None
    colour = style.line_colour or style.icon_colour or style.fill_colour
    return colour.lower() if colour else None


def drawing_of(style: OwnStyle | None, readable: dict[str, bool]) -> OwnDrawing:
    """The feature's drawing: its file's colour and width if readable, else the neutral one."""
    colour = _main_colour(style)
    if style is None or colour is None or not readable.get(colour, False):
        return OwnDrawing()
    weight = style.line_width if style.line_width is not None else OWN_WEIGHT
    fill = style.fill_colour.lower() if style.fill_colour else colour
    fill_opacity = style.fill_opacity if style.fill_opacity is not None else OWN_FILL_OPACITY
    return OwnDrawing(
        colour=colour,
        weight=min(max(weight, MIN_OWN_WEIGHT), MAX_OWN_WEIGHT),
        fill_colour=fill if readable.get(fill, False) else colour,
        fill_opacity=0.0 if style.filled is False else min(fill_opacity, MAX_OWN_FILL_OPACITY),
        own=True,
    )


def layer_readable_colours(layer: OwnLayer) -> dict[str, bool]:
    """:func:`readable_colours` of every colour the layer's features give, in the file's order."""
    return readable_colours(
        c for f in layer.features for c in (_main_colour(f.style),) if c is not None
    )


# ------------------------------------------------------------ text and card


def own_layer_name(layer: OwnLayer, sublayer: OwnSublayer | None = None) -> str:
    """A layer's (or a folder's) name in the layer control, escaped (Leaflet writes it as HTML)."""
    name = layer.name + (f" / {sublayer.name}" if sublayer is not None and sublayer.path else "")
    return f"{OWN_LAYER_TITLE}: {map_text(name)} ({OWN_LAYER_MARK})"


def cut_text(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, an ellipsis at the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def lines_html(text: str) -> str:
    """Text as escaped HTML, its lines kept (``<br>``)."""
    return "<br>".join(map_text(line) for line in text.splitlines())


def own_tooltip_html(feature: OwnFeature) -> str:
    """A feature's tooltip: its name, folder and description, all escaped text."""
    name = map_text(feature.name) or "(no name)"
    folder = (
        f'<div class="bm-own-folder">{map_text(" / ".join(feature.folder))}</div>'
        if feature.folder
        else ""
    )
    description = lines_html(cut_text(feature.description_text, TOOLTIP_DESCRIPTION_CHARS))
    return (
        f"<strong>{name}</strong>{folder}"
        + (f'<div class="bm-own-description">{description}</div>' if description else "")
        + f'<div class="bm-own-mark">{map_text(OWN_LAYER_MARK.capitalize())}</div>'
    )


def own_card_html(feature: OwnFeature) -> str:
    """A feature's card: marked as the user's data, its name, folder, description, links, columns.

    Every string is escaped text (:func:`~briefmap.safe.map_text`); links are
    the description's http(s) ones (:func:`~briefmap.data.own_layer.description_parts`),
    opened in a new tab without an opener or a referrer.
    """
    parts = [
        f'<div class="bm-own-card"><div class="bm-own-mark"><em>'
        f"{map_text(OWN_LAYER_MARK.capitalize())}</em></div>",
        f"<strong>{map_text(feature.name) or '(no name)'}</strong>",
    ]
    if feature.folder:
        parts.append(f'<div class="bm-own-folder">{map_text(" / ".join(feature.folder))}</div>')
    description = lines_html(cut_text(feature.description_text, CARD_DESCRIPTION_CHARS))
    if description:
        parts.append(f'<div class="bm-own-description">{description}</div>')
    if feature.links:
        parts.append('<ul class="bm-own-links">')
        parts.extend(
            f'<li><a href="{map_text(link)}" target="_blank" rel="noopener noreferrer">'
            f"{map_text(cut_text(link, 80))}</a></li>"
            for link in feature.links
        )
        parts.append("</ul>")
    # Every other column (KML's name and description are shown above, the
    # description as text: its markup, even escaped, is noise).
    columns = [
        (key, value)
        for key, value in feature.properties.items()
        if key.lower() not in CARD_SHOWN_ABOVE
    ]
    if columns:
        parts.append('<table class="bm-own-columns">')
        parts.extend(
            f"<tr><th>{map_text(cut_text(key, 60))}</th>"
            f"<td>{map_text(cut_text(value, CARD_VALUE_CHARS))}</td></tr>"
            for key, value in columns[:CARD_COLUMNS]
        )
        parts.append("</table>")
        if len(columns) > CARD_COLUMNS:
            parts.append(f"<div>… and {len(columns) - CARD_COLUMNS} more columns</div>")
    parts.append("</div>")
    return "".join(parts)


# ------------------------------------------------------------------ drawing


def _parts(geometry: Any) -> list[Any]:
    """A geometry's simple parts: points, lines and polygons."""
    if geometry.geom_type in (
        "MultiPoint",
        "MultiLineString",
        "MultiPolygon",
        "GeometryCollection",
    ):
        return [p for g in geometry.geoms for p in _parts(g)]
    return [geometry]


def _elements(feature: OwnFeature, drawing: OwnDrawing) -> list[folium.Element]:
    tooltip = own_tooltip_html(feature)
    card = own_card_html(feature)
    mine = f" {OWN_CLASS}-styled" if drawing.own else ""
    elements: list[folium.Element] = []
    for part in _parts(feature.geometry):
        kind = part.geom_type
        common = {
            "color": drawing.colour,
            "weight": drawing.weight,
            "class_name": f"{OWN_CLASS} {OWN_CLASS}-{kind.lower()}{mine}",
            "tooltip": folium.Tooltip(tooltip, sticky=True, class_name="bm-tooltip"),
        }
        if kind == "Point":
            elements.append(
                folium.CircleMarker(
                    location=(part.y, part.x),
                    radius=OWN_POINT_RADIUS,
                    fill=True,
                    fill_color="#ffffff",
                    fill_opacity=0.9,
                    **common,
                )
            )
        elif kind in ("LineString", "LinearRing"):
            line = [(y, x) for x, y in part.coords]
            elements.append(folium.PolyLine(locations=line, dash_array=OWN_DASH, **common))
        elif kind == "Polygon":
            rings = [[(y, x) for x, y in ring.coords] for ring in (part.exterior, *part.interiors)]
            elements.append(
                folium.Polygon(
                    locations=rings,
                    dash_array=OWN_DASH,
                    fill=True,
                    fill_color=drawing.fill_colour,
                    fill_opacity=drawing.fill_opacity,
                    **common,
                )
            )
    for element in elements:
        OwnCard(card).add_to(element)
    return elements


class OwnCard(MacroElement):
    """A feature's card as a Leaflet popup, opened on click.

    Not ``folium.Popup``: it builds its content with jQuery, which the app's
    map does not load. ``html`` is :func:`own_card_html`'s, escaped for the
    template literal it is written into.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this._parent.get_name() }}.bindPopup(`{{ this.html }}`, "
        '{maxWidth: 360, className: "bm-own-popup"});\n'
        "{% endmacro %}"
    )

    def __init__(self, html: str) -> None:
        super().__init__()
        self._name = "OwnCard"
        self.html = html


def build_own_layers(layer: OwnLayer) -> list[folium.FeatureGroup]:
    """The user's own layer as map layers beside the briefing's: one per folder or GeoPackage layer.

    Each is a layer of its own in the layer control, shown or hidden alone. At
    most :data:`MAX_OWN_DRAWN` features are drawn in all (:func:`own_layer_drawn`).
    """
    readable = layer_readable_colours(layer)
    groups: list[folium.FeatureGroup] = []
    budget = MAX_OWN_DRAWN
    for index, sublayer in enumerate(layer.sublayers):
        if budget <= 0:
            break
        group = SafeFeatureGroup(name=own_layer_name(layer, sublayer), show=True)
        for feature in sublayer.features[:budget]:
            for element in _elements(feature, drawing_of(feature.style, readable)):
                element.add_to(group)
        budget -= len(sublayer.features)
        stable_ids(group, f"own/{layer.source_file}/{index}")
        groups.append(group)
    return groups


def own_layer_drawn(layer: OwnLayer) -> int:
    """How many of the layer's features :func:`build_own_layers` draws."""
    return min(len(layer.features), MAX_OWN_DRAWN)


# ------------------------------------------------------------------ legend


def own_swatch_svg() -> str:
    """The legend's swatch of the own layer: a dashed grey line and a hollow point."""
    return (
        '<svg width="28" height="14" viewBox="0 0 28 14" aria-hidden="true">'
        f'<line x1="1" y1="7" x2="17" y2="7" stroke="{OWN_COLOUR}" stroke-width="{OWN_WEIGHT}" '
        f'stroke-dasharray="{OWN_DASH}"/><circle cx="22" cy="7" r="4" fill="#ffffff" '
        f'stroke="{OWN_COLOUR}" stroke-width="2"/></svg>'
    )


def own_legend_group(
    layers: Sequence[OwnLayer], *, presentation: bool = False
) -> folium.FeatureGroup:
    """The legend's entry for the user's own layers, on a group the layer control does not list.

    Always sent, empty when there is no own layer (or in presentation view, whose
    key strip says it: :func:`own_key_strip_html`), so the entry goes with the upload.
    """
    html = (
        f'<div class="row">{own_swatch_svg()} {map_text(OWN_LEGEND_TEXT)}</div>'
        if layers and not presentation
        else ""
    )
    group = SafeFeatureGroup(name="own-legend", show=True, control=False)
    MapControl(
        html, slot=OWN_LEGEND_SLOT, css_class="bm-legend bm-own-legend", position="topright"
    ).add_to(group)
    stable_ids(group, "own-legend")
    return group


def own_key_strip_html() -> str:
    """Presentation view's key strip entry for the user's own layer (a ``bm-keystrip-group``)."""
    return (
        '<span class="bm-keystrip-group"><strong>Your layer</strong>'
        f'<span class="bm-keystrip-item">{own_swatch_svg()}'
        f"{map_text('your data, not sourced claims')}</span></span>"
    )


# ------------------------------------------------------------------ framing


def own_layers_bounds(layers: Iterable[OwnLayer]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` around every feature of ``layers``; ``None`` if none.

    The whole of each file, wherever it reaches (a neighbouring country too):
    an own layer is never cut to the briefing's region.
    """
    boxes = [b for layer in layers if (b := layer.bounds) is not None]
    if not boxes:
        return None
    return [
        [min(b[1] for b in boxes), min(b[0] for b in boxes)],
        [max(b[3] for b in boxes), max(b[2] for b in boxes)],
    ]
