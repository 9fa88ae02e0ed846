// The per-layer script of the "circles" engine, kept to measure the canvas
// engine against: one L.circleMarker per point on a shared L.canvas. Leaflet
// registers two map listeners per marker, a linear search each, so adding and
// removing n markers costs n^2/2 comparisons. Called as canvas-engine.js is.
(function (map, group, d) {
    var B = window.__briefmapBulk;
    var R = map.__briefmapCanvas || (map.__briefmapCanvas = L.canvas({padding: 0.2, tolerance: 2}));
    var styles = [];
    function style(k) {
        if (!styles[k]) {
            var s = d.S[k], o = {renderer: R, radius: d.r, color: s[0], weight: s[1],
                dashArray: s[2] || null, fill: s[3] > 0, fillColor: s[0], fillOpacity: s[4]};
            styles[k] = o;
        }
        return styles[k];
    }
    var features = [], m = d.S.length || 1, i, k;
    for (i = 0; i < d.x.length; i++) {
        k = d.k[i];
        features.push({type: "Feature", geometry: {type: "Point",
            coordinates: [(d.x[i] + d.o[0]) / d.scale, (d.y[i] + d.o[1]) / d.scale]},
            properties: {s: k % m, t: Math.floor(k / m)}});
    }
    var geo = L.geoJSON(features, {
        pointToLayer: function (f, latlng) { return L.circleMarker(latlng, style(f.properties.s)); }
    });
    geo.bindTooltip(function (layer) {
        var q = layer.feature.properties;
        return B.tipHtml(d, q.t, q.s);
    }, {sticky: true, className: "bm-tooltip"});
    var parts = [B.outlines(d), geo], count = d.x.length + d.g.length + (d.l ? d.l.length : 0);
    var drawn = window.__briefmapDrawn = window.__briefmapDrawn || {};
    var owner = window.__briefmapDrawnBy = window.__briefmapDrawnBy || {};
    geo.on("add", function (e) { if (e.target === geo) { drawn[d.layer] = count; owner[d.layer] = geo; } });
    geo.on("remove", function (e) { if (e.target === geo && owner[d.layer] === geo) { drawn[d.layer] = 0; } });
    if (d.l && d.l.length) { parts.push(window.__briefmapLines.layer(d, B.tipHtml)); }
    if (d.a && d.a.length) { parts.push(B.arrows(d)); }
    (window.__briefmapLayers = window.__briefmapLayers || {})[d.layer] = parts;
    parts.forEach(function (part) { part.addTo(group); });
})
