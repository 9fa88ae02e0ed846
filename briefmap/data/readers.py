"""Reading data files into parsed payloads: JSON (any editor's UTF-8) and claims CSV.

A file that cannot be read at all is one issue on the file; what the payload
holds is checked later, record by record, by :mod:`briefmap.data.loader`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from briefmap.data.schema import (
    CLAIM_LIST_COLUMNS,
    CLAIM_REQUIRED_COLUMNS,
    LEGACY_SOURCE_FIELD,
)
from briefmap.data.validate import MAX_DEPTH, Collector, depth_over


def read_json(path: Path, out: Collector) -> Any:
    if not path.is_file():
        out.add("-", "-", f"file not found: {path}")
        return None
    return parse_json(path.read_bytes(), out)


def decode(raw: bytes, out: Collector) -> str | None:
    try:
        # utf-8-sig: tolerate a byte-order mark, which some editors on Windows add.
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        out.add("-", "-", f"not UTF-8 text (byte {exc.start}): save the file as UTF-8")
        return None


def parse_json(raw: bytes, out: Collector) -> Any:
    text = decode(raw, out)
    if text is None:
        return None
    try:
        # NaN and Infinity parse (Python's json accepts them) so that the geometry
        # check can report them on the record that holds them, not fail the file.
        payload = json.loads(text)
    except ValueError as exc:
        out.add("-", "-", f"not valid JSON: {exc}")
        return None
    except RecursionError:  # json.loads gives up near Python's recursion limit
        out.add("-", "-", TOO_DEEP)
        return None
    if depth_over(payload):
        # Anything deeper would only make the checks after this recurse.
        out.add("-", "-", TOO_DEEP)
        return None
    return payload


TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep: not a Briefmap data file"


def parse_claims_csv(raw: bytes, out: Collector) -> dict[str, Any] | None:
    """Claims from CSV, shaped like claims.json so one validator serves both.

    List columns (places, actors) hold values separated by ";". Empty optional
    cells count as absent.
    """
    text = decode(raw, out)
    if text is None:
        return None
    try:
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        out.add("-", "-", f"not valid CSV: {exc}")
        return None
    columns = set(rows[0].keys()) if rows else set(_csv_header(text))
    missing = [c for c in CLAIM_REQUIRED_COLUMNS if c not in columns]
    if missing:
        hint = (
            " (the column 'source' is now 'sources': source ids separated by ';')"
            if "sources" in missing and LEGACY_SOURCE_FIELD in columns
            else ""
        )
        out.add(
            "-",
            "-",
            f"missing column(s) {', '.join(missing)}; a claims CSV needs "
            f"{', '.join(CLAIM_REQUIRED_COLUMNS)}{hint}",
        )
        return None
    claims: list[dict[str, Any]] = []
    for row in rows:
        record: dict[str, Any] = {}
        for key, value in row.items():
            if key is None:  # more cells than columns
                record["(extra cells)"] = value
                continue
            cell = (value or "").strip()
            if key in CLAIM_LIST_COLUMNS:
                record[key] = [v.strip() for v in cell.split(";") if v.strip()]
            elif cell or key in CLAIM_REQUIRED_COLUMNS:
                record[key] = cell
        claims.append(record)
    return {"claims": claims}


def _csv_header(text: str) -> list[str]:
    first = text.splitlines()[0] if text.strip() else ""
    return next(csv.reader([first]), [])
