"""Line places (a route, a line of contact): how both renderers stroke them.

A line has no fill to carry the status ladder, so its stroke carries it all:
the status's dash and weight (:data:`~briefmap.drawing.symbology.STATUS_STYLES`,
the same vocabulary outlines use), and the posture as the stroke's make-up:
a former line is hollow (a white core in a coloured casing), a proposed one
pale with an ink centre line, as a proposed area is pale and hatched. Each
reads in greyscale. A wide stroke no one sees takes the pointer, so a thin
line is as easy to click as a marker. A line is named at its midpoint
(:func:`line_label`), a label like a point's, which ``label-room.js`` gives
room or hides as it does every place's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import folium

from briefmap.data.schema import ClaimStatus, Place, Posture
from briefmap.drawing.symbology import MARK_INK, STATUS_STYLES
from briefmap.safe import map_text

# A line is all stroke: a step heavier than an outline of the same status.
LINE_EXTRA_WEIGHT = 1.5
# The width in pixels that takes the pointer, drawn without ink.
HIT_WEIGHT = 16
HOLLOW_CORE = "#ffffff"
PROPOSED_OPACITY = 0.55


@dataclass(frozen=True)
class Stroke:
    """One pass of a line's drawing: colour, width in pixels, dash, opacity."""

    colour: str
    weight: float
    dash: str | None
    opacity: float = 1.0


def line_strokes(colour: str, status: ClaimStatus, posture: Posture) -> tuple[Stroke, ...]:
    """The strokes a line place is drawn with, bottom first, for both renderers.

    Parameters
    ----------
    colour
        The lead actor's colour.
    status, posture
        The lead claim's.

    Returns
    -------
    tuple of Stroke
        One stroke for a current line; two for a former (casing and white core)
        or a proposed one (pale line and ink centre), all with the status's dash.
    """
    style = STATUS_STYLES[status]
    weight = style.weight + LINE_EXTRA_WEIGHT
    if posture is Posture.FORMER:
        return (
            Stroke(colour, weight + 2.5, style.dash),
            Stroke(HOLLOW_CORE, max(weight - 1.5, 1.5), style.dash),
        )
    if posture is Posture.PROPOSED:
        return (
            Stroke(colour, weight + 1.0, style.dash, PROPOSED_OPACITY),
            Stroke(MARK_INK, 1.0, style.dash),
        )
    return (Stroke(colour, weight, style.dash),)


def line_paths(place: Place) -> list[list[tuple[float, float]]]:
    """A line place's parts as (lat, lon) paths, as folium wants them."""
    geometry = place.geometry
    parts = geometry.geoms if geometry.geom_type == "MultiLineString" else (geometry,)
    return [[(y, x) for x, y, *_ in part.coords] for part in parts]


def line_payload(place: Place) -> list[list[list[float]]]:
    """A line place's parts as [lon, lat] paths rounded to 5 decimals, for the canvas."""
    return [[[round(lon, 5), round(lat, 5)] for lat, lon in path] for path in line_paths(place)]


def line_midpoint(place: Place) -> tuple[float, float]:
    """(lat, lon) half way along a line place (its longest part, for a multi-line)."""
    geometry = place.geometry
    parts = geometry.geoms if geometry.geom_type == "MultiLineString" else (geometry,)
    longest = max(parts, key=lambda part: part.length)
    middle = longest.interpolate(0.5, normalized=True)
    return middle.y, middle.x


def line_label(place: Place, status: ClaimStatus, *, crowded: bool = False) -> folium.Marker:
    """A line place's name at its midpoint, a label like a point's (``bm-label``).

    Its ``data-rank`` is the lead claim's rung, so ``label-room.js`` weighs it
    against the points' labels as it weighs those; ``crowded``: shown only from
    the zoom point labels show from, as theirs are on a crowded map. The marker
    takes no pointer and no key (the line's hit stroke does), and is no
    feature: only the line counts as the place drawn.
    """
    when = " bm-label-near" if crowded else ""
    icon = folium.DivIcon(
        html=(
            f'<span class="bm-label bm-line-label{when}" data-rank="{status.rank}">'
            f"{map_text(place.name_en)}</span>"
        ),
        icon_size=(0, 0),
        icon_anchor=(0, 0),
        class_name="bm-line-name",
    )
    return folium.Marker(line_midpoint(place), icon=icon, interactive=False, keyboard=False)


def line_elements(
    place: Place,
    colour: str,
    status: ClaimStatus,
    posture: Posture,
    tooltip: folium.Tooltip,
    class_name: str,
) -> list[Any]:
    """A line place as folium polylines: its strokes, then the hit line on top.

    The hit line carries the tooltip and ``class_name``, and names its place
    in its options (``bmPlace``): the map's click script reports the place
    from it (``open-places.js``), as a marker's label names its own.
    """
    paths = line_paths(place)
    elements: list[Any] = []
    for stroke in line_strokes(colour, status, posture):
        line = folium.PolyLine(
            paths,
            color=stroke.colour,
            weight=stroke.weight,
            opacity=stroke.opacity,
            dash_array=stroke.dash,
            class_name="bm-line-stroke",
        )
        line.options["interactive"] = False  # the hit line above takes the pointer
        elements.append(line)
    hit = folium.PolyLine(
        paths, color=colour, weight=HIT_WEIGHT, opacity=0.0, class_name=class_name, tooltip=tooltip
    )
    hit.options["bmPlace"] = place.id  # folium writes options as escaped JSON
    elements.append(hit)
    return elements
