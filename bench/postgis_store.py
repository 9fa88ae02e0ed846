"""The PostGIS store at scale (issue 27): import, start, version check, saves, the area query.

``python -m bench.postgis_store [--claims 100000] [--edits 20] [--min-available-gb 3] [--data DIR]``

Writes a synthetic data set (``bench/synth.py``), starts a PostgreSQL with
PostGIS of its own in a temporary folder (:mod:`briefmap.store.local_server`,
as the tests do), imports the data (``db import``), then measures:

- ``synth_s``: writing the synthetic files; ``read_files_s``: the files store
  reading them for the import; ``revisions_s``: what ``db import`` spent before
  it read the folder once, asking the store every record's revision (a check
  of the folder's version each), estimated from 2,000;
  ``import_s``: the import, one transaction (COPY);
- ``start_load_s``: a server's start: every record read and validated into its
  catalog and briefings (``PostgisStore.load``); ``index_build_s``: then its
  index (:func:`~briefmap.engine.index.warm`), as the app builds it. Both with
  the collector paused and the data frozen after, as the app does
  (:mod:`briefmap.heap`); ``start_cpu_s``: the two in CPU seconds (a shared
  machine's load does not count);
- ``version_cached_ms`` / ``version_query_ms``: the per-rerun version check, as
  a rerun meets it (cached, at most one query a second) and its one-row query;
- ``save_s``: one edit saved (revision check, validation by ``check_edits``,
  write, audit row) on a server that has its catalog;
- ``second_start_s``: a second server's start, in a process of its own (as a
  second server is), at the same time as the first's; ``seen_by_second_s``: from the save's return to that
  server reporting the new version; ``second_load_s``: its catalog at the new
  version (its copy of the records patched from the audit trail, then
  validated);
- ``area_dates_ms`` / ``area_dates_no_index_ms``: claims in a box and a month,
  with the GIST and date indexes, and with index scans turned off;
- ``rss_mb_after_edits``: the first server's memory after each of 20
  (``--edits``) successive edits, each followed by its catalog at the new
  version and the index patched from the last (a server's life while a team
  edits); ``edit_s``: one such edit and reload, on average;
- ``peak_rss_mb``: each process's high-water mark (the bench, the import, the
  second server).

The synthetic files and the import run in processes of their own and the
files are deleted once imported, so the bench process holds one server's data,
as a server does. A thread watches the machine's available memory: below
``--min-available-gb`` the run stops (its database and processes with it).
"""

from __future__ import annotations

import _thread
import argparse
import json
import multiprocessing
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.synth import generate
from briefmap.engine.index import warm
from briefmap.engine.index_patch import patched_index
from briefmap.heap import collector_paused, kept_for_good
from briefmap.store.base import RECORD_KINDS, Edit, Editor, LoadedData
from briefmap.store.files import FileStore
from briefmap.store.local_server import LocalCluster, missing_reason
from briefmap.store.migrate import migrate
from briefmap.store.postgis import AREA_AND_DATES, PostgisStore

_SPAWN = multiprocessing.get_context("spawn")  # a child with none of the parent's memory


def _status_mb(field: str) -> float:
    """A field of this process's /proc status (VmRSS, VmHWM) in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _available_gb() -> float:
    with open("/proc/meminfo", encoding="ascii") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024 / 1024
    return float("inf")


def _say(text: str) -> None:
    print(
        f"[{time.strftime('%H:%M:%S')} rss {_status_mb('VmRSS'):,.0f} MB] {text}",
        file=sys.stderr,
        flush=True,
    )


class _Progress(dict):
    """The figures so far, each printed to stderr as it is measured (a long run shows its way)."""

    def __setitem__(self, key: str, value: object) -> None:
        super().__setitem__(key, value)
        _say(f"{key}: {value}")


def _watch_memory(min_gb: float, stop: threading.Event) -> None:
    """Interrupt the run (KeyboardInterrupt in the main thread) when the machine runs short."""
    while not stop.wait(1.0):
        if _available_gb() < min_gb:
            _say(f"stopping: under {min_gb:g} GB of memory available")
            _thread.interrupt_main()
            return


def _write(data: Path, n_claims: int) -> float:
    started = time.perf_counter()
    generate(data, n_claims)
    return time.perf_counter() - started


def _import(data: Path, url: str) -> dict[str, Any]:
    """``db import`` of the folder, in a process of its own; its figures and a claim's id."""
    started = time.perf_counter()
    files = FileStore(data)
    records, audit = files.records(), files.changes_since(0)
    read_s = time.perf_counter() - started
    # db import (folder_contents) asked the files store each record's revision, and
    # each answer checks the folder's version first (its files' sizes and times):
    # timed on a sample here, as the whole took 212 s at 100,000 claims on a busy
    # machine. A synthetic folder has no trail, so every revision is 1, replace_all's
    # default.
    assert not audit  # the synthetic folder has no trail
    sample = list(records.claims)[:2000]
    started = time.perf_counter()
    for rid in sample:
        files.revision("claim", rid)
    revision_ms = (time.perf_counter() - started) / max(len(sample), 1) * 1000
    n_records = sum(len(records.of(kind)) for kind in RECORD_KINDS)
    with PostgisStore(url) as store:
        started = time.perf_counter()
        store.replace_all(records, {}, audit)
        import_s = time.perf_counter() - started
    return {
        "read_files_s": round(read_s, 2),
        "revisions_s": round(revision_ms * n_records / 1000, 1),
        "import_s": round(import_s, 2),
        "claim_id": next(iter(records.claims)),
        "peak_rss_mb": round(_status_mb("VmHWM")),
    }


def _in_child(call: Any, *args: Any) -> Any:
    with ProcessPoolExecutor(1, mp_context=_SPAWN) as pool:
        return pool.submit(call, *args).result()


def _server_data(store: PostgisStore, before: LoadedData | None = None) -> LoadedData:
    """The store's data as the app holds it: the index patched from the last or built, frozen.

    As ``briefmap.app.data`` does: collector paused while it is built, frozen after.
    """
    with collector_paused():
        held = store.load()
        catalog = held.loaded.catalog
        if before is not None and "index" not in catalog.__dict__:
            index = patched_index(before.loaded.catalog.index, catalog)
            if index is not None:
                catalog.__dict__["index"] = index
        warm(catalog)
    return kept_for_good(held)


def _second_server(url: str, claim_id: str, pipe: Any) -> None:
    """A second server: starts, reports, waits for the version to move, then reloads."""
    with PostgisStore(url) as store:
        started, cpu = time.perf_counter(), time.process_time()
        data = _server_data(store)
        pipe.send({"second_start_s": round(time.perf_counter() - started, 2)})
        _say(
            f"second server started: {time.process_time() - cpu:.1f} CPU-s, "
            f"peak {_status_mb('VmHWM'):,.0f} MB"
        )
        seen = store.version()
        pipe.recv()  # the first server saves now
        while store.version() == seen:
            time.sleep(0.01)
        seen_at = time.perf_counter()  # CLOCK_MONOTONIC: the parent's clock too
        started = time.perf_counter()
        data = _server_data(store, data)
        pipe.send(
            {
                "seen_at": seen_at,
                "second_load_s": round(time.perf_counter() - started, 2),
                "summary": data.loaded.catalog.claims[claim_id].summary,
                "peak_rss_mb": round(_status_mb("VmHWM")),
            }
        )


def measure(
    n_claims: int, n_edits: int = 20, min_available_gb: float = 3.0, data: Path | None = None
) -> dict[str, object]:
    """Every figure above at ``n_claims``, printed as measured and returned.

    ``data``: a synthetic folder written before (``bench/synth.py``), used and kept.
    """
    import psycopg

    reason = missing_reason()
    if reason:
        raise SystemExit(reason)
    stop = threading.Event()
    threading.Thread(target=_watch_memory, args=(min_available_gb, stop), daemon=True).start()
    folder = Path(tempfile.mkdtemp(prefix="briefmap-bench-pg-"))
    written = data is None
    data = folder / "data" if data is None else data
    out: dict[str, object] = _Progress(claims=n_claims)
    cluster = LocalCluster(folder / "pg", folder / "socket", 5432)
    second = None
    try:
        if written:
            _say(f"writing {n_claims:,} synthetic claims")
            out["synth_s"] = round(_in_child(_write, data, n_claims), 2)
        cluster.init(fast=True)
        cluster.start(fast=True)
        url = cluster.create_database("bench")
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        _say("importing")
        imported = _in_child(_import, data, url)
        if written:
            shutil.rmtree(data)
        cid = imported.pop("claim_id")
        out["read_files_s"] = imported["read_files_s"]
        out["revisions_s"] = imported["revisions_s"]
        out["import_s"] = imported["import_s"]
        peaks = {"import": imported["peak_rss_mb"]}
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("ANALYZE")

        # The second server (a process of its own, as a second server is) starts with
        # the first, as servers do after a deploy, and the run takes half as long.
        _say("two servers start at once")
        pipe, child_end = _SPAWN.Pipe()
        second = _SPAWN.Process(target=_second_server, args=(url, cid, child_end), daemon=True)
        second.start()
        one = PostgisStore(url)
        started, cpu = time.perf_counter(), time.process_time()
        with collector_paused():
            loaded = one.load()
        out["start_load_s"] = round(time.perf_counter() - started, 2)
        assert len(loaded.loaded.catalog.claims) == n_claims
        started = time.perf_counter()
        with collector_paused():
            warm(loaded.loaded.catalog)
        out["index_build_s"] = round(time.perf_counter() - started, 2)
        out["start_cpu_s"] = round(time.process_time() - cpu, 2)  # both: the machine is shared
        held = kept_for_good(loaded)
        out["rss_mb_started"] = round(_status_mb("VmRSS"))

        one.version()
        started = time.perf_counter()
        for _ in range(1000):
            one.version()
        out["version_cached_ms"] = round(time.perf_counter() - started, 4)  # 1000 calls: s = ms
        with psycopg.connect(url) as conn:
            started = time.perf_counter()
            for _ in range(200):
                conn.execute("SELECT store_id, version FROM store_version").fetchone()
            out["version_query_ms"] = round((time.perf_counter() - started) / 200 * 1000, 3)

        out["second_start_s"] = pipe.recv()["second_start_s"]
        who = Editor.command_line("bench")
        record, revision = one.get("claim", cid)
        pipe.send("saving")
        started = time.perf_counter()
        one.save(
            [Edit("claim", cid, {**record, "summary": "Edited once."}, revision)], who, "bench"
        )
        saved = time.perf_counter()
        out["save_s"] = round(saved - started, 2)
        seen = pipe.recv()
        second.join()
        assert seen["summary"] == "Edited once."
        out["seen_by_second_s"] = round(seen["seen_at"] - saved, 2)
        out["second_load_s"] = seen["second_load_s"]
        peaks["second_server"] = seen["peak_rss_mb"]
        held = _server_data(one, held)

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

        _say(f"{n_edits} successive edits")
        rss = []
        started = time.perf_counter()
        for n in range(n_edits):
            record, revision = one.get("claim", cid)
            one.save(
                [Edit("claim", cid, {**record, "summary": f"Edit {n}."}, revision)], who, "bench"
            )
            held = _server_data(one, held)
            rss.append(round(_status_mb("VmRSS")))
        out["edit_s"] = round((time.perf_counter() - started) / max(n_edits, 1), 2)
        out["rss_mb_after_edits"] = rss
        peaks["bench"] = round(_status_mb("VmHWM"))
        out["peak_rss_mb"] = peaks
        one.close()
    finally:
        stop.set()
        if second is not None and second.is_alive():
            second.kill()
        cluster.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.postgis_store")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--edits", type=int, default=20, help="successive edits for the memory")
    parser.add_argument(
        "--min-available-gb",
        type=float,
        default=3.0,
        help="stop the run when the machine has less memory available",
    )
    parser.add_argument(
        "--data", type=Path, help="a synthetic folder of --claims claims written before (kept)"
    )
    args = parser.parse_args()
    figures = measure(args.claims, args.edits, args.min_available_gb, args.data)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
