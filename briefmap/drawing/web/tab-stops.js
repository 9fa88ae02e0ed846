// The map's keyboard path (TabStops in briefmap/drawing/map_elements.py): from
// the map itself, Tab goes to the places' markers, then to the controls.
// Leaflet 1.9 listens for focus on every shape with a tooltip (to show it to
// keyboard users), and Chromium makes an SVG element with focus listeners a tab
// stop: areas, outlines and arrows came first in the tab order, unnamed (issue
// 13, finding 7). They are taken out of it; an area's card opens from the
// claim card's place picker, which lists every place.
(function (map, label) {
    var container = map.getContainer();
    // Leaflet makes the container a tab stop for its arrow-key panning: name it.
    container.setAttribute("role", "region");
    container.setAttribute("aria-label", label);
    function quiet(element) {
        if (element && element.setAttribute) {
            element.setAttribute("tabindex", "-1");
            element.setAttribute("focusable", "false");
        }
    }
    map.eachLayer(function (layer) { quiet(layer._path); });
    map.on("layeradd", function (event) { quiet(event.layer && event.layer._path); });
})
