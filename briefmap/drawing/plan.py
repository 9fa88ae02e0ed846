"""The map planned for a selection: one feature per place and layer, its tooltip text, its footnote.

The plan itself is the index's (:meth:`briefmap.engine.index.CatalogIndex.plan`,
parallel arrays): the canvas (:mod:`briefmap.drawing.bulk`) draws from them, the
markers (:mod:`briefmap.drawing.mapping`) from :func:`plan_features` read from them,
and both write tooltips with :func:`tooltip_lines` and :data:`TOOLTIP_TAGS`. ``tests/test_renderer_parity.py``
checks that they show the same tooltips, legend, footnote, counts and click
targets.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from briefmap.data.schema import (
    Actor,
    Catalog,
    Claim,
    ClaimStatus,
    Place,
    Posture,
)
from briefmap.engine.layers import Layer, layer_of, lead_order
from briefmap.engine.query import Selection
from briefmap.safe import map_text

if TYPE_CHECKING:  # the index hands plans to this module
    from briefmap.engine.index import Plan


@dataclass(frozen=True)
class MapFeature:
    """One place as drawn in one layer, with the claims that put it there."""

    place: Place
    layer: Layer
    claims: tuple[Claim, ...]
    # The catalog's actors (catalog.meta): the lead claim's first actor gives the colour.
    actors: Mapping[str, Actor] = field(default_factory=dict, compare=False, repr=False)

    @property
    def lead(self) -> Claim:
        """The claim that sets the feature's style: best sourced, then the report's own."""
        return min(self.claims, key=lead_order)

    @property
    def actor(self) -> Actor:
        """The lead claim's first actor, with its name and colour from the data."""
        actor_id = self.lead.actors[0]
        return self.actors.get(actor_id) or Actor.stand_in(actor_id)


def plan_features(catalog: Catalog, selection: Selection) -> list[MapFeature]:
    """The features the map draws for a selection: one per place and layer.

    Read from the index's plan (:meth:`briefmap.engine.index.CatalogIndex.plan`), the
    arrays the canvas renderer draws from, so both renderers draw one plan.
    Kept with the plan: a rerun with the same selection builds nothing again.
    """
    plan = catalog.index.plan(selection)
    features = plan.built.get("features")
    if features is None:
        features = plan.built["features"] = _features_of(catalog, plan)
    return list(features)


def _features_of(catalog: Catalog, plan: Plan) -> list[MapFeature]:
    index = catalog.index
    ids, ordered, pair_claim = index.places.ids, index.claims.ordered, index.claims.pair_claim
    layers = list(Layer)
    features = []
    for layer, place, first, count in zip(
        plan.layer.tolist(),
        plan.place.tolist(),
        plan.first.tolist(),
        plan.count.tolist(),
        strict=True,
    ):
        members = pair_claim[plan.pairs[first : first + count]].tolist()
        features.append(
            MapFeature(
                place=catalog.places[ids[place]],
                layer=layers[layer],
                claims=tuple(ordered[i] for i in members),
                actors=catalog.meta.actor_table,
            )
        )
    # Polygons first within a layer, so points stay clickable on top of them.
    return sorted(features, key=lambda f: (layers.index(f.layer), f.place.is_point, f.place.id))


# ------------------------------------------------------------------ tooltips

# A tooltip's lines, in order, by the tag each opens with. Both renderers join
# the same lines with this markup: :func:`tooltip_html` here, and the canvas
# script from the tags its payload carries (:mod:`briefmap.drawing.canvas_payload`).
TOOLTIP_TAGS: tuple[str, ...] = (
    '<div class="bm-tip-name">',  # English name
    '<div dir="rtl" lang="ar">',  # Arabic name
    '<div lang="ru">',  # Russian name
    '<div class="bm-tip-meta">',  # kind · precision · layer
    '<div class="bm-tip-meta">',  # how many claims, by status
    '<div class="bm-tip-meta">',  # former claims whose end no source dates
    '<div class="bm-tip-lead">',  # the lead claim's summary
)
# Every tooltip ends by saying what a click does.
TOOLTIP_HINT = "Click for the claim card"
TOOLTIP_TAIL = f'<div class="bm-tip-hint">{TOOLTIP_HINT}</div>'


def tooltip_markup(lines: Sequence[str | None], *, tail: bool = True) -> str:
    """Escaped lines (``None``: left out) joined in :data:`TOOLTIP_TAGS` markup, and the tail."""
    body = "".join(
        f"{tag}{text}</div>"
        for tag, text in zip(TOOLTIP_TAGS, lines, strict=True)
        if text is not None
    )
    return body + (TOOLTIP_TAIL if tail else "")


NAME_LINES = 3  # the first tooltip lines name the place (English, Arabic, Russian)


def place_tooltip_html(features: Sequence[MapFeature]) -> str:
    """One tooltip for a place drawn in several layers: its names once, then each layer's claims."""
    blocks = [tooltip_lines(f) for f in features]
    later = [[None] * NAME_LINES + lines[NAME_LINES:] for lines in blocks[1:]]
    return (
        "".join(tooltip_markup(lines, tail=False) for lines in [blocks[0], *later]) + TOOLTIP_TAIL
    )


def one_per_place(features: Sequence[MapFeature]) -> list[tuple[MapFeature, ...]]:
    """Features as drawn by the markers: one marker per point place, outlines per layer.

    A point place with claims in several layers is one marker, not a stack of
    them (a click on a stack opened whichever was on top): drawn in its
    strongest layer (current sites over proposed over former over context),
    first in its tuple, with the place's other layers after it for its tooltip.
    Kept in drawing order (:func:`plan_features`).
    """
    strongest = {layer: rank for rank, layer in enumerate(reversed(Layer))}
    by_place: dict[str, list[MapFeature]] = {}
    for feature in features:
        if feature.place.is_point:
            by_place.setdefault(feature.place.id, []).append(feature)
    drawn: list[tuple[MapFeature, ...]] = []
    for feature in features:
        if not feature.place.is_point:
            drawn.append((feature,))
            continue
        group = sorted(by_place[feature.place.id], key=lambda f: strongest[f.layer])
        if group[0] is feature:
            drawn.append(tuple(group))
    return drawn


def tooltip_lines(feature: MapFeature, *, summary: bool = True) -> list[str | None]:
    """A feature's tooltip lines, escaped: names in three scripts, what is claimed there."""
    place = feature.place
    counts = Counter(c.status for c in feature.claims)
    undated = sum(1 for c in feature.claims if c.posture is Posture.FORMER and c.end_date_unknown)
    return [
        map_text(place.name_en),
        map_text(place.name_ar) if place.name_ar else None,
        map_text(place.name_ru) if place.name_ru else None,
        meta_line(map_text(place.kind.label), map_text(place.precision.label), feature.layer),
        tally_line([counts[s] for s in ClaimStatus]),
        undated_end_text(undated) if undated else None,
        map_text(feature.lead.summary) if summary else None,
    ]


def tooltip_html(feature: MapFeature) -> str:
    """The marker renderer's tooltip for a feature."""
    return tooltip_markup(tooltip_lines(feature))


def meta_line(kind: str, precision: str, layer: Layer) -> str:
    """Kind, precision and layer (kind and precision already escaped)."""
    return f"{kind} · {precision} · {map_text(layer.value)}"


def tally_line(counts: Sequence[int]) -> str:
    """'3 claims: 2 confirmed, 1 reported' from claims per status, in ladder order."""
    total = sum(counts)
    noun = "claim" if total == 1 else "claims"
    tally = ", ".join(
        f"{n} {s.label.lower()}" for s, n in zip(ClaimStatus, counts, strict=True) if n
    )
    return f"{total} {noun}: {map_text(tally)}"


def undated_end_text(n: int) -> str:
    """The map's words for former claims whose end no source dates."""
    return "Former: end date unknown" if n == 1 else f"{n} former claims: end date unknown"


# ------------------------------------------------------------------ claim card

# What the claim card says of a former claim whose end no source dates.
ENDED_UNDATED = "date unknown: no source on record gives the day"


def card_lines(catalog: Catalog, claim: Claim, ended: str | None = None) -> list[tuple[str, str]]:
    """The claim card's labelled lines for a claim, as plain (unescaped) text.

    The card in the app and each KMZ placemark's description show these, each
    escaping them for where they go.

    Parameters
    ----------
    catalog
        The catalog the claim is from (its sources and origin place).
    claim
        The claim.
    ended
        What to say of an end no source dates, if anything.

    Returns
    -------
    list[tuple[str, str]]
        ``(label, text)``: claimant, attribution, reported, sources, then the
        end and the origin when there are.
    """
    sources = [catalog.sources[sid] for sid in claim.sources]
    lines = [
        ("Claimant", claim.claimant),
        ("Attribution", claim.attribution),
        ("Reported", claim.reported),
        (
            "Source" if len(sources) == 1 else "Sources",
            "; ".join(f"{s.credit} ({s.date})" for s in sources),
        ),
    ]
    if ended:
        lines.append(("Ended", ended))
    if claim.origin and claim.origin_source:
        origin = catalog.places[claim.origin]
        credit = catalog.sources[claim.origin_source].credit
        lines.append(("From", f"{origin.name_en}, as named by {credit}: {claim.origin_note}"))
    return lines


__all__ = [
    "ENDED_UNDATED",
    "TOOLTIP_HINT",
    "TOOLTIP_TAGS",
    "TOOLTIP_TAIL",
    "Layer",
    "MapFeature",
    "card_lines",
    "layer_of",
    "lead_order",
    "meta_line",
    "plan_features",
    "tally_line",
    "tooltip_html",
    "tooltip_lines",
    "tooltip_markup",
    "undated_end_text",
]


# ------------------------------------------------------------------ footnote


def footnote_html(catalog: Catalog, selection: Selection, *, outlets: bool = True) -> str:
    """The map's footnote: the "as of" date and the sources of what is shown, escaped.

    With ``outlets`` (presentation view, where the sidebar and pages are out of
    sight) it names them; otherwise it counts them, to keep the map clear.
    Both renderers use it; it is kept with the selection's plan for reruns.
    """
    plan = catalog.index.plan(selection)
    key = ("footnote", catalog.as_of, outlets)
    if key not in plan.built:
        plan.built[key] = _footnote(catalog, selection, outlets)
    return plan.built[key]


def _footnote(catalog: Catalog, selection: Selection, outlets: bool) -> str:
    cited = catalog.index.cited_sources(selection)
    lines = [
        f'<div class="bm-foot-asof">Data as of {map_text(catalog.as_of or "not stated")} · '
        f"{len(selection.claims)} of {selection.total_claims} claims shown</div>"
    ]
    if cited and not outlets:
        lines.append(
            f'<div class="bm-foot-sources">{len(cited)} sources: see Sources &amp; method</div>'
        )
    elif cited:
        # Outlets by name only: the items themselves are a click away on the
        # Sources & method page, and the map must stay visible.
        outlets = list(dict.fromkeys(s.outlet for s in cited))
        lines.append(f'<div class="bm-foot-sources">Sources: {map_text("; ".join(outlets))}</div>')
    return "".join(lines)
