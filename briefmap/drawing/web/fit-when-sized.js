// Fit the view to bounds once the map has its real size (FitWhenSized in
// briefmap/drawing/map_elements.py says why).
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
})
