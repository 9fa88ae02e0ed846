"""Seeded synthetic data in Briefmap's own format, shaped like an ACLED event set.

Every claim is an event at its own geolocated site (a checkpoint, a village, an
airstrip...) jittered around one of ~40 real Syrian towns, so N claims draw
about N points; a few per cent of claims recur at an existing site, a few per
cent concern one of a few hundred outlines (regions, buffer zones,
governorates). Site names repeat the way ACLED's location names do ("Checkpoint
near Raqqa"), in English, Arabic and Russian. Actors, statuses, postures and
roles follow fixed weights, within the sourcing rules (a confirmed claim cites
two outlets, a former one dates its end); a handful of proposed claims have an
origin named by their source (an arrow), about 2% carry a dated history. The same seed gives the same files.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

# Syria's box for the synthetic points. The synthetic data has no briefmap.json:
# its title, region of interest and actors (the ids of ACTORS below, named by
# their ids) come from the data itself (briefmap.data.meta.derived_meta).
LON_MIN, LON_MAX = 35.8, 42.2
LAT_MIN, LAT_MAX = 32.4, 37.2
AS_OF = "2025-10-31"
FIRST_DAY = dt.date(2012, 1, 1).toordinal()
LAST_DAY = dt.date.fromisoformat(AS_OF).toordinal()

# (English, Arabic, Russian, lat, lon)
TOWNS: tuple[tuple[str, str, str, float, float], ...] = (
    ("Damascus", "دمشق", "Дамаск", 33.513, 36.292),
    ("Aleppo", "حلب", "Алеппо", 36.202, 37.134),
    ("Homs", "حمص", "Хомс", 34.731, 36.709),
    ("Hama", "حماة", "Хама", 35.132, 36.757),
    ("Latakia", "اللاذقية", "Латакия", 35.523, 35.85),
    ("Tartus", "طرطوس", "Тартус", 34.889, 35.9),
    ("Idlib", "إدلب", "Идлиб", 35.930, 36.633),
    ("Raqqa", "الرقة", "Ракка", 35.952, 39.009),
    ("Deir ez-Zor", "دير الزور", "Дейр-эз-Зор", 35.336, 40.141),
    ("Hasakah", "الحسكة", "Эль-Хасака", 36.507, 40.747),
    ("Qamishli", "القامشلي", "Камышлы", 37.052, 41.231),
    ("Daraa", "درعا", "Дераа", 32.618, 36.102),
    ("Suwayda", "السويداء", "Эс-Сувейда", 32.709, 36.566),
    ("Quneitra", "القنيطرة", "Эль-Кунейтра", 33.126, 35.85),
    ("Palmyra", "تدمر", "Пальмира", 34.551, 38.269),
    ("Abu Kamal", "البوكمال", "Абу-Кемаль", 34.451, 40.918),
    ("Al-Mayadin", "الميادين", "Эль-Маядин", 35.019, 40.451),
    ("Manbij", "منبج", "Манбидж", 36.528, 37.955),
    ("Kobani", "عين العرب", "Кобани", 36.891, 38.355),
    ("Tal Abyad", "تل أبيض", "Телль-Абьяд", 36.697, 38.956),
    ("Ras al-Ayn", "رأس العين", "Рас-эль-Айн", 36.850, 40.070),
    ("Afrin", "عفرين", "Африн", 36.512, 36.869),
    ("Azaz", "أعزاز", "Азаз", 36.586, 37.046),
    ("Al-Bab", "الباب", "Эль-Баб", 36.371, 37.516),
    ("Jarabulus", "جرابلس", "Джераблус", 36.817, 38.011),
    ("Maarat al-Numan", "معرة النعمان", "Мааррат-эн-Нууман", 35.648, 36.674),
    ("Saraqib", "سراقب", "Серакиб", 35.864, 36.806),
    ("Jisr al-Shughur", "جسر الشغور", "Джиср-эш-Шугур", 35.812, 36.318),
    ("Douma", "دوما", "Дума", 33.572, 36.402),
    ("Salamiyah", "سلمية", "Саламия", 35.011, 37.053),
    ("Al-Tanf", "التنف", "Эт-Танф", 33.505, 38.620),
    ("Baniyas", "بانياس", "Банияс", 35.182, 35.95),
    ("Jableh", "جبلة", "Джебла", 35.361, 35.93),
    ("Qardaha", "القرداحة", "Кардаха", 35.457, 36.059),
    ("Al-Qusayr", "القصير", "Эль-Кусейр", 34.509, 36.580),
    ("Yabroud", "يبرود", "Ябруд", 33.967, 36.657),
    ("Nawa", "نوى", "Нава", 32.889, 36.043),
    ("Busra al-Sham", "بصرى الشام", "Бусра-эш-Шам", 32.518, 36.481),
    ("Shaddadi", "الشدادي", "Эш-Шаддади", 36.055, 40.730),
    ("Ayn Issa", "عين عيسى", "Айн-Иса", 36.385, 38.859),
    ("Tabqa", "الطبقة", "Табка", 35.836, 38.548),
)

# (kind, precision, English, Arabic, Russian, weight)
SITE_KINDS: tuple[tuple[str, str, str, str, str, float], ...] = (
    ("military_post", "site", "Checkpoint", "حاجز", "Блокпост", 22),
    ("military_post", "site", "Outpost", "نقطة عسكرية", "Опорный пункт", 14),
    ("town", "town", "Village", "قرية", "Деревня", 20),
    ("town", "town", "District", "حي", "Район", 10),
    ("city", "town", "Outskirts", "ضواحي", "Окраины", 6),
    ("air_base", "site", "Airstrip", "مهبط", "Аэродром", 4),
    ("airport", "site", "Airport road", "طريق المطار", "Дорога в аэропорт", 2),
    (
        "government_site",
        "site",
        "Government compound",
        "مجمع حكومي",
        "Правительственный комплекс",
        5,
    ),
    ("mountain", "site", "Hill", "تلة", "Холм", 5),
    ("military_post", "site", "Crossing", "معبر", "Переход", 6),
    ("naval_facility", "site", "Jetty", "رصيف", "Причал", 1),
    ("military_post", "site", "Depot", "مستودع", "Склад", 5),
)
REGION_KINDS = (("region", "Area"), ("buffer_zone", "Buffer zone"), ("governorate", "District"))

ACTORS = (
    ("syria", 35),
    ("russia", 20),
    ("sdf", 15),
    ("israel", 10),
    ("arab_states", 10),
    ("un", 10),
)
STATUSES = (("confirmed", 25), ("stated", 20), ("reported", 30), ("unverified", 20), ("denied", 5))
POSTURES = (("current", 80), ("former", 12), ("proposed", 8))
CLAIMANTS = {
    "syria": ("SANA", "Syrian Ministry of Defence", "Syrian Observatory for Human Rights"),
    "russia": ("Russian Ministry of Defence", "RIA Novosti", "Reconciliation Centre, Khmeimim"),
    "sdf": ("SDF media centre", "Hawar News Agency", "Kurdistan 24"),
    "israel": ("IDF spokesperson", "Times of Israel", "Israeli Prime Minister's Office"),
    "arab_states": ("Arab League secretariat", "Al Arabiya", "Jordanian Foreign Ministry"),
    "un": ("UN OCHA", "UNDOF", "UN Special Envoy's office"),
}
EVENTS = (
    "Shelling reported",
    "Clashes between armed groups",
    "Air strike",
    "Patrol observed",
    "Checkpoint set up",
    "Convoy sighted",
    "Drone strike",
    "Protest",
    "Arrest campaign",
    "Improvised explosive device",
    "Troop reinforcement",
    "Withdrawal of forces",
)
OUTLETS = (
    "Reuters",
    "AFP",
    "Associated Press",
    "Al Jazeera",
    "Enab Baladi",
    "North Press Agency",
    "Syria Direct",
    "TASS",
    "Interfax",
    "The National",
)


@dataclass(frozen=True)
class SynthInfo:
    """What was written."""

    path: Path
    claims: int
    places: int
    polygons: int
    sources: int


def _weighted(rng: random.Random, table: tuple) -> str:
    names = [t[0] for t in table]
    weights = [t[-1] for t in table]
    return rng.choices(names, weights)[0]


def _day(rng: random.Random) -> str:
    # 2012-01-01 .. 2025-10-31, uniform by day
    return dt.date.fromordinal(rng.randint(FIRST_DAY, LAST_DAY)).isoformat()


def _clip(lon: float, lat: float) -> tuple[float, float]:
    return min(max(lon, LON_MIN), LON_MAX), min(max(lat, LAT_MIN), LAT_MAX)


def _polygon(rng: random.Random, index: int) -> dict:
    """A valid convex-ish polygon (a star-free ring of 6..14 vertices) inside the box."""
    radius = rng.uniform(0.04, 0.3)
    clon = rng.uniform(LON_MIN + 0.35, LON_MAX - 0.35)
    clat = rng.uniform(LAT_MIN + 0.35, LAT_MAX - 0.35)
    n = rng.randint(6, 14)
    k = math.cos(math.radians(clat))
    ring = []
    for i in range(n):
        angle = 2 * math.pi * i / n
        r = radius * rng.uniform(0.75, 1.0)
        ring.append(
            [round(clon + r * math.cos(angle) / k, 6), round(clat + r * math.sin(angle), 6)]
        )
    ring.append(ring[0])
    kind, noun = REGION_KINDS[index % len(REGION_KINDS)]
    town = TOWNS[index % len(TOWNS)]
    return {
        "type": "Feature",
        "properties": {
            "id": f"r{index:04d}",
            "name_en": f"{noun} {index // len(TOWNS) + 1} near {town[0]}",
            "name_ar": f"منطقة {index // len(TOWNS) + 1} قرب {town[1]}",
            "name_ru": f"Зона {index // len(TOWNS) + 1} близ {town[2]}",
            "kind": kind,
            "precision": "region",
        },
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def generate(
    out_dir: Path | str, n_claims: int, seed: int = 6, n_polygons: int | None = None
) -> SynthInfo:
    """Write places.geojson, claims.json and sources.json for ``n_claims`` claims."""
    rng = random.Random(f"briefmap-bench-{seed}-{n_claims}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if n_polygons is None:
        n_polygons = min(300, max(3, n_claims // 10))
    polygons = [_polygon(rng, i) for i in range(n_polygons)]
    n_sources = max(5, n_claims // 50)
    sources = []
    for i in range(n_sources):
        outlet = OUTLETS[i % len(OUTLETS)]
        sources.append(
            {
                "id": f"s{i:05d}",
                "outlet": outlet,
                "title": f"report {i // len(OUTLETS) + 1}",
                "date": _day(rng),
                "url": f"https://example.org/{outlet.lower().replace(' ', '-')}/{i}",
            }
        )
    site_weights = [s[-1] for s in SITE_KINDS]
    points: list[dict] = []
    claims: list[dict] = []
    n_origins = 0
    for i in range(n_claims):
        roll = rng.random()
        if roll < 0.03 and polygons:
            place_id = polygons[rng.randrange(len(polygons))]["properties"]["id"]
        elif roll < 0.05 and points:
            place_id = points[rng.randrange(len(points))]["properties"]["id"]
        else:
            town = TOWNS[rng.randrange(len(TOWNS))]
            kind, precision, en, ar, ru, _ = rng.choices(SITE_KINDS, site_weights)[0]
            spread = 0.35 if rng.random() < 0.8 else 1.2
            for _ in range(20):  # draw again rather than pile points up on the box's edge
                lon, lat = town[4] + rng.gauss(0, spread), town[3] + rng.gauss(0, spread * 0.8)
                if LON_MIN <= lon <= LON_MAX and LAT_MIN <= lat <= LAT_MAX:
                    break
            lon, lat = _clip(lon, lat)
            place_id = f"p{len(points):06d}"
            points.append(
                {
                    "type": "Feature",
                    "properties": {
                        "id": place_id,
                        "name_en": f"{en} near {town[0]}",
                        "name_ar": f"{ar} قرب {town[1]}",
                        "name_ru": f"{ru} близ {town[2]}",
                        "kind": kind,
                        "precision": precision,
                    },
                    "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                }
            )
        actor = _weighted(rng, ACTORS)
        actors = [actor]
        if rng.random() < 0.15:
            other = _weighted(rng, ACTORS)
            if other != actor:
                actors.append(other)
        status = _weighted(rng, STATUSES)
        posture = _weighted(rng, POSTURES)
        reported = _day(rng)
        claimant = rng.choice(CLAIMANTS[actor])
        event = rng.choice(EVENTS)
        claim: dict = {
            "id": f"c{i:06d}",
            "places": [place_id],
            "actors": actors,
            "claimant": claimant,
            "status": status,
            "posture": posture,
            "reported": reported,
            "summary": f"{event} at this location; {rng.randint(0, 40)} casualties and "
            f"{rng.randint(1, 12)} vehicles according to local sources (event {i}).",
            "attribution": f"according to {claimant}",
            "sources": [f"s{rng.randrange(n_sources):05d}"],
            "role": "context" if rng.random() < 0.15 else "report",
        }
        if status == "confirmed":
            # Confirmed needs a second outlet: the next source is another outlet's.
            first = int(claim["sources"][0][1:])
            claim["sources"].append(f"s{(first + 1) % n_sources:05d}")
        if posture == "former":
            # A former claim dates its end: here the report is of the end itself.
            claim["history"] = [{"date": reported, "status": status, "posture": "former"}]
        if posture == "proposed" and n_origins < 25 and points and rng.random() < 0.3:
            origin = points[rng.randrange(len(points))]["properties"]["id"]
            if origin != place_id:
                claim["origin"] = origin
                claim["origin_source"] = claim["sources"][0]
                claim["origin_note"] = "the cited report names the base"
                n_origins += 1
        if (
            posture == "current"
            and status != "unverified"
            and rng.random() < 0.02
            and reported < "2025-06-01"
        ):
            claim["history"] = [
                {"date": reported, "status": "unverified", "posture": "current"},
                {
                    "date": "2025-06-15",
                    "status": status,
                    "note": "corroborated",
                    "sources": claim["sources"][-1:],
                },
            ]
        claims.append(claim)
    places = {"type": "FeatureCollection", "features": polygons + points}
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    (out / "places.geojson").write_text(json.dumps(places, **compact), encoding="utf-8")
    (out / "claims.json").write_text(
        json.dumps({"as_of": AS_OF, "claims": claims}, **compact), encoding="utf-8"
    )
    (out / "sources.json").write_text(json.dumps({"sources": sources}, **compact), encoding="utf-8")
    return SynthInfo(out, len(claims), len(points) + len(polygons), len(polygons), len(sources))
