"""A catalog's index after an edit, from the index before it: the changed rows only.

An edit saved at 100,000 claims changes a few records, yet building the new
catalog's :class:`~briefmap.engine.index.CatalogIndex` from scratch took 4.6
CPU-s here (the claim table 1.4 s, the search index 3.0 s, the place table
0.4 s), on every server, for every save. :func:`patched_index` builds the same
index from the old one: the claims that changed are made into rows of their own
(the same code that builds the whole table, run on them alone), the rest are
the old rows moved into place with a few numpy passes, and the per-place table
is shared when no place changed.

What changed is found by identity, not by trusting a caller's list: a store
that patches its validated data (:func:`briefmap.store.catalog_patch.patched`) keeps
every unchanged record's object, so a record whose object is not the old one
is a changed record. A catalog validated afresh shares no object with the old
one: everything has changed, and the index is built afresh
(:data:`PATCH_AT_MOST`).

The patched index answers every question as the index built from scratch does
(``tests/test_index_patch.py`` holds it to that over random edits); its arrays
are the same but for the order of the source codes (a new source is coded
after the others) and the search vocabulary is pruned alike.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import replace
from itertools import islice
from typing import TypeVar

import numpy as np

from briefmap.data.schema import Catalog, Claim, Place, Role
from briefmap.engine.catalog_arrays import (
    LAYER_CODE,
    POSTURES,
    STATUSES,
    ClaimTable,
    PlaceTable,
    actor_ids_of,
    claim_table,
    place_table,
)
from briefmap.engine.index import CatalogIndex
from briefmap.engine.layers import Layer
from briefmap.engine.search import KEY_MIN_LETTERS, SearchIndex
from briefmap.engine.spelling import sound

# More changed records than this share of the catalog: build afresh (a new load).
PATCH_AT_MOST = 0.05

V = TypeVar("V")


def changed_ids(old: Mapping[str, V], new: Mapping[str, V]) -> set[str]:
    """The ids whose record is not the same object in both (added, removed or replaced)."""
    changed = {k for k, v in new.items() if old.get(k) is not v}
    if len(old) + len(changed) != len(new):  # some went: find them
        changed |= old.keys() - new.keys()
    return changed


def patched_index(old: CatalogIndex, catalog: Catalog) -> CatalogIndex | None:
    """``catalog``'s index made from ``old`` (the index of the catalog it was edited from).

    ``None`` when patching would not pay (most records changed, a new list of
    actors): build it afresh then. The result refers to ``catalog`` only,
    never to the old catalog, so the old version is freed when nothing else
    holds it (:mod:`briefmap.heap`).
    """
    before = old.catalog
    sample = list(islice(catalog.claims.items(), 64))
    if sample and not any(before.claims.get(k) is v for k, v in sample):
        return None  # validated afresh: nothing is shared with the old catalog
    places = changed_ids(before.places, catalog.places)
    claims = changed_ids(before.claims, catalog.claims)
    if len(places) + len(claims) > PATCH_AT_MOST * max(len(catalog.claims), 1):
        return None
    if actor_ids_of(catalog) != old.claims.actor_ids:
        return None
    table = old.places if not places else place_table(catalog.places)
    index = CatalogIndex(catalog, table)
    index.__dict__["claims"] = _claim_rows(old, catalog, claims, table)
    index.__dict__["search"] = _search(old.search, catalog, places, claims)
    index.patched = True  # type: ignore[attr-defined]  # not worth storing on disk (engine.stored)
    return index


# ---------------------------------------------------------------- claim table


def _gather(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indices of the runs ``starts[i]:starts[i] + lengths[i]``, one after the other."""
    total = int(lengths.sum())
    if not total:
        return np.zeros(0, np.int64)
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(total)


def _claim_rows(
    old_index: CatalogIndex, catalog: Catalog, changed: set[str], places: PlaceTable
) -> ClaimTable:
    old = old_index.claims
    # The changed claims' own rows, coded as the whole table codes them.
    fresh_claims = {cid: catalog.claims[cid] for cid in changed if cid in catalog.claims}
    fresh = claim_table(replace(catalog, claims=fresh_claims), places)
    n_old = len(old.ordered)
    keep = np.ones(n_old, bool)
    gone = [old.index[cid] for cid in changed if cid in old.index]
    keep[gone] = False
    kept_rows = np.flatnonzero(keep)
    kept = [old.ordered[i] for i in kept_rows.tolist()]
    # The new claims' places among the kept ones, by (reported, id) as select walks them.
    at = [
        bisect_left(kept, (c.reported, c.id), key=lambda k: (k.reported, k.id))
        for c in fresh.ordered
    ]
    m = len(fresh.ordered)
    src = np.insert(kept_rows, at, -1 - np.arange(m)) if m else kept_rows
    is_new = src < 0
    old_row = np.where(is_new, 0, src)
    new_row = np.where(is_new, -1 - src, 0)
    ordered_list: list[Claim] = [None] * len(src)  # type: ignore[list-item]
    for j, i in zip(np.flatnonzero(~is_new).tolist(), kept_rows.tolist(), strict=True):
        ordered_list[j] = old.ordered[i]
    new_slots = np.flatnonzero(is_new)
    for j, k in zip(new_slots.tolist(), (-1 - src[is_new]).tolist(), strict=True):
        ordered_list[j] = fresh.ordered[k]
    ordered = tuple(ordered_list)

    def column(name: str) -> np.ndarray:
        values = getattr(old, name)[old_row]
        values[new_slots] = getattr(fresh, name)[new_row[new_slots]]
        return values

    # Actors: the fresh table codes its own actors; put them in the whole table's columns.
    actor_col = {a: i for i, a in enumerate(old.actor_ids)}
    fresh_col = np.array([actor_col[a] for a in fresh.actor_ids], np.int64)
    actors = old.actors[old_row]
    actors[new_slots] = False
    if m and len(fresh_col):
        actors[np.ix_(new_slots, fresh_col)] = fresh.actors[new_row[new_slots]]
    per_style = len(STATUSES) * len(POSTURES)
    fresh_style = fresh.style[new_row[new_slots]]
    style = old.style[old_row]
    if m:
        style[new_slots] = fresh_col[fresh_style // per_style] * per_style + fresh_style % per_style
    # Sources: new ones coded after the old ones.
    codes = {s: i for i, s in enumerate(old.sources)}
    sources = list(old.sources)
    fresh_code = np.array(
        [codes[s] if s in codes else _add(codes, sources, s) for s in fresh.sources], np.int64
    )
    source_pool = np.concatenate((old.source_code, fresh_code[fresh.source_code].astype(np.int32)))
    source_code, source_start = _runs(
        old.source_start,
        fresh.source_start,
        len(old.source_code),
        is_new,
        old_row,
        new_row,
        source_pool,
    )
    # Claim-place pairs; a kept claim's places may sit elsewhere in a new place table.
    old_place = old.pair_place
    old_layer = old.pair_layer
    if places is not old_index.places:
        remap = np.array([places.index.get(p, -1) for p in old_index.places.ids], np.int32)
        old_place = remap[old_place]
        # A place's sites or regions layer follows its geometry (layers.layer_of).
        spatial = np.isin(old_layer, [LAYER_CODE[Layer.SITES], LAYER_CODE[Layer.REGIONS]])
        old_layer = old_layer.copy()
        old_layer[spatial] = np.where(
            places.is_point[old_place[spatial]], LAYER_CODE[Layer.SITES], LAYER_CODE[Layer.REGIONS]
        )
    pair_place, pair_start = _runs(
        old.pair_start,
        fresh.pair_start,
        len(old_place),
        is_new,
        old_row,
        new_row,
        np.concatenate((old_place, fresh.pair_place)).astype(np.int32),
    )
    pair_layer, _ = _runs(
        old.pair_start,
        fresh.pair_start,
        len(old_place),
        is_new,
        old_row,
        new_row,
        np.concatenate((old_layer, fresh.pair_layer)).astype(np.int8),
    )
    n = len(ordered)
    pair_claim = np.repeat(np.arange(n, dtype=np.int32), np.diff(pair_start))
    status = column("status")
    return ClaimTable(
        ordered=ordered,
        index={c.id: i for i, c in enumerate(ordered)},
        actor_ids=old.actor_ids,
        actors=actors,
        status=status,
        posture=column("posture"),
        day=column("day"),
        lead=_lead(old, keep, src, ordered, status),
        style=style,
        n_places=column("n_places"),
        source_start=source_start,
        source_code=source_code,
        sources=sources,
        has_origin=column("has_origin"),
        undated_end=column("undated_end"),
        pair_start=pair_start,
        pair_claim=pair_claim,
        pair_place=pair_place,
        pair_layer=pair_layer,
    )


def _add(codes: dict[str, int], sources: list[str], sid: str) -> int:
    codes[sid] = len(sources)
    sources.append(sid)
    return codes[sid]


def _runs(
    old_start: np.ndarray,
    fresh_start: np.ndarray,
    fresh_offset: int,
    is_new: np.ndarray,
    old_row: np.ndarray,
    new_row: np.ndarray,
    pool: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Each row's run of ``pool`` (the old rows' then the fresh rows'), in the new row order."""
    fresh_start = np.append(fresh_start, fresh_start[-1])  # row 0 read for old rows, even of none
    starts = np.where(is_new, fresh_offset + fresh_start[new_row], old_start[old_row])
    ends = np.where(is_new, fresh_offset + fresh_start[new_row + 1], old_start[old_row + 1])
    lengths = ends - starts
    start = np.zeros(len(lengths) + 1, np.int64)
    np.cumsum(lengths, out=start[1:])
    return pool[_gather(starts, lengths)], start


def _lead(
    old: ClaimTable,
    keep: np.ndarray,
    src: np.ndarray,
    ordered: tuple[Claim, ...],
    status: np.ndarray,
) -> np.ndarray:
    """layers.lead_order's ranks: the kept rows in their old order, the new ones placed among them."""
    new_of_old = np.full(len(old.ordered), -1, np.int64)
    old_slots = np.flatnonzero(src >= 0)
    new_of_old[src[old_slots]] = old_slots
    by_lead = np.empty(len(old.ordered), np.int64)
    by_lead[old.lead] = np.arange(len(old.ordered))
    chain = new_of_old[by_lead[keep[by_lead]]].tolist()

    def key(j: int) -> tuple[int, bool, str]:
        return int(status[j]), ordered[j].role is Role.CONTEXT, ordered[j].id

    for j in sorted(np.flatnonzero(src < 0).tolist(), key=key):
        chain.insert(bisect_left(chain, key(j), key=key), j)
    lead = np.zeros(len(ordered), np.int32)
    lead[np.array(chain, np.int64)] = np.arange(len(ordered), dtype=np.int32)
    return lead


# -------------------------------------------------------------------- search


def _search(old: SearchIndex, catalog: Catalog, places: set[str], claims: set[str]) -> SearchIndex:
    """The search index of ``catalog``: the old one's entries for unchanged records, new ones folded."""
    ids = [*catalog.places, *catalog.claims]
    n_places = len(catalog.places)
    fresh_places: dict[str, Place] = {p: catalog.places[p] for p in catalog.places if p in places}
    fresh_claims: dict[str, Claim] = {c: catalog.claims[c] for c in catalog.claims if c in claims}
    fresh = SearchIndex(fresh_places, fresh_claims)
    e_old = len(old.entry_record)
    starts = np.empty(len(ids), np.int64)
    lengths = np.empty(len(ids), np.int64)
    old_ids, new_ids = np.array(old.ids, object), np.array(ids, object)
    old_spans = ((0, old.n_places), (old.n_places, len(old.ids)))
    new_spans = ((0, n_places), (n_places, len(ids)))
    fresh_from = (0, fresh.n_places)  # the fresh index's records are the changed ones, in order
    for changed, (a, b), (c, d), first in zip(
        (places, claims), old_spans, new_spans, fresh_from, strict=True
    ):
        # Unchanged records keep their order: the old ones' runs move as a block.
        is_old = np.fromiter((rid not in changed for rid in old.ids[a:b]), bool, b - a)
        is_new = np.fromiter((rid not in changed for rid in ids[c:d]), bool, d - c)
        old_rows, new_rows = np.flatnonzero(is_old) + a, np.flatnonzero(is_new) + c
        if len(old_rows) != len(new_rows) or not np.array_equal(
            old_ids[old_rows], new_ids[new_rows]
        ):
            return SearchIndex(catalog.places, catalog.claims)
        starts[new_rows] = old.record_start[old_rows]
        lengths[new_rows] = old.record_start[old_rows + 1] - old.record_start[old_rows]
        for f, r in enumerate(np.flatnonzero(~is_new).tolist(), first):
            starts[c + r] = e_old + fresh.record_start[f]
            lengths[c + r] = fresh.record_start[f + 1] - fresh.record_start[f]
    entry_src = _gather(starts, lengths)  # per new entry: its entry in old, then fresh
    new = SearchIndex.__new__(SearchIndex)
    new.__setstate__({"_places": catalog.places, "_claims": catalog.claims, "_queries": {}})
    new.ids, new.n_places = ids, n_places
    new.record_start = np.zeros(len(ids) + 1, np.int64)
    np.cumsum(lengths, out=new.record_start[1:])
    new.entry_record = np.repeat(np.arange(len(ids), dtype=np.int32), lengths)
    for name in ("entry_field", "entry_alt", "entry_crc"):
        setattr(new, name, np.concatenate((getattr(old, name), getattr(fresh, name)))[entry_src])
    _postings(new, old, fresh, entry_src)
    return new


def _postings(
    new: SearchIndex, old: SearchIndex, fresh: SearchIndex, entry_src: np.ndarray
) -> None:
    """The vocabulary, postings and near-miss keys of ``new``: the old ones', the fresh ones' merged.

    The old postings stay sorted by (word, entry) when renumbered (the kept
    records keep their order), so the fresh ones are merged in, not sorted.
    """
    e_old = len(old.entry_record)
    # The fresh words the old vocabulary lacks, and where they go in it.
    added = sorted({w for w in fresh.words if _position(old.words, w) is None})
    at = np.array([bisect_left(old.words, w) for w in added], np.int64)
    old_word = np.arange(len(old.words)) + np.searchsorted(at, np.arange(len(old.words)), "right")
    vocabulary = list(old.words)
    for offset, (position, w) in enumerate(zip(at.tolist(), added, strict=True)):
        vocabulary.insert(position + offset, w)
    fresh_word = np.array([bisect_left(vocabulary, w) for w in fresh.words], np.int64)
    entry_of = np.full(e_old + len(fresh.entry_record), -1, np.int64)
    entry_of[entry_src] = np.arange(len(entry_src))
    size = max(len(entry_src), 1)
    old_entry = entry_of[old.post_entry]
    held = old_entry >= 0
    old_key = (
        old_word[np.repeat(np.arange(len(old.words)), np.diff(old.post_start))] * size + old_entry
    )[held]
    fresh_key = np.sort(
        fresh_word[np.repeat(np.arange(len(fresh.words)), np.diff(fresh.post_start))] * size
        + entry_of[fresh.post_entry + e_old]
    )
    key = np.insert(old_key, np.searchsorted(old_key, fresh_key), fresh_key)
    word, entry = np.divmod(key, size)
    # The words still used, numbered again (a fresh index knows no other).
    counts = np.bincount(word, minlength=len(vocabulary))
    used = np.flatnonzero(counts)
    new.words = (
        vocabulary if len(used) == len(vocabulary) else [vocabulary[t] for t in used.tolist()]
    )
    new.post_entry = entry.astype(np.int32)
    new.post_start = np.zeros(len(new.words) + 1, np.int64)
    np.cumsum(counts[used], out=new.post_start[1:])
    if new.words == old.words:  # the same words: the same keys
        new.keys, new.key_of, new.key_start, new.key_word = (
            old.keys,
            old.key_of,
            old.key_start,
            old.key_word,
        )
        return
    # Near-miss keys, each word's key from the old index where it had one.
    key_of_word = np.repeat(np.arange(len(old.keys)), np.diff(old.key_start))
    known = dict(
        zip((old.words[t] for t in old.key_word.tolist()), key_of_word.tolist(), strict=True)
    )
    key_words: dict[str, list[int]] = {}
    for t, w in enumerate(new.words):
        if w.isalpha() and len(w) >= KEY_MIN_LETTERS:
            k = known.get(w)
            key_words.setdefault(old.keys[k] if k is not None else sound(w), []).append(t)
    new.keys = list(key_words)
    new.key_of = {k: i for i, k in enumerate(new.keys)}
    new.key_start = np.zeros(len(new.keys) + 1, np.int64)
    np.cumsum([len(v) for v in key_words.values()], out=new.key_start[1:])
    new.key_word = np.array([t for v in key_words.values() for t in v], np.int64)


def _position(words: list[str], word: str) -> int | None:
    t = bisect_left(words, word)
    return t if t < len(words) and words[t] == word else None
