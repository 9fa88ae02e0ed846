// A link too long for Streamlit, cut down in the page (briefmap/drawing/web/link-too-long.js)
// under Node; tests/browser/test_browser_hostile_input.py opens one in a real browser.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const {keptQuery} = require(path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "link-too-long.js"));

// As briefmap/app/link.py passes them, with Streamlit 1.67's limits.
const LIMITS = {
    fields: 1000,
    length: 512 * 1024,
    known: ["actor", "status", "q", "z", "area", "scene", "embed"],
    marker: "dropped",
    value: 1000,
};

function padding(n) {
    return Array.from({length: n}, (_, i) => `utm_${i}=x`).join("&");
}

test("a link Streamlit reads is left alone, up to its very limit", () => {
    assert.equal(keptQuery("", LIMITS), null);
    assert.equal(keptQuery("?actor=russia&z=7", LIMITS), null);
    assert.equal(keptQuery("?" + padding(999) + "&actor=russia", LIMITS), null);
});

test("over 1,000 fields: the app's own parameters, the last of each, and the count", () => {
    const search = "?actor=israel&" + padding(1200) + "&actor=russia&q=Tartus+port&embed=true";
    const kept = new URLSearchParams(keptQuery(search, LIMITS));
    assert.deepEqual([...kept.keys()], ["actor", "q", "embed", "dropped"]);
    assert.equal(kept.get("actor"), "russia");
    assert.equal(kept.get("q"), "Tartus port");
    assert.equal(kept.get("embed"), "true");
    assert.equal(kept.get("dropped"), "1204");
});

test("over 512 Ki characters in few fields: cut too, each value to its length", () => {
    const search = "?q=" + "a".repeat(600 * 1024) + "&status=stated";
    const kept = new URLSearchParams(keptQuery(search, LIMITS));
    assert.equal(kept.get("q").length, 1000);
    assert.equal(kept.get("status"), "stated");
    assert.equal(kept.get("dropped"), "2");
});

test("the cut link is under the limits, so the page never opens it twice", () => {
    const search = "?" + padding(5000) + "&dropped=7&" + "z=1&".repeat(3000) + "scene=" + "9".repeat(5000);
    const kept = keptQuery(search, LIMITS);
    assert.equal(new URLSearchParams(kept).get("dropped"), "8002");  // ours, not the link's
    assert.equal(keptQuery(kept, LIMITS), null);
});

test("text in any script survives the cut as the server would read it", () => {
    const search = "?" + padding(1001) + "&q=" + encodeURIComponent("حميميم & Co ١٨");
    assert.equal(new URLSearchParams(keptQuery(search, LIMITS)).get("q"), "حميميم & Co ١٨");
});
