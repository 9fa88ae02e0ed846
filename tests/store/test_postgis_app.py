"""The app over a database: one that cannot be used is said on the page, not a traceback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from app_runs import open_app
from postgis_support import fresh_database, postgis_cluster

from briefmap.app import data as app_data
from briefmap.app import store as app_store
from briefmap.store.base import Edit, Editor
from briefmap.store.postgis import PostgisStore
from briefmap.store.transfer import folder_contents

GEODATA = Path(__file__).resolve().parents[2] / "geodata"


@pytest.fixture
def no_secrets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No secrets.toml's URL; the stores this test's app opens are its own, closed after."""
    monkeypatch.setattr(app_store, "_secrets_url", lambda: None)
    opened: dict = {}
    monkeypatch.setattr(app_store, "_STORES", opened)
    yield
    for store in opened.values():
        close = getattr(store, "close", None)
        if close is not None:
            close()


def _page_error(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(app_store.DATABASE_URL_ENV, url)
    at = open_app()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.error) == 1
    return at.error[0].value


def test_an_unreachable_database_is_said_on_the_page(
    monkeypatch: pytest.MonkeyPatch, no_secrets: None
) -> None:
    url = (
        f"postgresql://postgres:s3cret-pw@/briefmap?host={postgis_cluster().socket_dir}/gone&port=1"
    )
    said = _page_error(url, monkeypatch)
    assert "The shared database cannot be used" in said
    assert "Cannot reach the database 'briefmap'" in said and "BRIEFMAP_DATABASE_URL" in said
    assert "s3cret-pw" not in said


def test_a_database_without_the_tables_names_the_command(
    monkeypatch: pytest.MonkeyPatch, no_secrets: None
) -> None:
    with fresh_database(migrated=False) as url:
        assert "python -m briefmap db init" in _page_error(url, monkeypatch)


def test_the_app_shows_the_database_and_a_save_by_another_server_within_3_s(
    monkeypatch: pytest.MonkeyPatch, no_secrets: None
) -> None:
    with fresh_database() as url, PostgisStore(url) as other_server:
        other_server.replace_all(*folder_contents(GEODATA))
        monkeypatch.setenv(app_store.DATABASE_URL_ENV, url)
        at = open_app()
        assert not at.exception and not at.error
        shown = app_data.load()
        assert set(shown.loaded.catalog.claims) == set(other_server.records().claims)

        cid, claim = next(iter(other_server.records().claims.items()))
        revision = other_server.revision("claim", cid)
        edited = {**claim, "summary": "Changed on the other server."}
        other_server.save([Edit("claim", cid, edited, revision)], Editor.typed("B"), "edit")
        saved_at = time.monotonic()
        while app_data.load().loaded.catalog.claims[cid].summary != edited["summary"]:
            assert time.monotonic() - saved_at < 3, "this server did not see the save"
            time.sleep(0.05)
