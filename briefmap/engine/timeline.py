"""Time: the picture as it was known on a given day, and what changed between two days."""

from __future__ import annotations

import datetime as dt
from collections import Counter, OrderedDict
from contextlib import suppress
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING

from briefmap.data.schema import Catalog, Claim, ClaimStatus, Posture, StatusChange

if TYPE_CHECKING:
    from briefmap.engine.query import ClaimFilter, Selection


@dataclass(frozen=True)
class ClaimState:
    """A claim's status and posture on one day."""

    status: ClaimStatus
    posture: Posture


def _applies(change: StatusChange, day: str, known_by: str | None) -> bool:
    # An end no source dates is known to have happened by the data's own
    # "as of" day, and not before: earlier days show the posture reported then.
    if not change.dated:
        return known_by is not None and day >= known_by
    return change.date <= day


def state_on(claim: Claim, day: str, known_by: str | None = None) -> ClaimState | None:
    """The claim's status and posture as known on ``day``; ``None`` before it was reported.

    ``known_by`` is the data's own "as of" day, from which an end dated
    "unknown" counts as known.
    """
    if claim.reported > day:
        return None
    if not claim.history:
        return ClaimState(claim.status, claim.posture)
    status, posture = claim.status, claim.posture
    first = True
    for change in claim.history:
        if not _applies(change, day, known_by):
            break
        if first:
            status, posture = change.status or status, change.posture or posture
            first = False
            continue
        status = change.status or status
        posture = change.posture or posture
    return ClaimState(status, posture)


# Rewound catalogs kept per catalog: a rerun on the same "as of" day (a pan, a
# click, a filter change) reuses the rewound claims and their index instead of
# rebuilding both (about 1 s at 100,000 claims). A few days, each an index.
REWOUND_KEPT = 3


def as_of(catalog: Catalog, day: str | None) -> Catalog:
    """The catalog as known on ``day``: later claims hidden, each at the status it had then.

    ``None`` means today: the catalog unchanged. The result is kept with the
    catalog (the last :data:`REWOUND_KEPT` days), so asking again is free.
    """
    if day is None:
        return catalog
    # In the instance's __dict__, as Catalog.index is (a frozen dataclass allows it).
    kept: OrderedDict[str, Catalog] = catalog.__dict__.setdefault("_rewound", OrderedDict())
    found = kept.get(day)
    if found is None:
        found = kept[day] = _rewind(catalog, day)
    # Sessions share the catalog (one per server): another may have evicted
    # the day meanwhile, or be evicting now; neither may fail this rerun.
    with suppress(KeyError):
        kept.move_to_end(day)
        while len(kept) > REWOUND_KEPT:
            kept.popitem(last=False)
    return found


def _rewind(catalog: Catalog, day: str) -> Catalog:
    claims: dict[str, Claim] = {}
    for cid, claim in catalog.claims.items():
        state = state_on(claim, day, catalog.as_of)
        if state is not None:
            # Cut the history at the day too, so the rewound catalog is valid data
            # in its own right (an export of it loads back unchanged).
            proposed = state.posture is Posture.PROPOSED
            claims[cid] = replace(
                claim,
                status=state.status,
                posture=state.posture,
                history=tuple(h for h in claim.history if _applies(h, day, catalog.as_of)),
                origin=claim.origin if proposed else None,
                origin_source=claim.origin_source if proposed else None,
                origin_note=claim.origin_note if proposed else None,
            )
    return catalog.rewound(claims, day)


def date_span(catalog: Catalog) -> tuple[str, str] | None:
    """The first and last day anything in the catalog was reported or changed."""
    days = [c.reported for c in catalog.claims.values()]
    days += [h.date for c in catalog.claims.values() for h in c.history if h.dated]
    if not days:
        return None
    return min(days), max(days)


class ChangeKind(str, Enum):
    """How a claim moved between two "as of" days."""

    NEW = "new"
    UPGRADED = "upgraded"
    DOWNGRADED = "downgraded"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        return self.value.capitalize()


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def plain_day(day: str) -> str:
    """``2026-01-26`` as "26 Jan 2026" (a day the validator has already checked)."""
    year, month, date = day.split("-")
    return f"{int(date)} {MONTHS[int(month) - 1]} {year}"


def as_of_banner(day: str) -> str:
    """What the map says over an "as of" view, so nobody takes it for today's picture."""
    return f"As of {plain_day(day)}: the claims as known that day, later reports hidden"


@dataclass(frozen=True)
class Change:
    """One claim that is new, better or worse sourced, or no longer current.

    ``day``: the first day after the earlier one on which the claim was
    reported or its change was (the day its sources date it).
    """

    claim: Claim
    kind: ChangeKind
    before: ClaimState | None
    after: ClaimState
    day: str = ""

    def what(self) -> str:
        """What changed, in the data's own terms: "ended", "now confirmed, was reported"."""
        after, before = self.after, self.before
        if self.kind is ChangeKind.NEW or before is None:
            status = after.status.label.lower()
            first = state_on(self.claim, self.claim.reported)
            if first is not None and first.posture is Posture.FORMER:
                return f"new claim about the past, {status}"
            if after.posture is Posture.FORMER:
                return f"new claim, {status}, since ended"
            opening = "new proposal" if after.posture is Posture.PROPOSED else "new claim"
            return f"{opening}, {status}"
        if self.kind is ChangeKind.RETIRED:
            return "proposal ended" if before.posture is Posture.PROPOSED else "ended"
        return f"now {after.status.label.lower()}, was {before.status.label.lower()}"

    def describe(self, catalog: Catalog, *, place: bool = True) -> str:
        """The change in one plain line, dated first, as in a log.

        "26 Jan 2026 · <place>: <actor> — ended". Without
        ``place`` (beside the place on the map) the place names are left out.
        Only the data's own words: the day its sources date the change, place
        and actor names, the status ladder's labels and the posture.
        """
        actors = ", ".join(catalog.meta.actor(a).name_en for a in self.claim.actors)
        line = f"{actors} — {self.what()}"
        if place:
            names = ", ".join(
                catalog.places[p].name_en for p in self.claim.places if p in catalog.places
            )
            line = f"{names}: {line}" if names else line
        return f"{plain_day(self.day)} · {line}" if self.day else line


def changes_between(catalog: Catalog, earlier: str, later: str) -> list[Change]:
    """What changed from ``earlier`` to ``later``, in the order it happened.

    A claim is *new* if it was reported in between; *upgraded* or *downgraded*
    if its status rose or fell on the ladder; *retired* if it stopped being
    current or proposed and became former. A claim whose status and posture
    both changed is listed once, by its status change.
    """
    if earlier > later:
        earlier, later = later, earlier
    changes: list[Change] = []
    for claim in catalog.claims.values():
        # An end no source dates is not known to fall between the two days, so
        # it is never a change between them.
        before, after = state_on(claim, earlier), state_on(claim, later)
        if after is None:
            continue
        if before is None:
            kind = ChangeKind.NEW
        elif after.status.rank < before.status.rank:
            kind = ChangeKind.UPGRADED
        elif after.status.rank > before.status.rank:
            kind = ChangeKind.DOWNGRADED
        elif before.posture is not Posture.FORMER and after.posture is Posture.FORMER:
            kind = ChangeKind.RETIRED
        else:
            continue
        changes.append(Change(claim, kind, before, after, _day_of(claim, kind, earlier, later)))
    return sorted(changes, key=lambda c: (c.day, c.claim.id))


def _day_of(claim: Claim, kind: ChangeKind, earlier: str, later: str) -> str:
    """The day the sources date this change: reported, or the history entry that made it."""
    if kind is ChangeKind.NEW:
        return claim.reported
    between = [h for h in claim.history if h.dated and earlier < h.date <= later]
    if kind is ChangeKind.RETIRED:
        # The first entry that made it former.
        days = [h.date for h in between if h.posture is Posture.FORMER]
        return min(days, default=between[0].date if between else claim.reported)
    # The last entry that moved the status: the one the claim is at now.
    days = [h.date for h in between if h.status is not None]
    return max(days, default=between[-1].date if between else claim.reported)


def monthly_counts(claims: list[Claim] | tuple[Claim, ...]) -> list[dict[str, object]]:
    """Rows for the timeline chart: claims per reported month and status."""
    counts: Counter[tuple[str, ClaimStatus]] = Counter((c.reported[:7], c.status) for c in claims)
    return [
        {"month": f"{month}-01", "status": status.label, "rank": status.rank, "claims": n}
        for (month, status), n in sorted(counts.items(), key=lambda i: (i[0][0], i[0][1].rank))
    ]


def shown_on(
    catalog: Catalog, claim_filter: ClaimFilter, day: str | None, since: str | None
) -> tuple[Catalog, Selection, tuple[Change, ...]]:
    """What a filter shows as of ``day``: the catalog then, the claims it selects, and their changes.

    The one computation behind the app's view (``briefmap.app.view.build_view``)
    and a briefing pack's scene (:mod:`briefmap.drawing.briefing_pack`), so the
    pack shows what the app shows for the same scene.

    Parameters
    ----------
    catalog
        The catalog as loaded (today's).
    claim_filter
        The filter applied.
    day
        The "as of" day, or ``None`` for today.
    since
        The day changes are counted from (:func:`changes_between`), or ``None`` for none.

    Returns
    -------
    tuple[Catalog, Selection, tuple[Change, ...]]
        The catalog as of ``day``, the claims selected in it, and those of them
        that changed from ``since`` to ``day`` (else the data's own day, else today).
    """
    shown = as_of(catalog, day)
    # The same result as query.select, from arrays cached per catalog: at
    # 100,000 claims a filter change costs 57 ms instead of 0.46 s (BENCHMARKS.md).
    selection = shown.index.select(claim_filter)
    if not since:
        return shown, selection, ()
    later = day or catalog.as_of or dt.date.today().isoformat()
    kept = {claim.id for claim in selection.claims}
    changes = tuple(c for c in changes_between(catalog, since, later) if c.claim.id in kept)
    return shown, selection, changes
