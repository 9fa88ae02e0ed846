"""One index per catalog: what every filter, plan and page asks of the data.

A :class:`CatalogIndex` is built once per catalog (``catalog.index``, see
:class:`briefmap.data.schema.Catalog`) and owns everything that does not depend on
the filter: the claims in date order, per-place coordinates, bounds and escaped
names, per-claim codes for actor, status, posture, role, layer and sources,
and the claim-place pairs. A filter change is then a few numpy passes:
:meth:`CatalogIndex.select` returns exactly what :func:`query.select` returns.
It also keeps the last few selections and their plans, so a rerun that
changes no filter (a pan, a click) finds them again. It is the only cache
besides Streamlit's, and it lives and dies with its catalog: nothing is keyed
by an object's ``id()``.

The map is planned once per selection (:class:`Plan`: one feature per place
and layer, its lead claim and its claims per status); both renderers, markers
(:mod:`briefmap.drawing.mapping`) and canvas (:mod:`briefmap.drawing.bulk`), draw from it.
"""

from __future__ import annotations

import operator
import threading
import weakref
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from briefmap.data.schema import (
    Catalog,
    Claim,
    ClaimStatus,
    PlaceKind,
    Source,
)
from briefmap.data.validate import real_day
from briefmap.engine.catalog_arrays import (
    POSTURES,
    STATUSES,
    ClaimTable,
    PlaceTable,
    claim_table,
    day_number,
    place_table,
)
from briefmap.engine.query import ClaimFilter, Selection, select
from briefmap.engine.search import Match, SearchIndex, query_words

# Selections and plans kept per index: the current filter, and a few before it.
_KEEP_SELECTIONS = 4
_KEEP_PLANS = 2


# ---------------------------------------------------------------- selection


class _PlacesOf(Mapping[str, tuple[str, ...]]):
    """``Selection.places_of`` without building a dict (36 ms at 100,000 claims).

    A kept claim's own places, unless a search or kind filter narrowed them
    (``narrowed``); any other claim id is a ``KeyError``, as in the dict.
    """

    def __init__(
        self, claims: ClaimTable, keep: np.ndarray, narrowed: dict[str, tuple[str, ...]]
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


# ------------------------------------------------------------------ planning


@dataclass
class Plan:
    """The features to draw: one per place and layer, as parallel arrays."""

    layer: np.ndarray  # int8
    place: np.ndarray  # int32 into PlaceTable
    lead: np.ndarray  # int32 into ClaimTable.ordered: the claim that sets the style
    count: np.ndarray  # claims drawn there
    first: np.ndarray  # int64: where the feature's pairs start in `pairs`
    pairs: np.ndarray  # int64 pair indices sorted by feature, then lead order
    tally: np.ndarray  # int64: -1 for one claim, else index into `tallies`
    tallies: list[tuple[int, ...]]  # claims per status, for features of several claims
    place_ids: tuple[str, ...] | None = None  # drawn_place_ids, filled on first use
    # Serialised layer payloads and the footnote, filled on first use: a rerun
    # with the same selection (a pan, a click) serialises nothing again.
    built: dict[tuple[Any, ...], Any] = field(default_factory=dict)


def _box(bounds: np.ndarray) -> list[list[float]]:
    west, south = bounds[:, 0].min(), bounds[:, 1].min()
    east, north = bounds[:, 2].max(), bounds[:, 3].max()
    return [[float(south), float(west)], [float(north), float(east)]]


# -------------------------------------------------------------------- index


def warm(catalog: Catalog) -> None:
    """Build the catalog's index now (when the data loads), not on the first view or search."""
    _ = catalog.index.claims
    _ = catalog.index.search


class CatalogIndex:
    """Everything one catalog can answer without looking at every claim again.

    Built on first use by ``catalog.index``. The per-place table may be shared
    with the catalog this one was rewound from (:meth:`Catalog.rewound`): an
    "as of" day changes claims, never places.

    It holds its catalog weakly: the catalog holds it (``catalog.index``), and
    the data is frozen out of the garbage collector (:mod:`briefmap.heap`),
    so a strong reference back would be a cycle nothing ever frees. With it,
    a replaced data version (an edited folder, a store's new version) stayed
    in memory for the server's life, a whole catalog per version.
    """

    def __init__(
        self,
        catalog: Catalog,
        places: PlaceTable | None = None,
        search_of: CatalogIndex | None = None,
    ) -> None:
        self._catalog = weakref.ref(catalog)
        # A rewound day's claims say what the full catalog's say: its search is shared.
        self._search_of = search_of
        self.places = places if places is not None else place_table(catalog.places)
        # Streamlit runs sessions in threads; two may ask for the same thing at once.
        self._lock = threading.Lock()
        self._selections: list[tuple[ClaimFilter, Selection, np.ndarray, dict[str, Any]]] = []
        self._plans: list[tuple[Selection, Plan]] = []

    @property
    def catalog(self) -> Catalog:
        """The catalog this index is of (alive as long as anyone asks its index)."""
        catalog = self._catalog()
        if catalog is None:
            raise ReferenceError("the catalog of this index has been freed; keep the catalog")
        return catalog

    def __getstate__(self) -> dict[str, Any]:
        # Stored on disk with its catalog (briefmap.engine.stored): the tables
        # go along (the catalog itself as a plain reference, which pickle
        # restores as the same object), the lock and what is kept per selection do not.
        state = dict(self.__dict__)
        del state["_lock"]
        state["_catalog"] = self.catalog
        state["_selections"], state["_plans"] = [], []
        state["_search_of"] = None  # a rewound day is never stored; it would fold its own
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["_catalog"] = weakref.ref(state["_catalog"])
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @cached_property
    def claims(self) -> ClaimTable:
        return claim_table(self.catalog, self.places)

    def for_catalog(self, catalog: Catalog) -> CatalogIndex:
        """An index of ``catalog``, which has this one's places (a rewound day)."""
        return CatalogIndex(catalog, self.places, search_of=self)

    @cached_property
    def search(self) -> SearchIndex:
        """The catalog's places and claims folded for search (:mod:`briefmap.engine.search`)."""
        if self._search_of is not None:
            return self._search_of.search
        return SearchIndex(self.catalog.places, self.catalog.claims)

    @cached_property
    def _search_rows(self) -> tuple[np.ndarray, np.ndarray]:
        # The search's records (places, then claims) as rows of the place and
        # claim tables; -1 for a claim this catalog (a rewound day) does not hold.
        search, places, claims = self.search, self.places.index, self.claims.index
        rows = [places[p] for p in search.ids[: search.n_places]]
        return np.array(rows, np.int64), np.array(
            [claims.get(c, -1) for c in search.ids[search.n_places :]], np.int64
        )

    def found(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Masks over the place and claim tables: places found by name, claims by their text."""
        records, n = self.search.find(text).records, self.search.n_places
        place_row, claim_row = self._search_rows
        place_found = np.zeros(len(self.places.ids), bool)
        place_found[place_row[records[records < n]]] = True
        claim_found = np.zeros(len(self.claims.ordered), bool)
        rows = claim_row[records[records >= n] - n]
        claim_found[rows[rows >= 0]] = True
        return place_found, claim_found

    def search_matches(self, text: str, limit: int) -> tuple[list[Match], int]:
        """The first ``limit`` places and claims ``text`` finds in this catalog, and how many."""
        hits = self.search.find(text)
        if self._search_of is not None:
            hits = hits.among(self.catalog.claims)
        return hits.matches(limit), len(hits)

    # ------------------------------------------------------------ selection

    def select(self, claim_filter: ClaimFilter) -> Selection:
        """Exactly :func:`query.select`, computed on the arrays.

        Falls back to :func:`query.select` for filter values it does not model
        (a date that is not YYYY-MM-DD). The same filter gives the same
        ``Selection`` object back, so a rerun that changes no filter finds its
        plan and serialised layers again.
        """
        for held, selection, _, _ in self._selections:
            if held == claim_filter:
                return selection
        selection, pairs = self._select(claim_filter)
        with self._lock:
            self._selections = [(claim_filter, selection, pairs, {}), *self._selections]
            del self._selections[_KEEP_SELECTIONS:]
        return selection

    def _select(self, flt: ClaimFilter) -> tuple[Selection, np.ndarray]:
        catalog, places, claims = self.catalog, self.places, self.claims
        for day in (flt.reported_from, flt.reported_to):
            if day is not None and real_day(day) is None:
                selection = select(catalog, flt)
                return selection, self._pairs_of(selection)
        keep = np.ones(len(claims.ordered), bool)
        if flt.actors is not None:
            codes = [i for i, a in enumerate(claims.actor_ids) if a in flt.actors]
            keep &= claims.actors[:, codes].any(axis=1)
        if flt.reported_from is not None:
            keep &= claims.day >= day_number(flt.reported_from)
        if flt.reported_to is not None:
            keep &= claims.day <= day_number(flt.reported_to)
        if flt.statuses is not None:
            codes = [STATUSES.index(ClaimStatus(s)) for s in flt.statuses]
            keep &= np.isin(claims.status, codes)
        postures = [i for i, p in enumerate(POSTURES) if flt.deployments.admits(p)]
        if len(postures) < len(POSTURES):
            keep &= np.isin(claims.posture, postures)
        searching = bool(query_words(flt.search))
        narrowing = searching or not (flt.kinds is None or places.kinds <= flt.kinds)
        pair_keep = keep[claims.pair_claim]
        if flt.kinds is not None and narrowing:
            admitted = np.fromiter((k in flt.kinds for k in places.kind_of), bool, len(places.ids))
            pair_keep &= admitted[claims.pair_place]
        if searching:
            # A place found by name, or any place of a claim found by its text.
            place_found, claim_found = self.found(flt.search)
            pair_keep &= place_found[claims.pair_place] | claim_found[claims.pair_claim]
        if narrowing:
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
        return selection, pair_keep

    def _pairs_of(self, selection: Selection) -> np.ndarray:
        """A mask over the claim-place pairs: what ``selection`` draws."""
        for _, held, pairs, _ in self._selections:
            if held is selection:
                return pairs
        claims = self.claims
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

    def find_places(self, place_ids: tuple[str, ...], text: str, limit: int = 100) -> list[str]:
        """Up to ``limit`` of ``place_ids`` (in their order) whose names ``text`` finds.

        The search filter's matching, on names folded once per catalog: for the
        claim card at 100,000 places, where a select box of every place costs too much.
        """
        if not query_words(text):
            return []
        found = self.search.find(text).place_ids
        return [pid for pid in place_ids if pid in found][:limit]

    def kept(self, selection: Selection) -> dict[str, Any]:
        """A place to keep what is built from ``selection`` for as long as the index keeps it.

        A selection this index did not make gets a fresh dict each time: nothing
        is kept for it.
        """
        for _, held, _, extras in self._selections:
            if held is selection:
                return extras
        return {}

    def forget_selections(self) -> None:
        """Drop the kept selections: the next filter is computed as new (for benchmarks)."""
        with self._lock:
            self._selections = []

    def forget_plans(self) -> None:
        """Drop the kept plans and what was serialised from them (for benchmarks)."""
        with self._lock:
            self._plans = []

    # ------------------------------------------------------------- planning

    def plan(self, selection: Selection) -> Plan:
        """The features ``selection`` draws, planned once and kept for reruns."""
        for held, plan in self._plans:
            if held is selection:
                return plan
        plan = _make_plan(self, selection)
        with self._lock:
            self._plans = [(selection, plan), *self._plans]
            del self._plans[_KEEP_PLANS:]
        return plan

    def count_features(self, selection: Selection) -> int:
        """How many features (points and outlines) the map draws for a selection."""
        return len(self.plan(selection).layer)

    def cited_sources(self, selection: Selection) -> list[Source]:
        """Each source the drawn claims cite, once, oldest first (then by id)."""
        claims, plan = self.claims, self.plan(selection)
        drawn = np.unique(claims.pair_claim[plan.pairs])
        starts, ends = claims.source_start[drawn], claims.source_start[drawn + 1]
        lengths = ends - starts
        # Every drawn claim's slice of source codes, gathered without a Python loop.
        at = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        codes = claims.source_code[at + np.arange(int(lengths.sum()))]
        return sorted(
            (self.catalog.sources[claims.sources[i]] for i in np.unique(codes).tolist()),
            key=lambda s: (s.date, s.id),
        )

    # --------------------------------------------------------------- facts

    @cached_property
    def map_bounds(self) -> list[list[float]]:
        """[[south, west], [north, east]] around every on-map place (none: the data's region)."""
        on_map = self.places.bounds[~self.places.off_map]
        return _box(on_map) if len(on_map) else self.catalog.meta.region.bounds

    def selection_bounds(self, selection: Selection) -> list[list[float]] | None:
        """The box of the on-map places a selection draws, or ``None``."""
        shown = np.unique(self.plan(selection).place)
        shown = shown[~self.places.off_map[shown]]
        return _box(self.places.bounds[shown]) if len(shown) else None

    def drawn_place_ids(self, selection: Selection) -> tuple[str, ...]:
        """``selection.place_ids`` (the same ids in the same order), from the arrays."""
        plan = self.plan(selection)
        if plan.place_ids is None:
            picked = np.sort(plan.pairs)  # claim by claim, in the selection's order
            ids, first = np.unique(self.claims.pair_place[picked], return_index=True)
            order = ids[np.argsort(first, kind="stable")]
            plan.place_ids = tuple(self.places.id_array[order].tolist())
        return plan.place_ids

    def off_map_place_ids(self, selection: Selection) -> list[str]:
        """The drawn places marked ``off_map``, in ``selection.place_ids`` order."""
        places = self.places
        if not places.off_map.any():
            return []
        return [p for p in self.drawn_place_ids(selection) if places.off_map[places.index[p]]]

    def claims_per_place(self, selection: Selection) -> np.ndarray:
        """How many of the selection's claims each place draws, in one pass (place order)."""
        plan = self.plan(selection)
        counts = plan.built.get("claims_per_place")
        if counts is None:
            placed = self.claims.pair_place[plan.pairs]
            counts = plan.built["claims_per_place"] = np.bincount(
                placed, minlength=len(self.places.ids)
            )
        return counts

    def off_map_counts(self, selection: Selection) -> list[tuple[str, int]]:
        """(place id, claims drawn there) for the drawn off-map places, as the footer lists them."""
        counts = self.claims_per_place(selection)
        index = self.places.index
        return [(p, int(counts[index[p]])) for p in self.off_map_place_ids(selection)]

    def claims_at(self, selection: Selection, place_id: str) -> list[Claim]:
        """``selection.claims_at(place_id)`` from the arrays: the claims drawn there, in order."""
        at = self.places.index.get(place_id)
        if at is None:
            return []
        claims = self.claims
        pairs = self.plan(selection).pairs
        here = np.sort(claims.pair_claim[pairs[claims.pair_place[pairs] == at]])
        return [claims.ordered[i] for i in here.tolist()]

    def monthly_counts(self, selection: Selection) -> list[dict[str, object]]:
        """:func:`timeline.monthly_counts` of ``selection.claims``, from the arrays.

        The timeline chart asks for it every rerun; over 66,700 claims the plain
        version is a 50 ms Python loop.
        """
        claims = self.claims
        chosen = np.zeros(len(claims.ordered), bool)
        chosen[claims.pair_claim[self._pairs_of(selection)]] = True
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

    @cached_property
    def date_span(self) -> tuple[str, str] | None:
        """:func:`timeline.date_span` of the catalog."""
        from briefmap.engine.timeline import date_span

        return date_span(self.catalog)

    @cached_property
    def kinds(self) -> list[PlaceKind]:
        """The kinds of place present, in vocabulary order."""
        return [k for k in PlaceKind if k in self.places.kinds]


def _make_plan(index: CatalogIndex, selection: Selection) -> Plan:
    places, claims = index.places, index.claims
    picked = np.flatnonzero(index._pairs_of(selection))  # noqa: SLF001 - its own class
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
    plan = Plan(
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
