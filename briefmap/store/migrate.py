"""The database's schema by versioned plain-SQL migrations: ``migrations/NNNN_name.sql``.

Each file runs once, in the order of its number, in a transaction of its own
that also records it in ``schema_migrations``: a file that fails leaves
nothing behind, and running the migrations again runs only the new files.
Plain SQL rather than Alembic: the store has no SQLAlchemy models to generate
migrations from (it keeps the files' own records as jsonb), so the SQL files
are the schema, as a reader and ``psql`` see it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import psycopg

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Two servers starting at once must not both run a migration: a transaction-level
# advisory lock (a number of our own) makes the second wait, then find it done.
MIGRATION_LOCK = 0x627269656D6170  # "briemap"


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str


def migrations() -> list[Migration]:
    """Every migration shipped in ``briefmap/store/migrations/``, in order."""
    found = []
    for entry in resources.files("briefmap.store").joinpath("migrations").iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(
                Migration(int(match.group(1)), entry.name, entry.read_text(encoding="utf-8"))
            )
    found.sort(key=lambda m: m.number)
    numbers = [m.number for m in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two migrations share a number: {[m.name for m in found]}")
    return found


def applied(conn: psycopg.Connection) -> list[str]:
    """The migrations this database has run, in order; empty for a new database."""
    exists = conn.execute("SELECT to_regclass('schema_migrations') IS NOT NULL").fetchone()
    if not exists or not exists[0]:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY number")]


def migrate(conn: psycopg.Connection) -> list[str]:
    """Run the migrations the database lacks, each in its own transaction; their names.

    ``conn`` must not be inside a transaction (it is used with its own
    ``transaction()`` blocks).
    """
    ran = []
    for migration in migrations():
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " number integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = conn.execute(
                "SELECT 1 FROM schema_migrations WHERE number = %s", (migration.number,)
            ).fetchone()
            if done:
                continue
            conn.execute(migration.sql)  # type: ignore[arg-type] - our own files, not input
            conn.execute(
                "INSERT INTO schema_migrations (number, name) VALUES (%s, %s)",
                (migration.number, migration.name),
            )
            ran.append(migration.name)
    return ran


def pending(conn: psycopg.Connection) -> list[str]:
    """The shipped migrations this database has not run yet."""
    done = set(applied(conn))
    return [m.name for m in migrations() if m.name not in done]
