// A presentation clicker's keys (briefmap/drawing/web/scene-keys.js) under Node;
// tests/browser/test_browser_briefing.py presses them in presentation view.
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const {sceneStep, focusKind, NEXT, PREVIOUS, FIRST, LAST} = require(
    path.join(__dirname, "..", "..", "briefmap", "drawing", "web", "scene-keys.js"));

// A stand-in for the element that has the focus.
function element(tagName, role, editable) {
    return {tagName: tagName, isContentEditable: Boolean(editable), getAttribute: (name) => (name === "role" ? role || null : null)};
}

function press(key, held) {
    return Object.assign({key: key, ctrlKey: false, altKey: false, metaKey: false, shiftKey: false}, held);
}

test("what a clicker sends forward goes to the next scene", () => {
    for (const key of ["PageDown", "ArrowRight", "ArrowDown", " "]) {
        assert.equal(sceneStep(press(key), "page"), NEXT, key);
    }
});

test("what a clicker sends back goes to the previous scene", () => {
    for (const key of ["PageUp", "ArrowLeft", "ArrowUp"]) {
        assert.equal(sceneStep(press(key), "page"), PREVIOUS, key);
    }
    assert.equal(sceneStep(press(" ", {shiftKey: true}), "page"), PREVIOUS);
});

test("other keys, and the browser's shortcuts with Ctrl, Alt or Meta, are left alone", () => {
    for (const key of ["Enter", "Tab", "a", "Escape", "Insert", "F5"]) {
        assert.equal(sceneStep(press(key), "page"), null, key);
    }
    for (const held of [{ctrlKey: true}, {altKey: true}, {metaKey: true}]) {
        assert.equal(sceneStep(press("PageDown", held), "page"), null, JSON.stringify(held));
        assert.equal(sceneStep(press("ArrowLeft", held), "page"), null, JSON.stringify(held));
        assert.equal(sceneStep(press("Home", held), "page"), null, JSON.stringify(held));
        assert.equal(sceneStep(press("End", held), "page"), null, JSON.stringify(held));
    }
});

test("Home and End go to the first and the last scene", () => {
    assert.equal(sceneStep(press("Home"), "page"), FIRST);
    assert.equal(sceneStep(press("End"), "page"), LAST);
    // With Shift too (a clicker's "blank screen" keys are other keys), and on a focused button.
    assert.equal(sceneStep(press("Home", {shiftKey: true}), "page"), FIRST);
    assert.equal(sceneStep(press("End"), "press"), LAST);
});

test("nothing moves while the briefer types or picks in a form control", () => {
    for (const key of ["PageDown", "PageUp", "ArrowRight", "ArrowLeft", "ArrowDown", " ", "Home", "End"]) {
        assert.equal(sceneStep(press(key), "form"), null, key);
    }
});

test("Space on a button or link presses it; the other keys still move the scene", () => {
    assert.equal(sceneStep(press(" "), "press"), null);
    assert.equal(sceneStep(press("PageDown"), "press"), NEXT);
    assert.equal(sceneStep(press("ArrowLeft"), "press"), PREVIOUS);
});

test("form controls, pressable elements and the page are told apart", () => {
    for (const tag of ["INPUT", "SELECT", "TEXTAREA", "input"]) {
        assert.equal(focusKind(element(tag)), "form", tag);
    }
    assert.equal(focusKind(element("DIV", null, true)), "form");
    // Streamlit's select box and slider are divs with roles.
    assert.equal(focusKind(element("DIV", "combobox")), "form");
    assert.equal(focusKind(element("DIV", "slider")), "form");
    for (const tag of ["BUTTON", "A", "SUMMARY"]) {
        assert.equal(focusKind(element(tag)), "press", tag);
    }
    assert.equal(focusKind(element("LABEL", "switch")), "press");
    assert.equal(focusKind(element("BODY")), "page");
    assert.equal(focusKind(element("DIV")), "page");
    assert.equal(focusKind(null), "page");
    assert.equal(focusKind({}), "page");
});
