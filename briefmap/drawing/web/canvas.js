// The canvas renderer of briefmap/drawing/bulk.py (the payload it draws is described
// there). The first bulk layer of a page inlines it; in a browser it defines
// window.__briefmapBulk once. Under Node (tests/js/) there is no window and no
// Leaflet: it exports the helpers above the `window` check, which need neither.
(function () {
    var MAX_LAT = 85.0511287798, D2R = Math.PI / 180;
    var TOLERANCE = 2;  // px around a circle that still count as on it
    var SLICE_MS = 30;  // drawing gives the browser a frame back this often

    // A tooltip from recipe k: each line's text from the string table T, in the
    // tags M the server sends (-1 or past the recipe's end: the line is left
    // out; -2: the style's tally), then the fixed tail.
    function tipHtml(d, k, s) {
        var p = d.P[k], h = "";
        for (var i = 0; i < d.M.length; i++) {
            var t = p[i] === -2 ? d.S[s][5] : p[i];
            if (t >= 0) { h += d.M[i] + d.T[t] + "</div>"; }
        }
        return h + d.tail;
    }

    function radiusAt(d, zoom) { return Math.max(3, d.r - Math.max(0, 8 - Math.round(zoom))); }

    // Rects [x0, y0, x1, y1] in absolute pixels of a zoom level; a frame {x, y, w, h, zoom}.
    var MAX_DIRTY = 8;  // more rects than this and the whole frame is redrawn
    function frameOf(at) { return [at.x, at.y, at.x + at.w, at.y + at.h]; }

    // Frames of one size whose images overlap (when at one zoom).
    function same(was, at) {
        return was.w === at.w && was.h === at.h && Math.abs(was.x - at.x) < at.w && Math.abs(was.y - at.y) < at.h;
    }

    // What frame `at` shows that frame `was` (same size) did not: up to two strips.
    function exposed(was, at) {
        var out = [];
        if (at.x < was.x) { out.push([at.x, at.y, was.x, at.y + at.h]); }
        if (at.x > was.x) { out.push([was.x + was.w, at.y, at.x + at.w, at.y + at.h]); }
        if (at.y < was.y) { out.push([at.x, at.y, at.x + at.w, was.y]); }
        if (at.y > was.y) { out.push([at.x, was.y + was.h, at.x + at.w, at.y + at.h]); }
        return out;
    }

    // The rects cut to the frame, empty ones dropped; the whole frame if too many.
    function within(rects, at) {
        var f = frameOf(at), out = [];
        for (var j = 0; j < rects.length; j++) {
            var r = rects[j];
            var q = [Math.max(r[0], f[0]), Math.max(r[1], f[1]), Math.min(r[2], f[2]), Math.min(r[3], f[3])];
            if (q[0] < q[2] && q[1] < q[3]) { out.push(q); }
        }
        return out.length > MAX_DIRTY ? [f] : out;
    }

    // A payload's points as typed arrays: lat and lng in degrees, mx and my in
    // Web Mercator units (0 to 1 across the world: Leaflet's pixels at zoom 0
    // over 256), and each point's style and tooltip unpacked from k.
    function decode(d, scale) {
        var n = d.x.length, m = d.S.length || 1, sin;
        var mx = new Float64Array(n), my = new Float64Array(n);
        var lats = new Float64Array(n), lngs = new Float64Array(n);
        var style = new Uint16Array(n), tipOf = new Uint32Array(n);
        for (var i = 0; i < n; i++) {
            var lng = (d.x[i] + d.o[0]) / scale, lat = (d.y[i] + d.o[1]) / scale, k = d.k[i];
            lats[i] = lat; lngs[i] = lng;
            sin = Math.sin(Math.max(Math.min(MAX_LAT, lat), -MAX_LAT) * D2R);
            mx[i] = 0.5 + lng / 360;
            my[i] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
            style[i] = k % m; tipOf[i] = Math.floor(k / m);
        }
        return {n: n, mx: mx, my: my, lat: lats, lng: lngs, style: style, tipOf: tipOf};
    }

    // The points of decoded points `p` of payload `d` under layer point (px, py)
    // of view v ({scale, ox, oy, zoom}), topmost (the last stamped) first; with
    // `first`, the topmost alone, the scan stopped there (a hover asks on every
    // move). Points flagged in `hidden` (under a crowded area's box) are not
    // drawn, so not hit.
    function hits(d, p, px, py, v, hidden, first) {
        var mx = p.mx, my = p.my, st = p.style, S = d.S, out = [];
        var r = radiusAt(d, v.zoom), dx, dy, reach;
        for (var i = p.n - 1; i >= 0; i--) {
            if (hidden && hidden[i]) { continue; }
            dx = mx[i] * v.scale - v.ox - px;
            if (dx > 16 || dx < -16) { continue; }
            dy = my[i] * v.scale - v.oy - py;
            reach = r + S[st[i]][1] / 2 + TOLERANCE;
            if (dx * dx + dy * dy <= reach * reach) {
                out.push(i);
                if (first) { break; }
            }
        }
        return out;
    }

    // The topmost point under (px, py), or -1.
    function hitIndex(d, p, px, py, v, hidden) {
        var found = hits(d, p, px, py, v, hidden, true);
        return found.length ? found[0] : -1;
    }

    // Every point under (px, py), topmost first: where places are stacked, a
    // click offers them all (stacked-places.js).
    function hitAll(d, p, px, py, v, hidden) {
        return hits(d, p, px, py, v, hidden, false);
    }

    // The English name of point i (its tooltip's first line, escaped on the server).
    function nameIndex(d, p, i) { return d.P[p.tipOf[i]][0]; }

    // Node (tests/js/): no page to draw on, so the helpers are all there is. Only
    // where there is no window: streamlit-folium runs layer scripts with a direct
    // eval inside its own bundle, where a `module` in scope would not be ours.
    if (typeof window === "undefined") {
        if (typeof module !== "undefined" && module.exports) {
            module.exports = {tipHtml: tipHtml, radiusAt: radiusAt, MAX_DIRTY: MAX_DIRTY, frameOf: frameOf,
                same: same, exposed: exposed, within: within, decode: decode, hitIndex: hitIndex,
                hitAll: hitAll, nameIndex: nameIndex};
        }
        return;
    }
    // Layers swapped in place run the first layer's script, so this one, again.
    if (window.__briefmapBulk) { return; }

    // From here on: drawing, which needs the page and Leaflet's global L.
    var DPR = L.Browser.retina ? 2 : 1;
    var AG = window.__briefmapAggregate;  // aggregate.js, inlined before this file

    function hatch(g, colour) {
        var c = document.createElement("canvas"), h = c.getContext && c.getContext("2d");
        if (!h) { return null; }
        c.width = c.height = 6 * DPR;
        h.scale(DPR, DPR); h.strokeStyle = colour; h.lineWidth = 2.2; h.beginPath();
        h.moveTo(-1, 7); h.lineTo(7, -1); h.moveTo(-4, 4); h.lineTo(4, -4); h.moveTo(2, 10); h.lineTo(10, 2);
        h.stroke();
        return g.createPattern(c, "repeat");
    }

    // A crowded area's box, on a canvas of its own with a pixel to spare around it.
    function boxImage(box, agg) {
        var c = document.createElement("canvas"), g = c.getContext && c.getContext("2d");
        c.width = (AG.BOX_W + 2) * DPR;
        c.height = (AG.BOX_H + 2) * DPR;
        if (g) {
            g.scale(DPR, DPR);
            AG.drawBox(g, box, AG.BOX_W / 2 + 1, AG.BOX_H / 2 + 1, agg.ladder, agg.ink);
        }
        return c;
    }

    // The actor's mark at a sprite's centre (the style's entry 7 indexes the
    // payload's K: the SVG path of its shape about (0, 0), 8 units across, or its
    // letter code), in ink with a white halo as symbology.mark_svg draws it on
    // the markers, scaled to r.
    var MARK_INK = "#1a1a1a";
    function mark(g, K, s, m, r) {
        var k = r / 8, q = K && s[7] >= 0 ? K[s[7]] : null;
        if (!q) { return; }
        g.save();
        g.translate(m, m);
        g.lineJoin = "round"; g.strokeStyle = "#ffffff"; g.fillStyle = MARK_INK;
        if (q[0] && window.Path2D) {
            var path = new Path2D(q[0]);
            g.scale(k, k);
            g.lineWidth = 1.6; g.stroke(path); g.fill(path);
        } else if (q[1]) {
            g.font = "700 " + Math.max(6, Math.round(9 * k)) + "px sans-serif";
            g.textAlign = "center"; g.textBaseline = "middle";
            g.lineWidth = 1.6 * k; g.strokeText(q[1], 0, 0); g.fillText(q[1], 0, 0);
        }
        g.restore();
    }

    // One circle per style and radius, drawn once and stamped for every point:
    // a white halo, the fill (solid, hatched or none), the (dashed) line, the actor's mark.
    function spriteWidth(s, r) { return Math.ceil(2 * r + s[1] + 2.5 + 2); }
    function spriteHalf(s, r) { return spriteWidth(s, r) / 2; }
    function sprite(s, r, K) {
        var halo = s[1] + 2.5, w = spriteWidth(s, r), m = w / 2;
        var c = document.createElement("canvas"), g = c.getContext && c.getContext("2d");
        c.width = c.height = w * DPR;
        if (g) {
            g.scale(DPR, DPR);
            g.beginPath(); g.arc(m, m, r, 0, 2 * Math.PI);
            g.lineWidth = halo; g.strokeStyle = "#ffffff"; g.stroke();
            if (s[3] > 0) {
                var pattern = s[3] === 2 ? hatch(g, s[0]) : null;
                g.fillStyle = pattern || s[0];
                g.globalAlpha = pattern || s[3] === 1 ? s[4] : 0.3;
                g.fill();
                g.globalAlpha = 1;
            }
            if (s[2] && g.setLineDash) { g.setLineDash(s[2].split(/[ ,]+/).map(Number)); }
            g.lineWidth = s[1]; g.strokeStyle = s[0]; g.stroke();
            if (g.setLineDash) { g.setLineDash([]); }
            mark(g, K, s, m, r);
        }
        var image = c;
        if (window.OffscreenCanvas) {  // an ImageBitmap stamps about a third faster
            try {
                var o = new OffscreenCanvas(c.width, c.height);
                o.getContext("2d").drawImage(c, 0, 0);
                image = o.transferToImageBitmap();
            } catch (err) { image = c; }
        }
        return {image: image, w: w, h: m};
    }

    // One canvas per map for every bulk layer's points. It draws in slices of
    // SLICE_MS so a redraw never blocks the page; the map's own events drive
    // hover and click (the canvas takes no pointer events).
    var Points = L.Canvas.extend({
        options: {padding: 0.2, pane: "briefmapPoints"},
        initialize: function (options) {
            L.Canvas.prototype.initialize.call(this, options);
            this._sets = [];
            this.drawnInView = 0;
            this.drawing = false;
            this.drawnAt = 0;
            this.lastDrawMs = 0;
            this._at = null;     // the canvas's frame: see _update
            this._dirty = null;  // rects of it not (yet) drawn: see _update
            this._kept = null;   // {at, canvas}: the image of another zoom, see _update
            this._agg = null;    // the crowded areas at one zoom (aggregate.js bin)
            this.boxesInView = 0;
        },
        onAdd: function (map) {
            L.Canvas.prototype.onAdd.call(this, map);
            this._container.style.pointerEvents = "none";
            this._tip = L.tooltip({sticky: true, className: "bm-tooltip", direction: "top", offset: [0, -8]});
            map.on("mousemove", this._onMove, this);
            map.on("click", this._onClick, this);
            map.on("mouseout movestart zoomstart", this._leave, this);
        },
        onRemove: function (map) {
            map.off("mousemove", this._onMove, this);
            map.off("click", this._onClick, this);
            map.off("mouseout movestart zoomstart", this._leave, this);
            this._leave();
            this._stop();
            this._at = this._dirty = this._kept = this._spare = null;
            L.Canvas.prototype.onRemove.call(this, map);
        },
        addSet: function (set) {
            if (this._sets.indexOf(set) < 0) {
                this._sets.push(set);
                this._sets.sort(function (a, b) { return a.rank - b.rank; });
            }
            this._kept = this._agg = null;
            this._later();
        },
        removeSet: function (set) {
            var i = this._sets.indexOf(set);
            if (i >= 0) { this._sets.splice(i, 1); }
            if (this._over) { this._leave(); }
            this._kept = this._agg = null;
            this._later();
        },
        _later: function () {
            if (this._map) {
                this._redrawRequest = this._redrawRequest || L.Util.requestAnimFrame(this._redraw, this);
            }
        },
        // Everything again: sets added or removed (and what a test calls to force it).
        _redraw: function () {
            if (this._redrawRequest) { L.Util.cancelAnimFrame(this._redrawRequest); this._redrawRequest = null; }
            this._redrawBounds = null;
            this._kept = null;
            if (this._ctx && this._at) { this._dirty = [frameOf(this._at)]; this._draw(); }
        },
        // After _update (a moveend or a view reset): what it left dirty, unless a
        // full redraw is asked for anyway.
        _updatePaths: function () {
            if (this._postponeUpdatePaths) { return; }
            if (this._redrawRequest) { this._redraw(); } else { this._draw(); }
        },
        // L.Canvas._update resizes, so clears, the canvas on every moveend, and
        // every point in view was stamped again: 0.4 to 0.7 s at 100,000 points.
        // After a pan at the same zoom and size the pixels drawn are still right,
        // only shifted: one drawImage of the canvas onto itself moves them, and
        // only the strips the pan exposed (plus whatever an unfinished redraw left
        // undone) are drawn again, clipped to them, stamping in data order every
        // point whose circle reaches into them. Each pixel so gets the same stamps
        // in the same order as in a full redraw: the result is the same image.
        // The frame (this._at) and the dirty rects are in absolute pixels at the
        // zoom (layer point + pixel origin), so a view reset that moves the pixel
        // origin without a zoom still shifts.
        _update: function () {
            var map = this._map;
            if (map._animatingZoom && this._bounds) { return; }
            var before = this._at, c = this._container, ctx = this._ctx, dirty = this._dirty;
            L.Renderer.prototype._update.call(this);
            var b = this._bounds, size = b.getSize(), o = map.getPixelOrigin();
            var at = this._at = {x: b.min.x + o.x, y: b.min.y + o.y, w: size.x, h: size.y, zoom: this._zoom};
            var dx = before ? before.x - at.x : 0, dy = before ? before.y - at.y : 0;
            L.DomUtil.setPosition(c, b.min);
            if (dirty && before.zoom === at.zoom && same(before, at) &&
                    c.width === DPR * at.w && c.height === DPR * at.h) {
                if (dx || dy) {
                    ctx.setTransform(1, 0, 0, 1, 0, 0);
                    // "copy": the shifted image replaces everything, the exposed strips become empty.
                    ctx.globalCompositeOperation = "copy";
                    ctx.drawImage(c, dx * DPR, dy * DPR);
                    ctx.globalCompositeOperation = "source-over";
                }
                this._dirty = within(dirty.concat(exposed(before, at)), at);
            } else {
                // A zoom keeps a copy of the finished image it leaves, and a zoom
                // back to the copy's zoom starts from it, shifted if the view moved:
                // zooming in to look and out again then costs what a pan costs.
                // (Two spare canvases at most; sets added or removed drop the copy.)
                var kept = this._kept, copy = null;
                if (dirty && !dirty.length && before.zoom !== at.zoom && before.w === at.w && before.h === at.h &&
                        c.width === DPR * at.w && c.height === DPR * at.h) {
                    copy = this._spare || document.createElement("canvas");
                    copy.width = c.width;  // also clears it
                    copy.height = c.height;
                    copy.getContext("2d").drawImage(c, 0, 0);
                }
                c.width = DPR * at.w;  // also clears it
                c.height = DPR * at.h;
                c.style.width = at.w + "px";
                c.style.height = at.h + "px";
                if (kept && kept.at.zoom === at.zoom && same(kept.at, at)) {
                    ctx.setTransform(1, 0, 0, 1, 0, 0);
                    ctx.drawImage(kept.canvas, (kept.at.x - at.x) * DPR, (kept.at.y - at.y) * DPR);
                    this._dirty = within(exposed(kept.at, at), at);
                } else {
                    this._dirty = [frameOf(at)];
                }
                if (copy) {
                    this._spare = kept ? kept.canvas : null;
                    this._kept = {at: before, canvas: copy};
                }
            }
            // Layer points from here on, as L.Canvas has it.
            ctx.setTransform(DPR, 0, 0, DPR, -b.min.x * DPR, -b.min.y * DPR);
            this.fire("update");
        },
        _view: function () {
            var o = this._map.getPixelOrigin(), z = this._map.getZoom();
            return {scale: 256 * Math.pow(2, z), ox: o.x, oy: o.y, zoom: z};
        },
        // The crowded areas at zoom z, binned once per zoom and set of layers.
        _aggregates: function (z) {
            if (!this._agg || this._agg.zoom !== z) {
                var first = this._sets[0], ladder = first && first.d.L;
                this._agg = ladder ? AG.bin(this._sets, z, ladder.length)
                    : {zoom: z, boxes: [], at: new Map(), hidden: []};
                this._agg.ladder = ladder;
                this._agg.ink = first && first.d.Lk;
            }
            return this._agg;
        },
        _stop: function () {
            if (this._slice) { L.Util.cancelAnimFrame(this._slice); this._slice = null; }
        },
        // Clear and draw again what is dirty: all of it, or a few rects.
        _draw: function () {
            this._stop();
            if (!this._ctx || !this._bounds || !this._map || !this._at) { return; }
            var at = this._at, b = this._bounds, ctx = this._ctx, v = this._view();
            var whole = frameOf(at), dirty = this._dirty || [whole], rects = null, j, r;
            for (j = 0; j < dirty.length; j++) {
                r = dirty[j];
                if (r[0] <= whole[0] && r[1] <= whole[1] && r[2] >= whole[2] && r[3] >= whole[3]) { dirty = [whole]; }
            }
            this._dirty = dirty;
            if (dirty[0] === whole) {
                ctx.save();
                ctx.setTransform(1, 0, 0, 1, 0, 0);
                ctx.clearRect(0, 0, this._container.width, this._container.height);
                ctx.restore();
            } else {
                // In layer points, for the stamping and the clip.
                rects = dirty.map(function (q) { return [q[0] - v.ox, q[1] - v.oy, q[2] - v.ox, q[3] - v.oy]; });
                for (j = 0; j < rects.length; j++) {
                    r = rects[j];
                    ctx.clearRect(r[0], r[1], r[2] - r[0], r[3] - r[1]);
                }
            }
            this._job = {v: v, b: b, rects: rects, k: 0, i: 0, started: performance.now(),
                agg: this._aggregates(v.zoom)};
            this.drawnInView = 0;
            this.drawing = true;
            this._step();
        },
        _step: function () {
            this._slice = null;
            var job = this._job, until = performance.now() + SLICE_MS, b = job.b, ctx = this._ctx, r = job.rects, j;
            if (r) {
                ctx.save();
                ctx.beginPath();
                for (j = 0; j < r.length; j++) { ctx.rect(r[j][0], r[j][1], r[j][2] - r[j][0], r[j][3] - r[j][1]); }
                ctx.clip();
            }
            while (job.k < this._sets.length) {
                var set = this._sets[job.k];
                var out = set._drawOn(ctx, job.v, b.min.x, b.min.y, b.max.x, b.max.y, job.i, until, r,
                    job.agg.hidden[job.k]);
                this.drawnInView += out.drawn;
                if (out.next < set.n) { job.i = out.next; break; }
                job.k++; job.i = 0;
            }
            // The boxes last, over every circle, clipped like them.
            if (job.k >= this._sets.length) { this._drawBoxes(ctx, job); }
            if (r) { ctx.restore(); }
            if (job.k < this._sets.length) {
                this._slice = L.Util.requestAnimFrame(this._step, this);
            } else {
                this.drawing = false;
                this._dirty = [];
                this.drawnAt = performance.now();
                this.lastDrawMs = this.drawnAt - job.started;
                this.fire("drawn");
            }
        },
        // The boxes in view, and in the dirty rects when only those are drawn.
        _drawBoxes: function (ctx, job) {
            var agg = job.agg, v = job.v, b = job.b, r = job.rects, drawn = 0, j, q;
            var hw = AG.BOX_W / 2 + 2, hh = AG.BOX_H / 2 + 2;  // with its rounding and line
            for (var i = 0; i < agg.boxes.length; i++) {
                var box = agg.boxes[i], x = box.x - v.ox, y = box.y - v.oy;
                if (x + hw < b.min.x || x - hw > b.max.x || y + hh < b.min.y || y - hh > b.max.y) { continue; }
                drawn++;
                if (r) {
                    for (j = 0; j < r.length; j++) {
                        q = r[j];
                        if (x + hw >= q[0] && x - hw <= q[2] && y + hh >= q[1] && y - hh <= q[3]) { break; }
                    }
                    if (j === r.length) { continue; }
                }
                // Drawn once on a canvas of its own and stamped at whole pixels like
                // the circles: a box redrawn after a pan is then the same pixels (its
                // hatching, drawn as paths, came out shifted by Skia's tiling).
                if (!box.image) { box.image = boxImage(box, agg); }
                ctx.drawImage(box.image, Math.round(x - AG.BOX_W / 2) - 1, Math.round(y - AG.BOX_H / 2) - 1,
                    AG.BOX_W + 2, AG.BOX_H + 2);
            }
            this.boxesInView = drawn;
        },
        _hit: function (p) {
            var v = this._view(), agg = this._aggregates(v.zoom);
            var box = AG.boxAt(agg, p.x + v.ox, p.y + v.oy);
            if (box >= 0) { return {box: box, set: null, i: -1}; }
            for (var k = this._sets.length - 1; k >= 0; k--) {
                var i = this._sets[k]._hit(p.x, p.y, v, agg.hidden[k]);
                if (i >= 0) { return {set: this._sets[k], i: i}; }
            }
            return null;
        },
        _onMove: function (e) {
            var map = this._map;
            if (map.dragging && map.dragging.moving()) { return; }
            var hit = this._hit(e.layerPoint);
            if (!hit) { this._leave(); return; }
            if (!this._over || this._over.set !== hit.set || this._over.i !== hit.i || this._over.box !== hit.box) {
                this._over = hit;
                this._tip.setContent(hit.set ? hit.set.tip(hit.i) : AG.boxTip(this._agg.boxes[hit.box], this._agg.ladder));
                map.getContainer().style.cursor = "pointer";
                L.DomUtil.addClass(map.getContainer(), "bm-over-point");
            }
            this._tip.setLatLng(e.latlng);
            if (!map.hasLayer(this._tip)) { map.openTooltip(this._tip); }
        },
        _leave: function () {
            this._over = null;
            if (this._map) {
                this._map.getContainer().style.cursor = "";
                L.DomUtil.removeClass(this._map.getContainer(), "bm-over-point");
                if (this._tip && this._map.hasLayer(this._tip)) { this._map.closeTooltip(this._tip); }
            }
        },
        // Every place under a layer point, topmost first: one entry per place
        // (a place drawn in two layers is one place), each {set, i, name}.
        _placesAt: function (p) {
            var v = this._view(), agg = this._aggregates(v.zoom), out = [], seen = {};
            for (var k = this._sets.length - 1; k >= 0; k--) {
                var set = this._sets[k], found = hitAll(set.d, set, p.x, p.y, v, agg.hidden[k]);
                for (var j = 0; j < found.length; j++) {
                    var i = found[j], name = set.name(i), key = name + "|" + set.lat[i] + "|" + set.lng[i];
                    if (!seen[key]) { seen[key] = true; out.push({set: set, i: i, name: name}); }
                }
            }
            return out;
        },
        _onClick: function (e) {
            var hit = this._hit(e.layerPoint), map = this._map, self = this;
            if (!hit) { return; }
            if (!hit.set) {
                // A crowded area: zoom to its places, two levels at least.
                var box = this._agg.boxes[hit.box], z = map.getZoom();
                var to = Math.max(Math.min(map.getBoundsZoom(box.bounds), map.getMaxZoom()), z + 2);
                map.setView(L.latLngBounds(box.bounds).getCenter(), Math.min(to, map.getMaxZoom()));
                return;
            }
            // Stacked places: offered, each opened as a click on it alone would.
            var here = map.__bmStacked ? this._placesAt(e.layerPoint) : [];
            if (here.length > 1) {
                map.__bmStacked.offer(here.map(function (h) {
                    return {name: h.name, open: function (event) { self._open(h, event); }};
                }), e.containerPoint);
                return;
            }
            this._open(hit, e.originalEvent);
        },
        // Reported like a marker's click: the circle's own position.
        _open: function (hit, originalEvent) {
            var latlng = hit.set.latLngOf(hit.i);
            hit.set._latlng = latlng;
            hit.set.fire("click", {
                latlng: latlng,
                layerPoint: this._map.latLngToLayerPoint(latlng),
                containerPoint: this._map.latLngToContainerPoint(latlng),
                originalEvent: originalEvent
            }, true);
        }
    });

    function pointsOf(map) {
        if (!map.__briefmapPoints) {
            if (!map.getPane("briefmapPoints")) {
                var pane = map.createPane("briefmapPoints");
                pane.style.zIndex = 450;
                pane.style.pointerEvents = "none";
            }
            var style = document.createElement("style");
            // A point's tooltip wins over the outline's beneath it.
            style.textContent = ".bm-over-point .leaflet-tooltip.bm-region-tip { display: none; }";
            document.head.appendChild(style);
            map.__briefmapPoints = new Points();
        }
        if (!map.hasLayer(map.__briefmapPoints)) { map.addLayer(map.__briefmapPoints); }
        return map.__briefmapPoints;
    }

    // One layer's points: typed arrays in Web Mercator units, stamped by Points
    // in data order (the server puts the best sourced last, so on top).
    var PointSet = L.Layer.extend({
        initialize: function (d, scale) {
            var p = decode(d, scale);
            this.d = d; this.n = p.n; this.rank = d.rank;
            this.mx = p.mx; this.my = p.my; this.lat = p.lat; this.lng = p.lng;
            this.style = p.style; this.tipOf = p.tipOf;
            this.tally = d.L ? AG.talliesOf(d, p.tipOf, p.style) : null;
            this.sprites = {};
        },
        onAdd: function (map) { pointsOf(map).addSet(this); },
        onRemove: function (map) { if (map.__briefmapPoints) { map.__briefmapPoints.removeSet(this); } },
        getLatLng: function () { return this._latlng; },
        latLngOf: function (i) { return L.latLng(this.lat[i], this.lng[i]); },
        tip: function (i) { return tipHtml(this.d, this.tipOf[i], this.style[i]); },
        // Point i's place name as text: the string table's is escaped HTML, which a
        // textarea's content decodes without making elements of it.
        name: function (i) {
            var t = document.createElement("textarea");
            t.innerHTML = this.d.T[nameIndex(this.d, this, i)];
            return t.value;
        },
        // The sprites of radius r, each drawn when a point first needs it: a
        // layer has 30 to 50 styles, and a view of crowded boxes stamps few of
        // them (drawing them all cost about 0.1 s of a 100,000-claim map's opening).
        _spritesFor: function (r) {
            if (!this.sprites[r]) { this.sprites[r] = new Array(this.d.S.length); }
            return this.sprites[r];
        },
        // Stamp points from index i on until the deadline; returns {next, drawn}.
        // drawn counts the points in view; with rects (layer points) only those
        // whose circle reaches into one of them are stamped (none if rects is []).
        // The cost is Chromium's, about 4 us a drawImage; measured and left out:
        // skipping a repeated stamp of one sprite at one pixel (under 1% of the
        // stamps at 100,000 points, and fewer where nothing covered it since),
        // drawImage without a size (no faster), and caching pixel positions per
        // zoom (the loop without drawImage takes 2 to 5 ms).
        _drawOn: function (ctx, v, minx, miny, maxx, maxy, i, until, rects, hidden) {
            var radius = radiusAt(this.d, v.zoom), sp = this._spritesFor(radius), S = this.d.S;
            var mx = this.mx, my = this.my, st = this.style, n = this.n, drawn = 0;
            var scale = v.scale, ox = v.ox, oy = v.oy, pad = 16, x, y, s, j, r, reach = 1;
            var nr = rects ? rects.length : 0;
            for (j = 0; j < S.length; j++) { reach = Math.max(reach, spriteHalf(S[j], radius) + 1); }
            ctx.imageSmoothingEnabled = false;
            for (; i < n; i++) {
                if ((i & 1023) === 0 && performance.now() > until) { break; }
                x = mx[i] * scale - ox; y = my[i] * scale - oy;
                if (x < minx - pad || x > maxx + pad || y < miny - pad || y > maxy + pad) { continue; }
                drawn++;
                if (hidden && hidden[i]) { continue; }
                if (rects) {
                    for (j = 0; j < nr; j++) {
                        r = rects[j];
                        if (x + reach >= r[0] && x - reach <= r[2] && y + reach >= r[1] && y - reach <= r[3]) { break; }
                    }
                    if (j === nr) { continue; }
                }
                s = sp[st[i]] || (sp[st[i]] = sprite(S[st[i]], radius, this.d.K));
                ctx.drawImage(s.image, Math.round(x - s.h), Math.round(y - s.h), s.w, s.w);
            }
            return {next: i, drawn: drawn};
        },
        // The topmost point (the last stamped) under a layer point, or -1.
        _hit: function (px, py, v, hidden) { return hitIndex(this.d, this, px, py, v, hidden); }
    });

    function outlines(d) {
        var features = [];
        for (var i = 0; i < d.g.length; i++) {
            features.push({type: "Feature", geometry: {type: "Polygon", coordinates: d.g[i]},
                properties: {s: d.gs[i], t: d.gt[i]}});
        }
        var geo = L.geoJSON(features, {style: function (f) {
            var s = d.S[f.properties.s];
            return {color: s[0], weight: s[1], dashArray: s[2] || null, fill: true,
                fillColor: s[3] === 2 ? "url(#bm-hatch-" + s[0].slice(1).toLowerCase() + ")" : s[0],
                fillOpacity: s[4], className: "bm-feature bm-region bm-layer-" + d.slug};
        }});
        geo.bindTooltip(function (layer) {
            var q = layer.feature.properties;
            return tipHtml(d, q.t, q.s);
        }, {sticky: true, className: "bm-tooltip bm-region-tip"});
        return geo;
    }

    // A proposed deployment's arrows (payload "a", see canvas_payload.py): a dashed
    // shaft and a filled head, on a canvas of the layer's own (Leaflet's canvas
    // renderer), not as SVG: a thousand arrows were two thousand SVG elements to
    // add and lay out on the first map. That canvas takes no pointer, or it would
    // cover the claims' shapes beneath it; the shaft under the pointer is found
    // here from the map's own mousemove, and its tooltip (the string table's) shown.
    var ARROW_REACH = 6;  // px from a shaft that still counts as on it
    function arrows(d) {
        var renderer = L.canvas(), group = L.layerGroup(), map = null;
        var tip = L.tooltip({className: "bm-tooltip", direction: "top", offset: [0, -8]});
        var ends = null, endsZoom = null, over = -1;
        for (var i = 0; i < d.a.length; i++) {
            var a = d.a[i], colour = d.ac[a[8]];
            L.polyline([[a[0], a[1]], [a[2], a[3]]], {color: colour, weight: 3, dashArray: "10 8",
                renderer: renderer, interactive: false}).addTo(group);
            L.polygon([[a[2], a[3]], [a[4], a[5]], [a[6], a[7]]], {color: colour, weight: 1,
                fill: true, fillColor: colour, fillOpacity: 1, renderer: renderer, interactive: false}).addTo(group);
        }
        renderer.on("add", function () { renderer._container.style.pointerEvents = "none"; });
        // The shaft nearest the top (drawn last) within reach of a point at the
        // map's zoom, or -1. Ends in absolute pixels, projected once per zoom.
        function shaftAt(latlng) {
            var z = map.getZoom(), p = map.project(latlng, z), best = -1, j;
            if (endsZoom !== z) {
                ends = [];
                for (j = 0; j < d.a.length; j++) {
                    ends.push(map.project([d.a[j][0], d.a[j][1]], z), map.project([d.a[j][2], d.a[j][3]], z));
                }
                endsZoom = z;
            }
            for (j = 0; j < d.a.length; j++) {
                if (L.LineUtil.pointToSegmentDistance(p, ends[2 * j], ends[2 * j + 1]) <= ARROW_REACH) { best = j; }
            }
            return best;
        }
        function hide() {
            over = -1;
            if (map && map.hasLayer(tip)) { map.closeTooltip(tip); }
        }
        function move(e) {
            var target = e.originalEvent && e.originalEvent.target;
            // A point's tooltip (canvas.js), or a claim's shape under the pointer, comes first.
            if ((map.dragging && map.dragging.moving()) ||
                    L.DomUtil.hasClass(map.getContainer(), "bm-over-point") ||
                    (target && target.classList && target.classList.contains("leaflet-interactive"))) {
                hide();
                return;
            }
            var i = shaftAt(e.latlng);
            if (i < 0) { hide(); return; }
            if (i !== over) { over = i; tip.setContent(d.T[d.a[i][9]]); }
            tip.setLatLng(e.latlng);
            if (!map.hasLayer(tip)) { map.openTooltip(tip); }
        }
        group.on("add", function () {
            map = group._map;
            map.on("mousemove", move);
            map.on("mouseout movestart zoomstart", hide);
        });
        group.on("remove", function () {
            hide();
            map.off("mousemove", move);
            map.off("mouseout movestart zoomstart", hide);
            if (renderer._map) { renderer.remove(); }
        });
        group.renderer = renderer;
        group.shaftAt = function (latlng) { return map ? shaftAt(latlng) : -1; };
        group.tipOf = function (i) { return d.T[d.a[i][9]]; };
        return group;
    }

    window.__briefmapBulk = {tipHtml: tipHtml, sprite: sprite, Points: Points, PointSet: PointSet,
        outlines: outlines, arrows: arrows};
})();
