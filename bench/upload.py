"""``python -m bench.upload [N] [--json FILE]``: an upload's rerun against the same data as a folder.

Issue 14 asks that an upload within the limits (50,000 records, 20 MB a
file) never cost more server time per rerun than the same data loaded as the
app's own folder. Both are measured here on the same synthetic files
(:mod:`bench.synth`), CPU seconds, medians:

- load: ``load_catalog`` of the folder against ``load_uploaded_files`` of its files;
- a filter change: select, build the layers, serialise them as ``st_folium`` does;
- a rerun that changes nothing (a pan, a click): the same, with what is kept;
- the naive upload layer (a marker per place, as before), once, for the ratio.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.run import FILTER, machine, serialise, timed
from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing import bulk, mapping
from briefmap.engine.query import Selection

REPO = Path(__file__).resolve().parent.parent


def _folder_rerun(catalog: Catalog, fresh: bool) -> str:
    if fresh:
        catalog.index.forget_plans()
        catalog.index.forget_selections()
    selection = catalog.index.select(FILTER)
    return serialise(catalog, bulk.build_layers_auto(catalog, selection))


def _upload_rerun(base: Catalog, mine: Catalog, fresh: bool) -> str:
    if fresh:
        mine.index.forget_plans()
        mine.index.forget_selections()
    selection: Selection = mine.index.select(FILTER)
    return serialise(base, [bulk.build_upload_layer_auto(mine, selection, "mine.json")])


def measure(n: int) -> dict[str, Any]:
    from briefmap.data.uploads import MAX_UPLOAD_BYTES, load_uploaded_files

    work = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    data = generate(work / "data", n).path
    files = [(p.name, p.read_bytes()) for p in sorted(data.iterdir()) if p.is_file()]
    biggest = max(len(raw) for _, raw in files)
    assert biggest <= MAX_UPLOAD_BYTES, f"{biggest:,} bytes: over the upload limit"
    base = load_catalog(REPO / "geodata").catalog
    t_folder, folder = timed(lambda: load_catalog(data), 1)
    t_upload, upload = timed(lambda: load_uploaded_files(files, base), 1)
    assert not folder.issues
    assert not upload.issues
    own, mine = folder.catalog, upload.catalog
    out: dict[str, Any] = {
        "n": n,
        "largest_file_bytes": biggest,
        "load": {"folder": t_folder.cpu, "upload": t_upload.cpu},
    }
    for name, fresh in (("filter_change", True), ("rerun_no_change", False)):
        _folder_rerun(own, True)  # warm: the per-catalog tables, as after the first run
        _upload_rerun(base, mine, True)
        t_own, own_text = timed(lambda f=fresh: _folder_rerun(own, f), 5)
        t_mine, mine_text = timed(lambda f=fresh: _upload_rerun(base, mine, f), 5)
        out[name] = {
            "folder": t_own.cpu,
            "upload": t_mine.cpu,
            "folder_bytes": len(own_text.encode()),
            "upload_bytes": len(mine_text.encode()),
        }
    selection = mine.index.select(FILTER)
    t_naive, naive_text = timed(
        lambda: serialise(base, [mapping.build_upload_layer(mine, selection, "mine.json")]), 1
    )
    out["naive_upload_layer"] = {"cpu": t_naive.cpu, "bytes": len(naive_text.encode())}
    return out


def report(result: dict[str, Any]) -> str:
    def row(name: str) -> str:
        r = result[name]
        return (
            f"  {name:<16} folder {r['folder']:.3f} s, upload {r['upload']:.3f} s "
            f"(upload/folder {r['upload'] / r['folder']:.2f}); payload "
            f"{r['folder_bytes'] / 1e6:.2f} MB / {r['upload_bytes'] / 1e6:.2f} MB"
        )

    naive = result["naive_upload_layer"]
    change = result["filter_change"]["upload"]
    return "\n".join(
        [
            f"{result['n']:,} claims, largest file {result['largest_file_bytes'] / 1e6:.1f} MB",
            f"  load             folder {result['load']['folder']:.2f} s, upload {result['load']['upload']:.2f} s",
            row("filter_change"),
            row("rerun_no_change"),
            f"  naive upload layer (a marker per place): {naive['cpu']:.2f} s, "
            f"{naive['bytes'] / 1e6:.1f} MB ({naive['cpu'] / change:.0f}x the canvas upload's filter change)",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.upload", description=__doc__)
    parser.add_argument("n", nargs="?", type=int, default=50_000)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    print(machine())
    result = measure(args.n)
    print(report(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
