"""The fast path for large selections: one compact canvas layer per map layer.

:func:`mapping.build_layers` draws one ``folium.Marker`` (an inline-SVG
``DivIcon`` and a ``Tooltip``) per place and layer: exact and pretty for
dozens of places, hopeless for 100,000 (each marker is a DOM node and about
1.7 KB of script). :func:`build_bulk_layers` takes the same inputs and returns
a ``FeatureGroup`` per :class:`~briefmap.drawing.mapping.Layer` with the same names,
but draws each layer's places with ONE :class:`BulkLayer`: a compact JSON
payload and a fixed script. Outlines (a few hundred) become ``L.geoJSON`` SVG
paths styled like :func:`mapping.build_layers`' regions. Points are stamped
as circles on one ``L.Canvas`` per map (a subclass: ``briefmap/drawing/web/canvas.js``) from
typed arrays, with no Leaflet layer per point.

Why not ``L.geoJSON`` with ``pointToLayer`` making an ``L.circleMarker`` each
on a shared ``L.canvas()`` (still available as ``engine="circles"``)? Leaflet
registers two map listeners per circle and checks each new one against all
before it (``Events._on``), so adding or removing n circles is quadratic;
with 100,000 of them headless Chromium took about 4 s from payload to drawing,
1.4 s per redraw after a pan and 290 MB of heap, against about 1 s, a pan
redrawn in under 0.1 s and 30 MB here (see BENCHMARKS.md).

The payload a layer carries is described in :mod:`briefmap.drawing.canvas_payload`.

A click on a point is reported to ``st_folium`` as a click on a marker: the
point's own position (rounded to 5 decimals, within
:data:`interaction.POINT_TOLERANCE_DEG`), so click-to-card works unchanged. A
canvas has no DOM node per place, so the script publishes how many places
each layer draws in ``window.__briefmapDrawn[<layer name>]`` (0 while the
layer is switched off); ``map.__briefmapPoints.drawnInView`` counts the
points in the current view (the canvas bounds).

Redraws: after a pan at the same zoom the canvas shifts the pixels it has and
stamps only the strips the pan exposed, clipped to them, so the image is the
one a full redraw gives; a zoom back to the zoom before starts from a kept
copy of that image. Only a zoom to a new level, a resize or a layer switched
on or off stamps every point in view again.

Speed on the server: everything about the catalog that does not depend on
the filter (the claims in date order, per-place coordinates and escaped
names, per-claim codes for actor, status, posture, role and layer) is computed
once per catalog and cached; a filter change is then a few numpy passes.
:meth:`briefmap.engine.index.CatalogIndex.select` returns exactly what
:func:`query.select` returns. :class:`SafeFeatureGroup` renders scripts without compiling
each once more as a Jinja template (which also made data such as
``{{ 7*7 }}`` evaluate in exported maps).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import folium
import numpy as np
from jinja2 import Template

from briefmap.data.schema import Catalog
from briefmap.drawing import mapping, scene_marks
from briefmap.drawing.assets import web_text
from briefmap.drawing.canvas_payload import SUMMARY_LIMIT, add_arrows, dumps, layer_payload_of
from briefmap.drawing.map_elements import MapElement, SafeFeatureGroup, parent_name_of
from briefmap.drawing.mapping import MapExtras
from briefmap.drawing.plan import Layer, MapFeature
from briefmap.drawing.symbology import legend_html
from briefmap.engine.catalog_arrays import LAYER_CODE, LAYERS, SCALE
from briefmap.engine.index import Plan
from briefmap.engine.query import Selection
from briefmap.safe import script_json

# Above this many drawn features, build_layers_auto takes the bulk path.
BULK_THRESHOLD = 500

# A layer's serialised payload -> the URL the map's frame fetches it from, or
# None to inline it (briefmap/app/layer_files.py).
Publish = Callable[[str], str | None]


# --------------------------------------------------------------- elements


# The script shared by every bulk layer on a page, defined once (window.__briefmapBulk),
# with the crowded areas' boxes it draws (window.__briefmapAggregate).
# Shipped as written: comments and indentation cost about 8 KB a page.
BULK_LIBRARY = (
    web_text("aggregate.js")
    + web_text("payload-fetch.js")
    + web_text("canvas.js")
    + web_text("line-places.js")
)

# Each engine's per-layer script: a function expression, called by BulkLayer's template.
ENGINES = {"canvas": web_text("canvas-engine.js"), "circles": web_text("circles-engine.js")}


class BulkLayer(MapElement):
    """One map layer's places: a compact JSON payload and the script that draws it.

    ``engine="canvas"`` (the default) draws the points with one shared canvas
    per map from typed arrays (no Leaflet layer per point); ``"circles"``
    draws one ``L.circleMarker`` per point on a shared ``L.canvas()``, kept to
    measure the difference. Outlines are ``L.geoJSON`` SVG paths either way.
    """

    # With an href the payload stays out of the page: the script fetches the file
    # (payload-fetch.js); the standalone export and the tests inline it.
    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.library }}\n"
        "{% if this.href %}window.__briefmapFetchPayload({{ this.map_name() }}, "
        "{{ this.key_json() }}, {{ this.href_json() }}, function (d) {\n"
        "({{ this.engine_js }})({{ this.map_name() }}, {{ this.parent_name() }}, d);\n});"
        "{% else %}"
        "{{ this.engine_js }}({{ this.map_name() }}, {{ this.parent_name() }}, "
        "{{ this.payload_json }});{% endif %}\n{% endmacro %}"
    )

    def __init__(
        self,
        payload: dict[str, Any] | str,
        engine: str = "canvas",
        *,
        library: bool = True,
        count: int | None = None,
        href: str | None = None,
    ) -> None:
        """``payload``: a layer's payload, or :meth:`serialise` of one (then give ``count``).

        ``href``: where the page fetches that payload from (see ``payload-fetch.js``),
        instead of carrying it in its script.
        """
        super().__init__()
        self._name = "BulkLayer"
        self.payload_json = payload if isinstance(payload, str) else self.serialise(payload)
        self.href = href
        # The shared script, once per page: build_bulk_layers puts it in the first layer.
        self.library = BULK_LIBRARY if library else ""
        self.engine = engine
        self.engine_js = ENGINES[engine]
        self.count = (
            count
            if isinstance(payload, str)
            else len(payload["x"]) + len(payload["g"]) + len(payload.get("l", ()))
        )

    @staticmethod
    def serialise(payload: dict[str, Any]) -> str:
        return dumps({**payload, "scale": SCALE})

    def href_json(self) -> str:
        return script_json(self.href)

    def key_json(self) -> str:
        # The feature group's name is stable across reruns (mapping.stable_ids):
        # a rerun's copy of this layer replaces the one before under the same key.
        return script_json(parent_name_of(self))


# -------------------------------------------------------------------- layers


def build_bulk_layers(
    catalog: Catalog,
    selection: Selection,
    extras: MapExtras | None = None,
    *,
    summaries: bool | None = None,
    engine: str = "canvas",
    publish: Publish | None = None,
) -> list[folium.FeatureGroup]:
    """:func:`mapping.build_layers` for large selections: one canvas element per layer.

    Same layers in the same order with the same names, the legend (its symbol
    key replaced), the footnote, deployment arrows, and highlight and change
    layers when a briefing asks for them.

    Parameters
    ----------
    catalog, selection, extras
        As for :func:`mapping.build_layers`.
    summaries
        Whether tooltips carry the lead claim's summary; by default only when
        the map draws at most :data:`SUMMARY_LIMIT` places.
    engine
        ``"canvas"`` (points drawn from typed arrays on one canvas) or
        ``"circles"`` (an ``L.circleMarker`` per point), see :class:`BulkLayer`.
    publish
        Given a layer's serialised payload, where the page can fetch it from
        (``briefmap/app/layer_files.py``); without it the payload is inlined.
    """
    extras = extras or MapExtras()
    index = catalog.index
    places, claims, plan = index.places, index.claims, index.plan(selection)
    if summaries is None:
        # One rule for the whole map, so every tooltip reads the same way.
        summaries = len(plan.layer) <= SUMMARY_LIMIT
    groups: list[folium.FeatureGroup] = []
    samples: list[MapFeature] = []
    for layer in LAYERS:
        group = SafeFeatureGroup(name=layer.value, show=True)
        key = ("layer", layer, summaries)
        if key not in plan.built:
            payload, used = layer_payload_of(
                catalog, layer, places, claims, plan, summaries=summaries
            )
            if layer is Layer.PROPOSED:
                add_arrows(payload, _arrows(catalog, plan, summaries))
            count = len(payload["x"]) + len(payload["g"])
            plan.built[key] = (BulkLayer.serialise(payload), count, used)
        text, count, used = plan.built[key]
        samples += [
            MapFeature(
                catalog.places[places.ids[p]],
                layer,
                (claims.ordered[c],),
                actors=catalog.meta.actor_table,
            )
            for c, p in used
        ]
        BulkLayer(
            text,
            engine=engine,
            library=not groups,
            count=count,
            href=publish(text) if publish else None,
        ).add_to(group)
        groups.append(group)
    # Each place is a circle: no key of symbols by kind.
    legend = legend_html(samples, symbols=False) if samples else None
    mapping.add_controls(groups[0], catalog, selection, extras, legend)
    if extras.changes:
        groups.append(scene_marks.changes_group(catalog, selection, extras.changes, extras.since))
    highlighted = [catalog.places[p] for p in extras.highlight if p in catalog.places]
    if highlighted:
        shown = {places.ids[p] for p in plan.place.tolist()}
        group = SafeFeatureGroup(name=scene_marks.HIGHLIGHT_LAYER, show=True)
        for place in highlighted:
            scene_marks.highlight(place, drawn=place.id in shown).add_to(group)
        groups.append(group)
    for group in groups:
        mapping.stable_ids(group, "bulk/" + group.layer_name)
    return groups


def _arrows(catalog: Catalog, plan: Plan, summaries: bool) -> list[mapping.Arrow]:
    """The plan's proposed features that have an origin, as :func:`mapping.deployment_arrows`."""
    index = catalog.index
    places, claims = index.places, index.claims
    proposed = np.flatnonzero(plan.layer == LAYER_CODE[Layer.PROPOSED])
    if len(proposed):
        origin_pairs = claims.has_origin[claims.pair_claim[plan.pairs]].astype(np.int64)
        proposed = proposed[np.add.reduceat(origin_pairs, plan.first)[proposed] > 0]
    with_origin = []
    for row in proposed.tolist():
        start, n = plan.first[row], plan.count[row]
        members = claims.pair_claim[plan.pairs[start : start + n]]
        with_origin.append(
            MapFeature(
                catalog.places[places.ids[plan.place[row]]],
                Layer.PROPOSED,
                tuple(claims.ordered[i] for i in members.tolist()),
                actors=catalog.meta.actor_table,
            )
        )
    return mapping.deployment_arrows(catalog, with_origin, summaries=summaries)


def build_bulk_upload_layer(catalog: Catalog, selection: Selection, label: str) -> SafeFeatureGroup:
    """:func:`mapping.build_upload_layer` for large uploads: one group, a canvas per map layer.

    Drawn above the briefing's own layers, with no legend or footnote of its
    own (those describe the briefing's data). Serialised once per selection,
    like the briefing's layers, so a rerun costs an upload what it costs the
    app's own data.
    """
    index = catalog.index
    plan = index.plan(selection)
    group = SafeFeatureGroup(name=mapping.upload_layer_name(label), show=True)
    # One rule for the whole layer, as for the briefing's: summaries only on a small map.
    summaries = len(plan.layer) <= SUMMARY_LIMIT
    for layer in LAYERS:
        key = ("upload", layer, label)
        if key not in plan.built:
            payload, _ = layer_payload_of(
                catalog, layer, index.places, index.claims, plan, summaries=summaries
            )
            if layer is Layer.PROPOSED:
                add_arrows(payload, _arrows(catalog, plan, summaries))
            count = len(payload["x"]) + len(payload["g"])
            # Its own names for the page's drawn-count and layer tables, drawn on top.
            payload.update(
                layer=f"{group.layer_name} / {layer.value}",
                slug=f"upload-{layer.slug}",
                rank=len(LAYERS) + LAYER_CODE[layer],
            )
            plan.built[key] = (BulkLayer.serialise(payload), count)
        text, count = plan.built[key]
        # The library too: the briefing's own layers may be markers.
        BulkLayer(text, count=count).add_to(group)
    mapping.stable_ids(group, "bulk/" + group.layer_name)
    return group


def drawn_on_canvas(
    catalog: Catalog, selection: Selection, *, threshold: int = BULK_THRESHOLD
) -> bool:
    """Whether the ``*_auto`` builders draw ``selection`` on the canvas, crowded areas as boxes."""
    return catalog.index.count_features(selection) > threshold


def build_upload_layer_auto(
    catalog: Catalog, selection: Selection, label: str, *, threshold: int = BULK_THRESHOLD
) -> SafeFeatureGroup:
    """An upload's layer: markers up to ``threshold`` features, the canvas above."""
    if drawn_on_canvas(catalog, selection, threshold=threshold):
        return build_bulk_upload_layer(catalog, selection, label)
    return mapping.build_upload_layer(catalog, selection, label)


def build_layers_auto(
    catalog: Catalog,
    selection: Selection,
    extras: MapExtras | None = None,
    *,
    threshold: int = BULK_THRESHOLD,
    publish: Publish | None = None,
) -> list[folium.FeatureGroup]:
    """:func:`mapping.build_layers` up to ``threshold`` features, :func:`build_bulk_layers` above."""
    if drawn_on_canvas(catalog, selection, threshold=threshold):
        return build_bulk_layers(catalog, selection, extras, publish=publish)
    return mapping.build_layers(catalog, selection, extras)


__all__ = [
    "BULK_THRESHOLD",
    "SUMMARY_LIMIT",
    "BulkLayer",
    "Publish",
    "build_bulk_layers",
    "build_bulk_upload_layer",
    "build_layers_auto",
    "build_upload_layer_auto",
    "drawn_on_canvas",
]
