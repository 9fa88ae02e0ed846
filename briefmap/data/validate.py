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
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, TypeVar, overload

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
    "editor": 200,
    "url": 2000,
}


DEFAULT_TEXT_LIMIT = 1000

E = TypeVar("E", bound=Enum)


# Slots: a data folder may hold 100,000 real errors, each kept as long as its data
# (450,000 errors of 50,000 empty claims kept 64 MB; with slots and shared texts, 35 MB).
@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One thing wrong with the data, located as precisely as we can."""

    file: str
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: record '{self.record}', field '{self.field}': {self.message}"


class PackedIssues(Sequence[ValidationIssue]):
    """Issues held as plain tuples of text, for as long as a session keeps them.

    Streamlit collects garbage after every run, across the whole server, and
    the collector visits every issue object each time: an upload's 1.5 million
    took 0.45 s of every session's rerun. Plain tuples of strings are no work
    for it after its first passes (CPython stops tracking them), so the
    issues are rows until read, and each is made again when asked for.
    """

    __slots__ = ("_rows",)

    def __init__(self, issues: Iterable[ValidationIssue]) -> None:
        self._rows = tuple((i.file, i.record, i.field, i.message) for i in issues)

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> ValidationIssue: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[ValidationIssue, ...]: ...

    def __getitem__(self, index: int | slice) -> ValidationIssue | tuple[ValidationIssue, ...]:
        if isinstance(index, slice):
            return tuple(ValidationIssue(*row) for row in self._rows[index])
        return ValidationIssue(*self._rows[index])

    def __iter__(self) -> Iterator[ValidationIssue]:
        return (ValidationIssue(*row) for row in self._rows)


# Records named as examples: of a repeated column's records, of a group's.
EXAMPLES = 3


def examples_text(records: Sequence[str], count: int) -> str:
    """The first records of ``count`` errors, quoted and cut short: ``'a', 'b', 'c', …``."""
    return ", ".join(short(r) for r in records) + (", …" if count > len(records) else "")


@dataclass(slots=True)
class _Column:
    """A column outside what is read: where it is reported, how often it is filled, and where."""

    position: int  # of its issue in the collector's list
    count: int = 0
    records: list[str] = field(default_factory=list)


class Collector:
    """Accumulates issues for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._issues: list[ValidationIssue] = []
        self._columns: dict[tuple[str, str], _Column] = {}
        self._stale = False  # a column counted more since its issue was written
        # One string for each field and message however often it repeats: 450,000
        # errors of 50,000 bad claims kept 46 MB with a copy of each, 35 MB without.
        self._texts: dict[str, str] = {}

    @property
    def issues(self) -> list[ValidationIssue]:
        """Every issue, in the order found; a repeated column's once, with its count."""
        if self._stale:
            for (column, message), tally in self._columns.items():
                first = self._issues[tally.position].record
                if tally.count > 1:
                    message = (
                        f"{message}; filled in {tally.count:,} records "
                        f"({examples_text(tally.records, tally.count)})"
                    )
                self._issues[tally.position] = ValidationIssue(self.file, first, column, message)
            self._stale = False
        return self._issues

    def add(self, record: str, field_name: str, message: str) -> None:
        texts = self._texts
        field_name, message = (
            texts.setdefault(field_name, field_name),
            texts.setdefault(message, message),
        )
        self._issues.append(ValidationIssue(self.file, record, field_name, message))

    def add_per_column(self, record: str, column: str, message: str) -> None:
        """Report a column on a record, once per column and message for the whole file.

        A GIS layer's column outside the convention is filled on every row,
        and reported on each it was a flood (5,000 rows of 300 such columns
        made 1.5 million errors). It is one issue, on the first record that
        fills it, that counts the records and names the first few.
        """
        tally = self._columns.get((column, message))
        if tally is None:
            tally = self._columns[column, message] = _Column(len(self._issues))
            self._issues.append(ValidationIssue(self.file, record, column, message))
        tally.count += 1
        if len(tally.records) < EXAMPLES:
            tally.records.append(record)
        self._stale = self._stale or tally.count > 1


@dataclass(frozen=True, slots=True)
class IssueGroup:
    """The issues of one file that share a field and a message: how many, and on which records."""

    file: str
    field: str
    message: str
    count: int
    records: tuple[str, ...]  # the first few, distinct; "-" for the file as a whole

    def __str__(self) -> str:
        if self.count == 1:
            return f"{self.file}: record '{self.records[0]}', field '{self.field}': {self.message}"
        where = (
            "" if self.records == ("-",) else f", records {examples_text(self.records, self.count)}"
        )
        return f"{self.file}, field '{self.field}': {self.message} ({self.count:,} errors{where})"


def group_issues(issues: Iterable[ValidationIssue]) -> tuple[IssueGroup, ...]:
    """Issues grouped by file, field and message, in the order each group is first found.

    What the app shows and ``python -m briefmap validate`` sums up: 100,000
    claims missing the same field are one group of 100,000, named by its
    first few records. Made once per load, never per rerun.
    """
    counts: dict[tuple[str, str, str], list[Any]] = {}
    for issue in issues:
        key = (issue.file, issue.field, issue.message)
        entry = counts.get(key)
        if entry is None:
            counts[key] = [1, [issue.record]]
            continue
        entry[0] += 1
        records = entry[1]
        if len(records) < EXAMPLES and issue.record not in records:
            records.append(issue.record)
    return tuple(
        IssueGroup(file, field_name, message, count, tuple(records))
        for (file, field_name, message), (count, records) in counts.items()
    )


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
        if "\x00" in value:
            # Never meant, and PostgreSQL's text and jsonb cannot hold it: the shared store would fail.
            self.fail(name, "holds a NUL character (U+0000), which no text may")
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
