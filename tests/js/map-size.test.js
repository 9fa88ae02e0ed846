// The Map page's map height (briefmap/drawing/web/map-size.js) under Node; in the
// page, tests/browser/test_browser_layout.py checks it with a title that wraps.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const {mapHeight, MIN_HEIGHT} = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "map-size.js"));

test("the map takes the window's height less the header above it and the footer below", () => {
    // 720 px window, map from 174 px, footer row 64 px under the map's foot, 8 px of air.
    assert.equal(mapHeight(720, 174, 64), 474);
});

test("a header that wraps onto more lines makes the map shorter by as much", () => {
    assert.equal(mapHeight(720, 174, 64) - mapHeight(720, 274, 64), 100);
});

test("a footer that wraps makes the map shorter by as much", () => {
    assert.equal(mapHeight(1080, 152, 64) - mapHeight(1080, 152, 120), 56);
});

test("the map keeps a readable minimum, and whole pixels", () => {
    assert.equal(mapHeight(400, 300, 120), MIN_HEIGHT);
    assert.ok(Number.isInteger(mapHeight(720.5, 173.3, 64.1)));
});
