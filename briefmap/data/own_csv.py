"""Spreadsheets read as the user's own layer: a CSV with coordinate columns or WKT.

The delimiter is the header's (or Excel's ``sep=`` line's), coordinate
columns are found by the names tools give them, a decimal comma is read, and
each row is named by its row in a spreadsheet. :func:`read_own_csv` is called
by :func:`briefmap.data.own_files.read_own_file`, within the read budget.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import Any

import shapely

from briefmap.data.convention import slug
from briefmap.data.own_layer import OwnLayer, sublayers_of
from briefmap.data.own_records import checked_shape, over_limit, own_feature
from briefmap.data.readers import decode
from briefmap.data.validate import Collector, short

# Coordinate columns of a spreadsheet, by the names tools give them (any case),
# in order of preference; WKT columns are preferred to both when present.
LATITUDE_COLUMNS = ("latitude", "lat", "y")
LONGITUDE_COLUMNS = ("longitude", "lon", "lng", "long", "x")
WKT_COLUMNS = ("wkt", "geometry", "geom", "the_geom")
CSV_DELIMITERS = (",", ";", "\t", "|")
# One CSV cell may hold a country's outline as WKT: up to an upload's size.
MAX_CSV_CELL = 20 * 1024 * 1024
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")


def _delimiter(header: str) -> str:
    """The delimiter a header line uses most (outside quotes): ``,``, ``;``, tab or ``|``."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in CSV_DELIMITERS}
    best = max(CSV_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    lower = [h.strip().lower() for h in header]
    for name in names:
        if name in lower:
            return lower.index(name)
    return None


def csv_coordinates(header: list[str]) -> tuple[int | None, tuple[int, int] | None]:
    """Where a header's coordinates are: its WKT column, and its (latitude, longitude) columns."""
    lat, lon = _column(header, LATITUDE_COLUMNS), _column(header, LONGITUDE_COLUMNS)
    return _column(header, WKT_COLUMNS), (lat, lon) if lat is not None and lon is not None else None


def _csv_rows(text: str) -> tuple[list[str], Iterable[list[str]]]:
    """The header and a reader of the rows after it.

    Excel's ``sep=;`` first line, where there is one, says the delimiter (and
    is no row: Excel does not show it).
    """
    first, _, rest = text.lstrip("\ufeff").partition("\n")
    if first.lower().startswith("sep=") and len(first.strip()) == 5:
        delimiter, text = first.strip()[4], rest
    else:
        delimiter = _delimiter(first)
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CSV_CELL))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, [])
    return [h.lstrip("\ufeff") for h in header], reader


def csv_is_own_layer(raw: bytes) -> bool:
    """Whether a CSV is a table of located rows, not Briefmap's claims (which name ``places``)."""
    text = decode(raw, Collector("-"))
    if text is None:
        return False
    try:
        header, _ = _csv_rows(text)
    except csv.Error:
        return False
    if "places" in {h.strip().lower() for h in header}:
        return False
    return csv_coordinates(header) != (None, None)


def _coordinate(text: str, column: str, low: float, high: float) -> tuple[float | None, str | None]:
    written = text.strip()
    if not written:
        return None, "is empty"
    if _DECIMAL_COMMA.fullmatch(written):  # 36,52 as a spreadsheet set to a comma locale writes it
        written = written.replace(",", ".")
    try:
        number = float(written)
    except ValueError:
        return None, f"{short(text)} is not a number"
    if not math.isfinite(number):
        return None, f"{short(text)} is not a finite number"
    if not low <= number <= high:
        return None, f"{short(text)} is outside {low:g}..{high:g} for a {column}"
    return number, None


def read_own_csv(
    raw: bytes, filename: str, out: Collector, max_rows: int | None = None
) -> OwnLayer | None:
    """A CSV with coordinate columns (or WKT) as the user's own layer, in WGS 84.

    The delimiter is the header's (``,``, ``;``, tab or ``|``); latitude and
    longitude columns are found by :data:`LATITUDE_COLUMNS` and
    :data:`LONGITUDE_COLUMNS` in any case, a decimal comma is read; a filled
    WKT cell (:data:`WKT_COLUMNS`) is preferred to them. Rows are named by
    their row in a spreadsheet (the header is row 1); an empty row is none.
    """
    text = decode(raw, out)
    if text is None:
        return None
    try:
        header, reader = _csv_rows(text)
        numbered = [
            (number, cells)
            for number, cells in enumerate(reader, start=2)
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as exc:
        out.add("-", "-", f"not valid CSV: {exc}")
        return None
    wkt_at, lat_lon = csv_coordinates(header)
    if (wkt_at, lat_lon) == (None, None):
        out.add(
            "-",
            "-",
            "no coordinate columns: name them latitude and longitude (or lat/lon, y/x), "
            "or give WKT in a column named wkt or geometry",
        )
        return None
    if over_limit(len(numbered), max_rows, out):
        return OwnLayer(PurePosixPath(filename).stem, filename, (), len(numbered))
    names = _unique_columns(header)
    stem = slug(PurePosixPath(filename).stem)
    kept = []
    for number, cells in numbered:
        record = f"row {number}"
        properties = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(names)}
        if len(cells) > len(names):
            properties["(extra cells)"] = json.dumps(cells[len(names) :], ensure_ascii=False)
        if wkt_at is not None and (lat_lon is None or properties[names[wkt_at]].strip()):
            column = names[wkt_at]
            geometry, problem = _wkt(properties[column])
        else:
            lat_i, lon_i = lat_lon
            lat, lat_problem = _coordinate(properties[names[lat_i]], "latitude", -90, 90)
            lon, lon_problem = _coordinate(properties[names[lon_i]], "longitude", -180, 180)
            column, problem = (
                (names[lat_i], lat_problem) if lat_problem else (names[lon_i], lon_problem)
            )
            geometry = shapely.Point(lon, lat) if problem is None else None
        if problem is not None:
            out.add(record, column, f"{problem}; not drawn")
            continue
        kept.append(own_feature(properties, geometry, f"{stem}-{number}", (), None))
    return OwnLayer(PurePosixPath(filename).stem, filename, sublayers_of(kept), len(numbered))


def _wkt(text: str) -> tuple[Any, str | None]:
    """WKT (or EWKT with ``SRID=4326;``) as a checked geometry, or ``None`` and why not."""
    written = text.strip()
    if not written:
        return None, "is empty"
    if written.upper().startswith("SRID="):
        srid, _, written = written.partition(";")
        if srid.strip().upper() != "SRID=4326":
            return None, f"{short(srid)} is not WGS 84 longitude and latitude (SRID=4326)"
    try:
        geometry = shapely.from_wkt(written)
    except (shapely.errors.ShapelyError, ValueError, TypeError) as exc:
        return None, f"is not well-known text (WKT): {short(str(exc), 100, quote=False)}"
    return checked_shape(geometry)


def _unique_columns(header: list[str]) -> list[str]:
    names: list[str] = []
    for index, name in enumerate(header, start=1):
        name = name.strip() or f"column {index}"
        unique, n = name, 2
        while unique in names:
            unique, n = f"{name} ({n})", n + 1
        names.append(unique)
    return names
