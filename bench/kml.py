"""``python -m bench.kml [--folders 250,1000,2000] [--flat 20000] [--json FILE]``: KML reading.

Issue 24: a KML with one placemark per ``<Folder>`` read in quadratic time
(GDAL makes each folder a layer, and pyogrio opens the whole document again
for each layer it counts or reads: 2,000 folders took over two minutes). KML
is now read in one pass by :mod:`briefmap.data.kml_files`. Both are timed here
in the same run, on the same files, wall clock (median of up to three calls
within a few seconds; a slow call runs once):

- ``old``: GDAL's LIBKML driver through pyogrio as Briefmap used it until
  issue 24 (list the layers, count each, read each), then each row to a place
  by the same convention: the old path, rebuilt here, run in this process
  (the read's 20 s budget would stop it);
- ``new``: Briefmap's reader to the places payload (``gis_files._kml``), in
  this process, as ``old``;
- ``as an upload``: :func:`briefmap.data.gis_files.read_gis`, what an upload
  waits for: the new read in the budgeted child process
  (:mod:`briefmap.data.budget`), its fork and its answer's trip back included
  (the fork server is started by one small read before any timing, as it is
  once per server). The child's CPU time is not this process's: wall only.

Wall and CPU seconds are given for the first two, and the ratio of their CPU
times (the machine is shared: wall time moves with the neighbours' load).

The ``--folders`` files hold one placemark (a point, a name, a description,
``kind`` and ``precision`` as ``<Data>``) per folder; the ``--flat`` file holds
as many placemarks in the document itself, no folder: an ordinary file, where
GDAL read it in one layer.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path
from typing import Any

import pyogrio
import shapely

from briefmap.data import gis_files
from briefmap.data.convention import place_row
from briefmap.data.gis_files import read_gis
from briefmap.data.schema import KML_STRUCTURE
from briefmap.data.validate import Collector


def placemarks_kml(n: int, folders: bool) -> bytes:
    """``n`` placemarks in the region of interest, each in its own folder or all in the document."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>bench</name>'
    ]
    for i in range(n):
        lon, lat = 36 + (i % 100) / 100, 33 + (i // 100) / 1000
        placemark = (
            f'<Placemark id="p{i}"><name>Place {i}</name>'
            f"<description>Seen near the crossing, report {i}</description><ExtendedData>"
            '<Data name="kind"><value>town</value></Data>'
            '<Data name="precision"><value>town</value></Data></ExtendedData>'
            f"<Point><coordinates>{lon:.5f},{lat:.5f},0</coordinates></Point></Placemark>"
        )
        parts.append(
            f"<Folder><name>Folder {i}</name>{placemark}</Folder>" if folders else placemark
        )
    parts.append("</Document></kml>")
    return "".join(parts).encode()


def _geometry(geometry: Any) -> dict[str, Any] | None:
    if geometry is None or geometry.is_empty:
        return None
    return json.loads(shapely.to_geojson(shapely.force_2d(geometry)))


def gdal_per_folder(raw: bytes, stem: str) -> int:
    """The old read: a layer per folder, each counted then read by GDAL; its places' count."""
    out = Collector(f"{stem}.kml")
    number = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layers = range(len(pyogrio.list_layers(raw)))
        sum(pyogrio.read_info(raw, layer=i, force_feature_count=True)["features"] for i in layers)
        for layer in layers:
            frame = pyogrio.read_dataframe(raw, layer=layer)
            rows = frame.drop(columns="geometry").to_dict("records")
            for row, geometry in zip(rows, frame.geometry, strict=True):
                number += 1
                place_row(row, _geometry(geometry), number, stem, out, structure=KML_STRUCTURE)
    return number


def one_pass(raw: bytes, stem: str) -> int:
    """The new read, as an upload: :func:`read_gis`; its places' count."""
    out = Collector(f"{stem}.kml")
    data = read_gis(f"{stem}.kml", raw, out)
    assert not out.issues, out.issues
    assert data is not None
    return len(data.places["features"])


def in_process(raw: bytes, stem: str) -> int:
    """The new read in this process (what the upload's child runs); its places' count."""
    data = gis_files._kml(raw, stem, Collector(f"{stem}.kml"), None)
    assert data is not None
    return len(data.places["features"])


def measure(n: int, folders: bool, old: bool = True) -> dict[str, Any]:
    from bench.run import timed

    raw = placemarks_kml(n, folders)
    row: dict[str, Any] = {"placemarks": n, "folders": n if folders else 0, "bytes": len(raw)}
    t_upload, count = timed(lambda: one_pass(raw, "bench"), 3)
    assert count == n, count
    t_new, count = timed(lambda: in_process(raw, "bench"), 3)
    assert count == n, count
    row |= {"upload_s": t_upload.wall, "new_s": t_new.wall, "new_cpu_s": t_new.cpu}
    if old:
        t_old, count = timed(lambda: gdal_per_folder(raw, "bench"), 3)
        assert count == n, count
        row |= {"old_s": t_old.wall, "old_cpu_s": t_old.cpu, "cpu_ratio": t_old.cpu / t_new.cpu}
    return row


def report(rows: list[dict[str, Any]]) -> str:
    def both(wall: float, cpu: float) -> str:
        return f"{wall:.2f} s ({cpu:.2f} s CPU)"

    lines = [
        "| placemarks | folders | file | GDAL, a layer per folder (old) | one pass (new) "
        "| old / new (CPU) | as an upload (new, wall) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        old = both(r["old_s"], r["old_cpu_s"]) if "old_s" in r else "not run"
        ratio = f"{r['cpu_ratio']:.1f}x" if "old_s" in r else ""
        lines.append(
            f"| {r['placemarks']:,} | {r['folders']:,} | {r['bytes'] / 1e6:.2f} MB | {old} "
            f"| {both(r['new_s'], r['new_cpu_s'])} | {ratio} | {r['upload_s']:.2f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.kml", description=__doc__)
    parser.add_argument("--folders", default="250,1000,2000", help="sizes, one placemark a folder")
    parser.add_argument("--flat", default="20000", help="sizes of files without folders")
    parser.add_argument(
        "--old-up-to", type=int, default=2000, help="largest folder count to time the old read at"
    )
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    # bench.run (folium, Streamlit) is imported here, not at the top: each read's
    # child process imports this module again, as multiprocessing does with
    # __main__, and would pay for it on every read.
    from bench.run import machine

    print(machine())
    one_pass(placemarks_kml(1, False), "warm")  # starts the fork server
    sizes = [(int(n), True) for n in args.folders.split(",") if n]
    sizes += [(int(n), False) for n in args.flat.split(",") if n]
    rows = [measure(n, folders, old=not folders or n <= args.old_up_to) for n, folders in sizes]
    print(report(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
