// The map's framing and its report (fit-when-sized.js, frame.js,
// streamlit-folium-report.js) and its clicks and keys on markers
// (open-places.js), under Node with a stand-in for Leaflet, the map's corners
// and streamlit-folium's Streamlit object.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const WEB = path.join(__dirname, "..", "..", "briefmap", "drawing", "web");

// Values made in the script's own context, compared as plain data.
const plain = (value) => JSON.parse(JSON.stringify(value));

function load(name, globals) {
    return vm.runInNewContext(fs.readFileSync(path.join(WEB, name), "utf8"), globals);
}

// A map of the given size whose corners hold controls of the given heights.
function fakeMap(size, corners) {
    const listeners = {};
    const domListeners = {};
    const fits = [];
    const rect = (left, top, width, height) => ({left, top, width, height, right: left + width, bottom: top + height});
    const outer = rect(0, 0, size.x, size.y);
    const box = (corner) => {
        const heights = corners[corner] || [];
        let y = 10;
        // A control is its height (50 px wide), or [height, width].
        const children = heights.map((control) => {
            const [h, w] = Array.isArray(control) ? control : [control, 50];
            const top = corner.startsWith("top") ? y : size.y - y - h;
            y += h + 10;
            return {getBoundingClientRect: () => rect(corner.endsWith("left") ? 10 : size.x - 10 - w, top, w, h)};
        });
        return {children, position: "absolute"};
    };
    const container = {
        getBoundingClientRect: () => outer,
        querySelector(selector) {
            const match = /leaflet-(top|bottom)(?:\.leaflet-(left|right))?/.exec(selector);
            if (!match) { return null; }
            return box(`${match[1]} ${match[2] || "left"}`);
        },
        addEventListener(name, fn) { (domListeners[name] = domListeners[name] || []).push(fn); },
    };
    const map = {
        fits,
        getContainer: () => container,
        getSize: () => size,
        getZoom: () => undefined,  // no view set yet, as Leaflet's map before its first
        invalidateSize() {},
        fitBounds(bounds, options) {
            (listeners.movestart || []).forEach((fn) => fn());
            fits.push({bounds, options});
        },
        on(name, fn) { (listeners[name] = listeners[name] || []).push(fn); },
        fire(name) { (listeners[name] || []).forEach((fn) => fn()); },
        dom(name, event) { (domListeners[name] || []).forEach((fn) => fn(event || {})); },
    };
    return map;
}

// Timers run when the test says so; animation frames too, one at a time.
function fakeClock() {
    const queue = [];
    const frames = [];
    let now = 1000;
    return {
        setTimeout(fn) { queue.push(fn); },
        flush() { while (queue.length) { queue.shift()(); } },
        requestAnimationFrame(fn) { frames.push(fn); },
        paint() { frames.splice(0).forEach((fn) => fn()); },
        Date: {now: () => now},
        advance(ms) { now += ms; },
    };
}

// Leaflet's points, as far as fit-when-sized.js uses them.
function point(x, y) {
    if (Array.isArray(x)) { [x, y] = x; } else if (typeof x === "object") { ({x, y} = x); }
    return {
        x, y,
        add(o) { return point(this.x + o.x, this.y + o.y); },
        subtract(o) { return point(this.x - o.x, this.y - o.y); },
        divideBy(n) { return point(this.x / n, this.y / n); },
        distanceTo(o) { return Math.hypot(this.x - o.x, this.y - o.y); },
    };
}

// A map that shows `view` now, with Leaflet's public methods for where a fit
// would take it: the bounds `same` fit at its zoom, any others one zoom in.
function viewedMap(size, view, same) {
    const map = fakeMap(size, {});
    const fitBounds = map.fitBounds;
    map.getZoom = () => view.zoom;
    map.getCenter = () => view.center;
    map.project = (latlng, zoom) => point(latlng.lng * 2 ** zoom, latlng.lat * 2 ** zoom);
    map.unproject = (p, zoom) => ({lat: p.y / 2 ** zoom, lng: p.x / 2 ** zoom});
    map.getBoundsZoom = (bounds) => (bounds.same ? view.zoom : view.zoom + 1);
    map.fitBounds = function (bounds, options) {
        fitBounds(bounds, options);
        if (!bounds.same) { view = {center: {lat: 0, lng: 0}, zoom: view.zoom + 1}; }
    };
    const latLngBounds = (b) => ({
        same: b === same,
        getSouthWest: () => ({lat: b[0][0], lng: b[0][1]}),
        getNorthEast: () => ({lat: b[1][0], lng: b[1][1]}),
    });
    return {map, L: {latLngBounds, point}};
}

// Microtasks (the request's fit) run, timers do not.
const microtasks = () => new Promise((resolve) => setImmediate(resolve));

function framed(size, corners, ready) {
    const clock = fakeClock();
    const sent = [];
    const Streamlit = {setComponentValue(value) { sent.push(value); }};
    const window = {Streamlit, getComputedStyle: (el) => ({position: el.position})};
    const {map, L} = ready || {map: fakeMap(size, corners), L: {}};
    load("fit-when-sized.js", {
        window, L, setTimeout: clock.setTimeout, Date: clock.Date,
        requestAnimationFrame: clock.requestAnimationFrame,
    })(map, 110);
    // Run right after it on the page (FitWhenSized), in streamlit-folium's frame.
    load("streamlit-folium-report.js", {window})(map);
    const frame = load("frame.js", {});
    return {map, clock, sent, Streamlit, frame};
}

const PLACES = {bounds: [[35, 36], [37, 41]], serial: 0, maxZoom: 9, exact: false};

test("places are framed once per request, padded for the corners and the labels", async () => {
    const {map, clock, frame} = framed({x: 800, y: 640}, {"top left": [65], "top right": [25, 48], "bottom left": [35, 43]});
    frame(map, PLACES);
    frame(map, PLACES);  // the same request on a rerun: not framed again
    await microtasks();
    clock.flush();
    assert.equal(map.fits.length, 2);  // the request, and once after load
    const {options} = map.fits[0];
    assert.deepEqual(plain(options.paddingTopLeft), [110 + 16, 10 + 25 + 10 + 48 + 8]);
    assert.deepEqual(plain(options.paddingBottomRight), [110 + 16, 10 + 35 + 10 + 43 + 8]);
    assert.equal(options.maxZoom, 9);
    frame(map, {...PLACES, serial: 1});
    await microtasks();
    assert.equal(map.fits.length, 3);
});

test("the map tells tools when it has settled: the request framed, the refit after load come, no move under way", async () => {
    // map-settled.js reads this; the browser tests and screenshots wait on it
    // instead of a quiet time.
    const {map, clock, frame} = framed({x: 800, y: 640}, {"top left": [65]});
    const progress = () => plain(map.__bmFraming);
    assert.deepEqual(progress(), {asked: null, framed: null, refitted: false, moving: false});
    frame(map, PLACES);
    assert.deepEqual(progress(), {asked: 0, framed: null, refitted: false, moving: false});
    await microtasks();
    assert.equal(progress().framed, 0);
    assert.equal(progress().refitted, false);
    clock.flush();  // the refit after load
    assert.equal(progress().refitted, true);
    frame(map, {...PLACES, serial: 4});
    assert.deepEqual([progress().asked, progress().framed], [4, 0]);  // asked, not yet framed
    await microtasks();
    assert.deepEqual([progress().asked, progress().framed], [4, 4]);
    map.fire("movestart");  // a drag's glide, a zoom's animation
    assert.equal(progress().moving, true);
    map.fire("moveend");
    assert.equal(progress().moving, false);
});

test("a request is framed as soon as the script that brought it ends, before any timer", async () => {
    // A timer would let a fetched layer draw first, at the wrong zoom, and again after the fit.
    const {map, frame} = framed({x: 800, y: 640}, {"top left": [65]});
    frame(map, PLACES);
    assert.equal(map.fits.length, 0);  // not inside the layers' own script: the layer control comes after
    await microtasks();
    assert.equal(map.fits.length, 1);
});

test("a fit to the view the map already shows is not made (Leaflet would redraw every layer)", async () => {
    const bounds = [[35, 36], [37, 41]];
    const ready = viewedMap({x: 800, y: 640}, {center: {lat: 36, lng: 38.5}, zoom: 7}, bounds);
    const {map, clock, frame} = framed(null, null, ready);
    frame(map, {...PLACES, bounds});
    await microtasks();
    clock.flush();  // and the refit after load
    map.fire("resize");  // a resize that leaves the fitted view as it is
    assert.equal(map.fits.length, 0);
    // Bounds the map does not show yet are fitted, once.
    frame(map, {...PLACES, bounds: [[30, 30], [31, 31]], serial: 3});
    await microtasks();
    assert.equal(map.fits.length, 1);
});

test("a control that comes or goes in a corner frames the request again at once", async () => {
    const {map, frame} = framed({x: 800, y: 640}, {"bottom right": [30]});
    frame(map, PLACES);
    await microtasks();
    map.fire("bmcorners");  // outlines.js's basemap note
    assert.equal(map.fits.length, 2);
    map.dom("pointerdown");
    map.fire("movestart");  // the user's own move: theirs to keep
    map.fire("bmcorners");
    assert.equal(map.fits.length, 2);
});

// Leaflet's bounds and a plain projection (x east, y south), for the padding
// chosen corner by corner.
function projected(size, corners) {
    const map = fakeMap(size, corners);
    map.project = (latlng) => point(latlng.lng, -latlng.lat);
    const latLngBounds = (b) => ({
        getSouthWest: () => ({lat: b[0][0], lng: b[0][1]}),
        getNorthEast: () => ({lat: b[1][0], lng: b[1][1]}),
    });
    return {map, L: {latLngBounds, point}};
}

test("on a short map each corner's controls are cleared by their side or their edge, whichever leaves more room", async () => {
    // As bands across the map the controls would take 0.8 of its height: cut to
    // a share, they covered framed places (the basemap's note over an upload's
    // point, issue 25). Wide places: the tall controls are cleared by their sides.
    const ready = projected({x: 390, y: 400}, {"top right": [300], "bottom left": [200]});
    const {map, clock, frame} = framed(null, null, ready);
    frame(map, PLACES);
    await microtasks();
    clock.flush();
    const {paddingTopLeft, paddingBottomRight} = map.fits[0].options;
    assert.deepEqual(plain(paddingTopLeft), [0.15 * 390 + 16, 24]);  // an edge without controls: room for a highlight ring
    assert.deepEqual(plain(paddingBottomRight), [0.15 * 390 + 16, 24]);
    // Tall places, wide controls: each corner by whichever way leaves the box taller.
    const tall = projected({x: 390, y: 400}, {"top right": [[60, 200]], "bottom left": [[300, 120]]});
    const run = framed(null, null, tall);
    run.frame(run.map, {...PLACES, bounds: [[30, 36], [40, 37]]});
    await microtasks();
    const padded = run.map.fits[0].options;
    assert.deepEqual(plain(padded.paddingTopLeft), [10 + 120 + 8, 10 + 60 + 8]);
    assert.deepEqual(plain(padded.paddingBottomRight), [0.15 * 390 + 16, 24]);
});

test("on a map its controls fill the padding is a share of the map, never the whole of it", async () => {
    const full = [[300, 300]];
    const ready = projected({x: 390, y: 400}, {"top right": full, "bottom left": full, "top left": full});
    const {map, clock, frame} = framed(null, null, ready);
    frame(map, PLACES);
    await microtasks();
    clock.flush();
    const {paddingTopLeft, paddingBottomRight} = map.fits[0].options;
    assert.equal(paddingTopLeft[0], 0.15 * 390 + 16);
    assert.ok(paddingTopLeft[1] + paddingBottomRight[1] <= 0.5 * 400 + 1e-9);
});

test("a link's area is framed as it is, with no padding", async () => {
    const {map, clock, frame} = framed({x: 800, y: 640}, {"top left": [65]});
    frame(map, {bounds: [[34, 35], [36, 37]], serial: 2, maxZoom: null, exact: true});
    await microtasks();
    clock.flush();
    assert.deepEqual(plain(map.fits[0].options.padding), [0, 0]);
    assert.equal(map.fits[0].options.maxZoom, undefined);
});

test("the report says moved only after the user's own input, and skips the map's load and the app's own frames", async () => {
    const {map, clock, frame, sent, Streamlit} = framed({x: 800, y: 640}, {});
    frame(map, PLACES);
    await microtasks();
    clock.flush();
    // The map's report of its own load: nothing for the app, nothing sent.
    Streamlit.setComponentValue({bounds: 1, zoom: 7, last_object_clicked: null});
    assert.equal(sent.length, 0);
    // The app's frame moved the map: nothing new for the app, nothing sent.
    Streamlit.setComponentValue({bounds: 2, zoom: 8, last_object_clicked: null});
    assert.equal(sent.length, 0);
    // A click is news.
    Streamlit.setComponentValue({bounds: 2, zoom: 8, last_object_clicked: {lat: 1, lng: 2}});
    assert.equal(sent.length, 1);
    assert.deepEqual(plain(sent[0].briefmap), {moved: false, place: null, playback: null});
    // A move long after any input (a resize) is not the user's either.
    clock.advance(5000);
    map.fire("movestart");
    assert.equal(map.__bmReport.moved, false);
    // A drag: input, then the move.
    map.dom("pointerdown");
    map.fire("movestart");
    Streamlit.setComponentValue({bounds: 3, zoom: 8, last_object_clicked: {lat: 1, lng: 2}});
    assert.equal(sent.length, 2);
    Streamlit.setComponentValue({bounds: 4, zoom: 8, last_object_clicked: {lat: 1, lng: 2}});
    assert.equal(sent.length, 3);  // another move, the same click: still sent
    assert.equal(sent[1].briefmap.moved, true);
    assert.equal(sent[2].bounds, 4);
    // A new frame forgets the move.
    frame(map, {...PLACES, serial: 5});
    assert.equal(map.__bmReport.moved, false);
});

test("Enter on a focused marker clicks it with its position; a click names its place", () => {
    const report = {};
    const listeners = {};
    const clicks = [];
    let tooltipClosed = 0;
    const label = {getAttribute: () => "qamishli"};
    const icon = {querySelector: (sel) => (sel === "[data-place]" ? label : null)};
    icon.closest = () => icon;
    const marker = {
        _icon: icon,
        getLatLng: () => ({lat: 37.05, lng: 41.22}),
        fire(name, data) { clicks.push([name, data.latlng]); },
        closeTooltip() { tooltipClosed += 1; },
    };
    const map = {
        __bmReport: report,
        eachLayer(fn) { fn({}); fn(marker); },
        getContainer: () => ({addEventListener(name, fn) { listeners[name] = fn; }}),
    };
    const clock = fakeClock();
    load("open-places.js", {setTimeout: clock.setTimeout})(map);
    let prevented = 0;
    const key = (k) => ({key: k, target: icon, preventDefault() { prevented += 1; }, stopPropagation() {}});
    listeners.keydown(key("Tab"));
    assert.deepEqual(clicks, []);
    listeners.keydown(key("Enter"));
    listeners.keydown(key(" "));
    assert.deepEqual(clicks, [["click", {lat: 37.05, lng: 41.22}], ["click", {lat: 37.05, lng: 41.22}]]);
    assert.equal(prevented, 2);
    assert.equal(report.place, "qamishli");
    // A click elsewhere (a canvas point, an outline) names no place.
    listeners.click({target: {closest: () => null}});
    assert.equal(report.place, null);
    listeners.click({target: icon});
    clock.flush();
    assert.equal(report.place, "qamishli");
    assert.equal(tooltipClosed, 3);
});
