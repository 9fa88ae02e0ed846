// The user's own layer when it is large: one folder's features drawn on
// Leaflet's canvas renderer from a compact payload (OwnCanvasLayer in
// briefmap/drawing/own_canvas.py, which describes the payload), instead of a
// folium path of script per feature. The same drawing as the paths
// (own_layer_map.py): dashed lines and outlines, hollow points, the file's
// colours where readable; the same tooltip and card, joined here from text the
// server escaped, with fixed tags only. Built on demand: a tooltip or a card is
// made when it opens, not 20,000 of them at load. The features are put in their
// folder's group before it goes on the map, so the canvas draws once.
// Defines window.__bmOwnCanvas once; window.__bmOwnDrawn[key] counts the
// features a folder draws while it is on the map (0 when switched off).
(function () {
    if (window.__bmOwnCanvas) { return; }
    var DASH = "6 4", POINT_RADIUS = 6, POINT_FILL = "#ffffff";

    function latLng(p) { return [p[1], p[0]]; }

    function tooltipHtml(d, f) {
        return "<strong>" + (f[2] || "(no name)") + "</strong>" +
            (d.F ? '<div class="bm-own-folder">' + d.F + "</div>" : "") +
            (f[3] ? '<div class="bm-own-description">' + f[3] + "</div>" : "") +
            '<div class="bm-own-mark">' + d.M + "</div>";
    }

    function cardHtml(d, f) {
        var text = f[4] === 0 ? f[3] : f[4], parts = [
            '<div class="bm-own-card"><div class="bm-own-mark"><em>' + d.M + "</em></div>",
            "<strong>" + (f[2] || "(no name)") + "</strong>"
        ];
        if (d.F) { parts.push('<div class="bm-own-folder">' + d.F + "</div>"); }
        if (text) { parts.push('<div class="bm-own-description">' + text + "</div>"); }
        if (f[5].length) {
            parts.push('<ul class="bm-own-links">');
            f[5].forEach(function (link) {
                parts.push('<li><a href="' + link[0] + '" target="_blank" ' +
                    'rel="noopener noreferrer">' + link[1] + "</a></li>");
            });
            parts.push("</ul>");
        }
        var rows = [];
        f[6].forEach(function (value, column) {
            if (value !== null) {
                rows.push("<tr><th>" + d.H[column] + "</th><td>" + value + "</td></tr>");
            }
        });
        if (rows.length) { parts.push('<table class="bm-own-columns">' + rows.join("") + "</table>"); }
        parts.push("</div>");
        return parts.join("");
    }

    function partLayer(part, style, renderer) {
        var common = {renderer: renderer, color: style[0], weight: style[1]};
        if (part[0] === 0) {
            return L.circleMarker(latLng(part.slice(1)), L.extend(common, {
                radius: POINT_RADIUS, fill: true, fillColor: POINT_FILL, fillOpacity: 0.9
            }));
        }
        if (part[0] === 1) {
            return L.polyline(part[1].map(latLng), L.extend(common, {dashArray: DASH}));
        }
        return L.polygon(part[1].map(function (ring) { return ring.map(latLng); }), L.extend(common, {
            dashArray: DASH, fill: true, fillColor: style[2], fillOpacity: style[3]
        }));
    }

    window.__bmOwnCanvas = function (map, group, key, d) {
        var started = performance.now();
        // One tooltip and one card for the folder, bound to its group and filled
        // for the feature under the pointer: one per feature (two Leaflet
        // objects each) took most of the build at 20,000 points.
        var renderer = L.canvas({padding: 0.5}), features = L.featureGroup();
        d.f.forEach(function (f) {
            var style = d.S[f[1]];
            f[0].forEach(function (part) {
                var layer = partLayer(part, style, renderer);
                layer.bmOwn = f;
                features.addLayer(layer);
            });
        });
        features.bindTooltip(function (layer) { return tooltipHtml(d, layer.bmOwn); },
            {sticky: true, className: "bm-tooltip"});
        features.bindPopup(function (layer) { return cardHtml(d, layer.bmOwn); },
            {maxWidth: 360, className: "bm-own-popup"});
        var drawn = window.__bmOwnDrawn = window.__bmOwnDrawn || {};
        // A rerun may add a folder's new copy before it removes the old one: only
        // the copy that last went on the map may say the folder is gone.
        var owner = window.__bmOwnDrawnBy = window.__bmOwnDrawnBy || {};
        features.on("add", function () { drawn[key] = d.f.length; owner[key] = features; });
        features.on("remove", function () { if (owner[key] === features) { drawn[key] = 0; } });
        features.addTo(group);
        // How long the folder took to build, for the benchmark and the tests.
        (window.__bmOwnBuildMs = window.__bmOwnBuildMs || {})[key] = performance.now() - started;
    };
})();
