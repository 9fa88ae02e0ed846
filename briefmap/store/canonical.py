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


def _ordered(value: Any, shape: Shape) -> Any:
    if isinstance(value, Mapping):
        order, members = shape
        known = [k for k in order if k in value]
        others = sorted(k for k in value if k not in order)
        return {k: _ordered(value[k], members.get(k, _NO_SHAPE)) for k in (*known, *others)}
    if isinstance(value, list):
        return [_ordered(item, shape) for item in value]
    return value


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _write(value: Any, indent: str, out: list[str]) -> None:
    if isinstance(value, Mapping):
        if not value:
            out.append("{}")
            return
        inner = indent + "  "
        out.append("{\n")
        for n, (key, item) in enumerate(value.items()):
            out.append(f"{inner}{json.dumps(str(key), ensure_ascii=False)}: ")
            _write(item, inner, out)
            out.append(",\n" if n < len(value) - 1 else "\n")
        out.append(indent + "}")
    elif isinstance(value, list):
        if not value or all(_number(item) for item in value):
            out.append("[" + ", ".join(json.dumps(i, ensure_ascii=False) for i in value) + "]")
            return
        inner = indent + "  "
        out.append("[\n")
        for n, item in enumerate(value):
            out.append(inner)
            _write(item, inner, out)
            out.append(",\n" if n < len(value) - 1 else "\n")
        out.append(indent + "]")
    else:
        out.append(json.dumps(value, ensure_ascii=False))


def canonical_json(name: str, payload: Any) -> str:
    """``payload`` as the data folder's file ``name`` holds it, in the one stable format.

    ``name`` is the file's path in the folder (``"claims.json"``,
    ``"briefings/moscow-meeting.json"``): it chooses the key order. Pure:
    the same payload always gives the same text.
    """
    out: list[str] = []
    _write(_ordered(payload, file_shape(name)), "", out)
    out.append("\n")
    return "".join(out)


def canonical_record(kind_shape: Shape, record: Any) -> Any:
    """A record with its keys in the canonical order (for an audit line, a comparison)."""
    return _ordered(record, kind_shape)


def log_line(entry: Mapping[str, Any]) -> str:
    """One line of ``changes.jsonl``: an audit entry as compact JSON, keys sorted."""
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
