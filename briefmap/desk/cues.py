"""The desk's cues read in a clause: attribution, posture, precision and who is speaking.

The words live in ``<data>/desk/cues.json`` (general English newsroom usage)
and ``<data>/desk/actors.json`` (this data set's actors: names, demonyms,
capitals, institutions, and the people who speak for them), so an analyst
changes them without touching code; :mod:`briefmap.desk.cue_tables` reads and
compiles them. This module reads a clause's status the way the ladder in
:data:`briefmap.data.schema.STATUS_DEFINITIONS` does:

- a denial by a party: *denied*;
- a hedge ("reportedly", "is said to", "could not be independently verified"): *unverified*;
- unnamed sources ("sources familiar with", "officials who asked not to be named"): *reported*;
- a named speaker who is party to it, on the record: *stated*; an official record of
  theirs (a readout, a statement) may support *confirmed*, which the sourcing
  rules (:mod:`briefmap.data.sourcing`) still decide;
- none of these: the outlet's own reporting, *reported*.

Several cues in one clause: a denial wins, then the weakest rung.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from briefmap.data.schema import ClaimStatus, Posture, Precision
from briefmap.desk.cue_tables import (
    ACTOR_KIND,
    BUNDLED,
    DESK_DIR,
    Cue,
    Speaker,
    TableError,
    Tables,
    load_tables,
)

__all__ = ["BUNDLED", "DESK_DIR", "Cue", "Speaker", "TableError", "Tables", "load_tables"]

SPEAKER_REACH = 90  # characters before a speech verb searched for who speaks
_CAPS_NAME = re.compile(
    r"\b(?!The\b|A\b|An\b)((?:[A-Z][\w'’-]+|al-[A-Z][\w'’-]+|(?:al|el|bin|ibn|de|von|abu|Abu)\s)(?:\s+(?:[A-Z][\w'’-]+|al-[A-Z][\w'’-]+|al|el|bin|ibn|abu|Abu))+)"
)


def find(tables: Tables, kind: str, text: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """Every cue of one kind in ``text[start:end]``, with spans in ``text``, leftmost-longest."""
    end = len(text) if end is None else end
    hits = tables.hits(text).get(kind, ())
    at = bisect_left(hits, (start,))
    out = []
    while at < len(hits) and hits[at][0] < end:
        s, e = hits[at][0], hits[at][1]
        if e <= end:
            out.append(Cue(kind, text[s:e], s, e))
        at += 1
    return out


def actors_in(tables: Tables, text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """(actor id, start, end) of each actor name in ``text[start:end]``."""
    found = []
    for cue in find(tables, ACTOR_KIND, text, start, end):
        actor = tables.actor_aliases.get(" ".join(cue.phrase.split()).casefold())
        if actor:
            found.append((actor, cue.start, cue.end))
    return found


PRONOUNS = ("he", "she", "they", "it")
NEXT_TO_VERB = 28  # characters between a speaker and the verb: "The president, in turn, hailed"


def speaker_candidates(tables: Tables, text: str, a: int, b: int) -> list[Speaker]:
    """Who could be speaking in ``text[a:b]``: named people and bodies, names, unnamed sources."""
    found: list[Speaker] = []
    bodies = find(tables, "institution", text, a, b)
    for actor, s, e in actors_in(tables, text, a, b):
        alias = text[s:e].casefold()
        if alias in tables.adjective_words:
            # "Russian forces" describes and never speaks; "the French presidency" does.
            body = next((c for c in bodies if 0 <= c.start - e <= 2), None)
            if body is not None:
                found.append(Speaker(text[s : body.end], actor, s, body.end, named=True))
            continue
        known = tables.speaker_aliases.get(alias)
        found.append(Speaker(known["name"] if known else text[s:e], actor, s, e, named=True))
    for m in _CAPS_NAME.finditer(text, a, b):
        if not any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in found):
            # "SDF spokesman Farhad Shami", "Russian Deputy Defence Minister X": whose they are.
            title = [x for x in actors_in(tables, text, max(0, m.start() - 40), m.start())]
            near = [x for x in title if _title_between(tables, text[x[2] : m.start()])]
            actor = near[-1][0] if near else None
            found.append(Speaker(m.group().strip(), actor, m.start(), m.end()))
    for cue in find(tables, "anonymous", text, a, b):
        found.append(Speaker(cue.phrase, None, cue.start, cue.end, named=False))
    return found


def _title_between(tables: Tables, gap: str) -> bool:
    """Words between an actor and a name that make a title: "spokesman", "Deputy Defence Minister"."""
    words = gap.split()
    bodies = {w for phrase in tables.institutions for w in phrase.split()}
    return len(words) <= 4 and all(w[:1].isupper() or w.lower() in bodies for w in words)


def speaker_before(
    tables: Tables, text: str, lo: int, verb: Cue, previous: Speaker | None = None
) -> Speaker | None:
    """Who says it: the speaker next to the verb (before it, or just after: "said Peskov").

    A pronoun before the verb ("He said") is the previous sentence's speaker.
    """
    before = text[max(lo, verb.start - NEXT_TO_VERB) : verb.start]
    if previous is not None and re.search(rf"\b({'|'.join(PRONOUNS)})\W*$", before, re.I):
        return previous
    # "The ministry said": a body named before, spoken of again.
    body = find(tables, "institution", text, max(lo, verb.start - NEXT_TO_VERB), verb.start)
    if (
        previous is not None
        and body
        and re.search(r"\bthe\s+$", text[max(lo, body[-1].start - 4) : body[-1].start], re.I)
    ) and not text[body[-1].end : verb.start].strip(" ,"):
        return previous
    near = [
        c for c in speaker_candidates(tables, text, max(lo, verb.start - SPEAKER_REACH), verb.start)
    ]
    near.sort(key=lambda c: c.end, reverse=True)
    for cand in near:
        if verb.start - cand.end <= NEXT_TO_VERB or (cand.named and cand.actor is not None):
            return cand
    after = speaker_candidates(tables, text, verb.end, min(len(text), verb.end + 60))
    after.sort(key=lambda c: c.start)
    if after and after[0].start - verb.end <= NEXT_TO_VERB:
        return after[0]
    return None


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
    denied = find(tables, ClaimStatus.DENIED.value, text, start, end)
    if denied:
        speaker = speaker_before(tables, text, start, denied[0], previous)
        return StatusReading(ClaimStatus.DENIED, denied[0], speaker)
    hedged = find(tables, ClaimStatus.UNVERIFIED.value, text, start, end)
    if hedged:
        return StatusReading(ClaimStatus.UNVERIFIED, hedged[0], None)
    unnamed = find(tables, ClaimStatus.REPORTED.value, text, start, end)
    if unnamed:
        return StatusReading(ClaimStatus.REPORTED, unnamed[0], None)
    official = find(tables, "official_record", text, start, end)
    for verb in [*find(tables, ClaimStatus.STATED.value, text, start, end), *official]:
        speaker = speaker_before(tables, text, start, verb, previous)
        if speaker is None:
            continue
        if not speaker.named and speaker.actor is None:
            return StatusReading(ClaimStatus.REPORTED, verb, speaker)
        if speaker.actor is not None:
            return StatusReading(ClaimStatus.STATED, verb, speaker, may_confirm=bool(official))
        # A named speaker who is not party to it (an analyst, a monitor): the outlet's report.
        return StatusReading(ClaimStatus.REPORTED, verb, speaker)
    return StatusReading(ClaimStatus.REPORTED, None, None)


def read_posture(tables: Tables, text: str, start: int, end: int) -> tuple[Posture, Cue | None]:
    """Proposed, former or current, by the clause's cues: a proposal wins over a past position.

    A cue counts unless the table's ``posture_rules`` say its place in the
    sentence makes it about something else (:func:`posture_cue_counts`).
    """
    for posture in (Posture.PROPOSED, Posture.FORMER):
        cues = [
            c
            for c in find(tables, posture.value, text, start, end)
            if posture_cue_counts(tables, text, start, c, posture)
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
    if phrase in rules.get("needs_object", ()):
        following = _WORD.search(text, cue.end)
        gap = text[cue.end : following.start()] if following else ""
        word = following.group() if following else ""
        if (
            not word
            or gap.strip()
            or not (word[:1].isupper() or word.lower() in rules.get("objects", ()))
        ):
            return False
    if posture is Posture.PROPOSED:
        # "had planned to", "had been planning to send": the plan's verb group, in the past perfect.
        near = text[start : cue.start].rsplit(",", 1)[-1]
        group = [w.lower() for w in _WORD.findall(near)][-PAST_PLAN_REACH:]
        for lead in rules.get("past_plan", ()):
            n = len(lead.split())
            if any(group[i : i + n] == lead.split() for i in range(len(group))):
                return False
        return True
    if before and before[-1] in rules.get("articles", ()) and re.search(r"(?:ed|en|wn)$", phrase):
        return False
    return not _in_relative_clause(tables, text, start, cue)


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
            return head.group().lower() not in heads and head.start() not in said
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
