"""Seeded synthetic data shaped like real reporting, for issue 12's benchmark.

:mod:`bench.synth` spreads claims evenly: almost every claim has a site of its
own. Real reporting is lopsided, and that is what this set reproduces:

- about 170 named towns (the 42 of :data:`bench.synth.TOWNS` and quarters and
  villages around them, named in English, Arabic and Russian), with sites
  around them, and places reused with Zipf-like weights: at 100,000 claims the
  busiest place carries about a tenth of all claims;
- 150 outlines (regions, buffer zones, governorates);
- 10 places off the map (Moscow, Geneva, Astana...), about 1% of claims;
- proposals with an origin named by their source (about 1,800 at 100,000),
  from a few dozen bases, so the map draws arrows;
- a burst of reporting in 2025 (a third of the claims), and dated histories.

Every claim keeps the sourcing rules (a confirmed claim cites two outlets, a
former one dates its end). The same seed gives the same files.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from bench.synth import (
    ACTORS,
    CLAIMANTS,
    EVENTS,
    OUTLETS,
    POSTURES,
    SITE_KINDS,
    STATUSES,
    TOWNS,
    SynthInfo,
    _clip,
    _day,
    _polygon,
    _weighted,
)

AS_OF = "2025-10-31"
N_TOWNS = 170
N_OUTLINES = 150
# (id, English, Arabic, Russian, lat, lon)
OFF_MAP = (
    ("moscow", "Moscow", "موسكو", "Москва", 55.752, 37.617),
    ("geneva", "Geneva", "جنيف", "Женева", 46.204, 6.143),
    ("astana", "Astana", "أستانا", "Астана", 51.160, 71.470),
    ("ankara", "Ankara", "أنقرة", "Анкара", 39.933, 32.860),
    ("tehran", "Tehran", "طهران", "Тегеран", 35.689, 51.389),
    ("washington", "Washington", "واشنطن", "Вашингтон", 38.907, -77.037),
    ("riyadh", "Riyadh", "الرياض", "Эр-Рияд", 24.713, 46.675),
    ("amman", "Amman", "عمّان", "Амман", 31.954, 35.911),
    ("baghdad", "Baghdad", "بغداد", "Багдад", 33.315, 44.366),
    ("new_york", "New York (UN)", "نيويورك", "Нью-Йорк", 40.749, -73.968),
)
QUARTERS = (("Old town", "المدينة القديمة", "Старый город"), ("East", "الشرق", "Восток"),
            ("West", "الغرب", "Запад"), ("Village", "قرية", "Деревня"))  # fmt: skip
BURST = (dt.date(2025, 1, 1).toordinal(), dt.date.fromisoformat(AS_OF).toordinal())


def _point(pid: str, names: tuple[str, str, str], kind: str, precision: str, lon: float, lat: float, *, off_map: bool = False) -> dict:  # fmt: skip
    props = {"id": pid, "name_en": names[0], "name_ar": names[1], "name_ru": names[2],
             "kind": kind, "precision": precision}  # fmt: skip
    if off_map:
        props["off_map"] = True
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}}  # fmt: skip


def _towns(rng: random.Random) -> list[dict]:
    towns = [
        _point(f"t{i:03d}", (en, ar, ru), "town", "town", lon, lat)
        for i, (en, ar, ru, lat, lon) in enumerate(TOWNS)
    ]
    while len(towns) < N_TOWNS:
        en, ar, ru, lat, lon = TOWNS[rng.randrange(len(TOWNS))]
        q_en, q_ar, q_ru = QUARTERS[rng.randrange(len(QUARTERS))]
        lon, lat = _clip(lon + rng.gauss(0, 0.08), lat + rng.gauss(0, 0.06))
        n = len(towns)
        towns.append(_point(f"t{n:03d}", (f"{en} {q_en} {n}", f"{ar} {q_ar} {n}", f"{ru} {q_ru} {n}"),
                            "town", "town", lon, lat))  # fmt: skip
    return towns


def _sites(rng: random.Random, towns: list[dict], n: int) -> list[dict]:
    weights = [s[-1] for s in SITE_KINDS]
    sites = []
    for i in range(n):
        town = towns[rng.randrange(len(towns))]
        tlon, tlat = town["geometry"]["coordinates"]
        kind, precision, en, ar, ru, _ = rng.choices(SITE_KINDS, weights)[0]
        lon, lat = _clip(tlon + rng.gauss(0, 0.05), tlat + rng.gauss(0, 0.04))
        p = town["properties"]
        names = (
            f"{en} near {p['name_en']}",
            f"{ar} قرب {p['name_ar']}",
            f"{ru} близ {p['name_ru']}",
        )
        sites.append(_point(f"s{i:06d}", names, kind, precision, lon, lat))
    return sites


def generate_realistic(out_dir: Path | str, n_claims: int, seed: int = 6) -> SynthInfo:
    """Write places.geojson, claims.json and sources.json for ``n_claims`` lopsided claims."""
    rng = random.Random(f"briefmap-realistic-{seed}-{n_claims}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    towns = _towns(rng)
    sites = _sites(rng, towns, max(10, n_claims // 8))
    outlines = [_polygon(rng, i) for i in range(min(N_OUTLINES, max(3, n_claims // 20)))]
    abroad = [_point(pid, (en, ar, ru), "capital", "town", lon, lat, off_map=True)
              for pid, en, ar, ru, lat, lon in OFF_MAP]  # fmt: skip
    # Zipf-like reuse: the r-th busiest point is chosen with weight 1/r.
    pool = [*towns, *sites]
    rng.shuffle(pool)
    cumulative, total = [], 0.0
    for rank in range(1, len(pool) + 1):
        total += 1.0 / rank
        cumulative.append(total)
    bases = [p["properties"]["id"] for p in pool[:40]]
    n_sources = max(10, n_claims // 40)
    sources = [
        {"id": f"src{i:05d}", "outlet": OUTLETS[i % len(OUTLETS)], "title": f"report {i}",
         "date": _day(rng), "url": f"https://example.org/{i}"}
        for i in range(n_sources)
    ]  # fmt: skip
    claims = []
    for i in range(n_claims):
        roll = rng.random()
        if roll < 0.01:
            place_id = abroad[rng.randrange(len(abroad))]["properties"]["id"]
        elif roll < 0.03:
            place_id = outlines[rng.randrange(len(outlines))]["properties"]["id"]
        else:
            at = rng.random() * total
            lo, hi = 0, len(cumulative) - 1
            while lo < hi:  # the first rank whose cumulative weight reaches `at`
                mid = (lo + hi) // 2
                lo, hi = (mid + 1, hi) if cumulative[mid] < at else (lo, mid)
            place_id = pool[lo]["properties"]["id"]
        actor = _weighted(rng, ACTORS)
        status = _weighted(rng, STATUSES)
        posture = "proposed" if rng.random() < 0.08 else _weighted(rng, POSTURES[:2])
        if rng.random() < 1 / 3:
            reported = dt.date.fromordinal(rng.randint(*BURST)).isoformat()
        else:
            reported = _day(rng)
        claimant = rng.choice(CLAIMANTS[actor])
        first = rng.randrange(n_sources)
        claim: dict = {
            "id": f"c{i:06d}", "places": [place_id], "actors": [actor], "claimant": claimant,
            "status": status, "posture": posture, "reported": reported,
            "summary": f"{rng.choice(EVENTS)} reported here (event {i}).",
            "attribution": f"according to {claimant}", "sources": [f"src{first:05d}"],
            "role": "context" if rng.random() < 0.15 else "report",
        }  # fmt: skip
        if status == "confirmed":
            claim["sources"].append(f"src{(first + 1) % n_sources:05d}")
        if posture == "former":
            claim["history"] = [{"date": reported, "status": status, "posture": "former"}]
        elif posture == "proposed" and rng.random() < 0.22:
            origin = bases[rng.randrange(len(bases))]
            if origin != place_id:
                claim.update(origin=origin, origin_source=claim["sources"][0],
                             origin_note="the cited report names the base")  # fmt: skip
        elif (
            status not in ("unverified", "denied")
            and rng.random() < 0.05
            and reported < "2025-06-01"
        ):
            claim["history"] = [
                {"date": reported, "status": "unverified", "posture": posture},
                {"date": "2025-06-15", "status": status, "note": "corroborated",
                 "sources": claim["sources"][-1:]},
            ]  # fmt: skip
        claims.append(claim)
    features = [*outlines, *towns, *sites, *abroad]
    compact = {"ensure_ascii": False, "separators": (",", ":")}
    (out / "places.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": features}, **compact), encoding="utf-8"
    )
    (out / "claims.json").write_text(
        json.dumps({"as_of": AS_OF, "claims": claims}, **compact), encoding="utf-8"
    )
    (out / "sources.json").write_text(json.dumps({"sources": sources}, **compact), encoding="utf-8")
    return SynthInfo(out, len(claims), len(features), len(outlines), len(sources))
