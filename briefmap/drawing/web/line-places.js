// Line places (a route, a line of contact) on the canvas renderer: payload
// "l" (canvas_payload.py), each line's parts as [lon, lat] paths with its
// style ("ls", strokes in "LS" as line_places.py line_strokes gives them,
// bottom first) and tooltip recipe ("lt"). Drawn on a Leaflet canvas of their
// own that takes no pointer (as the arrows are, canvas.js); the line under the
// pointer is found here, by distance to its segments in pixels, for its
// tooltip and its click. A click names its place in the map's report, as a
// marker's does (open-places.js).
//
// The hit test is pure and runs under Node (tests/js/line-places.test.js).
(function () {
    var REACH = 8;  // px from a line that still counts as on it (half the markers' hit line)

    // The distance from (px, py) to the segment (ax, ay)-(bx, by).
    function segmentDistance(px, py, ax, ay, bx, by) {
        var dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
        var t = len > 0 ? ((px - ax) * dx + (py - ay) * dy) / len : 0;
        t = Math.max(0, Math.min(1, t));
        var x = ax + t * dx - px, y = ay + t * dy - py;
        return Math.sqrt(x * x + y * y);
    }

    // The line within reach of (px, py), topmost (drawn last) first, or -1.
    // lines[i]: the line's parts, each a list of [x, y] in pixels.
    function lineAt(lines, px, py, reach) {
        for (var i = lines.length - 1; i >= 0; i--) {
            var parts = lines[i];
            for (var j = 0; j < parts.length; j++) {
                var path = parts[j];
                for (var k = 1; k < path.length; k++) {
                    var a = path[k - 1], b = path[k];
                    if (segmentDistance(px, py, a[0], a[1], b[0], b[1]) <= reach) { return i; }
                }
            }
        }
        return -1;
    }

    var api = {REACH: REACH, segmentDistance: segmentDistance, lineAt: lineAt};
    if (typeof window === "undefined") {
        if (typeof module !== "undefined" && module.exports) { module.exports = api; }
        return;
    }
    if (window.__briefmapLines) { return; }
    window.__briefmapLines = api;

    // One layer's line places: their strokes, tooltip and click.
    api.layer = function (d, tipHtml) {
        var renderer = L.canvas(), group = L.layerGroup(), map = null;
        var tip = L.tooltip({sticky: true, className: "bm-tooltip", direction: "top", offset: [0, -8]});
        var px = null, pxZoom = null, over = -1;
        for (var i = 0; i < d.l.length; i++) {
            var latlngs = d.l[i].map(function (part) {
                return part.map(function (p) { return [p[1], p[0]]; });
            });
            d.LS[d.ls[i]].forEach(function (s) {
                L.polyline(latlngs, {color: s[0], weight: s[1], dashArray: s[2] || null, opacity: s[3],
                    renderer: renderer, interactive: false, className: "bm-line-stroke"}).addTo(group);
            });
        }
        renderer.on("add", function () { renderer._container.style.pointerEvents = "none"; });
        // The lines in absolute pixels at the map's zoom, projected once per zoom.
        function projected() {
            var z = map.getZoom();
            if (pxZoom !== z) {
                px = d.l.map(function (parts) {
                    return parts.map(function (part) {
                        return part.map(function (p) { var q = map.project([p[1], p[0]], z); return [q.x, q.y]; });
                    });
                });
                pxZoom = z;
            }
            return px;
        }
        function at(latlng) {
            var p = map.project(latlng, map.getZoom());
            return lineAt(projected(), p.x, p.y, REACH);
        }
        function hide() {
            over = -1;
            if (map && map.hasLayer(tip)) { map.closeTooltip(tip); }
        }
        function move(e) {
            // A point under the pointer (canvas.js) comes first.
            if ((map.dragging && map.dragging.moving()) ||
                    L.DomUtil.hasClass(map.getContainer(), "bm-over-point")) { hide(); return; }
            var i = at(e.latlng);
            L.DomUtil[i < 0 ? "removeClass" : "addClass"](map.getContainer(), "bm-over-line");
            if (i < 0) { hide(); return; }
            if (i !== over) { over = i; tip.setContent(tipHtml(d, d.lt[i], d.ls[i])); }
            tip.setLatLng(e.latlng);
            if (!map.hasLayer(tip)) { map.openTooltip(tip); }
        }
        function click(e) {
            if (L.DomUtil.hasClass(map.getContainer(), "bm-over-point")) { return; }
            var i = at(e.latlng);
            if (i < 0) { return; }
            // Reported as a marker's click is: the place by name, the spot clicked.
            var report = map.__bmReport || (map.__bmReport = {});
            report.place = d.lp[i];
            group._latlng = e.latlng;
            group.fire("click", {latlng: e.latlng, layerPoint: e.layerPoint,
                containerPoint: e.containerPoint, originalEvent: e.originalEvent}, true);
        }
        group.getLatLng = function () { return this._latlng; };
        group.on("add", function () {
            map = group._map;
            map.on("mousemove", move);
            map.on("click", click);
            map.on("mouseout movestart zoomstart", hide);
        });
        group.on("remove", function () {
            hide();
            map.off("mousemove", move);
            map.off("click", click);
            map.off("mouseout movestart zoomstart", hide);
            if (renderer._map) { renderer.remove(); }
        });
        group.lineAt = function (latlng) { return map ? at(latlng) : -1; };
        return group;
    };
})();
