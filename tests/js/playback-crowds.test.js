// Time playback's frame on a canvas map (briefmap/drawing/web/playback.js crowds,
// tallies and sprite keys) under Node: a frame bins its points as the map at rest
// bins them (aggregate.js bin), so both show the same boxes, and a sprite's
// style key gives back the feature's style.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const web = path.join(__dirname, "..", "..", "briefmap", "drawing", "web");
const pb = require(path.join(web, "playback.js"));
const ag = require(path.join(web, "aggregate.js"));

const D = pb.dayOf;
const Y = Array.from({length: 30}, (_, i) => [1 + (i % 3), i % 2 ? "4 2" : "", i % 3, 0.5]);

// A small deterministic generator (tests must not depend on Math.random's seed).
function rng(seed) {
    let s = seed >>> 0;
    return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 4294967296; };
}

// `places` points in a few clusters, `claims` claims at one or two of them with
// one to three steps each (any status, posture; some context).
function randomTape(seed, places, claims) {
    const r = rng(seed), spots = [[36.2, 37.1], [36.25, 37.15], [33.5, 36.3], [35.0, 38.0]];
    const px = [], py = [];
    for (let p = 0; p < places; p++) {
        const [lat, lng] = spots[Math.floor(r() * spots.length)];
        px.push(Math.round((lng + (r() - 0.5) * 0.3) * 1e5));
        py.push(Math.round((lat + (r() - 0.5) * 0.3) * 1e5));
    }
    const sk = [0], sd = [], ss = [], ca = [], cx = [], cr = [], cq = [];
    for (let c = 0; c < claims; c++) {
        let day = D("2015-01-01") + Math.floor(r() * 3000);
        const steps = 1 + Math.floor(r() * 3);
        for (let k = 0; k < steps; k++) {
            sd.push(day); ss.push(Math.floor(r() * 15));
            day += 1 + Math.floor(r() * 400);
        }
        sk.push(sd.length);
        ca.push(Math.floor(r() * 2)); cx.push(r() < 0.2 ? 1 : 0); cr.push(c);
        const at = [Math.floor(r() * places)];
        if (r() < 0.2) { at.push((at[0] + 1) % places); }
        cq.push(at);
    }
    return {v: 1, asof: D("2026-01-01"), span: [D("2015-01-01"), D("2026-01-01")],
        A: ["#aa0000", "#0000aa"], p: px.map((_, i) => "p" + i), pt: px.map(() => 1), px, py,
        g: px.map(() => null), gl: px.map(() => 0), ca, cx, cr, cq, sk, sd, ss, fs: null,
        fd: "include", rd: [D("2015-01-01")], rc: [claims], Y, H: [],
        L: [["confirmed", "#111111"], ["stated", "hatch"], ["reported", "dots"],
            ["unverified", "#dddddd"], ["denied", "none"]], Lk: "#1a1a1a"};
}

function mercator(t, p) {
    const s = Math.sin(t.py[p] / 1e5 * Math.PI / 180);
    return [(t.px[p] / 1e5 + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
}

// The frame's points as canvas.js holds them at rest: one set a layer, each
// point a place's feature in it, its tally a row of the payload's C.
function restingSets(t, fr) {
    const np = fr.places, sets = [];
    for (let l = 0; l < pb.LAYERS; l++) {
        const set = {n: 0, mx: [], my: [], lat: [], lng: [], tally: [], d: {C: []}, place: []};
        for (let p = 0; p < np; p++) {
            const f = l * np + p;
            if (fr.lead[f] < 0) { continue; }
            const [x, y] = mercator(t, p);
            set.mx.push(x); set.my.push(y); set.lat.push(t.py[p] / 1e5); set.lng.push(t.px[p] / 1e5);
            set.tally.push(set.d.C.length);
            set.d.C.push(Array.from(fr.tally.slice(f * 5, f * 5 + 5)));
            set.place.push(p);
            set.n++;
        }
        sets.push(set);
    }
    return sets;
}

function byPlace(a, b) { return a.x - b.x || a.y - b.y; }

test("a frame's crowded areas are the boxes the canvas draws at rest, on every zoom and day", () => {
    const t = randomTape(29, 400, 1500), all = t.p.map((_, p) => p);
    let boxesSeen = 0, pointsSeen = 0;
    for (const zoom of [5, 7, 9, 11]) {
        const scale = 256 * Math.pow(2, zoom);
        const ax = new Float64Array(t.p.length), ay = new Float64Array(t.p.length);
        all.forEach((p) => { const [x, y] = mercator(t, p); ax[p] = x * scale; ay[p] = y * scale; });
        for (const day of ["2015-06-01", "2018-01-01", "2026-01-01"]) {
            const fr = pb.frame(t, D(day)), sets = restingSets(t, fr);
            const rest = ag.bin(sets, zoom, 5), played = pb.crowds(t, fr, all, ax, ay, ag);
            // The view's squares made once (gridOf) and passed in: the same answer.
            assert.deepEqual(pb.crowds(t, fr, all, ax, ay, ag, pb.gridOf(all, ax, ay, ag)), played);
            const want = rest.boxes.map((b) => ({x: b.x, y: b.y, claims: Array.from(b.claims),
                total: b.total, points: b.points})).sort(byPlace);
            const got = played.boxes.slice().sort(byPlace);
            assert.equal(got.length, want.length, `zoom ${zoom}, ${day}`);
            got.forEach((box, i) => {
                assert.ok(Math.abs(box.x - want[i].x) < 1e-6 && Math.abs(box.y - want[i].y) < 1e-6);
                assert.deepEqual(box.claims, want[i].claims);
                assert.equal(box.total, want[i].total);
                assert.equal(box.points, want[i].points);
            });
            // The places under a box: the points the canvas hides.
            const hiddenAtRest = new Set();
            sets.forEach((set, k) => {
                for (let i = 0; i < set.n; i++) { if (rest.hidden[k] && rest.hidden[k][i]) { hiddenAtRest.add(set.place[i]); } }
            });
            const hidden = all.filter((p) => played.hidden[p]);
            assert.deepEqual(hidden, [...hiddenAtRest].sort((a, b) => a - b));
            boxesSeen += got.length;
            pointsSeen += all.length - hidden.length;
        }
    }
    // The data gives both: boxes, and points left to draw as circles.
    assert.ok(boxesSeen > 10 && pointsSeen > 10, `${boxesSeen} boxes, ${pointsSeen} points`);
});

test("a square of CROWDED points keeps its circles; one more makes a box", () => {
    const t = randomTape(3, 40, 0);
    t.px.fill(3712000); t.py.fill(3620000);
    const claims = (n) => {
        const u = {...t, ca: [], cx: [], cr: [], cq: [], sk: [0], sd: [], ss: []};
        for (let c = 0; c < n; c++) {
            u.ca.push(0); u.cx.push(0); u.cr.push(c); u.cq.push([c]);
            u.sd.push(D("2015-01-01")); u.ss.push(0); u.sk.push(u.sd.length);
        }
        return u;
    };
    const at = [...Array(40).keys()], ax = new Float64Array(40).fill(1000.5), ay = new Float64Array(40).fill(2000.5);
    let u = claims(ag.CROWDED), fr = pb.frame(u, D("2016-01-01"));
    assert.equal(pb.crowds(u, fr, at, ax, ay, ag).boxes.length, 0);
    u = claims(ag.CROWDED + 1); fr = pb.frame(u, D("2016-01-01"));
    const out = pb.crowds(u, fr, at, ax, ay, ag);
    assert.equal(out.boxes.length, 1);
    assert.deepEqual(out.boxes[0].claims, [ag.CROWDED + 1, 0, 0, 0, 0]);
    assert.equal(out.hidden[0], 1);
    assert.equal(out.hidden[ag.CROWDED + 1], 0);
});

test("the cursor keeps each feature's tally by status, as a frame afresh counts it", () => {
    const t = randomTape(7, 60, 400), cur = pb.cursor(t);
    for (const day of ["2016-01-01", "2020-03-01", "2017-07-07", "2026-01-01", "2014-01-01"]) {
        const fr = cur.to(D(day)), fresh = pb.frame(t, D(day));
        assert.deepEqual(Array.from(fr.tally), Array.from(fresh.tally), day);
        for (let f = 0; f < fr.lead.length; f++) {
            if (fr.lead[f] >= 0) {
                assert.deepEqual(Array.from(fr.tally.slice(f * 5, f * 5 + 5)), pb.tallyOf(t, fr, f));
            }
        }
    }
});

test("a sprite's style key gives back its feature's style", () => {
    const t = randomTape(11, 30, 200), fr = pb.frame(t, D("2026-01-01"));
    let checked = 0;
    for (let f = 0; f < fr.lead.length; f++) {
        const key = pb.styleKey(t, fr, f);
        if (key < 0) { continue; }
        assert.deepEqual(pb.styleOfKey(t, key), pb.styleOf(t, fr, f));
        checked++;
    }
    assert.ok(checked > 20);
});
