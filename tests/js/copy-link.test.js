// The "Copy link" button's copying (briefmap/drawing/web/copy-link.js) under Node;
// tests/browser/test_browser_copy_link.py taps it in Chromium.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const {copyText, COPIED, REFUSED} = require(
    path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "copy-link.js"));

test("a clipboard that takes the text: the link is copied", async () => {
    const written = [];
    const clipboard = {writeText: (text) => { written.push(text); return Promise.resolve(); }};
    assert.deepEqual(await copyText("http://localhost/?q=x", clipboard), {copied: true, message: COPIED});
    assert.deepEqual(written, ["http://localhost/?q=x"]);
});

test("no clipboard (a page without a secure context): copying by hand is asked for", async () => {
    assert.deepEqual(await copyText("link", undefined), {copied: false, message: REFUSED});
    assert.deepEqual(await copyText("link", {}), {copied: false, message: REFUSED});
});

test("a clipboard that refuses, by rejecting or by throwing: copying by hand is asked for", async () => {
    const rejecting = {writeText: () => Promise.reject(new Error("NotAllowedError"))};
    assert.deepEqual(await copyText("link", rejecting), {copied: false, message: REFUSED});
    const throwing = {writeText: () => { throw new Error("NotAllowedError"); }};
    assert.deepEqual(await copyText("link", throwing), {copied: false, message: REFUSED});
});
