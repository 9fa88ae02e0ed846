"""``python -m bench.own_layer [--features 400,2000,20000] [--json FILE]``: the own layer's rerun.

Issue 26: the user's own layer was built again on every rerun, one folium path
(with its tooltip and card) per feature, and ``st_folium`` rendered each to
script again: about a second a rerun at 2,000 features on a quiet machine, and
a layer over 2,000 drew its first 2,000 only. Now a layer over
:data:`~briefmap.drawing.own_canvas.OWN_CANVAS_THRESHOLD` features goes on
the canvas from one payload per folder, made once per upload (held with it,
``app/data.py``), and a rerun only wraps that text.

For a generated layer of points, lines and polygons (half, a quarter, a
quarter; a name, a description and two columns each), this prints, in CPU
seconds of this process (the machine is shared; wall time moves with the
neighbours) and in megabytes of the layers' script:

- ``paths``: a rerun as before (build the paths, render them as ``st_folium``
  does: ``_get_feature_group_string`` per group on a base map), every feature
  drawn (the old cap of 2,000 lifted, to show what drawing them all would cost);
- ``payload``: the canvas payload made, once per upload;
- ``canvas``: a rerun now (the groups around the kept payload, rendered).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import folium

from briefmap.data.own_layer import OwnLayer
from briefmap.data.uploads import load_uploaded_files
from briefmap.drawing import own_layer_map
from briefmap.drawing.own_canvas import build_own_layers_auto, own_canvas_payloads


def own_geojson(n: int) -> bytes:
    """``n`` features of somebody else's GeoJSON: points, lines and polygons on a grid."""
    features = []
    for i in range(n):
        lon, lat = 36 + (i % 100) / 100, 33 + (i // 100) / 100
        kind = i % 4
        if kind < 2:
            geometry: dict[str, Any] = {"type": "Point", "coordinates": [lon, lat]}
        elif kind == 2:
            line = [[lon, lat], [lon + 0.005, lat + 0.003], [lon + 0.009, lat]]
            geometry = {"type": "LineString", "coordinates": line}
        else:
            ring = [[lon, lat], [lon + 0.005, lat], [lon + 0.005, lat + 0.005], [lon, lat]]
            geometry = {"type": "Polygon", "coordinates": [ring]}
        properties = {
            "name": f"Site {i}",
            "description": f"Seen near the crossing, report {i}",
            "unit": "3rd",
            "count": str(i),
        }
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def _cpu(work: Callable[[], Any], calls: int = 3) -> tuple[float, Any]:
    """CPU seconds of the best of ``calls`` calls (the least disturbed), and its result."""
    best, result = float("inf"), None
    for _ in range(calls):
        started = time.process_time()
        result = work()
        best = min(best, time.process_time() - started)
    return best, result


def _rendered(groups: list[folium.FeatureGroup]) -> str:
    # As st_folium renders feature_group_to_add on every rerun (its private helper).
    from streamlit_folium import _get_feature_group_string

    base = folium.Map()
    return "".join(_get_feature_group_string(g, map=base, idx=i) for i, g in enumerate(groups))


def measure(layer: OwnLayer) -> dict[str, Any]:
    """One layer's figures: the rerun before and after, and the payload made once."""
    own_layer_map.MAX_OWN_DRAWN = len(layer.features)  # every feature, to compare like with like
    calls = 3 if len(layer.features) <= 5_000 else 1  # 20,000 paths: a minute a call
    paths_s, paths = _cpu(lambda: _rendered(own_layer_map.build_own_layers(layer)), calls)
    payload_s, payloads = _cpu(lambda: own_canvas_payloads(layer))
    canvas_s, canvas = _cpu(lambda: _rendered(build_own_layers_auto(layer, payloads)))
    return {
        "features": len(layer.features),
        "paths_rerun_cpu_s": round(paths_s, 4),
        "paths_mb": round(len(paths) / 1e6, 2),
        "payload_once_cpu_s": round(payload_s, 4),
        "canvas_rerun_cpu_s": round(canvas_s, 4),
        "canvas_mb": round(len(canvas) / 1e6, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", default="400,2000,20000")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    rows = []
    for n in (int(x) for x in args.features.split(",")):
        (layer,) = load_uploaded_files([("bench.geojson", own_geojson(n))]).own_layers
        rows.append(measure(layer))
        print(json.dumps(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
