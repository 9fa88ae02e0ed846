"""Every GIS read has a budget; a cell that is not text is an error on its record, not the file.

GeoPackages made here with geopandas, then edited with SQLite as an attacker or
a careless tool would: a view that yields rows without end (first in the file,
chosen by name, or standing in for the GeoPackage's own table of contents), a
cell of Latin-1 bytes in a file that declares UTF-8; and a zipped Shapefile
whose ``.cpg`` says UTF-8 over Latin-1 bytes. The budget's own cases (time,
memory, a crash, a bug) are run with small readers defined here.
"""

from __future__ import annotations

import ctypes
import io
import multiprocessing
import os
import sqlite3
import threading
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Point

from briefmap.__main__ import main
from briefmap.data import budget
from briefmap.data.gis_files import geopackage_layers
from briefmap.data.loader import load_catalog
from briefmap.data.uploads import load_upload

# Small budgets keep the tests fast: a read without end is stopped at this.
SECONDS = 1.5
# How long past the budget a stopped read may take to return (a busy test machine).
SLACK = 8.0
ENDLESS = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT n.i AS fid, 'v' || n.i AS id, 'town' AS kind, 'town' AS precision, "
    "'Somewhere' AS name, s.geom AS geom FROM n, (SELECT geom FROM sites LIMIT 1) AS s"
)


def _places(names: list[str | None], ids: list[str | None] | None = None) -> gpd.GeoDataFrame:
    ids = ids or [f"p{i}" for i in range(len(names))]
    return gpd.GeoDataFrame(
        {"id": ids, "name": names, "kind": "town", "precision": "town", "note": "A note."},
        geometry=[Point(36 + i / 10, 34.0) for i in range(len(names))],
        crs="EPSG:4326",
    )


def _edited(path: Path, *statements: str) -> bytes:
    """The GeoPackage at ``path`` after SQL run on it with plain SQLite."""
    database = sqlite3.connect(path)
    # GDAL's triggers on a layer's spatial index call these; SQLite alone lacks them.
    for function in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):
        database.create_function(function, 1, lambda _: 0)
    for statement in statements:
        database.execute(statement)
    database.commit()
    database.close()
    return path.read_bytes()


def _with_view(tmp_path: Path, body: str = ENDLESS, first: bool = True) -> bytes:
    """A GeoPackage of one table, ``sites``, and one layer that is a view, ``endless``."""
    path = tmp_path / "hostile.gpkg"
    _places(["Alpha", "Beta"]).to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    moved = (
        [  # the view first in the table of contents: move the table's entry after it
            "CREATE TEMP TABLE entry AS SELECT * FROM gpkg_contents WHERE table_name = 'sites'",
            "DELETE FROM gpkg_contents WHERE table_name = 'sites'",
            "INSERT INTO gpkg_contents SELECT * FROM entry",
        ]
        if first
        else []
    )
    return _edited(
        path,
        f"CREATE VIEW endless AS {body}",
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) "
        "VALUES ('endless', 'features', 'endless', 4326)",
        "INSERT INTO gpkg_geometry_columns VALUES ('endless', 'geom', 'POINT', 4326, 0, 0)",
        *moved,
    )


def _endless_contents(tmp_path: Path) -> bytes:
    """A GeoPackage whose table of contents is a view without end: listing it never ends."""
    path = tmp_path / "contents.gpkg"
    _places(["Alpha"]).to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    return _edited(
        path,
        "ALTER TABLE gpkg_contents RENAME TO contents",
        "CREATE VIEW gpkg_contents AS WITH RECURSIVE n(i) AS "
        "(SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT c.table_name || n.i AS table_name, "
        "c.data_type, c.identifier || n.i AS identifier, c.description, c.last_change, "
        "c.min_x, c.min_y, c.max_x, c.max_y, c.srs_id FROM n, contents AS c",
    )


def _returns_within(seconds: float, call: Callable[[], Any]) -> Any:
    """``call()``, failing the test (not hanging it) if it has not returned in ``seconds``."""
    done: list[Any] = []
    thread = threading.Thread(target=lambda: done.append(call()), daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(seconds)
    assert done, f"still reading after {time.monotonic() - started:.1f} s"
    return done[0]


def _located(result: Any) -> list[tuple[str, str, str]]:
    return [(i.file, i.record, i.field) for i in result.issues]


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "READ_SECONDS", SECONDS)


@pytest.fixture(autouse=True)
def no_reader_left() -> Any:
    yield
    assert multiprocessing.active_children() == []


# ------------------------------------------------------------ views and time


def test_a_view_is_no_default_layer_and_is_not_read_unless_chosen(tmp_path: Path) -> None:
    raw = _with_view(tmp_path)
    layers = geopackage_layers(raw)
    assert (layers.tables, layers.views) == (("sites",), ("endless",))
    assert layers.names == ("sites", "endless")  # the app's picker: the default first
    result = _returns_within(SECONDS + SLACK, lambda: load_upload({"hostile.gpkg": raw}))
    assert result.ok, result.report()
    assert set(result.catalog.places) == {"p0", "p1"}


def test_a_chosen_view_without_end_is_stopped_at_the_time_limit(
    tmp_path: Path, small_budget: None
) -> None:
    raw = _with_view(tmp_path)
    result = _returns_within(
        SECONDS + SLACK, lambda: load_upload({"hostile.gpkg": raw}, layer="endless")
    )
    assert _located(result) == [("hostile.gpkg", "-", "-")]
    assert result.issues[0].message == (
        "stopped after 1.5 s: the file took longer than Briefmap's limit for reading one "
        "file; nothing from it was loaded"
    )
    assert result.catalog.places == {}


def test_a_view_that_ends_is_read_when_chosen(tmp_path: Path) -> None:
    raw = _with_view(
        tmp_path, ENDLESS.replace("SELECT i + 1 FROM n)", "SELECT i + 1 FROM n WHERE i < 3)")
    )
    result = _returns_within(
        SECONDS + SLACK, lambda: load_upload({"hostile.gpkg": raw}, layer="endless")
    )
    assert result.ok, result.report()
    assert set(result.catalog.places) == {"v1", "v2", "v3"}


def test_a_geopackage_with_only_views_names_them_and_reads_none(tmp_path: Path) -> None:
    _with_view(tmp_path)
    raw = _edited(tmp_path / "hostile.gpkg", "DELETE FROM gpkg_contents WHERE table_name = 'sites'")
    assert geopackage_layers(raw).names == ("endless",)
    result = _returns_within(SECONDS + SLACK, lambda: load_upload({"views.gpkg": raw}))
    assert _located(result) == [("views.gpkg", "-", "layer")]
    assert "its views ('endless') are read only when chosen" in result.issues[0].message


def test_a_table_of_contents_without_end_is_stopped_in_the_upload_the_app_and_validate(
    tmp_path: Path, small_budget: None, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = _endless_contents(tmp_path)
    # The app's layer picker lists within the budget too: no layers, no hang.
    assert _returns_within(SECONDS + SLACK, lambda: geopackage_layers(raw)).names == ()
    upload = _returns_within(SECONDS + SLACK, lambda: load_upload({"contents.gpkg": raw}))
    assert _located(upload) == [("contents.gpkg", "-", "-")]
    assert upload.issues[0].message.startswith("stopped after 1.5 s")
    # A data folder (BRIEFMAP_DATA) of this file, and the command line, say the same.
    path = tmp_path / "contents.gpkg"
    folder = _returns_within(SECONDS + SLACK, lambda: load_catalog(path))
    assert [str(i) for i in folder.issues] == [str(i) for i in upload.issues]
    assert _returns_within(SECONDS + SLACK, lambda: main(["validate", str(path)])) == 1
    assert str(upload.issues[0]) in capsys.readouterr().out


def test_validate_stops_a_chosen_view_without_end(
    tmp_path: Path, small_budget: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hostile.gpkg"
    path.write_bytes(_with_view(tmp_path))
    assert _returns_within(SECONDS + SLACK, lambda: main(["validate", str(path)])) == 0
    capsys.readouterr()
    code = _returns_within(
        SECONDS + SLACK, lambda: main(["validate", str(path), "--layer", "endless"])
    )
    assert code == 1
    assert "hostile.gpkg: record '-', field '-': stopped after 1.5 s" in capsys.readouterr().out


def test_a_view_that_needs_more_memory_than_the_budget_is_stopped(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(budget, "READ_MEMORY_BYTES", 100 * 1024 * 1024)
    # Twelve rows of a 20 MB name each, from a file of a few kilobytes.
    greedy = ENDLESS.replace("SELECT i + 1 FROM n)", "SELECT i + 1 FROM n WHERE i < 12)")
    raw = _with_view(tmp_path, greedy.replace("'Somewhere'", "printf('%.*c', 20000000, 'x')"))
    assert len(raw) < 200_000
    result = _returns_within(
        SECONDS + SLACK, lambda: load_upload({"hostile.gpkg": raw}, layer="endless")
    )
    assert [str(i) for i in result.issues] == [
        "hostile.gpkg: record '-', field '-': stopped: reading the file needed more memory "
        "than Briefmap's limit of 100 MB for one file; nothing from it was loaded"
    ]


# ------------------------------------------------------- the budget itself


def _forever(pid_file: str) -> None:
    Path(pid_file).write_text(str(os.getpid()))
    while True:
        pass


def _greedy() -> bytes:
    return bytes(512 * 1024 * 1024)


def _crash() -> None:
    ctypes.string_at(0)  # reads address 0: SIGSEGV


def _buggy() -> None:
    raise KeyError("a reader's bug")


def _answer(value: int) -> dict[str, int]:
    return {"value": value}


def test_a_read_past_its_time_is_killed_and_reaped(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    # On a loaded machine a child may be killed before it has said who it is:
    # then again with a longer budget, until it has (the budget being the point).
    for seconds in (SECONDS, 4 * SECONDS, 16 * SECONDS):
        started = time.monotonic()
        stopped = budget.within_budget(_forever, str(pid_file), seconds=seconds)
        assert time.monotonic() - started < seconds + SLACK
        assert isinstance(stopped, budget.Stopped)
        assert stopped.reason.startswith(f"stopped after {seconds:g} s")
        if pid_file.exists():
            break
    # Gone, not a zombie: the process table has no entry for it.
    assert not Path(f"/proc/{pid_file.read_text()}").exists()


def test_a_read_past_its_memory_is_stopped_and_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budget, "READ_MEMORY_BYTES", 256 * 1024 * 1024)
    stopped = budget.within_budget(_greedy)
    assert stopped == budget.Stopped(
        "stopped: reading the file needed more memory than Briefmap's limit of 256 MB for "
        "one file; nothing from it was loaded"
    )


def test_a_reader_that_dies_or_fails_is_one_sentence_not_a_traceback() -> None:
    died = budget.within_budget(_crash)
    assert isinstance(died, budget.Stopped)
    assert died.reason.startswith("the reader stopped with SIGSEGV while reading the file")
    failed = budget.within_budget(_buggy)
    assert failed == budget.Stopped(
        'could not be read: KeyError: "a reader\'s bug"; nothing from it was loaded'
    )


def test_a_read_within_budget_answers_and_takes_the_parents_limits(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert budget.within_budget(_answer, 7) == {"value": 7}
    # A limit changed in this process holds in the child too (the fork server
    # imported the module long before): a zip bomb test relies on it.
    from briefmap.data import archives

    monkeypatch.setattr(archives, "MAX_UNPACKED_BYTES", 50_000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", b" " * 5_000_000)
    result = load_upload({"bomb.kmz": bomb.getvalue()})
    assert "unpacks to more than" in result.issues[0].message


# ------------------------------------------------------------- bad bytes


def test_a_cell_not_in_utf8_is_an_error_on_its_record_and_the_rest_loads(tmp_path: Path) -> None:
    path = tmp_path / "mine.gpkg"
    frame = _places(["Ḥimṣ", "Beta", "Gamma", "Delta"], ids=["p0", "p1", None, "p3"])
    frame.to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    raw = _edited(
        path,
        # Latin-1 bytes in a GeoPackage, whose text is UTF-8 by its standard.
        "UPDATE sites SET name = CAST(X'426574E9' AS TEXT) WHERE id = 'p1'",
        "UPDATE sites SET note = CAST(X'6E6FE974E9' AS TEXT) WHERE id IS NULL",
    )
    result = load_upload({"mine.gpkg": raw})
    # Named as the rest of the file names them: by id, else by the file and row number.
    assert _located(result) == [
        ("mine.gpkg", "p1", "name"),
        ("mine.gpkg", "mine-3", "note"),
        ("mine.gpkg", "p1", "name_en"),  # a required field, now missing: the validator's
    ]
    assert result.issues[0].message == (
        "is not UTF-8 text, the encoding the file declares (bytes b'Bet\\xe9'); "
        "the cell was not read"
    )
    assert "b'no\\xe9t\\xe9'" in result.issues[1].message
    places = result.catalog.places
    assert set(places) == {"p0", "mine-3", "p3"}
    assert places["p0"].name_en == "Ḥimṣ"  # good text around the bad cell reads as before
    assert places["mine-3"].note is None and places["p3"].note == "A note."
    # validate, and a data folder of this file, say the same.
    assert [str(i) for i in load_catalog(path).issues] == [str(i) for i in result.issues]


def test_bad_bytes_in_a_column_outside_the_convention_are_one_error_for_the_column(
    tmp_path: Path,
) -> None:
    # The column is not read anyway: one error saying so, with its count, as for
    # any filled column outside the convention (each cell was one error, and
    # with other bytes in each a group of its own in the app's panel).
    path = tmp_path / "mine.gpkg"
    frame = _places(["Alpha", "Beta", "Gamma", "Delta"]).assign(remarks="ok")
    frame.to_file(path, layer="sites", driver="GPKG", engine="pyogrio")
    raw = _edited(
        path, "UPDATE sites SET remarks = CAST(X'426574E9' || id AS TEXT) WHERE id != 'p0'"
    )
    result = load_upload({"mine.gpkg": raw})
    assert _located(result) == [("mine.gpkg", "p0", "remarks")]
    assert "filled in 4 records" in result.issues[0].message
    assert set(result.catalog.places) == {"p0", "p1", "p2", "p3"}
    assert [str(i) for i in load_catalog(path).issues] == [str(i) for i in result.issues]


def test_a_shapefile_whose_cpg_says_utf8_over_latin1_loses_only_its_bad_cells(
    tmp_path: Path,
) -> None:
    frame = _places(["Alpha", "Café", "Gamma"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame.to_file(
            tmp_path / "sites.shp", driver="ESRI Shapefile", engine="pyogrio", encoding="ISO-8859-1"
        )
    members = {
        f"sites{p}": (tmp_path / f"sites{p}").read_bytes() for p in (".shp", ".shx", ".dbf", ".prj")
    }
    members["sites.cpg"] = b"UTF-8"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = load_upload({"sites.zip": packed.getvalue()})
    assert _located(result)[0] == ("sites.zip", "p1", "name")
    assert "is not UTF-8 text" in result.issues[0].message
    assert "b'Caf\\xe9'" in result.issues[0].message
    assert set(result.catalog.places) == {"p0", "p2"}
    # Declared Latin-1, the same bytes read as written.
    members["sites.cpg"] = b"ISO-8859-1"
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    latin = load_upload({"sites.zip": packed.getvalue()})
    assert latin.ok, latin.report()
    assert latin.catalog.places["p1"].name_en == "Café"
