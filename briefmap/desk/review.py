"""The analyst's review of the drafts: decisions, edits, and what the accepted ones change.

Pure: the desk page (:mod:`briefmap.app.desk`) holds the widgets; here a
decision and its edits become a reviewed :class:`~briefmap.desk.draft.Draft`,
and each reviewed draft is set against the claims already on the map: it
*adds* a claim, *upgrades* or *downgrades* one that exists with another
status, or *contradicts* one (the same place claimed by another actor, or a
denial of what the map holds).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from briefmap.data.schema import Catalog, ClaimStatus, Posture
from briefmap.desk.draft import Draft
from briefmap.desk.gazetteer import Gazetteer
from briefmap.desk.places import DraftPlace

ACCEPT, EDIT, REJECT = "accept", "edit", "reject"
DECISIONS = (ACCEPT, EDIT, REJECT)


@dataclass(frozen=True)
class Review:
    """One draft as the analyst left it: the decision, the fields as edited, their summary."""

    decision: str
    places: tuple[str, ...]
    actors: tuple[str, ...]
    claimant: str
    status: ClaimStatus
    posture: Posture
    end_date: str | None
    summary: str

    @classmethod
    def of(cls, draft: Draft, decision: str = ACCEPT) -> Review:
        """The draft as suggested, accepted as it is."""
        return cls(
            decision,
            tuple(p.id for p in draft.places),
            draft.actors,
            draft.claimant,
            draft.status,
            draft.posture,
            draft.end_date,
            "",
        )


def reviewed(draft: Draft, review: Review, gazetteer: Gazetteer, catalog: Catalog) -> Draft:
    """The draft with the analyst's edits: places by id (the data's or the gazetteer's), every field."""
    known = {p.id: p for p in draft.places}
    places = []
    for pid in review.places:
        if pid in known:
            places.append(known[pid])
            continue
        entry = gazetteer.places.get(pid)
        place = catalog.places.get(pid)
        name = entry.name_en if entry else place.name_en if place else pid
        precision = entry.precision if entry else place.precision if place else None
        if precision is None:
            continue  # an id neither knows: the validator would refuse it; never invented
        places.append(
            DraftPlace(
                pid,
                name,
                name,
                precision,
                draft.start,
                draft.start,
                entry is None or entry.in_catalog,
                note="added by the analyst",
            )
        )
    return replace(
        draft,
        places=tuple(places),
        places_from="text" if places else "",
        actors=review.actors,
        claimant=review.claimant,
        status=review.status,
        posture=review.posture,
        end_date=review.end_date if review.posture is Posture.FORMER else None,
    )


def what_it_changes(draft: Draft, catalog: Catalog) -> list[str]:
    """How a reviewed draft meets the map: each line an addition, an upgrade or a contradiction.

    Set against every claim at its places, former ones too: a report that
    Russian troops are back where the map says they left reopens that claim,
    and a withdrawal the map already holds as former is the same claim again,
    not an addition. Rival actors are those of the claims still current.
    """
    lines = []
    for place in draft.places:
        here = catalog.claims_at(place.id)
        live = [c for c in here if c.posture is not Posture.FORMER]
        mine = [c for c in here if set(c.actors) & set(draft.actors)]
        # Another actor's current claim there, sharing none of this one's actors: a rival claim.
        others = sorted({a for c in live if c not in mine for a in c.actors})
        for claim in mine:
            if claim.posture is not draft.posture:
                change = f"{claim.posture.value} -> {draft.posture.value}"
                if draft.posture is Posture.FORMER:
                    lines.append(f"ends {claim.id} at {place.id} ({change})")
                elif claim.posture is Posture.FORMER:
                    lines.append(f"reopens {claim.id} at {place.id}, which the map has as former")
                else:
                    lines.append(f"changes the posture of {claim.id} at {place.id} ({change})")
            elif claim.status is draft.status:
                continue
            elif draft.status is ClaimStatus.DENIED:
                lines.append(
                    f"contradicts {claim.id} at {place.id} ({claim.status.value}): a denial"
                )
            else:
                way = "upgrades" if draft.status.rank < claim.status.rank else "downgrades"
                lines.append(
                    f"{way} {claim.id} at {place.id} ({claim.status.value} -> {draft.status.value})"
                )
        if others:
            lines.append(f"contradicts: {place.id} is already claimed by {', '.join(others)}")
        if not live and not mine:
            lines.append(f"adds a claim at {place.id}, where the map has none now")
    return lines
