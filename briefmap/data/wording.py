"""Counts in words, the same in the app and in ``python -m briefmap validate``."""

from __future__ import annotations


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and its noun, singular for one: "1 claim", "2 claims", "1,200 places".

    ``plural``: the plural when it is not the noun with an "s" ("1 entry", "2 entries").
    """
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
