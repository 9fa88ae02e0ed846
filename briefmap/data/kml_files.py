"""KML read in one pass: every placemark, the folders it is in, its extended data and shape.

GDAL's KML drivers were not up to untrusted files. Each ``<Folder>`` is a
layer, and pyogrio opens the document again for each layer it reads, so a file
of one placemark per folder read in quadratic time (2,000 folders: over two
minutes). And the LIBKML driver drops every placemark's ``<Data>`` as soon as
the document holds a ``<Schema>``, even an unused one. So the XML is read here,
once, by the standard library's expat parser (as GDAL does underneath): each
placemark's ``<name>``, ``<description>``, ``id`` and both kinds of extended
data (``<Data name><value>``, as Google Earth and My Maps write it, and
``<SchemaData><SimpleData name>``, as QGIS, ogr2ogr and simplekml do), whatever
the ``<Schema>`` elements say.

Placemarks come in GDAL's order, so a placemark without an id keeps the number
(and so the id) it had when GDAL read the file: the document's own placemarks
first, then each folder's (or nested document's), folders in the order they
open. Each placemark also knows the names of the folders it sits in.

Untrusted input: the text is decoded by its byte order mark or XML declaration
(UTF-8, UTF-16, UTF-32 and whatever else Python knows), a DOCTYPE or ENTITY
declaration is refused before parsing, elements nest at most
:data:`MAX_KML_DEPTH` deep, and the tree kept in memory is one placemark's.
A file that is not well-formed XML is one error naming its line. Coordinates
are read as written: a non-finite or non-numeric one reaches the validator as
it is, which names the record (``position [inf, 34.0] is not finite``).
"""

from __future__ import annotations

import codecs
import dataclasses
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from briefmap.data.validate import Collector, short

# The KML namespaces Google Earth and GDAL read, and none: KML 2.2 (OGC),
# 2.3, Google's 2.0 to 2.2, and Google's extensions (gx:Track).
KML_NAMESPACES = frozenset(
    {
        "",
        "http://www.opengis.net/kml/2.2",
        "http://www.opengis.net/kml/2.3",
        "http://earth.google.com/kml/2.0",
        "http://earth.google.com/kml/2.1",
        "http://earth.google.com/kml/2.2",
        "http://www.google.com/kml/ext/2.2",
    }
)
# Deepest nesting of elements. kml > Document > Folder... > Placemark >
# MultiGeometry > Polygon > outerBoundaryIs > LinearRing > coordinates is
# nine with one folder: this leaves room for about ninety nested folders.
MAX_KML_DEPTH = 100
# Markup a KML never needs, through which XML makes one kilobyte into gigabytes
# ("billion laughs") or reads other files: refused before anything is parsed.
XML_DECLARATIONS = ("<!DOCTYPE", "<!ENTITY")
# The placemark's own fields: extended data of the same name (in any case) takes
# their place, as GDAL did (the analyst's ``id`` wins over the element's).
OWN_FIELDS = ("id", "name", "description")
CONTAINERS = frozenset({"Document", "Folder"})
# Shared styles, defined once in the document and named by a placemark's <styleUrl>.
STYLES = frozenset({"Style", "StyleMap"})
# What a style says that a drawing keeps, by <LineStyle>, <PolyStyle> and
# <IconStyle>: read as written (KML's aabbggrr colours, widths, 0/1 flags).
STYLE_VALUES = frozenset({"color", "width", "fill", "outline"})
GEOMETRIES = frozenset(
    {"Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Track", "MultiTrack"}
)
# Text fed to expat at a time: the nesting is checked between chunks.
_CHUNK = 1 << 16
# Byte order marks, longest first (UTF-32 LE's begins with UTF-16 LE's).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# XML's own way to tell the encoding of a file without a byte order mark: how
# "<?" (or "<") looks in it (XML 1.0, appendix F).
_SIGNATURES = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]{0,39})["']"""
)
_SPACED_COMMA = re.compile(r"\s,|,\s")
_AROUND_COMMAS = re.compile(r"\s*,\s*")
# Coordinates written with nothing but ASCII numbers' characters: float() then
# reads exactly what a KML reader would (it also takes "1_0", "١" and "inf").
_NUMBER_CHARACTERS = re.compile(r"[0-9eE.,+\-\s]*")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan"})


class KmlError(ValueError):
    """A KML that cannot be read at all: the message says where and why."""


@dataclass(frozen=True)
class Placemark:
    """One placemark as written: its fields by name and its shape, not yet checked.

    ``fields`` holds ``id`` (the element's attribute), ``name`` and
    ``description``, then the extended data by the names the file gives them
    (text, or ``None`` when empty). ``shape`` is the geometry element's
    coordinates as text (see :func:`geojson`); ``folders`` the names of the
    folders (and nested documents) it sits in, outermost first.
    """

    fields: dict[str, str | None]
    shape: tuple[Any, ...] | None
    folders: tuple[str, ...]
    # Its <styleUrl> and its own <Style>'s values (see :func:`style_values`);
    # not data, so not among its fields.
    style_url: str | None = None
    own_style: dict[str, str] | None = None


@dataclass(frozen=True)
class KmlDocument:
    """A KML document read: its name, its placemarks and the styles they may name.

    ``styles`` holds each shared ``<Style>``'s values by its id;
    ``style_maps`` each ``<StyleMap>``'s normal style, as the ``styleUrl`` it
    names or as the values of the ``<Style>`` it holds.
    """

    name: str
    placemarks: list[Placemark]
    styles: dict[str, dict[str, str]]
    style_maps: dict[str, str | dict[str, str]]

    def style_of(self, placemark: Placemark) -> dict[str, str]:
        """The style values a placemark is drawn with: its shared style's, then its own.

        Only a style of this document counts (``#id``); a URL to another
        document is never fetched.
        """
        values: dict[str, str] = {}
        url = (placemark.style_url or "").strip()
        if url.startswith("#"):
            shared = self.style_maps.get(url[1:], url)
            if isinstance(shared, str):
                key = shared.strip()[1:] if shared.strip().startswith("#") else None
                values = dict(self.styles.get(key, {})) if key is not None else {}
            else:
                values = dict(shared)
        return {**values, **(placemark.own_style or {})}


def _decoded(raw: bytes) -> str:
    """The document as text: by its byte order mark, else as its XML declaration says."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return _decoded_as(raw[len(bom) :], encoding)
    for signature, encoding in _SIGNATURES:
        if raw.startswith(signature):
            return _decoded_as(raw, encoding)
    declared = _DECLARED.match(raw)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise KmlError(
            f"its XML declaration names an unknown encoding, {short(encoding)}"
        ) from None
    if name.startswith(("utf-16", "utf-32")):
        # Not how such a file begins (a byte order mark or "<" as two or four bytes).
        raise KmlError(f"its XML declaration says {short(encoding)}, but its bytes are not")
    return _decoded_as(raw, encoding)


def _decoded_as(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise KmlError(
            f"line {line}: the bytes {short(raw[exc.start : exc.start + 4])} are not "
            f"{encoding.upper()}, the encoding it declares (UTF-8 when it declares none)"
        ) from None


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    return "".join(element.itertext())


class _Names(dict):
    """Local names of KML's elements by tag; ``None`` for another vocabulary's (atom:name...)."""

    def __missing__(self, tag: str) -> str | None:
        space, _, local = tag[1:].rpartition("}") if tag.startswith("{") else ("", "", tag)
        name = self[tag] = local if space in KML_NAMESPACES else None
        return name


def _children(element: ET.Element, name: str, local: _Names) -> list[ET.Element]:
    return [child for child in element if local[child.tag] == name]


def _child(element: ET.Element, name: str, local: _Names) -> ET.Element | None:
    return next((child for child in element if local[child.tag] == name), None)


def _coordinates(element: ET.Element | None, local: _Names) -> str:
    found = _child(element, "coordinates", local) if element is not None else None
    return _text(found) or ""


def _shape(element: ET.Element, local: _Names) -> tuple[Any, ...] | None:
    """A geometry element as nested tuples of its coordinates' text (read by :func:`geojson`)."""
    kind = local[element.tag]
    if kind in ("Point", "LineString", "LinearRing"):
        return (kind, _coordinates(element, local))
    if kind == "Polygon":
        outer = _child(element, "outerBoundaryIs", local)
        inner = [
            _coordinates(ring, local)
            for boundary in _children(element, "innerBoundaryIs", local)
            for ring in _children(boundary, "LinearRing", local)
        ]
        ring = _child(outer, "LinearRing", local) if outer is not None else None
        return ("Polygon", _coordinates(ring, local), tuple(inner))
    if kind == "Track":
        return ("Track", tuple(_text(c) or "" for c in _children(element, "coord", local)))
    if kind in ("MultiGeometry", "MultiTrack"):
        parts = (_shape(child, local) for child in element if local[child.tag] in GEOMETRIES)
        return ("MultiGeometry", tuple(p for p in parts if p is not None))
    return None


def _extended_data(element: ET.Element, local: _Names) -> dict[str, str | None]:
    """``<Data name><value>`` and ``<SchemaData><SimpleData name>``, in the order written."""
    data: dict[str, str | None] = {}
    for child in element:
        kind = local[child.tag]
        if kind == "Data" and child.get("name") is not None:
            data[child.get("name") or ""] = _text(_child(child, "value", local))
        elif kind == "SchemaData":
            for simple in child:
                if local[simple.tag] == "SimpleData" and simple.get("name") is not None:
                    data[simple.get("name") or ""] = _text(simple)
    return data


def style_values(element: ET.Element, local: _Names) -> dict[str, str]:
    """A ``<Style>``'s values a drawing keeps: ``line_color``, ``poly_fill``, ``icon_color``..."""
    values: dict[str, str] = {}
    for part in element:
        kind = local[part.tag]
        if kind in ("LineStyle", "PolyStyle", "IconStyle"):
            prefix = kind[: -len("Style")].lower()
            for item in part:
                name = local[item.tag]
                if name in STYLE_VALUES:
                    values[f"{prefix}_{name}"] = (_text(item) or "").strip()
    return values


def _style_map(element: ET.Element, local: _Names) -> str | dict[str, str] | None:
    """A ``<StyleMap>``'s normal style (its highlight is for a mouse over Google Earth)."""
    for pair in _children(element, "Pair", local):
        key = _text(_child(pair, "key", local)) or ""
        if key.strip() != "normal":
            continue
        inline = _child(pair, "Style", local)
        if inline is not None:
            return style_values(inline, local)
        return _text(_child(pair, "styleUrl", local))
    return None


def _placemark(element: ET.Element, folders: tuple[str, ...], local: _Names) -> Placemark:
    fields: dict[str, str | None] = {"id": element.get("id"), "name": None, "description": None}
    shape = None
    style_url, own_style = None, None
    for child in element:
        kind = local[child.tag]
        if kind in ("name", "description"):
            fields[kind] = _text(child)
        elif kind == "styleUrl":
            style_url = _text(child)
        elif kind == "Style":
            own_style = style_values(child, local)
        elif kind in GEOMETRIES and shape is None:
            shape = _shape(child, local)
        elif kind == "ExtendedData":
            for name, value in _extended_data(child, local).items():
                own = name.strip().lower()
                if own in OWN_FIELDS:
                    if value is not None and value.strip():
                        fields[own] = value
                else:
                    fields[name] = value
    return Placemark(fields, shape, folders, style_url, own_style)


@dataclass
class _Container:
    name: str
    parent: int | None


def read_kml(raw: bytes, out: Collector) -> list[Placemark] | None:
    """Every placemark of a KML document, in GDAL's order; ``None`` if it cannot be read.

    What makes the file unreadable (its encoding, a DOCTYPE, XML that is not
    well-formed, nesting deeper than :data:`MAX_KML_DEPTH`, a root element
    other than ``<kml>``) is one issue on the file, naming the line where
    there is one.
    """
    document = read_kml_document(raw, out)
    return document.placemarks if document is not None else None


def read_kml_document(raw: bytes, out: Collector) -> KmlDocument | None:
    """:func:`read_kml`, with the document's name and styles too."""
    try:
        text = _decoded(raw)
        if any(d in text for d in XML_DECLARATIONS):
            out.add(
                "-", "-", "holds a DOCTYPE or ENTITY declaration, which a KML never needs; not read"
            )
            return None
        return _document(text)
    except KmlError as exc:
        out.add("-", "-", f"not a readable KML: {exc}")
        return None


def _events(text: str) -> Iterator[tuple[str, ET.Element]]:
    """Expat's start and end events, fed a chunk at a time; bad XML is a :class:`KmlError`."""
    parser = ET.XMLPullParser(events=("start", "end"))
    try:
        for start in range(0, len(text), _CHUNK):
            parser.feed(text[start : start + _CHUNK])
            # Read before close(): after an error, close() raises one of its own
            # with a wrong line number.
            yield from parser.read_events()
        parser.close()
        yield from parser.read_events()
    except ET.ParseError as exc:
        raise KmlError(f"not well-formed XML: {exc}") from None


def _document(text: str) -> KmlDocument:
    local = _Names()
    styles: dict[str, dict[str, str]] = {}
    style_maps: dict[str, str | dict[str, str]] = {}
    in_style = 0  # inside a shared <Style> or <StyleMap>: kept whole until its end
    # Containers by the order they open; the document's own (0) first.
    containers = [_Container("", None)]
    open_containers = [0]
    root_document = False  # the outermost <Document> is the document's own layer
    found: list[tuple[int, Placemark]] = []
    path: list[ET.Element] = []  # the open elements, outermost first
    in_placemark = 0
    for event, element in _events(text):
        kind = local[element.tag]
        if event == "start":
            path.append(element)
            if len(path) > MAX_KML_DEPTH:
                raise KmlError(f"elements nest deeper than {MAX_KML_DEPTH}")
            if len(path) == 1 and kind != "kml":
                raise KmlError(f"its root element is {short(element.tag)}, not <kml>")
            if kind == "Placemark":
                in_placemark += 1
            elif kind in STYLES and not in_placemark:
                in_style += 1
            elif kind in CONTAINERS and not in_placemark:
                if kind == "Document" and not root_document and open_containers == [0]:
                    root_document = True
                    open_containers.append(0)
                else:
                    containers.append(_Container("", open_containers[-1]))
                    open_containers.append(len(containers) - 1)
            continue
        path.pop()
        parent = path[-1] if path else None
        if kind == "Placemark":
            in_placemark -= 1
        if in_placemark:
            continue  # part of a placemark, read at its end
        if kind in STYLES:
            in_style -= 1
        if in_style:
            continue  # part of a shared style, read at its end
        if kind == "Style" and element.get("id"):
            styles[element.get("id") or ""] = style_values(element, local)
        elif kind == "StyleMap" and element.get("id"):
            normal = _style_map(element, local)
            if normal is not None:
                style_maps[element.get("id") or ""] = normal
        elif kind == "Placemark":
            found.append((open_containers[-1], _placemark(element, (), local)))
        elif kind in CONTAINERS:
            open_containers.pop()
        elif kind == "name" and parent is not None and local[parent.tag] in CONTAINERS:
            containers[open_containers[-1]].name = _text(element) or ""
        # Done with it: only the open elements and the current placemark stay in memory.
        if parent is not None:
            del parent[:]
    placemarks = [
        dataclasses.replace(mark, folders=_folders(containers, index))
        for index, mark in sorted(found, key=lambda pair: pair[0])
    ]
    return KmlDocument(containers[0].name, placemarks, styles, style_maps)


def _folders(containers: list[_Container], index: int) -> tuple[str, ...]:
    names: list[str] = []
    at: int | None = index
    while at:  # the document's own container (0) is no folder
        names.append(containers[at].name)
        at = containers[at].parent
    return tuple(reversed(names))


def _number(text: str, plain: bool) -> float | str:
    """A coordinate's number; the text itself when it is none (the validator names it)."""
    if plain or _NUMBER.fullmatch(text) or text.lower() in _NOT_FINITE:
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _positions(text: str) -> list[list[Any]]:
    """``lon,lat[,alt]`` tuples as GeoJSON positions, heights dropped."""
    if _SPACED_COMMA.search(text):  # "36, 34": GDAL and Google Earth read it
        text = _AROUND_COMMAS.sub(",", text)
    plain = _NUMBER_CHARACTERS.fullmatch(text) is not None
    positions = []
    for written in text.split():
        numbers = [_number(v, plain) for v in written.split(",")]
        positions.append(numbers[:2] if len(numbers) in (2, 3) else numbers)
    return positions


def _closed(ring: list[list[Any]]) -> list[list[Any]]:
    # Google Earth draws a ring left open as closed (GDAL refused the whole file).
    return [*ring, ring[0]] if ring and ring[0] != ring[-1] else ring


def _track(coords: tuple[str, ...]) -> list[list[Any]]:
    # gx:coord is "lon lat alt", separated by spaces.
    return [_positions(",".join(c.split()))[0] if c.split() else [] for c in coords]


def geojson(shape: tuple[Any, ...] | None) -> dict[str, Any] | None:
    """A placemark's shape as a GeoJSON geometry (2-D); ``None`` when it has none.

    A MultiGeometry of one part is that part; of parts of one type, a Multi-
    geometry of that type; else a GeometryCollection. A LinearRing is a
    LineString, a gx:Track a LineString of its positions. Positions are not
    checked here: the validator does, on the record.
    """
    if shape is None:
        return None
    kind = shape[0]
    if kind == "Point":
        positions = _positions(shape[1])
        return {"type": "Point", "coordinates": positions[0] if len(positions) == 1 else positions}
    if kind in ("LineString", "LinearRing"):
        return {"type": "LineString", "coordinates": _positions(shape[1])}
    if kind == "Polygon":
        rings = [_closed(_positions(shape[1])), *(_closed(_positions(r)) for r in shape[2])]
        return {"type": "Polygon", "coordinates": rings}
    if kind == "Track":
        return {"type": "LineString", "coordinates": _track(shape[1])}
    parts = [g for g in (geojson(part) for part in shape[1]) if g is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    kinds = {p["type"] for p in parts}
    if len(kinds) == 1 and kinds <= {"Point", "LineString", "Polygon"}:
        return {"type": f"Multi{kinds.pop()}", "coordinates": [p["coordinates"] for p in parts]}
    return {"type": "GeometryCollection", "geometries": parts}
