"""The KML benchmark runs (so it never rots) and reports both reads. No time is asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import kml


def test_the_kml_bench_times_both_reads_and_reports_their_ratio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "kml.json"
    assert (
        kml.main(["--folders", "3,5", "--flat", "4", "--old-up-to", "3", "--json", str(out)]) == 0
    )
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["placemarks"], r["folders"]) for r in rows] == [(3, 3), (5, 5), (4, 0)]
    # The old read is timed up to --old-up-to folders, and always on a file without folders.
    assert ["cpu_ratio" in r for r in rows] == [True, False, True]
    assert all(r["new_s"] > 0 and r["upload_s"] > 0 for r in rows)
    table = capsys.readouterr().out
    assert "| 3 | 3 |" in table and "| 5 | 5 |" in table and "not run" in table


def test_the_bench_files_hold_one_placemark_a_folder() -> None:
    raw = kml.placemarks_kml(4, folders=True)
    assert raw.count(b"<Folder>") == 4 and raw.count(b"<Placemark") == 4
    assert b"<Folder>" not in kml.placemarks_kml(4, folders=False)
    assert kml.gdal_per_folder(raw, "four") == kml.in_process(raw, "four") == 4
