// Which places a click falls inside (issue 25, finding 2), under Node: the
// canvas renderer's points in pixels (canvas.js hitAll, nameIndex) and the
// markers found under a point (stacked-places.js placesAt), and where the
// chooser goes. tests/browser/test_browser_stacked.py clicks the real map.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const WEB = path.join(__dirname, "..", "..", "briefmap", "drawing", "web");
const canvas = require(path.join(WEB, "canvas.js"));
// Values made in the script's own context, compared as plain data.
const plain = (value) => JSON.parse(JSON.stringify(value));
const stacked = vm.runInNewContext(fs.readFileSync(path.join(WEB, "stacked-places.js"), "utf8"), {});

// Three points of a payload as canvas_payload.py makes it: Tartus (recipe 0)
// and its naval facility (recipe 1) at the same spot, Qamishli (recipe 2)
// 100 px to the east at the zoom; style 0 a 3 px line, style 1 hollow 1.5 px.
function scene(zoom) {
    const d = {
        r: 6,
        scale: 100000,
        S: [
            ["#b2182b", 3, null, 1, 0.85, 0, 2, 0],
            ["#2166ac", 1.5, "4 4", 0, 0, 0, 0, 1],
        ],
        K: [["M0 0", ""], ["", "AL"]],
        T: ["Tartus", "Tartus naval facility", "Qamishli", "A &amp; B"],
        P: [[0], [1], [2], [3]],
        o: [0, 0],
        x: [3588000, 3588000, 3588000],
        y: [3489000, 3489000, 3489000],
        k: [0, 2 + 1, 4 + 1],
    };
    const p = canvas.decode(d, d.scale);
    const scale = 256 * Math.pow(2, zoom);
    // The first point at layer point (100, 100); the third moved 100 px east.
    const v = {scale: scale, ox: p.mx[0] * scale - 100, oy: p.my[0] * scale - 100, zoom: zoom};
    p.mx[2] += 100 / scale;
    return {d, p, v};
}

test("hitAll finds every point under a click, topmost (last stamped) first", () => {
    const {d, p, v} = scene(8);
    assert.deepEqual(canvas.hitAll(d, p, 100, 100, v), [1, 0]);
    assert.deepEqual(canvas.hitAll(d, p, 200, 100, v), [2]);
    assert.deepEqual(canvas.hitAll(d, p, 150, 100, v), []);
    // The topmost is the one a single hit finds.
    assert.equal(canvas.hitIndex(d, p, 100, 100, v), canvas.hitAll(d, p, 100, 100, v)[0]);
});

test("hitAll reaches each point's own radius, half its line and 2 px more", () => {
    // At zoom 8, radius 6: style 0 reaches 6 + 1.5 + 2 = 9.5 px, hollow style 1
    // (point 1) 6 + 0.75 + 2 = 8.75 px. Between the two, only point 0.
    const {d, p, v} = scene(8);
    assert.deepEqual(canvas.hitAll(d, p, 100, 108.75, v), [1, 0]);
    assert.deepEqual(canvas.hitAll(d, p, 100, 109, v), [0]);
    assert.deepEqual(canvas.hitAll(d, p, 100, 109.6, v), []);
    // Inside a hollow point, off its ring, still counts (it is drawn there).
    assert.deepEqual(canvas.hitAll(d, p, 203, 97, v), [2]);
});

test("hitAll leaves out points hidden under a crowded area's box", () => {
    const {d, p, v} = scene(8);
    const hidden = new Uint8Array([0, 1, 0]);
    assert.deepEqual(canvas.hitAll(d, p, 100, 100, v, hidden), [0]);
});

test("points two symbols apart are not stacked, a symbol apart they are", () => {
    const {d, p, v} = scene(8);
    // Point 2 (hollow, reach 8.75 px) 17 px east of point 0 (reach 9.5 px): a
    // click 9 px east of point 0 is inside both.
    p.mx[2] = p.mx[0] + 17 / v.scale;
    assert.deepEqual(canvas.hitAll(d, p, 109, 100, v), [2, 0]);
    p.mx[2] = p.mx[0] + 40 / v.scale;
    assert.deepEqual(canvas.hitAll(d, p, 109, 100, v), [0]);
});

test("nameIndex is a point's English name in the string table, still escaped there", () => {
    const {d, p} = scene(8);
    assert.equal(d.T[canvas.nameIndex(d, p, 0)], "Tartus");
    assert.equal(d.T[canvas.nameIndex(d, p, 1)], "Tartus naval facility");
    assert.equal(d.T[canvas.nameIndex(d, p, 2)], "Qamishli");
});

// Elements as document.elementsFromPoint lists them: shapes inside marker icons
// (each icon's label names its place), and the panes under them.
function icon(place, name) {
    const label = {getAttribute: (a) => (a === "data-place" ? place : null), textContent: name};
    return {querySelector: (q) => (q === "[data-place]" ? label : null)};
}
function inside(markerIcon) {
    return {closest: (q) => (q === ".leaflet-marker-icon" ? markerIcon : null)};
}
const pane = {closest: () => null};

test("placesAt lists each marker under the point once, topmost first, by its label", () => {
    const naval = icon("tartus_naval", "Tartus naval facility");
    const city = icon("tartus", "Tartus <b>city</b>");
    const found = stacked.placesAt([inside(naval), inside(naval), inside(city), pane, {}]);
    assert.deepEqual(plain(found.map((f) => f.place)), ["tartus_naval", "tartus"]);
    // The label's text, as text: markup in a name stays characters.
    assert.deepEqual(plain(found.map((f) => f.name)), ["Tartus naval facility", "Tartus <b>city</b>"]);
    assert.equal(found[0].icon, naval);
});

test("placesAt finds one place on a lone marker and none off the markers", () => {
    assert.equal(stacked.placesAt([inside(icon("amuda", "Amuda")), pane]).length, 1);
    assert.deepEqual(plain(stacked.placesAt([pane])), []);
    // A marker icon without a place (a change badge) is not a place.
    assert.deepEqual(plain(stacked.placesAt([inside({querySelector: () => null})])), []);
    // A place id like an Object property is still one place.
    assert.equal(stacked.placesAt([inside(icon("constructor", "C")), inside(icon("toString", "T"))]).length, 2);
});

test("the chooser opens below and right of the click, inside the map", () => {
    assert.deepEqual(plain(stacked.placeChooser(100, 100, 800, 600, 300, 60, 8)), {left: 112, top: 112});
    // Near the right edge: moved left; near the bottom: above the click.
    assert.deepEqual(plain(stacked.placeChooser(700, 100, 800, 600, 300, 60, 8)), {left: 492, top: 112});
    assert.deepEqual(plain(stacked.placeChooser(100, 570, 800, 600, 300, 60, 8)), {left: 112, top: 498});
    // Wider than the map (a phone): from the left margin.
    assert.deepEqual(plain(stacked.placeChooser(200, 100, 390, 600, 400, 90, 8)), {left: 8, top: 112});
});
