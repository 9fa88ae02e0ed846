"""The summary is the analyst's own words: a warning when it repeats the report's.

The stored summary must not copy the report; the desk warns when it repeats
eight or more words of it in a row, however the case, punctuation, dashes or
apostrophes differ (as ``tests/test_own_words.py`` checks the shipped data).
"""

from __future__ import annotations

import re

COPY_RUN = 8  # words in a row that make a summary a copy of the report


_WORD = re.compile(r"[\w'’]+")


def summary_words(text: str) -> list[str]:
    """Words only: case, punctuation, dashes and the kind of apostrophe do not hide a copy."""
    return [
        w for w in (w.replace("’", "'").strip("'").casefold() for w in _WORD.findall(text)) if w
    ]


def copied_runs(summary: str, report: str, n: int = COPY_RUN) -> list[str]:
    """The runs of ``n`` or more words in a row that ``summary`` repeats from ``report``.

    The stored summary must be the analyst's own words; the desk warns with
    these. Overlapping runs are merged into one stretch.
    """
    ours = summary_words(summary)
    theirs = summary_words(report)
    grams = {tuple(theirs[i : i + n]) for i in range(len(theirs) - n + 1)}
    hits = [i for i in range(len(ours) - n + 1) if tuple(ours[i : i + n]) in grams]
    runs: list[str] = []
    start = end = None
    for i in hits:
        if start is not None and end is not None and i <= end:
            end = i + n
            continue
        if start is not None and end is not None:
            runs.append(" ".join(ours[start:end]))
        start, end = i, i + n
    if start is not None and end is not None:
        runs.append(" ".join(ours[start:end]))
    return runs
