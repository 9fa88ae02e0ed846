// The crowded areas' binning (briefmap/drawing/web/aggregate.js) under Node, no
// browser. tests/browser/test_browser_aggregate.py draws and clicks the boxes.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const ag = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "aggregate.js"));

const RUNGS = 5;

// A set of points at Web Mercator (mx, my), each with a tally as talliesOf gives
// it (< 0: one claim of rung -1 - t; >= 0: a row of d.C).
function set(points, C = []) {
    const n = points.length;
    return {
        n,
        mx: Float64Array.from(points.map((p) => p[0])),
        my: Float64Array.from(points.map((p) => p[1])),
        lat: Float64Array.from(points.map((p) => p[3] ?? 0)),
        lng: Float64Array.from(points.map((p) => p[4] ?? 0)),
        tally: Int32Array.from(points.map((p) => p[2])),
        d: {C},
    };
}

// n points inside one square of zoom z, starting at its corner (cx, cy).
function cluster(n, z, cx, cy, tally) {
    const scale = 256 * 2 ** z;
    return Array.from({length: n}, (_, i) => [
        ((cx + 0.1 + (0.8 * i) / n) * ag.CELL) / scale,
        ((cy + 0.5) * ag.CELL) / scale,
        tally(i),
        10 + i / 1000,
        20 + i / 1000,
    ]);
}

test("talliesOf reads a recipe's row of C, or one claim of the style's rung", () => {
    // Styles' z is len(L) - 1 - rung: style 0 is denied (z 0), style 1 confirmed (z 4).
    const d = {L: new Array(RUNGS), S: [[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 4]], Pc: [-1, 3, -1]};
    const out = ag.talliesOf(d, Uint32Array.from([0, 1, 2, 2]), Uint16Array.from([1, 0, 0, 1]));
    assert.deepEqual(Array.from(out), [-1 - 0, 3, -1 - 4, -1 - 0]);
});

test("a square with more than CROWDED points becomes one box; a sparse one stays circles", () => {
    const z = 6;
    const crowded = cluster(ag.CROWDED + 1, z, 10, 10, (i) => (i % 2 ? -1 : 0));
    const sparse = cluster(ag.CROWDED, z, 12, 10, () => -1);
    const s = set([...crowded, ...sparse], [[2, 1, 0, 0, 1]]);
    const agg = ag.bin([s], z, RUNGS);
    assert.equal(agg.boxes.length, 1);
    const box = agg.boxes[0];
    assert.equal(box.points, ag.CROWDED + 1);
    // 8 single confirmed (t = -1) and 9 rows of [2, 1, 0, 0, 1].
    assert.deepEqual(Array.from(box.claims), [8 + 18, 9, 0, 0, 9]);
    assert.equal(box.total, 8 + 18 + 9 + 9);
    const hidden = Array.from(agg.hidden[0]);
    assert.deepEqual(hidden, [...new Array(ag.CROWDED + 1).fill(1), ...new Array(ag.CROWDED).fill(0)]);
    // The box stays inside its own square, so boxes never overlap.
    assert.ok(box.x - ag.BOX_W / 2 >= 10 * ag.CELL && box.x + ag.BOX_W / 2 <= 11 * ag.CELL);
    assert.ok(box.y - ag.BOX_H / 2 >= 10 * ag.CELL && box.y + ag.BOX_H / 2 <= 11 * ag.CELL);
    // Its bounds are its places' extent, for the click's zoom.
    assert.deepEqual(box.bounds, [[10, 20], [10 + ag.CROWDED / 1000, 20 + ag.CROWDED / 1000]]);
    assert.equal(ag.boxAt(agg, box.x, box.y), 0);
    assert.equal(ag.boxAt(agg, box.x + ag.BOX_W, box.y), -1);
    assert.equal(ag.boxAt(agg, 12.5 * ag.CELL, 10.5 * ag.CELL), -1);
});

test("points of every layer count together; each layer learns which of its points are hidden", () => {
    const z = 5;
    const a = set(cluster(10, z, 3, 3, () => -3));
    const b = set(cluster(10, z, 3, 3, () => -5));
    const agg = ag.bin([a, b], z, RUNGS);
    assert.equal(agg.boxes.length, 1);
    assert.deepEqual(Array.from(agg.boxes[0].claims), [0, 0, 10, 0, 10]);
    assert.ok(agg.hidden[0].every((h) => h === 1) && agg.hidden[1].every((h) => h === 1));
});

test("from ALL_FROM on nothing is binned", () => {
    const z = ag.ALL_FROM;
    const agg = ag.bin([set(cluster(100, z, 1, 1, () => -1))], z, RUNGS);
    assert.equal(agg.boxes.length, 0);
    assert.deepEqual(agg.hidden, [null]);
});

test("the squares are the world's, so a box is the same whatever the view", () => {
    // Binning knows nothing of the view: the same points give the same boxes.
    const pts = cluster(40, 7, 100, 50, () => -1);
    const one = ag.bin([set(pts)], 7, RUNGS).boxes[0];
    const two = ag.bin([set(pts.slice().reverse())], 7, RUNGS).boxes[0];
    assert.ok(Math.abs(one.x - two.x) < 1e-6 && Math.abs(one.y - two.y) < 1e-6);
    assert.equal(Math.round(one.x - ag.BOX_W / 2), Math.round(two.x - ag.BOX_W / 2));
});

test("segments: every rung with claims shows, widths add up, strongest first", () => {
    const parts = ag.segments([1000, 0, 10, 0, 1], 1011, 40);
    assert.deepEqual(parts.map((p) => p[2]), [0, 2, 4]);
    const width = parts.reduce((w, p) => w + p[1], 0);
    assert.ok(Math.abs(width - 40) < 1e-9);
    assert.ok(parts[2][1] >= 2, "a lone denied claim still shows");
    assert.ok(parts[0][1] > parts[1][1]);
});

test("shortCount and the tooltip", () => {
    assert.deepEqual([980, 1250, 12345, 1234567].map(ag.shortCount), ["980", "1.2k", "12k", "1.2M"]);
    const ladder = [["Confirmed", "#1a1a1a"], ["Stated", "#707070"], ["Reported", "hatch"], ["Unverified", "dots"],
        ["Denied &lt;b&gt;", "none"]];
    const html = ag.boxTip({total: 12345, points: 17, claims: [12000, 0, 300, 0, 45]}, ladder);
    assert.match(html, /12,345 claims at 17 markers/);
    assert.match(html, /Confirmed: 12,000/);
    assert.doesNotMatch(html, /Stated/);
    assert.match(html, /Denied &lt;b&gt;: 45/);
});
