"""Leaflet elements the map adds to folium: controls, fixed CSS, fitting and focus.

Each is a few lines of Leaflet in a folium ``MacroElement`` template, with its
values JSON-encoded into the template, never data pasted into script.
"""

from __future__ import annotations

import json
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.elements import ElementAddToElement
from jinja2 import Template

from briefmap.symbology import hatch_defs

# Crowded maps label their places from this zoom in (see mapping.LABEL_EVERY_POINT_UP_TO).
LABELS_FROM_ZOOM = 9


class MapControl(MacroElement):
    """A Leaflet control holding fixed HTML (the legend, the footnote).

    Placed inside the layers, its script runs each time streamlit-folium swaps
    the layers in, so it removes the control of the same ``slot`` first: the
    legend and footnote follow the filter without stacking up or remounting
    the map.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var slot = {{ this.slot_json }};
            if (map[slot]) { map.removeControl(map[slot]); }
            var control = L.control({position: {{ this.position_json }}});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", {{ this.css_json }});
                div.innerHTML = {{ this.html_json }};
                L.DomEvent.disableClickPropagation(div);
                L.DomEvent.disableScrollPropagation(div);
                return div;
            };
            control.addTo(map);
            map[slot] = control;
        })({{ this.map_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, html: str, *, slot: str, css_class: str, position: str) -> None:
        super().__init__()
        self._name = "MapControl"
        self.html, self.slot = html, slot
        # JSON-encoded, with "</" broken so the string can never close a <script>.
        self.html_json = json.dumps(html).replace("</", "<\\/")
        self.slot_json = json.dumps(f"__briefmap_{slot}")
        self.css_json = json.dumps(css_class)
        self.position_json = json.dumps(position)

    def map_name(self) -> str:
        node = self._parent
        while not isinstance(node, folium.Map):
            node = node._parent
        return node.get_name()


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


class FitWhenSized(MacroElement):
    """Fit the view to bounds once the map has its real size.

    streamlit-folium creates the map before its iframe reaches full width, so a
    plain ``fit_bounds`` fits a narrower box. Fitting again on the first resize
    (and once after load) gives the view a briefer expects; later resizes and
    the user's own pan and zoom are left alone.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, bounds) {
            var touched = false;
            function options() {
                // Keep the places clear of the legend on the right.
                var legend = map.getContainer().querySelector(".bm-legend");
                // Labels run about 110 px to the right of their symbol; the
                // footnote sits at the bottom.
                var right = (legend ? legend.offsetWidth : 0) + 110;
                var note = map.getContainer().querySelector(".bm-footnote");
                var bottom = (note ? note.offsetHeight : 0) + 24;
                return {paddingTopLeft: [24, 24], paddingBottomRight: [right, bottom]};
            }
            function fit() {
                // Leave the view alone once the user, or a link, has set one.
                var requested = window.__GLOBAL_DATA__ && window.__GLOBAL_DATA__.last_center;
                if (touched || requested) { return; }
                map.invalidateSize();
                map.fitBounds(bounds, options());
            }
            map.fitBounds(bounds, {padding: [24, 24]});
            ["pointerdown", "wheel", "keydown"].forEach(function (name) {
                map.getContainer().addEventListener(name, function () { touched = true; });
            });
            setTimeout(fit, 400);
        })({{ this._parent.get_name() }}, {{ this.bounds_json }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "FitWhenSized"
        self.bounds_json = json.dumps(bounds)


class FocusWithoutScrolling(MacroElement):
    """Stop a click on the map from scrolling the page under the pointer.

    Leaflet focuses the map on mousedown (for keyboard panning); when the map's
    bottom is below the fold the browser scrolls the page to show it, the
    marker moves away from the pointer and the click is lost. Inside the map's
    own frame, every focus call asks not to scroll.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var focus = HTMLElement.prototype.focus;
            if (focus.__briefmap) { return; }
            HTMLElement.prototype.focus = function (options) {
                return focus.call(this, Object.assign({}, options || {}, {preventScroll: true}));
            };
            HTMLElement.prototype.focus.__briefmap = true;
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FocusWithoutScrolling"


class ZoomClass(MacroElement):
    """Mark the map's container ``bm-far`` below :data:`LABELS_FROM_ZOOM`.

    Part of the fixed base map, so it is set up once per map however often
    the layers are swapped; CSS then hides the labels of crowded maps.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function mark() {
                map.getContainer().classList.toggle("bm-far", map.getZoom() < {{ this.zoom }});
            }
            map.on("zoomend", mark);
            mark();
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, zoom: int = LABELS_FROM_ZOOM) -> None:
        super().__init__()
        self._name = "ZoomClass"
        self.zoom = int(zoom)


class HatchPatterns(MacroElement):
    """SVG hatch patterns, one per actor colour, for proposed regions' fill."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var holder = document.createElement("div");
            holder.style.cssText = "position:absolute;width:0;height:0;overflow:hidden";
            holder.innerHTML = {{ this.svg_json }};
            document.body.appendChild(holder);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, colours: list[str]) -> None:
        super().__init__()
        self._name = "HatchPatterns"
        defs = "".join(hatch_defs(c) for c in colours)
        self.svg_json = json.dumps(f'<svg width="0" height="0">{defs}</svg>')


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
                    element_name=self.get_name(), element_parent_name=self._parent.get_name()
                ),
                name=self.get_name() + "_add",
            )
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("You cannot render this Element if it is not in a Figure.")
        _render_raw(self, figure, kwargs)


def _render_raw(element: Element, figure: Figure, kwargs: dict[str, Any]) -> None:
    module = element._template.module.__dict__
    for part, target in (
        ("header", figure.header),
        ("html", figure.html),
        ("script", figure.script),
    ):
        macro = module.get(part)
        if macro is not None:
            target.add_child(RawText(macro(element, kwargs)), name=element.get_name())
    for child in list(element._children.values()):
        how = type(child).render
        if how is folium.Marker.render:
            # What Marker.render adds before rendering as a MacroElement.
            if child.location is None:
                raise ValueError(
                    f"{child._name} location must be assigned when added directly to map."
                )
            if child.icon:
                child.add_child(child.SetIcon(marker=child, icon=child.icon))
            _render_raw(child, figure, kwargs)
        elif how is MacroElement.render:
            _render_raw(child, figure, kwargs)
        else:
            child.render(**kwargs)
