"""A report drafted into claims: places, actors, claimant, status, posture, each with its cue.

:class:`Desk` holds what drafting needs for one data set (the cue tables and
the gazetteer built from its catalog); :meth:`Desk.draft` reads a report's
sentences and suggests one :class:`Draft` per sentence, or per clause where a
sentence on the record goes on to the report's own gloss ("..., including the
base at X") or to background ("... amid Y"). Every draft keeps the sentence
and the span it came from, the cue that suggests its status, and the names
the gazetteer could not place. Nothing here writes anything: drafts become
records only in :mod:`briefmap.desk.records`, after review.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from briefmap.data.schema import Catalog, ClaimStatus, Posture, Precision
from briefmap.desk import cues as cue_words
from briefmap.desk.clauses import clauses as split_clauses
from briefmap.desk.cues import Cue, Speaker, Tables, load_tables
from briefmap.desk.dates import dates_in
from briefmap.desk.gazetteer import (
    NO_SCOPE,
    Gazetteer,
    Mention,
    build_gazetteer,
    fold,
    load_scope,
)
from briefmap.desk.places import MONTHS_DAYS, DraftPlace, PlaceReader, Unplaced
from briefmap.desk.text import ReportText, Sentence

UNKNOWN_OUTLET = "news report, outlet not identified"
_REPORTS_OF = re.compile(
    r"\b(?:reports?|claims?|accounts?|footage|images)\s+(?:that|of|showing)\b", re.I
)
UNATTRIBUTED = "Unattributed"
SETTING_REACH = 60  # characters from "met", "talks" to the place named for them
# "CITY —", "CITY, Feb 5 (Outlet) -", "CITY (Outlet) —": where the story was filed.
_DATELINE = re.compile(
    r"([A-Z][A-Z'\u2019 .-]{2,40})(?:,[^\n\u2013\u2014-]{1,40})?(?:\s*\([^()\n]{1,40}\))?"
    r"\s+[\u2013\u2014-]+\s"
)


@dataclass(frozen=True)
class Draft:
    """One suggested claim, tied to the sentence(s) it came from."""

    id: str
    sentences: tuple[int, ...]
    text: str  # the sentence, as the report writes it
    start: int  # the clause's span in the report's text
    end: int
    places: tuple[DraftPlace, ...]
    places_from: str  # "text", "previous sentence" or "setting" (the meeting's place); "" when none
    actors: tuple[str, ...]
    claimant: str
    status: ClaimStatus
    status_cue: Cue | None
    posture: Posture
    posture_cue: Cue | None = None
    end_date: str | None = None  # the day a former claim ended, when the text gives it
    no_comment: Cue | None = None
    may_confirm: bool = False
    clause: str = "sentence"  # "sentence", "main", "elaboration", "background", "statement"
    unplaced: tuple[Unplaced, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DraftReport:
    """What the desk drafted from one report."""

    report: ReportText
    outlet: str | None
    date: str | None
    url: str | None
    drafts: tuple[Draft, ...]
    unplaced: tuple[Unplaced, ...]
    notes: tuple[str, ...] = ()
    named: tuple[DraftPlace, ...] = ()  # every place the text names, drafted or not


@dataclass
class Desk:
    """Drafting for one data set: its catalog, cue tables and gazetteer."""

    catalog: Catalog
    tables: Tables
    gazetteer: Gazetteer
    notes: tuple[str, ...] = ()
    reader: PlaceReader = field(init=False, repr=False)

    def __post_init__(self) -> None:
        words = "|".join(re.escape(w) for w in self.tables.locative)
        # A word of place just before a name: "in", "at the", "near".
        locative = re.compile(rf"(?:^|\W)(?:{words})(?:\s+the)?\s*$", re.I)
        self.reader = PlaceReader(self.gazetteer, self.tables, locative)

    @classmethod
    def for_catalog(cls, catalog: Catalog, data_dir: Path, *, with_geonames: bool = True) -> Desk:
        """The desk for a data set: tables from ``<data_dir>/desk/``, gazetteer from the catalog and GeoNames."""
        names = {
            a.id: [n for n in (a.name_en, a.name_ar, a.name_ru) if n] for a in catalog.meta.actors
        }
        tables = load_tables(data_dir, names)
        stop = set(tables.words_of()) | {w.lower() for w in MONTHS_DAYS}
        stop |= {fold(c) for c in tables.precision.get("regions_of", [])}
        known = set(catalog.meta.actor_ids)
        unknown = sorted({a for a in tables.actors if known and a not in known})
        notes = (
            (f"actors.json names actor ids the data does not define: {', '.join(unknown)}",)
            if unknown
            else ()
        )
        metonyms = [n for n in tables.actor_aliases if fold(n)]
        # Whose towns: the data folder's gazetteer table, or its region's countries.
        scope = load_scope(data_dir, catalog.meta.region) if with_geonames else NO_SCOPE
        gaz = build_gazetteer(catalog, metonyms, stop, with_geonames=with_geonames, scope=scope)
        return cls(catalog, tables, gaz, notes)

    @property
    def locative(self) -> re.Pattern[str]:
        return self.reader.locative

    def _names_a_site(self, text: str, end: int) -> bool:
        """A word of a site right after a name ("X air base", "X dam"): the sentence is about it.

        "negotiations in Gaza" names a place the claim need not be at; "the runway at
        X air base" puts the claim there, so no other sentence's place stands in for it.
        """
        after = cue_words.find(self.tables, "precision_site_after", text, end, end + 30)
        return bool(after) and not text[end : after[0].start].strip()

    def draft(
        self,
        report: ReportText,
        outlet: str | None = None,
        date: str | None = None,
        url: str | None = None,
    ) -> DraftReport:
        """Draft claims from a report (see the module's docstring)."""
        text = report.text
        mentions, toks = self.gazetteer.find(text)
        mentions = sorted(
            mentions + self.reader.near_misses(text, toks, mentions), key=lambda m: m.start
        )
        mentions = [self.gazetteer.widened(text, toks, m) for m in mentions]
        unplaced = self.reader.unplaced(text, toks, mentions)
        named = tuple(p for m in mentions for p in self.reader.choose(m, None)[0])
        if report.main_script in ("arabic", "cyrillic"):
            # The cues and actors are English: statuses drafted from them would be guesses.
            note = (
                f"the text is mostly in {report.main_script.capitalize()} script: the desk drafts claims from "
                "English reports only; the places it names are listed (place names in Arabic and "
                "Russian script are matched), no claim is drafted"
            )
            return DraftReport(
                report, outlet, date, url, (), tuple(unplaced), (*report.notes, note), named
            )
        day = date or "0000-01-01"
        drafts: list[Draft] = []
        # A wire dateline ("MOSCOW, Nov 3 -") says where the story was filed: the
        # setting, not a place of its first claim.
        line = _DATELINE.match(text)
        self._filed = line.end() if line is not None else 0  # a dash in the dateline cuts nothing
        setting: tuple[DraftPlace, ...] = ()
        if line is not None:
            filed = [m for m in mentions if m.end <= line.end(1)]
            setting = tuple(p for m in filed for p in self.reader.choose(m, None)[0])
            mentions = [m for m in mentions if m.end > line.end(1)]
        previous: tuple[DraftPlace, ...] = ()
        self._speaker: Speaker | None = None
        self._regions: list[Unplaced] = []  # regions named that the gazetteer has no outline for
        paragraph = -1
        actors_before: tuple[str, ...] = ()
        for sentence in report.sentences:
            if sentence.paragraph != paragraph:
                paragraph, previous = sentence.paragraph, ()
            made = self._sentence_drafts(text, sentence, mentions, unplaced, day, outlet)
            only_no_comment = all(
                d.no_comment
                and not d.places
                and (d.status_cue is None or d.status is ClaimStatus.STATED)
                and not self._claim_beside(text, sentence, d.no_comment)
                for d in made
            )
            if made and only_no_comment and drafts:
                # "The ministry declined to comment.": a note on the claim before, not a claim.
                at = max(
                    (i for i, d in enumerate(drafts) if d.places_from == "text"),
                    default=len(drafts) - 1,
                )
                drafts[at] = replace(drafts[at], no_comment=made[0].no_comment)
                continue
            own = next(
                (d.places for d in made if d.clause in ("sentence", "main") and d.places), ()
            )
            here = self._setting(text, own)
            if here or (own and not setting):
                setting = here or own
            named_unplaced = any(
                sentence.start <= u.start < sentence.end and self._names_a_site(text, u.end)
                for u in [*unplaced, *self._regions]
            )
            for d in made:
                if not d.actors and actors_before and self._refers_back(text, d):
                    d = replace(
                        d,
                        actors=actors_before,
                        notes=(
                            *d.notes,
                            "no actor named: the one of the sentence before, referred back to",
                        ),
                    )
                # A sentence naming a place the desk cannot place is about that place:
                # the sentence before's place would be a wrong guess a reviewer may accept.
                if not d.places and (previous or setting) and not named_unplaced:
                    source, how = (
                        (previous, "previous sentence") if previous else (setting, "setting")
                    )
                    d = _with_places(d, source, how)
                drafts.append(d)
            previous = own or previous
            actors_before = next((d.actors for d in reversed(made) if d.actors), actors_before)
        numbered = tuple(_renumber(d, n) for n, d in enumerate(drafts, start=1))
        unplaced = sorted(
            {(u.start, u.end): u for u in [*unplaced, *self._regions]}.values(),
            key=lambda u: u.start,
        )
        notes = [*report.notes, *self.notes]
        if outlet is None:
            notes.append(f"no outlet given: the source is recorded as '{UNKNOWN_OUTLET}'")
        if date is None:
            notes.append("no date given: give the report's date (--date) before saving")
        return DraftReport(
            report, outlet, date, url, numbered, tuple(unplaced), tuple(notes), named
        )

    def _refers_back(self, text: str, d: Draft) -> bool:
        """The clause opens with a noun phrase that refers back: "The two frigates", "A second brigade"."""
        opening = " ".join(text[d.start : d.end].lower().split()[:3])
        return any(
            opening.startswith(f"{w} ")
            for w in sorted(self.tables.referring, key=len, reverse=True)
        )

    def _claim_beside(self, text: str, sentence: Sentence, silent: Cue) -> bool:
        """Whether a sentence with a no-comment phrase also makes a claim, in a clause of its own.

        "Russian officers trained Iraqi units, but the ministry declined to
        comment": the note goes on that claim; "The ministry declined to
        comment on the report." says nothing else and notes the claim before.
        """
        lo, hi = sentence.start, sentence.end
        cuts = [c.start for c in cue_words.find(self.tables, "clause_aside", text, lo, hi)]
        a = max([lo, *(c for c in cuts if c <= silent.start)])
        b = min([hi, *(c for c in cuts if c > silent.start)])
        # "declined to comment on reports that Russian troops ...": what the reports say is a claim.
        said = _REPORTS_OF.search(text, silent.end, b)
        b = said.end() if said else b
        return any(
            cue_words.actors_in(self.tables, text, s, e) for s, e in ((lo, a), (b, hi)) if e > s
        )

    # ------------------------------------------------------------ places

    def _setting(self, text: str, places: tuple[DraftPlace, ...]) -> tuple[DraftPlace, ...]:
        """The places where the report's event happens: "met ... in Moscow", "talks at the Élysée"."""
        return tuple(
            p
            for p in places
            if cue_words.find(
                self.tables, "setting", text, max(0, p.start - SETTING_REACH), p.start
            )
            and self.locative.search(text[max(0, p.start - 30) : p.start])
        )

    def _places(
        self, text: str, mentions: list[Mention], lo: int, hi: int, clause: tuple[int, int]
    ) -> tuple[list[DraftPlace], list[Mention]]:
        """Places named in ``text[lo:hi]`` with the precision the text supports; and names read as actors."""
        placed: list[DraftPlace] = []
        as_actor: list[Mention] = []
        for m in mentions:
            if not (lo <= m.start < hi):
                continue
            if m.actor_name and not self.locative.search(
                text[max(clause[0], m.start - 30) : m.start]
            ):
                as_actor.append(m)  # "Damascus said", "talks between Damascus and Moscow"
                continue
            cue = cue_words.precision_cue(self.tables, text, m.start, m.end, clause[0], clause[1])
            naval = None if cue is not None else self._naval_site(text, m, clause)
            found, region = self.reader.choose(m, naval or cue)
            if naval is not None:
                note = f"a sentence about ships: the naval site at {m.surface} suggested"
                found = [replace(p, cue=None, note=note) for p in found]
            placed.extend(found)
            if region is not None:
                self._regions.append(region)
        return placed, as_actor

    def _naval_site(self, text: str, m: Mention, clause: tuple[int, int]) -> Cue | None:
        """A site cue for a town with a naval site in the data, named in a clause about ships."""
        if not cue_words.find(self.tables, "precision_naval_context", text, *clause):
            return None
        before = text[max(clause[0], m.start - 12) : m.start].split()
        if not before or before[-1].lower() not in self.tables.precision.get("naval_at", ()):
            return None  # "docked at Souda Bay": a presence there; "sailed to Souda Bay": the town
        words = set(self.tables.precision.get("naval_site", ()))
        for pid in self.gazetteer.carrying(m.key):
            place = self.gazetteer.places[pid]
            if place.precision is Precision.SITE and words & set(fold(place.name_en).split()):
                return Cue(Precision.SITE.value, "", m.start, m.start)
        return None

    # ------------------------------------------------------------ sentences

    def _sentence_drafts(
        self,
        text: str,
        sentence: Sentence,
        mentions: list[Mention],
        unplaced: list[Unplaced],
        day: str,
        outlet: str | None,
    ) -> list[Draft]:
        lo, hi = sentence.start, sentence.end
        reading = cue_words.read_status(self.tables, text, lo, hi, self._speaker)
        if reading.speaker is not None:
            self._speaker = reading.speaker  # named or not, "they said" next is them again
        no_comment = cue_words.find(self.tables, "no_comment", text, lo, hi)
        clauses = split_clauses(self.tables, text, lo, hi, reading.status, mentions, self._filed)
        main_actors: tuple[str, ...] = ()
        out: list[Draft] = []
        for kind, a, b in clauses:
            places, metonyms = self._places(
                text, mentions, a, b, (a, b) if kind != "main" else (lo, hi)
            )
            named_places = [(p.start, p.end) for p in places]
            actors = [
                actor
                for actor, s, e in cue_words.actors_in(self.tables, text, a, b)
                if not any(ps <= s < pe for ps, pe in named_places)  # "southern France" is a place
                and s >= self._filed  # "DAMASCUS, Feb 5 (Agency) -": where it was filed, no actor
            ]
            actors += [
                self.tables.actor_aliases[m.surface.casefold()]
                for m in metonyms
                if m.surface.casefold() in self.tables.actor_aliases
            ]
            if (
                reading.speaker is not None
                and reading.speaker.actor
                and kind != "background"
                and not (kind == "contrast" and actors)  # its own subject, not the speaker's
            ):
                actors.insert(0, reading.speaker.actor)
            if kind == "elaboration":
                actors = [*main_actors, *actors]
            actors_t = tuple(dict.fromkeys(actors))
            if kind in ("main", "sentence"):
                main_actors = actors_t
            if not places and not actors_t:
                continue
            status, cue, speaker = reading.status, reading.cue, reading.speaker
            notes: list[str] = []
            if kind == "statement":
                # What the speaker of the denial says on: their statement, stated when on the record.
                said = cue_words.find(self.tables, ClaimStatus.STATED.value, text, a, b)
                on_record = speaker is not None and (speaker.named or speaker.actor is not None)
                status = ClaimStatus.STATED if on_record else ClaimStatus.REPORTED
                cue = said[0] if said else None
            if kind == "elaboration" and status is ClaimStatus.STATED:
                status, cue = ClaimStatus.REPORTED, None
                notes.append(
                    "the report's own gloss on what was said on the record: the speaker may not have named these places"
                )
            posture, posture_cue = cue_words.read_posture(self.tables, text, a, b)
            end_date = None
            if posture is Posture.FORMER:
                dates = dates_in(text, lo, hi, day) if date_ok(day) else []
                # "the ministry said on Tuesday": the day it was said, not the day it ended.
                dates = [
                    d for d in dates if not cue_words.day_of_saying(self.tables, text, lo, d[1])
                ]
                # The day of the ending: the first date after its cue ("left Amuda on Tuesday"),
                # else the nearest before it ("On Tuesday, ... left"), not another event's.
                after = [d for d in dates if posture_cue is not None and d[1] >= posture_cue.end]
                end_date = after[0][0] if after else (dates[-1][0] if dates else None)
            if kind == "elaboration":
                speaker = None  # the gloss is the report's, not the speaker's
            claimant = self._claimant(text, status, cue, speaker, outlet, hi)
            own = (
                speaker is not None
                and speaker.actor is not None
                and set(actors_t) == {speaker.actor}
            )
            if reading.may_confirm and status is ClaimStatus.STATED and own:
                # A written record of the party about its own forces ("the ministry said in a
                # statement that its units..."): confirmed, suggested; the sourcing rules decide.
                status = ClaimStatus.CONFIRMED
                notes.append(
                    "an official record of the party about its own forces: confirmed only if the "
                    "source cited is that record (else stated)"
                )
            elif reading.may_confirm and status is ClaimStatus.STATED:
                notes.append(
                    "an official record of the party: may support confirmed if the source is that record"
                )
            out.append(
                Draft(
                    id="",
                    sentences=(sentence.index,),
                    text=sentence.text,
                    start=a,
                    end=b,
                    places=tuple(_unique(places)),
                    places_from="text" if places else "",
                    actors=actors_t,
                    claimant=claimant,
                    status=status,
                    status_cue=cue,
                    posture=posture,
                    posture_cue=posture_cue,
                    end_date=end_date,
                    no_comment=no_comment[0] if no_comment else None,
                    may_confirm=reading.may_confirm,
                    clause=kind,
                    unplaced=tuple(u for u in unplaced if a <= u.start < b),
                    notes=tuple(notes),
                )
            )
        return out

    def _claimant(
        self,
        text: str,
        status: ClaimStatus,
        cue: Cue | None,
        speaker: Speaker | None,
        outlet: str | None,
        hi: int,
    ) -> str:
        if status is ClaimStatus.UNVERIFIED:
            return UNATTRIBUTED
        if speaker is not None and speaker.named:
            return speaker.name
        if status is ClaimStatus.REPORTED and cue is not None:
            if speaker is not None:
                return f"{speaker.name[:1].upper()}{speaker.name[1:]} (unnamed)"
            phrase = re.split(r"[,;:.]|\bsaid\b|\btold\b", text[cue.start : hi], maxsplit=1)[
                0
            ].strip()
            phrase = re.sub(r"^according to\s+", "", phrase, flags=re.I)
            return f"{phrase[:1].upper()}{phrase[1:]} (unnamed)" if phrase else "Unnamed sources"
        return outlet or "The report (outlet not identified)"


def date_ok(day: str) -> bool:
    return day != "0000-01-01"


def _unique(places: Iterable[DraftPlace]) -> list[DraftPlace]:
    seen: dict[str, DraftPlace] = {}
    for p in places:
        seen.setdefault(p.id, p)
    return list(seen.values())


def _with_places(d: Draft, places: tuple[DraftPlace, ...], how: str) -> Draft:
    return replace(
        d,
        places=places,
        places_from=how,
        notes=(*d.notes, f"no place in the sentence: the {how}'s place suggested"),
    )


def _renumber(d: Draft, n: int) -> Draft:
    return replace(d, id=f"d{n:02d}")
