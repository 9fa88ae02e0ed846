"""Command line: ``python -m briefmap validate [DIR or FILE] [--layer NAME]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from briefmap.data.loader import DATA_ENV_VAR, default_data_dir, load_catalog
from briefmap.data.schema import DataMeta
from briefmap.data.validate import IssueGroup, group_issues
from briefmap.engine.briefings import load_briefings


def describe_meta(meta: DataMeta) -> str:
    """One line: the data set's title, region of interest and actors, as loaded.

    Without a ``briefmap.json`` these come from the data itself, so the line
    shows what the app will show.
    """
    west, south, east, north = meta.region.box
    actors = ", ".join(meta.actor_ids) or "none"
    return (
        f'Data set "{meta.title}": region of interest lon {west:g}..{east:g}, '
        f"lat {south:g}..{north:g}; actors: {actors}"
    )


def print_groups(groups: Sequence[IssueGroup]) -> None:
    """The errors by file, field and message, as the app's error panel groups them.

    Only when some error repeats: otherwise the full list above says it all.
    """
    if not any(group.count > 1 for group in groups):
        return
    print(f"By file, field and message ({len(groups):,} group(s), as the app shows them):")
    for group in groups:
        print(f"  {group}")


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m briefmap", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser(
        "validate", help="check a data directory and print every error found"
    )
    validate.add_argument(
        "data_dir",
        nargs="?",
        type=Path,
        help=f"data directory, exported .geojson bundle, or a KML, KMZ, GeoPackage or zipped Shapefile (default: ${DATA_ENV_VAR} or the repository's geodata/)",
    )
    validate.add_argument(
        "--layer", help="a GeoPackage's layer of places, by name (default: its first)"
    )
    shots = commands.add_parser(
        "screenshots", help="write PNGs of every page at 1920x1080 and 1280x720 (needs Chromium)"
    )
    shots.add_argument("out_dir", nargs="?", type=Path, default=Path("docs"))
    shots.add_argument(
        "--tiles", action="store_true", help="let basemap tiles load (needs the internet)"
    )
    args = parser.parse_args(argv)
    if args.command == "screenshots":
        from briefmap.screenshots import take_screenshots

        try:
            written = take_screenshots(args.out_dir, allow_tiles=args.tiles)
        except FileNotFoundError as exc:
            print(exc, file=sys.stderr)
            return 2
        for path in written:
            print(path)
        return 0
    if args.command == "validate":
        directory = args.data_dir or default_data_dir()
        if not directory.exists():
            print(f"{directory}: not a directory", file=sys.stderr)
            return 2
        result = load_catalog(directory, layer=args.layer)
        print(f"Validating {directory}")
        print(describe_meta(result.catalog.meta))
        print(result.report())
        briefing_issues = []
        if directory.is_dir():
            briefings, briefing_issues = load_briefings(directory, result.catalog)
            for issue in briefing_issues:
                print(issue)
            print(
                f"{len(briefings)} briefing(s) valid, {len(briefing_issues)} error(s) in briefings"
            )
        print_groups((*result.groups, *group_issues(briefing_issues)))
        return 0 if result.ok and not briefing_issues else 1
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
