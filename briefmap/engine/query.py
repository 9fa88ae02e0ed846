"""Filtering: which claims, and which of their places, a briefer asked to see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

import numpy as np

from briefmap.data.schema import Catalog, Claim, ClaimStatus, Place, PlaceKind, Posture
from briefmap.engine.search import (
    EXACT,
    FIELDS,
    SHARED,
    SHARED_MAX_SEEDS,
    VERBATIM,
    Match,
    fields_of,
    query_words,
    rank_key,
    word_score,
)
from briefmap.engine.spelling import abjad_words, normalise, words


class Deployments(str, Enum):
    """The sidebar's proposed-deployments choice."""

    CURRENT_ONLY = "current"
    INCLUDE_PROPOSED = "include"
    PROPOSED_ONLY = "proposed"

    @property
    def label(self) -> str:
        return DEPLOYMENT_LABELS[self]

    def admits(self, posture: Posture) -> bool:
        if self is Deployments.CURRENT_ONLY:
            # "Current only" hides proposals, not history: former positions
            # are part of the established picture.
            return posture is not Posture.PROPOSED
        if self is Deployments.PROPOSED_ONLY:
            return posture is Posture.PROPOSED
        return True


DEPLOYMENT_LABELS: dict[Deployments, str] = {
    Deployments.CURRENT_ONLY: "Current only (no proposals)",
    Deployments.INCLUDE_PROPOSED: "Include proposed",
    Deployments.PROPOSED_ONLY: "Proposed only",
}


@dataclass(frozen=True)
class ClaimFilter:
    """What the sidebar asks for. ``None`` for a set means "no restriction"."""

    actors: frozenset[str] | None = None  # actor ids (catalog.meta)
    statuses: frozenset[ClaimStatus] | None = None
    deployments: Deployments = Deployments.INCLUDE_PROPOSED
    kinds: frozenset[PlaceKind] | None = None
    search: str = ""
    reported_from: str | None = None  # ISO dates, inclusive
    reported_to: str | None = None

    def admits_claim(self, claim: Claim) -> bool:
        if self.actors is not None and not self.actors.intersection(claim.actors):
            return False
        if self.reported_from is not None and claim.reported < self.reported_from:
            return False
        if self.reported_to is not None and claim.reported > self.reported_to:
            return False
        if self.statuses is not None and claim.status not in self.statuses:
            return False
        return self.deployments.admits(claim.posture)

    def admits_place(self, place: Place) -> bool:
        """The place-level filter but the search (which also looks at claims: :func:`select`)."""
        return self.kinds is None or place.kind in self.kinds


@dataclass(frozen=True)
class Selection:
    """The result of a filter: claims, and for each the places to draw it at."""

    claims: tuple[Claim, ...]
    # claim id -> the places to draw it at (a dict, or bulk's lazy mapping)
    places_of: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    total_claims: int = 0

    @cached_property
    def place_ids(self) -> tuple[str, ...]:
        # Cached: the map, the footer, the card and a click each ask, and at
        # 100,000 claims one walk costs about 50 ms. (cached_property writes to
        # the instance's __dict__, which a frozen dataclass allows.)
        seen: dict[str, None] = {}
        for claim in self.claims:
            for place_id in self.places_of[claim.id]:
                seen[place_id] = None
        return tuple(seen)

    def claims_at(self, place_id: str) -> list[Claim]:
        return [c for c in self.claims if place_id in self.places_of[c.id]]

    @property
    def summary_line(self) -> str:
        return f"Showing {len(self.claims)} of {self.total_claims} claims"


def select(catalog: Catalog, claim_filter: ClaimFilter) -> Selection:
    """Apply a filter to a catalog.

    A claim is kept when it passes the claim-level filters and at least one of
    its places passes the place-level ones: its kind, and the search, which a
    place passes when found by its names, or when the claim itself is found by
    its own text (summary, claimant, attribution; :mod:`briefmap.engine.search`).
    Only those places are drawn for it.
    """
    admitted_places = {pid for pid, p in catalog.places.items() if claim_filter.admits_place(p)}
    found_places: set[str] | None = None  # None: no search
    found_claims: set[str] = set()
    if query_words(claim_filter.search):
        # The plain way, as the rest of this function; the index finds the same.
        found = scan(claim_filter.search, catalog.places, catalog.claims)
        found_places = {m.id for m in found if m.kind == "place"}
        found_claims = {m.id for m in found if m.kind == "claim"}
    kept: list[Claim] = []
    places_of: dict[str, tuple[str, ...]] = {}
    for claim in sorted(catalog.claims.values(), key=_chronological):
        if not claim_filter.admits_claim(claim):
            continue
        places = tuple(
            pid
            for pid in claim.places
            if pid in admitted_places
            and (found_places is None or claim.id in found_claims or pid in found_places)
        )
        if places:
            kept.append(claim)
            places_of[claim.id] = places
    return Selection(claims=tuple(kept), places_of=places_of, total_claims=len(catalog.claims))


def _chronological(claim: Claim) -> tuple[str, str]:
    return (claim.reported, claim.id)


def scan(query: str, places: Mapping[str, Place], claims: Mapping[str, Claim]) -> list[Match]:
    """Every place and claim ``query`` matches, best first: the plain way.

    Folds and scores every field for this one query, as :mod:`briefmap.engine.search`
    says; :meth:`~briefmap.engine.search.SearchIndex.find` answers the same
    from what it folded once.
    """
    q = query_words(query)
    if not q:
        return []
    abjad = abjad_words(query)
    best: dict[tuple[str, str], Match] = {}
    records = [(pid, p, None) for pid, p in places.items()]
    records += [(cid, None, c) for cid, c in claims.items()]
    number = {
        (("place" if p is not None else "claim"), rid): n for n, (rid, p, _) in enumerate(records)
    }
    for rid, place, claim in records:
        kind = "place" if place is not None else "claim"
        for f, _alt, text in fields_of(place, claim):
            ws = words(text)
            if not ws:
                continue
            scores = [max((word_score(qw, w, qw in abjad) for w in ws), default=0.0) for qw in q]
            if not all(scores):
                continue
            exact = ws == q
            score = (
                EXACT + VERBATIM * (normalise(text) == normalise(query))
                if exact
                else float(np.float32(sum(np.float32(s) for s in scores) / len(q)))
            )
            found = Match(kind, rid, FIELDS[f], text, score, exact)
            held = best.get((kind, rid))
            n = number[(kind, rid)]
            if held is None or rank_key(found, n) < rank_key(held, n):
                best[(kind, rid)] = found
    seeds = [m.id for m in best.values() if m.kind == "place" and m.exact]
    if len(seeds) <= SHARED_MAX_SEEDS:
        for seed in seeds:
            phrases = {frozenset(words(t)) for _, _, t in fields_of(places[seed], None)} - {
                frozenset()
            }
            for pid, place in places.items():
                held = best.get(("place", pid))
                if pid == seed or (held is not None and held.score >= SHARED):
                    continue
                for f, _alt, text in fields_of(place, None):
                    ws = set(words(text))
                    if any(phrase <= ws for phrase in phrases):
                        best[("place", pid)] = Match(
                            "place", pid, FIELDS[f], text, SHARED, False, via=seed
                        )
                        break
    return sorted(best.values(), key=lambda m: rank_key(m, number[(m.kind, m.id)]))
