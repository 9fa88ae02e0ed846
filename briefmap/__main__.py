"""Command line: ``python -m briefmap validate [DIR or FILE] [--layer NAME]``, ``pack`` and ``db``.

``python -m briefmap pack BRIEFING [-o OUT.html] [--pdf OUT.pdf]`` writes a
briefing's every scene as one HTML file that opens offline (and, with ``--pdf``,
its handout): BRIEFING is a briefing's file in a data folder's ``briefings/``,
or a briefing's id in ``$BRIEFMAP_DATA`` or the repository's ``geodata/``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from briefmap.data.loader import DATA_ENV_VAR, default_data_dir, load_catalog
from briefmap.data.schema import Catalog, DataMeta
from briefmap.data.validate import IssueGroup, group_issues
from briefmap.engine.briefings import BRIEFINGS_DIR, load_briefings
from briefmap.engine.own_claims import mapped_report
from briefmap.store.files import FileStore
from briefmap.store.transfer import add_db_parser, run_db


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


def data_set_against(validated: Path, against: Path | None) -> tuple[str, Catalog] | None:
    """The data set a file's mapped rows are checked against: ``against``, else the app's data.

    The app checks an upload's rows against the data it shows (``$BRIEFMAP_DATA``
    or ``geodata/``); so does ``validate``, unless the file validated is that data
    itself (its rows then speak for themselves: ``None``). Raises ``ValueError``
    for a data set that is not there.
    """
    data = against if against is not None else default_data_dir()
    if not data.exists():
        if against is None:
            return None
        raise ValueError(f"{against}: not a data directory or file")
    if data.resolve() == validated.resolve():
        return None
    return str(data), load_catalog(data).catalog


def print_groups(groups: Sequence[IssueGroup]) -> None:
    """The errors by file, field and message, as the app's error panel groups them.

    Only when some error repeats: otherwise the full list above says it all.
    """
    if not any(group.count > 1 for group in groups):
        return
    print(f"By file, field and message ({len(groups):,} group(s), as the app shows them):")
    for group in groups:
        print(f"  {group}")


def write_pack(target: Path, out: Path | None, pdf: Path | None) -> int:
    """``pack``: a briefing's offline HTML (and PDF handout); its errors, as validate prints them."""
    if target.suffix == ".json":
        if not target.is_file():
            print(f"{target}: no such briefing file", file=sys.stderr)
            return 2
        folder = target.resolve().parent
        if folder.name != BRIEFINGS_DIR:
            print(
                f"{target}: a briefing's file sits in a data folder's {BRIEFINGS_DIR}/",
                file=sys.stderr,
            )
            return 2
        directory, file_name = folder.parent, target.name
        try:
            wanted = json.loads(target.read_text(encoding="utf-8")).get("id")
        except (ValueError, AttributeError, OSError):
            wanted = None
    else:
        directory, file_name, wanted = default_data_dir(), None, str(target)
    result = load_catalog(directory)
    briefings, issues = load_briefings(directory, result.catalog)
    briefing = briefings.get(wanted) if isinstance(wanted, str) else None
    if briefing is None:
        mine = [i for i in issues if file_name and i.file == f"{BRIEFINGS_DIR}/{file_name}"]
        for issue in mine:
            print(issue, file=sys.stderr)
        if not mine:
            known = ", ".join(briefings) or "none"
            print(
                f"{target}: no valid briefing of that id in {directory} (valid: {known})",
                file=sys.stderr,
            )
        return 1
    if not result.ok:
        # The app shows the valid rest of the data; so does the pack. Say what was left out.
        print(
            f"{directory}: {len(result.errors)} data error(s); the pack holds the valid rest (see validate)",
            file=sys.stderr,
        )
    from briefmap.drawing.briefing_pack import briefing_pack

    html = briefing_pack(result.catalog, briefing)
    out = out or Path(f"{briefing.id}.html")
    out.write_text(html, encoding="utf-8")
    print(f"{out} ({len(html.encode('utf-8')):,} bytes, {len(briefing.scenes)} scenes)")
    if pdf is not None:
        from briefmap.drawing.pack_pdf import pack_pdf
        from briefmap.drawing.png_export import SnapshotUnavailable

        try:
            pdf.write_bytes(pack_pdf(html))
        except SnapshotUnavailable as exc:
            print(f"{pdf}: not written. {exc}", file=sys.stderr)
            return 2
        print(pdf)
    return 0


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
        help=(
            "data directory, exported .geojson bundle, or a KML, KMZ, GeoPackage or zipped "
            "Shapefile; any other GeoJSON, or a CSV with coordinates, is read as your own "
            f"layer (default: ${DATA_ENV_VAR} or the repository's geodata/)"
        ),
    )
    validate.add_argument(
        "--layer", help="a GeoPackage's layer of places, by name (default: its first)"
    )
    validate.add_argument(
        "--mapping",
        type=Path,
        help=(
            'turn your own layer\'s rows into claims by a JSON mapping file: {"columns": '
            '{"status": "Status", ...}, "fixed": {"claimant": "...", ...}} or {"preset": "acled"} '
            "(an ACLED export is mapped by its own columns without one)"
        ),
    )
    validate.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="a column of your own layer as a claim's field (FIELD==VALUE: one value for every row); repeatable",
    )
    validate.add_argument(
        "--against",
        type=Path,
        metavar="DATA",
        help=(
            "the data set mapped rows are checked against, its actors and region of interest, "
            f"as the app checks an upload against the data it shows (default: ${DATA_ENV_VAR} "
            "or the repository's geodata/, when FILE is not that data itself)"
        ),
    )
    shots = commands.add_parser(
        "screenshots", help="write PNGs of every page at 1920x1080 and 1280x720 (needs Chromium)"
    )
    shots.add_argument("out_dir", nargs="?", type=Path, default=Path("docs"))
    shots.add_argument(
        "--tiles", action="store_true", help="let basemap tiles load (needs the internet)"
    )
    pack = commands.add_parser(
        "pack", help="write a briefing's every scene as one HTML file that opens offline"
    )
    pack.add_argument(
        "briefing",
        type=Path,
        help=f"a briefing's file (<data>/{BRIEFINGS_DIR}/NAME.json), or a briefing's id in ${DATA_ENV_VAR} or geodata/",
    )
    pack.add_argument("-o", "--out", type=Path, help="the HTML file to write (default: ID.html)")
    pack.add_argument("--pdf", type=Path, help="also print the PDF handout here (needs Chromium)")
    from briefmap.desk import cli as desk_cli

    desk_cli.add_parser(commands)
    add_db_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "db":
        return run_db(args)
    if args.command == "draft":
        return desk_cli.run(args)
    if args.command == "pack":
        return write_pack(args.briefing, args.out, args.pdf)
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
        if directory.is_dir() and FileStore(directory).finish_cut_short_save():
            print(f"{directory}: finished a save a crash had cut short (store.files_journal)")
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
        try:
            mapped_ok, mapped_issues = mapped_report(
                result.own_layers,
                args.mapping,
                args.map,
                lambda: data_set_against(directory, args.against),
            )
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
        print_groups((*result.groups, *group_issues(briefing_issues), *group_issues(mapped_issues)))
        return 0 if result.ok and not briefing_issues and mapped_ok else 1
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
