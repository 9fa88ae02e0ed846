"""The desk's cues read in a clause: attribution, posture and precision.

The words live in ``<data>/desk/cues.json`` (general English newsroom usage)
and ``<data>/desk/actors.json`` (this data set's actors: names, demonyms,
capitals, institutions, and the people who speak for them), so an analyst
changes them without touching code; :mod:`briefmap.desk.cue_tables` reads and
compiles them. This module reads a clause's status the way the ladder in
:data:`briefmap.data.schema.STATUS_DEFINITIONS` does:

- a denial by a party: *denied*;
- a hedge ("reportedly", "is said to", "could not be independently verified"): *unverified*;
- unnamed sources ("sources familiar with", "officials who asked not to be named"): *reported*;
- a named speaker who is party to it, on the record: *stated* (a person by name, or a
  body or office speaking for itself: "the White House said", "Russia's defence ministry
  said in a statement"); an official record of theirs (a readout, a statement) may
  support *confirmed*, which the sourcing rules (:mod:`briefmap.data.sourcing`) still decide;
- people by their role, one or many, whoever's they are ("SDF commanders", "a Russian
  officer", "officials at the embassy"): unnamed, *reported* (:mod:`briefmap.desk.speakers`);
- none of these: the outlet's own reporting, *reported*.

Several cues in one clause: a denial wins, then the weakest rung.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from briefmap.data.schema import ClaimStatus, Posture, Precision
from briefmap.desk.cue_tables import (
    BUNDLED,
    DESK_DIR,
    Cue,
    Speaker,
    TableError,
    Tables,
    actors_in,
    find,
    load_tables,
)
from briefmap.desk.speakers import speaker_after, speaker_before, speaker_candidates

__all__ = [
    "BUNDLED",
    "DESK_DIR",
    "Cue",
    "Speaker",
    "TableError",
    "Tables",
    "actors_in",
    "find",
    "load_tables",
    "speaker_after",
    "speaker_before",
    "speaker_candidates",
]


@dataclass(frozen=True)
class StatusReading:
    """A clause's suggested status and what suggests it."""

    status: ClaimStatus
    cue: Cue | None
    speaker: Speaker | None
    may_confirm: bool = False  # an official record of the party speaking


def read_status(
    tables: Tables, text: str, start: int, end: int, previous: Speaker | None = None
) -> StatusReading:
    """The status a clause's words suggest, on the ladder (see the module's docstring).

    ``previous`` is the last sentence's speaker, for a "he said".
    """
    silent = find(tables, "no_comment", text, start, end)

    def live(kind: str) -> list[Cue]:
        # "did not deny", "neither confirmed nor denied": no comment, not a denial.
        return [
            c
            for c in find(tables, kind, text, start, end)
            if not any(n.start <= c.start and c.end <= n.end for n in silent)
        ]

    denied = live(ClaimStatus.DENIED.value)
    if denied:
        speaker = speaker_before(tables, text, start, denied[0], previous)
        return StatusReading(ClaimStatus.DENIED, denied[0], speaker)
    hedged = live(ClaimStatus.UNVERIFIED.value)
    if hedged:
        return StatusReading(ClaimStatus.UNVERIFIED, hedged[0], None)
    for verb in live(ClaimStatus.STATED.value):
        # "Residents said", "a Telegram channel said": no one on the record, whoever they side with.
        speaker = speaker_before(tables, text, start, verb, previous)
        if speaker is not None and off_record(tables, speaker):
            return StatusReading(ClaimStatus.UNVERIFIED, verb, speaker)
    unnamed = live(ClaimStatus.REPORTED.value)
    if unnamed:
        return StatusReading(ClaimStatus.REPORTED, unnamed[0], None)
    for verb in live("speaker_after"):
        # "according to SDF commanders", "citing a Russian officer": who follows speaks.
        speaker = speaker_after(tables, text, verb, end)
        if speaker is not None:
            if off_record(tables, speaker):
                return StatusReading(ClaimStatus.UNVERIFIED, verb, speaker)
            on_record = speaker.named and (speaker.actor is not None or speaker.titled)
            return StatusReading(
                ClaimStatus.STATED if on_record else ClaimStatus.REPORTED,
                verb,
                speaker,
                # "according to a statement from the ministry": its written record.
                may_confirm=on_record and bool(live("official_record")),
            )
    official = live("official_record")
    for verb in [*live(ClaimStatus.STATED.value), *official]:
        speaker = speaker_before(tables, text, start, verb, previous)
        if speaker is None:
            continue
        if not speaker.named:
            # People by their role, whoever's they are ("SDF commanders"): not on the record.
            return StatusReading(ClaimStatus.REPORTED, verb, speaker)
        if speaker.actor is not None or speaker.titled or _on_record_form(tables, text, verb):
            # A named person by title or rank is an official on the record, whoever they serve.
            return StatusReading(ClaimStatus.STATED, verb, speaker, may_confirm=bool(official))
        # A named speaker who is not party to it (an analyst, a monitor): the outlet's report.
        return StatusReading(ClaimStatus.REPORTED, verb, speaker)
    return StatusReading(ClaimStatus.REPORTED, None, None)


def _on_record_form(tables: Tables, text: str, verb: Cue) -> bool:
    """A named person who told reporters, a briefing or an outlet by name speaks on the record."""
    said = " ".join(text[verb.start : verb.start + 50].lower().split())
    if any(said.startswith(f) for f in tables.speaker_rules.get("on_record", ())):
        return True
    told = re.match(r"told[ \t]+(?:the[ \t]+)?([A-Z][\w'’-]+)", text[verb.start : verb.start + 50])
    return told is not None and told.group(1).casefold() not in tables.actor_aliases


def off_record(tables: Tables, speaker: Speaker) -> bool:
    """People or pages who speak for no one on the record (``speaker_rules.off_record``)."""
    if speaker.named:
        return False
    words = set(tables.speaker_rules.get("off_record", ()))
    return any(w in words for w in _WORD.findall(speaker.name.lower()))


def read_posture(tables: Tables, text: str, start: int, end: int) -> tuple[Posture, Cue | None]:
    """Proposed, former or current, by the clause's cues: a proposal wins over a past position.

    A cue counts unless the table's ``posture_rules`` say its place in the
    sentence makes it about something else (:func:`posture_cue_counts`).
    """
    # "at the request of Damascus": a cue inside a longer phrase of the present is part of it.
    present = find(tables, Posture.CURRENT.value, text, start, end)
    for posture in (Posture.PROPOSED, Posture.FORMER):
        cues = [
            c
            for c in find(tables, posture.value, text, start, end)
            if posture_cue_counts(tables, text, start, c, posture)
            and not any(p.start <= c.start and c.end <= p.end for p in present)
        ]
        if cues:
            return posture, cues[0]
    return Posture.CURRENT, None


_WORD = re.compile(r"[\w'-]+")
PAST_PLAN_REACH = 3  # words before a plan cue searched for "had": "had planned to send"


def posture_cue_counts(tables: Tables, text: str, start: int, cue: Cue, posture: Posture) -> bool:
    """Whether a posture cue says the claim's posture, by the words around it (general English).

    - a departure verb ("left") counts only with what was left after it: a
      name or a determiner ("left Kobani", "left their posts"), not "left
      behind", "left in place", "left towards the coast";
    - a plan in the past perfect ("had planned to") is over: not a proposal;
    - a participle right after an article ("an abandoned post") describes a
      thing, not the claim;
    - a former cue in a relative clause ("positions that government forces
      abandoned") is about the noun it describes, not the claim.
    """
    rules = tables.posture_rules
    phrase = cue.phrase.lower()
    before = [w.lower() for w in _WORD.findall(text[start : cue.start])]
    if phrase in rules.get("in_progress", ()) and not (
        before and before[-1] in rules.get("completed_before", ())
    ):
        return False  # "seen leaving Kobani": a movement under way has not ended a position
    passive = bool(before) and before[-1] in rules.get("passive", ())
    if passive and phrase in rules.get("transfer", ()) and re.match(r"\s+to\b", text[cue.end :]):
        return False  # "the hill was handed over to Iraqi units": who holds it now
    if phrase in rules.get("needs_object", ()):
        if passive:
            return False  # "the garrison was left with two ships": kept, not departed
        if not _place_follows(tables, text, cue.end):
            return False
    if posture is Posture.PROPOSED:
        # "had planned to", "had been planning to send": the plan's verb group, in the past perfect.
        near = text[start : cue.start].rsplit(",", 1)[-1]
        group = [w.lower() for w in _WORD.findall(near)][-PAST_PLAN_REACH:]
        after = [w.lower() for w in _WORD.findall(text[cue.end : cue.end + 30])][:2]
        negations = set(rules.get("negations", ()))
        if negations & {*group[-2:], *after[:1]} or any(w.endswith("n't") for w in group[-2:]):
            return False  # "has no plans to withdraw", "would not deploy": the present stands
        if after and after[0] in rules.get("keeps_present", ()):
            return False  # "will remain at Incirlik": the present goes on
        # "began to send", "continued to deploy": under way, not proposed.
        for lead in (*rules.get("past_plan", ()), *rules.get("under_way", ())):
            n = len(lead.split())
            if any(group[i : i + n] == lead.split() for i in range(len(group))):
                return False
        return True
    if before and before[-1] in rules.get("articles", ()) and re.search(r"(?:ed|en|wn)$", phrase):
        return False
    return not _in_relative_clause(tables, text, start, cue)


OBJECT_REACH = 3  # words from a determiner to the place left: "left the old Russian base"


def _place_follows(tables: Tables, text: str, at: int) -> bool:
    """A place is what is left: a name ("left Kobani"), or a word of place ("left their posts")."""
    rules = tables.posture_rules
    following = _WORD.search(text, at)
    if following is None or text[at : following.start()].strip():
        return False
    word = following.group()
    if word[:1].isupper():
        return word.casefold() not in tables.adjective_words  # "left Russian officers in charge"
    places = set(rules.get("place_nouns", ()))
    if word.lower() in places:
        return True
    if word.lower() not in rules.get("objects", ()):
        return False  # "left behind", "left towards the coast", "left a small team" (below)
    rest = [m.group().lower() for m in _WORD.finditer(text, following.end())][:OBJECT_REACH]
    for w in rest:
        if w in places:
            return True
        if not w.isalpha():
            break
    return False


def _in_relative_clause(tables: Tables, text: str, start: int, cue: Cue) -> bool:
    """The cue follows a relative pronoun after a noun, with no comma or verb of saying between."""
    rules = tables.posture_rules
    markers = set(rules.get("relative_markers", ()))
    heads = set(rules.get("complement_heads", ()))
    said = {
        c.start
        for kind in ("stated", "reported", "denied")
        for c in find(tables, kind, text, start, cue.start)
    }
    words = list(_WORD.finditer(text, start, cue.start))
    for k in range(len(words) - 1, 0, -1):
        word = words[k]
        if "," in text[word.start() : cue.start] or word.start() in said:
            return False
        if word.group().lower() in markers:
            head = words[k - 1]
            if head.group().lower() in heads or head.start() in said:
                return False
            return not _said_before(tables, text, start, words[k].start())
    return False


SAID_REACH = (
    5  # words between a verb of saying and what it says: "told reporters in Moscow on Tuesday"
)
_SAYING = ("stated", "reported", "denied", "official_record")


def _said_before(tables: Tables, text: str, start: int, at: int) -> bool:
    """A verb of saying just before ``at``, the words between an adverbial: "said on Tuesday that"."""
    adverbials = set(tables.posture_rules.get("said_adverbials", ()))
    for kind in _SAYING:
        for c in find(tables, kind, text, start, at):
            gap = [w.lower() for w in _WORD.findall(text[c.end : at])]
            if not gap or (len(gap) <= SAID_REACH and gap[0] in adverbials):
                return True
    return False


def day_of_saying(tables: Tables, text: str, start: int, at: int) -> bool:
    """Whether the day named at ``at`` is when something was said ("said on Tuesday"), not done."""
    for kind in _SAYING:
        for c in find(tables, kind, text, max(start, at - 40), at):
            gap = text[c.end : at]
            words = [w.lower() for w in _WORD.findall(gap)]
            adverbials = set(tables.posture_rules.get("said_adverbials", ()))
            if "," not in gap and len(words) <= 2 and all(w in adverbials for w in words):
                return True
    return False


def precision_cue(tables: Tables, text: str, start: int, end: int, lo: int, hi: int) -> Cue | None:
    """What the words around a name at ``text[start:end]`` say of its precision (within lo..hi).

    "near X" is a town even next to a site word; "the base at X" or "X air
    base" a site; "southern X", "X province" a region.
    """
    before_lo = max(lo, start - 40)
    for kind, side in (
        ("town", "before"),
        ("site", "before"),
        ("site", "after"),
        ("region", "before"),
        ("region", "after"),
    ):
        a, b = (before_lo, start) if side == "before" else (end, min(hi, end + 25))
        for cue in find(tables, f"precision_{kind}_{side}", text, a, b):
            gap = text[cue.end : start] if side == "before" else text[end : cue.start]
            # The cue word must stand next to the name: a few small words between at most.
            if len(gap.split()) <= (1 if side == "before" else 0) and "," not in gap:
                return Cue(Precision(kind).value, cue.phrase, cue.start, cue.end)
    return None
