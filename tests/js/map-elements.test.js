// The small map scripts of briefmap/drawing/map_elements.py (MapScript), under
// Node with a stand-in for Leaflet: each file is one function expression that
// the page calls with the map and JSON arguments.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const WEB = path.join(__dirname, "..", "..", "briefmap", "drawing", "web");
const ELEMENTS = ["map-control.js", "fit-when-sized.js", "focus-without-scrolling.js", "zoom-class.js", "hatch-patterns.js",
    "label-room.js", "tab-stops.js"];

// Evaluate a file in a context with the given globals; it must yield a function.
function load(name, globals) {
    const fn = vm.runInNewContext(fs.readFileSync(path.join(WEB, name), "utf8"), globals || {});
    assert.equal(typeof fn, "function", name);
    return fn;
}

test("every map element script is one function expression", () => {
    for (const name of ELEMENTS) {
        load(name);
    }
});

// A Leaflet stand-in: controls that record where they were added and removed.
function fakeLeaflet() {
    const made = [];
    const L = {
        control(options) {
            const control = {options, addTo(map) { map.controls.push(this); this.div = this.onAdd(); return this; }};
            made.push(control);
            return control;
        },
        DomUtil: {create(tag, cls) { return {tag, className: cls, innerHTML: ""}; }},
        DomEvent: {disableClickPropagation() {}, disableScrollPropagation() {}},
    };
    const map = {
        controls: [],
        removeControl(control) { this.controls = this.controls.filter((c) => c !== control); },
    };
    return {L, map, made};
}

test("map-control puts its HTML in a control and replaces the one in the same slot", () => {
    const {L, map} = fakeLeaflet();
    const control = load("map-control.js", {L});
    control(map, "__briefmap_legend", "topright", "bm-legend", "<b>one</b>");
    control(map, "__briefmap_legend", "topright", "bm-legend", "<b>two</b>");
    control(map, "__briefmap_footnote", "bottomleft", "bm-footnote", "note");
    assert.deepEqual(map.controls.map((c) => [c.options.position, c.div.className, c.div.innerHTML]), [
        ["topright", "bm-legend", "<b>two</b>"],
        ["bottomleft", "bm-footnote", "note"],
    ]);
    assert.equal(map.__briefmap_legend.div.innerHTML, "<b>two</b>");
});

test("zoom-class marks the container bm-far below the zoom it is given, and follows zooms", () => {
    const classes = new Set();
    let zoom = 7;
    const handlers = {};
    const map = {
        getZoom: () => zoom,
        on(name, fn) { handlers[name] = fn; },
        getContainer: () => ({classList: {toggle(name, on) { if (on) { classes.add(name); } else { classes.delete(name); } }}}),
    };
    load("zoom-class.js")(map, 9);
    assert.ok(classes.has("bm-far"));
    zoom = 9;
    handlers.zoomend();
    assert.ok(!classes.has("bm-far"));
});

test("map-control with empty HTML takes the slot's control away and adds none", () => {
    const {L, map} = fakeLeaflet();
    const control = load("map-control.js", {L});
    control(map, "__briefmap_asof", "topleft", "bm-asof-banner", "<strong>As of 15 Oct 2025</strong>");
    assert.equal(map.controls.length, 1);
    control(map, "__briefmap_asof", "topleft", "bm-asof-banner", "");
    assert.deepEqual(map.controls, []);
    assert.equal(map.__briefmap_asof, null);
    control(map, "__briefmap_asof", "topleft", "bm-asof-banner", "");  // and again: nothing to remove
    assert.deepEqual(map.controls, []);
});

// A label stand-in: a box on the page, classes, and a data-rank.
function label(cls, box, rank) {
    const classes = new Set([cls]);
    return {
        classList: {
            contains: (c) => classes.has(c),
            toggle: (c, on) => (on ? classes.add(c) : classes.delete(c)),
            remove: (c) => classes.delete(c),
        },
        hidden: () => classes.has("bm-label-crowded"),
        getAttribute: (name) => (name === "data-rank" && rank !== undefined ? String(rank) : null),
        getBoundingClientRect: () => ({...box, right: box.left + box.width, bottom: box.top + box.height}),
    };
}

function roomFor(labels) {
    const events = [];
    const map = {
        getContainer: () => ({querySelectorAll: () => labels}),
        on(names, fn) { events.push(names); },
    };
    const frames = [];
    const room = load("label-room.js", {requestAnimationFrame: (fn) => frames.push(fn)});
    room(map);
    frames.shift()();  // the first pass, one frame after the map is set up
    return {map, events};
}

test("label-room hides a label that overlaps a stronger one, and the city names first", () => {
    const box = (left, top, width = 60) => ({left, top, width, height: 14});
    const reported = label("bm-label", box(100, 100), 2);  // Amuda, reported
    const confirmed = label("bm-label", box(130, 105), 0);  // Qamishli, confirmed, drawn later
    const apart = label("bm-label", box(400, 100), 3);
    const city = label("bm-outline-name", box(405, 108));  // a city of the outline under a place
    const far = label("bm-label", {left: 0, top: 0, width: 0, height: 0}, 0);  // display: none
    const {map, events} = roomFor([reported, confirmed, apart, city, far]);
    assert.equal(reported.hidden(), true, "the weaker of two overlapping labels yields");
    assert.equal(confirmed.hidden(), false);
    assert.equal(apart.hidden(), false);
    assert.equal(city.hidden(), true, "an outline's city yields to a place");
    assert.equal(far.hidden(), false, "a label that takes no room hides nothing and is not hidden");
    assert.equal(map.__briefmapLabelsHidden, 2);
    assert.match(events.join(" "), /zoomend/);
    assert.match(events.join(" "), /layeradd/);
});

test("label-room: among equals the first keeps its room; labels apart all show", () => {
    const box = (left) => ({left, top: 10, width: 50, height: 14});
    const first = label("bm-label", box(0), 1);
    const second = label("bm-label", box(30), 1);
    const third = label("bm-label", box(200), 1);
    roomFor([first, second, third]);
    assert.deepEqual([first.hidden(), second.hidden(), third.hidden()], [false, true, false]);
});

test("tab-stops names the map and takes every shape, now and later, out of the tab order", () => {
    const element = () => {
        const attrs = {};
        return {attrs, setAttribute(name, value) { attrs[name] = String(value); }};
    };
    const container = element();
    const area = {_path: element()};
    const marker = {_icon: element()};  // no _path: a marker stays a tab stop
    const handlers = {};
    const map = {
        getContainer: () => container,
        eachLayer(fn) { [area, marker].forEach(fn); },
        on(name, fn) { handlers[name] = fn; },
    };
    load("tab-stops.js")(map, "Map. Tab goes to its places.");
    assert.equal(container.attrs.role, "region");
    assert.equal(container.attrs["aria-label"], "Map. Tab goes to its places.");
    assert.equal(area._path.attrs.tabindex, "-1");
    assert.deepEqual(marker._icon.attrs, {});
    // A shape of layers swapped in later (a filter change), and a layer without one.
    const arrow = {_path: element()};
    handlers.layeradd({layer: arrow});
    handlers.layeradd({layer: {}});
    assert.equal(arrow._path.attrs.tabindex, "-1");
    assert.equal(arrow._path.attrs.focusable, "false");
});
