"""A flood of errors is summarised, never drawn one by one (issue 24, item 3).

Unknown GIS columns are reported once per column with the records that fill
them; every other error stays in the full list (the CSV download and
``python -m briefmap validate``), while the panels draw a bounded number of
groups of them, grouped once per load, so a rerun costs what a valid one does.
The files are made here.
"""

from __future__ import annotations

import csv
import dataclasses
import gc
import io
import json
import re
import statistics
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from app_runs import open_app
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block
from test_cli import run_validate

from briefmap.app import data as app_data
from briefmap.app import panels, streamlit_internals, view
from briefmap.app.data import Data, Upload
from briefmap.app.session import KEY_UPLOAD, KEY_UPLOAD_FILES
from briefmap.data.loader import LoadResult, load_catalog
from briefmap.data.schema import Catalog
from briefmap.data.uploads import load_upload
from briefmap.data.validate import ValidationIssue, group_issues
from briefmap.engine.tables import issues_table, to_csv
from briefmap.heap import collector_paused
from briefmap.safe import markdown_text

GEODATA = Path(__file__).resolve().parent.parent / "geodata"


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    # AppTest would replay Streamlit's pages/ folder mode (see briefmap/app/streamlit_internals.py).
    with streamlit_internals.navigation_only():
        yield


def _flood_geopackage(path: Path, rows: int, columns: int) -> Path:
    """Places, each filling ``columns`` columns outside the convention."""
    data: dict[str, list] = {
        "id": [f"p{i}" for i in range(rows)],
        "kind": ["town"] * rows,
        "precision": ["town"] * rows,
        "name": [f"Place {i}" for i in range(rows)],
    }
    for c in range(columns):
        data[f"extra_{c}"] = [f"value {i}" for i in range(rows)]
    points = [Point(36 + (i % 100) / 100, 34 + (i // 100) / 1000) for i in range(rows)]
    frame = gpd.GeoDataFrame(data, geometry=points, crs="EPSG:4326")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(path, driver="GPKG", engine="pyogrio")
    return path


def test_an_unknown_column_is_reported_once_with_the_records_that_fill_it(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    # 1,000 rows of 50 unknown columns made 50,000 errors, one on every cell.
    path = _flood_geopackage(tmp_path / "flood.gpkg", 1000, 50)
    result = load_upload({path.name: path.read_bytes()}, base=real_catalog)
    assert len(result.catalog.places) == 1000, "the rows still load"
    assert [(i.file, i.record, i.field) for i in result.issues] == [
        ("flood.gpkg", "p0", f"extra_{c}") for c in range(50)
    ]
    assert result.issues[0].message == (
        "not a field of Briefmap's convention (see the README's GIS files); not read; "
        "filled in 1,000 records ('p0', 'p1', 'p2', …)"
    )


def test_a_column_filled_on_some_rows_counts_only_those(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    frame = gpd.GeoDataFrame(
        {
            "id": ["a", "b", "c", "d"],
            "kind": ["town"] * 4,
            "precision": ["town"] * 4,
            "name": list("ABCD"),
            "colour_x": [None, "red", None, "blue"],
        },
        geometry=[Point(36, 34), Point(36.1, 34), Point(36.2, 34), Point(36.3, 34)],
        crs="EPSG:4326",
    )
    frame.to_file(tmp_path / "some.gpkg", driver="GPKG", engine="pyogrio")
    result = load_upload({"some.gpkg": (tmp_path / "some.gpkg").read_bytes()}, base=real_catalog)
    (issue,) = result.issues
    assert (issue.record, issue.field) == ("b", "colour_x")  # the first record that fills it
    assert issue.message.endswith("not read; filled in 2 records ('b', 'd')")


def _issue(
    record: str, field: str = "summary", message: str = "is missing or empty"
) -> ValidationIssue:
    return ValidationIssue("claims.json", record, field, message)


def test_issues_are_grouped_by_file_field_and_message_in_the_order_found() -> None:
    issues = [
        ValidationIssue("places.geojson", "-", "crs", "no CRS"),
        *(_issue(f"c{i}") for i in range(1000)),
        _issue("c1", "status", "unknown value 'x'"),
        _issue("c0"),  # the same record again: counted, named once
        ValidationIssue("sources.json", "c5", "summary", "is missing or empty"),
    ]
    groups = group_issues(issues)
    assert [(g.file, g.field, g.count, g.records) for g in groups] == [
        ("places.geojson", "crs", 1, ("-",)),
        ("claims.json", "summary", 1001, ("c0", "c1", "c2")),
        ("claims.json", "status", 1, ("c1",)),
        ("sources.json", "summary", 1, ("c5",)),
    ]
    assert sum(g.count for g in groups) == len(issues)
    assert str(groups[1]) == (
        "claims.json, field 'summary': is missing or empty (1,001 errors, records 'c0', 'c1', 'c2', …)"
    )
    assert str(groups[2]) == str(issues[1001]), "a group of one reads as its error"


def test_the_error_csv_holds_every_error_with_formulas_defused() -> None:
    issues = [_issue(f"c{i}") for i in range(20_000)]
    issues.append(ValidationIssue("claims.json", "=HYPERLINK(1)", "+x", "@SUM(A1)"))
    rows = list(csv.reader(io.StringIO(to_csv(issues_table(issues)).decode("utf-8"))))
    assert rows[0] == ["File", "Record", "Field", "Message"]
    assert len(rows) == 1 + len(issues)
    assert rows[1] == ["claims.json", "c0", "summary", "is missing or empty"]
    assert rows[-1] == ["claims.json", "'=HYPERLINK(1)", "'+x", "'@SUM(A1)"]


# ------------------------------------------------------------ validate and the app agree


@pytest.fixture
def many_bad_claims(data_copy: Path) -> Path:
    """geodata/ with 2,000 more claims, each missing its summary and one with a quoted value."""
    path = data_copy / "claims.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    model = payload["claims"][0]
    for i in range(2000):
        bad = {k: v for k, v in model.items() if k != "summary"}
        payload["claims"].append({**bad, "id": f"bad-{i:04d}"})
    payload["claims"][-1]["status"] = "*rumoured* [x](http://example.org)"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return data_copy


def _group_counts(text: str) -> dict[str, int]:
    """``field -> errors`` from validate's groups or the panel's lines (Markdown unescaped)."""
    counts = {}
    for line in text.replace("\\", "").replace("*", "").splitlines():
        found = re.search(r"field (\w+|'\w+'): .*\(([\d,]+) errors", line)
        if found:
            counts[found.group(1).strip("'")] = int(found.group(2).replace(",", ""))
    return counts


def test_validate_prints_every_error_and_the_groups_the_app_shows(
    many_bad_claims: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_catalog(many_bad_claims)
    run = run_validate(str(many_bad_claims))
    out = run.stdout
    assert run.returncode == 1
    # The full list: every error on a line of its own.
    for issue in loaded.issues:
        assert str(issue) in out
    assert out.count("field 'summary': is missing or empty") == 2000 + 1  # and its group
    assert "claims.json, field 'summary': is missing or empty (2,000 errors, records " in out
    printed = _group_counts(out)
    assert printed == {"summary": 2000}

    monkeypatch.setenv("BRIEFMAP_DATA", str(many_bad_claims))
    at = open_app()
    assert not at.exception
    assert f"The data has {len(loaded.issues):,} error(s)" in at.error[0].value
    panel = "\n".join(m.value for m in at.markdown)
    assert _group_counts(panel) == printed, "the app and validate group alike"
    (single,) = [g for g in loaded.groups if g.count == 1]
    assert f"record **{markdown_text(single.records[0])}**" in panel
    assert "rumoured" in panel and "](http" not in panel, "data shown as text, escaped"


# ------------------------------------------------------------ the panels, bounded


FLOOD = 1_500_000


@pytest.fixture(scope="module")
def flood() -> tuple[ValidationIssue, ...]:
    """1.5 million errors in 300 groups (3 files, 100 fields), each message quoting data."""
    files, fields = 3, 100
    records = [f"r{r}" for r in range(FLOOD // (files * fields))]
    with collector_paused():  # made in a few seconds, not in 13
        return tuple(
            ValidationIssue(file, record, field, message)
            for file in (f"file{f}.json" for f in range(files))
            for field, message in (
                (f"field_{g}", f"unknown value '*{g}*'; allowed: a, b") for g in range(fields)
            )
            for record in records
        )


def _rerun_time(at: AppTest) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _panel(at: AppTest, title: str) -> Block:
    (expander,) = [e for e in at.expander if e.label == title]
    return expander


def test_a_data_folder_with_a_million_errors_reruns_like_a_valid_one(
    real_load: LoadResult, flood: tuple[ValidationIssue, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    valid_time = _rerun_time(open_app())
    flooded = Data(dataclasses.replace(real_load, issues=flood))
    monkeypatch.setattr(view, "load", lambda: flooded)
    at = open_app()  # the first run groups them, once
    assert not at.exception
    assert f"The data has {FLOOD:,} error(s)" in at.error[0].value
    panel = _panel(at, "What failed validation")
    # The first 20 groups, a word on the other 280, and the download of all.
    assert len(panel.children) == panels.GROUPS_SHOWN + 2, "a bounded number of elements"
    assert len(panel.markdown) == panels.GROUPS_SHOWN
    assert "And 280 more groups of errors" in panel.caption[0].value
    first = panel.markdown[0].value
    assert "(**5,000** errors, in records 'r0', 'r1', 'r2', …)" in first
    assert "\\*0\\*" in first, "the data's Markdown is escaped"
    (button,) = panel.get("download_button")
    assert button.proto.label == "Download every error (CSV)" and button.proto.ignore_rerun
    flood_time = _rerun_time(at)
    print(f"rerun: {flood_time:.3f} s with the flood, {valid_time:.3f} s valid")
    assert flood_time <= max(0.3, 1.5 * valid_time), (flood_time, valid_time)
    assert not at.exception


def test_an_upload_with_a_million_errors_reruns_like_a_valid_one(
    real_catalog: Catalog, flood: tuple[ValidationIssue, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = json.loads((GEODATA / "claims.json").read_text(encoding="utf-8"))
    claims["claims"] = claims["claims"][:3]
    valid = load_upload({"claims.json": json.dumps(claims).encode()}, base=real_catalog)
    held = Upload(("mine.json",), "valid", valid)
    monkeypatch.setattr(view, "current_upload", lambda data: held)
    valid_time = _rerun_time(open_app())
    held = Upload(("mine.json",), "flood", dataclasses.replace(valid, issues=flood))
    at = open_app()
    assert not at.exception
    assert f"Your upload (mine.json) has {FLOOD:,} error(s)" in at.error[0].value.replace("\\", "")
    panel = _panel(at, "What in your upload failed")
    assert len(panel.children) == panels.GROUPS_SHOWN + 2
    assert len(panel.markdown) == panels.GROUPS_SHOWN
    flood_time = _rerun_time(at)
    assert flood_time <= max(0.3, 1.5 * valid_time), (flood_time, valid_time)


# ------------------------------------------------------------ what the session keeps


class _Uploaded:
    """What Streamlit's uploader hands the app: a name and the bytes."""

    def __init__(self, name: str, raw: bytes) -> None:
        self.name, self._raw = name, raw

    def getvalue(self) -> bytes:
        return self._raw


def _issue_objects() -> int:
    """Issue objects the garbage collector visits, after it has had its first passes."""
    gc.collect()
    gc.collect()
    return sum(type(o) is ValidationIssue for o in gc.get_objects())


def test_the_session_keeps_an_uploads_errors_where_the_collector_skips_them(
    real_load: LoadResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Streamlit collects garbage after every run of every session: each issue
    # object the session held was visited every time (0.45 s for 1.5 million).
    def flooded(named: object, base: object, layer: object) -> LoadResult:
        return dataclasses.replace(real_load, issues=tuple(_issue(f"c{i}") for i in range(50_000)))

    session: dict[str, object] = {KEY_UPLOAD_FILES: [_Uploaded("claims.json", b"{}")]}
    monkeypatch.setattr(app_data, "load_uploaded_files", flooded)
    monkeypatch.setattr(app_data.st, "session_state", session)
    before = _issue_objects()
    held = app_data.current_upload(Data(real_load))
    assert held is not None and session[KEY_UPLOAD] is held
    assert _issue_objects() - before < 100
    issues = held.result.issues
    assert len(issues) == 50_000 and not held.result.ok
    assert issues[0] == _issue("c0") and list(issues)[-1] == _issue("c49999")
    assert [g.count for g in held.result.groups] == [50_000]
