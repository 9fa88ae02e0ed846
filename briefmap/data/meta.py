"""The data set's own metadata, ``briefmap.json``: title, region of interest, actors.

What belongs to a data set lives beside its data, not in the code: the map
page's title and subtitle, the box its places lie in (which catches swapped
coordinates) and its actors with their names and colours. The method (the
status ladder, postures, precision, place kinds) stays in
:mod:`briefmap.data.schema`.

A folder or bundle without the file gets :data:`~briefmap.data.schema.DEFAULT_META`
(the first subject's values), so older data still loads. A bad file is
reported like any other (file, record, field) and its bad parts fall back to
the defaults: a bad title keeps the default title, a bad region the default
region; an actor with a bad colour or name is kept, grey or named by its id,
so the claims citing it still load; an actor without a usable id, or with one
already taken, is left out (and claims citing it get their own error).
"""

from __future__ import annotations

import re
from typing import Any

from briefmap.data.schema import (
    ACTOR_FIELDS,
    DEFAULT_META,
    META_FIELDS,
    META_FILE,
    REGION_FIELDS,
    UNKNOWN_ACTOR_COLOUR,
    Actor,
    DataMeta,
    Region,
)
from briefmap.data.validate import Collector, Record, check_unique, finite_number, short

COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
LIMITS = {"west": (-180, 180), "east": (-180, 180), "south": (-90, 90), "north": (-90, 90)}


def _region(rec: Record, raw: Any) -> Region | None:
    if not isinstance(raw, dict):
        rec.fail("region_of_interest", 'must be an object {"west", "south", "east", "north"}')
        return None
    sub = Record(raw, rec.rid, rec.out, prefix="region_of_interest.")
    sub.no_unknown_fields(REGION_FIELDS)
    values: dict[str, float] = {}
    for name in REGION_FIELDS:
        value = raw.get(name)
        low, high = LIMITS[name]
        number = finite_number(value)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            sub.fail(name, f"must be a number of degrees, got {short(value)}")
        elif number is None or not low <= number <= high:
            sub.fail(name, f"{short(value)} is outside {low}..{high} degrees (WGS84)")
        else:
            values[name] = number
    if len(values) == len(REGION_FIELDS):
        if values["west"] >= values["east"]:
            sub.fail("west", f"{values['west']} is not west of east ({values['east']})")
        if values["south"] >= values["north"]:
            sub.fail("south", f"{values['south']} is not south of north ({values['north']})")
    if sub.failed:
        rec.failed = True
        return None
    return Region(**values)


def _actors(raw: Any, out: Collector) -> tuple[Actor, ...] | None:
    if not isinstance(raw, list) or not raw:
        out.add("-", "actors", "must be a non-empty list of {id, name_en, colour} objects")
        return None
    actors: list[Actor] = []
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        if not isinstance(item, dict):
            out.add(f"actors[{index}]", "-", "must be a JSON object")
            continue
        rid = item.get("id")
        rid = rid.strip() if isinstance(rid, str) and rid.strip() else f"actors[{index}]"
        rec = Record(item, rid, out)
        actor_id = rec.text("id")
        if actor_id is not None:
            check_unique(rec, seen)
        usable_id = actor_id is not None and not rec.failed
        rec.no_unknown_fields(ACTOR_FIELDS)
        name_en = rec.text("name_en")
        name_ar = rec.text("name_ar", required=False)
        name_ru = rec.text("name_ru", required=False)
        colour = rec.text("colour")
        if colour is not None and not COLOUR.fullmatch(colour):
            rec.fail("colour", f"{short(colour)} is not a colour in the form #RRGGBB")
            colour = None
        if usable_id and actor_id:
            # Reported above; kept (grey, or named by its id) so its claims still load.
            colour = colour.upper() if colour else UNKNOWN_ACTOR_COLOUR
            actors.append(Actor(actor_id, name_en or actor_id, colour, name_ar, name_ru))
    # With no valid actor at all, the defaults' (so the claims can still be checked).
    return tuple(actors) or None


def load_meta(payload: Any, out: Collector) -> DataMeta:
    """Validate a parsed ``briefmap.json``; ``None`` (no file) gives the defaults.

    Every problem is reported on ``out``; each part that fails keeps its default.
    """
    if payload is None:
        return DEFAULT_META
    if not isinstance(payload, dict):
        out.add("-", "-", f"{META_FILE} must be a JSON object")
        return DEFAULT_META
    rec = Record(payload, "-", out)
    rec.no_unknown_fields(META_FIELDS)
    title = rec.text("title") or DEFAULT_META.title
    subtitle = rec.text("subtitle", required=False)
    region = (
        _region(rec, payload["region_of_interest"]) if "region_of_interest" in payload else None
    )
    if "region_of_interest" not in payload:
        rec.fail("region_of_interest", 'is missing; give {"west", "south", "east", "north"}')
    actors = _actors(payload.get("actors"), out)
    return DataMeta(
        title=title,
        subtitle=subtitle if subtitle is not None else DEFAULT_META.subtitle,
        region=region or DEFAULT_META.region,
        actors=actors if actors is not None else DEFAULT_META.actors,
    )


def meta_json(meta: DataMeta) -> dict[str, Any]:
    """``briefmap.json``'s content for a catalog's metadata (exports carry it)."""
    return {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "region_of_interest": {
            "west": meta.region.west,
            "south": meta.region.south,
            "east": meta.region.east,
            "north": meta.region.north,
        },
        "actors": [
            {
                "id": a.id,
                "name_en": a.name_en,
                **({"name_ar": a.name_ar} if a.name_ar else {}),
                **({"name_ru": a.name_ru} if a.name_ru else {}),
                "colour": a.colour,
            }
            for a in meta.actors
        ],
    }
