"""A large own layer on a canvas: one compact payload per folder, not a folium object per feature.

:func:`briefmap.drawing.own_layer_map.build_own_layers` draws each feature as
a ``folium`` path with its tooltip and card: about 1.3 KB of script a feature,
rendered again by ``st_folium`` on every rerun (2,000 features: 2.6 MB and
seconds a rerun; 20,000 would be 26 MB). Above :data:`OWN_CANVAS_THRESHOLD`
features, each folder (or GeoPackage layer) is one :class:`OwnCanvasLayer`
instead: a JSON payload, serialised once per version of the layer
(:func:`own_canvas_payloads`; the app holds it with the upload or the data),
and a fixed script (``web/own-canvas.js``) that draws every part on a canvas
(Leaflet's renderer, its points drawn a path per style rather than one by one:
2 s a redraw at 20,000 points became about 0.1 s), adding them to the map a
thousand per task so the page answers meanwhile, with the same tooltip and
card as the paths, built in the browser from text escaped here.

The payload (:func:`sublayer_payload`):

- ``S``, the style table: ``[colour, weight, fill colour, fill opacity]``
  (:class:`~briefmap.drawing.own_layer_map.OwnDrawing`); lines and outlines
  dashed, points hollow, as on the paths;
- ``H``, the columns' names (escaped), in the order they first appear;
- ``M``, the mark (escaped), ``F``, the folder's path (escaped);
- ``f``, the features: ``[parts, style, name, tooltip text, card text,
  links, values]`` where ``parts`` are ``[0, lon, lat]`` (a point),
  ``[1, [[lon, lat], ...]]`` (a line) or ``[2, [ring, ...]]`` (a polygon),
  rounded to 5 decimals (about a metre); the texts are HTML already escaped
  (lines joined by ``<br>``; the card's text ``0`` when it is the tooltip's);
  ``values`` one per column of ``H`` (``null`` where the feature has none).

Nothing from the data is evaluated in the browser: every string is escaped
with :func:`briefmap.safe.map_text` before it enters the JSON, and the script
only joins it with fixed tags.
"""

from __future__ import annotations

from typing import Any

import folium
from jinja2 import Template

from briefmap.data.own_layer import OWN_LAYER_MARK, OwnFeature, OwnLayer, OwnSublayer
from briefmap.drawing import own_layer_map as paths
from briefmap.drawing.assets import web_text
from briefmap.drawing.map_elements import MapElement, SafeFeatureGroup
from briefmap.drawing.mapping import stable_ids
from briefmap.safe import map_text, script_json

# Above this many features a layer goes on the canvas. Its folium paths cost
# about 0.6 ms each to build and 1.1 ms to render a rerun (bench/own_layer.py),
# as many as the briefing's markers do where they switch (drawing/bulk.py).
OWN_CANVAS_THRESHOLD = 500
# The canvas layer's script, on the page once per element (it defines itself once).
OWN_CANVAS_SCRIPT = web_text("own-canvas.js")
# Decimals kept of a coordinate: about a metre, as the briefing's canvas.
DECIMALS = 5
POINT, LINE, POLYGON = 0, 1, 2


def drawn_on_own_canvas(layer: OwnLayer) -> bool:
    """Whether ``layer`` is drawn on the canvas rather than as a path per feature."""
    return len(layer.features) > OWN_CANVAS_THRESHOLD


def _position(xy: Any) -> list[float]:
    return [round(float(xy[0]), DECIMALS), round(float(xy[1]), DECIMALS)]


def _parts(geometry: Any) -> list[list[Any]]:
    """A geometry's drawn parts: points, lines and polygons (multi-geometries part by part)."""
    kind = geometry.geom_type
    if kind in ("MultiPoint", "MultiLineString", "MultiPolygon", "GeometryCollection"):
        return [p for g in geometry.geoms for p in _parts(g)]
    if kind == "Point":
        return [[POINT, *_position((geometry.x, geometry.y))]]
    if kind in ("LineString", "LinearRing"):
        return [[LINE, [_position(xy) for xy in geometry.coords]]]
    if kind == "Polygon":
        rings = (geometry.exterior, *geometry.interiors)
        return [[POLYGON, [[_position(xy) for xy in ring.coords] for ring in rings]]]
    return []


def sublayer_payload(layer: OwnLayer, sublayer: OwnSublayer) -> dict[str, Any]:
    """One folder's features as the canvas layer's payload (see the module's docstring)."""
    readable = paths.layer_readable_colours(layer)
    styles: dict[tuple[Any, ...], int] = {}
    columns: dict[str, int] = {}
    features = []
    for feature in sublayer.features:
        drawing = paths.drawing_of(feature.style, readable)
        style = styles.setdefault(
            (drawing.colour, drawing.weight, drawing.fill_colour, drawing.fill_opacity),
            len(styles),
        )
        features.append(_feature(feature, style, columns))
    return {
        "S": [list(style) for style in styles],
        "H": [map_text(paths.cut_text(name, 60)) for name in columns],
        "M": map_text(OWN_LAYER_MARK.capitalize()),
        "F": map_text(" / ".join(sublayer.path)),
        "f": features,
    }


def _feature(feature: OwnFeature, style: int, columns: dict[str, int]) -> list[Any]:
    tooltip = paths.lines_html(
        paths.cut_text(feature.description_text, paths.TOOLTIP_DESCRIPTION_CHARS)
    )
    card = paths.lines_html(paths.cut_text(feature.description_text, paths.CARD_DESCRIPTION_CHARS))
    values: list[Any] = []
    shown = [
        (key, value)
        for key, value in feature.properties.items()
        if key.lower() not in paths.CARD_SHOWN_ABOVE
    ][: paths.CARD_COLUMNS]
    for key, value in shown:
        at = columns.setdefault(key, len(columns))
        values += [None] * (at + 1 - len(values))
        values[at] = map_text(paths.cut_text(value, paths.CARD_VALUE_CHARS))
    return [
        _parts(feature.geometry),
        style,
        map_text(feature.name),
        tooltip,
        0 if card == tooltip else card,
        [[map_text(link), map_text(paths.cut_text(link, 80))] for link in feature.links],
        values,
    ]


def own_canvas_payloads(layer: OwnLayer) -> tuple[str, ...]:
    """Each folder's payload, serialised: made once per version of the layer and kept."""
    return tuple(script_json(sublayer_payload(layer, sub)) for sub in layer.sublayers)


class OwnCanvasLayer(MapElement):
    """One folder of a large own layer, drawn by ``web/own-canvas.js`` from its payload."""

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.library }}\n"
        "window.__bmOwnCanvas({{ this.map_name() }}, {{ this.parent_name() }}, "
        "{{ this.key_json() }}, {{ this.payload_json }});\n{% endmacro %}"
    )

    def __init__(self, payload_json: str) -> None:
        super().__init__()
        self._name = "OwnCanvasLayer"
        self.library = OWN_CANVAS_SCRIPT
        self.payload_json = payload_json

    def key_json(self) -> str:
        # The folder's group's name, stable across reruns (st_folium names groups by
        # their place): a rerun's copy replaces the one before under the same key.
        return script_json(self.parent_name())


def build_own_layers_auto(
    layer: OwnLayer, payloads: tuple[str, ...] | None = None
) -> list[folium.FeatureGroup]:
    """The own layer's map layers: paths up to :data:`OWN_CANVAS_THRESHOLD` features, canvas above.

    The same groups either way, one per folder with the same name in the layer
    control. ``payloads``: :func:`own_canvas_payloads` of this layer, as kept
    by its owner (made here when not given).
    """
    if not drawn_on_own_canvas(layer):
        return paths.build_own_layers(layer)
    payloads = payloads if payloads is not None else own_canvas_payloads(layer)
    groups: list[folium.FeatureGroup] = []
    for index, (sublayer, payload) in enumerate(zip(layer.sublayers, payloads, strict=True)):
        name = paths.own_layer_name(layer, sublayer)
        group = SafeFeatureGroup(name=name, show=True)
        OwnCanvasLayer(payload).add_to(group)
        stable_ids(group, f"own/{layer.source_file}/{index}")
        groups.append(group)
    return groups


def own_layer_drawn(layer: OwnLayer) -> int:
    """How many of the layer's features :func:`build_own_layers_auto` draws (the canvas: all)."""
    return len(layer.features) if drawn_on_own_canvas(layer) else paths.own_layer_drawn(layer)


__all__ = [
    "OWN_CANVAS_THRESHOLD",
    "OwnCanvasLayer",
    "build_own_layers_auto",
    "drawn_on_own_canvas",
    "own_canvas_payloads",
    "own_layer_drawn",
    "sublayer_payload",
]
