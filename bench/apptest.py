"""One app session under Streamlit's AppTest, in its own process, timed.

``python -m bench.apptest DATA_DIR [--naive] [--sessions 2]`` prints one JSON
object: the first run (load, validate, draw), then a rerun after each of two
filter changes and one that changes nothing (as after a pan or a click), in
wall and CPU time, with the CPU time of the script's thread
spent in the main functions of ``briefmap.app``; the size of what ``st_folium``
was sent; the peak RSS of the process, and the resident memory after each
extra session.

Without options it runs the app as shipped. ``--naive`` runs it without its
fast path (see :func:`_patch_naive_path`), so the two can be compared in one
benchmark run.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Any

from briefmap.app import streamlit_internals

REPO = Path(__file__).resolve().parent.parent


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _peak_mb() -> float:
    """This process's own peak RSS (VmHWM).

    Not ``getrusage().ru_maxrss``: Linux carries the parent's high-water mark
    over a (v)fork and exec, so a child of a large process would report it.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _patch_naive_path() -> None:
    """Run the app the straightforward way, for comparison in the same run.

    Every filter change walks every claim in Python (:func:`briefmap.engine.query.select`),
    every drawn place becomes a ``folium.Marker`` with a tooltip
    (:func:`briefmap.drawing.mapping.build_layers`, whatever the count), and the
    per-catalog facts (bounds, date span, kinds, drawn places) are recomputed
    on every call, as they were before the fast path. The index's methods are
    replaced on its class, the renderer's name in the module that calls it.
    """
    from bench import naive
    from briefmap.app import data, map_panel
    from briefmap.data.schema import PlaceKind
    from briefmap.drawing import mapping
    from briefmap.engine import interaction, query, timeline
    from briefmap.engine.index import CatalogIndex

    CatalogIndex.select = lambda self, flt: query.select(self.catalog, flt)  # type: ignore[method-assign]
    map_panel.build_layers_auto = lambda catalog, selection, extras, publish=None: (  # type: ignore[attr-defined]
        mapping.build_layers(catalog, selection, extras)
    )
    CatalogIndex.map_bounds = property(lambda self: naive.map_bounds(self.catalog))  # type: ignore[assignment]
    CatalogIndex.date_span = property(lambda self: timeline.date_span(self.catalog))  # type: ignore[assignment]
    CatalogIndex.kinds = property(  # type: ignore[assignment]
        lambda self: [
            k for k in PlaceKind if any(p.kind is k for p in self.catalog.places.values())
        ]
    )
    CatalogIndex.selection_bounds = lambda self, selection: interaction.places_bounds(  # type: ignore[method-assign]
        self.catalog, selection.place_ids
    )
    CatalogIndex.off_map_place_ids = lambda self, selection: [  # type: ignore[method-assign]
        p for p in selection.place_ids if self.catalog.places[p].off_map
    ]
    data.warm = lambda catalog: None  # type: ignore[attr-defined]


# What is timed per rerun: each name in the module its callers look it up in
# (app.py and the pages call through the package ``briefmap.app``).
TIMED = {
    "build_view": "briefmap.app",
    "select_fast": "briefmap.engine.index:CatalogIndex",
    "briefing_map": "briefmap.app",
    "build_base_map": "briefmap.app.map_panel",
    "build_layers_auto": "briefmap.app.map_panel",
    "st_folium": "briefmap.app.map_panel",
    "map_footer": "briefmap.app",
    "timeline_chart": "briefmap.app",
    "claim_card": "briefmap.app",
    "talking_points": "briefmap.app",
    "changes_panel": "briefmap.app",
    "sidebar": "briefmap.app.view",
}


def _time_app_functions() -> dict[str, float]:
    """Wrap the functions in TIMED; the dict they fill holds seconds of CPU time of the
    script's thread (``time.thread_time``), which other load on the machine does not inflate.
    """
    import importlib

    spent: dict[str, float] = dict.fromkeys(TIMED, 0.0)
    depth: dict[str, int] = dict.fromkeys(TIMED, 0)

    def wrap(name: str, fn: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            depth[name] += 1
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                depth[name] -= 1
                if depth[name] == 0:
                    spent[name] += time.thread_time() - start

        return timed

    for name, where in TIMED.items():
        module_name, _, class_name = where.partition(":")
        owner = importlib.import_module(module_name)
        if class_name:
            owner = getattr(owner, class_name)
        attribute = "select" if class_name else name  # the index's method keeps its old part name
        setattr(owner, attribute, wrap(name, getattr(owner, attribute)))
    return spent


def _map_payload(at: Any) -> int:
    for element in at.get("component_instance"):
        if element.proto.component_name.endswith("st_folium"):
            return len(element.proto.json_args.encode())
    return 0


def _timed_run(at: Any, spent: dict[str, float]) -> tuple[float, float, dict[str, float]]:
    for name in spent:
        spent[name] = 0.0
    wall, cpu = time.perf_counter(), time.process_time()
    at.run()
    return time.perf_counter() - wall, time.process_time() - cpu, dict(spent)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir")
    parser.add_argument(
        "--naive", action="store_true", help="run the app without its fast path, for comparison"
    )
    parser.add_argument("--sessions", type=int, default=1, help="sessions to open in all")
    args = parser.parse_args(argv)
    os.environ["BRIEFMAP_DATA"] = str(Path(args.data_dir).resolve())
    with streamlit_internals.navigation_only():
        return _measure(args)


def _measure(args: argparse.Namespace) -> dict[str, Any]:
    from streamlit.testing.v1 import AppTest

    from briefmap.data.schema import ClaimStatus

    if args.naive:
        _patch_naive_path()
    spent = _time_app_functions()
    rss_start = _rss_mb()
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=900)
    first = _timed_run(at, spent)
    error = [str(e.value) for e in at.exception]
    at.sidebar.multiselect(key="filter_statuses").set_value(list(ClaimStatus)[:4])
    change1 = _timed_run(at, spent)
    at.sidebar.multiselect(key="filter_actors").set_value(["russia", "syria", "sdf", "israel"])
    change2 = _timed_run(at, spent)
    # A rerun that changes no filter, as after a pan or a click.
    again = _timed_run(at, spent)
    error += [str(e.value) for e in at.exception]
    count_line = next((m.value for m in at.markdown if "Showing" in m.value), "")
    payload = _map_payload(at)
    rss_sessions = [_rss_mb()]
    others = []
    for _ in range(args.sessions - 1):
        other = AppTest.from_file(str(REPO / "app.py"), default_timeout=900)
        other.run()  # opened as above
        others.append(other)  # keep the session alive while measuring
        rss_sessions.append(_rss_mb())
    result = {
        "mode": "naive" if args.naive else "app",
        "first_run_s": first[0],
        "first_run_cpu_s": first[1],
        "filter_rerun_s": [change1[0], change2[0]],
        "filter_rerun_cpu_s": [change1[1], change2[1]],
        "first_run_parts_s": first[2],
        "filter_rerun_parts_s": [change1[2], change2[2]],
        "same_filter_rerun_s": again[0],
        "same_filter_rerun_cpu_s": again[1],
        "same_filter_rerun_parts_s": again[2],
        "component_args_bytes": payload,
        "count_line": count_line,
        "exceptions": error,
        "rss_start_mb": rss_start,
        "rss_after_sessions_mb": rss_sessions,
        "peak_rss_mb": _peak_mb(),
    }
    return result


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
