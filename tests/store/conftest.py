"""The store tests' fixtures, from :mod:`store_support`.

The helpers live in a module of their own: three folders of tests have a
``conftest.py``, and ``from conftest import ...`` gets whichever one pytest
imported first (under xdist, whichever of them the worker met first).
"""

from store_support import *  # noqa: F403 - fixtures and the parametrising hook
