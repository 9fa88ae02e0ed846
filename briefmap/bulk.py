"""The fast path for large selections: one compact canvas layer per map layer.

:func:`mapping.build_layers` draws one ``folium.Marker`` (an inline-SVG
``DivIcon`` and a ``Tooltip``) per place and layer: exact and pretty for
dozens of places, hopeless for 100,000 (each marker is a DOM node and about
1.7 KB of script). :func:`build_bulk_layers` takes the same inputs and returns
a ``FeatureGroup`` per :class:`~briefmap.mapping.Layer` with the same names,
but draws each layer's places with ONE :class:`BulkLayer`: a compact JSON
payload and a fixed script. Outlines (a few hundred) become ``L.geoJSON`` SVG
paths styled like :func:`mapping.build_layers`' regions. Points are stamped
as circles on one ``L.Canvas`` per map (a subclass: ``briefmap/web/canvas.js``) from
typed arrays, with no Leaflet layer per point.

Why not ``L.geoJSON`` with ``pointToLayer`` making an ``L.circleMarker`` each
on a shared ``L.canvas()`` (still available as ``engine="circles"``)? Leaflet
registers two map listeners per circle and checks each new one against all
before it (``Events._on``), so adding or removing n circles is quadratic;
with 100,000 of them headless Chromium took about 4 s from payload to drawing,
1.4 s per redraw after a pan and 290 MB of heap, against about 1 s, a pan
redrawn in under 0.1 s and 30 MB here (see BENCHMARKS.md).

The payload of a layer (see :func:`layer_payload` and :func:`decode`):

- ``S``, the style table, one entry per distinct (actor colour, status,
  posture, point or outline): ``[colour, weight, dash, fill, fill opacity,
  one-claim tally, z]``, ``fill`` 0 hollow, 1 solid, 2 hatched. Status is
  carried by weight, dash and fill opacity as :data:`mapping.STATUS_STYLES`
  says, posture by the fill (former hollow, proposed hatched in the actor's
  colour), never by colour alone; ``z`` orders drawing, weakest status first.
- ``T``, the string table: every text the layer shows, escaped on the server
  with :func:`briefmap.safe.map_text` (and ``{``/``}`` as entities) before it
  enters the JSON.
- ``P``, tooltip recipes ``[name_en, name_ar, name_ru, meta, tally, summary, end]``
  (``end``: the "end date unknown" line of a former place, or -1):
  indices into ``T``, -1 for none (a tally of -1: the style's one-claim
  tally). The script joins them with fixed markup into the HTML
  :func:`mapping.tooltip_html` makes and gives Leaflet a string; nothing
  from the data is evaluated.
- ``o``, ``x``, ``y``, ``k``, the points, by column: coordinates as integers
  of 1e-5 degree (rounded to 5 decimals, about a metre) from the origin
  ``o``, and each point's tooltip and style index packed into one number,
  ``k = tooltip * len(S) + style``. Weakest status first, so the best sourced
  are drawn on top.
- ``g``, ``gs``, ``gt``, the outlines: rings of [lon, lat] rounded to 5
  decimals, with their style and tooltip index.

Names, kinds and tallies repeat, so the tables stay small and a point costs
about 23 bytes. A map of more than :data:`SUMMARY_LIMIT` places leaves the lead
claim's summary out of its tooltips (the claim card has it): that is what
keeps 100,000 points under 3 MB.

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
:func:`select_fast` returns exactly what :func:`query.select` returns, from
the same cache. :class:`SafeFeatureGroup` renders scripts without compiling
each once more as a Jinja template (which also made data such as
``{{ 7*7 }}`` evaluate in exported maps).
"""

from __future__ import annotations

import json
from typing import Any

import folium
import numpy as np
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from jinja2 import Template

from briefmap import mapping
from briefmap.assets import web_text
from briefmap.catalog_arrays import (
    ACTORS,
    LAYER_CODE,
    LAYERS,
    POSTURES,
    SCALE,
    STATUSES,
    STRICT_ENTITIES,
    ClaimTable,
    PlaceTable,
    map_text_strict,
    rings_of,
)
from briefmap.index import Plan
from briefmap.mapping import (
    REGION_FILL_SCALE,
    STATUS_STYLES,
    Layer,
    MapExtras,
    MapFeature,
    RawText,
)
from briefmap.query import ClaimFilter, Selection
from briefmap.schema import (
    Actor,
    Catalog,
    ClaimStatus,
    PlaceKind,
    Posture,
)

# Above this many drawn features, build_layers_auto takes the bulk path.
BULK_THRESHOLD = 500
# Up to this many places on the map, tooltips carry the lead claim's summary.
SUMMARY_LIMIT = 5000
POINT_RADIUS = 6  # px at zoom 8 and closer; smaller further out (<= 10 for "circles" clicks)
HINT = "Click for the claim card"

FILL_NONE, FILL_SOLID, FILL_HATCH = 0, 1, 2


# --------------------------------------------------------------------- style


def style_entry(colour: str, status: ClaimStatus, posture: Posture, is_point: bool) -> list:
    """``[colour, weight, dash, fill, fill opacity]``: status by line and fill, posture by fill."""
    style = STATUS_STYLES[status]
    dash = style.dash or ""
    if posture is Posture.FORMER:
        return [colour, style.weight, dash, FILL_NONE, 0.0]
    if posture is Posture.PROPOSED:
        return [colour, style.weight, dash, FILL_HATCH, 1.0 if is_point else 0.55]
    opacity = style.fill_opacity if is_point else style.fill_opacity * REGION_FILL_SCALE
    return [colour, style.weight, dash, FILL_SOLID, round(opacity, 4)]


def _style_of_code(code: int) -> tuple[Actor, ClaimStatus, Posture]:
    rest, posture = divmod(code, len(POSTURES))
    actor, status = divmod(rest, len(STATUSES))
    return ACTORS[actor], STATUSES[status], POSTURES[posture]


def _one(status: ClaimStatus) -> tuple[int, ...]:
    return tuple(int(s is status) for s in STATUSES)


def _tally(counts: tuple[int, ...]) -> str:
    """'3 claims: 2 confirmed, 1 reported', as mapping.tooltip_html writes it."""
    total = sum(counts)
    noun = "claim" if total == 1 else "claims"
    tally = ", ".join(f"{n} {STATUSES[s].label.lower()}" for s, n in enumerate(counts) if n)
    return f"{total} {noun}: {map_text_strict(tally)}"


# ------------------------------------------------------------------- payload


class _Strings:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def __call__(self, value: str | None) -> int:
        if value is None:
            return -1
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.index)
        return found


def layer_payload_of(
    catalog: Catalog,
    layer: Layer,
    places: PlaceTable,
    claims: ClaimTable,
    plan: Plan,
    *,
    summaries: bool | None = None,
) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """One layer's compact payload, and (lead claim, place) for each style it uses."""
    rows = np.flatnonzero(plan.layer == LAYER_CODE[layer])
    if summaries is None:
        summaries = len(rows) <= SUMMARY_LIMIT
    place = plan.place[rows]
    lead = plan.lead[rows]
    point = places.is_point[place]
    # Styles: the lead claim's (actor, status, posture), and point or outline.
    style_key = claims.style[lead].astype(np.int64) * 2 + point
    style_codes, style_index = np.unique(style_key, return_inverse=True)
    style_table = []
    samples: list[tuple[int, int]] = []
    first_of_style = np.unique(style_index, return_index=True)[1]
    for code, at in zip(style_codes.tolist(), first_of_style.tolist(), strict=True):
        actor, status, posture = _style_of_code(code // 2)
        # Then the one-claim tally (made a string index below) and the drawing
        # order z: weakest status lowest, so the best sourced are drawn on top.
        style_table.append(
            [
                *style_entry(actor.colour, status, posture, bool(code % 2)),
                _tally(_one(status)),
                len(STATUSES) - 1 - STATUSES.index(status),
            ]
        )
        samples.append((int(lead[at]), int(place[at])))
    # Tallies: a single claim's ("1 claim: 1 confirmed") rides with its style;
    # features of several claims name their tally in their tooltip recipe.
    tally_code = plan.tally[rows]
    tally_text = {code: _tally(counts) for code, counts in enumerate(plan.tallies)}
    n_tallies = len(plan.tallies)
    # Tooltips: distinct (names and kind, tally[, lead claim for its summary]).
    tip_key = places.label[place].astype(np.int64) * (n_tallies + 1) + tally_code + 1
    # Former claims whose end no source dates: counted per feature, and named.
    undated = np.zeros(len(rows), np.int64)
    if len(rows) and claims.undated_end.any():
        per_pair = claims.undated_end[claims.pair_claim[plan.pairs]].astype(np.int64)
        undated = np.add.reduceat(per_pair, plan.first)[rows]
    tip_key = tip_key * (int(undated.max(initial=0)) + 1) + undated
    if summaries:
        tip_key = tip_key * (len(claims.ordered) + 1) + lead
    tip_index = np.unique(tip_key, return_inverse=True)[1]
    strings = _Strings()
    for entry in style_table:
        entry[5] = strings(entry[5])
    meta_of: dict[int, str] = {}
    layer_label = map_text_strict(layer.value)
    recipes = []
    firsts = np.unique(tip_index, return_index=True)[1]
    for at in firsts.tolist():
        label_id = int(places.label[place[at]])
        en, ar, ru, kind, precision = places.labels[label_id]
        meta = meta_of.get(label_id)
        if meta is None:
            meta = meta_of[label_id] = f"{kind} · {precision} · {layer_label}"
        summary = map_text_strict(claims.ordered[lead[at]].summary) if summaries else None
        code = int(tally_code[at])
        ended = int(undated[at])
        recipes.append(
            [
                strings(en),
                strings(ar),
                strings(ru),
                strings(meta),
                strings(tally_text[code]) if code >= 0 else -1,
                strings(summary),
                strings(mapping.undated_end_text(ended)) if ended else -1,
            ]
        )
    pts = np.flatnonzero(point)
    if len(style_table):
        # Weakest status first: drawn later, the best sourced lie on top.
        z = np.array([entry[6] for entry in style_table], dtype=np.int64)[style_index[pts]]
        pts = pts[np.argsort(z, kind="stable")]
    xs, ys = places.x[place[pts]], places.y[place[pts]]
    x0 = int(xs.min()) if len(pts) else 0
    y0 = int(ys.min()) if len(pts) else 0
    outlines = np.flatnonzero(~point)
    payload: dict[str, Any] = {
        "v": 1,
        "layer": layer.value,
        "slug": layer.slug,
        "rank": LAYER_CODE[layer],
        "r": POINT_RADIUS,
        "S": style_table,
        "T": list(strings.index),
        "P": recipes,
        "o": [x0, y0],
        "x": (xs - x0).tolist(),
        "y": (ys - y0).tolist(),
        "k": (tip_index[pts] * max(len(style_table), 1) + style_index[pts]).tolist(),
        "g": [rings_of(places, catalog.places, int(place[i])) for i in outlines.tolist()],
        "gs": style_index[outlines].tolist(),
        "gt": tip_index[outlines].tolist(),
    }
    return payload, samples


def dumps(payload: dict[str, Any]) -> str:
    """Compact JSON that is also safe inside a ``<script>`` and a JS expression."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # No "<" at all (so no "</script>" or "<!--") and no raw line separators.
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --------------------------------------------------------------- elements


class SafeFeatureGroup(folium.FeatureGroup):
    """A ``FeatureGroup`` whose scripts are not re-read as Jinja templates when rendered.

    ``MacroElement.render`` wraps every rendered script in ``Element(script)``,
    which compiles it as a Jinja template: slow for a 3 MB payload, and data
    such as ``{{ ... }}`` that reached a script would be evaluated when the
    page is rendered. Here each script goes into the figure as plain text.
    Children whose class changes ``render`` are rendered the usual way.
    """

    def render(self, **kwargs: Any) -> None:
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        _render_raw(self, figure, kwargs)


def _render_raw(element: Element, figure: Figure, kwargs: dict[str, Any]) -> None:
    module = element._template.module.__dict__
    for part, target in (
        ("header", figure.header),
        ("html", figure.html),
        ("script", figure.script),
    ):
        macro = module.get(part)
        if macro is not None:
            target.add_child(RawText(macro(element, kwargs)), name=element.get_name())
    for child in list(element._children.values()):
        how = type(child).render
        if how is folium.Marker.render:
            # What Marker.render adds before rendering as a MacroElement.
            if child.location is None:
                raise ValueError(
                    f"{child._name} location must be assigned when added directly to map."
                )
            if child.icon:
                child.add_child(child.SetIcon(marker=child, icon=child.icon))
            _render_raw(child, figure, kwargs)
        elif how in (MacroElement.render, BulkLayer.render):
            _render_raw(child, figure, kwargs)
        else:
            child.render(**kwargs)


# The script shared by every bulk layer on a page, defined once (window.__briefmapBulk).
# Shipped as written: comments and indentation cost about 8 KB a page.
BULK_LIBRARY = web_text("canvas.js")

# Each engine's per-layer script: a function expression, called by BulkLayer's template.
ENGINES = {"canvas": web_text("canvas-engine.js"), "circles": web_text("circles-engine.js")}


class BulkLayer(MacroElement):
    """One map layer's places: a compact JSON payload and the script that draws it.

    ``engine="canvas"`` (the default) draws the points with one shared canvas
    per map from typed arrays (no Leaflet layer per point); ``"circles"``
    draws one ``L.circleMarker`` per point on a shared ``L.canvas()``, kept to
    measure the difference. Outlines are ``L.geoJSON`` SVG paths either way.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        {{ this.library }}
        {{ this.engine_js }}({{ this.map_name() }}, {{ this._parent.get_name() }}, {{ this.payload_json }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        payload: dict[str, Any] | str,
        engine: str = "canvas",
        *,
        library: bool = True,
        count: int | None = None,
    ) -> None:
        """``payload``: a layer's payload, or :meth:`serialise` of one (then give ``count``)."""
        super().__init__()
        self._name = "BulkLayer"
        self.payload_json = payload if isinstance(payload, str) else self.serialise(payload)
        # The shared script, once per page: build_bulk_layers puts it in the first layer.
        self.library = BULK_LIBRARY if library else ""
        self.engine = engine
        self.engine_js = ENGINES[engine]
        self.count = count if isinstance(payload, str) else len(payload["x"]) + len(payload["g"])

    @staticmethod
    def serialise(payload: dict[str, Any]) -> str:
        return dumps({**payload, "scale": SCALE, "hint": HINT})

    def map_name(self) -> str:
        node = self._parent
        while not isinstance(node, folium.Map):
            node = node._parent
        return node.get_name()

    def render(self, **kwargs: Any) -> None:
        figure = self.get_root()
        if isinstance(figure, Figure):
            _render_raw(self, figure, kwargs)


# -------------------------------------------------------------------- layers

SYMBOL_SECTION = "<h4>Symbol (kind of place)</h4>"
BULK_SYMBOL_NOTE = (
    "<h4>Symbol</h4><div>Each place is a circle; hover one for its kind.</div></details>"
)


def bulk_legend_html(features: list[MapFeature], collapsible: bool = True) -> str:
    """:func:`mapping.legend_html` for circles: the key of symbols by kind is replaced."""
    html = mapping.legend_html(features, collapsible=collapsible)
    cut = html.find(SYMBOL_SECTION)
    return html[:cut] + BULK_SYMBOL_NOTE if cut >= 0 else html


def footnote_html(catalog: Catalog, selection: Selection, *, outlets: bool = True) -> str:
    """:func:`mapping.footnote_html`, with the cited sources from the cached per-claim codes."""
    index = catalog.index
    plan = index.plan(selection)
    key = ("footnote", catalog.as_of, outlets)
    if key not in plan.built:
        cited = index.cited_sources(selection)
        plan.built[key] = mapping.footnote_html(catalog, selection, outlets=outlets, cited=cited)
    return plan.built[key]


def build_bulk_layers(
    catalog: Catalog,
    selection: Selection,
    extras: MapExtras | None = None,
    *,
    summaries: bool | None = None,
    engine: str = "canvas",
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
            count = len(payload["x"]) + len(payload["g"])
            plan.built[key] = (BulkLayer.serialise(payload), count, used)
        text, count, used = plan.built[key]
        samples += [
            MapFeature(catalog.places[places.ids[p]], layer, (claims.ordered[c],)) for c, p in used
        ]
        BulkLayer(text, engine=engine, library=not groups, count=count).add_to(group)
        groups.append(group)
    # Arrows from a proposed deployment's origin: few, drawn as mapping draws them.
    proposed = np.flatnonzero(plan.layer == LAYER_CODE[Layer.PROPOSED])
    if len(proposed):
        origin_pairs = claims.has_origin[claims.pair_claim[plan.pairs]].astype(np.int64)
        proposed = proposed[np.add.reduceat(origin_pairs, plan.first)[proposed] > 0]
    with_origin = []
    for row in proposed.tolist():
        start, n = plan.first[row], plan.count[row]
        members = claims.pair_claim[plan.pairs[start : start + n]]
        place = catalog.places[places.ids[plan.place[row]]]
        with_origin.append(
            MapFeature(place, Layer.PROPOSED, tuple(claims.ordered[i] for i in members.tolist()))
        )
    for arrow in mapping._deployment_arrows(catalog, with_origin):
        arrow.add_to(groups[LAYER_CODE[Layer.PROPOSED]])
    if samples:
        legend = bulk_legend_html(samples, collapsible=not extras.presentation)
        corner = "bottomright" if extras.presentation else "topright"
        mapping.MapControl(legend, slot="legend", css_class="bm-legend", position=corner).add_to(
            groups[0]
        )
    if extras.footnote:
        note = footnote_html(catalog, selection, outlets=extras.presentation)
        mapping.MapControl(
            note, slot="footnote", css_class="bm-footnote", position="bottomleft"
        ).add_to(groups[0])
    if extras.changes:
        groups.append(mapping._changes_group(catalog, selection, extras))
    highlighted = [catalog.places[p] for p in extras.highlight if p in catalog.places]
    if highlighted:
        shown = {places.ids[p] for p in plan.place.tolist()}
        group = SafeFeatureGroup(name=mapping.HIGHLIGHT_LAYER, show=True)
        for place in highlighted:
            mapping._highlight(place, drawn=place.id in shown).add_to(group)
        groups.append(group)
    for group in groups:
        _strict_tooltips(group)
        mapping._stable_ids(group, "bulk/" + group.layer_name)
    return groups


def _strict_tooltips(element: Element) -> None:
    """Entities for ``{``, ``}`` and line separators in the tooltips mapping made (arrows, changes)."""
    for child in element._children.values():
        if isinstance(child, folium.Tooltip):
            child.text = child.text.translate(STRICT_ENTITIES)
        _strict_tooltips(child)


def safe_groups(groups: list[folium.FeatureGroup]) -> list[folium.FeatureGroup]:
    """The same groups, rendered as :class:`SafeFeatureGroup` (byte-for-byte the same script).

    For :func:`mapping.build_layers`' groups until it builds ``SafeFeatureGroup``
    itself: its scripts are then not compiled as Jinja templates once more,
    which is most of ``st_folium``'s time for a few hundred markers.
    """
    for group in groups:
        if type(group) is folium.FeatureGroup:
            group.__class__ = SafeFeatureGroup
    return groups


# Until the app asks ``catalog.index`` itself: the index's answers under the
# names the Streamlit side imports.


def warm(catalog: Catalog) -> None:
    """Build the catalog's index now (when the data loads), not on the first view."""
    _ = catalog.index.claims


def select_fast(catalog: Catalog, claim_filter: ClaimFilter) -> Selection:
    return catalog.index.select(claim_filter)


def find_places(
    catalog: Catalog, place_ids: tuple[str, ...], text: str, limit: int = 100
) -> list[str]:
    return catalog.index.find_places(place_ids, text, limit)


def count_features(catalog: Catalog, selection: Selection) -> int:
    return catalog.index.count_features(selection)


def map_bounds(catalog: Catalog) -> list[list[float]]:
    return catalog.index.map_bounds


def selection_bounds(catalog: Catalog, selection: Selection) -> list[list[float]] | None:
    return catalog.index.selection_bounds(selection)


def drawn_place_ids(catalog: Catalog, selection: Selection) -> tuple[str, ...]:
    return catalog.index.drawn_place_ids(selection)


def monthly_counts(catalog: Catalog, selection: Selection) -> list[dict[str, object]]:
    return catalog.index.monthly_counts(selection)


def off_map_place_ids(catalog: Catalog, selection: Selection) -> list[str]:
    return catalog.index.off_map_place_ids(selection)


def date_span(catalog: Catalog) -> tuple[str, str] | None:
    return catalog.index.date_span


def kinds_in(catalog: Catalog) -> list[PlaceKind]:
    return list(catalog.index.kinds)


def build_layers_auto(
    catalog: Catalog,
    selection: Selection,
    extras: MapExtras | None = None,
    *,
    threshold: int = BULK_THRESHOLD,
) -> list[folium.FeatureGroup]:
    """:func:`mapping.build_layers` up to ``threshold`` features, :func:`build_bulk_layers` above."""
    if catalog.index.count_features(selection) > threshold:
        return build_bulk_layers(catalog, selection, extras)
    return safe_groups(mapping.build_layers(catalog, selection, extras))


# ---------------------------------------------------------- reading it back


def layer_payload(group: folium.FeatureGroup) -> dict[str, Any] | None:
    """The payload of a bulk layer, parsed back from its JSON; ``None`` for other groups."""
    for child in group._children.values():
        if isinstance(child, BulkLayer):
            return json.loads(child.payload_json)
    return None


def decode(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The features a payload draws, as its script builds them: outlines, then points.

    Each is ``{"kind": "point" | "polygon", "lat", "lon" (points), "rings"
    (outlines), "style": [...], "tooltip": html}``.
    """
    strings, recipes, styles = payload["T"], payload["P"], payload["S"]

    def tooltip(index: int, style: int) -> str:
        p = recipes[index]
        tally = p[4] if p[4] >= 0 else styles[style][5]
        html = f'<div class="bm-tip-name">{strings[p[0]]}</div>'
        if p[1] >= 0:
            html += f'<div dir="rtl" lang="ar">{strings[p[1]]}</div>'
        if p[2] >= 0:
            html += f'<div lang="ru">{strings[p[2]]}</div>'
        html += (
            f'<div class="bm-tip-meta">{strings[p[3]]}</div>'
            f'<div class="bm-tip-meta">{strings[tally]}</div>'
        )
        if p[6] >= 0:
            html += f'<div class="bm-tip-meta">{strings[p[6]]}</div>'
        if p[5] >= 0:
            html += f'<div class="bm-tip-lead">{strings[p[5]]}</div>'
        return html + f'<div class="bm-tip-hint">{HINT}</div>'

    out: list[dict[str, Any]] = []
    for rings, s, t in zip(payload["g"], payload["gs"], payload["gt"], strict=True):
        out.append(
            {"kind": "polygon", "rings": rings, "style": styles[s], "tooltip": tooltip(t, s)}
        )
    x0, y0 = payload["o"]
    m = max(len(styles), 1)
    for x, y, k in zip(payload["x"], payload["y"], payload["k"], strict=True):
        t, s = divmod(k, m)
        out.append(
            {
                "kind": "point",
                "lon": (x + x0) / SCALE,
                "lat": (y + y0) / SCALE,
                "style": styles[s],
                "tooltip": tooltip(t, s),
            }
        )
    return out


def drawn_counts(groups: list[folium.FeatureGroup]) -> dict[str, int]:
    """Layer name -> places drawn, as the browser will publish in ``window.__briefmapDrawn``."""
    out = {}
    for group in groups:
        for child in group._children.values():
            if isinstance(child, BulkLayer):
                out[group.layer_name] = child.count
    return out


__all__ = [
    "BULK_THRESHOLD",
    "SUMMARY_LIMIT",
    "BulkLayer",
    "SafeFeatureGroup",
    "build_bulk_layers",
    "build_layers_auto",
    "count_features",
    "date_span",
    "decode",
    "drawn_counts",
    "drawn_place_ids",
    "find_places",
    "kinds_in",
    "layer_payload",
    "map_bounds",
    "monthly_counts",
    "off_map_place_ids",
    "safe_groups",
    "select_fast",
    "selection_bounds",
    "warm",
]
