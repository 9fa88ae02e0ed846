"""Who is speaking in a clause: a named person or body of a party, a name, or people by their role.

The ladder (:mod:`briefmap.desk.cues`) asks who says a thing: a person by
name, or a body or office speaking for itself ("the White House said",
"Russia's defence ministry said in a statement", "the Russian ambassador
said") is on the record; people by their role, one or many, whoever's they
are ("SDF commanders", "commanders of the SDF", "a Russian officer",
"officials at the embassy") are not. The words are the tables' (``cues.json``:
``anonymous_speakers``, ``speaker_rules``, ``institutions``; ``actors.json``).
"""

from __future__ import annotations

import re

from briefmap.desk.cue_tables import Cue, Speaker, Tables, actors_in, find
from briefmap.desk.dates import MONTHS, WEEKDAYS

SPEAKER_REACH = 90  # characters before a speech verb searched for who speaks
_CAPS_NAME = re.compile(
    r"\b(?!The\b|A\b|An\b)((?:[A-Z][\w'’-]+|al-[A-Z][\w'’-]+|(?:al|el|bin|ibn|de|von|abu|Abu)\s)(?:\s+(?:[A-Z][\w'’-]+|al-[A-Z][\w'’-]+|al|el|bin|ibn|abu|Abu))+)"
)
PRONOUNS = ("he", "she", "they", "it")
NEXT_TO_VERB = 28  # characters between a speaker and the verb: "The president, in turn, hailed"
ROLE_TO_VERB = 3  # words between unnamed people and the verb: "Iraqi officials on Tuesday said"


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
            titled = _titled(tables, text, a, m.start(), m.end())
            found.append(Speaker(m.group().strip(), actor, m.start(), m.end(), titled=titled))
    return found + unnamed


_WHERE = re.compile(r"\b(?:in|at|near|inside|outside|(?<!according )to)\s+(?:the\s+)?$", re.I)
_CLAUSE_END = re.compile(r"\s*(?:[.,;:!?\u2014]|$|(?:on|in|at|late|earlier|after|before)\b)")
SPEAKER_WORDS = 4  # words before a role word that may say whose people speak ("two Iraqi army")
LINKED_WORDS = (
    5  # words of the body after a link ("commanders of the Kurdistan Regional Government")
)
_WORD_BEFORE = re.compile(r"([\w'’.-]+)[ \t]+$")
_TIME_WORDS = frozenset([*MONTHS, *WEEKDAYS])
_NOT_WHOSE = frozenset(
    {"and", "but", "or", "so", "yet", "then", "meanwhile", "however", "yesterday", "today"}
)


def unnamed_speakers(tables: Tables, text: str, a: int, b: int) -> list[Speaker]:
    """People who speak by their role, not their name, in ``text[a:b]``: never on the record.

    The role word (``anonymous_speakers``) with the words before it that say
    whose people they are ("two Iraqi officers", "SDF commanders", "an SDF
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
            if whole is not None:  # "Iraqi army", "Russia's defence ministry"
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


TITLE_WORDS = 5  # words of a title before a name: "Russian Deputy Foreign Minister"
_TITLE_WORD = re.compile(r"([\w'’-]+)\.?[ \t]+$")


def _titled(tables: Tables, text: str, a: int, s: int, e: int) -> bool:
    """Whether a capitalised name is a person by title or rank: an official, on the record.

    The title is a table word (``speaker_rules.titles``: "minister", "spokesman",
    "Brig.", "Col.") among the name's own first words ("Deputy Foreign Minister
    A B") or the words just before it, capitalised or the title's own ("deputy
    governor A B", "a spokesman, Lt. Col. A B"), stopping at a comma.
    """
    titles = set(tables.speaker_rules.get("titles", ()))
    words = [w.rstrip(".").lower() for w in text[s:e].split()][:-2]  # a name keeps two words
    at = s
    for _ in range(TITLE_WORDS):
        m = _TITLE_WORD.search(text, a, at)
        if m is None:
            break
        word = m.group(1)
        if word.lower() not in titles and not word[:1].isupper():
            break
        words.append(word.lower())
        at = m.start(1)
    return any(w in titles for w in words)


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
        on_record = cand.named and (
            cand.actor or cand.titled
        )  # "Col. A B was quoted ... as saying"
        if verb.start - cand.end <= NEXT_TO_VERB or aside or on_record:
            if not cand.named and text[cand.end : verb.start].strip() == ",":
                return _named_beside(text, cand, near) or cand
            return cand
    if after and after[0].start - verb.end <= NEXT_TO_VERB:
        return (None if after[0].named else _named_beside(text, after[0], after)) or after[0]
    return _office(tables, text, lo, verb)


_OFFICE = re.compile(r"\b(?:The|the)\s+((?:[A-Z][\w'’-]*\s+){0,6}?[A-Z][\w'’-]*)\s*$")


def _office(tables: Tables, text: str, lo: int, verb: Cue) -> Speaker | None:
    """A body by its capitalised title right before the verb, in its own voice ("The Ministry condemns").

    A communiqué speaks for the body that issues it: on the record, stated,
    though no actor's name says whose it is.
    """
    m = _OFFICE.search(text, max(lo, verb.start - 80), verb.start)
    if m is None:
        return None
    bodies = {w for phrase in tables.institutions for w in phrase.split()}
    if not any(w.lower() in bodies for w in m.group(1).split()):
        return None
    return Speaker(m.group(1), None, m.start(1), m.end(1), named=True, titled=True)


def _named_beside(text: str, role: Speaker, others: list[Speaker]) -> Speaker | None:
    """A name in apposition to an unnamed role: "Mazloum Abdi, the SDF commander, said"."""
    for c in others:
        if c.named and (
            text[c.end : role.start].strip() == "," or text[role.end : c.start].strip() == ","
        ):
            return Speaker(c.name, c.actor or role.actor, c.start, c.end, named=True)
    return None


def speaker_after(tables: Tables, text: str, cue: Cue, end: int) -> Speaker | None:
    """Who follows an attribution that names its speaker after it: "according to SDF commanders"."""
    after = speaker_candidates(tables, text, cue.end, min(end, cue.end + SPEAKER_REACH))
    after.sort(key=lambda c: c.start)
    return after[0] if after and after[0].start - cue.end <= NEXT_TO_VERB else None
