// Time playback's rewind: the map "as of" a day, computed in the frame from the
// tape (briefmap/drawing/playback.py says what it carries), as the server's
// "as of" computes it (briefmap/engine/timeline.py as_of, then the filter and
// the index's plan): which claims show, at which status and posture, each
// place's features per layer with their lead claim, style and tally, and the
// counts. Pure functions: tests/js/playback.test.js runs them under Node, and
// tests/test_playback.py checks them against the server on generated catalogs.
// In a browser the file defines window.__briefmapPlayback for playback-frame.js.
(function () {
    var DAY_MS = 86400000;
    var POSTURES = 3;  // current, proposed, former (catalog_arrays.POSTURES)
    var PROPOSED = 1, FORMER = 2;
    var RUNGS = 5;     // the status ladder, strongest first
    // briefmap.engine.layers.Layer, in drawing order.
    var REGIONS = 0, CONTEXT = 1, FORMER_LAYER = 2, PROPOSED_LAYER = 3, SITES = 4;
    var LAYERS = 5;
    var SPAN = 4194304;  // squares a row in crowds()'s keys (aggregate.js SPAN)

    // "2025-10-15" <-> days since 1970-01-01 (the tape's days).
    function dayOf(text) {
        var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
        if (!m) { return null; }
        return Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY_MS);
    }
    function textOf(day) {
        return new Date(day * DAY_MS).toISOString().slice(0, 10);
    }

    // Claim c's state code (status rank * 3 + posture) on `day`, or -1 before it was reported.
    function stateOf(t, c, day) {
        var lo = t.sk[c], hi = t.sk[c + 1];
        if (lo === hi || t.sd[lo] > day) { return -1; }
        // Few steps a claim: a walk is faster than a bisection.
        var at = lo;
        while (at + 1 < hi && t.sd[at + 1] <= day) { at++; }
        return t.ss[at];
    }

    // The filter's two parts that read a claim's state (query.ClaimFilter.admits_claim).
    function admits(t, code) {
        var status = (code / POSTURES) | 0, posture = code % POSTURES;
        if (t.fs && !t.fs[status]) { return false; }
        if (t.fd === "current") { return posture !== PROPOSED; }
        if (t.fd === "proposed") { return posture === PROPOSED; }
        return true;
    }

    // briefmap.engine.layers.layer_of.
    function layerOf(t, c, code, place) {
        var posture = code % POSTURES;
        if (posture === PROPOSED) { return PROPOSED_LAYER; }
        if (posture === FORMER) { return FORMER_LAYER; }
        if (t.cx[c]) { return CONTEXT; }
        return t.pt[place] ? SITES : REGIONS;
    }

    // Claims reported by `day` in the whole catalog: the footnote's "of N".
    function totalBy(t, day) {
        var lo = 0, hi = t.rd.length;
        while (lo < hi) {
            var mid = (lo + hi) >> 1;
            if (t.rd[mid] <= day) { lo = mid + 1; } else { hi = mid; }
        }
        return lo ? t.rc[lo - 1] : 0;
    }

    // The map as known on `day`. Features are keyed layer * places + place:
    // `lead` the claim that sets a feature's style (-1: no feature), `count`
    // its claims, `tally` its claims per status from f * RUNGS (tallyOf: what a
    // crowded area's box adds up). `code` per claim, -1 when not shown.
    function frame(t, day) {
        var n = t.ca.length, np = t.p.length;
        var code = new Int8Array(n), lead = new Int32Array(LAYERS * np).fill(-1);
        var count = new Int32Array(LAYERS * np), byStatus = [0, 0, 0, 0, 0], shown = 0;
        var tally = new Int32Array(LAYERS * np * RUNGS);
        for (var c = 0; c < n; c++) {
            var s = stateOf(t, c, day);
            if (s < 0 || !admits(t, s)) { code[c] = -1; continue; }
            code[c] = s;
            shown++;
            byStatus[(s / POSTURES) | 0]++;
            var places = t.cq[c], rank = (s / POSTURES) | 0;
            for (var k = 0; k < places.length; k++) {
                var f = layerOf(t, c, s, places[k]) * np + places[k];
                count[f]++;
                tally[f * RUNGS + rank]++;
                var held = lead[f];
                // layers.lead_order: strongest status, then the report's own, then id.
                if (held < 0) { lead[f] = c; continue; }
                var heldRank = (code[held] / POSTURES) | 0;
                if (rank < heldRank || (rank === heldRank && t.cr[c] < t.cr[held])) { lead[f] = c; }
            }
        }
        return {day: day, code: code, lead: lead, count: count, tally: tally, shown: shown,
            total: totalBy(t, day), byStatus: byStatus, places: np};
    }

    // A feature's style key: (first actor, state, point), or -1 for no feature.
    function styleKey(t, fr, f) {
        var c = fr.lead[f];
        if (c < 0) { return -1; }
        return (t.ca[c] * RUNGS * POSTURES + fr.code[c]) * 2 + t.pt[f % fr.places];
    }

    // [colour, weight, dash, fill, fill opacity] of a feature (canvas_payload.style_entry).
    function styleOf(t, fr, f) {
        var c = fr.lead[f];
        if (c < 0) { return null; }
        return [t.A[t.ca[c]]].concat(t.Y[fr.code[c] * 2 + t.pt[f % fr.places]]);
    }

    // The style of a style key (styleKey): what a sprite of that key draws.
    function styleOfKey(t, key) {
        var rest = (key / 2) | 0, state = rest % (RUNGS * POSTURES);
        return [t.A[(rest / (RUNGS * POSTURES)) | 0]].concat(t.Y[state * 2 + key % 2]);
    }

    // Claims per status of a feature (its tooltip's tally), strongest first.
    function tallyOf(t, fr, f) {
        var out = [0, 0, 0, 0, 0], np = fr.places, place = f % np, layer = (f / np) | 0;
        for (var c = 0; c < fr.code.length; c++) {
            var s = fr.code[c];
            if (s < 0) { continue; }
            var places = t.cq[c];
            for (var k = 0; k < places.length; k++) {
                if (places[k] === place && layerOf(t, c, s, place) === layer) {
                    out[(s / POSTURES) | 0]++;
                }
            }
        }
        return out;
    }

    // Places whose features (which layers, their styles) differ between two
    // frames: the "what changed" badges of the last step.
    function changedPlaces(t, before, after) {
        var np = after.places, out = [];
        for (var p = 0; p < np; p++) {
            for (var l = 0; l < LAYERS; l++) {
                var f = l * np + p;
                if (styleKey(t, before, f) !== styleKey(t, after, f)) { out.push(p); break; }
            }
        }
        return out;
    }

    // The map kept from one day to the next: a cursor over the tape's events (a
    // claim appears, changes state), sorted by day, that a step moves forwards or
    // backwards applying or undoing only the events between the two days, with
    // each feature's count and lead kept as claims come and go. A frame at
    // 100,000 claims walked every claim (230 ms a frame measured); a step of a
    // few days touches a few hundred. The frame it holds is frame()'s, the same
    // arrays, changed in place: `changed` lists the places whose features
    // differ from the previous day's (changedPlaces of the two frames).
    function cursor(t) {
        var n = t.ca.length, np = t.p.length, nf = LAYERS * np;
        // Events: e = one step k of claim c; old code the step before (-1: none).
        var total = t.sd.length, evDay = new Int32Array(total), evStep = new Int32Array(total);
        var claimOf = new Int32Array(total), order = new Array(total);
        for (var c = 0; c < n; c++) {
            for (var k = t.sk[c]; k < t.sk[c + 1]; k++) { claimOf[k] = c; order[k] = k; }
        }
        order.sort(function (a, b) { return t.sd[a] - t.sd[b] || a - b; });
        for (var i = 0; i < total; i++) { evStep[i] = order[i]; evDay[i] = t.sd[order[i]]; }
        // Claims at each place: a feature's lead is found again among them when it leaves.
        var atStart = new Int32Array(np + 1), atClaims;
        for (c = 0; c < n; c++) { t.cq[c].forEach(function (p) { atStart[p + 1]++; }); }
        for (var p = 0; p < np; p++) { atStart[p + 1] += atStart[p]; }
        atClaims = new Int32Array(atStart[np]);
        var fill = atStart.slice(0, np);
        for (c = 0; c < n; c++) { t.cq[c].forEach(function (q) { atClaims[fill[q]++] = c; }); }

        var fr = {day: -Infinity, code: new Int8Array(n).fill(-1), lead: new Int32Array(nf).fill(-1),
            count: new Int32Array(nf), tally: new Int32Array(nf * RUNGS), shown: 0, total: 0,
            byStatus: [0, 0, 0, 0, 0], places: np, changed: []};
        var applied = 0;  // events [0, applied) are in fr
        var keys = new Int32Array(nf).fill(-1);  // each feature's style key, as drawn last
        var touched = new Int32Array(nf), touchedList = [], stamp = 1;
        var lost = new Uint8Array(nf);  // its lead left: look for the lead again

        function touch(f) {
            if (touched[f] !== stamp) { touched[f] = stamp; touchedList.push(f); }
        }
        function beats(c, held) {
            var rank = (fr.code[c] / POSTURES) | 0, heldRank = (fr.code[held] / POSTURES) | 0;
            return rank < heldRank || (rank === heldRank && t.cr[c] < t.cr[held]);
        }
        // Claim c's shown code becomes s (-1: not shown).
        function set(c, s) {
            var old = fr.code[c], places = t.cq[c], k, f;
            if (old === s) { return; }
            if (old >= 0) {
                fr.shown--; fr.byStatus[(old / POSTURES) | 0]--;
                for (k = 0; k < places.length; k++) {
                    f = layerOf(t, c, old, places[k]) * np + places[k];
                    fr.count[f]--; fr.tally[f * RUNGS + ((old / POSTURES) | 0)]--; touch(f);
                    if (fr.lead[f] === c) { lost[f] = 1; }
                }
            }
            fr.code[c] = s;
            if (s < 0) { return; }
            fr.shown++; fr.byStatus[(s / POSTURES) | 0]++;
            for (k = 0; k < places.length; k++) {
                f = layerOf(t, c, s, places[k]) * np + places[k];
                fr.count[f]++; fr.tally[f * RUNGS + ((s / POSTURES) | 0)]++; touch(f);
                if (lost[f]) { continue; }
                if (fr.lead[f] < 0 || beats(c, fr.lead[f])) { fr.lead[f] = c; }
            }
        }
        function shownCode(s) { return s >= 0 && admits(t, s) ? s : -1; }

        function to(day) {
            stamp++; touchedList.length = 0;
            while (applied < total && evDay[applied] <= day) {
                var e = evStep[applied++];
                set(claimOf[e], shownCode(t.ss[e]));
            }
            while (applied > 0 && evDay[applied - 1] > day) {
                var back = evStep[--applied], c = claimOf[back];
                set(c, back > t.sk[c] ? shownCode(t.ss[back - 1]) : -1);
            }
            var changed = [], seen = {};
            for (var i = 0; i < touchedList.length; i++) {
                var f = touchedList[i];
                if (lost[f]) {
                    // A feature whose lead left: the lead of its place's claims in its layer.
                    lost[f] = 0;
                    var place = f % np, layer = (f / np) | 0, best = -1;
                    for (var a = atStart[place]; a < atStart[place + 1]; a++) {
                        var c = atClaims[a], s = fr.code[c];
                        if (s < 0 || layerOf(t, c, s, place) !== layer) { continue; }
                        if (best < 0 || beats(c, best)) { best = c; }
                    }
                    fr.lead[f] = best;
                }
                var key = styleKey(t, fr, f);
                if (key !== keys[f]) {
                    keys[f] = key;
                    if (!seen[f % np]) { seen[f % np] = 1; changed.push(f % np); }
                }
            }
            fr.day = day;
            fr.total = totalBy(t, day);
            fr.changed = changed.sort(function (x, y) { return x - y; });
            return fr;
        }
        return {to: to, frame: fr, keys: keys};
    }

    // The crowded areas of a frame, binned as the canvas at rest bins its points
    // (aggregate.js bin: squares of A.CELL px fixed in the zoom's pixels, a square
    // with more than A.CROWDED points draws a box of their claims by status in
    // their stead), so that a frame at a country's zoom shows what the map shows
    // when it rests, and stamps a few thousand circles at most, not 100,000.
    // A point is a place's feature in one layer, as each layer's canvas payload
    // has one. `places`: the point places to bin (every one whose square reaches
    // into the view), `ax`, `ay` their position in the zoom's pixels; A:
    // aggregate.js's constants. Returns the boxes ({x, y in the zoom's pixels,
    // claims per status, total, points, cell: its square's key}, ordered by
    // square) and `hidden`, 1 for
    // each place under a box.
    function crowds(t, fr, places, ax, ay, A, grid) {
        var np = fr.places, lead = fr.lead, tally = fr.tally, n = places.length, i, p, l, f, c, r;
        var g = grid && grid.places === places ? grid : gridOf(places, ax, ay, A);
        var m = g.count, cell = g.cell, points = new Int32Array(m);
        var sx = new Float64Array(m), sy = new Float64Array(m);
        for (i = 0; i < n; i++) {
            p = places[i];
            var k = (lead[p] >= 0) + (lead[np + p] >= 0) + (lead[2 * np + p] >= 0) +
                (lead[3 * np + p] >= 0) + (lead[4 * np + p] >= 0);
            if (!k) { continue; }
            c = cell[i];
            points[c] += k; sx[c] += k * ax[p]; sy[c] += k * ay[p];
        }
        var claims = new Float64Array(m * RUNGS), hidden = new Uint8Array(np);
        for (i = 0; i < n; i++) {
            c = cell[i];
            if (points[c] <= A.CROWDED) { continue; }
            p = places[i];
            for (l = 0; l < LAYERS; l++) {
                f = l * np + p;
                if (lead[f] < 0) { continue; }
                hidden[p] = 1;  // a point of it is under the box
                for (r = 0; r < RUNGS; r++) { claims[c * RUNGS + r] += tally[f * RUNGS + r]; }
            }
        }
        var boxes = [];
        for (c = 0; c < m; c++) {  // cells in key order
            if (points[c] <= A.CROWDED) { continue; }
            var mine = Array.from(claims.subarray(c * RUNGS, (c + 1) * RUNGS)), total = 0;
            for (r = 0; r < RUNGS; r++) { total += mine[r]; }
            var col = g.col[c], row = g.row[c];
            boxes.push({x: clamp(sx[c] / points[c], col * A.CELL + A.BOX_W / 2, (col + 1) * A.CELL - A.BOX_W / 2),
                y: clamp(sy[c] / points[c], row * A.CELL + A.BOX_H / 2, (row + 1) * A.CELL - A.BOX_H / 2),
                claims: mine, total: total, points: points[c], cell: col * SPAN + row});
        }
        return {boxes: boxes, hidden: hidden};
    }

    // The squares of `places` (crowds' binning, which the day does not change):
    // each place's square as a dense index, the squares in key order. A frame
    // passes the view's own to crowds(), made once a view.
    function gridOf(places, ax, ay, A) {
        var n = places.length, keys = new Map(), cell = new Int32Array(n), i, key;
        var raw = new Float64Array(n);
        for (i = 0; i < n; i++) {
            key = Math.floor(ax[places[i]] / A.CELL) * SPAN + Math.floor(ay[places[i]] / A.CELL);
            raw[i] = key;
            if (!keys.has(key)) { keys.set(key, 0); }
        }
        var sorted = Array.from(keys.keys()).sort(function (a, b) { return a - b; });
        var col = new Float64Array(sorted.length), row = new Float64Array(sorted.length);
        sorted.forEach(function (k, j) {
            keys.set(k, j);
            col[j] = Math.floor(k / SPAN); row[j] = k - col[j] * SPAN;
        });
        for (i = 0; i < n; i++) { cell[i] = keys.get(raw[i]); }
        return {places: places, count: sorted.length, cell: cell, col: col, row: row};
    }
    function clamp(v, lo, hi) { return Math.min(Math.max(v, lo), hi); }

    // The day a step of `unit` ("day", "week", "month") moves to, by `sign`.
    function stepDay(day, unit, sign) {
        if (unit === "day") { return day + sign; }
        if (unit === "week") { return day + 7 * sign; }
        var d = new Date(day * DAY_MS), y = d.getUTCFullYear(), m = d.getUTCMonth() + sign;
        var last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
        return Math.round(Date.UTC(y, m, Math.min(d.getUTCDate(), last)) / DAY_MS);
    }

    var api = {LAYERS: LAYERS, dayOf: dayOf, textOf: textOf, stateOf: stateOf, admits: admits,
        layerOf: layerOf, totalBy: totalBy, frame: frame, styleKey: styleKey, styleOf: styleOf,
        styleOfKey: styleOfKey, tallyOf: tallyOf, changedPlaces: changedPlaces, stepDay: stepDay,
        cursor: cursor, crowds: crowds, gridOf: gridOf};
    // The tape as a file (briefmap/app/playback.py): the server may still be
    // building it after the first map, so a missing file (404) is asked for
    // again, every `delay` ms doubled up to MAX_DELAY_MS, until WAIT_MS have
    // passed. `play(tape)` once it comes, unless a newer href was asked for
    // the map meanwhile (a rerun's filter). `fetchFn` and `later` are fetch
    // and setTimeout (tests/js give their own); the file is gzipped, as the
    // layers' files are, and the static route sends it as it is.
    var WAIT_MS = 300000, MAX_DELAY_MS = 2000;
    function fetchTape(holder, href, play, fetchFn, later, gunzip) {
        holder.__bmTapeHref = href;
        var started = Date.now(), delay = 250;
        function attempt() {
            if (holder.__bmTapeHref !== href) { return Promise.resolve(false); }
            return fetchFn(href, {cache: "no-store"}).then(function (response) {
                if (response.status === 404 && Date.now() - started < WAIT_MS) {
                    return new Promise(function (res) { later(function () { res(attempt()); }, delay); delay = Math.min(MAX_DELAY_MS, 2 * delay); });
                }
                if (!response.ok) { throw new Error("the timeline's data: HTTP " + response.status); }
                return gunzip(response).then(function (tape) {
                    if (holder.__bmTapeHref !== href) { return false; }
                    play(tape);
                    return true;
                });
            });
        }
        return attempt();
    }
    api.fetchTape = fetchTape;
    if (typeof window === "undefined") {
        if (typeof module !== "undefined" && module.exports) { module.exports = api; }
        return;
    }
    api.fetchTapeFile = function (map, href, play) {
        fetchTape(map, href, play, window.fetch.bind(window), window.setTimeout.bind(window), function (response) {
            return new Response(response.body.pipeThrough(new DecompressionStream("gzip"))).text().then(JSON.parse);
        }).catch(function (error) {
            // No timeline on this map, the map itself as it is.
            if (window.console) { window.console.warn("Time playback:", String(error)); }
        });
    };
    window.__briefmapPlayback = window.__briefmapPlayback || api;
})();
