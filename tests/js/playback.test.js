// Time playback's rewind (briefmap/drawing/web/playback.js) under Node, on small
// hand-made tapes. tests/test_playback.py checks it against the server's "as of"
// on generated catalogs; these name the rules one at a time.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const pb = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "playback.js"));

const D = pb.dayOf;
// Styles by (status * 3 + posture) * 2 + point: [weight, dash, fill, opacity], made up.
const Y = Array.from({length: 30}, (_, i) => [i, "", 1, 0.5]);

// Two places (a point, an outline); claims as [actor, context, lead rank, places, steps].
function tape(claims, extra = {}) {
    const sk = [0], sd = [], ss = [];
    for (const c of claims) {
        for (const [day, code] of c[4]) { sd.push(D(day)); ss.push(code); }
        sk.push(sd.length);
    }
    return {
        v: 1, asof: D("2025-06-30"), span: [D("2015-01-01"), D("2026-01-26")],
        A: ["#aa0000", "#0000aa"], p: ["pt", "area"], pt: [1, 0], px: [0, 0], py: [0, 0],
        ca: claims.map((c) => c[0]), cx: claims.map((c) => c[1]), cr: claims.map((c) => c[2]),
        cq: claims.map((c) => c[3]), sk, sd, ss, fs: null, fd: "include",
        rd: [D("2015-01-01"), D("2020-01-01")], rc: [1, 3], Y, H: [], ...extra,
    };
}

// status rank * 3 + posture (current 0, proposed 1, former 2)
const CONFIRMED_CURRENT = 0, REPORTED_CURRENT = 6, REPORTED_PROPOSED = 7, CONFIRMED_FORMER = 2;

test("days count from 1970 as the server's tape does, and back", () => {
    assert.equal(D("1970-01-02"), 1);
    assert.equal(pb.textOf(D("2016-02-29")), "2016-02-29");
    assert.equal(D("2016-2-29"), null);
});

test("a claim shows from its reported day, at each step's state from that step's day", () => {
    const t = tape([[0, 0, 0, [0], [["2015-01-01", REPORTED_CURRENT], ["2019-05-02", CONFIRMED_CURRENT],
        ["2025-06-30", CONFIRMED_FORMER]]]]);
    assert.equal(pb.stateOf(t, 0, D("2014-12-31")), -1);
    assert.equal(pb.stateOf(t, 0, D("2015-01-01")), REPORTED_CURRENT);
    assert.equal(pb.stateOf(t, 0, D("2019-05-01")), REPORTED_CURRENT);
    assert.equal(pb.stateOf(t, 0, D("2019-05-02")), CONFIRMED_CURRENT);
    assert.equal(pb.stateOf(t, 0, D("2030-01-01")), CONFIRMED_FORMER);
    // Former: drawn in the former layer (2), hollow style of its own.
    const fr = pb.frame(t, D("2026-01-01"));
    assert.equal(fr.lead[2 * 2 + 0], 0);
    assert.equal(fr.lead[4 * 2 + 0], -1);
    assert.deepEqual(pb.styleOf(t, fr, 2 * 2 + 0), ["#aa0000", ...Y[CONFIRMED_FORMER * 2 + 1]]);
});

test("the lead claim is the strongest status, then the lower lead rank (report before context, id)", () => {
    const t = tape([
        [0, 0, 2, [0], [["2015-01-01", REPORTED_CURRENT]]],
        [1, 1, 1, [0], [["2020-01-01", REPORTED_CURRENT]]],
        [1, 0, 0, [0, 1], [["2020-01-01", CONFIRMED_CURRENT], ["2021-01-01", REPORTED_CURRENT]]],
    ]);
    let fr = pb.frame(t, D("2020-06-01"));
    // Sites layer (4) of place 0: claims 0 and 2 (claim 1 is context: layer 1).
    assert.equal(fr.lead[4 * 2 + 0], 2);
    assert.equal(fr.count[4 * 2 + 0], 2);
    assert.equal(fr.lead[1 * 2 + 0], 1);
    // The outline (place 1) is in the regions layer (0).
    assert.equal(fr.lead[0 * 2 + 1], 2);
    assert.deepEqual(pb.tallyOf(t, fr, 4 * 2 + 0), [1, 0, 1, 0, 0]);
    fr = pb.frame(t, D("2021-01-01"));
    // Both reported now: claim 2 still leads by its lead rank.
    assert.equal(fr.lead[4 * 2 + 0], 2);
    assert.deepEqual(fr.byStatus, [0, 0, 3, 0, 0]);
    assert.equal(fr.shown, 3);
    assert.equal(fr.total, 3);
});

test("the filter's statuses and deployments read the state on the day", () => {
    const claims = [[0, 0, 0, [0], [["2015-01-01", REPORTED_PROPOSED], ["2018-01-01", CONFIRMED_CURRENT]]]];
    const onlyConfirmed = tape(claims, {fs: [1, 0, 0, 0, 0]});
    assert.equal(pb.frame(onlyConfirmed, D("2017-01-01")).shown, 0);
    assert.equal(pb.frame(onlyConfirmed, D("2018-01-01")).shown, 1);
    const proposals = tape(claims, {fd: "proposed"});
    assert.equal(pb.frame(proposals, D("2017-01-01")).shown, 1);
    assert.equal(pb.frame(proposals, D("2018-01-01")).shown, 0);
    const current = tape(claims, {fd: "current"});
    assert.equal(pb.frame(current, D("2017-01-01")).shown, 0);
});

test("the footnote's total counts every claim reported by the day", () => {
    const t = tape([]);
    assert.equal(pb.totalBy(t, D("2014-01-01")), 0);
    assert.equal(pb.totalBy(t, D("2015-01-01")), 1);
    assert.equal(pb.totalBy(t, D("2019-12-31")), 1);
    assert.equal(pb.totalBy(t, D("2030-01-01")), 3);
});

test("changed places: a feature appearing or changing style between two frames", () => {
    const t = tape([
        [0, 0, 0, [0], [["2015-01-01", REPORTED_CURRENT], ["2019-05-02", CONFIRMED_CURRENT]]],
        [0, 0, 1, [1], [["2015-01-01", REPORTED_CURRENT]]],
    ]);
    const a = pb.frame(t, D("2019-05-01")), b = pb.frame(t, D("2019-05-02"));
    assert.deepEqual(pb.changedPlaces(t, a, b), [0]);
    assert.deepEqual(pb.changedPlaces(t, b, b), []);
    assert.deepEqual(pb.changedPlaces(t, pb.frame(t, D("2014-01-01")), a), [0, 1]);
});

test("steps of a day, a week and a month; a month keeps the day where the month has it", () => {
    assert.equal(pb.stepDay(D("2020-01-31"), "day", 1), D("2020-02-01"));
    assert.equal(pb.stepDay(D("2020-01-31"), "week", -1), D("2020-01-24"));
    assert.equal(pb.stepDay(D("2020-01-31"), "month", 1), D("2020-02-29"));
    assert.equal(pb.stepDay(D("2020-03-15"), "month", -1), D("2020-02-15"));
    assert.equal(pb.stepDay(D("2020-12-15"), "month", 1), D("2021-01-15"));
});
