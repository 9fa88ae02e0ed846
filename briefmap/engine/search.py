"""Search over places and claims, forgiving of case, script, spelling and near-misses.

A query is folded to Latin words (:mod:`briefmap.engine.spelling`) and so is
every searched field: a place's English, Arabic and Russian names and its
other spellings, a claim's summary, claimant and attribution. A field matches
when each word of the query meets one of its words, scored:

- the same word: :data:`WORD` ("Одеса" and "Odesa" are both ``odesa``);
- the same near-miss key (:func:`spelling.sound`): :data:`SOUND`
  ("Mariupoll" and "Mariupol");
- the start of a word, as typed so far: :data:`PREFIX`;
- a near miss: rapidfuzz's ``fuzz.ratio`` of the keys, at least
  :data:`NEAR_CUTOFF`, scaled by :data:`NEAR_WEIGHT` ("Kharkov" and "Kharkiv");
  a word typed in Arabic letters, which leave out the short vowels, by the
  keys' consonants alone (:func:`near_key`: "بغداد" is near "Baghdad", not a word
  one consonant off).

A field's score is its words' mean; a whole field equal to the query scores
:data:`EXACT`, so an exact name ranks first. A place whose whole name the
query is also finds the places that carry one of its names in theirs
(:data:`SHARED`): a search in the city's Arabic name finds the "Port X naval
base" named after it, which has no Arabic name of its own.

:class:`SearchIndex` folds every field once per data set (the catalog's index
keeps it, and :mod:`briefmap.engine.stored` keeps that on disk under the
data's fingerprint); a query then looks its words up in a sorted vocabulary
and scores near misses against the distinct keys only. :func:`briefmap.engine.query.scan`
is the plain way, folding and scoring every field per query: the reference
the index is tested against, and the benchmark's baseline (``bench/search.py``).
"""

from __future__ import annotations

import threading
import zlib
from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from briefmap.data.schema import Claim, Place
from briefmap.engine.spelling import abjad_words, normalise, skeleton, sound, words

# The searched fields, places' first (their order breaks ties in the ranking).
FIELDS: tuple[str, ...] = (
    "name_en",
    "name_ar",
    "name_ru",
    "alt_names",
    "summary",
    "claimant",
    "attribution",
)
PLACE_FIELDS = 4  # FIELDS[:4] are a place's names
FIELD_LABELS: dict[str, str] = {
    "name_en": "English name",
    "name_ar": "Arabic name",
    "name_ru": "Russian name",
    "alt_names": "other spelling",
    "summary": "claim summary",
    "claimant": "claimant",
    "attribution": "attribution",
}

EXACT = 200.0  # the whole field is the query, in Latin words
VERBATIM = 1.0  # added when it is, in its own script: "Тартус" finds the Russian name first
WORD = 100.0
SOUND = 95.0
PREFIX = 90.0
SHARED = 88.0  # carries the name of a place the query names exactly
NEAR_CUTOFF = 80.0  # fuzz.ratio of the near-miss keys, 0-100
NEAR_WEIGHT = 0.85  # so the best near miss (85) ranks below a typed prefix
NEAR_MIN_LETTERS = 4  # shorter words differ by a letter from too many others
SKELETON_MIN_LETTERS = 4  # consonants of an Arabic-typed word: fewer meet too many words
# Skeletons are shorter than words, so one letter weighs more: at NEAR_CUTOFF a
# four-consonant skeleton meets a six-consonant one that holds it ("outskirts").
SKELETON_CUTOFF = 85.0
KEY_MIN_LETTERS = 3  # vocabulary words with a near-miss key: letters only, this long
MAX_WORDS = 8  # of a query; the rest is ignored (a search box, not a document)
SHARED_MAX_SEEDS = 20  # more exact places than this: the query is a common name
_KEEP_QUERIES = 8


@dataclass(frozen=True)
class Match:
    """One place or claim a query found, and why."""

    kind: str  # "place" or "claim"
    id: str
    field: str  # the FIELDS entry that matched
    text: str  # that field's text as written: untrusted, escape it to show it
    score: float
    exact: bool  # the whole field is the query
    via: str | None = None  # a place whose name this one carries (SHARED), else None

    @property
    def why(self) -> str:
        """What matched, in words: "Russian name", "claim summary", "other spelling"..."""
        return FIELD_LABELS[self.field]


def near_key(query_word: str, abjad: bool) -> str | None:
    """The key a query word's near misses are scored by, or None: it has none.

    A word typed in Arabic letters lacks the short vowels, so its vowel-free
    :func:`~briefmap.engine.spelling.skeleton` meets the candidates' skeletons:
    letter by letter, a five-letter fold is as near a word one consonant off as
    the name written with its vowels.
    """
    if len(query_word) < NEAR_MIN_LETTERS or not query_word.isalpha():
        return None
    if not abjad:
        return sound(query_word)
    bones = skeleton(sound(query_word))
    return bones if len(bones) >= SKELETON_MIN_LETTERS else None


def word_score(query_word: str, word: str, abjad: bool = False) -> float:
    """How well one word of a query meets one word of a field (0: not at all).

    ``abjad``: the query word was written in Arabic letters (:func:`near_key`).
    """
    if word == query_word:
        return WORD
    keyed = word.isalpha() and len(word) >= KEY_MIN_LETTERS
    if keyed and sound(word) == sound(query_word):
        return SOUND
    if word.startswith(query_word):
        return PREFIX
    near = near_key(query_word, abjad) if keyed else None
    if near is not None:
        candidate = skeleton(sound(word)) if abjad else sound(word)
        ratio = fuzz.ratio(near, candidate, score_cutoff=SKELETON_CUTOFF if abjad else NEAR_CUTOFF)
        # In float32, as SearchIndex computes it, so the two rank alike.
        return float(np.float32(ratio) * np.float32(NEAR_WEIGHT)) if ratio else 0.0
    return 0.0


def query_words(query: str) -> tuple[str, ...]:
    """The words a query is searched by (at most :data:`MAX_WORDS`)."""
    return words(query)[:MAX_WORDS]


def fields_of(place: Place | None, claim: Claim | None) -> Iterable[tuple[int, int, str]]:
    """(field number, alternative number, text) of each searched field that has text."""
    if place is not None:
        for f, text in enumerate((place.name_en, place.name_ar, place.name_ru)):
            if text:
                yield f, 0, text
        for a, text in enumerate(place.alt_names):
            if text:
                yield 3, a, text
    if claim is not None:
        for f, text in enumerate((claim.summary, claim.claimant, claim.attribution), start=4):
            if text:
                yield f, 0, text


def _field_text(place: Place | None, claim: Claim | None, f: int, alt: int) -> str:
    if place is not None:
        return place.alt_names[alt] if f == 3 else (place.name_en, place.name_ar, place.name_ru)[f]
    if claim is None:
        raise ValueError("a record is a place or a claim")
    return (claim.summary, claim.claimant, claim.attribution)[f - 4]


def rank_key(m: Match, number: int) -> tuple[float, bool, int, int]:
    # Best score, places before claims, the earlier field, then the data's order.
    return (-m.score, m.kind != "place", FIELDS.index(m.field), number)


def _crc(ws: tuple[str, ...]) -> int:
    # Stable across processes (the index is stored on disk), unlike hash().
    return zlib.crc32(" ".join(ws).encode())


# ------------------------------------------------------------------- the index


@dataclass(frozen=True, eq=False)  # arrays: compared by identity
class Hits:
    """What one query found in a :class:`SearchIndex`: records ranked best first."""

    index: SearchIndex
    records: np.ndarray  # int32 record numbers (places first, then claims), best first
    entries: np.ndarray  # int32: the field that matched each
    scores: np.ndarray  # float32
    via: np.ndarray  # int32 record of the place whose name is shared, or -1

    def __len__(self) -> int:
        return len(self.records)

    @cached_property
    def place_ids(self) -> frozenset[str]:
        """The places found (by their names: a claim found says nothing of its places)."""
        ids = self.index.ids
        return frozenset(ids[r] for r in self.records[self.records < self.index.n_places].tolist())

    @cached_property
    def claim_ids(self) -> frozenset[str]:
        """The claims found by their own text."""
        ids = self.index.ids
        return frozenset(ids[r] for r in self.records[self.records >= self.index.n_places].tolist())

    def among(self, claims: Mapping[str, Claim]) -> Hits:
        """These hits but the claims ``claims`` does not hold (a rewound day's)."""
        n_places, ids = self.index.n_places, self.index.ids
        held = np.array([r < n_places or ids[r] in claims for r in self.records.tolist()], bool)
        if held.all():
            return self
        return Hits(
            self.index, self.records[held], self.entries[held], self.scores[held], self.via[held]
        )

    def matches(self, limit: int | None = None) -> list[Match]:
        """The first ``limit`` hits (all with ``None``) as :class:`Match` es."""
        index = self.index
        out = []
        for r, e, s, v in zip(
            self.records[:limit].tolist(),
            self.entries[:limit].tolist(),
            self.scores[:limit].tolist(),
            self.via[:limit].tolist(),
            strict=True,
        ):
            f, alt = int(index.entry_field[e]), int(index.entry_alt[e])
            place, claim = index.record(r)
            out.append(
                Match(
                    "place" if place is not None else "claim",
                    index.ids[r],
                    FIELDS[f],
                    _field_text(place, claim, f, alt),
                    s,
                    s >= EXACT,
                    index.ids[v] if v >= 0 else None,
                )
            )
        return out


class SearchIndex:
    """Every searched field of a data set, folded once: a query is then a few lookups.

    Records are numbered places first (in ``places``' order), then claims;
    each field with text is an entry. The vocabulary is the sorted distinct
    Latin words, with each word's entries (``post_entry[post_start[t]:post_start[t + 1]]``),
    so the words a prefix starts are one slice; near misses are scored on the
    distinct keys of words of letters (``keys``), a few thousand even at
    100,000 claims.
    """

    def __init__(self, places: Mapping[str, Place], claims: Mapping[str, Claim]) -> None:
        self._places, self._claims = places, claims
        self.ids: list[str] = [*places, *claims]
        self.n_places = len(places)
        # Per distinct text: its words' numbers in the vocabulary and its crc
        # (place names repeat: "Checkpoint near Raqqa").
        memo: dict[str, tuple[list[int], int]] = {}
        vocab: dict[str, int] = {}
        entry_record, entry_field, entry_alt, entry_crc = [], [], [], []
        pair_word: list[int] = []
        pair_entry: list[int] = []
        record_start = [0]
        objects: Iterable[tuple[Place | None, Claim | None]] = (
            *((p, None) for p in places.values()),
            *((None, c) for c in claims.values()),
        )
        for r, (place, claim) in enumerate(objects):
            for f, alt, text in fields_of(place, claim):
                held = memo.get(text)
                if held is None:
                    ws = words(text)
                    ids = [vocab.setdefault(w, len(vocab)) for w in dict.fromkeys(ws)]
                    held = memo[text] = (ids, _crc(ws))
                ids, crc = held
                if not ids:
                    continue
                pair_word.extend(ids)
                pair_entry.extend(repeat(len(entry_record), len(ids)))
                entry_record.append(r)
                entry_field.append(f)
                entry_alt.append(alt)
                entry_crc.append(crc)
            record_start.append(len(entry_record))
        self.record_start = np.array(record_start, np.int64)
        self.entry_record = np.array(entry_record, np.int32)
        self.entry_field = np.array(entry_field, np.int8)
        self.entry_alt = np.array(entry_alt, np.int16)
        self.entry_crc = np.array(entry_crc, np.uint32)
        # The vocabulary, sorted; each word's entries in one run of post_entry.
        self.words: list[str] = sorted(vocab)
        renumber = np.zeros(len(vocab), np.int64)
        renumber[[vocab[w] for w in self.words]] = np.arange(len(vocab))
        by_word = renumber[np.array(pair_word, np.int64)]
        order = np.argsort(by_word, kind="stable")
        self.post_entry = np.array(pair_entry, np.int32)[order]
        self.post_start = np.zeros(len(self.words) + 1, np.int64)
        np.cumsum(np.bincount(by_word, minlength=len(self.words)), out=self.post_start[1:])
        # Near-miss keys of the words of letters, and each key's words.
        key_words: dict[str, list[int]] = {}
        for t, w in enumerate(self.words):
            if w.isalpha() and len(w) >= KEY_MIN_LETTERS:
                key_words.setdefault(sound(w), []).append(t)
        self.keys: list[str] = list(key_words)
        self.key_of = {k: i for i, k in enumerate(self.keys)}
        self.key_start = np.zeros(len(self.keys) + 1, np.int64)
        np.cumsum([len(v) for v in key_words.values()], out=self.key_start[1:])
        self.key_word = np.array([t for v in key_words.values() for t in v], np.int64)
        self._queries: dict[str, Hits] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        # Stored on disk with its catalog: no lock, no queries.
        state = dict(self.__dict__)
        del state["_lock"]
        state["_queries"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def record(self, r: int) -> tuple[Place | None, Claim | None]:
        """The place or the claim record ``r`` is."""
        if r < self.n_places:
            return self._places[self.ids[r]], None
        return None, self._claims[self.ids[r]]

    def find(self, query: str) -> Hits:
        """What ``query`` matches, ranked as :func:`query.scan` ranks it; the last few are kept."""
        held = self._queries.get(query)
        if held is not None:
            return held
        hits = self._find(query)
        with self._lock:
            self._queries = {query: hits, **dict(list(self._queries.items())[: _KEEP_QUERIES - 1])}
        return hits

    def forget_queries(self) -> None:
        """Drop the kept queries: the next is searched as new (for benchmarks)."""
        with self._lock:
            self._queries = {}

    def _postings(self, words_: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The entries of some vocabulary words, and for each entry its word."""
        starts, ends = self.post_start[words_], self.post_start[words_ + 1]
        lengths = ends - starts
        if not lengths.sum():
            return np.zeros(0, np.int64), np.zeros(0, np.int64)
        which = np.repeat(np.arange(len(words_)), lengths)
        offsets = np.arange(lengths.sum()) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        return self.post_entry[starts[which] + offsets], which

    @cached_property
    def key_skeletons(self) -> list[str]:
        """Each of ``keys`` without its vowels, for words typed in Arabic (:func:`near_key`)."""
        return [skeleton(k) for k in self.keys]

    def _word_scores(self, qw: str, abjad: bool = False) -> np.ndarray:
        """Per entry, how well its best word meets the query word ``qw`` (0: none)."""
        best = np.zeros(len(self.entry_record), np.float32)
        key = sound(qw)
        near_by = near_key(qw, abjad)
        if near_by is not None and self.keys:
            ratios = process.cdist(
                [near_by],
                self.key_skeletons if abjad else self.keys,
                scorer=fuzz.ratio,
                score_cutoff=SKELETON_CUTOFF if abjad else NEAR_CUTOFF,
                dtype=np.float32,
                workers=1,
            )[0]
            near = np.flatnonzero(ratios)
            if len(near):
                lengths = self.key_start[near + 1] - self.key_start[near]
                starts = np.repeat(self.key_start[near], lengths)
                offsets = np.arange(lengths.sum()) - np.repeat(
                    np.cumsum(lengths) - lengths, lengths
                )
                near_words = self.key_word[starts + offsets]
                near_scores = np.repeat(
                    (ratios[near] * np.float32(NEAR_WEIGHT)).astype(np.float32), lengths
                )
                entries, which = self._postings(near_words)
                np.maximum.at(best, entries, near_scores[which])
        lo = bisect_left(self.words, qw)
        hi = bisect_left(self.words, qw + "\U0010ffff", lo)
        if hi > lo:  # every word that starts with qw: one run of post_entry
            run = self.post_entry[self.post_start[lo] : self.post_start[hi]]
            best[run] = np.maximum(best[run], np.float32(PREFIX))
        k = self.key_of.get(key)
        if k is not None:
            entries, _ = self._postings(self.key_word[self.key_start[k] : self.key_start[k + 1]])
            best[entries] = np.maximum(best[entries], np.float32(SOUND))
        if hi > lo and self.words[lo] == qw:
            run = self.post_entry[self.post_start[lo] : self.post_start[lo + 1]]
            best[run] = np.float32(WORD)
        return best

    def _find(self, query: str) -> Hits:
        q = query_words(query)
        empty = np.zeros(0, np.int32)
        if not q or not len(self.entry_record):
            return Hits(self, empty, empty, np.zeros(0, np.float32), empty)
        total = np.zeros(len(self.entry_record), np.float32)
        every = np.ones(len(self.entry_record), bool)
        abjad = abjad_words(query)
        for qw in q:
            scores = self._word_scores(qw, qw in abjad)
            total += scores
            every &= scores > 0
        hit = np.flatnonzero(every)
        score = total[hit] / np.float32(len(q))
        # A whole field equal to the query (checked word for word: crc32 may collide).
        crc_hit = np.flatnonzero(self.entry_crc[hit] == _crc(q))
        verbatim = normalise(query)
        for i in crc_hit.tolist():
            e = int(hit[i])
            place, claim = self.record(int(self.entry_record[e]))
            text = _field_text(place, claim, int(self.entry_field[e]), int(self.entry_alt[e]))
            if words(text) == q:
                score[i] = EXACT + VERBATIM * (normalise(text) == verbatim)
        # Each record's best field: highest score, then the earlier field.
        record = self.entry_record[hit]
        order = np.lexsort((self.entry_field[hit], -score, record))
        first = np.r_[True, record[order][1:] != record[order][:-1]] if len(order) else order
        records = record[order][first]
        entries = hit[order][first].astype(np.int32)
        scores = score[order][first]
        via = np.full(len(records), -1, np.int32)
        records, entries, scores, via = self._shared(records, entries, scores, via)
        # Ranked: score, places before claims, field, then the data's order.
        rank = np.lexsort((records, self.entry_field[entries], records >= self.n_places, -scores))
        return Hits(
            self,
            records[rank].astype(np.int32),
            entries[rank],
            scores[rank].astype(np.float32),
            via[rank],
        )

    def _shared(
        self, records: np.ndarray, entries: np.ndarray, scores: np.ndarray, via: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Add the places that carry a name of a place the query names exactly (SHARED)."""
        seeds = records[(records < self.n_places) & (scores >= EXACT)].tolist()
        if not seeds or len(seeds) > SHARED_MAX_SEEDS:
            return records, entries, scores, via
        position = {r: i for i, r in enumerate(records.tolist())}
        added: dict[int, tuple[int, int]] = {}  # record -> (entry, seed)
        for seed in seeds:
            place, _ = self.record(seed)
            carried: dict[int, int] = {}  # record -> its first name field carrying one of seed's
            for e in range(self.record_start[seed], self.record_start[seed + 1]):
                phrase = words(
                    _field_text(place, None, int(self.entry_field[e]), int(self.entry_alt[e]))
                )
                found: np.ndarray | None = None
                for w in set(phrase):
                    t = bisect_left(self.words, w)
                    run = self.post_entry[self.post_start[t] : self.post_start[t + 1]]
                    found = run if found is None else np.intersect1d(found, run)
                if found is None:
                    continue
                found = found[self.entry_field[found] < PLACE_FIELDS]
                for e2 in found.tolist():
                    r = int(self.entry_record[e2])
                    carried[r] = min(e2, carried.get(r, e2))
            for r, e2 in sorted(carried.items()):
                i = position.get(r)
                if r == seed or r in added or (i is not None and scores[i] >= SHARED):
                    continue
                added[r] = (e2, seed)
        if not added:
            return records, entries, scores, via
        keep = np.array([r not in added for r in records.tolist()], bool)
        new = sorted(added)
        return (
            np.r_[records[keep], np.array(new, np.int32)].astype(np.int32),
            np.r_[entries[keep], np.array([added[r][0] for r in new], np.int32)].astype(np.int32),
            np.r_[scores[keep], np.full(len(new), SHARED, np.float32)].astype(np.float32),
            np.r_[via[keep], np.array([added[r][1] for r in new], np.int32)].astype(np.int32),
        )


def find(
    query: str,
    places: Mapping[str, Place],
    claims: Mapping[str, Claim],
    limit: int | None = None,
) -> list[Match]:
    """The places and claims ``query`` matches, best first, each saying which field matched.

    A pure function of the query and the data; the app asks the catalog's kept
    :class:`SearchIndex` (``catalog.index.search``) instead of folding the
    data again.
    """
    return SearchIndex(places, claims).find(query).matches(limit)
