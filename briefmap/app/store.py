"""The store this server reads and edits: a shared database when one is configured, else the files.

A database URL comes from ``$BRIEFMAP_DATABASE_URL`` or, on Streamlit
Community Cloud (whose files are reset on every restart), from the secrets:

.. code-block:: toml

    [briefmap]
    database_url = "postgresql://user:password@host:5432/briefmap"

Without one, the store is the data folder's files (``$BRIEFMAP_DATA`` or the
repository's ``geodata/``): :class:`~briefmap.store.files.FileStore`. One store
per server process, shared by its sessions.

Asked on every rerun, so it costs a dictionary lookup: the secrets are read once
per process (changing the database in them needs a restart, as Community
Cloud does on a change of secrets), the environment each time.
"""

from __future__ import annotations

import functools
import os
import threading
from pathlib import Path

import streamlit as st

from briefmap.data.loader import default_data_dir
from briefmap.store.base import Store
from briefmap.store.files import FileStore

DATABASE_URL_ENV = "BRIEFMAP_DATABASE_URL"
SECRETS_SECTION = "briefmap"
SECRETS_URL_KEY = "database_url"


def database_url() -> str | None:
    """The configured database's URL: the environment first, then Streamlit's secrets; else ``None``."""
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    return url or _secrets_url()


@functools.cache
def _secrets_url() -> str | None:
    try:
        section = st.secrets.get(SECRETS_SECTION)
    except Exception:  # no secrets.toml, or one that does not parse: no database
        return None
    value = section.get(SECRETS_URL_KEY) if hasattr(section, "get") else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def store_from_config(data_dir: Path, url: str | None) -> Store:
    """The store for a data folder and a database URL (``None``: no database, the files).

    The one place that chooses: the app, and anything else that needs the
    configured store, asks here.
    """
    if url:
        # Imported only when configured: a files-only server never loads psycopg.
        from briefmap.store.postgis import PostgisStore

        return PostgisStore(url)
    return FileStore(data_dir)


# The stores opened, by data folder and URL: one each per process, for every session.
_STORES: dict[tuple[str, str | None], Store] = {}
_OPENING = threading.Lock()


def server_store() -> Store:
    """The store of this server, opened once and shared by its sessions."""
    key = (str(default_data_dir()), database_url())
    store = _STORES.get(key)
    if store is None:
        with _OPENING:
            store = _STORES.get(key)
            if store is None:
                store = _STORES[key] = store_from_config(Path(key[0]).resolve(), key[1])
    return store
