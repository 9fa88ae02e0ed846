"""The validation toolkit: typed access to a record's fields, each problem located.

Every data file, bundle, upload and briefing is checked with these pieces, so a
bad value gets the same kind of message wherever it comes from: the file, the
record and the field, and what is wrong, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

URL_SCHEMES = ("http://", "https://")

# ASCII digits only: in Python's re, \d also takes other scripts' digits (٢٠٢٥).
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def real_day(text: object) -> str | None:
    """``text`` if it is a real calendar day written YYYY-MM-DD, else ``None``.

    The one date parser for data, briefings and links: 2025-02-31, 20251015,
    week dates and other scripts' digits are all refused.
    """
    if not isinstance(text, str) or not ISO_DATE.fullmatch(text):
        return None
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return None
    return text


# Longest text a field may hold. A briefing map shows short text; a 100 kB
# "name" is a mistake or an attack, and either way it gets a clear error.
TEXT_LIMITS: dict[str, int] = {
    "id": 100,
    "name_en": 200,
    "name_ar": 200,
    "name_ru": 200,
    "alt_names": 200,
    "places": 100,
    "actors": 100,
    "sources": 100,
    "origin": 100,
    "origin_source": 100,
    "ended": 100,
    "official_of": 100,
    "colour": 20,
    "claimant": 300,
    "attribution": 500,
    "outlet": 300,
    "via": 300,
    "title": 500,
    "origin_note": 1000,
    "summary": 1000,
    "note": 1000,
    "url": 2000,
}


DEFAULT_TEXT_LIMIT = 1000

E = TypeVar("E", bound=Enum)


@dataclass(frozen=True)
class ValidationIssue:
    """One thing wrong with the data, located as precisely as we can."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record '{self.record}', field '{self.field}': {self.message}"


class Collector:
    """Accumulates issues for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[ValidationIssue] = []

    def add(self, record: str, field_name: str, message: str) -> None:
        self.issues.append(ValidationIssue(self.file, record, field_name, message))


class Record:
    """Typed access to one JSON object's fields, reporting what is wrong."""

    def __init__(self, data: dict[str, Any], rid: str, out: Collector, prefix: str = "") -> None:
        self.data = data
        self.rid = rid
        self.out = out
        self.prefix = prefix  # for nested objects: "history[2]."
        self.failed = False

    def fail(self, field_name: str, message: str) -> None:
        self.failed = True
        self.out.add(self.rid, self.prefix + field_name, message)

    def text(self, name: str, *, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "is missing or empty")
            return None
        if not isinstance(value, str):
            self.fail(name, f"must be text, got {type(value).__name__}")
            return None
        return self._within_limit(name, value.strip())

    def _within_limit(self, name: str, value: str) -> str | None:
        limit = TEXT_LIMITS.get(name, DEFAULT_TEXT_LIMIT)
        if len(value) > limit:
            self.fail(name, f"is {len(value):,} characters long; at most {limit:,}")
            return None
        try:
            # JSON's \ud800 escapes make lone surrogates: no page can show them.
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            self.fail(name, f"holds a character that is not text (U+{ord(value[exc.start]):04X})")
            return None
        # One spelling per text: composed characters, so search and duplicates agree.
        return unicodedata.normalize("NFC", value)

    def texts(self, name: str, *, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "is missing")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(name, "must be a list of non-empty text values")
            return ()
        if required and not value:
            self.fail(name, "must name at least one value")
        items = tuple(self._within_limit(name, v.strip()) for v in value)
        return tuple(v for v in items if v is not None)

    def choice(self, name: str, vocab: type[E], *, default: E | None = None) -> E | None:
        value = self.data.get(name)
        if value is None and default is not None:
            return default
        if value is None:
            self.fail(name, f"is missing; allowed: {allowed(vocab)}")
            return None
        try:
            return vocab(value)
        except (ValueError, TypeError):
            self.fail(name, f"unknown value {short(value)}; allowed: {allowed(vocab)}")
            return None

    def choices(self, name: str, vocab: type[E]) -> tuple[E, ...]:
        values = self.texts(name)
        result = []
        for value in values:
            try:
                result.append(vocab(value))
            except ValueError:
                self.fail(name, f"unknown value {short(value)}; allowed: {allowed(vocab)}")
        return tuple(result)

    def id_choice(self, name: str, ids: Sequence[str]) -> str | None:
        """One of the data's own ids (an actor), like :meth:`choice` for an enum."""
        value = self.text(name)
        if value is not None and value not in ids:
            self.fail(name, f"unknown value {short(value)}; allowed: {', '.join(ids)}")
            return None
        return value

    def id_choices(self, name: str, ids: Sequence[str]) -> tuple[str, ...]:
        """A list of the data's own ids (actors), like :meth:`choices` for an enum."""
        result = []
        for value in self.texts(name):
            if value in ids:
                result.append(value)
            else:
                self.fail(name, f"unknown value {short(value)}; allowed: {', '.join(ids)}")
        return tuple(result)

    def date(self, name: str) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        if real_day(value) is None:
            self.fail(name, f"{short(value)} is not a date in the form YYYY-MM-DD")
            return None
        return value

    def flag(self, name: str, *, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, f"must be true or false, got {short(value)}")
            return False
        return value

    def no_unknown_fields(self, known: Iterable[str]) -> None:
        # A misspelt optional field ("orgin") would otherwise vanish unnoticed.
        for name in sorted(set(self.data) - set(known)):
            label = short(name, quote=False) if name.strip() else "(a field with no name)"
            self.fail(label, f"unknown field; known fields: {', '.join(sorted(known))}")


def short(value: object, limit: int = 60, *, quote: bool = True) -> str:
    """A value for an error message, cut short: a 100 kB value must not make a 100 kB message."""
    try:
        text = repr(value) if quote else str(value)
    except (RecursionError, ValueError):  # lists nested thousands deep; 5,000-digit ints
        return "(a value too deeply nested or too long to show)"
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


# Deepest nesting a data file may have. Briefmap's own formats need about 8
# (a polygon's positions inside its rings, geometry, feature, collection).
MAX_DEPTH = 32


def depth_over(payload: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether ``payload`` nests lists and objects more than ``limit`` deep (no recursion).

    Level by level, gathering each level's containers in one comprehension: a
    100,000-claim file takes about 0.2 s (a stack of (node, depth) took 0.6).
    """
    level = [payload] if type(payload) in (list, dict) else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        below: list[Any] = []
        for node in level:
            values = node.values() if type(node) is dict else node
            below += [c for c in values if type(c) is list or type(c) is dict]
        level = below
    return False


def finite_number(value: object) -> float | None:
    """``value`` as a float if it is a finite JSON number (not a bool), else ``None``.

    A 400-digit integer is a number to JSON but no float: it is refused here
    rather than overflowing later.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def allowed(vocab: type[Enum]) -> str:
    return ", ".join(str(member.value) for member in vocab)


def records_of(
    payload: Any, key: str, out: Collector, id_of: Callable[[dict[str, Any]], Any]
) -> list[tuple[str, dict[str, Any] | None]]:
    """The list under ``key``, each with the id used to name it in errors.

    An item that is not an object is reported here and comes back as ``None``.
    """
    if payload is None:
        return []
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        out.add("-", key, f"the file must be a JSON object with a list under {key!r}")
        return []
    records: list[tuple[str, dict[str, Any] | None]] = []
    for index, item in enumerate(payload[key]):
        if not isinstance(item, dict):
            out.add(f"#{index + 1}", "-", "must be a JSON object")
            records.append((f"#{index + 1}", None))
            continue
        rid = id_of(item)
        if not isinstance(rid, str) or not rid.strip():
            rid = f"#{index + 1}"
        elif len(rid) > TEXT_LIMITS["id"]:
            # Name the record by a shortened id; the id check reports the length.
            rid = short(rid, quote=False)
        records.append((rid, item))
    return records


def checked_records(
    records: Iterable[tuple[str, dict[str, Any] | None]], out: Collector
) -> Iterator[Record]:
    """Each record that is an object, with its id read and checked unique in the file.

    What every file's loop starts with; a record that is not an object was
    already reported by :func:`records_of`.
    """
    seen: set[str] = set()
    for rid, data in records:
        if data is None:
            continue
        rec = Record(data, rid, out)
        rec.text("id")
        check_unique(rec, seen)
        yield rec


def check_unique(record: Record, seen: set[str]) -> None:
    if any(ch.isspace() for ch in record.rid):
        # References are matched exactly; an id with spaces could never be found.
        record.fail("id", f"{record.rid!r} contains spaces; use letters, digits, - and _")
    if record.rid in seen:
        record.fail("id", "duplicate id; ids must be unique within the file")
    seen.add(record.rid)
