// The briefing pack's scenes (briefmap/drawing/briefing_pack.py): one map whose
// layers and frame change with the scene, one panel per scene, Next/Previous
// buttons and a clicker's keys. A function expression, called with the map, each
// scene's layers (the names of their Leaflet groups) and frame, and the key rules
// of scene-keys.js (sceneStep, focusKind), which the app's presentation view uses
// too: PageDown, Right, Down and Space go on, PageUp, Left, Up and Shift+Space
// back. Home and End go to the first and the last scene. The scene shown is in the
// address (#scene-2), so a reload or a link opens it. Only the page's own
// elements are touched; every text was escaped when the page was written.
(function (map, scenes, keys) {
    var sections = document.querySelectorAll(".bm-pack-scene");
    var previous = document.querySelector(".bm-pack-previous");
    var next = document.querySelector(".bm-pack-next");
    var count = document.querySelector(".bm-pack-count");
    var panel = document.querySelector(".bm-pack-scenes");
    var current = -1;
    var serial = 0;
    // For tools (map-settled.js, the PDF handout, the browser tests), as in the app's frame.
    window.map = map;

    function layersOf(index) {
        return scenes[index].layers.map(function (name) { return window[name]; }).filter(Boolean);
    }
    function frame(scene) {
        serial += 1;
        if (scene.bounds) {
            // fit-when-sized.js frames in the map's own size, clear of its controls.
            map.__bmFrame({bounds: scene.bounds, serial: serial, maxZoom: scene.maxZoom, exact: false});
        } else {
            map.setView(scene.center, scene.zoom, {animate: false});
        }
    }
    function show(index) {
        index = Math.max(0, Math.min(scenes.length - 1, index));
        if (index === current) { return; }
        if (current >= 0) { layersOf(current).forEach(function (layer) { map.removeLayer(layer); }); }
        current = index;
        layersOf(index).forEach(function (layer) { layer.addTo(map); });
        Array.prototype.forEach.call(sections, function (section, at) { section.hidden = at !== index; });
        // A new scene's panel starts at its title, not where the last one was scrolled to.
        if (panel) { panel.scrollTop = 0; }
        count.textContent = (index + 1) + " / " + scenes.length;
        previous.disabled = index === 0;
        next.disabled = index === scenes.length - 1;
        document.body.setAttribute("data-scene", String(index + 1));
        if (window.history && window.history.replaceState) {
            window.history.replaceState(null, "", "#scene-" + (index + 1));
        }
        frame(scenes[index]);
    }
    previous.addEventListener("click", function () { show(current - 1); });
    next.addEventListener("click", function () { show(current + 1); });
    document.addEventListener("keydown", function (event) {
        if (event.defaultPrevented || event.isComposing) { return; }
        var focus = keys.focusKind(event.target);
        var step = keys.sceneStep(event, focus);
        var plain = !(event.ctrlKey || event.altKey || event.metaKey) && focus !== "form";
        var target = null;
        if (step === "next") { target = current + 1; }
        else if (step === "previous") { target = current - 1; }
        else if (plain && event.key === "Home") { target = 0; }
        else if (plain && event.key === "End") { target = scenes.length - 1; }
        if (target === null) { return; }
        // The page does not scroll as well; at either end the key does nothing.
        event.preventDefault();
        show(target);
    });
    function asked() {
        var scene = /^#scene-(\d+)$/.exec(window.location.hash || "");
        return scene ? Number(scene[1]) - 1 : null;
    }
    var first = asked();
    show(first === null ? 0 : first);
    // A link within the page, or #scene-3 typed into the address bar, changes only
    // the hash: no reload, so the page must follow it, or the address names one
    // scene while another is shown. replaceState in show() fires no hashchange.
    window.addEventListener("hashchange", function () {
        var wanted = asked();
        if (wanted !== null) { show(wanted); }
    });
    // The PDF handout steps through the scenes with this.
    window.__bmPack = {
        go: function (number) { show(number - 1); },
        scene: function () { return current + 1; },
        count: scenes.length
    };
})
