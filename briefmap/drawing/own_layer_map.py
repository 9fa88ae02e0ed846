"""The user's own layer on the map: their features as they are, in one neutral style.

Points, lines and polygons (multi-geometries and collections part by part),
each with a tooltip of its name, its folder and its description as escaped
text. One style for all, grey and dashed, with no status styling, and the
layer named "your data — not sourced claims" in the layer control, so no one
takes it for the briefing's claims. A file's own colours are kept in the
model (:class:`~briefmap.data.own_layer.OwnStyle`) for a later choice of which
stay readable; none is drawn yet.
"""

from __future__ import annotations

from typing import Any

import folium

from briefmap.data.own_layer import OWN_LAYER_MARK, OwnFeature, OwnLayer
from briefmap.drawing.map_elements import SafeFeatureGroup
from briefmap.drawing.mapping import stable_ids
from briefmap.safe import map_text

OWN_LAYER_TITLE = "Your layer"
# One neutral style: dark grey, dashed lines and outlines, a pale fill, hollow
# points: apart from every actor's colour and every status's line.
OWN_COLOUR = "#3d3d3d"
OWN_DASH = "6 4"
OWN_WEIGHT = 2.5
OWN_FILL_OPACITY = 0.12
OWN_POINT_RADIUS = 6
OWN_CLASS = "bm-own"
# Features drawn one element each, at most: a larger layer draws its first ones
# and says so (drawing in bulk, as the briefing's canvas layers do, is to come).
MAX_OWN_DRAWN = 2_000
# Longest description shown in a tooltip.
TOOLTIP_DESCRIPTION_CHARS = 300


def own_layer_name(layer: OwnLayer) -> str:
    """The layer's name in the layer control, escaped (Leaflet writes it as HTML)."""
    return f"{OWN_LAYER_TITLE}: {map_text(layer.name)} ({OWN_LAYER_MARK})"


def own_tooltip_html(feature: OwnFeature) -> str:
    """A feature's tooltip: its name, folder and description, all escaped text."""
    name = map_text(feature.name) or "(no name)"
    folder = (
        f'<div class="bm-own-folder">{map_text(" / ".join(feature.folder))}</div>'
        if feature.folder
        else ""
    )
    text = feature.description_text
    if len(text) > TOOLTIP_DESCRIPTION_CHARS:
        text = text[: TOOLTIP_DESCRIPTION_CHARS - 1] + "…"
    description = "<br>".join(map_text(line) for line in text.splitlines())
    return (
        f"<strong>{name}</strong>{folder}"
        + (f'<div class="bm-own-description">{description}</div>' if description else "")
        + f'<div class="bm-own-mark">{map_text(OWN_LAYER_MARK.capitalize())}</div>'
    )


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


def _elements(feature: OwnFeature) -> list[folium.Element]:
    tooltip = own_tooltip_html(feature)
    elements: list[folium.Element] = []
    for part in _parts(feature.geometry):
        kind = part.geom_type
        common = {
            "color": OWN_COLOUR,
            "weight": OWN_WEIGHT,
            "class_name": f"{OWN_CLASS} {OWN_CLASS}-{kind.lower()}",
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
                    fill_color=OWN_COLOUR,
                    fill_opacity=OWN_FILL_OPACITY,
                    **common,
                )
            )
    return elements


def build_own_layer(layer: OwnLayer) -> folium.FeatureGroup:
    """The user's own layer as one map layer, drawn beside the briefing's, its first features.

    At most :data:`MAX_OWN_DRAWN` features are drawn (:func:`own_layer_drawn`).
    """
    group = SafeFeatureGroup(name=own_layer_name(layer), show=True)
    for feature in layer.features[:MAX_OWN_DRAWN]:
        for element in _elements(feature):
            element.add_to(group)
    stable_ids(group, f"own/{layer.source_file}")
    return group


def own_layer_drawn(layer: OwnLayer) -> int:
    """How many of the layer's features :func:`build_own_layer` draws."""
    return min(len(layer.features), MAX_OWN_DRAWN)
