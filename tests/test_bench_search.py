"""The search benchmark runs (so it never rots) and its two ways agree. No time is asserted."""

from __future__ import annotations

from pathlib import Path

from bench import search as bench_search


def test_search_bench_runs_and_both_ways_find_the_same(tmp_path: Path) -> None:
    # 100 claims: the queries that found something at 300 still do (the fifth,
    # "military police", finds nothing at either), and the plain way is
    # timed on every keystroke (as up to 1,000); 300 took three times the CPU.
    result = bench_search.measure(100, tmp_path)
    # measure() raises if the index and the plain scan disagree on a query.
    assert set(result.hits) == set(bench_search.QUERIES)
    assert result.hits["Qamishly"] > 0 and result.hits["Тартус"] > 0
    assert result.build > 0 and result.keystrokes_plain > len(bench_search.QUERIES)
    table = bench_search.format_table([result])
    assert "| 100 |" in table and "x |" in table
