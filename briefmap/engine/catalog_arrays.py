"""The catalog as arrays: one row per place, per claim and per claim-place pair.

Built once per catalog by :class:`briefmap.engine.index.CatalogIndex`, so that a
filter, a plan or a count is a few numpy passes instead of a walk over every
claim. Codes follow the vocabularies' order (:data:`STATUSES` index = rank);
actors are coded in the catalog's own order (``catalog.meta``, see
:func:`actor_ids_of`), however many the data defines.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from briefmap.data.schema import Catalog, Claim, ClaimStatus, Place, Posture, Role
from briefmap.data.validate import real_day
from briefmap.engine.layers import Layer
from briefmap.safe import map_text

SCALE = 100_000  # coordinates kept to 5 decimals
STATUSES: tuple[ClaimStatus, ...] = tuple(ClaimStatus)  # strongest first: index = rank
POSTURES: tuple[Posture, ...] = tuple(Posture)
LAYERS: tuple[Layer, ...] = tuple(Layer)
LAYER_CODE = {layer: i for i, layer in enumerate(LAYERS)}


@dataclass
class PlaceTable:
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


def place_table(places: dict[str, Place]) -> PlaceTable:
    """The per-place arrays, in catalog order."""
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
            memo[value] = map_text(value)
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
    return PlaceTable(
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
    )


def rings_of(table: PlaceTable, places: dict[str, Place], i: int) -> list:
    if i not in table.rings:
        polygon = places[table.ids[i]].geometry
        table.rings[i] = [
            [[round(px, 5), round(py, 5)] for px, py in ring.coords]
            for ring in (polygon.exterior, *polygon.interiors)
        ]
    return table.rings[i]


@dataclass
class ClaimTable:
    """Per claim, in the order query.select walks them (reported, then id)."""

    ordered: tuple[Claim, ...]
    index: dict[str, int]
    actor_ids: tuple[str, ...]  # the actors' codes: catalog.meta's order (actor_ids_of)
    actors: np.ndarray  # bool (n claims, n actors): claim i concerns actor_ids[j]
    status: np.ndarray  # int8 rank
    posture: np.ndarray  # int8 index into POSTURES
    day: np.ndarray  # int32 yyyymmdd
    lead: np.ndarray  # int32: position in layers.lead_order
    style: np.ndarray  # int32: (first actor, status, posture) code
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
    pair_place: np.ndarray  # int32 into PlaceTable
    pair_layer: np.ndarray  # int8 into LAYERS


def day_number(value: str) -> int:
    return int(value[0:4]) * 10000 + int(value[5:7]) * 100 + int(value[8:10])


def actor_ids_of(catalog: Catalog) -> tuple[str, ...]:
    """The catalog's actor ids in its own order, then any a claim cites that it does not define."""
    known = catalog.meta.actor_ids
    extra = sorted({a for c in catalog.claims.values() for a in c.actors} - set(known))
    return (*known, *extra)


def claim_table(catalog: Catalog, places: PlaceTable) -> ClaimTable:
    """The per-claim arrays and claim-place pairs, in the order query.select walks claims."""
    ordered = tuple(sorted(catalog.claims.values(), key=lambda c: (c.reported, c.id)))
    n = len(ordered)
    actor_ids = actor_ids_of(catalog)
    actor_code = {a: i for i, a in enumerate(actor_ids)}
    status_code = {s: i for i, s in enumerate(STATUSES)}
    posture_code = {p: i for i, p in enumerate(POSTURES)}
    actors = np.zeros((n, len(actor_ids)), bool)
    status = np.zeros(n, np.int8)
    posture = np.zeros(n, np.int8)
    day = np.zeros(n, np.int32)
    context = np.zeros(n, bool)
    style = np.zeros(n, np.int32)
    n_places = np.zeros(n, np.int16)
    has_origin = np.zeros(n, bool)
    undated_end = np.zeros(n, bool)
    source_ids: dict[str, int] = {}
    source_code: list[int] = []
    source_start = [0]
    pair_place: list[int] = []
    pair_claim: list[int] = []
    starts = [0]
    actor_claim: list[int] = []
    actor_col: list[int] = []
    for i, claim in enumerate(ordered):
        for actor in claim.actors:
            actor_claim.append(i)
            actor_col.append(actor_code[actor])
        s, p = status_code[claim.status], posture_code[claim.posture]
        status[i], posture[i] = s, p
        day[i] = day_number(claim.reported) if real_day(claim.reported) else 0
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
    actors[np.array(actor_claim, dtype=np.int64), np.array(actor_col, dtype=np.int64)] = True
    # layers.lead_order: strongest status, then the report's own, then id.
    by_lead = sorted(range(n), key=lambda i: (int(status[i]), bool(context[i]), ordered[i].id))
    lead = np.zeros(n, np.int32)
    lead[np.array(by_lead, dtype=np.int64)] = np.arange(n, dtype=np.int32)
    pc = np.array(pair_claim, dtype=np.int32)
    pp = np.array(pair_place, dtype=np.int32)
    # layers.layer_of, for every pair at once.
    post = posture[pc]
    layer = np.where(places.is_point[pp], LAYER_CODE[Layer.SITES], LAYER_CODE[Layer.REGIONS])
    layer = np.where(context[pc], LAYER_CODE[Layer.CONTEXT], layer)
    layer = np.where(post == posture_code[Posture.FORMER], LAYER_CODE[Layer.FORMER], layer)
    layer = np.where(post == posture_code[Posture.PROPOSED], LAYER_CODE[Layer.PROPOSED], layer)
    return ClaimTable(
        ordered=ordered,
        index={c.id: i for i, c in enumerate(ordered)},
        actor_ids=actor_ids,
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
