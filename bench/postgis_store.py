"""The PostGIS store at scale (issue 27): import, start, version check, saves, the area query.

``python -m bench.postgis_store [--claims 100000] [--edits 20]``

Writes a synthetic data set (``bench/synth.py``), starts a PostgreSQL with
PostGIS of its own in a temporary folder (:mod:`briefmap.store.local_server`,
as the tests do), imports the data (``db import``), then measures:

- ``import_s``: the import, one transaction;
- ``start_load_s``: a server's start: every record read and validated into its
  catalog and briefings (``PostgisStore.load``);
- ``version_cached_ms`` / ``version_query_ms``: the per-rerun version check, as
  a rerun meets it (cached, at most one query a second) and its one-row query;
- ``save_s``: one edit saved (revision check, validation by ``check_edits``,
  write, audit row) on a server that has its catalog;
- ``seen_by_second_s``: from that save's return to a second server (its own
  pool) reporting the new version;
- ``second_load_s``: that second server's catalog at the new version (its
  copy of the records patched from the audit trail, then validated);
- ``area_dates_ms`` / ``area_dates_no_index_ms``: claims in a box and a month,
  with the GIST and date indexes, and with index scans turned off;
- ``rss_mb_after_edits``: the process's memory after each of 20 (``--edits``) successive
  edits, each followed by the catalog's reload (a server's life while a team
  edits).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.synth import generate
from briefmap.store.base import Edit, Editor
from briefmap.store.local_server import LocalCluster, missing_reason
from briefmap.store.migrate import migrate
from briefmap.store.postgis import AREA_AND_DATES, PostgisStore
from briefmap.store.transfer import folder_contents


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _Progress(dict):
    """The figures so far, each printed to stderr as it is measured (a long run shows its way)."""

    def __setitem__(self, key: str, value: object) -> None:
        super().__setitem__(key, value)
        print(f"{key}: {value}", file=sys.stderr, flush=True)


def measure(n_claims: int, n_edits: int = 20) -> dict[str, object]:
    import psycopg

    reason = missing_reason()
    if reason:
        raise SystemExit(reason)
    folder = Path(tempfile.mkdtemp(prefix="briefmap-bench-pg-"))
    data = folder / "data"
    generate(data, n_claims)
    cluster = LocalCluster(folder / "pg", folder / "socket", 5432)
    cluster.init(fast=True)
    cluster.start(fast=True)
    out: dict[str, object] = _Progress(claims=n_claims)
    try:
        url = cluster.create_database("bench")
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        contents = folder_contents(data)
        one = PostgisStore(url)
        started = time.perf_counter()
        one.replace_all(*contents)
        out["import_s"] = round(time.perf_counter() - started, 2)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")

        started = time.perf_counter()
        loaded = one.load()
        out["start_load_s"] = round(time.perf_counter() - started, 2)
        assert len(loaded.loaded.catalog.claims) == n_claims

        one.version()
        started = time.perf_counter()
        for _ in range(1000):
            one.version()
        out["version_cached_ms"] = round(
            (time.perf_counter() - started), 4
        )  # 1000 calls: s = ms each
        with psycopg.connect(url) as conn:
            started = time.perf_counter()
            for _ in range(200):
                conn.execute("SELECT store_id, version FROM store_version").fetchone()
            out["version_query_ms"] = round((time.perf_counter() - started) / 200 * 1000, 3)

        two = PostgisStore(url)
        two.load()
        seen = two.version()
        who = Editor.command_line("bench")
        cid = next(iter(contents[0].claims))
        record, revision = one.get("claim", cid)
        started = time.perf_counter()
        new = one.save(
            [Edit("claim", cid, {**record, "summary": "Edited once."}, revision)], who, "bench"
        )
        saved = time.perf_counter()
        out["save_s"] = round(saved - started, 2)
        while two.version() == seen:
            time.sleep(0.01)
        out["seen_by_second_s"] = round(time.perf_counter() - saved, 2)
        assert two.version() == new
        started = time.perf_counter()
        assert two.load().loaded.catalog.claims[cid].summary == "Edited once."
        out["second_load_s"] = round(time.perf_counter() - started, 2)

        box = {"west": 36.0, "south": 33.0, "east": 37.0, "north": 34.0}
        month = {"start": "2025-06-01", "end": "2025-06-30"}
        with psycopg.connect(url) as conn:
            for key, off in (("area_dates_ms", False), ("area_dates_no_index_ms", True)):
                if off:
                    conn.execute("SET enable_indexscan = off")
                    conn.execute("SET enable_bitmapscan = off")
                conn.execute(AREA_AND_DATES, {**box, **month}).fetchall()
                started = time.perf_counter()
                for _ in range(5):
                    found = conn.execute(AREA_AND_DATES, {**box, **month}).fetchall()
                out[key] = round((time.perf_counter() - started) / 5 * 1000, 1)
            out["area_dates_found"] = len(found)

        rss = []
        for n in range(n_edits):
            record, revision = one.get("claim", cid)
            one.save(
                [Edit("claim", cid, {**record, "summary": f"Edit {n}."}, revision)], who, "bench"
            )
            one.load()
            rss.append(round(_rss_mb()))
        out["rss_mb_after_edits"] = rss
        one.close()
        two.close()
    finally:
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.postgis_store")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=20, help="successive edits for the memory")
    args = parser.parse_args()
    print(json.dumps(measure(args.claims, args.edits), indent=2))


if __name__ == "__main__":
    main()
