"""A real PostgreSQL with PostGIS for the tests: one server per test process, a database per test.

The server is Debian's (``/usr/lib/postgresql/15/bin``), made and started by
:mod:`briefmap.store.local_server` in a temporary folder, listening on a unix
socket there only, so pytest-xdist's workers (one process each, one server
each) never compete for a port. It starts on first use and stops when the
process ends. A test's database is a copy of a template that already has
PostGIS and the store's migrations (``CREATE DATABASE ... TEMPLATE``: about a
tenth of a second, where PostGIS alone takes a second to create).

pytest-postgresql's ``postgresql_proc`` was the first choice; it runs
``initdb`` and ``pg_ctl`` as the current user, and CI machines run as root,
whom PostgreSQL refuses. ``local_server`` runs them as ``postgres`` there.

Without the server programs or PostGIS the tests skip with the reason; under
``CI=true`` they fail instead (as the browser tests do when Chromium is missing).
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from needs import missing_tool

from briefmap.store.local_server import INSTALL_HINT, LocalCluster, missing_reason

if TYPE_CHECKING:
    from briefmap.store.postgis import PostgisStore

TEMPLATE = "briefmap_template"
BARE_TEMPLATE = "briefmap_bare"  # PostGIS, no migrations: for the migrations' own tests

_lock = threading.Lock()
_cluster: LocalCluster | None = None
_names = itertools.count(1)


def _stop(cluster: LocalCluster, folder: Path) -> None:
    try:
        cluster.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# pytest-xdist's workers end without running atexit handlers, so a server of
# theirs would outlive the run: a small process of its own stops it (and removes
# its folder) once the test process is gone, however it ended.
REAPER = """
import os, shutil, sys, time
from pathlib import Path
from briefmap.store.local_server import LocalCluster
parent, folder, port = int(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(0.5)
try:
    LocalCluster(data_dir=folder / "data", socket_dir=folder / "socket", port=port).stop()
finally:
    shutil.rmtree(folder, ignore_errors=True)
"""


def _reap_when_gone(folder: Path, port: int) -> None:
    subprocess.Popen(
        [sys.executable, "-c", REAPER, str(os.getpid()), str(folder), str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def postgis_cluster() -> LocalCluster:
    """This process's server, started (with its templates) on first use.

    Skips the calling test (fails it under ``CI=true``) when PostgreSQL or
    PostGIS is not installed.
    """
    global _cluster
    with _lock:
        if _cluster is not None:
            return _cluster
        reason = missing_reason()
        if reason:
            missing_tool(reason, INSTALL_HINT)
        import psycopg

        from briefmap.store.migrate import migrate

        # Under /tmp itself, not pytest's tmp_path: that sits in a folder only
        # root may enter, and as root the server runs as 'postgres'.
        folder = Path(tempfile.mkdtemp(prefix=f"briefmap-pg-{os.getpid()}-"))
        cluster = LocalCluster(data_dir=folder / "data", socket_dir=folder / "socket", port=5432)
        cluster.init(fast=True)
        cluster.start(fast=True)
        atexit.register(_stop, cluster, folder)
        _reap_when_gone(folder, cluster.port)
        cluster.create_database(BARE_TEMPLATE)
        url = cluster.create_database(TEMPLATE, template=BARE_TEMPLATE)
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn)
        _cluster = cluster
        return cluster


@contextmanager
def fresh_database(*, migrated: bool = True) -> Iterator[str]:
    """A new database of its own (PostGIS, and the store's schema unless not ``migrated``); its URL.

    Dropped afterwards, with any connection still open to it.
    """
    import psycopg
    from psycopg import sql

    cluster = postgis_cluster()
    name = f"test_{os.getpid()}_{next(_names)}"
    url = cluster.create_database(name, template=TEMPLATE if migrated else BARE_TEMPLATE)
    try:
        yield url
    finally:
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


@contextmanager
def postgis_backing(seed: Path) -> Iterator[Callable[[], PostgisStore]]:
    """STORE_FACTORIES["postgis"]: a fresh database holding the seed folder (``db import``).

    Each call of the function it yields opens one more store (its own pool: one
    more server) on that database; all are closed at the end.
    """
    from briefmap.store.postgis import PostgisStore
    from briefmap.store.transfer import folder_contents

    opened: list[PostgisStore] = []

    def open_store() -> PostgisStore:
        opened.append(PostgisStore(url))
        return opened[-1]

    with fresh_database() as url:
        try:
            open_store().replace_all(*folder_contents(seed))
            yield open_store
        finally:
            for store in opened:
                store.close()
