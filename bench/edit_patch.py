"""What one edit costs each server at scale (issue 27): patched against built afresh.

``python -m bench.edit_patch [--claims 100000] [--postgis]``

Writes a synthetic data set (``bench/synth.py``), opens it as two servers do
(two stores over one folder, or over one PostGIS database with ``--postgis``),
each with its validated catalog and index, then saves one claim's edit on the
first and measures, in CPU seconds (the machine's other load does not count):

- ``save_s``: the save (revision check, ``check_edits``, write, audit line);
- ``editing_load_s``: the editing server's validated data at the new version
  (patched after its save);
- ``second_load_s``: the second server's, patched from the audit trail's new
  entries (:mod:`briefmap.store.follow`); ``fresh_load_s``: the same by a
  store that validates every record (what a second server did before);
- ``index_patch_s``: the new catalog's index patched from the old one's
  (:mod:`briefmap.engine.index_patch`); ``index_build_s``: built afresh;
- ``pickle_s`` / ``pickle_mb``: writing the version to the disk cache
  (:mod:`briefmap.engine.stored`), which a patched version no longer does.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.synth import generate
from briefmap.engine.index import CatalogIndex, warm
from briefmap.engine.index_patch import patched_index
from briefmap.heap import collector_paused
from briefmap.store.base import Edit, Editor
from briefmap.store.files import FileStore


def _cpu(call: Callable[[], Any]) -> tuple[Any, float]:
    with collector_paused():
        started = time.process_time()
        value = call()
        return value, round(time.process_time() - started, 3)


def _edit(first: Any, second: Any, fresh: Callable[[], Any]) -> dict[str, object]:
    out: dict[str, object] = {}
    for store in (first, second):
        warm(store.load().loaded.catalog)
    before_a = first.load().loaded.catalog
    before_b = second.load().loaded.catalog
    cid = next(c for c, claim in before_a.claims.items() if not claim.history)
    record, revision = first.get("claim", cid)
    edit = Edit("claim", cid, {**record, "summary": "Edited once, at Zarqa."}, revision)
    _, out["save_s"] = _cpu(lambda: first.save([edit], Editor.command_line("bench"), "bench"))
    held, out["editing_load_s"] = _cpu(first.load)
    catalog = held.loaded.catalog
    index, out["index_patch_s"] = _cpu(lambda: patched_index(before_a.index, catalog))
    assert index is not None
    _, out["index_build_s"] = _cpu(
        lambda: (CatalogIndex(catalog).claims, CatalogIndex(catalog).search)
    )
    catalog.__dict__["index"] = index
    blob, out["pickle_s"] = _cpu(lambda: pickle.dumps(held, protocol=pickle.HIGHEST_PROTOCOL))
    out["pickle_mb"] = round(len(blob) / 1e6, 1)
    seen, out["second_load_s"] = _cpu(second.load)
    assert seen.loaded.catalog.claims[cid].summary.startswith("Edited once")
    second_index, out["second_index_patch_s"] = _cpu(
        lambda: patched_index(before_b.index, seen.loaded.catalog)
    )
    out["second_patched"] = second_index is not None
    _, out["fresh_load_s"] = _cpu(fresh)
    return out


def measure(n_claims: int, postgis: bool) -> dict[str, object]:
    folder = Path(tempfile.mkdtemp(prefix="briefmap-bench-patch-"))
    data = folder / "data"
    generate(data, n_claims)
    try:
        if not postgis:
            out = _edit(FileStore(data), FileStore(data), lambda: FileStore(data).load())
            return {"store": "files", "claims": n_claims, **out}
        return {"store": "postgis", "claims": n_claims, **_postgis(folder, data)}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _postgis(folder: Path, data: Path) -> dict[str, object]:
    import psycopg

    from briefmap.store.local_server import LocalCluster, missing_reason
    from briefmap.store.migrate import migrate
    from briefmap.store.postgis import PostgisStore
    from briefmap.store.transfer import folder_contents

    reason = missing_reason()
    if reason:
        raise SystemExit(reason)
    cluster = LocalCluster(folder / "pg", folder / "socket", 5432)
    cluster.init(fast=True)
    cluster.start(fast=True)
    try:
        url = cluster.create_database("bench")
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        with PostgisStore(url) as one, PostgisStore(url) as two:
            one.replace_all(*folder_contents(data))

            def fresh() -> Any:
                with PostgisStore(url) as three:
                    return three.load()

            return _edit(one, two, fresh)
    finally:
        cluster.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.edit_patch")
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--postgis", action="store_true", help="two servers over one database")
    args = parser.parse_args()
    json.dump(measure(args.claims, args.postgis), sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
