"""The long-lived data and Python's cyclic garbage collector.

A catalog of 100,000 claims is about 400,000 tracked Python objects that live
as long as the server. The collector gains nothing from visiting them, yet:

- while they are being created (validated, or read from the disk cache), its
  full passes run again and again as the heap grows: reading the 40 MB cache
  took 2.3 s with the collector on and 1.3 s with it paused;
- Streamlit runs a full collection after every script run
  (``runner.postScriptGC``). Over the catalog that took 0.35 s alone and about
  0.9 s on a busy server, with the interpreter lock held, so the server sent
  none of the page's scripts meanwhile and a visitor's map waited for it.

So the collector is paused while the data is built and, once it is built, the
data is moved out of the collector's sight (:func:`gc.freeze`). Reference
counting still frees it when nothing holds it any more; only a reference
cycle inside frozen data would outlive it. So the data holds none: the
catalog's index refers back to its catalog weakly (``CatalogIndex``), and a
replaced data version is freed the moment the last session lets go of it
(``tests/test_heap.py`` holds weak references to check).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's earlier state after it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def kept_for_good(value: T) -> T:
    """``value``, with every object tracked now out of the collector's passes.

    No collection first: it would find next to nothing (no cyclic garbage
    after validating 10,000 claims, under a thousand objects from the imports
    after reading 100,000 from the disk cache), yet a full pass over the fresh
    catalog took 0.5 s of the first visitor's wait after a restart.
    """
    gc.freeze()
    return value
