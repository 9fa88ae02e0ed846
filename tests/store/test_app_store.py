"""The server's store (briefmap.app.store) and the app's data keyed on its version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from store_support import write_seed

import briefmap.store.files as files_module
import briefmap.store.postgis
from briefmap.app import data as app_data
from briefmap.app import store as app_store
from briefmap.store.base import Edit, Editor
from briefmap.store.files import FileStore


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seed data as this server's data folder, no database configured."""
    seed = write_seed(tmp_path / "data")
    monkeypatch.setenv("BRIEFMAP_DATA", str(seed))
    monkeypatch.delenv(app_store.DATABASE_URL_ENV, raising=False)
    monkeypatch.setattr(app_store, "_secrets_url", lambda: None)
    return seed


def test_without_a_database_the_store_is_the_data_folders_files(folder: Path) -> None:
    store = app_store.server_store()
    assert isinstance(store, FileStore) and store.data_dir == folder.resolve()
    assert app_store.server_store() is store  # one per server, for every session


def test_a_database_url_chooses_the_database(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []

    class Opened:
        def __init__(self, url: str) -> None:
            opened.append(url)

    monkeypatch.setattr(briefmap.store.postgis, "PostgisStore", Opened)
    monkeypatch.setenv(app_store.DATABASE_URL_ENV, "postgresql:///briefmap_chosen")
    assert isinstance(app_store.server_store(), Opened)
    assert opened == ["postgresql:///briefmap_chosen"]


def test_the_secrets_give_the_url_when_the_environment_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(app_store.DATABASE_URL_ENV, raising=False)
    monkeypatch.setattr(app_store, "_secrets_url", lambda: "postgresql:///from_secrets")
    assert app_store.database_url() == "postgresql:///from_secrets"
    monkeypatch.setenv(app_store.DATABASE_URL_ENV, "postgresql:///from_env")
    assert app_store.database_url() == "postgresql:///from_env"


def test_the_apps_data_follows_the_stores_version(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = app_data.load()
    assert app_data.load() is first  # the same version: the same catalog, not validated again
    # From here on the folder is never validated whole again: each save patches it.
    monkeypatch.setattr(files_module, "load_catalog", lambda *_: pytest.fail("validated again"))
    store = app_store.server_store()
    old, revision = store.get("claim", "c-hill")
    edited: dict[str, Any] = {**old, "summary": "Seen on the next rerun."}

    store.save([Edit("claim", "c-hill", edited, revision)], Editor.typed("A"), "edit")
    second = app_data.load()
    assert second.loaded.catalog.claims["c-hill"].summary == "Seen on the next rerun."

    # An undo puts the files back as they were; the version still moves, and the
    # data shown is the files' again.
    store.undo(1, Editor.typed("A"), "undo")
    third = app_data.load()
    assert third is not second
    assert third.loaded.catalog.claims["c-hill"] == first.loaded.catalog.claims["c-hill"]


@pytest.mark.parametrize("edited_by", ["this server", "another server"])
def test_a_server_started_from_the_disk_cache_patches_its_first_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edited_by: str
) -> None:
    from bench.synth import generate
    from briefmap.engine import stored

    folder = tmp_path / "data"
    generate(folder, 400)  # enough claims for one edit to be patched (index_patch.PATCH_AT_MOST)
    monkeypatch.setenv(stored.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setenv("BRIEFMAP_DATA", str(folder))
    monkeypatch.delenv(app_store.DATABASE_URL_ENV, raising=False)
    monkeypatch.setattr(app_store, "_secrets_url", lambda: None)

    def start() -> app_data.Data:
        """A server's start: nothing held in memory, the disk cache as the last one left it."""
        monkeypatch.setattr(app_store, "_STORES", {})
        monkeypatch.setattr(app_data, "_LAST", {})
        app_data._load.clear()
        return app_data.load()

    start()  # validates the folder and stores it on disk
    other = FileStore(folder)  # a second server over the folder, its data validated already
    other.load()
    validations: list[Path] = []
    load_catalog = files_module.load_catalog
    monkeypatch.setattr(
        files_module, "load_catalog", lambda *a: validations.append(a[0]) or load_catalog(*a)
    )
    started = start()
    assert not validations  # read from the disk cache
    editing = app_store.server_store() if edited_by == "this server" else other
    cid = next(iter(started.loaded.catalog.claims))
    old, revision = editing.get("claim", cid)
    edited: dict[str, Any] = {**old, "summary": "Edited after a start from the cache."}
    editing.save([Edit("claim", cid, edited, revision)], Editor.typed("A"), "edit")

    after = app_data.load()

    assert after.loaded.catalog.claims[cid].summary == "Edited after a start from the cache."
    assert not validations  # patched, not the whole folder validated again
    assert getattr(after.loaded.catalog.index, "patched", False)  # nor its index built afresh
    app_data._load.clear()
