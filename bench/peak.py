"""Peak RSS of the server side of the fast path, in a fresh process.

``python -m bench.peak DATA_DIR`` loads and validates the data, selects every
claim and then the benchmark's filter, builds the bulk layers and serialises
them as ``st_folium`` does, and prints ``{"peak_rss_mb": ...}``.
"""

from __future__ import annotations

import json
import sys

from bench.apptest import _peak_mb
from briefmap.data.loader import load_catalog
from briefmap.drawing import bulk
from briefmap.engine.query import ClaimFilter


def main(data_dir: str) -> dict[str, float]:
    from bench.run import FILTER, serialise

    catalog = load_catalog(data_dir).catalog
    for flt in (ClaimFilter(), FILTER):
        selection = catalog.index.select(flt)
        payload = serialise(catalog, bulk.build_bulk_layers(catalog, selection))
        del payload
    return {"peak_rss_mb": _peak_mb()}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1])))
