"""Days named in a report's text: "7 October 2024", "October 7", "2024-10-07", "on Sunday".

Only whole days: a month alone ("in October 2024") dates nothing, and the
claim's end is then recorded as unknown. A day without its year takes the
report's year (the year before when that would put it after the report); a
weekday ("on Sunday", "last Sunday", a bare "Sunday") is the last such day on or
before the report's day; "yesterday", "the previous evening" the day before it.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for m in names
}  # fmt: skip
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH})\.?(?:,?\s+(\d{{4}}))?\b", re.I)
_MONTH_DAY = re.compile(
    rf"\b({_MONTH})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I
)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "on Sunday", "last Sunday" and a bare "Sunday" (wire style: "withdrew Tuesday"); not "Sunday's".
_WEEKDAY = re.compile(rf"\b(?:(?:on|last)\s+)?({'|'.join(WEEKDAYS)})\b(?!['’]s)", re.I)
# The day before the report's: "yesterday", "the previous evening", "last night".
_DAY_BEFORE = re.compile(
    r"\b(?:yesterday|last\s+night|(?:the\s+)?(?:previous|preceding)\s+(?:day|evening|night))\b",
    re.I,
)


def dates_in(text: str, start: int, end: int, reported: str) -> list[tuple[str, int, int]]:
    """Full days named in ``text[start:end]`` (ISO), a missing year taken from the report's day."""
    found = []
    year_now = int(reported[:4])
    for m in _ISO.finditer(text, start, end):
        found.append((m.group(1), m.group(2), m.group(3), m.start(), m.end()))
    for m in _DAY_MONTH.finditer(text, start, end):
        found.append((m.group(3), MONTHS[m.group(2).lower()], m.group(1), m.start(), m.end()))
    for m in _MONTH_DAY.finditer(text, start, end):
        found.append((m.group(3), MONTHS[m.group(1).lower()], m.group(2), m.start(), m.end()))
    out = []
    today = dt.date.fromisoformat(reported)
    for m in _WEEKDAY.finditer(text, start, end):
        # "on Sunday" in a report of a Monday: the Sunday before, or the day itself.
        back = (today.weekday() - WEEKDAYS.index(m.group(1).lower())) % 7
        out.append(((today - dt.timedelta(days=back)).isoformat(), m.start(), m.end()))
    for m in _DAY_BEFORE.finditer(text, start, end):
        out.append(((today - dt.timedelta(days=1)).isoformat(), m.start(), m.end()))
    for year, month, day, s, e in found:
        try:
            when = dt.date(int(year) if year else year_now, int(month), int(day))
        except ValueError:
            continue
        if not year and when.isoformat() > reported:
            when = when.replace(year=year_now - 1)
        out.append((when.isoformat(), s, e))
    return sorted(out, key=lambda d: d[1])
