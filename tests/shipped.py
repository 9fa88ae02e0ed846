"""The shipped subject's metadata (``geodata/briefmap.json``), for tests that use its actors or region.

The code holds no subject of its own: a test that needs the first subject's
actors or region of interest reads them from the data, as the app does.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefmap.data.meta import derived_meta, read_meta
from briefmap.data.schema import META_FILE, DataMeta
from briefmap.data.validate import Collector

GEODATA = Path(__file__).resolve().parent.parent / "geodata"


def shipped_meta() -> DataMeta:
    """``geodata/briefmap.json`` read as the loader reads it (every part is given)."""
    out = Collector(META_FILE)
    given = read_meta(json.loads((GEODATA / META_FILE).read_text(encoding="utf-8")), out)
    assert not out.issues, out.issues
    return derived_meta(given, GEODATA.name, (), ())


SHIPPED_META = shipped_meta()
