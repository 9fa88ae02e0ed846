"""The map planned for a selection: one feature per place and layer, and its tooltip text.

Both renderers draw what is planned here: markers (:mod:`briefmap.mapping`)
and the canvas (:mod:`briefmap.bulk`, from the index's array form of the same
plan, :meth:`briefmap.index.CatalogIndex.plan`). ``tests/test_renderer_parity.py``
checks that they show the same tooltips, legend, footnote, counts and click
targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from briefmap.query import Selection
from briefmap.safe import map_text
from briefmap.schema import DEFAULT_META, Actor, Catalog, Claim, Place, Posture, Role


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


@dataclass(frozen=True)
class MapFeature:
    """One place as drawn in one layer, with the claims that put it there."""

    place: Place
    layer: Layer
    claims: tuple[Claim, ...]
    # The catalog's actors (catalog.meta): the lead claim's first actor gives the colour.
    actors: Mapping[str, Actor] = field(
        default_factory=lambda: DEFAULT_META.actor_table, compare=False, repr=False
    )

    @property
    def lead(self) -> Claim:
        """The claim that sets the feature's style: best sourced, then the report's own."""
        return min(self.claims, key=lead_order)

    @property
    def actor(self) -> Actor:
        """The lead claim's first actor, with its name and colour from the data."""
        actor_id = self.lead.actors[0]
        return self.actors.get(actor_id) or DEFAULT_META.actor(actor_id)


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


def plan_features(catalog: Catalog, selection: Selection) -> list[MapFeature]:
    """Group the selected claims into drawable features: one per place and layer."""
    grouped: dict[tuple[Layer, str], list[Claim]] = {}
    for claim in selection.claims:
        for place_id in selection.places_of[claim.id]:
            place = catalog.places[place_id]
            grouped.setdefault((layer_of(claim, place), place_id), []).append(claim)
    features = [
        MapFeature(
            place=catalog.places[pid],
            layer=layer,
            claims=tuple(claims),
            actors=catalog.meta.actor_table,
        )
        for (layer, pid), claims in grouped.items()
    ]
    order = list(Layer)
    # Polygons first within a layer, so points stay clickable on top of them.
    return sorted(features, key=lambda f: (order.index(f.layer), f.place.is_point, f.place.id))


def tooltip_html(feature: MapFeature) -> str:
    """Names in English, Arabic and Russian and what is claimed there, escaped."""
    place = feature.place
    lines = [f'<div class="bm-tip-name">{map_text(place.name_en)}</div>']
    if place.name_ar:
        lines.append(f'<div dir="rtl" lang="ar">{map_text(place.name_ar)}</div>')
    if place.name_ru:
        lines.append(f'<div lang="ru">{map_text(place.name_ru)}</div>')
    lines.append(
        f'<div class="bm-tip-meta">{map_text(place.kind.label)} · '
        f"{map_text(place.precision.label)} · {map_text(feature.layer.value)}</div>"
    )
    counts = Counter(c.status for c in feature.claims)
    tally = ", ".join(
        f"{n} {s.label.lower()}" for s, n in sorted(counts.items(), key=lambda i: i[0].rank)
    )
    noun = "claim" if len(feature.claims) == 1 else "claims"
    lines.append(f'<div class="bm-tip-meta">{len(feature.claims)} {noun}: {map_text(tally)}</div>')
    undated = sum(1 for c in feature.claims if c.posture is Posture.FORMER and c.end_date_unknown)
    if undated:
        lines.append(f'<div class="bm-tip-meta">{undated_end_text(undated)}</div>')
    lines.append(f'<div class="bm-tip-lead">{map_text(feature.lead.summary)}</div>')
    lines.append('<div class="bm-tip-hint">Click for the claim card</div>')
    return "".join(lines)


def undated_end_text(n: int) -> str:
    """The map's words for former claims whose end no source dates."""
    return "Former: end date unknown" if n == 1 else f"{n} former claims: end date unknown"
