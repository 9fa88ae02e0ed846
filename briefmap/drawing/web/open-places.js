// Clicks and keys on place markers (OpenPlaces in briefmap/drawing/map_elements.py):
// the report names the place clicked, Enter or Space on a focused marker
// opens it as a click does, and a click closes the marker's tooltip.
(function (map) {
    var report = map.__bmReport || (map.__bmReport = {});
    function markerOf(icon) {
        var found = null;
        map.eachLayer(function (layer) { if (layer._icon === icon) { found = layer; } });
        return found;
    }
    // A line place's hit line names its place in its options (line_places.py).
    function lineOf(target) {
        var found = null;
        if (target && target.classList && target.classList.contains("bm-line")) {
            map.eachLayer(function (layer) {
                if (layer._path === target && layer.options.bmPlace) { found = layer.options.bmPlace; }
            });
        }
        return found;
    }
    function placeOf(target) {
        var icon = target && target.closest ? target.closest(".leaflet-marker-icon") : null;
        var named = icon ? icon.querySelector("[data-place]") : null;
        return {icon: icon, place: named ? named.getAttribute("data-place") : lineOf(target)};
    }
    // Before Leaflet's own handler (capture): whatever is clicked, the report
    // then names its place, or none (a canvas point, an outline: found by position).
    map.getContainer().addEventListener("click", function (event) {
        var hit = placeOf(event.target);
        report.place = hit.place;
        var marker = hit.icon ? markerOf(hit.icon) : null;
        if (marker && marker.closeTooltip) {
            setTimeout(function () { marker.closeTooltip(); }, 0);
        }
    }, true);
    map.getContainer().addEventListener("keydown", function (event) {
        if (event.key !== "Enter" && event.key !== " ") { return; }
        var hit = placeOf(event.target);
        if (!hit.place || event.target !== hit.icon) { return; }
        var marker = markerOf(hit.icon);
        if (!marker) { return; }
        // Not Leaflet's own Enter (a click without a position) and no page scroll on Space.
        event.preventDefault();
        event.stopPropagation();
        report.place = hit.place;
        marker.fire("click", {latlng: marker.getLatLng(), originalEvent: event});
        if (marker.closeTooltip) { marker.closeTooltip(); }
    }, true);
})
