"""The desk's cue and actor tables read from the data folder, and the matcher compiled from them.

``<data>/desk/cues.json`` (general English newsroom usage) and
``<data>/desk/actors.json`` (the data set's actors: names, demonyms, capitals,
institutions, and the people who speak for them) are read and checked once
(:func:`load_tables`; :class:`TableError` names the file and the entry), and
their phrases compiled into one Aho-Corasick automaton (:class:`PhraseIndex`).
:mod:`briefmap.desk.cues` reads a clause with them.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import ahocorasick

from briefmap.data.schema import ClaimStatus, Posture

DESK_DIR = "desk"
BUNDLED = Path(__file__).resolve().parents[2] / "geodata" / DESK_DIR  # the repository's tables
CUES_FILE = "cues.json"
ACTORS_FILE = "actors.json"


class TableError(ValueError):
    """A cue or actor table that cannot be read, naming the file and the entry."""


@dataclass(frozen=True)
class Cue:
    """A phrase of the text that suggests a field's value, and where it stands."""

    kind: str  # a status, "official_record", "no_comment", a posture, "site", "town", "region"
    phrase: str  # as written
    start: int
    end: int


@dataclass(frozen=True)
class Speaker:
    """Who says it: the claimant as a claim records it, and the actor they speak for."""

    name: str
    actor: str | None
    start: int
    end: int
    named: bool = True  # False for "officials", "sources"
    titled: bool = False  # a title or rank before the name: "Brig. Gen. A B", an official


ACTOR_KIND = "actor"


def lowered(text: str) -> str:
    """``text`` in lower case with every space a plain space, the same length (spans carry over)."""
    low = text.lower()
    if len(low) != len(text):  # a letter whose lower case is longer ("İ"): one at a time
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return re.sub(r"\s", " ", low)


@dataclass(frozen=True)
class PhraseIndex:
    """Every table's phrases in one Aho-Corasick automaton: a text is read once for all of them."""

    automaton: Any
    cased: frozenset[str]  # phrases matched only as written (UN, SDF)

    @classmethod
    def build(cls, lists: dict[str, list[str]], cased: Iterable[str] = ()) -> PhraseIndex:
        automaton = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, bool]]] = {}
        for kind, phrases in lists.items():
            for phrase in phrases:
                body = " ".join(phrase.strip().rstrip("*").lower().split())
                if body:
                    entries.setdefault(body, []).append((kind, phrase.strip().endswith("*")))
        for body, kinds in entries.items():
            automaton.add_word(body, (body, tuple(kinds)))
        if entries:
            automaton.make_automaton()
        return cls(automaton if entries else None, frozenset(cased))

    def hits(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Kind -> (start, end) of its phrases in ``text``: whole words, leftmost-longest, in order."""
        found: dict[str, list[tuple[int, int]]] = {}
        if self.automaton is None:
            return found
        low = lowered(text)
        n = len(low)
        for last, (body, kinds) in self.automaton.iter(low):
            s = last - len(body) + 1
            if s > 0 and body[0].isalnum() and (low[s - 1].isalnum() or low[s - 1] == "_"):
                continue
            for kind, stem in kinds:
                e = last + 1
                if stem:
                    while e < n and (low[e].isalnum() or low[e] in "'’-"):
                        e += 1
                elif e < n and body[-1].isalnum() and (low[e].isalnum() or low[e] == "_"):
                    continue
                if body in self.cased and text[s:e] != text[s:e].upper():
                    continue
                found.setdefault(kind, []).append((s, e))
        for kind, spans in found.items():
            spans.sort(key=lambda sp: (sp[0], -sp[1]))
            kept, reach = [], -1
            for sp in spans:
                if sp[0] >= reach:
                    kept.append(sp)
                    reach = sp[1]
            found[kind] = kept
        return found


def _read(path: Path) -> dict[str, Any]:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TableError(f"{path}: missing; the desk needs its cue tables") from None
    except (OSError, ValueError) as exc:
        raise TableError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise TableError(f"{path}: must be a JSON object")
    return payload


def _strings(path: Path, where: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TableError(f"{path}: {where} must be a list of strings")
    return value


def _rules(path: Path, where: str, value: Any) -> dict[str, list[str]]:
    """A table of word lists (lower case) keyed by rule, its "about" left out."""
    if not isinstance(value, dict):
        raise TableError(f"{path}: {where} must be an object of word lists")
    return {
        k: [w.lower() for w in _strings(path, f"{where}.{k}", v)]
        for k, v in value.items()
        if k != "about"
    }


@dataclass(frozen=True)
class Tables:
    """The desk's tables, compiled: the only place the cue words are known."""

    status: dict[str, list[str]]
    anonymous: list[str]
    no_comment: list[str]
    posture: dict[str, list[str]]
    end_date: list[str]
    clauses: dict[str, list[str]]
    precision: dict[str, list[str]]
    locative: list[str]
    setting: list[str]
    actors: dict[str, list[str]]  # actor id -> names that may speak for it ("Russia said")
    adjectives: dict[str, list[str]]  # actor id -> words that only describe ("Russian forces")
    speakers: list[dict[str, Any]]
    institutions: list[str] = field(default_factory=list)  # "ministry", "presidency": a body speaks
    not_places: list[str] = field(
        default_factory=list
    )  # capitalised words never a place ("Arabic")
    mentioned: dict[str, list[str]] = field(default_factory=dict)
    # When a posture cue does not count (cues.json "posture_rules"; see read_posture).
    posture_rules: dict[str, list[str]] = field(default_factory=dict)
    # Who an unnamed speaker is (cues.json "speaker_rules"; see cues.unnamed_speakers).
    speaker_rules: dict[str, list[str]] = field(default_factory=dict)
    speaker_after: list[str] = field(default_factory=list)  # "according to": who follows speaks
    # The data region's government and the generic nouns for its forces ("government forces").
    government: dict[str, list[str]] = field(default_factory=dict)
    referring: list[str] = field(default_factory=list)  # "the two frigates": the actor before
    # Cues of two parts with words between (cues.json "forms"; see compile_forms).
    forms: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    @cached_property
    def form_patterns(self) -> list[tuple[str, re.Pattern[str]]]:
        return compile_forms(self.forms)

    @cached_property
    def index(self) -> PhraseIndex:
        """One automaton for every list of the tables, and the actors' names."""
        lists = {k: list(v) for k, v in self.status.items()}
        lists["no_comment"] = self.no_comment
        lists.update(self.posture)
        lists["end_date"] = self.end_date
        lists["anonymous"] = self.anonymous
        lists["speaker_after"] = self.speaker_after
        lists["setting"] = self.setting
        lists["institution"] = self.institutions
        lists.update({f"clause_{k}": v for k, v in self.clauses.items()})
        lists.update({f"precision_{k}": v for k, v in self.precision.items()})
        names = list(self.actor_aliases)
        lists[ACTOR_KIND] = names
        cased = [n.lower() for n in self._all_actor_names() if n.isupper() and n.isascii()]
        return PhraseIndex.build(lists, cased)

    def _all_actor_names(self) -> list[str]:
        out = [n for names in self.actors.values() for n in names]
        out += [n for names in self.adjectives.values() for n in names]
        out += [a for s in self.speakers for a in s["aliases"]]
        return out + [n for names in self.mentioned.values() for n in names]

    def hits(self, text: str) -> dict[str, list[tuple[int, int]]]:
        """Every phrase of the tables in ``text``, by kind (the last few texts kept)."""
        cache = self.__dict__.setdefault("_hits", {})
        if text not in cache:
            if len(cache) >= 8:
                cache.pop(next(iter(cache)))
            cache[text] = _with_forms(self.index.hits(text), text, self.form_patterns)
        return cache[text]

    @cached_property
    def actor_aliases(self) -> dict[str, str]:
        """Every name that means an actor (folded to lower case) -> actor id."""
        table: dict[str, str] = {}
        for table_ in (self.actors, self.adjectives):
            for actor, names in table_.items():
                for name in names:
                    table.setdefault(name.casefold(), actor)
        for actor, names in self.mentioned.items():
            for name in names:
                table.setdefault(name.casefold(), actor)
        for speaker in self.speakers:
            for name in speaker["aliases"]:
                table.setdefault(name.casefold(), speaker["actor"])
        for actor, nouns in self.government.items():
            for noun in nouns:
                table.setdefault(noun.casefold(), actor)
        return table

    @cached_property
    def adjective_words(self) -> frozenset[str]:
        return frozenset(n.casefold() for names in self.adjectives.values() for n in names)

    @cached_property
    def speaker_aliases(self) -> dict[str, dict[str, Any]]:
        return {a.casefold(): s for s in self.speakers for a in s["aliases"]}

    def words_of(self) -> set[str]:
        """Every word of the tables' phrases: never a town's name."""
        out: set[str] = set()
        lists = [*self.status.values(), self.no_comment, *self.posture.values(), self.anonymous]
        for phrases in lists:
            for phrase in phrases:
                out.update(re.findall(r"[A-Za-z]+", phrase.lower()))
        out.update(re.findall(r"[A-Za-z]+", " ".join(self.actor_aliases).lower()))
        return out


def load_tables(data_dir: Path, actor_names: dict[str, list[str]] | None = None) -> Tables:
    """The cue and actor tables of a data folder (``<data>/desk/``); :class:`TableError` if unusable.

    A data folder without tables of its own uses the repository's cue table
    (general English) and, without an actor table, its actors' own names
    (``actor_names``, from its ``briefmap.json``).
    """
    folder = Path(data_dir) / DESK_DIR
    cues_path, actors_path = folder / CUES_FILE, folder / ACTORS_FILE
    if not folder.is_dir() and actor_names is not None:
        cues_path = BUNDLED / CUES_FILE
        people: dict[str, Any] = {"actors": {a: {"names": n} for a, n in actor_names.items()}}
        cues = _read(cues_path)
    else:
        cues, people = _read(cues_path), _read(actors_path)
    status = cues.get("status")
    if not isinstance(status, dict):
        raise TableError(f"{cues_path}: needs a 'status' object of cue lists")
    for key in status:
        if key != "official_record" and key not in {s.value for s in ClaimStatus}:
            raise TableError(f"{cues_path}: status.{key} is not a status of the ladder")
    posture = cues.get("posture", {})
    speakers = people.get("speakers", [])
    if not isinstance(speakers, list):
        raise TableError(f"{actors_path}: speakers must be a list")
    for n, speaker in enumerate(speakers, start=1):
        if not isinstance(speaker, dict) or not isinstance(speaker.get("name"), str):
            raise TableError(f"{actors_path}: speakers[{n}] needs a name")
        _strings(actors_path, f"speakers[{n}].aliases", speaker.get("aliases"))
    actors = people.get("actors", {})
    if not isinstance(actors, dict) or not all(isinstance(v, dict) for v in actors.values()):
        raise TableError(
            f"{actors_path}: actors must map an actor id to its names and adjectives "
            '({"russia": {"names": [...], "adjectives": [...]}})'
        )
    mentioned = {k: v for k, v in people.get("mentioned_only", {}).items() if isinstance(v, list)}
    return Tables(
        status={k: _strings(cues_path, f"status.{k}", v) for k, v in status.items()},
        anonymous=_strings(cues_path, "anonymous_speakers", cues.get("anonymous_speakers", [])),
        no_comment=_strings(cues_path, "no_comment", cues.get("no_comment", [])),
        posture={
            k: _strings(cues_path, f"posture.{k}", v)
            for k, v in posture.items()
            if k in {p.value for p in Posture}
        },
        end_date=_strings(cues_path, "end_date_cues", cues.get("end_date_cues", [])),
        clauses={
            k: _strings(cues_path, f"clauses.{k}", v)
            for k, v in cues.get("clauses", {}).items()
            if k != "about"
        },
        precision={
            k: _strings(cues_path, f"precision.{k}", v)
            for k, v in cues.get("precision", {}).items()
        },
        locative=_strings(cues_path, "locative", cues.get("locative", [])),
        setting=_strings(cues_path, "setting", cues.get("setting", [])),
        institutions=_strings(cues_path, "institutions", cues.get("institutions", [])),
        not_places=_strings(cues_path, "not_places", cues.get("not_places", [])),
        actors={
            k: _strings(actors_path, f"actors.{k}.names", v.get("names", []))
            for k, v in actors.items()
        },
        adjectives={
            k: _strings(actors_path, f"actors.{k}.adjectives", v.get("adjectives", []))
            for k, v in actors.items()
        },
        speakers=speakers,
        mentioned=mentioned,
        posture_rules=_rules(cues_path, "posture_rules", cues.get("posture_rules", {})),
        speaker_rules=_rules(cues_path, "speaker_rules", cues.get("speaker_rules", {})),
        speaker_after=_strings(cues_path, "speaker_after", cues.get("speaker_after", [])),
        forms=_forms(cues_path, cues.get("forms", {})),
        government=_government(actors_path, people.get("region_government")),
        referring=_strings(
            cues_path, "referring.openers", _object(cues, "referring").get("openers", [])
        ),
    )


def _government(path: Path, value: Any) -> dict[str, list[str]]:
    """``region_government``: {actor, nouns}, as actor id -> nouns; none when absent."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not isinstance(value.get("actor"), str):
        raise TableError(f"{path}: region_government needs an 'actor' id and its 'nouns'")
    return {value["actor"]: _strings(path, "region_government.nouns", value.get("nouns", []))}


def _object(table: dict[str, Any], key: str) -> dict[str, Any]:
    value = table.get(key, {})
    return value if isinstance(value, dict) else {"openers": value}  # _strings names the fault


FORM_KEYS = {"first": list, "then": list, "between": list, "max_between": int}


def _forms(path: Path, value: Any) -> dict[str, list[dict[str, Any]]]:
    """The two-part cues of ``forms``, checked: each kind a list of {first, then, between?, max_between}."""
    if not isinstance(value, dict):
        raise TableError(f"{path}: forms must be an object of lists of forms")
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, forms in value.items():
        if kind == "about":
            continue
        if not isinstance(forms, list):
            raise TableError(f"{path}: forms.{kind} must be a list of forms")
        for n, form in enumerate(forms, start=1):
            where = f"forms.{kind}[{n}]"
            if not isinstance(form, dict) or not {"first", "then"} <= set(form):
                raise TableError(f"{path}: {where} needs 'first' and 'then' word lists")
            for key, val in form.items():
                if key not in FORM_KEYS:
                    raise TableError(f"{path}: {where}.{key} is not a key of a form")
                if key == "max_between":
                    if not isinstance(val, int) or isinstance(val, bool) or not 0 <= val <= 8:
                        raise TableError(f"{path}: {where}.max_between must be 0 to 8")
                else:
                    _strings(path, f"{where}.{key}", val)
        out[kind] = forms
    return out


def _alternatives(phrases: list[str]) -> str:
    """Phrases as one regex alternation, a trailing '*' a stem (the words escaped: tables are data)."""
    parts = []
    for phrase in sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True):
        stem = phrase.endswith("*")
        body = r"\s+".join(re.escape(w) for w in phrase.rstrip("*").split())
        parts.append(body + (r"[\w'’-]*" if stem else ""))
    return "|".join(parts)


def compile_forms(forms: dict[str, list[dict[str, Any]]]) -> list[tuple[str, re.Pattern[str]]]:
    """One pattern per form: first, then up to max_between words (of ``between`` if given), then."""
    out = []
    for kind, items in forms.items():
        for form in items:
            gap_word = (
                rf"(?:{_alternatives(form['between'])})" if form.get("between") else r"[\w'’-]+"
            )
            reach = form.get("max_between", 2)
            pattern = (
                rf"(?<![\w'’-])(?:{_alternatives(form['first'])})"
                rf"(?:[ \t\n]+{gap_word}){{0,{reach}}}[ \t\n]+(?:{_alternatives(form['then'])})"
                r"(?![\w])"
            )
            out.append((kind, re.compile(pattern)))
    return out


def _with_forms(
    found: dict[str, list[tuple[int, int]]], text: str, patterns: list[tuple[str, re.Pattern[str]]]
) -> dict[str, list[tuple[int, int]]]:
    """The phrase hits with the forms' hits added, each kind's spans leftmost-longest again."""
    if not patterns:
        return found
    low = lowered(text)
    for kind, pattern in patterns:
        spans = [(m.start(), m.end()) for m in pattern.finditer(low)]
        if not spans:
            continue
        spans += found.get(kind, [])
        spans.sort(key=lambda sp: (sp[0], -sp[1]))
        kept: list[tuple[int, int]] = []
        for sp in spans:
            if not kept or sp[0] >= kept[-1][1]:
                kept.append(sp)
        found[kind] = kept
    return found


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
    generic = {n.casefold() for nouns in tables.government.values() for n in nouns}
    for cue in find(tables, ACTOR_KIND, text, start, end):
        alias = " ".join(cue.phrase.split()).casefold()
        actor = tables.actor_aliases.get(alias)
        if actor and alias in generic:
            # "Iraqi government forces": another country's word before them, not the region's.
            word = re.search(r"([\w'’-]+)\s+$", text[max(0, cue.start - 30) : cue.start])
            if (
                word
                and word.group(1)[:1].isupper()
                and (tables.actor_aliases.get(word.group(1).casefold()) != actor)
            ):
                continue
        if actor:
            found.append((actor, cue.start, cue.end))
    return found
