// A canvas layer's payload fetched as a gzipped file (briefmap/drawing/web/payload-fetch.js)
// under Node, with a stand-in fetch. tests/browser/test_browser_scale.py fetches real ones.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const zlib = require("node:zlib");

const {fetchPayload} = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "payload-fetch.js"));

// A fetch that answers each href with its gzipped JSON (or a status), when released.
function server(files) {
    const pending = [];
    const fetchFn = (href) => new Promise((resolve) => {
        pending.push(() => {
            const body = files[href];
            resolve(body === undefined
                ? new Response("missing", {status: 404})
                : new Response(zlib.gzipSync(Buffer.from(JSON.stringify(body)))));
        });
    });
    return {fetchFn, release: (i) => pending[i]()};
}

test("a layer's file is gunzipped and parsed, and drawn", async () => {
    const payload = {x: [1, 2, 3], layer: "Current", T: ["Tartus \u2013 \u0637\u0631\u0637\u0648\u0633", "<b>x</b>"]};
    const {fetchFn, release} = server({"a.json.gz": payload});
    const drawn = [], reports = [];
    const done = fetchPayload(fetchFn, "group_1", "a.json.gz", (d) => drawn.push(d), (m) => reports.push(m));
    release(0);
    await done;
    assert.deepEqual(drawn, [payload]);
    assert.deepEqual(reports, []);
});

test("a rerun's newer layer wins even when the older one arrives last", async () => {
    const {fetchFn, release} = server({"old.json.gz": {v: "old"}, "new.json.gz": {v: "new"}});
    const drawn = [];
    const older = fetchPayload(fetchFn, "group_2", "old.json.gz", (d) => drawn.push(d.v), assert.fail);
    const newer = fetchPayload(fetchFn, "group_2", "new.json.gz", (d) => drawn.push(d.v), assert.fail);
    release(1);
    await newer;
    release(0);
    await older;
    assert.deepEqual(drawn, ["new"]);
});

test("layers fetched together are drawn together, in the order they were asked for", async () => {
    // Drawn as each arrived, 100,000 claims were drawn once per layer.
    const {fetchFn, release} = server({"p.json.gz": {v: "p"}, "q.json.gz": {v: "q"}, "r.json.gz": {v: "r"}});
    const drawn = [];
    const p = fetchPayload(fetchFn, "group_p", "p.json.gz", (d) => drawn.push(d.v), assert.fail);
    const q = fetchPayload(fetchFn, "group_q", "q.json.gz", (d) => drawn.push(d.v), assert.fail);
    const r = fetchPayload(fetchFn, "group_r", "missing.json.gz", assert.fail, (m) => drawn.push(m));
    release(1);
    await q;
    release(2);
    await r;
    assert.deepEqual(drawn, []);  // p is still on its way
    release(0);
    await p;
    assert.deepEqual(drawn, ["p", "q", "HTTP 404"]);
});

test("a layer that fails to draw does not keep the ones fetched with it off the map", async () => {
    const {fetchFn, release} = server({"bad.json.gz": {v: "bad"}, "good.json.gz": {v: "good"}});
    const drawn = [];
    const bad = fetchPayload(fetchFn, "group_bad", "bad.json.gz", () => { throw new Error("broken layer"); }, assert.fail);
    const good = fetchPayload(fetchFn, "group_good", "good.json.gz", (d) => drawn.push(d.v), assert.fail);
    release(0);
    release(1);
    const settled = await Promise.allSettled([bad, good]);
    assert.deepEqual(drawn, ["good"]);
    // Not swallowed: the fetch that drew the batch rejects with it.
    assert.deepEqual(settled.filter((r) => r.status === "rejected").map((r) => r.reason.message), ["broken layer"]);
});

test("a layer slow to come does not hold the others back for long", async () => {
    const {fetchFn, release} = server({"fast.json.gz": {v: "fast"}, "slow.json.gz": {v: "slow"}});
    const drawn = [];
    const slow = fetchPayload(fetchFn, "group_s", "slow.json.gz", (d) => drawn.push(d.v), assert.fail);
    const fast = fetchPayload(fetchFn, "group_f", "fast.json.gz", (d) => drawn.push(d.v), assert.fail);
    release(1);
    await fast;
    assert.deepEqual(drawn, []);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    assert.deepEqual(drawn, ["fast"]);
    release(0);
    await slow;
    assert.deepEqual(drawn, ["fast", "slow"]);
});

test("a missing or broken file is reported, not drawn", async () => {
    const broken = () => Promise.resolve(new Response(Buffer.from("not gzip at all")));
    const {fetchFn, release} = server({});
    const reports = [];
    const missing = fetchPayload(fetchFn, "group_3", "gone.json.gz", assert.fail, (m) => reports.push(m));
    release(0);
    await missing;
    await fetchPayload(broken, "group_4", "bad.json.gz", assert.fail, (m) => reports.push(m));
    assert.equal(reports.length, 2);
    assert.match(reports[0], /HTTP 404/);
    assert.ok(reports[1].length > 0);
});
