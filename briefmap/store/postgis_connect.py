"""Reaching the team's database: its URL read and described, a pool of connections opened.

Every failure on the way (a URL that cannot be read, a server not reached, a
database without Briefmap's tables) is a :class:`StoreUnavailable` that names
the database and where it is configured, never its password.
"""

from __future__ import annotations

import re

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from briefmap.store.errors import StoreUnavailable

CONFIGURED_BY = "BRIEFMAP_DATABASE_URL, or [briefmap] database_url in the secrets"


def redacted(exc: BaseException, url: str) -> str:
    """An error's first line, without the URL's password should the message quote it."""
    text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    secret = re.search(r"://[^/@:]*:([^/@]+)@", url)
    try:
        password = psycopg.conninfo.conninfo_to_dict(url).get("password")
    except psycopg.ProgrammingError:
        password = None
    for value in {password, secret.group(1) if secret else None} - {None, ""}:
        text = text.replace(str(value), "***")
    return text


def describe_url(url: str) -> str:
    """The URL without its password, to name the database in a message."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(a database URL that cannot be read)"
    host = info.get("host") or "localhost"
    return f"database {info.get('dbname', '?')!r} on {host}" + (
        f":{info['port']}" if info.get("port") else ""
    )


def open_pool(url: str, *, max_connections: int, timeout: float) -> ConnectionPool:
    """A pool of connections to the database at ``url``, checked first: reached, migrated.

    Each way it cannot be used is a :class:`StoreUnavailable` that says what to
    do, never the URL's password.
    """
    where = describe_url(url)
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StoreUnavailable(
            f"The database URL cannot be read ({redacted(exc, url)}): write it as "
            f"postgresql://USER:PASSWORD@HOST:PORT/DATABASE ({CONFIGURED_BY})."
        ) from None
    from briefmap.store.migrate import pending

    # One connection first, for the server's own reason when it fails (refused,
    # unknown host, wrong password, no such database) in one message, at once.
    try:
        with psycopg.connect(url, connect_timeout=max(1, round(timeout))) as conn:
            missing = pending(conn)
    except psycopg.Error as exc:
        raise StoreUnavailable(
            f"Cannot reach the {where}: {redacted(exc, url)}. Is the server running "
            f"and the URL right ({CONFIGURED_BY})?"
        ) from None
    if missing:
        raise StoreUnavailable(
            f"The {where} lacks Briefmap's tables or their latest changes "
            f"({', '.join(missing)}): run `python -m briefmap db init` with this URL."
        )
    pool = ConnectionPool(
        url,
        min_size=1,
        max_size=max_connections,
        timeout=timeout,
        open=False,
        name="briefmap",
    )
    try:
        pool.open(wait=True, timeout=timeout)
    except (PoolTimeout, psycopg.Error) as exc:
        pool.close()
        raise StoreUnavailable(
            f"Cannot reach the {where} within {timeout:g} s ({CONFIGURED_BY})."
        ) from exc
    return pool
