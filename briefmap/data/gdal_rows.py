"""GIS layers read by GDAL (pyogrio) from memory, as rows of cells, each text cell decoded on its own.

pyogrio decodes a layer's text in the encoding its file declares, and one bad
byte anywhere fails the whole layer. Here such a layer is read again and each
cell decoded alone: a cell that is not text becomes a :class:`NotText`, which
:func:`text_cells` takes out of its row and :func:`report_not_text` reports on
the row's record, so every other cell and row still loads.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pyogrio

from briefmap.data.validate import Collector, short

# A cell not in the file's declared encoding is read again in this one, which
# takes every byte as one character: the cell's bytes are then exactly recovered.
EVERY_BYTE = "ISO-8859-1"


def quiet(call: Any, *args: Any, **kwargs: Any) -> Any:
    # GDAL warns about in-memory files' names (no .gpkg suffix): not the user's concern.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return call(*args, **kwargs)


def rows_of(frame: Any) -> list[dict[str, Any]]:
    columns = [c for c in frame.columns if c != "geometry"]
    return frame[columns].to_dict("records")


# What stands for a cell that is not text where only its being filled matters.
NOT_TEXT = "(not text)"


@dataclass(frozen=True)
class NotText:
    """A cell whose bytes are not text in the encoding the file declares."""

    data: bytes
    encoding: str


def _decoded(text: str, encoding: str) -> str | NotText:
    data = text.encode(EVERY_BYTE)
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return NotText(data, encoding)


def read_frame(raw: bytes, **options: Any) -> Any:
    """A layer as a data frame; a text cell not in the declared encoding is a :class:`NotText`.

    pyogrio decodes every text cell in the encoding the file declares (UTF-8
    for a GeoPackage, the ``.cpg`` file's for a Shapefile) and one bad byte
    fails the whole layer. Then the layer is read again taking each byte for
    one character (:data:`EVERY_BYTE`), and each cell is decoded on its own in
    the declared encoding: only the cells that fail are lost, and their bytes
    are kept to be shown.
    """
    try:
        return quiet(pyogrio.read_dataframe, raw, **options)
    except UnicodeDecodeError as exc:
        declared = exc.encoding
    frame = quiet(pyogrio.read_dataframe, raw, encoding=EVERY_BYTE, **options)
    names = {}
    for column in frame.columns:
        name = _decoded(column, declared) if isinstance(column, str) else column
        names[column] = name if not isinstance(name, NotText) else repr(name.data)[2:-1]
    frame = frame.rename(columns=names)
    for column in frame.columns:
        if column != "geometry":  # text is "str" or "object" by pandas' version: test cells
            frame[column] = pd.Series(
                [_decoded(v, declared) if isinstance(v, str) else v for v in frame[column]],
                index=frame.index,
                dtype=object,
            )
    return frame


def text_cells(row: dict[str, Any]) -> tuple[dict[str, Any], dict[str, NotText]]:
    """A row with its cells that are not text emptied, and those cells by column."""
    bad = {column: v for column, v in row.items() if isinstance(v, NotText)}
    if not bad:
        return row, bad
    return {**row, **dict.fromkeys(bad)}, bad


def report_not_text(bad: dict[str, NotText], rid: str, out: Collector) -> None:
    for column, value in bad.items():
        out.add(
            rid,
            short(column, quote=False),
            f"is not {value.encoding.upper()} text, the encoding the file declares "
            f"(bytes {short(value.data)}); the cell was not read",
        )
