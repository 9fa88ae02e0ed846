"""The map's layers, which layer a claim is drawn in, and which claim leads a place.

Facts about claims, not about drawing: the index plans with them
(:meth:`briefmap.engine.index.CatalogIndex.plan`) and both renderers draw
what it plans (:mod:`briefmap.drawing.plan`).
"""

from __future__ import annotations

from enum import Enum

from briefmap.data.schema import Claim, Place, Posture, Role


class Layer(str, Enum):
    """The map's overlay layers, in drawing order."""

    REGIONS = "Regions"
    CONTEXT = "Context"
    FORMER = "Former positions"
    PROPOSED = "Proposed deployments"
    SITES = "Sites and installations"

    @property
    def slug(self) -> str:
        return self.name.lower()


def lead_order(claim: Claim) -> tuple[int, bool, str]:
    """Sort key: strongest status first, then the briefed report before context."""
    return (claim.status.rank, claim.role is Role.CONTEXT, claim.id)


def layer_of(claim: Claim, place: Place) -> Layer:
    """Which layer a claim about a place is drawn in."""
    if claim.posture is Posture.PROPOSED:
        return Layer.PROPOSED
    if claim.posture is Posture.FORMER:
        return Layer.FORMER
    if claim.role is Role.CONTEXT:
        return Layer.CONTEXT
    return Layer.SITES if place.is_point else Layer.REGIONS
