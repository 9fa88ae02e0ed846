"""The app over a database: one that cannot be used is said on the page, not a traceback."""

from __future__ import annotations

import pytest
from app_runs import open_app
from postgis_support import fresh_database, postgis_cluster

from briefmap.app import store as app_store


@pytest.fixture
def no_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(app_store, "_secrets_url", lambda: None)


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
