// A Leaflet control holding fixed HTML (MapControl in briefmap/drawing/map_elements.py):
// the legend, the footnote. It runs each time streamlit-folium swaps the layers
// in, so it removes the control of the same slot first; empty HTML leaves the
// slot empty (the "as of" banner once the view is today's again).
(function (map, slot, position, cssClass, html) {
    if (map[slot]) { map.removeControl(map[slot]); map[slot] = null; }
    if (!html) { return; }
    var control = L.control({position: position});
    control.onAdd = function () {
        var div = L.DomUtil.create("div", cssClass);
        div.innerHTML = html;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
    };
    control.addTo(map);
    map[slot] = control;
})
