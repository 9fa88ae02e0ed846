"""The field convention: rows of a GIS layer read as Briefmap's places, claims and sources.

A KML placemark, a GeoPackage feature or a Shapefile record is a row of
cells that GDAL has typed (text, numbers, dates, booleans). Here each row
becomes a record shaped like the JSON files' (``places.geojson``'s features,
``claims.json``'s claims, ``sources.json``'s sources), so the one validator
checks it with the same messages. Which column is which field is
:data:`~briefmap.data.schema.GIS_ALIASES` and the schema's field lists; a
column that is none of them is reported once for the file, on the first
record that fills it, with how many records fill it, and the records still
load.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from briefmap.data.schema import (
    CLAIM_FIELDS,
    CLAIM_LIST_COLUMNS,
    GIS_ALIASES,
    GIS_CLAIM_ID,
    HISTORY_FIELDS,
    PLACE_FIELDS,
    SOURCE_FIELDS,
)
from briefmap.data.validate import Collector, short

# Fields whose cell is a list: "a;b", or a JSON array when an item holds a ";".
LIST_FIELDS = frozenset((*CLAIM_LIST_COLUMNS, "alt_names"))
FLAG_FIELDS = frozenset(("off_map", "outlet_known"))
LIST_SEPARATOR = ";"
# A claim's fields in a row of places: a row is a claim too when it fills one.
ROW_CLAIM_FIELDS = tuple(f for f in CLAIM_FIELDS if f not in ("id", "places", "history"))
_FLAG_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")


def cell(value: Any) -> Any:
    """A cell as the JSON files would hold it; ``None`` for an empty one.

    GDAL gives numbers, dates and booleans by the column's type; ids and
    days are text in Briefmap, so whole numbers become ``"3"`` and dates
    ``"2025-10-15"``.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return value
    if not pd.api.types.is_scalar(value):  # GDAL's list columns
        return [str(v) for v in value]
    if pd.isna(value):  # NaN, NaT, pandas' NA: an empty cell
        return None
    if isinstance(value, dt.datetime):  # pandas' Timestamp too: a day is all Briefmap keeps
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    number = float(value) if isinstance(value, (int, float)) or hasattr(value, "item") else None
    if number is not None and math.isfinite(number) and number == int(number):
        return str(int(number))
    return str(value)


def list_cell(value: Any) -> Any:
    """A list field's cell: ``"a; b"`` or a JSON array of text as a list."""
    if not isinstance(value, str):
        return value
    if value.startswith("["):
        try:
            items = json.loads(value)
        except ValueError:
            return value  # reported by the validator as not a list
        return items if isinstance(items, list) else value
    return [v.strip() for v in value.split(LIST_SEPARATOR) if v.strip()]


def list_text(values: Iterable[str]) -> str | None:
    """A list as one cell, the inverse of :func:`list_cell`; ``None`` when empty."""
    values = list(values)
    if not values:
        return None
    if any(LIST_SEPARATOR in v or v.startswith("[") for v in values):
        return json.dumps(values, ensure_ascii=False)
    return LIST_SEPARATOR.join(values)


def flag_cell(value: Any) -> Any:
    """A flag's cell as a boolean when it plainly is one (true/false, yes/no, 1/0)."""
    if isinstance(value, str):
        return _FLAG_WORDS.get(value.lower(), value)
    return value


def field_of(column: str) -> str:
    """The Briefmap field a column stands for (lower case, aliases resolved)."""
    name = column.strip().lower()
    return GIS_ALIASES.get(name, name)


def _typed(name: str, value: Any) -> Any:
    if name in LIST_FIELDS:
        return list_cell(value)
    if name in FLAG_FIELDS:
        return flag_cell(value)
    return value


def mapped(
    row: Mapping[str, Any],
    rid: str,
    known: Iterable[str],
    out: Collector,
    ignored: Iterable[str] = (),
) -> dict[str, Any]:
    """A row's cells under their Briefmap field names, typed as the JSON files type them.

    Every filled cell whose column is neither ``known`` nor ``ignored`` is
    left out, and counted for its column: the column is reported once per
    file (:meth:`~briefmap.data.validate.Collector.add_per_column`), on the
    first record (``rid``) that fills it.
    """
    known, ignored = frozenset(known), frozenset(ignored)
    record: dict[str, Any] = {}
    for column, raw in row.items():
        name, value = field_of(column), cell(raw)
        if value is None or name in ignored:
            continue
        if name not in known:
            out.add_per_column(
                rid,
                short(column, quote=False),
                "not a field of Briefmap's convention (see the README's GIS files); not read",
            )
            continue
        record[name] = _typed(name, value)
    return record


def slug(text: str) -> str:
    """``text`` as an id's stem: letters, digits, ``-`` and ``_``."""
    return _SLUG.sub("-", text).strip("-") or "row"


PLACE_COLUMNS = (*PLACE_FIELDS, *ROW_CLAIM_FIELDS, GIS_CLAIM_ID)


def place_row(
    row: Mapping[str, Any],
    geometry: Any,
    number: int,
    stem: str,
    out: Collector,
    *,
    structure: Iterable[str] = (),
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A row of a places layer as a GeoJSON feature, and the claim it makes, if any.

    Parameters
    ----------
    row
        The row's cells by column (no geometry).
    geometry
        Its geometry as GeoJSON (a dict), or ``None``.
    number
        The row's number in the file, from 1: a row without an ``id`` is
        ``<stem>-<number>``.
    stem
        The file's name without its suffix, as an id's stem.
    out
        Where columns outside the convention are reported.
    structure
        Columns that belong to the format, not to the data (KML's), not read.

    Returns
    -------
    tuple[dict, dict | None]
        The feature, and the claim record about the place when the row fills
        a claim field (its ``places`` is the place's id).
    """
    rid = cell(row.get("id")) if "id" in row else None
    rid = rid if isinstance(rid, str) else f"{slug(stem)}-{number}"
    record = mapped(row, rid, PLACE_COLUMNS, out, ignored=structure)
    record["id"] = rid
    claim = {f: record.pop(f) for f in ROW_CLAIM_FIELDS if f in record}
    claim_id = record.pop(GIS_CLAIM_ID, None)
    feature = {"type": "Feature", "properties": record, "geometry": geometry}
    if not claim:
        return feature, None
    return feature, {"id": claim_id or rid, "places": [rid], **claim}


def claim_rows(
    claims: Iterable[Mapping[str, Any]],
    history: Iterable[Mapping[str, Any]],
    out: Collector,
) -> list[dict[str, Any]]:
    """Rows of a claims table and of its history table as ``claims.json``'s claims.

    A history row names its claim under ``claim_id`` and comes in order; a row
    naming no claim in the table is reported.
    """
    records = []
    for number, row in enumerate(claims, start=1):
        rid = cell(row.get("id")) or f"#{number}"
        records.append(mapped(row, str(rid), CLAIM_FIELDS, out))
    by_id = {r.get("id"): r for r in records}
    for number, row in enumerate(history, start=1):
        owner = cell(row.get(GIS_CLAIM_ID))
        step = mapped(row, f"history #{number}", (*HISTORY_FIELDS, GIS_CLAIM_ID), out)
        step.pop(GIS_CLAIM_ID, None)
        if owner not in by_id:
            out.add(
                f"history #{number}",
                GIS_CLAIM_ID,
                f"{short(owner)} is no claim in the claims layer; the step was not read",
            )
            continue
        by_id[owner].setdefault("history", []).append(step)
    return records


def source_rows(rows: Iterable[Mapping[str, Any]], out: Collector) -> list[dict[str, Any]]:
    """Rows of a sources table as ``sources.json``'s sources."""
    return [
        mapped(row, str(cell(row.get("id")) or f"#{number}"), SOURCE_FIELDS, out)
        for number, row in enumerate(rows, start=1)
    ]
