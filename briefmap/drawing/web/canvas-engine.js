// The per-layer script of the "canvas" engine (BulkLayer in briefmap/drawing/bulk.py):
// a function expression that the layer's script calls with the map, the
// layer's feature group and its payload. Outlines become SVG paths, points go
// on the map's one canvas (canvas.js), line places on a canvas of their own
// (line-places.js).
(function (map, group, d) {
    var B = window.__briefmapBulk, count = d.x.length + d.g.length + (d.l ? d.l.length : 0);
    var parts = [B.outlines(d), new B.PointSet(d, d.scale)];
    var drawn = window.__briefmapDrawn = window.__briefmapDrawn || {};
    // A rerun may add a layer's new copy before it removes the old one: only the
    // copy that last went on the map may say the layer is gone.
    var owner = window.__briefmapDrawnBy = window.__briefmapDrawnBy || {};
    parts[1].on("add", function () { drawn[d.layer] = count; owner[d.layer] = parts[1]; });
    parts[1].on("remove", function () { if (owner[d.layer] === parts[1]) { drawn[d.layer] = 0; } });
    if (d.l && d.l.length) { parts.push(window.__briefmapLines.layer(d, B.tipHtml)); }
    if (d.a && d.a.length) { parts.push(B.arrows(d)); }
    (window.__briefmapLayers = window.__briefmapLayers || {})[d.layer] = parts;
    parts.forEach(function (part) { part.addTo(group); });
})
