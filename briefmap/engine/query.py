"""Filtering: which claims, and which of their places, a briefer asked to see."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from briefmap.data.schema import Catalog, Claim, ClaimStatus, Place, PlaceKind, Posture


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


def fold(text: str) -> str:
    """Fold text for matching: case, Latin diacritics and Arabic vowel marks removed.

    So "qamislo" finds "Qamişlo", and an Arabic name typed without harakat still
    matches one written with them.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Treat hyphens, apostrophes and the Arabic tatweel as spacing noise.
    for noise in ("-", "'", "’", "ʿ", "ʾ", "\u0640"):
        stripped = stripped.replace(noise, " ")
    return " ".join(stripped.split())


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
        if self.kinds is not None and place.kind not in self.kinds:
            return False
        needle = fold(self.search)
        if needle:
            return any(needle in fold(name) for name in place.search_names())
        return True


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
    its places passes the place-level ones (kind, search); only those places
    are drawn for it.
    """
    admitted_places = {pid for pid, p in catalog.places.items() if claim_filter.admits_place(p)}
    kept: list[Claim] = []
    places_of: dict[str, tuple[str, ...]] = {}
    for claim in sorted(catalog.claims.values(), key=_chronological):
        if not claim_filter.admits_claim(claim):
            continue
        places = tuple(pid for pid in claim.places if pid in admitted_places)
        if places:
            kept.append(claim)
            places_of[claim.id] = places
    return Selection(claims=tuple(kept), places_of=places_of, total_claims=len(catalog.claims))


def _chronological(claim: Claim) -> tuple[str, str]:
    return (claim.reported, claim.id)
