// Time playback's tape fetched as a file the server may still be building
// (briefmap/drawing/web/playback.js fetchTape, briefmap/app/playback.py): a
// missing file is asked for again until it comes, and only the newest href of
// a map plays.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const pb = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "playback.js"));

// A server whose file is missing for the first `missing` asks; `later` runs at once.
function server(missing, status = 200) {
    const asked = [];
    const fetchFn = (href, options) => {
        asked.push([href, options.cache]);
        const gone = asked.length <= missing;
        return Promise.resolve({status: gone ? 404 : status, ok: !gone && status === 200,
            body: {v: 1, href}});
    };
    const delays = [];
    const later = (run, ms) => { delays.push(ms); run(); };
    const gunzip = (response) => Promise.resolve(response.body);
    return {asked, delays, fetchFn, later, gunzip};
}

test("a tape not written yet is asked for again, less often each time, and played once", async () => {
    const s = server(5), played = [], map = {};
    const done = await pb.fetchTape(map, "/t/a.json.gz", (t) => played.push(t), s.fetchFn, s.later, s.gunzip);
    assert.equal(done, true);
    assert.deepEqual(played, [{v: 1, href: "/t/a.json.gz"}]);
    assert.equal(s.asked.length, 6);
    assert.ok(s.asked.every(([href, cache]) => href === "/t/a.json.gz" && cache === "no-store"));
    assert.deepEqual(s.delays, [250, 500, 1000, 2000, 2000]);
});

test("a newer href for the map (a rerun's filter) stops the older one's asking", async () => {
    const s = server(3), played = [], map = {};
    const later = (run, ms) => { map.__bmTapeHref = "/t/newer.json.gz"; s.later(run, ms); };
    const done = await pb.fetchTape(map, "/t/older.json.gz", (t) => played.push(t), s.fetchFn, later, s.gunzip);
    assert.equal(done, false);
    assert.deepEqual(played, []);
    assert.equal(s.asked.length, 1);
});

test("another error is said, not waited on", async () => {
    const s = server(0, 500), map = {};
    await assert.rejects(pb.fetchTape(map, "/t/a.json.gz", () => assert.fail("played"), s.fetchFn, s.later, s.gunzip),
        /HTTP 500/);
    assert.equal(s.asked.length, 1);
});
