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
import operator
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import folium
import numpy as np
import shapely
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from jinja2 import Template

from briefmap import mapping
from briefmap.assets import web_text
from briefmap.mapping import (
    REGION_FILL_SCALE,
    STATUS_STYLES,
    Layer,
    MapExtras,
    MapFeature,
    RawText,
)
from briefmap.query import ClaimFilter, Selection, fold, select
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

# Above this many drawn features, build_layers_auto takes the bulk path.
BULK_THRESHOLD = 500
# Up to this many places on the map, tooltips carry the lead claim's summary.
SUMMARY_LIMIT = 5000
POINT_RADIUS = 6  # px at zoom 8 and closer; smaller further out (<= 10 for "circles" clicks)
SCALE = 100_000  # coordinates kept to 5 decimals
HINT = "Click for the claim card"

FILL_NONE, FILL_SOLID, FILL_HATCH = 0, 1, 2

ACTORS: tuple[Actor, ...] = tuple(Actor)
STATUSES: tuple[ClaimStatus, ...] = tuple(ClaimStatus)  # strongest first: index = rank
POSTURES: tuple[Posture, ...] = tuple(Posture)
LAYERS: tuple[Layer, ...] = tuple(Layer)
_LAYER_CODE = {layer: i for i, layer in enumerate(LAYERS)}
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_BRACES = str.maketrans({"{": "&#123;", "}": "&#125;", "\u2028": "&#8232;", "\u2029": "&#8233;"})


def map_text_strict(value: object) -> str:
    """:func:`safe.map_text`, with ``{``, ``}`` and line separators as entities too.

    No Jinja syntax is left for a later render to evaluate, and no U+2028 for
    an older JavaScript parser to choke on.
    """
    return map_text(value).translate(_BRACES)


# ------------------------------------------------------------------ caching


class _Cache:
    """Values computed from a catalog's dicts, for the last few dicts seen.

    Keyed by the dict's identity: ``ui`` caches one catalog per data version,
    and ``timeline.as_of(catalog, None)`` hands back the same one, so a filter
    change finds everything here. The dict is held so its id is not reused.
    """

    def __init__(self, size: int = 6) -> None:
        self.size = size
        self.entries: dict[tuple[str, int], tuple[object, Any]] = {}
        self.lock = threading.Lock()  # Streamlit runs sessions in threads

    def get(self, kind: str, owner: object, build: Any, extra: Any = None) -> Any:
        key = (kind, id(owner), extra)
        hit = self.entries.get(key)
        if hit is not None and hit[0] is owner:
            return hit[1]
        value = build()  # two sessions may both build it; the last one is kept
        self.put(kind, owner, value, extra)
        return value

    def put(self, kind: str, owner: object, value: Any, extra: Any = None) -> None:
        with self.lock:
            self.entries[(kind, id(owner), extra)] = (owner, value)
            while len(self.entries) > self.size:
                self.entries.pop(next(iter(self.entries)))

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_CACHE = _Cache()


@dataclass
class _Places:
    """Per place, in catalog order."""

    ids: list[str]
    id_array: np.ndarray  # the same ids, object dtype, for fancy indexing
    index: dict[str, int]
    is_point: np.ndarray  # bool
    x: np.ndarray  # int64, lon * SCALE rounded (0 for outlines)
    y: np.ndarray
    bounds: np.ndarray  # float64 (n, 4): min lon, min lat, max lon, max lat
    off_map: np.ndarray  # bool
    label: np.ndarray  # int32: index into labels
    labels: list[
        tuple[str, str | None, str | None, str, str]
    ]  # escaped en, ar, ru, kind, precision
    kinds: frozenset
    kind_of: list[Any]
    rings: dict[int, list]  # outlines' rings, filled on first use
    folded: dict[int, tuple[str, ...]]  # search names, filled on first search


def _places(places: dict[str, Place]) -> _Places:
    def build() -> _Places:
        ids = list(places)
        geoms = np.array([places[p].geometry for p in ids], dtype=object)
        is_point = shapely.get_type_id(geoms) == 0 if ids else np.zeros(0, bool)
        x = np.zeros(len(ids), np.int64)
        y = np.zeros(len(ids), np.int64)
        if is_point.any():
            coords = shapely.get_coordinates(geoms[is_point])
            x[is_point] = np.rint(coords[:, 0] * SCALE).astype(np.int64)
            y[is_point] = np.rint(coords[:, 1] * SCALE).astype(np.int64)
        memo: dict[Any, str | None] = {None: None}

        def esc(value: Any) -> str | None:
            if value not in memo:
                memo[value] = map_text_strict(value)
            return memo[value]

        label_ids: dict[tuple, int] = {}
        label = np.zeros(len(ids), np.int32)
        for i, pid in enumerate(ids):
            place = places[pid]
            key = (
                esc(place.name_en) or "",
                esc(place.name_ar),
                esc(place.name_ru),
                esc(place.kind.label),
                esc(place.precision.label),
            )
            label[i] = label_ids.setdefault(key, len(label_ids))
        return _Places(
            ids=ids,
            id_array=np.array(ids, dtype=object),
            index={pid: i for i, pid in enumerate(ids)},
            is_point=is_point,
            x=x,
            y=y,
            bounds=shapely.bounds(geoms) if ids else np.zeros((0, 4)),
            off_map=np.array([places[p].off_map for p in ids], dtype=bool),
            label=label,
            labels=list(label_ids),
            kinds=frozenset(places[p].kind for p in ids),
            kind_of=[places[p].kind for p in ids],
            rings={},
            folded={},
        )

    return _CACHE.get("places", places, build)


def _rings(table: _Places, places: dict[str, Place], i: int) -> list:
    if i not in table.rings:
        polygon = places[table.ids[i]].geometry
        table.rings[i] = [
            [[round(px, 5), round(py, 5)] for px, py in ring.coords]
            for ring in (polygon.exterior, *polygon.interiors)
        ]
    return table.rings[i]


@dataclass
class _Claims:
    """Per claim, in the order query.select walks them (reported, then id)."""

    ordered: tuple[Claim, ...]
    index: dict[str, int]
    actors: np.ndarray  # uint8 bit mask over ACTORS
    status: np.ndarray  # int8 rank
    posture: np.ndarray  # int8 index into POSTURES
    day: np.ndarray  # int32 yyyymmdd
    lead: np.ndarray  # int32: position in mapping.lead_order
    style: np.ndarray  # int16: (first actor, status, posture) code
    n_places: np.ndarray  # int16
    # Each claim's cited sources: codes into `sources`, claim i's at
    # source_code[source_start[i]:source_start[i + 1]].
    source_start: np.ndarray
    source_code: np.ndarray
    sources: list[str]
    has_origin: np.ndarray  # bool
    undated_end: np.ndarray  # bool: former, and no source dates the end
    # claim-place pairs, claim by claim
    pair_start: np.ndarray  # int64, len(ordered) + 1
    pair_claim: np.ndarray  # int32
    pair_place: np.ndarray  # int32 into _Places
    pair_layer: np.ndarray  # int8 into LAYERS


def _day(value: str) -> int:
    return int(value[0:4]) * 10000 + int(value[5:7]) * 100 + int(value[8:10])


def _claims(catalog: Catalog, places: _Places) -> _Claims:
    def build() -> _Claims:
        ordered = tuple(sorted(catalog.claims.values(), key=lambda c: (c.reported, c.id)))
        n = len(ordered)
        actor_bit = {a: 1 << i for i, a in enumerate(ACTORS)}
        actor_code = {a: i for i, a in enumerate(ACTORS)}
        status_code = {s: i for i, s in enumerate(STATUSES)}
        posture_code = {p: i for i, p in enumerate(POSTURES)}
        actors = np.zeros(n, np.uint8)
        status = np.zeros(n, np.int8)
        posture = np.zeros(n, np.int8)
        day = np.zeros(n, np.int32)
        context = np.zeros(n, bool)
        style = np.zeros(n, np.int16)
        n_places = np.zeros(n, np.int16)
        has_origin = np.zeros(n, bool)
        undated_end = np.zeros(n, bool)
        source_ids: dict[str, int] = {}
        source_code: list[int] = []
        source_start = [0]
        pair_place: list[int] = []
        pair_claim: list[int] = []
        starts = [0]
        for i, claim in enumerate(ordered):
            mask = 0
            for actor in claim.actors:
                mask |= actor_bit[actor]
            actors[i] = mask
            s, p = status_code[claim.status], posture_code[claim.posture]
            status[i], posture[i] = s, p
            day[i] = _day(claim.reported) if _ISO_DAY.fullmatch(claim.reported) else 0
            context[i] = claim.role is Role.CONTEXT
            style[i] = (actor_code[claim.actors[0]] * len(STATUSES) + s) * len(POSTURES) + p
            n_places[i] = len(claim.places)
            has_origin[i] = claim.origin is not None
            undated_end[i] = claim.posture is Posture.FORMER and claim.end_date_unknown
            source_code.extend(source_ids.setdefault(sid, len(source_ids)) for sid in claim.sources)
            source_start.append(len(source_code))
            for pid in claim.places:
                pair_place.append(places.index[pid])
                pair_claim.append(i)
            starts.append(len(pair_place))
        # mapping.lead_order: strongest status, then the report's own, then id.
        by_lead = sorted(range(n), key=lambda i: (int(status[i]), bool(context[i]), ordered[i].id))
        lead = np.zeros(n, np.int32)
        lead[np.array(by_lead, dtype=np.int64)] = np.arange(n, dtype=np.int32)
        pc = np.array(pair_claim, dtype=np.int32)
        pp = np.array(pair_place, dtype=np.int32)
        # mapping.layer_of, for every pair at once.
        post = posture[pc]
        layer = np.where(places.is_point[pp], _LAYER_CODE[Layer.SITES], _LAYER_CODE[Layer.REGIONS])
        layer = np.where(context[pc], _LAYER_CODE[Layer.CONTEXT], layer)
        layer = np.where(post == posture_code[Posture.FORMER], _LAYER_CODE[Layer.FORMER], layer)
        layer = np.where(post == posture_code[Posture.PROPOSED], _LAYER_CODE[Layer.PROPOSED], layer)
        return _Claims(
            ordered=ordered,
            index={c.id: i for i, c in enumerate(ordered)},
            actors=actors,
            status=status,
            posture=posture,
            day=day,
            lead=lead,
            style=style,
            n_places=n_places,
            source_start=np.array(source_start, dtype=np.int64),
            source_code=np.array(source_code, dtype=np.int32),
            sources=list(source_ids),
            has_origin=has_origin,
            undated_end=undated_end,
            pair_start=np.array(starts, dtype=np.int64),
            pair_claim=pc,
            pair_place=pp,
            pair_layer=layer.astype(np.int8),
        )

    # Keyed by the claims dict; rebuilt if the places dict beside it changed.
    entry = _CACHE.get("claims", catalog.claims, lambda: (catalog.places, build()))
    if entry[0] is not catalog.places:
        entry = (catalog.places, build())
        _CACHE.put("claims", catalog.claims, entry)
    return entry[1]


def _index(catalog: Catalog) -> tuple[_Places, _Claims]:
    places = _places(catalog.places)
    return places, _claims(catalog, places)


def warm(catalog: Catalog) -> None:
    """Compute the per-catalog tables now (for ``ui._load``), not on the first view."""
    _index(catalog)


# ---------------------------------------------------------------- selection

# Selections made by select_fast, with the pairs they keep (saves a pass in the builder).
_PICKED = _Cache(size=4)


# The last selections made, by catalog and filter.
_SELECTED = _Cache(size=4)


def select_fast(catalog: Catalog, claim_filter: ClaimFilter) -> Selection:
    """Exactly :func:`query.select`, computed on the cached per-catalog arrays.

    Falls back to :func:`query.select` for filter values it does not model
    (a date that is not YYYY-MM-DD). The same catalog and filter give the same
    ``Selection`` object back: a rerun that changes no filter (a pan, a click)
    then finds the plan and the serialised layers cached for it.
    """
    held = _SELECTED.get(
        "selection",
        catalog.claims,
        lambda: (catalog.places, _select_fast(catalog, claim_filter)),
        extra=claim_filter,
    )
    if held[0] is not catalog.places:  # same claims, other places: not the same catalog
        held = (catalog.places, _select_fast(catalog, claim_filter))
        _SELECTED.put("selection", catalog.claims, held, extra=claim_filter)
    return held[1]


def _select_fast(catalog: Catalog, claim_filter: ClaimFilter) -> Selection:
    flt = claim_filter
    for day in (flt.reported_from, flt.reported_to):
        if day is not None and not _ISO_DAY.fullmatch(day):
            return select(catalog, flt)
    places, claims = _index(catalog)
    keep = np.ones(len(claims.ordered), bool)
    if flt.actors is not None:
        mask = 0
        for actor in flt.actors:
            mask |= 1 << ACTORS.index(Actor(actor))
        keep &= (claims.actors & np.uint8(mask)) != 0
    if flt.reported_from is not None:
        keep &= claims.day >= _day(flt.reported_from)
    if flt.reported_to is not None:
        keep &= claims.day <= _day(flt.reported_to)
    if flt.statuses is not None:
        codes = [STATUSES.index(ClaimStatus(s)) for s in flt.statuses]
        keep &= np.isin(claims.status, codes)
    postures = [i for i, p in enumerate(POSTURES) if flt.deployments.admits(p)]
    if len(postures) < len(POSTURES):
        keep &= np.isin(claims.posture, postures)
    needle = fold(flt.search)
    admitted: np.ndarray | None = None
    if needle or not (flt.kinds is None or places.kinds <= flt.kinds):
        admitted = np.ones(len(places.ids), bool)
        if flt.kinds is not None:
            admitted &= np.fromiter((k in flt.kinds for k in places.kind_of), bool, len(places.ids))
        if needle:
            folded = _folded(catalog, places)
            admitted &= np.fromiter(
                (any(needle in name for name in folded[i]) for i in range(len(places.ids))),
                bool,
                len(places.ids),
            )
    pair_keep = keep[claims.pair_claim]
    if admitted is not None:
        pair_keep &= admitted[claims.pair_place]
        kept_pairs = np.bincount(claims.pair_claim[pair_keep], minlength=len(claims.ordered))
        keep &= kept_pairs > 0
        partial = np.flatnonzero(keep & (kept_pairs < claims.n_places))
    else:
        partial = np.zeros(0, np.int64)
    picked = np.flatnonzero(keep)
    kept = operator.itemgetter(*picked.tolist())(claims.ordered) if len(picked) else ()
    if len(picked) == 1:
        kept = (kept,)
    narrowed: dict[str, tuple[str, ...]] = {}
    for i in partial.tolist():
        claim = claims.ordered[i]
        start, end = claims.pair_start[i], claims.pair_start[i + 1]
        narrowed[claim.id] = tuple(
            pid for pid, ok in zip(claim.places, pair_keep[start:end], strict=True) if ok
        )
    selection = Selection(
        claims=tuple(kept),
        places_of=_PlacesOf(claims, keep, narrowed),
        total_claims=len(catalog.claims),
    )
    _PICKED.get("pairs", selection, lambda: (catalog.claims, pair_keep))
    return selection


class _PlacesOf(Mapping[str, tuple[str, ...]]):
    """``Selection.places_of`` without building a dict (36 ms at 100,000 claims).

    A kept claim's own places, unless a search or kind filter narrowed them
    (``narrowed``); any other claim id is a ``KeyError``, as in the dict.
    """

    def __init__(
        self, claims: _Claims, keep: np.ndarray, narrowed: dict[str, tuple[str, ...]]
    ) -> None:
        self._claims, self._keep, self._narrowed = claims, keep, narrowed
        self._len = int(np.count_nonzero(keep))

    def __getitem__(self, claim_id: str) -> tuple[str, ...]:
        hit = self._narrowed.get(claim_id)
        if hit is not None:
            return hit
        i = self._claims.index.get(claim_id)
        if i is None or not self._keep[i]:
            raise KeyError(claim_id)
        return self._claims.ordered[i].places

    def __iter__(self) -> Iterator[str]:
        ordered = self._claims.ordered
        return (ordered[i].id for i in np.flatnonzero(self._keep).tolist())

    def __len__(self) -> int:
        return self._len


def _folded(catalog: Catalog, places: _Places) -> dict[int, tuple[str, ...]]:
    if not places.folded and places.ids:
        memo: dict[str, str] = {}
        folded: dict[int, tuple[str, ...]] = {}
        for i, pid in enumerate(places.ids):
            names = []
            for name in catalog.places[pid].search_names():
                if name not in memo:
                    memo[name] = fold(name)
                names.append(memo[name])
            folded[i] = tuple(names)
        places.folded = folded  # whole, so another session never sees half of it
    return places.folded


def find_places(
    catalog: Catalog, place_ids: tuple[str, ...], text: str, limit: int = 100
) -> list[str]:
    """Up to ``limit`` of ``place_ids`` (in their order) whose names match ``text``.

    Matching is the search filter's (:func:`query.fold`: any of the English,
    Arabic or Russian names or alternative spellings contains the folded
    text), on names folded once per catalog. For the claim card at 100,000
    places, where listing every place in a select box would cost more than
    the rest of the page.
    """
    needle = fold(text)
    if not needle:
        return []
    places = _places(catalog.places)
    folded = _folded(catalog, places)
    found: list[str] = []
    for pid in place_ids:
        i = places.index.get(pid)
        if i is not None and any(needle in name for name in folded[i]):
            found.append(pid)
            if len(found) >= limit:
                break
    return found


def _selected_pairs(catalog: Catalog, selection: Selection, claims: _Claims) -> np.ndarray:
    """A mask over the catalog's claim-place pairs: what the selection draws."""
    hit = _PICKED.entries.get(("pairs", id(selection), None))
    if hit is not None and hit[0] is selection and hit[1][0] is catalog.claims:
        return hit[1][1]
    chosen = np.zeros(len(claims.ordered), bool)
    partial: list[tuple[int, tuple[str, ...]]] = []
    index, n_places, places_of = claims.index, claims.n_places, selection.places_of
    for claim in selection.claims:
        i = index[claim.id]
        chosen[i] = True
        shown = places_of[claim.id]
        if len(shown) != n_places[i]:
            partial.append((i, shown))
    mask = chosen[claims.pair_claim]
    for i, shown in partial:
        start = claims.pair_start[i]
        for offset, pid in enumerate(claims.ordered[i].places):
            if pid not in shown:
                mask[start + offset] = False
    return mask


# ------------------------------------------------------------------ planning


@dataclass
class _Plan:
    """The features to draw: one per place and layer, as parallel arrays."""

    layer: np.ndarray  # int8
    place: np.ndarray  # int32 into _Places
    lead: np.ndarray  # int32 into _Claims.ordered: the claim that sets the style
    count: np.ndarray  # claims drawn there
    first: np.ndarray  # int64: where the feature's pairs start in `pairs`
    pairs: np.ndarray  # int64 pair indices sorted by feature, then lead order
    tally: np.ndarray  # int64: -1 for one claim, else index into `tallies`
    tallies: list[tuple[int, ...]]  # claims per status, for features of several claims
    place_ids: tuple[str, ...] | None = None  # drawn_place_ids, filled on first use
    # Serialised layer payloads and the footnote, filled on first use: a rerun
    # with the same selection (a pan, a click) serialises nothing again.
    built: dict[tuple[Any, ...], Any] = field(default_factory=dict)


_PLANS = _Cache(size=2)


def _plan(catalog: Catalog, selection: Selection) -> tuple[_Places, _Claims, _Plan]:
    places, claims = _index(catalog)
    hit = _PLANS.entries.get(("plan", id(selection), None))
    if hit is not None and hit[0] is selection and hit[1][0] is claims:
        return places, claims, hit[1][1]
    plan = _make_plan(catalog, selection, places, claims)
    _PLANS.get("plan", selection, lambda: (claims, plan))
    return places, claims, plan


def _make_plan(catalog: Catalog, selection: Selection, places: _Places, claims: _Claims) -> _Plan:
    picked = np.flatnonzero(_selected_pairs(catalog, selection, claims))
    n_places = max(len(places.ids), 1)
    key = claims.pair_layer[picked].astype(np.int64) * n_places + claims.pair_place[picked]
    order = np.lexsort((claims.lead[claims.pair_claim[picked]], key))
    key_sorted = key[order]
    pairs = picked[order]
    if len(key_sorted):
        starts = np.flatnonzero(np.r_[True, key_sorted[1:] != key_sorted[:-1]])
    else:
        starts = np.zeros(0, np.int64)
    counts = np.diff(np.r_[starts, len(key_sorted)])
    feature_keys = key_sorted[starts]
    # Claims per status for the features of several claims, all at once.
    tally = np.full(len(starts), -1, np.int64)
    tallies: list[tuple[int, ...]] = []
    multi = np.flatnonzero(counts > 1)
    if len(multi):
        feature_of_pair = np.repeat(np.arange(len(starts)), counts)
        in_multi = counts[feature_of_pair] > 1
        row_of = np.full(len(starts), -1, np.int64)
        row_of[multi] = np.arange(len(multi))
        table = np.zeros((len(multi), len(STATUSES)), np.int64)
        np.add.at(
            table,
            (row_of[feature_of_pair[in_multi]], claims.status[claims.pair_claim[pairs[in_multi]]]),
            1,
        )
        distinct, which = np.unique(table, axis=0, return_inverse=True)
        tally[multi] = which.reshape(-1)
        tallies = [tuple(row) for row in distinct.tolist()]
    plan = _Plan(
        layer=(feature_keys // n_places).astype(np.int8),
        place=(feature_keys % n_places).astype(np.int32),
        lead=claims.pair_claim[pairs[starts]],
        count=counts,
        first=starts,
        pairs=pairs,
        tally=tally,
        tallies=tallies,
    )
    return plan


def plan_summary(catalog: Catalog, selection: Selection) -> list[tuple[Layer, str, str, int]]:
    """(layer, place id, lead claim id, number of claims) per feature, for tests."""
    places, claims, plan = _plan(catalog, selection)
    return [
        (LAYERS[layer], places.ids[place], claims.ordered[lead].id, int(count))
        for layer, place, lead, count in zip(
            plan.layer.tolist(),
            plan.place.tolist(),
            plan.lead.tolist(),
            plan.count.tolist(),
            strict=True,
        )
    ]


def count_features(catalog: Catalog, selection: Selection) -> int:
    """How many features (points and outlines) the map draws for a selection."""
    return len(_plan(catalog, selection)[2].layer)


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
    places: _Places,
    claims: _Claims,
    plan: _Plan,
    *,
    summaries: bool | None = None,
) -> tuple[dict[str, Any], list[tuple[int, int]]]:
    """One layer's compact payload, and (lead claim, place) for each style it uses."""
    rows = np.flatnonzero(plan.layer == _LAYER_CODE[layer])
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
        "rank": _LAYER_CODE[layer],
        "r": POINT_RADIUS,
        "S": style_table,
        "T": list(strings.index),
        "P": recipes,
        "o": [x0, y0],
        "x": (xs - x0).tolist(),
        "y": (ys - y0).tolist(),
        "k": (tip_index[pts] * max(len(style_table), 1) + style_index[pts]).tolist(),
        "g": [_rings(places, catalog.places, int(place[i])) for i in outlines.tolist()],
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
    _, claims, plan = _plan(catalog, selection)
    key = ("footnote", catalog.as_of, outlets)
    if key not in plan.built:
        cited = _cited(catalog, claims, plan)
        plan.built[key] = mapping.footnote_html(catalog, selection, outlets=outlets, cited=cited)
    return plan.built[key]


def _cited(catalog: Catalog, claims: _Claims, plan: _Plan) -> list[Source]:
    """The sources the drawn claims cite, as :func:`sourcing.cited_sources_of` orders them."""
    drawn = np.unique(claims.pair_claim[plan.pairs])
    starts, ends = claims.source_start[drawn], claims.source_start[drawn + 1]
    lengths = ends - starts
    # Every drawn claim's slice of source codes, gathered without a Python loop.
    at = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    codes = claims.source_code[at + np.arange(int(lengths.sum()))]
    return sorted(
        (catalog.sources[claims.sources[i]] for i in np.unique(codes).tolist()),
        key=lambda s: (s.date, s.id),
    )


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
    places, claims, plan = _plan(catalog, selection)
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
    proposed = np.flatnonzero(plan.layer == _LAYER_CODE[Layer.PROPOSED])
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
        arrow.add_to(groups[_LAYER_CODE[Layer.PROPOSED]])
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
            child.text = child.text.translate(_BRACES)
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


def _box(bounds: np.ndarray) -> list[list[float]]:
    west, south = bounds[:, 0].min(), bounds[:, 1].min()
    east, north = bounds[:, 2].max(), bounds[:, 3].max()
    return [[float(south), float(west)], [float(north), float(east)]]


def map_bounds(catalog: Catalog) -> list[list[float]]:
    """:func:`mapping.map_bounds` from the cached per-place bounds (once per catalog)."""
    table = _places(catalog.places)
    on_map = table.bounds[~table.off_map]
    return _box(on_map) if len(on_map) else [[32.3, 35.7], [37.3, 42.4]]


def selection_bounds(catalog: Catalog, selection: Selection) -> list[list[float]] | None:
    """The box of the on-map places a selection draws (``ui._bounds`` of them), or ``None``."""
    places, _, plan = _plan(catalog, selection)
    shown = np.unique(plan.place)
    shown = shown[~places.off_map[shown]]
    return _box(places.bounds[shown]) if len(shown) else None


def drawn_place_ids(catalog: Catalog, selection: Selection) -> tuple[str, ...]:
    """``selection.place_ids`` (the same ids in the same order), from the cached arrays."""
    places, claims, plan = _plan(catalog, selection)
    if plan.place_ids is None:
        picked = np.sort(plan.pairs)  # claim by claim, in the selection's order
        ids, first = np.unique(claims.pair_place[picked], return_index=True)
        order = ids[np.argsort(first, kind="stable")]
        plan.place_ids = tuple(places.id_array[order].tolist())
    return plan.place_ids


def monthly_counts(catalog: Catalog, selection: Selection) -> list[dict[str, object]]:
    """:func:`timeline.monthly_counts` of ``selection.claims``, from the cached arrays.

    The timeline chart asks for it every rerun; over 66,700 claims the plain
    version is a 50 ms Python loop.
    """
    _, claims = _index(catalog)
    chosen = np.zeros(len(claims.ordered), bool)
    chosen[claims.pair_claim[_selected_pairs(catalog, selection, claims)]] = True
    month = claims.day[chosen].astype(np.int64) // 100  # yyyymm
    key = month * len(STATUSES) + claims.status[chosen]  # STATUSES index = rank
    keys, counts = np.unique(key, return_counts=True)
    rows = []
    for k, n in zip(keys.tolist(), counts.tolist(), strict=True):
        yyyymm, rank = divmod(k, len(STATUSES))
        status = STATUSES[rank]
        rows.append(
            {
                "month": f"{yyyymm // 100:04d}-{yyyymm % 100:02d}-01",
                "status": status.label,
                "rank": status.rank,
                "claims": n,
            }
        )
    return rows


def off_map_place_ids(catalog: Catalog, selection: Selection) -> list[str]:
    """The drawn places marked ``off_map``, in ``selection.place_ids`` order."""
    places = _places(catalog.places)
    if not places.off_map.any():
        return []
    return [p for p in drawn_place_ids(catalog, selection) if places.off_map[places.index[p]]]


def date_span(catalog: Catalog) -> tuple[str, str] | None:
    """:func:`timeline.date_span`, computed once per claims dict (ui asks several times a run)."""
    from briefmap.timeline import date_span as span

    return _CACHE.get("date_span", catalog.claims, lambda: span(catalog))


def kinds_in(catalog: Catalog) -> list[PlaceKind]:
    """The kinds of place present, in vocabulary order (``ui._kinds_in``), once per places dict."""

    def build() -> list[PlaceKind]:
        present = {p.kind for p in catalog.places.values()}
        return [k for k in PlaceKind if k in present]

    return list(_CACHE.get("kinds_in", catalog.places, build))


def build_layers_auto(
    catalog: Catalog,
    selection: Selection,
    extras: MapExtras | None = None,
    *,
    threshold: int = BULK_THRESHOLD,
) -> list[folium.FeatureGroup]:
    """:func:`mapping.build_layers` up to ``threshold`` features, :func:`build_bulk_layers` above."""
    if count_features(catalog, selection) > threshold:
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
