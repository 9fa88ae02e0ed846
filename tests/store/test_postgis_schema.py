"""The database's schema: migrations run once each, and the indexes the queries need are used."""

from __future__ import annotations

import psycopg
import pytest
from postgis_support import fresh_database

from briefmap.store.migrate import applied, migrate, migrations, pending


def test_migrations_run_once_each_in_order() -> None:
    with fresh_database(migrated=False) as url, psycopg.connect(url, autocommit=True) as conn:
        assert applied(conn) == []
        names = [m.name for m in migrations()]
        assert names and names == sorted(names)
        assert migrate(conn) == names
        assert applied(conn) == names
        # Again: nothing runs, nothing fails on tables that already exist.
        assert migrate(conn) == []
        assert pending(conn) == []
        assert conn.execute("SELECT version FROM store_version").fetchone() == (0,)


def test_a_failing_migration_leaves_nothing_behind(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefmap.store import migrate as migrate_module

    broken = migrate_module.Migration(
        9999, "9999_broken.sql", "CREATE TABLE half (x int); SELECT 1/0;"
    )
    monkeypatch.setattr(migrate_module, "migrations", lambda: [*migrations(), broken])
    with fresh_database(migrated=False) as url, psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.errors.DivisionByZero):
            migrate_module.migrate(conn)
        # The shipped ones ran and are recorded; the broken one left no table and no row.
        assert applied(conn) == [m.name for m in migrations()]
        assert conn.execute("SELECT to_regclass('half')").fetchone() == (None,)
