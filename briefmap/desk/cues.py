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
- a named speaker who is party to it, on the record: *stated* (a person by name, or a
  body or office speaking for itself: "the Kremlin said", "Russia's defence ministry
  said in a statement"); an official record of theirs (a readout, a statement) may
  support *confirmed*, which the sourcing rules (:mod:`briefmap.data.sourcing`) still decide;
- people by their role, one or many, whoever's they are ("SDF commanders", "a Russian
  officer", "officials at the embassy"): unnamed, *reported* (:func:`unnamed_speakers`);
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
from briefmap.desk.dates import MONTHS, WEEKDAYS

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
ROLE_TO_VERB = 3  # words between unnamed people and the verb: "Syrian officials on Tuesday said"


def speaker_candidates(tables: Tables, text: str, a: int, b: int) -> list[Speaker]:
    """Who could be speaking in ``text[a:b]``: named people and bodies, names, unnamed people.

    A name inside an unnamed speaker's phrase ("SDF commanders", "officials
    from Russia's defence ministry") says whose people speak, not who does.
    """
    unnamed = unnamed_speakers(tables, text, a, b)

    def inside(s: int, e: int) -> bool:
        return any(u.start <= s < u.end or s <= u.start < e for u in unnamed)

    found: list[Speaker] = []
    bodies = find(tables, "institution", text, a, b)
    for actor, s, e in actors_in(tables, text, a, b):
        if inside(s, e) or _WHERE.search(text, max(0, s - 12), s):
            continue  # "the Russian embassy in Damascus said": where the speaker is
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
        if inside(m.start(), m.end()):
            continue
        if not any(c.start <= m.start() < c.end or m.start() <= c.start < m.end() for c in found):
            # "SDF spokesman Farhad Shami", "Russian Deputy Defence Minister X": whose they are.
            title = [x for x in actors_in(tables, text, max(0, m.start() - 40), m.start())]
            near = [x for x in title if _title_between(tables, text[x[2] : m.start()])]
            actor = near[-1][0] if near else None
            found.append(Speaker(m.group().strip(), actor, m.start(), m.end()))
    return found + unnamed


_WHERE = re.compile(r"\b(?:in|at|near|inside|outside|(?<!according )to)\s+(?:the\s+)?$", re.I)
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?\u2014]|$|(?:on|in|at|late|earlier|after|before)\b)")
SPEAKER_WORDS = 4  # words before a role word that may say whose people speak ("two Syrian army")
LINKED_WORDS = 5  # words of the body after a link ("commanders of the Syrian Democratic Forces")
_WORD_BEFORE = re.compile(r"([\w'’.-]+)[ \t]+$")
_TIME_WORDS = frozenset([*MONTHS, *WEEKDAYS])
_NOT_WHOSE = frozenset(
    {"and", "but", "or", "so", "yet", "then", "meanwhile", "however", "yesterday", "today"}
)


def unnamed_speakers(tables: Tables, text: str, a: int, b: int) -> list[Speaker]:
    """People who speak by their role, not their name, in ``text[a:b]``: never on the record.

    The role word (``anonymous_speakers``) with the words before it that say
    whose people they are ("two Syrian officers", "SDF commanders", "an SDF
    commander") and a link and a body after it ("commanders of the SDF"); the
    actor they belong to is kept, the speaker is unnamed. A role word right
    before a capitalised name is a title ("SDF commander Mazloum Abdi"): the
    named person speaks, and this is no unnamed speaker.
    """
    rules = tables.speaker_rules
    modifiers = set(rules.get("modifiers", ()))
    links = sorted(rules.get("links", ()), key=len, reverse=True)
    actors = actors_in(tables, text, a, b)
    out: list[Speaker] = []
    for cue in find(tables, "anonymous", text, a, b):
        if re.match(r"[ \t]+[A-Z]", text[cue.end : b]):
            continue  # a title before a name
        s = cue.start
        for _ in range(SPEAKER_WORDS):
            whole = next((x for x in actors if x[2] <= s and not text[x[2] : s].strip()), None)
            if whole is not None:  # "Syrian army", "Russia's defence ministry"
                s = whole[1]
                continue
            m = _WORD_BEFORE.search(text, a, s)
            if m is None:
                break
            word = m.group(1)
            low = word.lower()
            capital = word[:1].isupper() and low not in _NOT_WHOSE | set(links)
            if not (low in modifiers or capital or word.isdigit()) or low in _TIME_WORDS:
                break
            s = m.start(1)
        e = cue.end
        after = text[e:b]
        link = next(
            (w for w in links if re.match(rf"[ \t]+{re.escape(w)}[ \t]", after, re.I)),
            None,
        )
        if link is not None:
            at = e + len(after) - len(after.lstrip()) + len(link)
            body = _body_after(tables, text, at, b, actors, modifiers)
            if body > at:
                e = body
        name = re.sub(r"^(?:the|an?)\s+", "", text[s:e], flags=re.I)
        actor = next((x[0] for x in actors if s <= x[1] and x[2] <= e), None)
        out.append(Speaker(name, actor, s, e, named=False))
    return out


def _body_after(
    tables: Tables,
    text: str,
    at: int,
    b: int,
    actors: list[tuple[str, int, int]],
    modifiers: set[str],
) -> int:
    """Where the body after a link ends ("of the SDF", "from Russia's defence ministry"); ``at`` if none."""
    end, taken, named_end = at, 0, at
    bodies = {w for phrase in tables.institutions for w in phrase.split()}
    while taken < LINKED_WORDS:
        gap = re.match(r"[ \t]+", text[end:b])
        if gap is None:
            break
        s = end + gap.end()
        whole = next((x for x in actors if x[1] == s), None)
        if whole is not None:
            end, taken = whole[2], taken + 1
            named_end = end
            continue
        m = re.match(r"[\w'’.-]+", text[s:b])
        if m is None:
            break
        word = m.group().rstrip(".")
        low = word.lower()
        if not (word[:1].isupper() or low in modifiers or low in bodies):
            break
        end, taken = s + len(word), taken + 1
        if low not in ("the", "a", "an"):
            named_end = end  # "commanders in the area": "in the" names nobody
    return named_end


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
        (
            previous is not None
            and previous.named  # "the ministry" is a body named before, never unnamed people
            and body
            and re.search(r"\bthe\s+$", text[max(lo, body[-1].start - 4) : body[-1].start], re.I)
        )
        and not text[body[-1].end : verb.start].strip(" ,")
    ):
        return previous
    near = [
        c for c in speaker_candidates(tables, text, max(lo, verb.start - SPEAKER_REACH), verb.start)
    ]
    near.sort(key=lambda c: c.end, reverse=True)
    after = speaker_candidates(tables, text, verb.end, min(len(text), verb.end + 60))
    after.sort(key=lambda c: c.start)
    # "said Peskov.", "said two SDF commanders on Tuesday": the speaker after the verb closes the
    # clause; "said Russian troops remained" is what is said.
    after = [c for c in after[:1] if _CLAUSE_END.match(text, c.end)]
    if (
        after
        and text[lo : verb.start].rstrip().endswith(",")
        and not text[verb.end : after[0].start].strip(" the")
    ):
        near = []  # ", said two SDF commanders.": inverted, the speaker follows the verb
    for cand in near:
        gap = text[cand.end : verb.start]
        aside = re.fullmatch(r"\s*,[^,]{1,60},\s*", gap) is not None  # ", who spoke by phone,"
        if not cand.named and len(gap.split()) > ROLE_TO_VERB and not aside:
            continue  # "Russian troops left Amuda, said ...": the clause's subject, not the speaker
        if verb.start - cand.end <= NEXT_TO_VERB or aside or (cand.named and cand.actor):
            if not cand.named and text[cand.end : verb.start].strip() == ",":
                return _named_beside(text, cand, near) or cand
            return cand
    if after and after[0].start - verb.end <= NEXT_TO_VERB:
        return (None if after[0].named else _named_beside(text, after[0], after)) or after[0]
    return None


def _named_beside(text: str, role: Speaker, others: list[Speaker]) -> Speaker | None:
    """A name in apposition to an unnamed role: "Mazloum Abdi, the SDF commander, said"."""
    for c in others:
        if c.named and (
            text[c.end : role.start].strip() == "," or text[role.end : c.start].strip() == ","
        ):
            return Speaker(c.name, c.actor or role.actor, c.start, c.end, named=True)
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
    unnamed = live(ClaimStatus.REPORTED.value)
    if unnamed:
        return StatusReading(ClaimStatus.REPORTED, unnamed[0], None)
    for verb in live("speaker_after"):
        # "according to SDF commanders", "citing a Russian officer": who follows speaks.
        after = speaker_candidates(tables, text, verb.end, min(end, verb.end + SPEAKER_REACH))
        after.sort(key=lambda c: c.start)
        if after and after[0].start - verb.end <= NEXT_TO_VERB:
            speaker = after[0]
            on_record = speaker.named and speaker.actor is not None
            return StatusReading(
                ClaimStatus.STATED if on_record else ClaimStatus.REPORTED, verb, speaker
            )
    official = live("official_record")
    for verb in [*live(ClaimStatus.STATED.value), *official]:
        speaker = speaker_before(tables, text, start, verb, previous)
        if speaker is None:
            continue
        if not speaker.named:
            # People by their role, whoever's they are ("SDF commanders"): not on the record.
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
        return False  # "the hill was handed over to Syrian units": who holds it now
    if phrase in rules.get("needs_object", ()):
        if passive:
            return False  # "the garrison was left with two ships": kept, not departed
        if not _place_follows(tables, text, cue.end):
            return False
    if posture is Posture.PROPOSED:
        # "had planned to", "had been planning to send": the plan's verb group, in the past perfect.
        near = text[start : cue.start].rsplit(",", 1)[-1]
        group = [w.lower() for w in _WORD.findall(near)][-PAST_PLAN_REACH:]
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
