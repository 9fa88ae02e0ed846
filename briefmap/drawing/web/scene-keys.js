// A presentation clicker's keys in presentation view (briefmap/app/scenes.py,
// page_heading): a remote sends PageDown/PageUp (some send the arrow keys or
// Space), and the view answered none of them (issue 25, finding 5). Right, Down,
// PageDown and Space go to the next scene; Left, Up, PageUp and Shift+Space to the
// previous one, by clicking the page's own Next/Previous buttons, so that the app's
// state moves exactly as when the briefer clicks them (and a disabled button, at
// either end of the briefing, does nothing). Home and End go to the first and the
// last scene by the row's hidden First/Last buttons (no room for them on screen). Keys are left alone while the briefer
// types or picks in a form control, with Ctrl, Alt or Meta held (the browser's own
// shortcuts), and Space on a focused button or link keeps pressing it. Inside the
// map (its own frame) the arrow keys pan the map: the frame's keys never reach
// this page. It names only the app's own keyed containers, none of Streamlit's
// elements. Run in the page (st.html) and registered once per page, however often
// the script reruns; it acts only while presentation view's heading row is there.
// A scene that names a playback range (scenes.py puts its marker beside this
// script) plays it on the first Next, key or click: the map's frame plays its
// timeline over the range (playback-frame.js, playRange); the next Next goes on.
// Under Node (tests/js/) it exports sceneStep and focusKind.
(function () {
    var NEXT = "next";
    var PREVIOUS = "previous";
    var FIRST = "first";
    var LAST = "last";
    var FORWARD = {PageDown: NEXT, ArrowRight: NEXT, ArrowDown: NEXT};
    var BACK = {PageUp: PREVIOUS, ArrowLeft: PREVIOUS, ArrowUp: PREVIOUS};
    var ENDS = {Home: FIRST, End: LAST};
    // Elements and roles that take keys of their own: text, a choice, a value.
    var FORM_TAGS = ["INPUT", "SELECT", "TEXTAREA"];
    var FORM_ROLES = ["textbox", "searchbox", "combobox", "listbox", "option", "slider",
        "spinbutton", "menu", "menuitem", "radiogroup", "grid", "tree"];
    // Elements and roles that Space presses.
    var PRESS_TAGS = ["BUTTON", "A", "SUMMARY"];
    var PRESS_ROLES = ["button", "link", "checkbox", "switch", "radio", "tab"];

    // What has the focus, as far as the keys are concerned: "form" (a control that
    // takes keys), "press" (a button or link, which Space presses) or "page".
    // `element` is the event's target: tagName, isContentEditable, getAttribute.
    function focusKind(element) {
        if (!element || !element.tagName) { return "page"; }
        var tag = String(element.tagName).toUpperCase();
        var role = (element.getAttribute && element.getAttribute("role")) || "";
        if (FORM_TAGS.indexOf(tag) >= 0 || element.isContentEditable || FORM_ROLES.indexOf(role) >= 0) {
            return "form";
        }
        if (PRESS_TAGS.indexOf(tag) >= 0 || PRESS_ROLES.indexOf(role) >= 0) { return "press"; }
        return "page";
    }

    // The scene step a key press asks for, NEXT, PREVIOUS, FIRST, LAST or null. `press` holds the
    // event's key, ctrlKey, altKey, metaKey and shiftKey; `focus` is focusKind's answer.
    function sceneStep(press, focus) {
        if (press.ctrlKey || press.altKey || press.metaKey || focus === "form") { return null; }
        if (press.key === " " || press.key === "Spacebar") {
            if (focus === "press") { return null; }
            return press.shiftKey ? PREVIOUS : NEXT;
        }
        if (Object.prototype.hasOwnProperty.call(FORWARD, press.key)) { return FORWARD[press.key]; }
        if (Object.prototype.hasOwnProperty.call(BACK, press.key)) { return BACK[press.key]; }
        if (Object.prototype.hasOwnProperty.call(ENDS, press.key)) { return ENDS[press.key]; }
        return null;
    }

    if (typeof window === "undefined") {
        if (typeof module !== "undefined") {
            module.exports = {sceneStep: sceneStep, focusKind: focusKind, NEXT: NEXT, PREVIOUS: PREVIOUS,
                FIRST: FIRST, LAST: LAST};
        }
        return;
    }
    if (window.__bmSceneKeys) { return; }
    window.__bmSceneKeys = true;

    // The buttons in presentation view's heading row (scenes.py keys the row and each
    // button), and the hidden First/Last pair beside this script.
    var BUTTONS = {};
    BUTTONS[NEXT] = ".st-key-bm-present-head .st-key-scene_next button";
    BUTTONS[PREVIOUS] = ".st-key-bm-present-head .st-key-scene_previous button";
    BUTTONS[FIRST] = ".st-key-bm-scene-keys .st-key-scene_first button";
    BUTTONS[LAST] = ".st-key-bm-scene-keys .st-key-scene_last button";

    var MARKER = ".st-key-bm-scene-keys .bm-scene-playback";
    var played = null;  // the scene whose playback the last Next started

    // The map frame's player (same origin: the app serves the component's page).
    function player() {
        var frames = document.querySelectorAll("iframe");
        for (var i = 0; i < frames.length; i++) {
            try {
                var found = frames[i].contentWindow && frames[i].contentWindow.__bmPlayer;
                if (found && found.playRange) { return found; }
            } catch (e) { /* another origin's frame */ }
        }
        return null;
    }

    // True when this Next plays the scene's range instead of leaving the scene.
    function playsScene() {
        var marker = document.querySelector(MARKER);
        if (!marker || !document.querySelector(BUTTONS[NEXT])) { return false; }
        var scene = marker.getAttribute("data-scene");
        var p = player();
        if (scene === played || !p) { return false; }
        played = scene;
        p.playRange(marker.getAttribute("data-from"), marker.getAttribute("data-to"),
            +marker.getAttribute("data-per-second"));
        return true;
    }

    document.addEventListener("keydown", function (event) {
        if (event.defaultPrevented || event.isComposing) { return; }
        var step = sceneStep(event, focusKind(event.target));
        if (step === null) { return; }
        var button = document.querySelector(BUTTONS[step]);
        // Not in presentation view, or no briefing running: the key keeps its meaning.
        if (!button) { return; }
        // The page does not scroll as well; at the briefing's ends the key does nothing.
        event.preventDefault();
        if (step === NEXT && playsScene()) { return; }
        played = null;
        if (!button.disabled) { button.click(); }
    });
    // A click on Next does as the key does; the key's own click (not trusted) goes through.
    document.addEventListener("click", function (event) {
        var next = document.querySelector(BUTTONS[NEXT]);
        if (!event.isTrusted || !next || !next.contains(event.target)) { return; }
        if (playsScene()) {
            event.preventDefault();
            event.stopPropagation();
        } else {
            played = null;
        }
    }, true);
})();
