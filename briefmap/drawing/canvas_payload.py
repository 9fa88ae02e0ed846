"""The canvas layer's payload: a layer's places as compact tables of JSON.

The payload of a layer (see :func:`layer_payload_of`):

- ``S``, the style table, one entry per distinct (actor colour, status,
  posture, point or outline): ``[colour, weight, dash, fill, fill opacity,
  one-claim tally, z, mark]``, ``fill`` 0 hollow, 1 solid, 2 hatched; ``mark``
  indexes ``K``, the actor marks (:func:`briefmap.drawing.symbology.actor_mark`)
  as ``[SVG path data of its shape, letter code]`` (one of them empty), or is
  -1 for an outline. Status is
  carried by weight, dash and fill opacity as :data:`symbology.STATUS_STYLES`
  says, posture by the fill (former hollow, proposed hatched in the actor's
  colour), never by colour alone; ``z`` orders drawing, weakest status first.
- ``T``, the string table: every text the layer shows, escaped on the server
  with :func:`briefmap.safe.map_text` (and ``{``/``}`` as entities) before it
  enters the JSON.
- ``P``, tooltip recipes: one index into ``T`` per line of
  :func:`briefmap.drawing.plan.tooltip_lines`, -1 for a line left out (and
  left off at the end), -2 for the style's one-claim tally. ``M``, the tags
  the lines open with (:data:`briefmap.drawing.plan.TOOLTIP_TAGS`), and
  ``tail``, the fixed end of every tooltip. The script joins them into the HTML
  the marker renderer's tooltips carry and gives Leaflet a string; nothing
  from the data is evaluated.
- ``o``, ``x``, ``y``, ``k``, the points, by column: coordinates as integers
  of 1e-5 degree (rounded to 5 decimals, about a metre) from the origin
  ``o``, and each point's tooltip and style index packed into one number,
  ``k = tooltip * len(S) + style``. Weakest status first, so the best sourced
  are drawn on top.
- ``g``, ``gs``, ``gt``, the outlines: rings of [lon, lat] rounded to 5
  decimals, with their style and tooltip index.
- ``l``, ``ls``, ``lt``, ``lp``, the line places (``web/line-places.js``):
  each line's parts as paths of [lon, lat] rounded to 5 decimals, its style
  and tooltip index and its place id; ``LS``, per style, the strokes a line of
  it is drawn with (:func:`briefmap.drawing.line_places.line_strokes`: ``[colour,
  weight, dash, opacity]``, bottom first), ``null`` where no line uses it.
- ``a`` (the proposed layer, when a source names a base): arrows as
  ``[tail lat, tail lon, tip lat, tip lon, head lat, head lon, head lat, head lon,
  colour, label]``, rounded to 5 decimals; the tip is the head's first corner.
  ``colour`` indexes ``ac``, ``label`` the string table (the escaped tooltip of
  :class:`briefmap.drawing.mapping.Arrow`).
- ``Pc``, ``C``, ``L``, for the dense-area boxes (``briefmap/drawing/web/aggregate.js``):
  each recipe's claims per status, as an index into ``C`` (rows of claims per
  rung of the ladder, strongest first) or -1 for one claim of the style's
  status (rung ``len(L) - 1 - z``); ``L`` the ladder, strongest first, as
  ``[escaped label, fill]`` (:data:`briefmap.drawing.symbology.AGGREGATE_FILLS`),
  drawn in the ink ``Lk``.

Names, kinds and tallies repeat, so the tables stay small and a point costs
about 23 bytes. A map of more than :data:`SUMMARY_LIMIT` places leaves the lead
claim's summary out of its tooltips (the claim card has it): that is what
keeps 100,000 points under 3 MB.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from briefmap.data.schema import Catalog, ClaimStatus, Posture
from briefmap.drawing.line_places import line_payload, line_strokes
from briefmap.drawing.plan import (
    TOOLTIP_TAGS,
    TOOLTIP_TAIL,
    Layer,
    meta_line,
    tally_line,
    undated_end_text,
)
from briefmap.drawing.symbology import (
    AGGREGATE_FILLS,
    AGGREGATE_INK,
    REGION_FILL_SCALE,
    STATUS_STYLES,
    ActorMark,
    actor_mark,
)
from briefmap.engine.catalog_arrays import (
    LAYER_CODE,
    POSTURES,
    STATUSES,
    ClaimTable,
    PlaceTable,
    rings_of,
)
from briefmap.engine.index import Plan
from briefmap.safe import map_text, script_json

# Up to this many places on the map, tooltips carry the lead claim's summary.
SUMMARY_LIMIT = 5000
POINT_RADIUS = 6  # px at zoom 8 and closer; smaller further out (<= 10 for "circles" clicks)
STYLE_TALLY = -2  # in a recipe's tally line: the style's one-claim tally

FILL_NONE, FILL_SOLID, FILL_HATCH = 0, 1, 2

# The status ladder as the dense-area boxes draw and name it, strongest first.
LADDER = [[map_text(status.label), AGGREGATE_FILLS[status]] for status in STATUSES]


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


def _style_of_code(code: int, claims: ClaimTable) -> tuple[str, ClaimStatus, Posture]:
    """(actor id, status, posture) of a :attr:`ClaimTable.style` code."""
    rest, posture = divmod(code, len(POSTURES))
    actor, status = divmod(rest, len(STATUSES))
    return claims.actor_ids[actor], STATUSES[status], POSTURES[posture]


def _one(status: ClaimStatus) -> tuple[int, ...]:
    return tuple(int(s is status) for s in STATUSES)


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
    actor_table = catalog.meta.actor_table
    marks: dict[ActorMark, int] = {}
    samples: list[tuple[int, int]] = []
    looks: list[tuple[str, ClaimStatus, Posture]] = []  # per style, for a line's strokes
    first_of_style = np.unique(style_index, return_index=True)[1]
    for code, at in zip(style_codes.tolist(), first_of_style.tolist(), strict=True):
        actor, status, posture = _style_of_code(code // 2, claims)
        # Then the one-claim tally (made a string index below) and the drawing
        # order z: weakest status lowest, so the best sourced are drawn on top.
        # Then the actor's mark, as the markers draw it: points only.
        mark = marks.setdefault(actor_mark(actor_table, actor), len(marks)) if code % 2 else -1
        style_table.append(
            [
                *style_entry(catalog.meta.actor(actor).colour, status, posture, bool(code % 2)),
                tally_line(_one(status)),
                len(STATUSES) - 1 - STATUSES.index(status),
                mark,
            ]
        )
        samples.append((int(lead[at]), int(place[at])))
        looks.append((catalog.meta.actor(actor).colour, status, posture))
    # Tallies: a single claim's ("1 claim: 1 confirmed") rides with its style;
    # features of several claims name their tally in their tooltip recipe.
    tally_code = plan.tally[rows]
    tally_text = {code: tally_line(counts) for code, counts in enumerate(plan.tallies)}
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
    recipes = []
    recipe_tallies: list[int] = []  # per recipe: its row of `counts`, or -1
    counts: dict[int, int] = {}  # plan.tallies index -> row of the payload's C
    firsts = np.unique(tip_index, return_index=True)[1]
    for at in firsts.tolist():
        label_id = int(places.label[place[at]])
        en, ar, ru, kind, precision = places.labels[label_id]
        meta = meta_of.get(label_id)
        if meta is None:
            meta = meta_of[label_id] = meta_line(kind, precision, layer)
        summary = map_text(claims.ordered[lead[at]].summary) if summaries else None
        code = int(tally_code[at])
        ended = int(undated[at])
        recipe_tallies.append(counts.setdefault(code, len(counts)) if code >= 0 else -1)
        # The lines of plan.tooltip_lines, as indices into the string table.
        recipe = [
            strings(en),
            strings(ar),
            strings(ru),
            strings(meta),
            strings(tally_text[code]) if code >= 0 else STYLE_TALLY,
            strings(undated_end_text(ended)) if ended else -1,
            strings(summary),
        ]
        # Lines left out at the end are left off (about 6 bytes a place at 100,000).
        while recipe[-1] == -1:
            recipe.pop()
        recipes.append(recipe)
    pts = np.flatnonzero(point)
    if len(style_table):
        # Weakest status first: drawn later, the best sourced lie on top.
        z = np.array([entry[6] for entry in style_table], dtype=np.int64)[style_index[pts]]
        pts = pts[np.argsort(z, kind="stable")]
    xs, ys = places.x[place[pts]], places.y[place[pts]]
    x0 = int(xs.min()) if len(pts) else 0
    y0 = int(ys.min()) if len(pts) else 0
    outlines = np.flatnonzero(~point)
    shapes = [catalog.places[places.ids[int(place[i])]] for i in outlines.tolist()]
    line = np.array([shape.is_line for shape in shapes], dtype=bool)
    lines, outlines = outlines[line], outlines[~line]
    payload: dict[str, Any] = {
        "v": 1,
        "layer": layer.value,
        "slug": layer.slug,
        "rank": LAYER_CODE[layer],
        "r": POINT_RADIUS,
        "S": style_table,
        "K": [[mark.path, mark.code] for mark in marks],
        "T": list(strings.index),
        "P": recipes,
        "M": list(TOOLTIP_TAGS),
        "tail": TOOLTIP_TAIL,
        "o": [x0, y0],
        "x": (xs - x0).tolist(),
        "y": (ys - y0).tolist(),
        "k": (tip_index[pts] * max(len(style_table), 1) + style_index[pts]).tolist(),
        "g": [rings_of(places, catalog.places, int(place[i])) for i in outlines.tolist()],
        "gs": style_index[outlines].tolist(),
        "gt": tip_index[outlines].tolist(),
        "Pc": recipe_tallies,
        "C": [list(plan.tallies[code]) for code in counts],
        "L": LADDER,
        "Lk": AGGREGATE_INK,
    }
    if len(lines):  # left out where there are none, as most layers have
        payload.update(_lines_payload(catalog, looks, places.ids, place[lines], style_index[lines]))
        payload["lt"] = tip_index[lines].tolist()
    return payload, samples


def _lines_payload(
    catalog: Catalog,
    looks: list[tuple[str, ClaimStatus, Posture]],
    ids: Any,
    place: np.ndarray,
    style: np.ndarray,
) -> dict[str, Any]:
    """``l``, ``ls``, ``lp`` and ``LS``: the layer's line places, for ``line-places.js``."""
    strokes: list[Any] = [None] * len(looks)
    for s in set(style.tolist()):
        strokes[s] = [
            [k.colour, k.weight, k.dash or "", k.opacity] for k in line_strokes(*looks[s])
        ]
    chosen = [catalog.places[ids[int(i)]] for i in place.tolist()]
    return {
        "l": [line_payload(p) for p in chosen],
        "ls": style.tolist(),
        "lp": [p.id for p in chosen],
        "LS": strokes,
    }


def add_arrows(payload: dict[str, Any], arrows: list[Any]) -> None:
    """Put :class:`~briefmap.drawing.mapping.Arrow` s in a layer's payload (``a``, ``ac``)."""
    if not arrows:
        return
    strings = {text: i for i, text in enumerate(payload["T"])}
    colours: dict[str, int] = {}
    rows = []
    for arrow in arrows:
        label = strings.setdefault(arrow.label, len(strings))
        colour = colours.setdefault(arrow.colour, len(colours))
        (_, _), (lat1, lon1), (lat2, lon2) = arrow.head
        rows.append(
            [
                *(round(v, 5) for v in (*arrow.tail, *arrow.tip, lat1, lon1, lat2, lon2)),
                colour,
                label,
            ]
        )
    payload["T"] = list(strings)
    payload["a"], payload["ac"] = rows, list(colours)


def dumps(payload: dict[str, Any]) -> str:
    """A payload as JSON for the layer's script (:func:`briefmap.safe.script_json`)."""
    return script_json(payload)
