"""Rows of the user's own layer turned into claims, on purpose: a column mapping.

The user says which column is which of Briefmap's fields (a claim's status,
actors, reported day, claimant, sources, summary...; a place's name, kind and
precision), or gives one value for every row (the claimant, say). Each row
then becomes a place and a claim about it, with sources named after the
outlets its sources column lists, and the whole is checked by the one
validator (:func:`briefmap.data.loader.assemble`), so a mapped row is held to
the same rules as the data folder's claims: the sourcing rules apply
unchanged. A row that names no source stays in the user's own layer and is
never a claim; it is reported, as every row that does not become a valid
claim is, by file, record and field.

Pure: no Streamlit. The app's "Turn rows into claims" and ``python -m briefmap
validate FILE --mapping`` call :func:`claims_from_rows` and print
:func:`describe_row_claims`, so both say the same.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import shapely

from briefmap.data.convention import LIST_SEPARATOR, slug
from briefmap.data.loader import LoadResult, assemble
from briefmap.data.own_layer import OWN_LAYER_NAME, OwnFeature, OwnLayer
from briefmap.data.schema import (
    NO_META,
    Actor,
    Catalog,
    ClaimStatus,
    Source,
)
from briefmap.data.sourcing import independent_outlets
from briefmap.data.validate import Collector, ValidationIssue, real_day, short
from briefmap.engine.spelling import normalise, to_latin

# The fields a column (or one value for all rows) may fill, in the order the
# app offers them: the claim's, then its place's.
CLAIM_TARGETS = (
    "status",
    "actors",
    "reported",
    "claimant",
    "sources",
    "summary",
    "attribution",
    "posture",
    "role",
)
PLACE_TARGETS = ("name_en", "kind", "precision", "off_map")
TARGETS = (*CLAIM_TARGETS, *PLACE_TARGETS)
# A status given as this is taken from the sources, as high as the sourcing
# rules allow and no higher: confirmed for two independent outlets, else reported.
STATUS_FROM_SOURCES = "from its sources"
# Ids of what a mapping makes, kept apart from the data's own.
ID_PREFIX = "own"
# Days as spreadsheets and ACLED write them besides YYYY-MM-DD: "15 October 2025".
_DAY_FORMATS = ("%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d/%m/%Y")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class ColumnMapping:
    """Which column holds each Briefmap field, and which fields are one value for all rows.

    ``columns`` maps a field of :data:`TARGETS` to a column of the file;
    ``fixed`` maps a field to its value for every row (a column wins where
    both are given and the row's cell is filled). ``reading``, when given,
    turns a row's cells into field values first (a ready mapping's own
    reading, as :mod:`briefmap.engine.acled`'s); what it gives wins.
    """

    columns: Mapping[str, str] = field(default_factory=dict)
    fixed: Mapping[str, str] = field(default_factory=dict)
    name: str = "your mapping"
    reading: Callable[[Mapping[str, str]], dict[str, str]] | None = None
    # A claim's id from this column (else the row's id), e.g. ACLED's event id.
    id_column: str | None = None

    def value(self, target: str, row: Mapping[str, str], read: Mapping[str, str]) -> str:
        """The row's text for ``target``: the reading's, the column's, else the fixed value."""
        if read.get(target):
            return read[target]
        column = self.columns.get(target)
        cell = (row.get(column) or "").strip() if column else ""
        return cell or (self.fixed.get(target) or "").strip()


def mapping_problems(mapping: ColumnMapping, columns: tuple[str, ...]) -> list[str]:
    """What is wrong with a mapping for a file of these columns (unknown fields or columns)."""
    problems = [
        f"{short(target)} is not a field a column can fill (fields: {', '.join(TARGETS)})"
        for target in (*mapping.columns, *mapping.fixed)
        if target not in TARGETS
    ]
    problems += [
        f"{short(column)} is no column of the file"
        for column in mapping.columns.values()
        if column not in columns
    ]
    return problems


def parse_mapping(payload: Any) -> ColumnMapping:
    """A mapping file's content (``{"columns": {field: column}, "fixed": {field: value}}``).

    ``{"preset": "acled"}`` is ACLED's ready mapping. Raises ``ValueError``
    saying what is wrong.
    """
    if not isinstance(payload, dict):
        raise ValueError('a mapping is a JSON object: {"columns": {...}, "fixed": {...}}')
    unknown = set(payload) - {"columns", "fixed", "preset"}
    if unknown:
        raise ValueError(f"unknown keys {', '.join(sorted(map(short, unknown)))}")
    if payload.get("preset") is not None:
        from briefmap.engine.acled import ACLED_PRESET, acled_mapping

        if payload["preset"] != ACLED_PRESET:
            raise ValueError(f"preset {short(payload['preset'])} is not known (known: acled)")
        return acled_mapping()
    parts = {}
    for key in ("columns", "fixed"):
        part = payload.get(key, {})
        if not isinstance(part, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in part.items()
        ):
            raise ValueError(f'"{key}" is an object of text: {{"field": "text"}}')
        parts[key] = part
    return ColumnMapping(columns=parts["columns"], fixed=parts["fixed"])


def flag_mapping(flags: list[str]) -> ColumnMapping:
    """``--map field=column`` and ``--map field==value`` (one value for all rows) flags."""
    columns, fixed = {}, {}
    for flag in flags:
        target, sep, column = flag.partition("=")
        if not sep or not target.strip():
            raise ValueError(f"{short(flag)}: write field=column or field==value")
        if column.startswith("="):
            fixed[target.strip()] = column[1:]
        else:
            columns[target.strip()] = column
    return ColumnMapping(columns=columns, fixed=fixed)


@lru_cache(maxsize=4096)  # a file's rows share their days
def day_of(text: str) -> str:
    """A day as YYYY-MM-DD, read from ISO or "15 October 2025"; else the text, for the validator."""
    text = _SPACES.sub(" ", text.strip())
    if real_day(text[:10]) and (len(text) == 10 or text[10] in " T"):
        return text[:10]
    for pattern in _DAY_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    return text


@lru_cache(maxsize=4096)  # and their actors and outlets
def name_key(text: str) -> str:
    """A name folded for matching: case, accents, punctuation and script (spelling's folding)."""
    return to_latin(normalise(text))


def actor_ids_by_name(actors: tuple[Actor, ...]) -> dict[str, str]:
    """Each actor's id under the folded form of its id and of each of its names."""
    table: dict[str, str] = {}
    for actor in actors:
        for name in (actor.id, actor.name_en, actor.name_ar, actor.name_ru):
            if name:
                table.setdefault(name_key(name), actor.id)
    return table


def items(text: str) -> list[str]:
    """A list cell's items: ``a; b``."""
    return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]


@dataclass(frozen=True)
class RowClaims:
    """What a mapping made of the rows: the valid claims, and what stayed your own layer."""

    layer: OwnLayer
    result: LoadResult
    rows: int
    # Rows that cite no source: reported, kept as features, never claims.
    sourceless: tuple[ValidationIssue, ...] = ()
    new_actors: tuple[Actor, ...] = ()

    @property
    def catalog(self) -> Catalog:
        return self.result.catalog

    @property
    def claims(self) -> int:
        return len(self.result.catalog.claims)

    @property
    def issues(self) -> tuple[ValidationIssue, ...]:
        return (*self.sourceless, *self.result.issues)


def _status(text: str, cited: list[dict[str, Any]]) -> str:
    if text.strip().lower() != STATUS_FROM_SOURCES:
        return text.strip().lower()
    outlets = independent_outlets(
        Source(id=s["id"], outlet=s["outlet"], date="", outlet_known=s.get("outlet_known", True))
        for s in cited
    )
    return (ClaimStatus.CONFIRMED if len(outlets) >= 2 else ClaimStatus.REPORTED).value


def claims_from_rows(
    layer: OwnLayer, mapping: ColumnMapping, base: Catalog | None = None
) -> RowClaims:
    """The rows of ``layer`` as places and claims by ``mapping``, checked as any claim is.

    Parameters
    ----------
    layer
        The user's own layer, every column as text.
    mapping
        Which column is which field, and the fixed values.
    base
        The briefing's catalog: its actors are matched by name (spelling
        folded), its sources may be cited by id, and its region and actor
        table are the mapped claims' (an actor no row's name matches is added
        as a new actor, grey, labelled by its name). ``None``: the rows speak
        for themselves, as ``python -m briefmap validate FILE`` reads them.

    Returns
    -------
    RowClaims
        The valid claims (and their places and sources), every row that did
        not become one reported by file, record and field.
    """
    file = layer.source_file
    meta = base.meta if base is not None else NO_META
    by_name = actor_ids_by_name(meta.actors)
    base_sources = base.sources if base is not None else {}
    new_actors: dict[str, Actor] = {}
    features, claims, sources = [], [], {}
    sourceless = Collector(file)
    # The row each made place and claim comes from: their issues name the row as
    # the own layer names it ("my-maps-1"), not by the id made for it
    # ("own-my-maps-1"). None: an id several rows made (a repeated id column).
    row_of: dict[str, str | None] = {}
    for feature in layer.features:
        row = feature.properties
        read = mapping.reading(row) if mapping.reading else {}
        cited = _cited(mapping.value("sources", row, read), mapping, row, read, base_sources)
        if not cited:
            sourceless.add(
                feature.id,
                "sources",
                f"empty; a claim cites its sources, so the row stays in {OWN_LAYER_NAME}",
            )
            continue
        place_id = f"{ID_PREFIX}-{slug(feature.id)}"
        features.append(_place(feature, place_id, mapping, row, read))
        actors = []
        for name in items(mapping.value("actors", row, read)):
            found = by_name.get(name_key(name))
            if found is None:
                found = by_name.setdefault(name_key(name), slug(name_key(name)) or "actor")
                new_actors.setdefault(found, Actor.stand_in(found))
                new_actors[found] = dataclasses.replace(new_actors[found], name_en=name)
            if found not in actors:
                actors.append(found)
        made = [s for s in cited if s["id"] not in base_sources]
        for source in made:
            sources.setdefault(source["id"], source)
        claim_key = (row.get(mapping.id_column) or "").strip() if mapping.id_column else ""
        claim: dict[str, Any] = {
            "id": f"{ID_PREFIX}-{slug(claim_key)}" if claim_key else place_id,
            "places": [place_id],
            "actors": actors,
            "sources": [s["id"] for s in cited],
        }
        for target in ("claimant", "summary", "attribution", "posture", "role"):
            text = mapping.value(target, row, read)
            if text:
                claim[target] = text.lower() if target in ("posture", "role") else text
        reported = mapping.value("reported", row, read)
        if reported:
            claim["reported"] = day_of(reported)
        status = mapping.value("status", row, read)
        if status:
            claim["status"] = _status(status, cited)
        claims.append(claim)
        row_of[place_id] = feature.id
        if claim["id"] != place_id:
            row_of[claim["id"]] = feature.id if claim["id"] not in row_of else None
    actors_all = (*meta.actors, *new_actors.values())
    if base is None:
        base = Catalog(meta=dataclasses.replace(NO_META, actors=actors_all))
    else:
        base = dataclasses.replace(base, meta=dataclasses.replace(meta, actors=actors_all))
    result = assemble(
        [
            (file, {"type": "FeatureCollection", "features": features}),
            (file, {"claims": claims}),
            (file, {"sources": list(sources.values())}),
        ],
        base=base,
        name=layer.name,
    )
    named = tuple(
        dataclasses.replace(issue, record=row_of.get(issue.record) or issue.record)
        for issue in result.issues
    )
    return RowClaims(
        layer=layer,
        result=dataclasses.replace(result, issues=named),
        rows=len(layer.features),
        sourceless=tuple(sourceless.issues),
        new_actors=tuple(new_actors.values()),
    )


def _cited(
    text: str,
    mapping: ColumnMapping,
    row: Mapping[str, str],
    read: Mapping[str, str],
    base_sources: Mapping[str, Source],
) -> list[dict[str, Any]]:
    """The row's sources: the data's own by id, else one source per outlet named, dated by the row."""
    day = day_of(mapping.value("reported", row, read))
    # A ready mapping's words for an outlet its source does not name (ACLED's "Other").
    unnamed = set(read.get("unknown_outlets", "").split("|")) - {""}
    cited: list[dict[str, Any]] = []
    for outlet in items(text):
        if outlet in base_sources:
            known = base_sources[outlet]
            cited.append(
                {"id": known.id, "outlet": known.outlet, "outlet_known": known.outlet_known}
            )
            continue
        record: dict[str, Any] = {
            "id": f"{ID_PREFIX}-src-{slug(name_key(outlet))}-{slug(day)}",
            "outlet": outlet,
            "date": day,
        }
        if name_key(outlet) in unnamed:
            record["outlet"] = f"{outlet} (outlet not identified)"
            record["outlet_known"] = False
        if all(c["id"] != record["id"] for c in cited):
            cited.append(record)
    return cited


def _place(
    feature: OwnFeature,
    place_id: str,
    mapping: ColumnMapping,
    row: Mapping[str, str],
    read: Mapping[str, str],
) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "id": place_id,
        "name_en": mapping.value("name_en", row, read) or feature.name or feature.id,
    }
    for target in ("kind", "precision"):
        text = mapping.value(target, row, read)
        if text:
            properties[target] = text.lower()
    off_map = mapping.value("off_map", row, read).lower()
    if off_map:
        properties["off_map"] = off_map in ("true", "yes", "1")
    return {
        "type": "Feature",
        "properties": properties,
        # As a file gives it (lists, not shapely's tuples), for the one validator.
        "geometry": json.loads(shapely.to_geojson(feature.geometry)),
    }


def describe_row_claims(made: RowClaims) -> str:
    """One line: how many rows became claims, and how many stay the user's own layer.

    The same words in the app's preview and in ``python -m briefmap validate``.
    """
    stay = made.rows - made.claims
    return (
        f"{made.layer.source_file}: {made.claims:,} of {made.rows:,} "
        f"row{'s' if made.rows != 1 else ''} become claims; {stay:,} stay {OWN_LAYER_NAME}"
        + (
            f" ({len(made.issues):,} error{'s' if len(made.issues) != 1 else ''})"
            if made.issues
            else ""
        )
    )


def mapping_json(mapping: ColumnMapping) -> str:
    """A mapping as the file ``--mapping`` reads (a ready mapping by its preset's name)."""
    return json.dumps({"columns": dict(mapping.columns), "fixed": dict(mapping.fixed)}, indent=2)


def mapping_for(
    layer: OwnLayer, mapping_file: Path | None = None, flags: list[str] | tuple[str, ...] = ()
) -> ColumnMapping | None:
    """The mapping ``validate`` applies: the file's, the flags', else a ready one (ACLED's), else none.

    Raises ``ValueError`` naming the mapping file and what is wrong with it.
    """
    # Here, not at the top: acled builds on this module's ColumnMapping.
    from briefmap.engine.acled import is_acled, layer_columns, ready_mapping

    if mapping_file is not None:
        try:
            mapping = parse_mapping(json.loads(mapping_file.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{mapping_file}: {exc}") from None
    elif flags:
        mapping = flag_mapping(list(flags))
    else:
        return ready_mapping(layer)
    columns = layer_columns(layer)
    if mapping.reading is not None and not is_acled(columns):
        problems = [f"{mapping.name} needs every one of ACLED's columns; this file lacks some"]
    else:
        problems = [] if mapping.reading else mapping_problems(mapping, columns)
    if problems:
        raise ValueError(f"{mapping_file or '--map'}: " + "; ".join(problems))
    return mapping


def mapped_report(
    layers: tuple[OwnLayer, ...],
    mapping_file: Path | None,
    flags: list[str],
    against: Callable[[], tuple[str, Catalog] | None] = lambda: None,
) -> tuple[bool, list[ValidationIssue]]:
    """``validate``'s report of rows turned into claims: printed; whether all did, and the issues.

    ``against``: the data set the rows are checked against (its name and
    catalog: its actors matched by name, its region of interest), as the app
    checks an upload's rows against the data it shows; read only when a
    mapping applies. ``None``: the rows speak for themselves.
    """
    issues: list[ValidationIssue] = []
    if not layers and (mapping_file is not None or flags):
        raise ValueError(
            "--mapping and --map turn your own layer's rows into claims; this file has none"
        )
    base: tuple[str, Catalog] | None = None
    for layer in layers:
        mapping = mapping_for(layer, mapping_file, flags)
        if mapping is None:
            continue
        if base is None:
            base = against()
            if base is not None:
                print(describe_against(*base))
        made = claims_from_rows(layer, mapping, base[1] if base else None)
        print(f"Mapped by {mapping.name}:")
        for issue in made.issues:
            print(issue)
        print(describe_row_claims(made))
        if made.new_actors:
            names = ", ".join(short(a.name_en) for a in made.new_actors)
            print(f"{layer.source_file}: new actors, named by no actor of the data set: {names}")
        issues += made.issues
    return not issues, issues


def describe_against(name: str, catalog: Catalog) -> str:
    """One line: the data set mapped rows are checked against, its region and its actors."""
    west, south, east, north = catalog.meta.region.box
    return (
        f"Mapped rows checked against {name}: region of interest lon {west:g}..{east:g}, "
        f"lat {south:g}..{north:g}; actors: {', '.join(catalog.meta.actor_ids) or 'none'}"
    )


def with_row_claims(catalog: Catalog, made: RowClaims) -> Catalog:
    """``catalog`` (an upload's) with the claims a mapping made, their places, sources and new actors.

    Applied twice, the same rows give the same ids: the claims are replaced, not doubled.
    """
    mapped = made.catalog
    known = {a.id for a in catalog.meta.actors}
    actors = (*catalog.meta.actors, *(a for a in made.new_actors if a.id not in known))
    return Catalog(
        places={**catalog.places, **mapped.places},
        claims={**catalog.claims, **mapped.claims},
        sources={**catalog.sources, **mapped.sources},
        as_of=catalog.as_of,
        meta=dataclasses.replace(catalog.meta, actors=actors),
    )
