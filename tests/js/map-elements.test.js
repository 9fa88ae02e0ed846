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
const ELEMENTS = ["map-control.js", "fit-when-sized.js", "streamlit-folium-report.js", "focus-without-scrolling.js",
    "zoom-class.js", "hatch-patterns.js", "label-room.js", "tab-stops.js"];

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

// A label stand-in: a box on the page (another once flipped), classes, and a data-rank.
function label(cls, box, rank, flipped, own) {
    const classes = new Set([cls]);
    const rect = (b) => ({...b, right: b.left + b.width, bottom: b.top + b.height});
    return {
        closest: (sel) => (sel === ".bm-point" ? own || null : null),
        classList: {
            contains: (c) => classes.has(c),
            toggle: (c, on) => (on ? classes.add(c) : classes.delete(c)),
            add: (c) => classes.add(c),
            remove: (c) => classes.delete(c),
        },
        hidden: () => classes.has("bm-label-crowded"),
        flipped: () => classes.has("bm-label-flip"),
        getAttribute: (name) => (name === "data-rank" && rank !== undefined ? String(rank) : null),
        getBoundingClientRect: () => rect(classes.has("bm-label-flip") && flipped ? flipped : box),
    };
}

// A change badge stand-in: its box moves with the transform label-room gives it;
// its icon sits 14 px right of the badge's place, as Leaflet's negative margin says.
function badge(box) {
    const classes = new Set(["bm-change"]);
    const attributes = {};
    const el = {
        style: {transform: ""},
        classList: {add: (c) => classes.add(c), remove: (c) => classes.delete(c), contains: (c) => classes.has(c)},
        merged: () => classes.has("bm-change-merged"),
        setAttribute: (k, v) => { attributes[k] = v; },
        removeAttribute: (k) => { delete attributes[k]; },
        attribute: (k) => attributes[k],
        offset() {
            const m = /translate\((-?[\d.]+)px, (-?[\d.]+)px\)/.exec(el.style.transform);
            return m ? [Number(m[1]), Number(m[2])] : [0, 0];
        },
        getBoundingClientRect() {
            const [dx, dy] = el.offset();
            const left = box.left + dx, top = box.top + dy;
            return {left, top, width: box.width, height: box.height, right: left + box.width, bottom: top + box.height};
        },
        parentNode: {style: {marginLeft: "14px"}, getBoundingClientRect: () => ({left: box.left, top: box.top})},
    };
    return el;
}

// A place's marker stand-in: its drawn symbol's box (the svg it holds).
function marker(box) {
    const rect = {...box, right: box.left + box.width, bottom: box.top + box.height};
    return {querySelector: (sel) => (sel === "svg" ? {getBoundingClientRect: () => rect} : null)};
}

// A control stand-in (the legend, the footnote): its box.
function controlBox(box) {
    return {getBoundingClientRect: () => ({...box, right: box.left + box.width, bottom: box.top + box.height})};
}

function roomFor(labels, badges = [], frame = {left: 0, top: 0, right: 2000, bottom: 2000}, markers = [], controls = []) {
    const events = [];
    const bySelector = {".bm-change": badges, ".bm-point": markers, ".leaflet-control": controls};
    const map = {
        getContainer: () => ({
            querySelectorAll: (sel) => bySelector[sel] || labels,
            getBoundingClientRect: () => frame,
        }),
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

const overlapping = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

test("label-room stacks badges that would overlap, and labels give way to badges", () => {
    const first = badge({left: 100, top: 100, width: 40, height: 21});
    const second = badge({left: 110, top: 104, width: 40, height: 21});  // a neighbour's badge
    const name = label("bm-label", {left: 300, top: 90, width: 80, height: 14}, 0);
    const under = badge({left: 290, top: 85, width: 40, height: 21});
    roomFor([name], [first, second, under]);
    assert.deepEqual(first.offset(), [0, 0], "the first badge keeps its place");
    assert.equal(second.offset()[0], 0);
    assert.ok(second.offset()[1] < 0, "the second is stacked above it");
    assert.ok(!overlapping(first.getBoundingClientRect(), second.getBoundingClientRect()));
    // The third badge found no spot off the name within its steps clear of both: it keeps
    // a spot clear of badges, and the strongest place's name still yields to it.
    const moved = under.getBoundingClientRect();
    assert.equal(name.hidden(), overlapping(moved, name.getBoundingClientRect()));
});

test("label-room moves a badge off a place name when it can", () => {
    const name = label("bm-label", {left: 100, top: 120, width: 120, height: 14}, 0);
    const own = badge({left: 100, top: 110, width: 40, height: 21});  // on its place's own label
    roomFor([name], [own]);
    assert.ok(!overlapping(own.getBoundingClientRect(), name.getBoundingClientRect()));
    assert.equal(name.hidden(), false);
});

test("label-room merges a badge with no room near its place into the one in its way", () => {
    const pile = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(() => badge({left: 500, top: 500, width: 40, height: 21}));
    roomFor([], pile);
    const shown = pile.filter((b) => !b.merged());
    const merged = pile.filter((b) => b.merged());
    assert.equal(shown.length, 10, "its own place, two up, two down, and the same on the other side");
    assert.equal(merged.length, 2);
    assert.equal(pile[0].attribute("data-more"), "+2", "the first badge counts the two merged into it");
    shown.forEach((a, i) => shown.slice(i + 1).forEach((b) => {
        assert.ok(!overlapping(a.getBoundingClientRect(), b.getBoundingClientRect()));
    }));
    roomFor([], pile);  // every pass starts afresh
    assert.equal(pile[0].attribute("data-more"), "+2");
});

test("label-room flips a label the map's edge would cut, and hides it if neither side fits", () => {
    const frame = {left: 0, top: 0, right: 500, bottom: 400};
    const h = 14;
    // Kobani by the right edge: to its marker's left it fits.
    const kobani = label("bm-label", {left: 470, top: 50, width: 50, height: h}, 1, {left: 390, top: 50, width: 50, height: h});
    // Latakia by the left edge, labelled left of its marker: flipped, it fits on the right.
    const latakia = label("bm-label", {left: -20, top: 100, width: 50, height: h}, 1, {left: 60, top: 100, width: 50, height: h});
    // Too long for either side of a marker near the edge.
    const long = label("bm-label", {left: 450, top: 200, width: 300, height: h}, 1, {left: -10, top: 200, width: 300, height: h});
    const away = label("bm-label", {left: 900, top: 50, width: 50, height: h}, 1, {left: 820, top: 50, width: 50, height: h});
    const {map} = roomFor([kobani, latakia, long, away], [], frame);
    assert.deepEqual([kobani.flipped(), kobani.hidden()], [true, false]);
    assert.deepEqual([latakia.flipped(), latakia.hidden()], [true, false]);
    assert.deepEqual([long.flipped(), long.hidden()], [false, true], "no room either side: hidden where it was");
    assert.deepEqual([away.flipped(), away.hidden()], [false, false], "a label wholly off the map is left alone");
    assert.equal(map.__briefmapLabelsHidden, 1);
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

test("label-room keeps a label off other places' markers and the map's controls (issue 25)", () => {
    const box = (left, top, width = 80) => ({left, top, width, height: 14});
    // Qamishli airport's label, right of its own marker, runs through Qamishli's marker:
    // it flips to its left, clear of both.
    const airport = marker(box(100, 100, 24));
    const town = marker(box(150, 98, 24));
    const crossing = label("bm-label", box(128, 103), 0, box(-8, 103), airport);
    // A label whose both sides cross a marker is hidden, however strong.
    const boxed = marker(box(400, 100, 24));
    const between = label("bm-label", box(428, 103), 0, box(292, 103), boxed);
    const right = marker(box(480, 98, 24));
    const left = marker(box(330, 98, 24));
    // A label lying over its own marker only is where it belongs.
    const ownMarker = marker(box(700, 100, 24));
    const onOwn = label("bm-label", box(705, 103), 3, undefined, ownMarker);
    // A label under a control (the footnote) flips off it.
    const footnote = controlBox(box(900, 90, 100));
    const under = label("bm-label", box(950, 100), 1, box(800, 100), marker(box(920, 100, 24)));
    const frame = {left: -20, top: 0, right: 2000, bottom: 2000};
    roomFor([crossing, between, onOwn, under], [], frame, [airport, town, boxed, right, left, ownMarker], [footnote]);
    assert.deepEqual([crossing.hidden(), crossing.flipped()], [false, true]);
    assert.equal(between.hidden(), true, "no side clear of a marker: hidden");
    assert.deepEqual([onOwn.hidden(), onOwn.flipped()], [false, false]);
    assert.deepEqual([under.hidden(), under.flipped()], [false, true]);
});
