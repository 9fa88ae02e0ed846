// Frame what the app asks for in the map's own size, refit once the map has
// its real size, and tell the app whether the user moved the map (FitWhenSized
// in briefmap/drawing/map_elements.py says why; frame.js passes the requests).
(function (map, labelRoom) {
    var state = {moved: false, place: null, framing: false, lastInput: 0, drawn: false};
    var current = null;  // the request framed last
    var applied = null;  // its serial
    map.__bmReport = state;

    // How far the controls in each corner reach into the map, in pixels.
    function reach(corner) {
        var box = map.getContainer().querySelector(".leaflet-" + corner.replace(" ", ".leaflet-"));
        var size = {x: 0, y: 0};
        if (!box) { return size; }
        var outer = map.getContainer().getBoundingClientRect();
        Array.prototype.forEach.call(box.children, function (control) {
            var r = control.getBoundingClientRect();
            if (!r.width || !r.height) { return; }
            size.x = Math.max(size.x, corner.indexOf("left") >= 0 ? r.right - outer.left : outer.right - r.left);
            size.y = Math.max(size.y, corner.indexOf("top") >= 0 ? r.bottom - outer.top : outer.bottom - r.top);
        });
        return size;
    }
    // Padding that keeps framed places off the controls (the collapsed legend
    // key, zoom buttons, footnote) and leaves room for labels, never more than
    // a share of the map, whatever its size.
    function padding(request) {
        var size = map.getSize();
        var top = Math.max(reach("top left").y, reach("top right").y) + 8;
        var bottom = Math.max(reach("bottom left").y, reach("bottom right").y) + 8;
        // A link's area is the ground its sender saw, controls and all: framed as it is.
        if (request.exact) { return {padding: [0, 0]}; }
        var side = Math.min(labelRoom, 0.15 * size.x) + 16;
        var scale = Math.min(1, 0.5 * size.y / Math.max(top + bottom, 1));
        return {
            paddingTopLeft: [side, top * scale],
            paddingBottomRight: [side, bottom * scale],
        };
    }
    // Leaflet's stylesheet loads beside the map's script: until it applies,
    // the corners are not in their corners and cannot be measured.
    function styled() {
        var corner = map.getContainer().querySelector(".leaflet-top");
        return !corner || window.getComputedStyle(corner).position === "absolute";
    }
    // Leaflet redraws every layer on a view set without animation, even the
    // view it already shows: at 100,000 claims a refit to the same view cost
    // a fifth of a second. `_getBoundsCenterZoom` is what fitBounds itself
    // computes (Leaflet 1.x; without it, every fit is made).
    function alreadyShows(bounds, options) {
        if (!map._loaded || !map._getBoundsCenterZoom) { return false; }
        var target = map._getBoundsCenterZoom(L.latLngBounds(bounds), options);
        if (target.zoom !== map.getZoom()) { return false; }
        // Within a pixel: the map's own centre is read back from its rounded pixel origin.
        return map.project(target.center, target.zoom).distanceTo(map.project(map.getCenter(), target.zoom)) < 1;
    }
    function fit(request) {
        if (!styled()) {
            setTimeout(function () {
                if (current === request && !state.moved) { fit(request); }
            }, 20);
            return;
        }
        var bounds = request.bounds;
        var options = padding(request);
        options.animate = false;
        if (request.maxZoom) { options.maxZoom = request.maxZoom; }
        state.framing = true;
        try {
            map.invalidateSize({pan: false});
            if (!alreadyShows(bounds, options)) { map.fitBounds(bounds, options); }
        } finally {
            state.framing = false;
        }
    }
    // Called by frame.js each time the layers are swapped in: a request is
    // framed once, and a new one forgets that the user had moved the map.
    map.__bmFrame = function (request) {
        if (applied === request.serial) { return; }
        applied = request.serial;
        current = request;
        state.moved = false;
        // After the layer control, which streamlit-folium adds in the same
        // script just after the layers, but before anything they draw later
        // (a fetched payload, an animation frame): a microtask. Drawn first,
        // 100,000 claims were drawn twice, once at the wrong zoom.
        Promise.resolve().then(function () { if (current === request) { fit(request); } });
    };

    // A move that follows the user's own input (drag, wheel, keys, the zoom
    // buttons) is theirs; the app's frames and the map's resizes are not.
    ["pointerdown", "wheel", "keydown", "dblclick"].forEach(function (name) {
        map.getContainer().addEventListener(name, function () { state.lastInput = Date.now(); }, true);
    });
    map.on("movestart", function () {
        if (!state.framing && Date.now() - state.lastInput < 1000) { state.moved = true; }
    });
    // streamlit-folium creates the map before its frame has its full width:
    // frame again once it has, unless the user has moved the map since.
    map.on("resize", function () { if (current && !state.moved) { fit(current); } });
    // A control came or went in a corner (outlines.js's basemap note): the
    // padding changed. At once, not at the timer below: offline the note comes
    // before the layers are drawn, and a later refit drew them all again.
    map.on("bmcorners", function () { if (current && !state.moved) { fit(current); } });
    setTimeout(function () { if (current && !state.moved) { fit(current); } }, 400);

    // The component's report gets our part (REPORT_KEY in
    // briefmap/engine/interaction.py). A report that only says the app's own
    // frame moved the map is not sent: it would rerun the app for nothing.
    // Nor is the first, the map's report of its own load, unless it carries a
    // click: that rerun came while 100,000 claims were being drawn and
    // redrew the whole page beside them.
    var lib = window.Streamlit;
    if (!lib || lib.__bmWrapped) { return; }
    var send = lib.setComponentValue;
    var sent = null;
    var last = null;  // streamlit-folium's last report
    lib.__bmWrapped = true;
    lib.setComponentValue = function (data) {
        if (!data || typeof data !== "object") { return send.call(lib, data); }
        last = data;
        var report = map.__bmReport || state;
        var ours = Object.assign({}, data, {
            briefmap: {moved: report.moved, place: report.place, drawn: state.drawn || false},
        });
        // What the app reads of a report that is not a move (the view is read
        // only from a move: interaction.moved_area).
        var key = JSON.stringify([
            data.last_object_clicked || null, data.last_object_clicked_count || 0, ours.briefmap,
        ]);
        if (sent === null && !report.moved && !data.last_object_clicked && !state.drawn) { sent = key; }
        if (!report.moved && key === sent) { return undefined; }
        sent = key;
        return send.call(lib, ours);
    };

    // The first map a visit draws says so once its claims are on screen: on a
    // session's first run the app leaves its sidebar to the run this report
    // starts, so that the browser draws the map first (sidebar_after_map in
    // briefmap/app/view.py). Not when the page already shows the sidebar (a
    // visit that began on another page, a click or a move that reran the app
    // first, presentation view, which hides it): that run would change
    // nothing. Not after the user moved the map: that report is on its way,
    // with the bounds the move left (the last report still has the old ones).
    // And once a visit (one page of the app's, shared by the frames of later maps).
    var SIDEBAR = '[data-testid="stSidebarUserContent"] [data-testid="stCheckbox"]';  // SIDEBAR_LAID_OUT in screenshots.py
    var host = null;
    try { host = window.parent !== window && window.parent.document ? window.parent : null; } catch (e) { /* another origin */ }
    function reportDrawn() {
        if (host && (host.__briefmapMapDrawn || host.document.querySelector(SIDEBAR))) { return; }
        if (host) { host.__briefmapMapDrawn = true; }
        if ((map.__bmReport || state).moved) { return; }
        state.drawn = true;
        lib.setComponentValue(last || {});
    }
    // After the map's script has run (its layers have asked for their files),
    // once those have come, the canvas has drawn them (it draws in steps, over
    // frames: canvas-engine.js) and two more frames have painted.
    function painted() {
        var points = map.__briefmapPoints;
        if (points && (points.drawing || points._redrawRequest)) {
            points.once("drawn", painted);
            return;
        }
        requestAnimationFrame(function () { requestAnimationFrame(reportDrawn); });
    }
    setTimeout(function () {
        (window.__briefmapAfterFetches || function (callback) { callback(); })(painted);
    }, 0);
})
