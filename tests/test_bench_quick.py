"""The benchmark runs (so it never rots) and reports what it should. No time is asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import run as bench
from bench.synth import generate
from briefmap.data.loader import load_catalog


@pytest.fixture(scope="module")
def quick() -> tuple[list[bench.SizeResult], str]:
    # The quick run's smallest sizes, AppTest at N=10 only (as shipped and naive),
    # every drawing method.
    return bench.run(
        (10, 1_000),
        apptest_sizes=(10,),
        naive_sizes=(10,),
        rss_sizes=(10,),
        runs=1,
        log=lambda _: None,
    )


def test_synthetic_data_is_valid_and_seeded(tmp_path: Path) -> None:
    one = generate(tmp_path / "one", 300)
    two = generate(tmp_path / "two", 300)
    loaded = load_catalog(one.path)
    assert not loaded.issues
    assert len(loaded.catalog.claims) == 300
    assert one.polygons > 0 and one.places > one.polygons
    for name in ("places.geojson", "claims.json", "sources.json"):
        assert (one.path / name).read_bytes() == (two.path / name).read_bytes()
    claims = json.loads((one.path / "claims.json").read_text(encoding="utf-8"))["claims"]
    assert {c["posture"] for c in claims} == {"current", "proposed", "former"}
    assert len({c["status"] for c in claims}) == 5
    assert len({a for c in claims for a in c["actors"]}) == 6


def test_every_size_has_every_measurement(quick: tuple[list[bench.SizeResult], str]) -> None:
    results, _ = quick
    assert [r.n for r in results] == [10, 1_000]
    for r in results:
        assert set(r.layers) == set(bench.METHODS)
        assert r.load and r.select_today and r.select_fast and r.change and r.bulk_cold
        assert all(size > 0 for _, size in r.layers.values())
        assert r.change_bytes > 0 and r.traced_peak > 0
        assert 0 < r.kept <= r.n
    small = results[0]
    assert small.rss_peak_mb > 0
    for mode in ("app", "naive"):
        app = small.apptest[mode]
        assert "error" not in app, app.get("error")
        assert app["mode"] == mode
        assert not app["exceptions"]
        assert app["count_line"].startswith("**Showing ")
        assert len(app["filter_rerun_s"]) == 2 and app["component_args_bytes"] > 0
    # Both ways show the same claims, and so does a server started again on the stored data.
    restarted = small.apptest[bench.WARM_START]
    assert "error" not in restarted, restarted.get("error")
    assert not restarted["exceptions"]
    assert (
        small.apptest["app"]["count_line"]
        == small.apptest["naive"]["count_line"]
        == restarted["count_line"]
    )


def test_the_fast_path_is_smaller_than_folium_geojson(
    quick: tuple[list[bench.SizeResult], str],
) -> None:
    results, _ = quick
    thousand = next(r for r in results if r.n == 1_000)
    assert thousand.layers["bulk"][1] < thousand.layers["geojson"][1]
    assert thousand.layers["bulk"][1] < thousand.layers["marker"][1]
    assert thousand.layers["bulk"][1] < thousand.layers["current"][1]


def test_the_table_has_the_rows(quick: tuple[list[bench.SizeResult], str]) -> None:
    _, table = quick
    lines = table.splitlines()
    assert any(line.startswith("Per N") for line in lines)
    assert any(line.startswith("Layers:") for line in lines)
    assert any(line.startswith("AppTest:") for line in lines)
    for n in ("10", "1,000"):
        for method in bench.METHODS:
            assert any(line.split()[:2] == [n, method] for line in lines), (n, method)
    assert any(line.split()[:2] == ["10", "app"] for line in lines)
    assert any(line.split()[:2] == ["10", "naive"] for line in lines)
    # Ratios against the fast path: 1.0x for itself.
    bulk_rows = [line.split() for line in lines if line.split()[1:2] == ["bulk"]]
    assert bulk_rows and all(row[-2:] == ["1.0x", "1.0x"] for row in bulk_rows)


def test_the_command_line_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--sizes", "10", "--no-apptest", "--no-rss"]) == 0
    out = capsys.readouterr().out
    assert "Machine:" in out and "Layers:" in out


def test_a_filter_change_is_timed_without_what_is_kept_per_filter(tmp_path: Path) -> None:

    catalog = load_catalog(generate(tmp_path / "data", 300).path).catalog
    bench.filter_change(catalog)
    kept = catalog.index.select(bench.FILTER)
    assert catalog.index.select(bench.FILTER) is kept  # what the app reuses...
    bench.filter_change(catalog)
    assert catalog.index.select(bench.FILTER) is not kept  # ...the timing does not
    again = catalog.index.select(bench.FILTER)
    assert bench.fresh_select(catalog) is not again


def test_real_data_sessions_are_pooled() -> None:
    one = {
        "filter_rerun_s": [0.1, 0.2],
        "filter_rerun_cpu_s": [0.1, 0.2],
        "filter_rerun_parts_s": [{"st_folium": 0.01}] * 2,
        "same_filter_rerun_s": 0.05,
        "same_filter_rerun_cpu_s": 0.05,
        "peak_rss_mb": 1.0,
    }
    two = {**one, "filter_rerun_s": [0.3, 0.4], "same_filter_rerun_s": 0.07}
    merged = bench._merged([one, {"error": "boom"}, two])
    assert merged["filter_rerun_s"] == [0.1, 0.2, 0.3, 0.4]
    assert merged["same_filter_rerun_s"] == pytest.approx(0.06) and merged["sessions"] == 2
    assert bench._merged([{"error": "boom"}]) == {"error": "boom"}
    assert "median of" in bench.format_real({"app": merged})


def test_realistic_data_is_valid_seeded_and_lopsided(tmp_path: Path) -> None:
    from collections import Counter

    from bench.realistic import OFF_MAP, generate_realistic

    info = generate_realistic(tmp_path / "a", 4000)
    again = generate_realistic(tmp_path / "b", 4000)
    assert (info.path / "claims.json").read_bytes() == (again.path / "claims.json").read_bytes()
    loaded = load_catalog(info.path)
    assert not loaded.issues, loaded.issues[:3]
    catalog = loaded.catalog
    per_place = Counter(p for claim in catalog.claims.values() for p in claim.places)
    busiest = per_place.most_common(1)[0][1]
    assert busiest > 0.05 * len(catalog.claims)  # heavy reuse, not a site per claim
    assert sum(p.off_map for p in catalog.places.values()) == len(OFF_MAP)
    assert any(per_place[pid] for pid, *_ in OFF_MAP)
    assert sum(not p.is_point for p in catalog.places.values()) == info.polygons
    assert sum(c.origin is not None for c in catalog.claims.values()) > 0.01 * len(catalog.claims)
    burst = sum(c.reported >= "2025-01-01" for c in catalog.claims.values())
    assert burst > 0.3 * len(catalog.claims)
