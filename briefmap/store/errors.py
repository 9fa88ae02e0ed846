"""What a store raises when its backing cannot be used, importable without a database driver.

The app catches :class:`StoreUnavailable` to say so on the page; a files-only
server imports this module, not psycopg.
"""

from __future__ import annotations


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or is not ready for Briefmap; the message says what to do.

    The message never holds the URL's password.
    """
