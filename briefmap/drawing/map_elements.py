"""Leaflet elements the map adds to folium: controls, fixed CSS, fitting and focus.

Each is a small script in ``briefmap/drawing/web/`` (a function expression)
that a folium ``MacroElement`` calls with the map and JSON-encoded values,
never data pasted into script.
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from jinja2 import Template

from briefmap.drawing.assets import web_text
from briefmap.drawing.branca_internals import children_of, parent_of, template_macros
from briefmap.drawing.symbology import hatch_defs
from briefmap.engine.interaction import Frame
from briefmap.safe import script_json

# Each MapScript's function expression, read once.
_SCRIPTS = {
    name: web_text(name)
    for name in (
        "map-control.js",
        "fit-when-sized.js",
        "streamlit-folium-report.js",
        "frame.js",
        "open-places.js",
        "tab-stops.js",
        "label-room.js",
        "focus-without-scrolling.js",
        "zoom-class.js",
        "hatch-patterns.js",
        "outlines.js",
        "stacked-places.js",
    )
}

# Crowded maps label their places from this zoom in (see mapping.LABEL_EVERY_POINT_UP_TO).
LABELS_FROM_ZOOM = 9
# The map's name for screen readers, and how to use it from the keyboard (Leaflet's keys).
MAP_REGION_LABEL = "Map. Arrow keys move it, plus and minus zoom, Tab goes to its places."
# Labels run about this far beside their symbol: framed places keep room for them.
LABEL_ROOM_PX = 110


def parent_name_of(element: Element) -> str:
    """The name of the element ``element`` was added to (its layer, or the map)."""
    parent = parent_of(element)
    if parent is None:
        raise ValueError(f"{type(element).__name__} is not on a map yet")
    return parent.get_name()


def map_name_of(element: Element) -> str:
    """The name of the ``folium.Map`` ``element`` is on, however deep in its layers."""
    node = parent_of(element)
    while not isinstance(node, folium.Map):
        if node is None:
            raise ValueError(f"{type(element).__name__} is not on a map yet")
        node = parent_of(node)
    return node.get_name()


class MapElement(MacroElement):
    """A ``MacroElement`` whose template names its map and the layer it is in.

    branca has no public way from an element to its parent, so the template
    calls ``this.map_name()`` and ``this.parent_name()`` rather than reading
    ``this._parent`` as folium's own templates do.
    """

    def map_name(self) -> str:
        return map_name_of(self)

    def parent_name(self) -> str:
        return parent_name_of(self)


class MapScript(MapElement):
    """A script of ``briefmap/drawing/web/`` called with the map and JSON arguments.

    Each such file is one JavaScript function expression; the page gets
    ``<file>(<map>, <argument>, ...);``. Arguments pass through
    :func:`briefmap.safe.script_json`, so data never becomes script.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.code }}({{ this.map_name() }}{{ this.arguments }});\n"
        "{% endmacro %}"
    )
    script = ""  # the file in briefmap/drawing/web/

    def __init__(self, *arguments: object) -> None:
        super().__init__()
        self._name = type(self).__name__
        self.code = _SCRIPTS[self.script]
        self.arguments = "".join(f", {script_json(a)}" for a in arguments)


class MapControl(MapScript):
    """A Leaflet control holding fixed HTML (the legend, the footnote).

    Placed inside the layers, its script runs each time streamlit-folium swaps
    the layers in, so it removes the control of the same ``slot`` first: the
    legend and footnote follow the filter without stacking up or remounting
    the map.
    """

    script = "map-control.js"

    def __init__(self, html: str, *, slot: str, css_class: str, position: str) -> None:
        super().__init__(f"__briefmap_{slot}", position, css_class, html)
        self.html, self.slot = html, slot


class FitWhenSized(MapScript):
    """Frame what the app asks for in the map's own size, and report the user's moves.

    Only the browser knows how big the map is (a phone, a shared 1280x720
    screen, a wall display), so the app asks for places or an area
    (:class:`FrameView`) and the map fits them here, padded for the controls
    in its corners (the collapsed legend key, the zoom buttons, the footnote)
    and for labels, never by more than a share of its own size.
    streamlit-folium creates the map before its frame reaches full width, so
    it frames again on the first resize and once after load, unless the user
    has moved the map since.

    The component's report gets :data:`briefmap.engine.interaction.REPORT_KEY`:
    whether the user moved the map since it was last framed (only then does
    the view go into the link) and the place of the marker last clicked. That
    part is added by a second script run right after, ``streamlit-folium-report.js``,
    the one file that reaches into streamlit-folium's frame.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "{{ this.code }}({{ this.map_name() }}{{ this.arguments }});\n"
        "{{ this.report }}({{ this.map_name() }});\n"
        "{% endmacro %}"
    )
    script = "fit-when-sized.js"

    def __init__(self, label_room_px: int = LABEL_ROOM_PX) -> None:
        super().__init__(int(label_room_px))
        self.report = _SCRIPTS["streamlit-folium-report.js"]


class FrameView(MapScript):
    """A :class:`~briefmap.engine.interaction.Frame` for the map, carried with the layers.

    Its script runs each time the layers are swapped in; the map frames each
    request (by its serial) once, so a filter change keeps the user's view.
    """

    script = "frame.js"

    def __init__(self, frame: Frame) -> None:
        (south, west), (north, east) = frame.bounds
        super().__init__(
            {
                "bounds": [[south, west], [north, east]],
                "serial": frame.serial,
                "maxZoom": frame.max_zoom,
                "exact": frame.exact,
            }
        )


class OpenPlaces(MapScript):
    """Clicks and keys on place markers open the place that was clicked.

    A click names the marker's place in the report (resolving a click by
    position picked a neighbour where markers sit close); Enter or Space on a
    focused marker clicks it (Leaflet's own Enter click carries no position);
    a click closes the marker's tooltip, which would otherwise stay up.
    """

    script = "open-places.js"

    def __init__(self) -> None:
        super().__init__()
        # The rest of the map's keyboard path comes with it (added where it is),
        # and the chooser a click on stacked places opens.
        self.add_child(TabStops(MAP_REGION_LABEL))
        self.add_child(StackedPlaces())


class StackedPlaces(MapScript):
    """A click on stacked places offers them: "2 places here: Port X naval base · Port X".

    Where a click falls inside more than one place's drawn symbol (a city
    under its naval base at the default zoom), a small chooser opens
    beside it, each place a button that opens its card, reached by keyboard
    (it takes the focus; Escape closes it). The canvas renderer offers its
    stacked points through the same chooser (``canvas.js``).
    """

    script = "stacked-places.js"

    def __init__(self) -> None:
        super().__init__(web_text("stacked-places.css"))


class TabStops(MapScript):
    """The map's tab stops: the map itself (named), its place markers, its controls.

    Shapes are not tab stops (Leaflet's tooltips made each area, outline and
    arrow one, unnamed, ahead of the markers): from the map's own focus the
    first place is one Tab away.
    """

    script = "tab-stops.js"

    def __init__(self, label: str) -> None:
        super().__init__(label)


class LabelRoom(MapScript):
    """Labels and change badges share the map's room (``web/label-room.js``).

    Change badges come first: one that would overlap another is stacked
    beside it, or merged into it (counted) when there is no room near its
    place. A label that would overlap a badge or a stronger label is hidden;
    strength is the place's lead claim's rung of the ladder (``data-rank`` on
    the label), then the order of the page; the outline's city names yield to
    every place. A label never crosses another place's marker or a control: one
    that would, or that the map's edge would cut, flips to its marker's other
    side, or is hidden. Part of the fixed base map, it runs after every zoom,
    move and layer swap.
    """

    script = "label-room.js"


class FocusWithoutScrolling(MapScript):
    """Stop a click on the map from scrolling the page under the pointer.

    Leaflet focuses the map on mousedown (for keyboard panning); when the map's
    bottom is below the fold the browser scrolls the page to show it, the
    marker moves away from the pointer and the click is lost. Inside the map's
    own frame, every focus call asks not to scroll.
    """

    script = "focus-without-scrolling.js"


class ZoomClass(MapScript):
    """Mark the map's container ``bm-far`` below :data:`LABELS_FROM_ZOOM`.

    Part of the fixed base map, so it is set up once per map however often
    the layers are swapped; CSS then hides the labels of crowded maps.
    """

    script = "zoom-class.js"

    def __init__(self, zoom: int = LABELS_FROM_ZOOM) -> None:
        super().__init__(int(zoom))


class HatchPatterns(MapScript):
    """SVG hatch patterns, one per actor colour, for proposed regions' fill."""

    script = "hatch-patterns.js"

    def __init__(self, colours: list[str]) -> None:
        defs = "".join(hatch_defs(c) for c in colours)
        super().__init__(f'<svg width="0" height="0">{defs}</svg>')


class RawText(Element):
    """Text for the page as it is.

    branca's ``Element(text)`` compiles its text as a Jinja template: work on
    every rerun for our fixed CSS, and a hazard for anything else.
    """

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "RawText"
        self.text = text

    def render(self, **kwargs: object) -> str:
        return self.text


class SafeFeatureGroup(folium.FeatureGroup):
    """A ``FeatureGroup`` whose scripts are not re-read as Jinja templates when rendered.

    ``MacroElement.render`` wraps every rendered script in ``Element(script)``,
    which compiles it as a Jinja template: slow for a 3 MB payload, and data
    such as ``{{ ... }}`` that reached a script would be evaluated when the
    page is rendered. Here each script goes into the figure as plain text.
    Children whose class changes ``render`` are rendered the usual way.
    """

    def render(self, **kwargs: Any) -> None:
        if self.show:
            self.add_child(
                ElementAddToElement(
                    element_name=self.get_name(), element_parent_name=parent_name_of(self)
                ),
                name=self.get_name() + "_add",
            )
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        _render_macros(self, figure, kwargs)


def _render_macros(element: MacroElement, figure: Figure, kwargs: dict[str, Any]) -> None:
    macros = template_macros(element)
    for part, target in (
        ("header", figure.header),
        ("html", figure.html),
        ("script", figure.script),
    ):
        macro = macros.get(part)
        if macro is not None:
            target.add_child(RawText(macro(element, kwargs)), name=element.get_name())
    for child in children_of(element):
        how = type(child).render
        if how is folium.Marker.render:
            # What Marker.render adds before rendering as a MacroElement.
            if child.location is None:
                raise ValueError(
                    f"{type(child).__name__} location must be assigned when added directly to map."
                )
            if child.icon:
                child.add_child(child.SetIcon(marker=child, icon=child.icon))
            _render_macros(child, figure, kwargs)
        elif how is MacroElement.render:
            _render_macros(child, figure, kwargs)
        else:
            child.render(**kwargs)
