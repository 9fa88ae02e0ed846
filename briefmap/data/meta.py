"""The data set's own metadata, ``briefmap.json``: title, region of interest, actors.

What belongs to a data set lives beside its data, not in the code: the map
page's title and subtitle, the box its places lie in (which catches swapped
coordinates) and its actors with their names and colours. The method (the
status ladder, postures, precision, place kinds) stays in
:mod:`briefmap.data.schema`.

Without the file, or for a part of it that is missing or bad, the data speaks
for itself (:func:`derived_meta`): the title comes from the folder's or file's
name (:func:`title_from_name`), the region from the places' bounds
(:func:`region_around`), the actors from the ids the claims and sources use
(:func:`actors_for`), so a data set about any subject loads as it is. A bad
file is reported like any other (file, record, field): an actor with a bad
colour or name is kept, grey or named by its id, so the claims citing it still
load; an actor without a usable id, or with one already taken, is left out
(and claims citing it get their own error).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import shapely

from briefmap.data.schema import (
    ACTOR_FIELDS,
    META_FIELDS,
    META_FILE,
    REGION_FIELDS,
    UNKNOWN_ACTOR_COLOUR,
    UNTITLED,
    WORLD,
    Actor,
    DataMeta,
    Place,
    Region,
)
from briefmap.data.validate import (
    Collector,
    Record,
    check_unique,
    finite_number,
    records_of,
    short,
)

COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
LIMITS = {"west": (-180, 180), "east": (-180, 180), "south": (-90, 90), "north": (-90, 90)}

# The colours of actors the data names without a briefmap.json: Okabe & Ito's
# (2008) hues, told apart under the common forms of colour-blindness, darkened
# to six distinct greys with 3:1 or more against the map (checked by
# briefmap.drawing.symbology.colour_problems in tests/test_colours.py). A
# seventh actor starts the cycle again: past six, no set of hues stays apart
# in greyscale, and status is never carried by colour alone (see symbology).
ACTOR_PALETTE = (
    "#9E4600",  # vermillion, darkened
    "#005A42",  # bluish green, dark
    "#002F49",  # blue, darkest
    "#B17A00",  # ochre, the lightest
    "#1779B0",  # blue, lighter
    "#66274A",  # plum
)

# A region taken from the places reaches past them by a tenth of their span on
# each side, and by half a degree at least (about 55 km), so that a single
# point, or places in a line, still get a box a map can frame.
REGION_PAD_FRACTION = 0.1
REGION_MIN_PAD_DEGREES = 0.5


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
    # With no valid actor at all, the data's own (so the claims can still be checked).
    return tuple(actors) or None


@dataclass(frozen=True)
class GivenMeta:
    """What a ``briefmap.json`` gives, part by part: ``None`` where it gives nothing valid."""

    title: str | None = None
    subtitle: str | None = None
    region: Region | None = None
    actors: tuple[Actor, ...] | None = None


def read_meta(payload: Any, out: Collector) -> GivenMeta:
    """Validate a parsed ``briefmap.json``; ``None`` (no file) gives nothing.

    Every problem is reported on ``out``; a part that fails is left to the data
    (:func:`derived_meta`).
    """
    if payload is None:
        return GivenMeta()
    if not isinstance(payload, dict):
        out.add("-", "-", f"{META_FILE} must be a JSON object")
        return GivenMeta()
    rec = Record(payload, "-", out)
    rec.no_unknown_fields(META_FIELDS)
    title = rec.text("title")
    subtitle = rec.text("subtitle", required=False)
    region = (
        _region(rec, payload["region_of_interest"]) if "region_of_interest" in payload else None
    )
    if "region_of_interest" not in payload:
        rec.fail("region_of_interest", 'is missing; give {"west", "south", "east", "north"}')
    actors = _actors(payload.get("actors"), out)
    return GivenMeta(title=title, subtitle=subtitle, region=region, actors=actors)


def title_from_name(name: str) -> str:
    """A data set's title from its folder's name, or its file's without the extension.

    Hyphens and underscores become spaces, runs of spaces one, and the first
    letter a capital; the rest stays as written: ``libya-2020`` gives "Libya
    2020", ``sahel_raids`` "Sahel raids", ``UN-missions`` "UN missions". No
    name at all gives :data:`~briefmap.data.schema.UNTITLED`.
    """
    words = " ".join(name.replace("-", " ").replace("_", " ").split())
    return words[:1].upper() + words[1:] if words else UNTITLED


def region_around(places: Iterable[Place]) -> Region:
    """The region of interest the places themselves span, padded.

    The box around the places on the map (those not ``off_map``; when every
    place is off the map, around them all), reaching past them by
    :data:`REGION_PAD_FRACTION` of its span on each side and at least
    :data:`REGION_MIN_PAD_DEGREES`, rounded outwards to 0.01 degrees, within
    WGS84's limits. No places: the whole world
    (:data:`~briefmap.data.schema.WORLD`). Places across the antimeridian get
    a box the long way round.
    """
    every = list(places)
    chosen = [p for p in every if not p.off_map] or every
    if not chosen:
        return WORLD
    west, south, east, north = (
        float(v) for v in shapely.total_bounds([p.geometry for p in chosen])
    )
    pad_lon = max((east - west) * REGION_PAD_FRACTION, REGION_MIN_PAD_DEGREES)
    pad_lat = max((north - south) * REGION_PAD_FRACTION, REGION_MIN_PAD_DEGREES)
    # Rounded outwards to a hundredth of a degree: a box a person can read and
    # copy into a briefmap.json.
    return Region(
        west=max(math.floor((west - pad_lon) * 100) / 100, -180.0),
        south=max(math.floor((south - pad_lat) * 100) / 100, -90.0),
        east=min(math.ceil((east + pad_lon) * 100) / 100, 180.0),
        north=min(math.ceil((north + pad_lat) * 100) / 100, 90.0),
    )


def actors_for(actor_ids: Iterable[str]) -> tuple[Actor, ...]:
    """Actors for ids the data uses without defining them: named by their ids.

    In sorted order, each with the next colour of :data:`ACTOR_PALETTE`
    (cycling past its end), so the same ids always get the same colours.
    """
    ordered = sorted(set(actor_ids))
    return tuple(
        Actor(actor_id, actor_id, ACTOR_PALETTE[number % len(ACTOR_PALETTE)])
        for number, actor_id in enumerate(ordered)
    )


def actor_ids_cited(claims_payload: Any, sources_payload: Any) -> set[str]:
    """Every actor id the claims' ``actors`` and the sources' ``official_of`` name, valid or not.

    What the claims and sources are checked against when no ``briefmap.json``
    lists the actors: the data's own ids are its actors.
    """
    scratch = Collector("-")  # the records' own checks report their problems
    cited: set[str] = set()
    for _, claim in records_of(claims_payload, "claims", scratch, lambda item: item.get("id")):
        actors = claim.get("actors") if claim else None
        if isinstance(actors, list):
            cited.update(a.strip() for a in actors if isinstance(a, str) and a.strip())
    for _, source in records_of(sources_payload, "sources", scratch, lambda item: item.get("id")):
        official = source.get("official_of") if source else None
        if isinstance(official, str) and official.strip():
            cited.add(official.strip())
    return cited


def derived_meta(
    given: GivenMeta, name: str, places: Iterable[Place], actor_ids: Iterable[str]
) -> DataMeta:
    """A data set's metadata: what its ``briefmap.json`` gives, the rest from the data.

    Parameters
    ----------
    given
        The valid parts of the data's ``briefmap.json`` (:func:`read_meta`).
    name
        The data set's name (its folder's, or its file's without the extension),
        for a title: :func:`title_from_name`.
    places
        The valid places, for a region of interest: :func:`region_around`.
    actor_ids
        The actor ids the valid claims and sources use, for actors:
        :func:`actors_for`.

    Returns
    -------
    DataMeta
        The given parts as given, the others taken from the data; no subtitle
        unless one is given.
    """
    return DataMeta(
        title=given.title or title_from_name(name),
        subtitle=given.subtitle or "",
        region=given.region or region_around(places),
        actors=given.actors if given.actors is not None else actors_for(actor_ids),
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
