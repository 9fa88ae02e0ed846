"""The user's own layer: a geographic file as another tool wrote it, drawn as it is.

A KML from Google My Maps or Google Earth, a QGIS GeoPackage, a uMap or
geojson.io GeoJSON, a spreadsheet with coordinates: an analyst's own map, not
Briefmap's field convention. Its features are kept as they come, every column
as text, so that a later step can say which column is a claim's status or
sources; until then they are *your data, not sourced claims*, and nothing in
them is checked against the sourcing rules or the region of interest.

This module is the layer's schema (the record types and the words that describe
a layer, in the app and on the command line alike) and the reduction of a
description's HTML to text and links. The readers are in
:mod:`briefmap.data.own_files`.

Named "own layer" because "overlay" already means an upload of Briefmap's own
files drawn beside the briefing (:class:`briefmap.drawing.html_export.Overlay`):
those are claims, checked and sourced; these are not.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from typing import Any

from briefmap.data.validate import URL_SCHEMES, short

# What marks the layer wherever it is shown: on the map, in the legend, on the
# card, in exports and in the validate report.
OWN_LAYER_MARK = "your data — not sourced claims"
OWN_LAYER_NAME = "your own layer"
# The value of the schema's DRAWING_FIELD on a feature of the own layer in
# Briefmap's own exports (a KMZ's placemark, a GeoPackage's row): read back, it
# is the user's own layer again, never a place.
OWN_DRAWING = "own"
# In those exports' tables (a GeoPackage's layer), the columns that carry a
# feature's folder path (outermost first, " / " between), the file it came from
# and its description's links.
FOLDER_COLUMN = "folder"
FILE_COLUMN = "source_file"
LINKS_COLUMN = "links"
# A file's column named as GDAL names its own (fid, geom, geometry) is written
# under this prefix, and read back without it.
RENAMED_PREFIX = "col_"
# Longest description text and link kept, and most links a feature keeps: a
# card shows a few lines; a 1 MB balloon is a mistake or an attack.
MAX_DESCRIPTION_CHARS = 10_000
# Longest description read for its text and links (ten times what is kept):
# what markup is left unclosed past it is never parsed.
MAX_DESCRIPTION_READ = 100_000
MAX_LINK_CHARS = 2_000
MAX_LINKS = 20
# Columns read as a feature's name and description, in order of preference
# (lower case): KML's own, QGIS' and spreadsheets' usual ones.
NAME_COLUMNS = ("name", "title", "label")
DESCRIPTION_COLUMNS = ("description", "desc", "notes", "note")


@dataclass(frozen=True)
class OwnStyle:
    """How the file says to draw a feature, where it says so (KML's styles, simplestyle's).

    Colours are ``#rrggbb``, opacities 0 to 1, widths in pixels; ``None`` where
    the file says nothing. Whether a colour stays readable on the map is the
    drawing's choice, not the file's.
    """

    line_colour: str | None = None
    line_opacity: float | None = None
    line_width: float | None = None
    fill_colour: str | None = None
    fill_opacity: float | None = None
    filled: bool | None = None
    outlined: bool | None = None
    icon_colour: str | None = None

    @property
    def empty(self) -> bool:
        return self == OwnStyle()


@dataclass(frozen=True)
class OwnFeature:
    """One feature of the user's own layer, as the file gives it.

    ``geometry`` is a shapely geometry in WGS 84 longitude and latitude (any
    kind: points, lines, polygons with holes, multi-geometries, collections).
    ``properties`` holds every original column (KML's name, description and
    extended data) by its name, as text: numbers as written, nested values as
    JSON text, an empty cell as ``""``. ``name`` and ``description_text`` are
    read from them (a description's HTML reduced to text, never run);
    ``links`` are the description's http and https links.
    """

    id: str
    geometry: Any
    name: str
    description_text: str
    links: tuple[str, ...]
    folder: tuple[str, ...]
    style: OwnStyle | None
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnSublayer:
    """A part of the layer: a KML folder (by its path, outermost first) or a GeoPackage layer."""

    path: tuple[str, ...]
    features: tuple[OwnFeature, ...]

    @property
    def name(self) -> str:
        return " / ".join(self.path)


@dataclass(frozen=True)
class OwnLayer:
    """A file read as the user's own layer: its name, the file, its parts in the file's order."""

    name: str
    source_file: str
    sublayers: tuple[OwnSublayer, ...]
    # Records the file holds, drawable or not (a bad one is reported, not kept).
    records: int = 0

    @property
    def features(self) -> tuple[OwnFeature, ...]:
        return tuple(f for sub in self.sublayers for f in sub.features)

    @property
    def left_out(self) -> int:
        """Records of the file not drawn (each reported where it was read)."""
        return self.records - len(self.features)

    @property
    def bounds(self) -> tuple[float, float, float, float] | None:
        """West, south, east, north of every feature; ``None`` for an empty layer."""
        boxes = [f.geometry.bounds for f in self.features]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )


def sublayers_of(features: list[OwnFeature]) -> tuple[OwnSublayer, ...]:
    """Features grouped by their folder, folders in the order they first appear."""
    grouped: dict[tuple[str, ...], list[OwnFeature]] = {}
    for feature in features:
        grouped.setdefault(feature.folder, []).append(feature)
    return tuple(OwnSublayer(path, tuple(found)) for path, found in grouped.items())


def describe_own_layer(layer: OwnLayer) -> str:
    """One line: how many features were read as the user's own layer, and in which parts.

    The same words in the app's upload panel and in ``python -m briefmap validate``.
    """
    features = layer.features
    count = f"{len(features):,} feature{'s' if len(features) != 1 else ''}"
    parts = [
        f"{len(sub.features):,} in {short(sub.name)}"
        if sub.path
        else f"{len(sub.features):,} at the top"
        for sub in layer.sublayers
    ]
    named = len(parts) > 1 or any(sub.path for sub in layer.sublayers)
    left = layer.left_out
    return (
        f"{layer.source_file}: {count} read as {OWN_LAYER_NAME} ({OWN_LAYER_MARK})"
        + (f": {', '.join(parts)}" if named else "")
        + (f"; {left:,} record{'s' if left != 1 else ''} left out" if left > 0 else "")
    )


# ------------------------------------------------- descriptions: text and links

# Elements whose content is never text: code, styles, and what browsers hide.
_HIDDEN = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "head", "title"}
)
# Elements that end a line of text.
_BREAKS = frozenset(
    {"br", "p", "div", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
)
_BARE_LINK = re.compile(r"https?://[^\s<>\"'()\[\]{}]+", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\f\v\r\u00a0]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A "<" that no ">" closes before the next "<": no tag, only text. html.parser
# rescans the rest of the text from each such "<" (quadratic: 30 KB of "<a "
# took 16 s), so each is made text first, in one linear pass.
_UNCLOSED = re.compile(r"<(?=[^<>]*(?:<|\Z))")
_NOT_IN_LINK = re.compile(r"[\s\x00-\x1f\x7f]")


class _Reduced(html.parser.HTMLParser):
    """An HTML balloon's text and links; nothing in it is run or fetched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BREAKS:
            self.parts.append("\n")
        if tag == "a":
            self.links += [value for name, value in attrs if name == "href" and value]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def web_link(text: str) -> str | None:
    """``text`` as a link a card may show: http or https, no spaces, not too long; else ``None``."""
    link = text.strip()
    if (
        not link.lower().startswith(URL_SCHEMES)
        or len(link) > MAX_LINK_CHARS
        or _NOT_IN_LINK.search(link)
    ):
        return None
    return link


def description_parts(description: str) -> tuple[str, tuple[str, ...]]:
    """A description (plain text or HTML, as Google Earth's balloons) as text and its web links.

    Scripts, styles and other hidden elements are dropped with their content;
    tags become line breaks or nothing; character references are read. Links
    are the ``href`` of ``<a>`` elements and bare ``http(s)://`` addresses in
    the text, http and https only (``javascript:`` and ``data:`` are not
    links), each once.
    """
    description = description[:MAX_DESCRIPTION_READ]
    reducer = _Reduced()
    if "<" in description or "&" in description:
        try:
            reducer.feed(_UNCLOSED.sub("&lt;", description))
            reducer.close()
        except (AssertionError, ValueError):  # very old html.parser on broken markup
            reducer.parts = [description]
    else:  # plain text (most spreadsheets' notes): no markup to parse
        reducer.parts = [description]
    text = _CONTROL.sub("", "".join(reducer.parts))
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    found = [*reducer.links, *_BARE_LINK.findall(text)]
    links: list[str] = []
    for candidate in found:
        link = web_link(candidate)
        if link is not None and link not in links:
            links.append(link)
    if len(text) > MAX_DESCRIPTION_CHARS:
        text = text[: MAX_DESCRIPTION_CHARS - 1] + "…"
    return text, tuple(links[:MAX_LINKS])


def first_column(lower: dict[str, str], names: tuple[str, ...]) -> str:
    """The first filled column among ``names``, in properties keyed by lower-case name; else ``""``.

    (Keyed so by the caller once for all its questions: of two columns alike
    but for case, the first in the file.)
    """
    for name in names:
        value = lower.get(name)
        if value and value.strip():
            return value.strip()
    return ""
