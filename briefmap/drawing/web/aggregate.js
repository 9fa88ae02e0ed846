// Crowded areas on the points canvas (briefmap/drawing/web/canvas.js). At country
// zoom 100,000 circles merge into one field of colour and the status ladder is
// lost. So the screen is cut into squares of CELL px, fixed in the world's
// pixels at each zoom (a pan keeps them, so a redraw of a strip matches a full
// one), and a square holding more than CROWDED points draws a box instead of
// its circles: the number of claims, and a bar splitting them by status in
// ink alone, strongest first, as the payload's ladder `L` says. Hover a box for
// its counts, click it to zoom to its places. Squares with fewer points, and
// every zoom from ALL_FROM on, draw each circle as before.
//
// The binning is pure and runs under Node (tests/js/aggregate.test.js); in a
// browser the file defines window.__briefmapAggregate for canvas.js.
(function () {
    var CELL = 64;       // px: a box never leaves its square, so boxes never overlap
    var CROWDED = 16;    // more points than this in a square: a box
    var ALL_FROM = 12;   // from this zoom on (streets), every circle is drawn
    var SPAN = 4194304;  // 2^22 squares a row: more than the 2^20 of zoom 18
    var BOX_W = 46, BOX_H = 26, BAR_H = 8, PAD = 3;

    // Each point's claims per rung: >= 0 a row of d.C, < 0 one claim of rung -1 - t.
    function talliesOf(d, tipOf, style) {
        var n = tipOf.length, out = new Int32Array(n), rungs = d.L.length;
        for (var i = 0; i < n; i++) {
            var row = d.Pc[tipOf[i]];
            out[i] = row >= 0 ? row : -1 - (rungs - 1 - d.S[style[i]][6]);
        }
        return out;
    }

    // The squares of `sets` ({n, mx, my, lat, lng, tally, d}, Web Mercator 0..1)
    // at a zoom: for each crowded one a box {x, y (its centre in the zoom's
    // pixels), claims per rung, total, points, bounds [[s, w], [n, e]]}, and per
    // set the points the boxes hide (null where none is).
    function bin(sets, zoom, rungs) {
        var out = {zoom: zoom, boxes: [], at: new Map(), hidden: sets.map(function () { return null; })};
        if (zoom >= ALL_FROM) { return out; }
        var scale = 256 * Math.pow(2, zoom), keys = new Map(), count = [], cellOf = [], k, i, j, s;
        for (k = 0; k < sets.length; k++) {
            s = sets[k];
            var c = new Int32Array(s.n);
            for (i = 0; i < s.n; i++) {
                var key = Math.floor(s.mx[i] * scale / CELL) * SPAN + Math.floor(s.my[i] * scale / CELL);
                j = keys.get(key);
                if (j === undefined) { j = count.length; keys.set(key, j); count.push(0); }
                count[j]++;
                c[i] = j;
            }
            cellOf.push(c);
        }
        var boxOf = new Int32Array(count.length).fill(-1);
        keys.forEach(function (cell, key) {
            if (count[cell] <= CROWDED) { return; }
            boxOf[cell] = out.boxes.length;
            out.at.set(key, out.boxes.length);
            var col = Math.floor(key / SPAN);
            out.boxes.push({col: col, row: key - col * SPAN, claims: new Float64Array(rungs), total: 0,
                points: count[cell], sx: 0, sy: 0, s: 90, w: 180, n: -90, e: -180});
        });
        for (k = 0; k < sets.length; k++) {
            s = sets[k];
            var hidden = null, C = s.d.C;
            for (i = 0; i < s.n; i++) {
                var b = boxOf[cellOf[k][i]];
                if (b < 0) { continue; }
                hidden = hidden || new Uint8Array(s.n);
                hidden[i] = 1;
                var box = out.boxes[b], t = s.tally[i];
                if (t < 0) { box.claims[-1 - t] += 1; box.total += 1; } else {
                    for (j = 0; j < rungs; j++) { box.claims[j] += C[t][j]; box.total += C[t][j]; }
                }
                box.sx += s.mx[i]; box.sy += s.my[i];
                box.s = Math.min(box.s, s.lat[i]); box.n = Math.max(box.n, s.lat[i]);
                box.w = Math.min(box.w, s.lng[i]); box.e = Math.max(box.e, s.lng[i]);
            }
            out.hidden[k] = hidden;
        }
        // Centred on its places, but kept inside its square.
        out.boxes.forEach(function (box) {
            box.x = clamp(box.sx / box.points * scale, box.col * CELL + BOX_W / 2, (box.col + 1) * CELL - BOX_W / 2);
            box.y = clamp(box.sy / box.points * scale, box.row * CELL + BOX_H / 2, (box.row + 1) * CELL - BOX_H / 2);
            box.bounds = [[box.s, box.w], [box.n, box.e]];
        });
        return out;
    }

    function clamp(v, lo, hi) { return Math.min(Math.max(v, lo), hi); }

    // The box under a point (px, py) in the zoom's pixels, or -1.
    function boxAt(agg, px, py) {
        var b = agg.at.get(Math.floor(px / CELL) * SPAN + Math.floor(py / CELL));
        if (b === undefined) { return -1; }
        var box = agg.boxes[b];
        return Math.abs(px - box.x) <= BOX_W / 2 && Math.abs(py - box.y) <= BOX_H / 2 ? b : -1;
    }

    function grouped(n) { return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

    // What a box says: 980, 1.2k, 12k, 1.2M.
    function shortCount(n) {
        if (n < 1000) { return String(n); }
        if (n < 10000) { return (Math.floor(n / 100) / 10) + "k"; }
        if (n < 1000000) { return Math.floor(n / 1000) + "k"; }
        return (Math.floor(n / 100000) / 10) + "M";
    }

    // A box's tooltip: its counts by rung (labels escaped on the server), strongest first.
    function boxTip(box, ladder) {
        var h = '<div class="bm-tip-name">' + grouped(box.total) + " claims at " + grouped(box.points) +
            " markers</div>";
        for (var r = 0; r < ladder.length; r++) {
            if (box.claims[r]) { h += '<div class="bm-tip-meta">' + ladder[r][0] + ": " + grouped(box.claims[r]) + "</div>"; }
        }
        return h + '<div class="bm-tip-hint">Click to zoom in</div>';
    }

    // The bar's segments, [x, width, rung], across `width` px: each rung with
    // claims gets at least 2 px, so a lone denied claim still shows.
    function segments(claims, total, width) {
        var out = [], x = 0, r, shown = 0;
        for (r = 0; r < claims.length; r++) { if (claims[r]) { shown++; } }
        var spare = width - 2 * shown;
        for (r = 0; r < claims.length; r++) {
            if (!claims[r]) { continue; }
            var w = 2 + (total ? spare * claims[r] / total : 0);
            out.push([x, w, r]);
            x += w;
        }
        return out;
    }

    // A box drawn at layer point (lx, ly), its bar's rungs filled as `ladder`
    // says ([label, fill]: a colour, "hatch", "dots" or "none", in `ink`). The
    // patterns are drawn line by line from the bar's own corner, so a box drawn
    // after a pan is, pixel for pixel, the box drawn before it.
    function drawBox(ctx, box, lx, ly, ladder, ink) {
        var x0 = Math.round(lx - BOX_W / 2), y0 = Math.round(ly - BOX_H / 2), bw = BOX_W - 2 * PAD;
        ctx.fillStyle = "#ffffff"; ctx.strokeStyle = ink; ctx.lineWidth = 1.5;
        ctx.fillRect(x0, y0, BOX_W, BOX_H); ctx.strokeRect(x0 + 0.5, y0 + 0.5, BOX_W - 1, BOX_H - 1);
        ctx.fillStyle = ink; ctx.font = "bold 11px sans-serif"; ctx.textAlign = "center"; ctx.textBaseline = "top";
        ctx.fillText(shortCount(box.total), x0 + BOX_W / 2, y0 + PAD);
        var bx = x0 + PAD, by = y0 + BOX_H - PAD - BAR_H, parts = segments(box.claims, box.total, bw);
        for (var j = 0; j < parts.length; j++) {
            var fill = ladder[parts[j][2]][1], sx = bx + parts[j][0], w = parts[j][1], k;
            ctx.save();
            ctx.beginPath(); ctx.rect(sx, by, w, BAR_H); ctx.clip();
            ctx.fillStyle = fill.charAt(0) === "#" ? fill : "#ffffff";
            ctx.fillRect(sx, by, w, BAR_H);
            if (fill === "hatch") {
                ctx.strokeStyle = ink; ctx.lineWidth = 1.2; ctx.beginPath();
                for (k = bx - BAR_H; k < sx + w; k += 4) { ctx.moveTo(k, by + BAR_H); ctx.lineTo(k + BAR_H, by); }
                ctx.stroke();
            } else if (fill === "dots") {
                ctx.fillStyle = ink;
                for (k = bx + 1; k < sx + w; k += 3) {
                    for (var m = by + 1; m < by + BAR_H; m += 3) { ctx.fillRect(k, m, 1, 1); }
                }
            }
            ctx.restore();
        }
        ctx.strokeStyle = ink; ctx.lineWidth = 1;
        ctx.strokeRect(bx + 0.5, by + 0.5, bw - 1, BAR_H - 1);
    }

    var api = {CELL: CELL, CROWDED: CROWDED, ALL_FROM: ALL_FROM, BOX_W: BOX_W, BOX_H: BOX_H,
        talliesOf: talliesOf, bin: bin, boxAt: boxAt, shortCount: shortCount, boxTip: boxTip,
        segments: segments, drawBox: drawBox};
    if (typeof window === "undefined") {
        if (typeof module !== "undefined" && module.exports) { module.exports = api; }
        return;
    }
    window.__briefmapAggregate = window.__briefmapAggregate || api;
})();
