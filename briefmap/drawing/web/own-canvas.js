// The user's own layer when it is large: one folder's features drawn on
// Leaflet's canvas renderer from a compact payload (OwnCanvasLayer in
// briefmap/drawing/own_canvas.py, which describes the payload), instead of a
// folium path of script per feature. The same drawing as the paths
// (own_layer_map.py): dashed lines and outlines, hollow points, the file's
// colours where readable; the same tooltip and card, joined here from text the
// server escaped, with fixed tags only. Built on demand: a tooltip or a card is
// made when it opens, not 20,000 of them at load. The features join the map a
// thousand per task, so a large file never holds the page.
// Defines window.__bmOwnCanvas once; window.__bmOwnDrawn[key] counts the
// features a folder draws while it is on the map (0 when switched off).
(function () {
    if (window.__bmOwnCanvas) { return; }
    var DASH = "6 4", POINT_RADIUS = 6, POINT_FILL = "#ffffff";
    var CHUNK = 1000;  // features added to the map per task

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

    // Leaflet's canvas fills and strokes each shape on its own (L.Canvas._draw in
    // Leaflet 1.9.3): a redraw of 20,000 points took seconds in a Chromium without
    // a GPU. This one draws each style's points as one path, filled and stroked
    // once, after the lines and areas (so on top of them, as markers would be);
    // lines and areas are Leaflet's own drawing. Hit-testing (tooltips, clicks)
    // is Leaflet's, unchanged.
    function drawPoints(ctx, layers) {
        var o = layers[0].options;
        ctx.beginPath();
        layers.forEach(function (layer) {
            var p = layer._point, r = Math.max(Math.round(layer._radius), 1);
            ctx.moveTo(p.x + r, p.y);
            ctx.arc(p.x, p.y, r, 0, Math.PI * 2, false);
        });
        ctx.globalAlpha = o.fillOpacity;
        ctx.fillStyle = o.fillColor;
        ctx.fill("nonzero");
        if (ctx.setLineDash) { ctx.setLineDash([]); }
        ctx.globalAlpha = o.opacity;
        ctx.lineWidth = o.weight;
        ctx.strokeStyle = o.color;
        ctx.stroke();
    }

    var Renderer = L.Canvas.extend({
        _draw: function () {
            var bounds = this._redrawBounds, ctx = this._ctx, points = {}, order, layer, o, at;
            ctx.save();
            if (bounds) {
                var size = bounds.getSize();
                ctx.beginPath();
                ctx.rect(bounds.min.x, bounds.min.y, size.x, size.y);
                ctx.clip();
            }
            this._drawing = true;
            for (order = this._drawFirst; order; order = order.next) {
                layer = order.layer;
                if (bounds && !(layer._pxBounds && layer._pxBounds.intersects(bounds))) { continue; }
                if (!(layer instanceof L.CircleMarker)) { layer._updatePath(); continue; }
                if (layer._empty()) { continue; }
                o = layer.options;
                at = o.color + " " + o.weight + " " + o.fillColor;
                (points[at] = points[at] || []).push(layer);
            }
            Object.keys(points).forEach(function (style) { drawPoints(ctx, points[style]); });
            this._drawing = false;
            ctx.restore();
        }
    });

    window.__bmOwnCanvas = function (map, group, key, d) {
        // One tooltip and one card for the folder, bound to its group and filled
        // for the feature under the pointer: one per feature (two Leaflet
        // objects each) took most of the build at 20,000 points.
        var renderer = new Renderer({padding: 0.5}), features = L.featureGroup();
        features.bindTooltip(function (layer) { return tooltipHtml(d, layer.bmOwn); },
            {sticky: true, className: "bm-tooltip"});
        features.bindPopup(function (layer) { return cardHtml(d, layer.bmOwn); },
            {maxWidth: 360, className: "bm-own-popup"});
        var drawn = window.__bmOwnDrawn = window.__bmOwnDrawn || {};
        // A rerun may add a folder's new copy before it removes the old one: only
        // the copy that last went on the map may say the folder is gone.
        var owner = window.__bmOwnDrawnBy = window.__bmOwnDrawnBy || {};
        // The copy being built under each key: a rerun's new copy stops the old one's build.
        var building = window.__bmOwnBuilding = window.__bmOwnBuilding || {};
        building[key] = features;
        var next = 0, longest = 0, started = performance.now();
        features.on("add", function () {
            if (next === d.f.length) { drawn[key] = d.f.length; owner[key] = features; }
        });
        features.on("remove", function () { if (owner[key] === features) { drawn[key] = 0; } });
        features.addTo(group);
        // Features join the map a chunk per task, so the page answers between
        // chunks: 20,000 at once held it for over a second.
        function chunk() {
            if (building[key] !== features) { return; }
            var from = performance.now(), end = Math.min(next + CHUNK, d.f.length);
            for (; next < end; next++) {
                var f = d.f[next], style = d.S[f[1]];
                for (var i = 0; i < f[0].length; i++) {
                    var layer = partLayer(f[0][i], style, renderer);
                    layer.bmOwn = f;
                    features.addLayer(layer);
                }
            }
            longest = Math.max(longest, performance.now() - from);
            if (next < d.f.length) { setTimeout(chunk, 0); return; }
            if (features._map) { drawn[key] = d.f.length; owner[key] = features; }
            // The longest task and the whole build, for the benchmark and the tests.
            (window.__bmOwnBuildMs = window.__bmOwnBuildMs || {})[key] = {
                longest: longest, total: performance.now() - started
            };
        }
        // After this script: streamlit-folium puts the group on the map next.
        setTimeout(chunk, 0);
    };
})();
