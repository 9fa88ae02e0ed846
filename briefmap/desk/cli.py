"""``python -m briefmap draft REPORT [--json] [--outlet ... --date ... --url ...]``.

Prints the drafts of one report: places with ids and precision, actors,
claimant, the suggested status and posture with their cues, the sentence,
and the names not placed. Nothing is saved: drafts are saved only after
review (the desk page). Exit status 0 when something was drafted, 1 when the
report was read but nothing could be drafted from it, 2 when it could not be
read (empty, too large, not text, only markup).
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any

from briefmap.data.loader import default_data_dir, load_catalog
from briefmap.data.validate import URL_SCHEMES, real_day
from briefmap.desk.cues import Cue, TableError
from briefmap.desk.draft import UNKNOWN_OUTLET, Desk, Draft, DraftReport
from briefmap.desk.places import Unplaced
from briefmap.desk.records import claim_record, source_record
from briefmap.desk.text import MAX_BYTES, ReportError, read_report
from briefmap.safe import plain_text


def add_parser(commands: Any) -> None:
    """The ``draft`` subcommand's arguments."""
    draft = commands.add_parser(
        "draft",
        help="draft claims from a report (plain text or a saved HTML page); nothing is saved",
    )
    draft.add_argument(
        "report", type=Path, help="the report: a .txt file, or an .html page saved from a browser"
    )
    draft.add_argument(
        "--json", action="store_true", help='print a JSON object with a "drafts" list'
    )
    draft.add_argument(
        "--outlet", help="who published it (without it: recorded as not identified, never guessed)"
    )
    draft.add_argument("--date", help="the report's date, YYYY-MM-DD")
    draft.add_argument("--url", help="the report's address (http or https)")
    draft.add_argument(
        "--data",
        type=Path,
        help="the data folder whose places and tables to use (default: $BRIEFMAP_DATA or geodata/)",
    )


def shown(text: str) -> str:
    """Untrusted text for a terminal: control characters (escape sequences) and bidi controls dropped."""
    return "".join(
        ch for ch in plain_text(text) if ch in "\n" or unicodedata.category(ch)[0] != "C"
    )


def run(args: argparse.Namespace) -> int:
    """Run ``draft``; return the exit status."""
    name = str(args.report)
    if args.date is not None and real_day(args.date) is None:
        print(f"--date {shown(args.date)!r}: give the report's day as YYYY-MM-DD", file=sys.stderr)
        return 2
    if args.url is not None and not args.url.lower().startswith(URL_SCHEMES):
        print("--url: only http:// and https:// addresses are recorded", file=sys.stderr)
        return 2
    try:
        size = args.report.stat().st_size
        if size > MAX_BYTES:
            raise ReportError(
                f"{name}: {size:,} bytes is more than the desk reads ({MAX_BYTES:,} bytes, "
                "about 150,000 words); give one report at a time"
            )
        raw = args.report.read_bytes()
    except FileNotFoundError:
        print(f"{name}: no such file", file=sys.stderr)
        return 2
    except IsADirectoryError:
        print(f"{name}: a folder, not a report file", file=sys.stderr)
        return 2
    except ReportError as exc:
        print(shown(str(exc)), file=sys.stderr)
        return 2
    try:
        report = read_report(raw, name)
    except ReportError as exc:
        print(shown(str(exc)), file=sys.stderr)
        return 2
    data_dir = args.data or default_data_dir()
    catalog = load_catalog(data_dir).catalog
    try:
        desk = Desk.for_catalog(catalog, data_dir)
    except TableError as exc:
        print(shown(str(exc)), file=sys.stderr)
        return 2
    drafted = desk.draft(report, outlet=args.outlet, date=args.date, url=args.url)
    if args.json:
        print(json.dumps(as_json(drafted), ensure_ascii=False, indent=1))
    else:
        print(as_text(drafted, name))
    if not drafted.drafts:
        print(
            f"{name}: nothing could be drafted: no sentence names a place or an actor the desk knows"
            + (
                ""
                if report.main_script == "latin"
                else f" (the text is mostly in {report.main_script.capitalize()} script: the desk drafts from "
                "English reports, and lists the places it names)"
            ),
            file=sys.stderr,
        )
        return 1
    return 0


def _cue(cue: Cue | None) -> dict[str, Any] | None:
    return None if cue is None else {"text": cue.phrase, "start": cue.start, "end": cue.end}


def _unplaced(u: Unplaced) -> dict[str, Any]:
    return {
        "name": u.name,
        "start": u.start,
        "end": u.end,
        "precision": u.precision.value if u.precision else None,
        "why": u.why,
    }


def draft_json(d: Draft, record: dict[str, Any] | None = None) -> dict[str, Any]:
    """One draft as JSON; ``record``, the claim record it would be saved as (summary empty)."""
    return {
        "id": d.id,
        "sentences": [i + 1 for i in d.sentences],
        "sentence": d.text,
        "clause": d.clause,
        "span": [d.start, d.end],
        "places": [
            {
                "id": p.id,
                "name": p.name,
                "as_written": p.surface,
                "precision": p.precision.value,
                "in_catalog": p.in_catalog,
                "cue": _cue(p.cue),
                "near_miss": p.near_miss,
                "note": p.note,
            }
            for p in d.places
        ],
        "places_from": d.places_from,
        "actors": list(d.actors),
        "claimant": d.claimant,
        "status": d.status.value,
        "status_cue": _cue(d.status_cue),
        "may_confirm": d.may_confirm,
        "posture": d.posture.value,
        "posture_cue": _cue(d.posture_cue),
        "end_date": d.end_date,
        "no_comment": _cue(d.no_comment),
        "not_placed": [_unplaced(u) for u in d.unplaced],
        "notes": list(d.notes),
        "record": record,
    }


def as_json(drafted: DraftReport) -> dict[str, Any]:
    """The whole drafting as one JSON object: the source, the drafts, the names not placed.

    Each draft carries the claim record it would be saved as, built as the
    desk page's preview and save build it (:mod:`briefmap.desk.records`), its
    summary left empty: the analyst writes it, and the validator refuses a
    claim without one.
    """
    source = source_record(drafted)
    return {
        "source": source,
        "sentences": len(drafted.report.sentences),
        "drafts": [
            draft_json(d, claim_record(drafted, d, "", source["id"])) for d in drafted.drafts
        ],
        "not_placed": [_unplaced(u) for u in drafted.unplaced],
        "places_named": [{"id": p.id, "as_written": p.surface} for p in _distinct(drafted.named)],
        "notes": list(drafted.notes),
    }


def _distinct(places: Any) -> list[Any]:
    return list({p.id: p for p in places}.values())


def as_text(drafted: DraftReport, name: str) -> str:
    """The drafting as a reader would want it on a terminal."""
    source = source_record(drafted)
    lines = [
        f"{shown(name)}: {len(drafted.report.sentences)} sentence(s), {len(drafted.drafts)} draft(s)",
        f"Source: {shown(source['outlet'])}"
        + ("" if drafted.outlet else " (no --outlet given)")
        + f", {drafted.date or 'date not given'}"
        + (f", {shown(drafted.url)}" if drafted.url else ""),
    ]
    lines += [f"Note: {shown(n)}" for n in drafted.notes if UNKNOWN_OUTLET not in n]
    for d in drafted.drafts:
        where = ", ".join(str(i + 1) for i in d.sentences)
        lines.append("")
        lines.append(
            f"{d.id}  sentence {where}" + (f" ({d.clause})" if d.clause != "sentence" else "")
        )
        lines.append(f"  {shown(d.text)}")
        if d.places:
            from_ = "" if d.places_from == "text" else f"  [from the {d.places_from}]"
            lines.append(
                "  places: "
                + "; ".join(f'{p.id} ({p.precision.value}, "{shown(p.surface)}")' for p in d.places)
                + from_
            )
        else:
            lines.append("  places: none named")
        lines.append(f"  actors: {', '.join(d.actors) or 'none'}")
        lines.append(f"  claimant: {shown(d.claimant)}")
        cue = (
            f'cue "{shown(d.status_cue.phrase)}"'
            if d.status_cue
            else "no cue: the report's own account"
        )
        lines.append(
            f"  status: {d.status.value} ({cue})"
            + ("; may support confirmed" if d.may_confirm else "")
        )
        posture = f'cue "{shown(d.posture_cue.phrase)}"' if d.posture_cue else "no cue"
        ended = (
            f"; ended {d.end_date}"
            if d.end_date
            else ("; end date not given" if d.posture.value == "former" else "")
        )
        lines.append(f"  posture: {d.posture.value} ({posture}){ended}")
        if d.no_comment is not None:
            lines.append(f'  no comment: "{shown(d.no_comment.phrase)}"')
        for note in d.notes:
            lines.append(f"  note: {shown(note)}")
        for p in d.places:
            if p.note:
                lines.append(f"  note on {p.id}: {shown(p.note)}")
    lines.append("")
    if not drafted.drafts and drafted.named:
        lines.append(
            "Places named: "
            + "; ".join(f'{p.id} ("{shown(p.surface)}")' for p in _distinct(drafted.named))
        )
    if drafted.unplaced:
        lines.append(
            "Not placed: "
            + "; ".join(
                shown(u.name) + (f" ({u.precision.value})" if u.precision else "")
                for u in drafted.unplaced
            )
        )
    else:
        lines.append("Not placed: none")
    return "\n".join(lines)
