"""The validated data on disk: read back equal, rebuilt when anything changes, never fatal."""

from __future__ import annotations

import os
import pickle
import threading
import time
from pathlib import Path

import pytest

from briefmap.data.budget import Stopped, within_budget
from briefmap.data.loader import load_catalog
from briefmap.engine import stored
from briefmap.engine.query import ClaimFilter

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(stored.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _counting(value: object) -> tuple[list[int], object]:
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return value

    return calls, build


def test_a_second_start_reads_what_the_first_validated(folder: Path) -> None:
    data = REPO / "geodata"
    calls: list[int] = []

    def build():
        calls.append(1)
        loaded = load_catalog(data)
        _ = loaded.catalog.index.claims  # warm, as the app does
        return loaded

    first = stored.stored(data, "fp1", build)
    again = stored.stored(data, "fp1", build)
    assert calls == [1]
    assert again is not first and again.catalog == first.catalog
    assert again.issues == first.issues
    # The index came along, and works.
    assert again.catalog.index.select(ClaimFilter()) == first.catalog.index.select(ClaimFilter())
    assert [p.stat().st_mode & 0o777 for p in [folder]] == [0o700]


def test_new_data_or_new_code_builds_afresh_and_drops_the_old_file(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls, build = _counting({"x": 1})
    stored.stored(Path("/data"), "fp1", build)
    stored.stored(Path("/data"), "fp2", build)
    assert calls == [1, 1]
    assert len(list(folder.glob("*.pickle"))) == 1
    monkeypatch.setattr(stored, "code_version", lambda: "other code")
    stored.stored(Path("/data"), "fp2", build)
    assert calls == [1, 1, 1]


def test_a_damaged_file_is_rebuilt_not_fatal(folder: Path) -> None:
    calls, build = _counting([1, 2, 3])
    stored.stored(Path("/data"), "fp", build)
    (path,) = folder.glob("*.pickle")
    path.write_bytes(path.read_bytes()[:10])  # cut short
    assert stored.stored(Path("/data"), "fp", build) == [1, 2, 3]
    assert calls == [1, 1]
    assert pickle.loads(path.read_bytes()) == [1, 2, 3]  # noqa: S301 - written whole again


def test_no_writable_folder_means_no_cache_not_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    monkeypatch.setenv(stored.CACHE_ENV, str(blocked / "cache"))
    calls, build = _counting("value")
    assert stored.stored(Path("/data"), "fp", build) == "value"
    assert stored.stored(Path("/data"), "fp", build) == "value"
    assert calls == [1, 1]


def test_servers_sharing_the_folder_never_read_half_a_file(folder: Path) -> None:
    big = list(range(200_000))
    results: list[object] = []

    def start() -> None:
        results.append(stored.stored(Path("/data"), "fp", lambda: big))

    starts = [threading.Thread(target=start) for _ in range(8)]
    for thread in starts:
        thread.start()
    for thread in starts:
        thread.join()
    assert results == [big] * 8
    (path,) = folder.glob("*.pickle")
    assert pickle.loads(path.read_bytes()) == big  # noqa: S301 - our own file
    assert not [p for p in os.listdir(folder) if p.startswith(".")]  # no temporary left


def test_what_was_built_while_a_read_was_stopped_at_a_limit_is_not_stored(folder: Path) -> None:
    # A data folder whose file hit the time limit on a busy machine would
    # otherwise be refused at every start, however quiet the machine since.
    calls: list[int] = []

    def build() -> object:
        calls.append(1)
        return within_budget(time.sleep, 30, seconds=0.2)

    assert isinstance(stored.stored(REPO / "geodata", "stopped", build), Stopped)
    assert not list(folder.glob("*.pickle"))
    stored.stored(REPO / "geodata", "stopped", build)
    assert calls == [1, 1]  # built again, not read back
    # A build whose reads all ended is stored, as before.
    calls.clear()
    assert stored.stored(REPO / "geodata", "read", lambda: calls.append(1) or "kept") == "kept"
    assert stored.stored(REPO / "geodata", "read", lambda: calls.append(1) or "kept") == "kept"
    assert calls == [1]
