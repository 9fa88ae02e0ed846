"""The sourcing rules: what a claim's sources must show for the map to say it.

The map says only what its sources say, where they say it. These rules are
checked by the loader on every data folder, bundle and upload, and stated in
plain words on the Sources & method page from :data:`RULES`, so the page and
the validator cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from briefmap.data.schema import Claim, ClaimStatus, Posture, Source

# Words that say an outlet is not known. A source whose outlet is unknown must
# say so in its ``outlet`` text, so a reader never mistakes it for a name.
_UNKNOWN_OUTLET = re.compile(r"\b(not identified|unidentified|unknown|not known|unnamed)\b", re.I)

RULES: tuple[tuple[str, str], ...] = (
    (
        "Every claim cites its sources",
        "A claim lists one or more sources. A source names its outlet; when no outlet "
        "can be identified the source says so in words and counts as no outlet. "
        "Where a story was read in another outlet (a Reuters story in Dawn), the "
        "second is shown as 'via' and does not count twice.",
    ),
    (
        "Confirmed needs two outlets or an official record",
        "A claim is confirmed only when at least two independent outlets carry it, or "
        "when one of its sources is the official record of a party the claim concerns. "
        "Otherwise the validator rejects it and says which status its sources support.",
    ),
    (
        "Former needs a dated end, or says the date is unknown",
        "A claim shown as former carries a history entry for the change: dated, with "
        "the source that reports it, or dated 'unknown' when no source gives the day. "
        "The map and the claim card then say 'end date unknown'; an 'as of' view "
        "before the data's own date shows the posture the claim had when reported, and "
        "'What changed since' never lists an end it cannot date.",
    ),
    (
        "Arrows only from a base a source names",
        "A proposed deployment is drawn with an arrow from its origin only when one of "
        "the claim's sources names that origin; the claim says which source and where.",
    ),
)


def outlet_says_unknown(outlet: str) -> bool:
    """True when the outlet text says in words that the outlet is not known."""
    return bool(_UNKNOWN_OUTLET.search(outlet))


def _outlet_key(outlet: str) -> str:
    return " ".join(outlet.casefold().split())


def independent_outlets(sources: Iterable[Source]) -> list[str]:
    """The distinct identified outlets among ``sources``, in first-cited order.

    Two items from one outlet count once; an item read "via" another outlet
    counts for its own outlet only; an unidentified outlet counts for none.
    """
    seen: dict[str, str] = {}
    for source in sources:
        if source.outlet_known:
            seen.setdefault(_outlet_key(source.outlet), source.outlet)
    return list(seen.values())


@dataclass(frozen=True)
class Support:
    """What a claim's sources can carry on the status ladder."""

    outlets: tuple[str, ...]
    official: tuple[Source, ...]  # official records of a party the claim concerns

    @property
    def confirms(self) -> bool:
        return len(self.outlets) >= 2 or bool(self.official)

    def explain(self) -> str:
        """Why the sources do not confirm, and the status they do support."""
        if self.outlets:
            have = f"one identified outlet ({self.outlets[0]})"
        else:
            have = "no identified outlet"
        return (
            f"is 'confirmed' but its sources give {have} and no official record of a "
            "party the claim concerns; confirmed needs two independent outlets or such a "
            "record. These sources support 'stated' (a named party said it on the record) "
            "or 'reported'; cite a second outlet or lower the status"
        )


def support(claim: Claim, sources: dict[str, Source]) -> Support:
    """What the sources ``claim`` cites can carry (ids missing from ``sources`` are skipped)."""
    cited = [sources[sid] for sid in claim.sources if sid in sources]
    official = tuple(
        s for s in cited if s.official_of is not None and s.official_of in claim.actors
    )
    return Support(outlets=tuple(independent_outlets(cited)), official=official)


def needs_confirmation_check(claim: Claim) -> bool:
    """The claim is, or ever was, confirmed."""
    return claim.status is ClaimStatus.CONFIRMED or any(
        change.status is ClaimStatus.CONFIRMED for change in claim.history
    )


def ended_on_record(claim: Claim) -> bool:
    """A former claim says when it ended: a history entry turns it former (dated or 'unknown')."""
    return any(change.posture is Posture.FORMER for change in claim.history)
