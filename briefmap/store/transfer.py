"""``python -m briefmap db init | import DIR | export DIR``: data into and out of the database.

``import`` reads a data folder as the files store does (its records, their
revisions and its ``changes.jsonl`` audit trail) and puts them in the database
whole, in one transaction. ``export`` writes them back as the files store
writes a folder: the one stable format (:mod:`briefmap.store.canonical`), the
records in the order they came, the trail line for line. A folder in that
format goes files → database → files byte for byte.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

from briefmap.data.schema import CLAIMS_FILE, META_FILE, PLACES_FILE, SOURCES_FILE
from briefmap.engine.briefings import BRIEFINGS_DIR
from briefmap.engine.state import SLUG
from briefmap.store.base import RECORD_KINDS, AuditEntry, StoredRecords
from briefmap.store.canonical import canonical_json, log_line
from briefmap.store.checks import kind_file
from briefmap.store.files import CHANGES_FILE, FileStore, write_atomically
from briefmap.store.files_snapshot import read_snapshot

DATABASE_URL_ENV = "BRIEFMAP_DATABASE_URL"


class TransferError(RuntimeError):
    """A ``db`` command cannot go on; the message says why and what to do."""


def database_url(given: str | None) -> str:
    """``--url``, else ``$BRIEFMAP_DATABASE_URL``."""
    url = given or os.environ.get(DATABASE_URL_ENV, "")
    if not url.strip():
        raise TransferError(
            f"No database: pass --url postgresql://... or set {DATABASE_URL_ENV} "
            "(make db prints one for a local server)"
        )
    return url.strip()


def init_database(url: str) -> list[str]:
    """Create PostGIS (when it is not there yet) and run the migrations the database lacks."""
    import psycopg

    from briefmap.store.migrate import migrate
    from briefmap.store.postgis_connect import describe_url, redacted

    where = describe_url(url)
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as exc:
        # An unreadable URL is quoted whole in libpq's message: never its password.
        raise TransferError(f"Cannot reach the {where}: {redacted(exc, url)}") from exc
    with conn:
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        except psycopg.Error as exc:
            raise TransferError(
                f"The {where} has no PostGIS and this user may not create it ({str(exc).strip()}). "
                "Install postgresql-15-postgis-3 on the server, or ask its owner to run "
                "CREATE EXTENSION postgis in this database (hosted services offer it)."
            ) from exc
        return migrate(conn)


def folder_contents(directory: Path) -> tuple[StoredRecords, dict[tuple[str, str], int], list]:
    """A data folder as the files store reads it: records, their revisions, the audit trail.

    Read once, at one version. Asking the store each record's revision checked
    the folder's version first each time (its files' sizes and times): 2.5 ms a
    record on a busy machine, most of a 100,000-claim import's 256 s.
    """
    store = FileStore(directory)
    snapshot = read_snapshot(store.data_dir, store.version())  # a save cut short: finished
    records = snapshot.records
    revisions = {
        (kind, rid): snapshot.revision(kind, rid)
        for kind in RECORD_KINDS
        for rid in records.of(kind)
    }
    return records, revisions, [entry for entry in snapshot.log if entry.seq > 0]


def write_folder(directory: Path, records: StoredRecords, audit: list[AuditEntry]) -> list[str]:
    """Write records and their audit trail as a data folder, in the stable format; file names.

    The files the files store writes: ``places.geojson``, ``claims.json``
    (with ``as_of`` when there is one), ``sources.json``, ``briefmap.json``
    when there is metadata, ``briefings/<id>.json``, ``changes.jsonl`` when
    there is a trail.
    """
    for rid in records.briefings:
        # A briefing's id names its file. The stores refuse any other, but a row
        # written into the database by hand is not theirs: no path leaves the folder.
        if not SLUG.fullmatch(rid):
            raise TransferError(
                f"briefing {rid[:100]!r}: not a briefing id (letters, digits, '-' and '_', "
                "at most 80), so it names no file; nothing was written"
            )
    places = {"type": "FeatureCollection", "features": list(records.places.values())}
    claims = {"claims": list(records.claims.values())}
    if records.as_of is not None:
        claims = {"as_of": records.as_of, **claims}
    files: dict[str, object] = {
        PLACES_FILE: places,
        CLAIMS_FILE: claims,
        SOURCES_FILE: {"sources": list(records.sources.values())},
    }
    if records.meta is not None:
        files[META_FILE] = records.meta
    for rid, briefing in records.briefings.items():
        files[f"{BRIEFINGS_DIR}/{rid}.json"] = briefing
    for name, payload in files.items():
        write_atomically(directory / name, canonical_json(name, payload))
    written = list(files)
    if audit:
        write_atomically(directory / CHANGES_FILE, "".join(log_line(e.to_json()) for e in audit))
        written.append(CHANGES_FILE)
    return written


def import_folder(url: str, directory: Path, *, replace: bool = False) -> str:
    """Put a data folder in the database, replacing what it holds only when ``replace``."""
    import psycopg

    from briefmap.store.postgis import PostgisStore, StoreUnavailable

    if not directory.is_dir():
        raise TransferError(f"{directory}: not a data folder")
    records, revisions, audit = folder_contents(directory)
    try:
        store = PostgisStore(url)
    except StoreUnavailable as exc:
        raise TransferError(str(exc)) from exc
    with store:
        if not replace and not store.is_empty():
            raise TransferError(
                f"The {store.where} already holds records: pass --replace to replace them all "
                "with this folder's (export them first to keep them: db export DIR)"
            )
        try:
            store.replace_all(records, revisions, audit)
        except (psycopg.DataError, psycopg.IntegrityError) as exc:
            # One transaction: nothing was imported. A NUL is the one text JSON holds and
            # PostgreSQL does not; sought only now, so a good import pays nothing for it.
            nul = _first_nul(records, audit) if isinstance(exc, psycopg.DataError) else None
            if nul is None:  # a changes.jsonl line made or merged by hand: a seq twice, say
                said = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise TransferError(
                    f"The {store.where} refused {directory}'s data ({said}); nothing was "
                    f"imported. Check {CHANGES_FILE}'s lines (seq, undoes) if edited or "
                    "merged by hand."
                ) from exc
            raise TransferError(
                f"{directory / nul[0]}: record {nul[1][:100]!r} holds a NUL character "
                "(U+0000), which PostgreSQL cannot store (validate names its field); "
                "nothing was imported"
            ) from exc
        loaded = store.load()
    counts = ", ".join(f"{len(records.of(kind))} {kind}(s)" for kind in RECORD_KINDS)
    report = loaded.loaded.report().splitlines()[-1]
    return f"Imported {directory} into the {store.where}: {counts}, {len(audit)} audit entries. {report}"


def _first_nul(records: StoredRecords, audit: list[AuditEntry]) -> tuple[str, str] | None:
    """The file and record of the first text (a key or a value) holding a NUL, else ``None``."""
    groups = [
        [(kind_file(kind, rid), rid, r) for rid, r in records.of(kind).items()]
        for kind in RECORD_KINDS
    ]
    groups += [[(CHANGES_FILE, f"change #{e.seq}", e.to_json()) for e in audit]]
    groups += [[(META_FILE, "-", records.meta)]]
    for group in groups:
        # JSON writes a NUL as \u0000: one dump a kind finds the kinds that may hold one.
        if "\\u0000" not in json.dumps(group):
            continue
        for file, rid, record in group:
            stack = [rid, record]  # without recursion: a folder's records may nest deep
            while stack:
                value = stack.pop()
                if isinstance(value, str):
                    if "\x00" in value:
                        return file, rid
                elif isinstance(value, dict):
                    stack += [*value.keys(), *value.values()]
                elif isinstance(value, list):
                    stack += value
    return None


def export_folder(url: str, directory: Path) -> list[str]:
    """Write the database's records and audit trail to a new (or empty) folder."""
    from briefmap.store.postgis import PostgisStore, StoreUnavailable

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise TransferError(f"{directory}: not an empty folder; export writes a new one")
    try:
        store = PostgisStore(url)
    except StoreUnavailable as exc:
        raise TransferError(str(exc)) from exc
    with store:
        records = store.records()
        audit = store.changes_since(0)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        return write_folder(directory, records, audit)
    except OSError as exc:  # under a file, a dangling link, a folder not ours to write
        raise TransferError(
            f"{directory}: cannot write there ({exc.strerror or type(exc).__name__})"
        ) from exc


def add_db_parser(commands: argparse._SubParsersAction) -> None:
    """The ``db`` command and its three verbs, under ``python -m briefmap``."""
    db = commands.add_parser(
        "db", help="the team store in PostgreSQL with PostGIS: init, import DIR, export DIR"
    )
    verbs = db.add_subparsers(dest="db_command", required=True)
    url_help = f"the database (default: ${DATABASE_URL_ENV})"
    init = verbs.add_parser("init", help="create PostGIS and Briefmap's tables (safe to repeat)")
    init.add_argument("--url", help=url_help)
    load = verbs.add_parser(
        "import", help="put a data folder (and its changes.jsonl) in the database"
    )
    load.add_argument("data_dir", type=Path)
    load.add_argument("--url", help=url_help)
    load.add_argument(
        "--replace", action="store_true", help="replace whatever the database holds already"
    )
    dump = verbs.add_parser(
        "export", help="write the database as a data folder (and changes.jsonl), stable format"
    )
    dump.add_argument("data_dir", type=Path)
    dump.add_argument("--url", help=url_help)


def run_db(args: argparse.Namespace) -> int:
    """Run a ``db`` verb; the exit status (1 with a message on stderr when it cannot)."""
    import sys

    try:
        url = database_url(args.url)
        if args.db_command == "init":
            ran = init_database(url)
            print(f"Migrations run: {', '.join(ran)}" if ran else "The database is up to date.")
        elif args.db_command == "import":
            print(import_folder(url, args.data_dir, replace=args.replace))
        else:
            written = export_folder(url, args.data_dir)
            print(f"Wrote {len(written)} file(s) to {args.data_dir}")
    except TransferError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0
