"""The long-lived data and the garbage collector (briefmap.heap, its use in stored and the app)."""

from __future__ import annotations

import gc
import pickle
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from briefmap import heap
from briefmap.engine import stored
from briefmap.store.files import FileStore

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector as it was, enabled and with nothing frozen, after each test."""
    was = gc.isenabled()
    yield
    gc.unfreeze()
    if was:
        gc.enable()


def test_the_collector_is_paused_inside_the_block_and_restored_after(collector: None) -> None:
    gc.enable()
    with heap.collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError, match="fails"), heap.collector_paused():
        raise ValueError("a build that fails")
    assert gc.isenabled()  # restored on the way out of a failure too
    gc.disable()
    with heap.collector_paused():
        pass
    assert not gc.isenabled()  # a caller's own pause is not undone


def test_kept_data_is_frozen_out_of_the_collectors_passes(collector: None) -> None:
    gc.unfreeze()
    data = {f"claim-{i}": [i, {"places": [i]}] for i in range(5_000)}
    assert heap.kept_for_good(data) is data
    assert gc.get_freeze_count() >= 10_000  # the lists and dicts above
    assert not any(gc.is_tracked(o) and o is data for o in gc.get_objects())


def test_the_data_is_built_and_read_back_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    monkeypatch.setenv(stored.CACHE_ENV, str(tmp_path / "cache"))
    gc.enable()
    seen: list[bool] = []

    def build() -> list[int]:
        seen.append(gc.isenabled())
        return [1, 2, 3]

    assert stored.stored(tmp_path, "fp", build) == [1, 2, 3]
    real_load = pickle.load

    def load(handle):
        seen.append(gc.isenabled())
        return real_load(handle)

    monkeypatch.setattr(stored.pickle, "load", load)
    assert stored.stored(tmp_path, "fp", build) == [1, 2, 3]
    assert seen == [False, False]  # built, then read back, each with the collector paused
    assert gc.isenabled()


def test_the_apps_data_is_kept_for_good(monkeypatch: pytest.MonkeyPatch, collector: None) -> None:
    from briefmap.app import data

    kept: list[object] = []
    monkeypatch.setattr(data, "kept_for_good", lambda value: kept.append(value) or value)
    data._load.clear()
    loaded = data.load()
    data._load.clear()
    assert kept == [loaded]
    assert loaded.loaded.catalog.claims


def test_the_app_keeps_two_versions_of_the_data_at_most(
    monkeypatch: pytest.MonkeyPatch, collector: None
) -> None:
    # An edited folder's old version is never asked for again: kept, it would
    # hold its whole catalog until the server stops.
    from briefmap.app import data

    built: list[str] = []
    store = object()  # not a files store: nothing on disk, each version built by _from_store
    monkeypatch.setattr(data, "_from_store", lambda where, _store: built.append(where) or [])
    data._load.clear()
    for fingerprint in ("v1", "v2", "v3", "v3", "v2", "v1"):
        data._load(fingerprint, fingerprint, store)
    data._load.clear()
    assert data.DATA_VERSIONS_KEPT == 2
    assert built == ["v1", "v2", "v3", "v1"]  # v1 had gone, v2 and v3 were kept


def _version_refs(directory: Path, fingerprint: str) -> list[weakref.ref]:
    """Load a data version as the app does; weak references to what it built."""
    from briefmap.app import data
    from briefmap.engine.query import ClaimFilter
    from briefmap.engine.timeline import as_of

    # A store of its own for each version, as after an edit: one store would hand
    # every fingerprint the same validated data, and nothing would be replaced.
    version = data._load(str(directory), fingerprint, FileStore(directory))
    catalog = version.loaded.catalog
    catalog.index.select(ClaimFilter())  # a selection and its plan kept by the index
    shown = as_of(catalog, "2020-01-01")  # a rewound day shares the index's place table
    shown.index.select(ClaimFilter())
    return [weakref.ref(o) for o in (version, catalog, catalog.index, shown, shown.index)]


@pytest.mark.parametrize("read_back", [False, True], ids=["validated", "from-disk-cache"])
def test_a_replaced_data_version_is_freed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, collector: None, read_back: bool
) -> None:
    # The catalog and its index refer to each other, and the data is frozen out
    # of the collector: a strong cycle there kept every replaced version for the
    # server's life (issue 23). Freed by reference counting alone, frozen or not.
    from briefmap.app import data

    monkeypatch.setenv(stored.CACHE_ENV, str(tmp_path / "cache"))
    gc.unfreeze()
    data._load.clear()
    if read_back:
        data._load(str(GEODATA), "v1", FileStore(GEODATA))
        data._load.clear()  # stored on disk; the next load reads it back
    refs = _version_refs(GEODATA, "v1")
    assert all(ref() is not None for ref in refs)
    assert gc.get_freeze_count() > 0  # kept for good, as the app keeps it
    data._load(str(GEODATA), "v2", FileStore(GEODATA))
    data._load(str(GEODATA), "v3", FileStore(GEODATA))  # two newer versions: v1 is out of the cache
    gc.collect()
    assert [ref() is None for ref in refs] == [True] * len(refs)
    data._load.clear()


def test_an_index_outliving_its_catalog_says_so() -> None:
    from briefmap.data.loader import load_catalog

    index = load_catalog(GEODATA).catalog.index
    gc.collect()
    with pytest.raises(ReferenceError, match="catalog of this index has been freed"):
        _ = index.catalog
