"""The data folder's one stable format, so a git diff of an edit shows exactly the edit.

Two-space indent, UTF-8 text as it is (``ensure_ascii=False``), a trailing
newline; an object's keys in the schema's field order (``id`` first) with any
others sorted after; a list of numbers (a position, a view's centre) on one
line, any other list one item a line, so adding a place id to a claim is one
line of diff. The
files store writes every file this way and ``db export`` writes the same bytes,
so files → database → files is byte-identical.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from briefmap.data.schema import (
    ACTOR_FIELDS,
    CLAIM_FIELDS,
    CLAIMS_FILE,
    HISTORY_FIELDS,
    META_FIELDS,
    META_FILE,
    PLACE_FIELDS,
    PLACES_FILE,
    REGION_FIELDS,
    RETIRED_FIELD,
    SOURCE_FIELDS,
    SOURCES_FILE,
)
from briefmap.engine.briefings import (
    BRIEFING_FIELDS,
    BRIEFINGS_DIR,
    FILTER_FIELDS,
    SCENE_FIELDS,
)

# Each object's key order, by where it sits: (key order, {member: its shape}).
# A list's items take the list member's shape. Keys not named sort after.
Shape = tuple[tuple[str, ...], dict[str, Any]]

_GEOMETRY: Shape = (("type", "coordinates", "geometries"), {})
_FEATURE: Shape = (
    ("type", "id", "properties", "geometry"),
    {"properties": ((*PLACE_FIELDS, RETIRED_FIELD), {}), "geometry": _GEOMETRY},
)
PLACE_SHAPE = _FEATURE
CLAIM_SHAPE: Shape = ((*CLAIM_FIELDS, RETIRED_FIELD), {"history": (HISTORY_FIELDS, {})})
SOURCE_SHAPE: Shape = ((*SOURCE_FIELDS, RETIRED_FIELD), {})
BRIEFING_SHAPE: Shape = (
    (*BRIEFING_FIELDS, RETIRED_FIELD),
    {
        "scenes": (
            SCENE_FIELDS,
            {"filters": (FILTER_FIELDS, {}), "view": (("center", "zoom"), {})},
        )
    },
)
META_SHAPE: Shape = (
    META_FIELDS,
    {"region_of_interest": (REGION_FIELDS, {}), "actors": (ACTOR_FIELDS, {})},
)
FILE_SHAPES: dict[str, Shape] = {
    PLACES_FILE: (("type", "name", "crs", "features"), {"features": _FEATURE}),
    CLAIMS_FILE: (("as_of", "claims"), {"claims": CLAIM_SHAPE}),
    SOURCES_FILE: (("sources",), {"sources": SOURCE_SHAPE}),
    META_FILE: META_SHAPE,
}
_NO_SHAPE: Shape = ((), {})


def file_shape(name: str) -> Shape:
    """The shape of a data folder's file, by its name relative to the folder."""
    if name in FILE_SHAPES:
        return FILE_SHAPES[name]
    if PurePosixPath(name).parent.as_posix() == BRIEFINGS_DIR:
        return BRIEFING_SHAPE
    return _NO_SHAPE


# JSON's own string escaping without \\u-escaping other scripts (ensure_ascii=False).
_text = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _scalar(value: Any) -> str:
    """A plain value as ``json.dumps(value, ensure_ascii=False)`` writes it, faster."""
    kind = type(value)
    if kind is str:
        return _text(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int or (kind is float and math.isfinite(value)):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)  # NaN, Infinity, a subclass


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# A record's text by the record object's id, with the object (so an id reused
# by another object is not taken for it): what a writer keeps between saves.
Memo = dict[int, tuple[Any, str]]


def _write(value: Any, shape: Shape, indent: str, out: list[str], memo: Memo | None = None) -> None:
    """Write ``value`` with its keys in ``shape``'s order (others sorted after).

    ``memo``: the texts of the records in the lists directly under ``value``
    (a file's places, claims or sources), reused while a record is the same object.
    """
    if isinstance(value, Mapping):
        if not value:
            out.append("{}")
            return
        order, members = shape
        keys = [k for k in order if k in value]
        if len(keys) < len(value):
            keys += sorted(k for k in value if k not in order)
        inner = indent + "  "
        out.append("{\n")
        last = len(keys) - 1
        for n, key in enumerate(keys):
            out.append(f"{inner}{_text(str(key))}: ")
            item = value[key]
            if memo is not None and isinstance(item, list):
                _write_records(item, members.get(key, _NO_SHAPE), inner, out, memo)
            else:
                _write(item, members.get(key, _NO_SHAPE), inner, out)
            out.append(",\n" if n < last else "\n")
        out.append(indent + "}")
    elif isinstance(value, list):
        if not value or all(_number(item) for item in value):
            out.append("[" + ", ".join(_scalar(i) for i in value) + "]")
            return
        inner = indent + "  "
        out.append("[\n")
        last = len(value) - 1
        for n, item in enumerate(value):
            out.append(inner)
            _write(item, shape, inner, out)
            out.append(",\n" if n < last else "\n")
        out.append(indent + "]")
    else:
        out.append(_scalar(value))


def _write_records(
    records: list[Any], shape: Shape, indent: str, out: list[str], memo: Memo
) -> None:
    """A list of records, each record's text from ``memo`` while it is the same object."""
    if not records or all(_number(item) for item in records):
        _write(records, shape, indent, out)
        return
    inner = indent + "  "
    out.append("[\n")
    last = len(records) - 1
    for n, item in enumerate(records):
        held = memo.get(id(item))
        if held is None or held[0] is not item:
            text: list[str] = []
            _write(item, shape, inner, text)
            held = memo[id(item)] = (item, "".join(text))
        out.append(inner)
        out.append(held[1])
        out.append(",\n" if n < last else "\n")
    out.append(indent + "]")


def canonical_json(name: str, payload: Any, memo: Memo | None = None) -> str:
    """``payload`` as the data folder's file ``name`` holds it, in the one stable format.

    ``name`` is the file's path in the folder (``"claims.json"``,
    ``"briefings/moscow-meeting.json"``): it chooses the key order. Pure:
    the same payload always gives the same text. ``memo`` keeps each record's
    text for the next call (a store writing one changed record among 100,000).
    """
    out: list[str] = []
    _write(payload, file_shape(name), "", out, memo)
    out.append("\n")
    return "".join(out)


def log_line(entry: Mapping[str, Any]) -> str:
    """One line of ``changes.jsonl``: an audit entry as compact JSON, keys sorted."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
