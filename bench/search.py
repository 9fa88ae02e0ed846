"""``python -m bench.search [--quick]``: the search's index against the plain way, per keystroke.

For each N it writes seeded synthetic data (:mod:`bench.synth`: place names in
English, Arabic and Russian, a summary, claimant and attribution per claim),
and measures:

- build: :class:`briefmap.engine.search.SearchIndex` over every place and
  claim, once per data set (the app builds it when the data loads);
- indexed: :meth:`SearchIndex.find` per keystroke, typing each query a letter
  at a time, with nothing kept from the keystroke before (its last queries
  are forgotten each time);
- plain: :func:`briefmap.engine.query.scan`, folding and scoring every field
  per keystroke, the naive way (every keystroke up to 1,000 claims; beyond,
  the whole queries only, as a keystroke there takes seconds).

Times are CPU seconds of this process (the machine may be shared), medians.
No test asserts a time.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.engine.query import scan
from briefmap.engine.search import SearchIndex

FULL_SIZES = (1_000, 10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
# Typed as the finding's analysts typed them: a misspelling, another script, claim text.
QUERIES = ("Qamishly", "Тартус", "طرطوس", "military police", "checkpoint near raqqa")
PLAIN_EVERY_KEYSTROKE_UP_TO = 1_000


def _cpu(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.process_time()
    value = fn()
    return time.process_time() - start, value


@dataclass
class SearchResult:
    n: int
    build: float  # CPU seconds
    indexed: float  # median CPU seconds per keystroke
    indexed_worst: float
    indexed_same: float  # median CPU seconds over the keystrokes the plain way was timed on
    plain: float  # median CPU seconds per keystroke
    keystrokes_plain: int
    hits: dict[str, int]  # query -> records found (both ways agree)


def measure(n: int, directory: Path) -> SearchResult:
    """One data set of ``n`` claims: build once, then every query typed letter by letter."""
    catalog = load_catalog(generate(directory / f"n{n}", n).path).catalog
    build, index = _cpu(lambda: SearchIndex(catalog.places, catalog.claims))
    keystrokes = [q[:i] for q in QUERIES for i in range(1, len(q) + 1)]
    indexed: dict[str, float] = {}
    for typed in keystrokes:
        index.forget_queries()  # measure the search, not its memory of it
        indexed[typed] = _cpu(lambda typed=typed: index.find(typed))[0]
    plain_keys = keystrokes if n <= PLAIN_EVERY_KEYSTROKE_UP_TO else list(QUERIES)
    plain = []
    hits = {}
    for typed in plain_keys:
        seconds, found = _cpu(lambda typed=typed: scan(typed, catalog.places, catalog.claims))
        plain.append(seconds)
        if typed in QUERIES:
            fast = index.find(typed)
            if {(m.kind, m.id) for m in found} != {(m.kind, m.id) for m in fast.matches()}:
                raise AssertionError(f"the index and the plain scan disagree on {typed!r}")
            hits[typed] = len(found)
    return SearchResult(
        n=n,
        build=build,
        indexed=statistics.median(indexed.values()),
        indexed_worst=max(indexed.values()),
        indexed_same=statistics.median(indexed[k] for k in plain_keys),
        plain=statistics.median(plain),
        keystrokes_plain=len(plain_keys),
        hits=hits,
    )


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def format_table(results: list[SearchResult]) -> str:
    """The results as a Markdown table."""
    lines = [
        "| claims | build index (once) | indexed, per keystroke (median / worst) "
        "| plain, per keystroke (median) | plain / indexed, same keystrokes |",
        "|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = r.plain / r.indexed_same if r.indexed_same else float("inf")
        lines.append(
            f"| {r.n:,} | {_ms(r.build)} | {_ms(r.indexed)} / {_ms(r.indexed_worst)} "
            f"| {_ms(r.plain)} ({r.keystrokes_plain} keystrokes) | {ratio:,.0f}x |"
        )
    return "\n".join(lines)


def run(sizes: tuple[int, ...], log: Callable[[str], None] = print) -> list[SearchResult]:
    """Measure each size in a temporary directory."""
    results = []
    with tempfile.TemporaryDirectory(prefix="briefmap-bench-search-") as tmp:
        for n in sizes:
            log(f"search: {n:,} claims...")
            results.append(measure(n, Path(tmp)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 10,000 claims")
    args = parser.parse_args(argv)
    results = run(QUICK_SIZES if args.quick else FULL_SIZES)
    print(format_table(results))
    for r in results:
        print(f"{r.n:,} claims, found: " + ", ".join(f"{q!r} {k}" for q, k in r.hits.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
