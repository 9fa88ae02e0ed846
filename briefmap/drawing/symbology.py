"""How a claim is drawn, and the legend that says so.

Status is carried by line pattern, weight and fill (so the ladder reads in
greyscale and on a washed-out projector), posture by the fill (current solid,
proposed hatched, former hollow), the actor by colour and by a mark at the
symbol's centre (:func:`actor_marks`: a shape, or a letter code, so actors
part in greyscale too), and a point's kind by its shape. :func:`legend_html` explains exactly what a map draws.
:func:`colour_problems` checks a set of actor colours against the map's
background and against each other, in greyscale.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefmap.data.schema import Actor, ClaimStatus, PlaceKind, Posture
from briefmap.safe import map_text

if TYPE_CHECKING:
    from briefmap.drawing.plan import MapFeature


# ----------------------------------------------------------------- colours

# The map's own background (``.leaflet-container`` in web/map.css): what the
# symbols sit on without tiles, and close to the light grey basemap's land.
MAP_BACKGROUND = "#e9ecef"
# WCAG 2.1 success criterion 1.4.11 (non-text contrast): 3:1 for graphics.
MIN_CONTRAST_ON_MAP = 3.0
# Between two actors' colours, so they print as different greys: a luminance
# ratio of 1.25 is about 8 points of CIE lightness among dark colours.
MIN_GREYSCALE_STEP = 1.25


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a ``#RRGGBB`` colour, 0 (black) to 1 (white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two ``#RRGGBB`` colours, 1 to 21."""
    darker, lighter = sorted((relative_luminance(first), relative_luminance(second)))
    return (lighter + 0.05) / (darker + 0.05)


def colour_problems(colours: dict[str, str], background: str = MAP_BACKGROUND) -> list[str]:
    """What makes a set of actor colours (name: ``#RRGGBB``) hard to read, in words.

    Each colour needs :data:`MIN_CONTRAST_ON_MAP` against ``background``, and
    each pair :data:`MIN_GREYSCALE_STEP` between them, so that no two actors
    print as the same grey. An empty list: none.
    """
    problems = [
        f"{name} ({colour}) has {contrast_ratio(colour, background):.2f}:1 against the map, "
        f"under {MIN_CONTRAST_ON_MAP:g}:1"
        for name, colour in colours.items()
        if contrast_ratio(colour, background) < MIN_CONTRAST_ON_MAP
    ]
    names = list(colours)
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            ratio = contrast_ratio(colours[first], colours[second])
            if ratio < MIN_GREYSCALE_STEP:
                problems.append(
                    f"{first} and {second} print as near the same grey ({ratio:.2f}:1, "
                    f"under {MIN_GREYSCALE_STEP:g}:1)"
                )
    return problems


@dataclass(frozen=True)
class StatusStyle:
    """How a rung of the status ladder is drawn, without relying on colour."""

    dash: str | None
    weight: float
    fill_opacity: float


STATUS_STYLES: dict[ClaimStatus, StatusStyle] = {
    ClaimStatus.CONFIRMED: StatusStyle(dash=None, weight=3.5, fill_opacity=0.9),
    ClaimStatus.STATED: StatusStyle(dash=None, weight=2.5, fill_opacity=0.6),
    ClaimStatus.REPORTED: StatusStyle(dash="7 4", weight=2.5, fill_opacity=0.35),
    ClaimStatus.UNVERIFIED: StatusStyle(dash="2 4", weight=2.5, fill_opacity=0.15),
    ClaimStatus.DENIED: StatusStyle(dash="1 6", weight=1.5, fill_opacity=0.0),
}


# Regions are large: the same ladder, lighter, so tiles and labels show through.
REGION_FILL_SCALE = 0.45

# Where places crowd, the canvas draws a box per square of the screen whose bar
# splits its claims by status (briefmap/drawing/web/aggregate.js). The bar mixes
# actors, so it carries the ladder in ink alone, darker for better sourced,
# the way fill opacity carries it on a symbol: a solid ink or a pattern.
AGGREGATE_INK = "#1a1a1a"
AGGREGATE_FILLS: dict[ClaimStatus, str] = {
    ClaimStatus.CONFIRMED: AGGREGATE_INK,
    ClaimStatus.STATED: "#707070",
    ClaimStatus.REPORTED: "hatch",
    ClaimStatus.UNVERIFIED: "dots",
    ClaimStatus.DENIED: "none",
}


# Point symbols by kind, as SVG shapes on a 24x24 box.
SYMBOLS: dict[PlaceKind, str] = {
    PlaceKind.NAVAL_FACILITY: '<path d="M12 2 L22 12 L12 22 L2 12 Z"/>',
    PlaceKind.AIR_BASE: '<rect x="3" y="3" width="18" height="18"/>',
    PlaceKind.AIRPORT: '<path d="M7 3 H17 L22 12 L17 21 H7 L2 12 Z"/>',
    PlaceKind.MILITARY_POST: '<path d="M12 2 L22 21 H2 Z"/>',
    PlaceKind.CAPITAL: (
        '<path d="M12 1.5 L14.8 8.6 L22.4 9.1 L16.5 14 L18.4 21.4 L12 17.3 '
        'L5.6 21.4 L7.5 14 L1.6 9.1 L9.2 8.6 Z"/>'
    ),
    PlaceKind.GOVERNMENT_SITE: (
        '<path d="M12 1.5 L14.8 8.6 L22.4 9.1 L16.5 14 L18.4 21.4 L12 17.3 '
        'L5.6 21.4 L7.5 14 L1.6 9.1 L9.2 8.6 Z"/>'
    ),
    PlaceKind.CITY: '<circle cx="12" cy="12" r="8.5"/>',
    PlaceKind.TOWN: '<circle cx="12" cy="12" r="6.5"/>',
    PlaceKind.MOUNTAIN: '<path d="M1.5 21 L9 6 L13 13 L16 9 L22.5 21 Z"/>',
    PlaceKind.GOVERNORATE: '<circle cx="12" cy="12" r="9" />',
    PlaceKind.REGION: '<circle cx="12" cy="12" r="9" />',
    PlaceKind.BUFFER_ZONE: '<circle cx="12" cy="12" r="9" />',
    # Line kinds are drawn as their line; a symbol only where one point must
    # stand for them (a kind given to a Point).
    PlaceKind.ROUTE: '<path d="M2 19 L9 8 L15 16 L22 5"/>',
    PlaceKind.LINE: '<path d="M2 19 L9 8 L15 16 L22 5"/>',
}


SYMBOL_PX = 26


# ------------------------------------------------------------ actor marks

# Colour alone leaves actors apart only on a good screen: in greyscale, on a
# washed-out projector or to a colour-blind reader, a dark green, a navy and a
# plum print as near the same dark grey (issue 25, finding 9). So each actor also gets a mark at its symbols' centre, in ink
# with a white halo: a shape from this list, in the order of the data's actor
# table, then a letter code. Paths are about (0, 0), 8 units across: the
# markers draw them in SVG, the canvas as a Path2D of the same text.
MARK_SHAPES: tuple[tuple[str, str], ...] = (
    ("dot", "M-3.2 0 A3.2 3.2 0 1 0 3.2 0 A3.2 3.2 0 1 0 -3.2 0 Z"),
    ("bar", "M-4.2 -1.5 H4.2 V1.5 H-4.2 Z"),
    ("upright", "M-1.5 -4.2 H1.5 V4.2 H-1.5 Z"),
    ("plus", "M-1.3 -4.2 H1.3 V-1.3 H4.2 V1.3 H1.3 V4.2 H-1.3 V1.3 H-4.2 V-1.3 H-1.3 Z"),
    (
        "cross",
        "M-3.9 -2.1 L-2.1 -3.9 L0 -1.8 L2.1 -3.9 L3.9 -2.1 L1.8 0 L3.9 2.1 L2.1 3.9 "
        "L0 1.8 L-2.1 3.9 L-3.9 2.1 L-1.8 0 Z",
    ),
    ("triangle", "M0 -4 L4.2 3.2 H-4.2 Z"),
)
MARK_INK = "#1a1a1a"
# Where a mark sits in a symbol's 24x24 box: its centre, lower in the shapes
# whose middle is narrow at the top.
MARK_CENTRE: dict[PlaceKind, tuple[float, float]] = {
    PlaceKind.MILITARY_POST: (12.0, 14.5),
    PlaceKind.MOUNTAIN: (12.0, 16.5),
}
CODE_LENGTH = 2  # letters of a code: what fits in a town's symbol


@dataclass(frozen=True)
class ActorMark:
    """What tells an actor's symbols apart without colour: a shape, or else a letter code.

    ``name`` names the shape (``"code"`` for a code), ``path`` is its SVG path
    data about (0, 0) (empty for a code), ``code`` the letters drawn instead.
    """

    name: str
    path: str = ""
    code: str = ""


def _code_of(label: str, taken: set[str]) -> str:
    """Up to :data:`CODE_LENGTH` letters from a label's words, not yet ``taken``.

    The initials of its words (``Arab League states``: AL), else its first
    letters; a number then tells apart two actors whose letters are the same.
    """
    words = ["".join(c for c in word if c.isalnum()) for word in label.split()]
    words = [w for w in words if w]
    # Upper case first, then cut: some letters grow ("ß" is "SS").
    initials = "".join(w[0] for w in words).upper()[:CODE_LENGTH]
    if len(initials) < CODE_LENGTH and words:
        initials = words[0].upper()[:CODE_LENGTH]
    initials = initials or "?"
    if initials not in taken:
        return initials
    for n in range(2, 10_000):
        candidate = f"{initials[: CODE_LENGTH - len(str(n)) or 1]}{n}"
        if candidate not in taken:
            return candidate
    raise ValueError("no letter code left")  # never for an actor table of any real size


@functools.lru_cache(maxsize=64)
def _marks_of(table: tuple[tuple[str, str], ...]) -> dict[str, ActorMark]:
    marks: dict[str, ActorMark] = {}
    taken: set[str] = set()
    for i, (actor_id, label) in enumerate(table):
        if i < len(MARK_SHAPES):
            name, path = MARK_SHAPES[i]
            marks[actor_id] = ActorMark(name, path)
        else:
            code = _code_of(label, taken)
            taken.add(code)
            marks[actor_id] = ActorMark("code", code=code)
    return marks


def actor_marks(actors: Iterable[Actor]) -> dict[str, ActorMark]:
    """Each actor's mark, by id: the data's actor table in its order, shapes then codes.

    Deterministic (the same table gives the same marks, whatever the filter
    shows) and distinct: the first ``len(MARK_SHAPES)`` actors get a shape each,
    the rest a letter code each, unique in the table.
    """
    return dict(_marks_of(tuple((a.id, a.label) for a in actors)))


def actor_mark(actors: Mapping[str, Actor], actor_id: str) -> ActorMark:
    """The mark of ``actor_id`` in the data's actor table ``actors`` (id: actor, in order)."""
    marks = _marks_of(tuple((a.id, a.label) for a in actors.values()))
    found = marks.get(actor_id)
    if found is not None:
        return found
    # An id the table does not define (never in valid data): a code of its own.
    return ActorMark("code", code=_code_of(actor_id, {m.code for m in marks.values()}))


def mark_svg(mark: ActorMark, cx: float = 12.0, cy: float = 12.0) -> str:
    """An actor's mark centred at (cx, cy) of a symbol's box, in ink with a white halo."""
    head = (
        f'<g class="bm-mark" data-mark="{map_text(mark.name)}" fill="{MARK_INK}" '
        f'stroke="#ffffff" stroke-width="1.6" paint-order="stroke" stroke-linejoin="round"'
    )
    if mark.path:
        return f'{head} transform="translate({cx:g} {cy:g})"><path d="{mark.path}"/></g>'
    return (
        f'{head} font-family="sans-serif" font-weight="700" font-size="9">'
        f'<text x="{cx:g}" y="{cy:g}" text-anchor="middle" dominant-baseline="central" '
        f'data-code="{map_text(mark.code)}">{map_text(mark.code)}</text></g>'
    )


def symbol_svg(
    kind: PlaceKind,
    colour: str,
    status: ClaimStatus,
    posture: Posture,
    mark: ActorMark | None = None,
) -> str:
    """An SVG symbol: shape by kind, colour and ``mark`` by actor, status and posture by fill and line."""
    style = STATUS_STYLES[status]
    if posture is Posture.FORMER:
        # Hollow to the eye, but painted: a fill of opacity 0 still takes a
        # click (pointer-events: visiblePainted, map.css), where fill="none"
        # let a click in the middle through to the governorate under it.
        fill, fill_opacity = colour, 0.0
    elif posture is Posture.PROPOSED:
        fill, fill_opacity = f"url(#{hatch_id(colour)})", 1.0
    else:
        fill, fill_opacity = colour, style.fill_opacity
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    shape = SYMBOLS[kind]
    # A white halo under the coloured line keeps symbols legible on any basemap.
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SYMBOL_PX}" height="{SYMBOL_PX}" '
        f'viewBox="-1 -1 26 26" aria-hidden="true">'
        f"{hatch_defs(colour) if posture is Posture.PROPOSED else ''}"
        f'<g fill="none" stroke="#ffffff" stroke-width="{style.weight + 2.5}">{shape}</g>'
        f'<g fill="{fill}" fill-opacity="{fill_opacity}" stroke="{colour}" '
        f'stroke-width="{style.weight}"{dash} stroke-linejoin="round">{shape}</g>'
        f"{mark_svg(mark, *MARK_CENTRE.get(kind, (12.0, 12.0))) if mark else ''}</svg>"
    )


def hatch_id(colour: str) -> str:
    return f"bm-hatch-{colour.lstrip('#').lower()}"


def hatch_defs(colour: str) -> str:
    return (
        f'<defs><pattern id="{hatch_id(colour)}" patternUnits="userSpaceOnUse" width="6" '
        f'height="6" patternTransform="rotate(45)"><rect width="2.5" height="6" '
        f'fill="{colour}"/></pattern></defs>'
    )


def legend_html(
    features: Iterable[MapFeature], collapsible: bool = True, *, symbols: bool = True
) -> str:
    """The legend for what is drawn: its actors, statuses, postures and symbols.

    ``symbols=False`` for the canvas renderer, which draws every place as a
    circle: the key of symbols by kind gives way to a line saying so.

    Only vocabulary labels and the data's actor names (escaped) reach it, and
    only entries that appear on the map, so it stays small enough to leave the map visible.
    """
    swatch = '<svg width="18" height="18" viewBox="-1 -1 26 26">{}</svg>'
    features = list(features)
    drawn = {f.actor for f in features}
    # The data's order (briefmap.json), as the sidebar lists them.
    order = {actor_id: i for i, actor_id in enumerate(features[0].actors)} if features else {}
    actors = sorted(drawn, key=lambda a: (order.get(a.id, len(order)), a.id))
    table = features[0].actors if features else {}
    statuses = {f.lead.status for f in features}
    postures = {f.lead.posture for f in features}
    kinds = {f.place.kind for f in features if f.place.is_point}
    # Not collapsible means presentation: a compact strip without the symbol
    # key (every point is labelled on the map), so the map stays visible.
    # Collapsed to its key by default: open, it would cover the places framed.
    opening = "<details><summary>Legend</summary>" if collapsible else '<div class="bm-strip">'
    parts = [opening, '<h2>Actor (colour and mark)</h2><div class="grid">']
    for actor in actors:
        mark = actor_mark(table, actor.id)
        parts.append(
            f'<div class="row">'
            f"{swatch.format(_swatch(actor.colour, ClaimStatus.CONFIRMED, Posture.CURRENT, mark))}"
            f"{map_text(actor.label)}</div>"
        )
    parts.append('</div><h2>Status (fill and line)</h2><div class="grid">')
    for status in (s for s in ClaimStatus if s in statuses):
        parts.append(
            f'<div class="row">{swatch.format(_swatch("#555555", status, Posture.CURRENT))}'
            f"{map_text(status.label)}</div>"
        )
    parts.append("</div><h2>Posture</h2>")
    for posture, text in (
        (Posture.CURRENT, "Current: filled"),
        (Posture.PROPOSED, "Proposed: hatched; dashed arrow from a base a source names"),
        (Posture.FORMER, "Former: hollow"),
    ):
        if posture not in postures:
            continue
        parts.append(
            f'<div class="row">{swatch.format(_swatch("#555555", ClaimStatus.STATED, posture))}'
            f"{map_text(text)}</div>"
        )
    if any(f.place.is_line for f in features):  # line_places: the same dashes, no fill
        parts.append(
            '<h2>Line (route, line of contact)</h2><div class="row">Dashed by status as above;'
            " former: hollow, proposed: pale with a dark centre line</div>"
        )
    # The canvas (symbols=False) draws crowded areas as boxes: say how they read.
    crowded = (
        f'<h2>Crowded areas</h2><div class="row">{aggregate_key_svg()}'
        '<span class="bm-note">A box: claims there, by status (dark confirmed,'
        " blank denied). Click to zoom in.</span></div>"
    )
    if not collapsible:
        if not symbols:
            parts.append(crowded)
        parts.append("</div>")  # the strip
        return "".join(parts)
    if not symbols:
        parts.append("<h2>Symbol</h2><div>Each place is a circle; hover one for its kind.</div>")
        parts.append(crowded)
        parts.append("</details>")
        return "".join(parts)
    parts.append('<h2>Symbol (kind of place)</h2><div class="grid">')
    shown: set[str] = set()
    for kind in (k for k in PlaceKind if k in kinds):
        shape = SYMBOLS[kind]
        if shape in shown:
            continue
        shown.add(shape)
        names = [k.label for k in PlaceKind if SYMBOLS[k] == shape and k in kinds]
        parts.append(
            f'<div class="row"><svg width="18" height="18" viewBox="-1 -1 26 26"><g fill="#ffffff" '
            f'stroke="#333333" stroke-width="2.5">{shape}</g></svg>{map_text(" / ".join(names))}</div>'
        )
    parts.append("</div></details>")
    return "".join(parts)


# The strip's word for a crowded area's box (aggregate_key_svg): short, to keep the strip to a line or two.
CROWDED_STRIP_NOTE = "claims there by status; click to zoom in"


def legend_strip_html(
    actors: Iterable[Actor],
    statuses: Iterable[ClaimStatus],
    postures: Iterable[Posture],
    *,
    crowded: bool = False,
    marks: Mapping[str, ActorMark] | None = None,
) -> str:
    """Presentation view's key beside the map: actors, statuses and postures in one strip.

    Outside the map (the page puts it under it), so it never covers a place;
    the in-map legend is left out there. Only vocabulary labels and the
    data's actor names (escaped) reach it. ``crowded``: the map is drawn on the
    canvas (``bulk.drawn_on_canvas``), whose boxes for crowded areas the strip
    then explains, as the in-map legend's "Crowded areas" does. ``marks``: the
    actors' marks from the data's whole actor table (:func:`actor_marks`);
    by default from ``actors`` alone.
    """
    # A proposed swatch carries its hatch's defs (symbol_svg): the page has no map's to use.
    swatch = '<svg width="16" height="16" viewBox="-1 -1 26 26" aria-hidden="true">{}</svg>'
    actors = list(actors)
    marks = marks if marks is not None else actor_marks(actors)
    statuses, postures = set(statuses), set(postures)
    groups: list[tuple[str, list[str]]] = [
        (
            "Actor",
            [
                f"{swatch.format(_swatch(a.colour, ClaimStatus.CONFIRMED, Posture.CURRENT, marks.get(a.id)))}"
                f"{map_text(a.label)}"
                for a in actors
            ],
        ),
        (
            "Status",
            [
                f"{swatch.format(_swatch('#555555', s, Posture.CURRENT))}{map_text(s.label)}"
                for s in ClaimStatus
                if s in statuses
            ],
        ),
        (
            "Posture",
            [
                f"{swatch.format(_swatch('#555555', ClaimStatus.STATED, p))}{map_text(text)}"
                # The swatch shows filled, hatched or hollow: the word names the posture.
                for p, text in (
                    (Posture.CURRENT, "current"),
                    (Posture.PROPOSED, "proposed"),
                    (Posture.FORMER, "former"),
                )
                if p in postures
            ],
        ),
    ]
    if crowded:
        groups.append(("Crowded area", [f"{aggregate_key_svg()}{map_text(CROWDED_STRIP_NOTE)}"]))
    parts = ['<div class="bm-keystrip" role="group" aria-label="Map key">']
    for title, items in groups:
        if items:
            parts.append(f'<span class="bm-keystrip-group"><strong>{title}</strong>')
            parts.extend(f'<span class="bm-keystrip-item">{item}</span>' for item in items)
            parts.append("</span>")
    parts.append("</div>")
    return "".join(parts)


def aggregate_key_svg() -> str:
    """A crowded area's bar with one claim of each status, as the canvas draws it."""
    ink = AGGREGATE_INK
    defs = (
        f'<defs><pattern id="bm-agg-hatch" patternUnits="userSpaceOnUse" width="4" height="4">'
        f'<path d="M-1 5 L5 -1" stroke="{ink}" stroke-width="1.2"/></pattern>'
        f'<pattern id="bm-agg-dots" patternUnits="userSpaceOnUse" width="3" height="3">'
        f'<rect x="1" y="1" width="1" height="1" fill="{ink}"/></pattern></defs>'
    )
    cells = []
    for i, status in enumerate(ClaimStatus):
        fill = AGGREGATE_FILLS[status]
        paint = {"hatch": "url(#bm-agg-hatch)", "dots": "url(#bm-agg-dots)", "none": "#ffffff"}
        cells.append(
            f'<rect x="{1 + 8 * i}" y="1" width="8" height="8" fill="{paint.get(fill, fill)}"/>'
        )
    return (
        f'<svg width="42" height="10" viewBox="0 0 42 10" aria-hidden="true">{defs}'
        f'{"".join(cells)}<rect x="0.5" y="0.5" width="41" height="9" fill="none" '
        f'stroke="{ink}"/></svg>'
    )


def _swatch(
    colour: str, status: ClaimStatus, posture: Posture, mark: ActorMark | None = None
) -> str:
    # Reuse the symbol renderer's fill rules on a plain square.
    inner = symbol_svg(PlaceKind.AIR_BASE, colour, status, posture, mark)
    return inner[inner.index(">") + 1 : inner.rindex("</svg>")]
