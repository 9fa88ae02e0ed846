"""Places in a report's text: which place a name stands for, at what precision, and what is not placed.

The gazetteer (:mod:`briefmap.desk.gazetteer`) finds the names; this module
reads the words around each: "the base at X" asks for a site, "near X" a town
(near a site is not at it), "southern X" or "X province" a region, as the cue
table's precision lists say. A site or region the gazetteer does not hold is
never pinned on a town: the draft says so in a note, or the name is listed as
not placed.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from briefmap.data.schema import Precision
from briefmap.desk import cues as cue_words
from briefmap.desk.cues import Cue, Tables
from briefmap.desk.gazetteer import Gazetteer, Mention, Token, fold

MONTHS_DAYS = frozenset({
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
})  # fmt: skip
# Small words inside a place's name ("Tal al-Hara", "Jabal el-Sheikh").
_SMALL = frozenset({
    "al", "el", "ad", "as", "ar", "ash", "at", "of", "bin", "ibn", "abu", "tal", "tell", "tel", "jabal",
})  # fmt: skip
# A name alone is read as the town first ("in Toulon": the city, not the naval base).
_PREFERRED = (Precision.TOWN, Precision.REGION, Precision.SITE)


@dataclass(frozen=True)
class DraftPlace:
    """A place a draft names, with the precision the text supports."""

    id: str
    name: str  # the gazetteer's English name
    surface: str  # as the report writes it
    precision: Precision  # what the text supports
    start: int
    end: int
    in_catalog: bool
    cue: Cue | None = None
    near_miss: float | None = None  # a near miss's score, None when exact
    note: str | None = None


@dataclass(frozen=True)
class Unplaced:
    """A name the report uses as a place that the gazetteer cannot place: listed, never dropped."""

    name: str
    start: int
    end: int
    precision: Precision | None = None
    why: str = "not in the gazetteer"


@dataclass
class PlaceReader:
    """The gazetteer and the tables, reading a text's places."""

    gazetteer: Gazetteer
    tables: Tables
    locative: re.Pattern[str]

    def text_country(self, found: list[Mention]) -> str | None:
        """The country the text is about: that of most places it names exactly (the focus country on a tie or none)."""
        counts = Counter(
            self.gazetteer.country_of(m.candidates[0])
            for m in found
            if m.candidates and m.score >= 100 and not m.actor_name
        )
        focus = self.gazetteer.focus_country
        if not counts:
            return focus
        return max(counts, key=lambda c: (counts[c], c == focus))

    def near_misses(self, text: str, toks: list[Token], found: list[Mention]) -> list[Mention]:
        """Names nearly known, read as places of the country the text is about only."""
        country = self.text_country(found)
        covered = _covered(toks, found)
        out: list[Mention] = []
        skip = -1
        for i, tok in enumerate(toks):
            if i in covered or i <= skip or not _name_like(tok.text):
                continue
            if tok.text.casefold() in self.tables.actor_aliases:
                continue
            if tok.text.isascii() and not self.locative.search(
                text[max(0, tok.start - 30) : tok.start]
            ):
                continue  # a Latin word read as a misspelt place only where the text puts a place
            for width in (2, 1):
                if width == 2 and (
                    i + 1 >= len(toks) or i + 1 in covered or not _name_like(toks[i + 1].text)
                ):
                    continue
                hit = self.gazetteer.near(text, toks, i, width, country)
                if hit is not None:
                    out.append(hit)
                    skip = i + width - 1
                    break
        return out

    def unplaced(self, text: str, toks: list[Token], found: list[Mention]) -> list[Unplaced]:
        """Capitalised names after a word of place ("in Gaza", "near Tel Mashara") that match nothing."""
        covered = _covered(toks, found)
        out = []
        i = 0
        countries = {fold(c) for c in self.tables.precision.get("regions_of", [])}
        while i < len(toks):
            tok = toks[i]
            if (
                i in covered
                or not (tok.text[:1].isupper() and tok.text.isascii())
                or tok.text in MONTHS_DAYS
                or tok.text in self.tables.not_places
            ):
                i += 1
                continue
            j = i
            while j + 1 < len(toks) and j + 1 not in covered and _joins(text, toks[j], toks[j + 1]):
                j += 1
            name = text[tok.start : toks[j].end]
            lo = max(0, tok.start - 30)
            before = text[lo : tok.start]
            region = cue_words.find(self.tables, "precision_region_before", text, lo, tok.start)
            region_next = bool(region) and not text[region[-1].end : tok.start].strip()
            key = fold(name)
            is_country = key in countries
            if self._compass_region(name, countries):
                # "Northern France" needs no word of place before it (a title, a sentence's start).
                out.append(
                    Unplaced(
                        name,
                        tok.start,
                        toks[j].end,
                        Precision.REGION,
                        "a region the gazetteer has no outline for",
                    )
                )
            elif self.locative.search(before) or region_next:
                is_actor = name.casefold() in self.tables.actor_aliases
                if region_next and (is_country or is_actor):
                    out.append(
                        Unplaced(
                            text[region[-1].start : toks[j].end],
                            region[-1].start,
                            toks[j].end,
                            Precision.REGION,
                            "a region the gazetteer has no outline for",
                        )
                    )
                elif not is_actor and not is_country:
                    out.append(Unplaced(name, tok.start, toks[j].end))
            i = j + 1
        return out

    def _compass_region(self, name: str, countries: set[str]) -> bool:
        """A compass word and a country or an actor's name ("Northern France"): a region by itself."""
        words = name.split(maxsplit=1)
        if len(words) != 2 or words[0].lower() not in self.tables.precision.get(
            "region_before", []
        ):
            return False
        return fold(words[1]) in countries or words[1].casefold() in self.tables.actor_aliases

    def choose(self, m: Mention, cue: Cue | None) -> tuple[list[DraftPlace], Unplaced | None]:
        """The place(s) a name stands for, by the precision the text gives it.

        A region the gazetteer has no outline for ("Deir ez-Zor province", where
        only the town is known) is no place: it comes back as not placed, never
        as the town's pin.
        """
        places = [self.gazetteer.places[i] for i in m.candidates]
        wanted = Precision(cue.kind) if cue is not None else None
        pick = [p for p in places if wanted is not None and p.precision is wanted]
        if not pick and wanted in (Precision.SITE, Precision.REGION):
            # "the naval base at Toulon", "the countryside of Lyon": the data's site
            # or region named after the town.
            pick = [self.gazetteer.places[i] for i in self.gazetteer.carrying(m.key)]
            pick = [p for p in pick if p.precision is wanted][:1]
        if (
            not pick
            and wanted is Precision.REGION
            and not any(p.precision is Precision.REGION for p in places)
        ):
            assert cue is not None  # noqa: S101 - wanted comes from it
            name = (
                f"{cue.phrase} {m.surface}" if cue.start < m.start else f"{m.surface} {cue.phrase}"
            )
            why = "a region the gazetteer has no outline for"
            return [], Unplaced(
                name, min(m.start, cue.start), max(m.end, cue.end), Precision.REGION, why
            )
        if not pick:
            # No place of that precision: the data's own first, a name alone read as
            # the town before the region or the site named after it.
            own = sorted(
                (p for p in places if p.in_catalog), key=lambda p: _PREFERRED.index(p.precision)
            )
            pick = [own[0] if own else places[0]]
            if len(own) > 1 and wanted is None:
                # Names shared by places of one precision ("southern France"): all of them.
                same = [
                    p
                    for p in own
                    if p.precision is own[0].precision and p.precision is Precision.REGION
                ]
                pick = same or pick
        out = []
        for p in pick:
            precision = wanted or p.precision
            note = None
            if wanted is Precision.SITE and p.precision is not Precision.SITE:
                precision = p.precision
                note = f"the text names a site at {m.surface}; the gazetteer has only the {p.precision.label.lower()}"
            elif wanted is Precision.REGION and p.precision is not Precision.REGION:
                precision = p.precision
                note = f"the text speaks of the area of {m.surface}; drawn as the {p.precision.label.lower()} it is"
            elif wanted is Precision.TOWN and p.precision is Precision.REGION:
                precision = p.precision  # near a region is still the region
            elif wanted is Precision.TOWN and p.precision is Precision.SITE:
                note = f"near, not at, {p.name_en}: the text gives the area only"
            near = None if m.score >= 100 else m.score
            if near is not None:
                note = (
                    note + "; " if note else ""
                ) + f"near miss: '{m.surface}' read as {p.name_en}"
            out.append(
                DraftPlace(
                    p.id,
                    p.name_en,
                    m.surface,
                    precision,
                    m.start,
                    m.end,
                    p.in_catalog,
                    cue,
                    near,
                    note,
                )
            )
        return out, None


def _name_like(word: str) -> bool:
    if word.isascii():
        return (
            word[:1].isupper() and len(word) >= 5 and word not in MONTHS_DAYS and not word.isupper()
        )
    return len(word) >= 4 and word.isalpha()


def _joins(text: str, a: Token, b: Token) -> bool:
    """Two words of one name: next to each other ("Tel Mashara", "Tal al-Hara")."""
    gap = text[a.end : b.start]
    if gap not in (" ", "-"):
        return False
    return (b.text[:1].isupper() and b.text.isascii()) or b.text.lower() in _SMALL


def _covered(toks: list[Token], found: list[Mention]) -> set[int]:
    """The tokens a mention already covers."""
    spans = sorted((m.start, m.end) for m in found)
    out, k = set(), 0
    for i, tok in enumerate(toks):
        while k < len(spans) and spans[k][1] <= tok.start:
            k += 1
        if k < len(spans) and spans[k][0] <= tok.start < spans[k][1]:
            out.add(i)
    return out
