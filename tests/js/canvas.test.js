// The canvas renderer's pure helpers (briefmap/drawing/web/canvas.js) under Node, no
// browser: required here, the file exports them instead of drawing. The browser
// tests (tests/browser/test_browser_bulk_redraw.py and others) run the rest.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const WEB = path.join(__dirname, "..", "..", "briefmap", "drawing", "web");
const canvas = require(path.join(WEB, "canvas.js"));

const HINT = "Click for the claim card";
const TAGS = [
    '<div class="bm-tip-name">',
    '<div dir="rtl" lang="ar">',
    '<div lang="ru">',
    '<div class="bm-tip-meta">',
    '<div class="bm-tip-meta">',
    '<div class="bm-tip-meta">',
    '<div class="bm-tip-lead">',
];
const TAIL = `<div class="bm-tip-hint">${HINT}</div>`;

// A payload as briefmap/drawing/canvas_payload.py layer_payload_of makes one (see its
// docstring): S styles [colour, weight, dash, fill, fill opacity, one-claim
// tally, z], T strings (escaped on the server), P recipes with one index into
// T per line [en, ar, ru, meta, tally, end, summary] (-1 absent, as is a line
// past the recipe's end; -2 the style's tally), M the tags the lines open
// with, tail the fixed end. T[0] is a real string, so "0" must count as present.
function payload() {
    return {
        r: 6,
        scale: 100000,
        M: TAGS,
        tail: TAIL,
        S: [
            ["#b2182b", 3, null, 1, 0.85, 6, 2],
            ["#2166ac", 1.5, "4 4", 0, 0, 7, 0],
        ],
        T: [
            "end date unknown",
            "Tartus",
            "طرطوس",
            "Тартус",
            "Naval base · Russia",
            "3 claims",
            "1 claim (confirmed)",
            "1 claim (reported)",
            "Russia &amp; Syria agree a 49-year lease",
            "Qamishli",
        ],
        P: [
            [1, 2, 3, 4, 5, -1, 8],
            [9, -1, -1, 4, -2, 0],
            [9, -1, -1, 4, 5, 0, 8],
        ],
        o: [0, 0],
        x: [],
        y: [],
        k: [],
    };
}

// ------------------------------------------------------------------ tooltips

test("tipHtml joins every line of a full recipe in the tags the payload gives", () => {
    assert.equal(
        canvas.tipHtml(payload(), 0, 0),
        '<div class="bm-tip-name">Tartus</div>' +
            '<div dir="rtl" lang="ar">طرطوس</div>' +
            '<div lang="ru">Тартус</div>' +
            '<div class="bm-tip-meta">Naval base · Russia</div>' +
            '<div class="bm-tip-meta">3 claims</div>' +
            '<div class="bm-tip-lead">Russia &amp; Syria agree a 49-year lease</div>' +
            `<div class="bm-tip-hint">${HINT}</div>`,
    );
});

test("tipHtml leaves out what a recipe marks absent (-1) or leaves off at its end, and says 'end date unknown' from its line", () => {
    assert.equal(
        canvas.tipHtml(payload(), 1, 1),
        '<div class="bm-tip-name">Qamishli</div>' +
            '<div class="bm-tip-meta">Naval base · Russia</div>' +
            '<div class="bm-tip-meta">1 claim (reported)</div>' +
            '<div class="bm-tip-meta">end date unknown</div>' +
            `<div class="bm-tip-hint">${HINT}</div>`,
    );
});

test("tipHtml takes a tally of -2 from the style's one-claim tally", () => {
    const d = payload();
    assert.match(canvas.tipHtml(d, 1, 0), /<div class="bm-tip-meta">1 claim \(confirmed\)<\/div>/);
    assert.match(canvas.tipHtml(d, 1, 1), /<div class="bm-tip-meta">1 claim \(reported\)<\/div>/);
    // A recipe's own tally wins over the style's.
    assert.ok(!canvas.tipHtml(d, 0, 1).includes("1 claim"));
});

test("tipHtml writes the lines in the order of the tags", () => {
    const html = canvas.tipHtml(payload(), 2, 0);
    const tally = html.indexOf("3 claims");
    const end = html.indexOf("end date unknown");
    const lead = html.indexOf('<div class="bm-tip-lead">');
    assert.ok(tally >= 0 && end > tally && lead > end, html);
    // Other tags, another order: the script follows the payload, not a copy of its own.
    const d = {...payload(), M: ["<p>", "<p>", "<p>", "<p>", "<p>", "<p>", "<b>"], tail: "<i>end</i>"};
    assert.equal(canvas.tipHtml(d, 0, 0), "<p>Tartus</div><p>طرطوس</div><p>Тартус</div><p>Naval base · Russia</div><p>3 claims</div><b>Russia &amp; Syria agree a 49-year lease</div><i>end</i>");
});

test("tipHtml counts index 0 of the string table as present in every line", () => {
    const d = {...payload(), T: ["x"], P: [[0, 0, 0, 0, 0, 0, 0]]};
    const html = canvas.tipHtml(d, 0, 0);
    for (const part of ['<div dir="rtl" lang="ar">x</div>', '<div lang="ru">x</div>', '<div class="bm-tip-lead">x</div>']) {
        assert.ok(html.includes(part), part);
    }
    assert.equal(html.split('<div class="bm-tip-meta">x</div>').length - 1, 3, "meta, tally, end");
});

test("tipHtml inserts the server's escaped strings as they are", () => {
    // Escaping happens once, on the server: "&amp;" must not become "&amp;amp;".
    const html = canvas.tipHtml(payload(), 0, 0);
    assert.ok(html.includes("Russia &amp; Syria"));
    assert.ok(!html.includes("&amp;amp;"));
});

// --------------------------------------------------------------------- radius

test("radiusAt keeps the payload's radius from zoom 8 in and shrinks by 1 px a level out, to 3 px", () => {
    const d = payload();
    const got = [3, 4, 5, 6, 7, 8, 12].map((zoom) => canvas.radiusAt(d, zoom));
    assert.deepEqual(got, [3, 3, 3, 4, 5, 6, 6]);
    // Fractional zooms (during a zoom animation) round to the nearest level.
    assert.equal(canvas.radiusAt(d, 7.4), 5);
    assert.equal(canvas.radiusAt(d, 7.5), 6);
    assert.equal(canvas.radiusAt({r: 10}, 4), 6);
});

// -------------------------------------------------------------- dirty rects

const frame = (x, y, w = 40, h = 30) => ({x: x, y: y, w: w, h: h, zoom: 8});

test("frameOf gives a frame's rect [x0, y0, x1, y1]", () => {
    assert.deepEqual(canvas.frameOf(frame(100, 50, 800, 600)), [100, 50, 900, 650]);
});

test("same: frames of one size whose images still overlap", () => {
    assert.ok(canvas.same(frame(0, 0), frame(39, -29)));
    assert.ok(!canvas.same(frame(0, 0), frame(40, 0)), "moved a whole width: nothing to keep");
    assert.ok(!canvas.same(frame(0, 0), frame(0, 30)), "moved a whole height: nothing to keep");
    assert.ok(!canvas.same(frame(0, 0, 40, 30), frame(1, 1, 41, 30)), "resized");
});

test("exposed: the strips a pan uncovers, for each direction", () => {
    const was = frame(0, 0, 800, 600);
    assert.deepEqual(canvas.exposed(was, frame(30, 20, 800, 600)), [
        [800, 20, 830, 620],
        [30, 600, 830, 620],
    ]);
    assert.deepEqual(canvas.exposed(was, frame(-30, -20, 800, 600)), [
        [-30, -20, 0, 580],
        [-30, -20, 770, 0],
    ]);
    assert.deepEqual(canvas.exposed(was, frame(0, 0, 800, 600)), []);
});

// Which pixels of frame `at` the rects cover (each once or more).
function covered(rects, at) {
    const hit = new Set();
    for (const [x0, y0, x1, y1] of rects) {
        for (let x = x0; x < x1; x++) {
            for (let y = y0; y < y1; y++) {
                if (x >= at.x && x < at.x + at.w && y >= at.y && y < at.y + at.h) {
                    hit.add(`${x},${y}`);
                }
            }
        }
    }
    return hit;
}

test("after a pan, the dirty rects are exactly the pixels the old image did not have", () => {
    // What Points._update computes: within(dirty.concat(exposed(before, at)), at).
    const before = frame(0, 0);
    for (const [dx, dy] of [[7, 0], [0, -5], [13, 9], [-39, 29], [-1, -1]]) {
        const at = frame(dx, dy);
        const rects = canvas.within(canvas.exposed(before, at), at);
        const want = new Set();
        for (let x = at.x; x < at.x + at.w; x++) {
            for (let y = at.y; y < at.y + at.h; y++) {
                const kept = x >= before.x && x < before.x + before.w && y >= before.y && y < before.y + before.h;
                if (!kept) { want.add(`${x},${y}`); }
            }
        }
        assert.deepEqual(covered(rects, at), want, `pan by ${dx}, ${dy}`);
        const f = canvas.frameOf(at);
        for (const r of rects) {
            assert.ok(r[0] >= f[0] && r[1] >= f[1] && r[2] <= f[2] && r[3] <= f[3], `${r} inside ${f}`);
        }
    }
});

test("within cuts rects left from an unfinished redraw to the new frame and drops those off it", () => {
    const at = frame(10, 10);
    // The last one only touches the frame's left edge: nothing of it is inside.
    const undone = [[0, 0, 20, 20], [100, 100, 120, 120], [45, 12, 60, 18], [0, 15, 10, 25]];
    assert.deepEqual(canvas.within(undone, at), [[10, 10, 20, 20], [45, 12, 50, 18]]);
});

test("within gives the whole frame for more than MAX_DIRTY rects", () => {
    const at = frame(0, 0);
    const strips = (n) => Array.from({length: n}, (_, i) => [i, 0, i + 1, 1]);
    assert.deepEqual(canvas.within(strips(canvas.MAX_DIRTY), at), strips(canvas.MAX_DIRTY));
    assert.deepEqual(canvas.within(strips(canvas.MAX_DIRTY + 1), at), [canvas.frameOf(at)]);
});

// ------------------------------------------------------------ points and hits

// The Web Mercator y of a latitude, written the textbook way (not as canvas.js does).
const mercatorY = (lat) => (1 - Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) / Math.PI) / 2;

test("decode places points from 1e-5 degree offsets and unpacks style and tooltip from k", () => {
    const d = payload();
    // Tartus (35.88 E, 34.89 N), Qamishli (41.22 E, 37.05 N) and 0, 0.
    d.o = [0, 0];
    d.x = [3588000, 4122000, 0];
    d.y = [3489000, 3705000, 0];
    d.k = [0 * 2 + 1, 2 * 2 + 0, 1 * 2 + 1];
    const p = canvas.decode(d, d.scale);
    assert.equal(p.n, 3);
    assert.deepEqual(Array.from(p.lng), [35.88, 41.22, 0]);
    assert.deepEqual(Array.from(p.lat), [34.89, 37.05, 0]);
    assert.deepEqual(Array.from(p.style), [1, 0, 1]);
    assert.deepEqual(Array.from(p.tipOf), [0, 2, 1]);
    assert.equal(p.mx[0], 0.5 + 35.88 / 360);
    assert.ok(Math.abs(p.my[0] - mercatorY(34.89)) < 1e-12, `${p.my[0]}`);
    assert.ok(Math.abs(p.my[1] - mercatorY(37.05)) < 1e-12, `${p.my[1]}`);
    assert.equal(p.mx[2], 0.5);
    assert.equal(p.my[2], 0.5);
});

test("decode adds the origin o back and clamps latitudes to Web Mercator's", () => {
    const d = payload();
    d.o = [3500000, 3400000];
    d.x = [88000, 0, 0];
    d.y = [89000, 8600000 - 3400000, -8600000 - 3400000];
    d.k = [0, 0, 0];
    const p = canvas.decode(d, d.scale);
    assert.equal(p.lng[0], 35.88);
    assert.equal(p.lat[0], 34.89);
    // 86 degrees is off Web Mercator's square: it is drawn on its top (or bottom) edge.
    assert.ok(Math.abs(p.my[1]) < 1e-9, `${p.my[1]}`);
    assert.ok(Math.abs(p.my[2] - 1) < 1e-9, `${p.my[2]}`);
    assert.equal(p.lat[1], 86, "the point keeps its own latitude for the click");
});

test("decode of a payload without styles still unpacks k (one style)", () => {
    const d = payload();
    d.S = [];
    d.x = [0];
    d.y = [0];
    d.k = [7];
    const p = canvas.decode(d, d.scale);
    assert.equal(p.style[0], 0);
    assert.equal(p.tipOf[0], 7);
});

// Two points of style 0 (weight 3) at one spot and a third 100 px east, in a
// view at zoom z whose pixel origin puts the spot at layer point (100, 100).
function scene(zoom) {
    const d = payload();
    d.x = [3588000, 3588000, 3588000];
    d.y = [3489000, 3489000, 3489000];
    d.k = [0, 2, 0];
    const p = canvas.decode(d, d.scale);
    const scale = 256 * Math.pow(2, zoom);
    const v = {scale: scale, ox: p.mx[0] * scale - 100, oy: p.my[0] * scale - 100, zoom: zoom};
    p.mx[2] += 100 / scale;
    return {d: d, p: p, v: v};
}

test("hitIndex finds the topmost point, the last one stamped", () => {
    const {d, p, v} = scene(8);
    assert.equal(canvas.hitIndex(d, p, 100, 100, v), 1);
    assert.equal(canvas.hitIndex(d, p, 200, 100, v), 2);
    assert.equal(canvas.hitIndex(d, p, 150, 100, v), -1);
});

test("hitIndex reaches the radius at the zoom, half the line and 2 px more", () => {
    // At zoom 8: 6 + 3 / 2 + 2 = 9.5 px; at zoom 5: 3 + 1.5 + 2 = 6.5 px.
    const near = scene(8);
    assert.equal(canvas.hitIndex(near.d, near.p, 100, 109.5, near.v), 1);
    assert.equal(canvas.hitIndex(near.d, near.p, 100, 109.6, near.v), -1);
    const far = scene(5);
    assert.equal(canvas.hitIndex(far.d, far.p, 100 + 6.5, 100, far.v), 1);
    assert.equal(canvas.hitIndex(far.d, far.p, 100 + 8, 100, far.v), -1);
});

test("hitIndex takes a click inside a hollow (former) point, not only on its ring", () => {
    // Style 1 is hollow (fill 0, weight 1.5): its centre and the inside still hit it.
    const {d, p, v} = scene(8);
    p.style[0] = p.style[1] = p.style[2] = 1;
    assert.equal(d.S[1][3], 0, "style 1 is the hollow one");
    assert.equal(canvas.hitIndex(d, p, 200, 100, v), 2);
    assert.equal(canvas.hitIndex(d, p, 203, 97, v), 2);
});

// ---------------------------------------------------------- in a page's shape

function web(name) {
    return fs.readFileSync(path.join(WEB, name), "utf8");
}

test("canvas.js in a page that already has the library defines nothing again", () => {
    // No L in this context: reaching the drawing part would throw a ReferenceError.
    const first = {};
    const context = vm.createContext({window: {__briefmapBulk: first}});
    vm.runInContext(web("canvas.js"), context);
    assert.equal(context.window.__briefmapBulk, first);
});

test("each engine script is one function expression BulkLayer's template can call", () => {
    for (const name of ["canvas-engine.js", "circles-engine.js"]) {
        // As BulkLayer's template writes it: the script, then the call.
        assert.doesNotThrow(() => new vm.Script(`${web(name)}(map, group, payload);`), name);
    }
});

test("the canvas engine counts a layer's places while it is on the map, 0 while it is off", () => {
    const listeners = {};
    const added = [];
    const part = (name) => ({
        name: name,
        on: (event, fn) => { listeners[event] = fn; },
        addTo: (group) => { added.push([name, group]); },
    });
    const window = {
        __briefmapBulk: {
            outlines: () => part("outlines"),
            PointSet: function PointSet() { return part("points"); },
        },
    };
    const d = {...payload(), layer: "Sites", x: [1, 2, 3], g: [[], []]};
    const engine = vm.runInContext(web("canvas-engine.js"), vm.createContext({window: window}));
    engine(null, "group", d);
    assert.deepEqual(added, [["outlines", "group"], ["points", "group"]]);
    // Array.from: an array made in the vm's realm is never deepEqual to one of ours.
    assert.deepEqual(Array.from(window.__briefmapLayers.Sites, (p) => p.name), ["outlines", "points"]);
    listeners.add();
    assert.equal(window.__briefmapDrawn.Sites, 5);
    listeners.remove();
    assert.equal(window.__briefmapDrawn.Sites, 0);
});
