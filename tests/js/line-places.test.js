// The canvas renderer's hit test for line places (briefmap/drawing/web/line-places.js)
// under Node: a point near a segment is on the line, one beyond its ends or
// between parts is not, and the line drawn last wins where two cross.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const lines = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "line-places.js"));

test("distance to a segment: across it, past its end, and to a segment of no length", () => {
    assert.equal(lines.segmentDistance(5, 3, 0, 0, 10, 0), 3);
    assert.equal(lines.segmentDistance(13, 4, 0, 0, 10, 0), 5);  // from the end (10, 0)
    assert.equal(lines.segmentDistance(3, 4, 0, 0, 0, 0), 5);
});

test("a point within reach of any segment of any part is on the line", () => {
    const route = [[[0, 0], [100, 0], [100, 100]], [[200, 0], [300, 0]]];
    assert.equal(lines.lineAt([route], 50, 7, lines.REACH), 0);
    assert.equal(lines.lineAt([route], 106, 50, lines.REACH), 0);  // the second segment
    assert.equal(lines.lineAt([route], 250, -8, lines.REACH), 0);  // the second part
    assert.equal(lines.lineAt([route], 50, 9, lines.REACH), -1);   // just out of reach
    assert.equal(lines.lineAt([route], 150, 0, lines.REACH), -1);  // the gap between parts
    assert.equal(lines.lineAt([], 0, 0, lines.REACH), -1);
});

test("where two lines cross, the one drawn last (on top) is hit", () => {
    const across = [[[0, 50], [100, 50]]], down = [[[50, 0], [50, 100]]];
    assert.equal(lines.lineAt([across, down], 50, 50, lines.REACH), 1);
    assert.equal(lines.lineAt([down, across], 50, 50, lines.REACH), 1);
    assert.equal(lines.lineAt([across, down], 10, 50, lines.REACH), 0);
});
