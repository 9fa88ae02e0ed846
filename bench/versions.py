"""The server's memory across successive versions of the data (issue 23).

``python -m bench.versions [--claims 100000] [--versions 10]``

Writes a synthetic data set (``bench/synth.py``), then, in a fresh process for
each way, loads ``--versions`` successive versions of it through the app's own
loader (``briefmap.app.data._load``: validated, its index built, kept out of
the garbage collector, cached by the data's fingerprint with the app's
``max_entries``), as a server does while a team edits the data: each version
changes one claim's summary. After each load it uses the version as a
session would (a selection, an "as of" day) and reads the process's RSS.

The two ways, in the same run:

- ``app``: the code as it is;
- ``naive``: the same, with the index holding its catalog strongly (the
  reference cycle the code had until December 2026), which a frozen heap
  never frees.

Target: after ten versions the server holds no more than the versions it
keeps (``DATA_VERSIONS_KEPT``), so its memory stops growing after the second.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.apptest import _rss_mb


def _edit(data_dir: Path, version: int) -> None:
    """A new version of the data: one claim's summary changed, as an editor would."""
    path = data_dir / "claims.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    claims = document["claims"] if isinstance(document, dict) else document
    claims[version % len(claims)]["summary"] += f" (edit {version})"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def run_versions(data_dir: Path, versions: int, naive: bool) -> list[float]:
    """RSS (MB) after each version is loaded and used."""
    import gc

    from briefmap.app import data
    from briefmap.data.fingerprint import data_fingerprint
    from briefmap.engine import index
    from briefmap.engine.query import ClaimFilter
    from briefmap.engine.timeline import as_of

    if naive:
        made = index.CatalogIndex.__init__

        def strong(self: index.CatalogIndex, catalog: object, *args: object) -> None:
            made(self, catalog, *args)
            self.__dict__["strong_catalog"] = catalog  # the old cycle, catalog <-> index

        index.CatalogIndex.__init__ = strong  # type: ignore[method-assign]
    rss = []
    for version in range(versions):
        _edit(data_dir, version)
        loaded = data._load(str(data_dir), data_fingerprint(data_dir))
        catalog = loaded.loaded.catalog
        catalog.index.select(ClaimFilter())
        as_of(catalog, "2020-01-01").index.select(ClaimFilter())
        del loaded, catalog
        gc.collect()  # as Streamlit does after every run
        rss.append(_rss_mb())
    return rss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--versions", type=int, default=10)
    parser.add_argument("--child", choices=["app", "naive"], help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        rss = run_versions(Path(args.data), args.versions, naive=args.child == "naive")
        print(json.dumps(rss))
        return

    from bench.synth import generate

    results = {}
    with tempfile.TemporaryDirectory(prefix="briefmap-versions-") as tmp:
        for way in ("app", "naive"):
            data_dir = Path(tmp) / way / "geodata"
            generate(data_dir, args.claims)
            out = subprocess.run(  # noqa: S603 - this interpreter, this module
                [
                    sys.executable,
                    "-m",
                    "bench.versions",
                    "--child",
                    way,
                    "--data",
                    str(data_dir),
                    "--versions",
                    str(args.versions),
                ],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "BRIEFMAP_CACHE_DIR": str(Path(tmp) / way / "cache")},
            )
            results[way] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"Server RSS after each of {args.versions} versions of {args.claims:,d} claims (MB):")
    for way, rss in results.items():
        print(f"  {way:>5}: " + " ".join(f"{r:,.0f}" for r in rss))
    from briefmap.app.data import DATA_VERSIONS_KEPT

    app, naive = results["app"], results["naive"]
    full = DATA_VERSIONS_KEPT  # the index of the first version loaded with the cache full
    steps = max(1, len(app) - 1 - full)
    print(
        f"  after the last: app {app[-1]:,.0f} MB, naive {naive[-1]:,.0f} MB "
        f"({naive[-1] / app[-1]:.2f}x); from version {full + 1} on (the cache full), "
        f"app {(app[-1] - app[full]) / steps:+,.1f} MB a version, "
        f"naive {(naive[-1] - naive[full]) / steps:+,.0f} MB a version"
    )
    print(json.dumps({"claims": args.claims, "versions": args.versions, **results}))


if __name__ == "__main__":
    main()
