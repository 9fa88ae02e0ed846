// Frame what the app asks for in the map's own size, refit once the map has
// its real size, and keep whether the user moved the map on map.__bmReport,
// which streamlit-folium-report.js adds to the map's report (FitWhenSized in
// briefmap/drawing/map_elements.py says why; frame.js passes the requests).
(function (map, labelRoom) {
    var state = {moved: false, place: null, framing: false, lastInput: 0};
    var current = null;  // the request framed last
    var applied = null;  // its serial
    map.__bmReport = state;
    // For tools, not the page (map-settled.js, which the screenshots and browser
    // tests wait on instead of a quiet time): the serial of the request asked for
    // and of the one last framed, whether the refit after load has come, and
    // whether a move (a drag's glide, a zoom's animation) is under way.
    var progress = map.__bmFraming = {asked: null, framed: null, refitted: false, moving: false};

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
    // key, zoom buttons, footnote, the basemap's note) and leaves room for
    // labels, never more than a share of the map, whatever its size.
    var EDGE_ROOM = 24;  // a scene's highlight ring's radius, and 2 px
    function padding(request) {
        var size = map.getSize();
        var corners = {tl: reach("top left"), tr: reach("top right"), bl: reach("bottom left"), br: reach("bottom right")};
        var top = Math.max(corners.tl.y, corners.tr.y) + 8;
        var bottom = Math.max(corners.bl.y, corners.br.y) + 8;
        // A link's area is the ground its sender saw, controls and all: framed as it is.
        if (request.exact) { return {padding: [0, 0]}; }
        var side = Math.min(labelRoom, 0.15 * size.x) + 16;
        // The corners' controls as bands across the map: whatever the places' shape.
        if (top + bottom <= 0.5 * size.y) {
            return {paddingTopLeft: [side, top], paddingBottomRight: [side, bottom]};
        }
        // Too tall for a short map (the map's column at 1280x720 under an upload's
        // lines, a phone): each corner is cleared by its side or by its edge,
        // whichever leaves the places the most room. Bands cut to a share of
        // the map left a framed place under the basemap's note (issue 25).
        return cornerwise(request.bounds, size, side, corners) || {
            paddingTopLeft: [side, top * 0.5 * size.y / (top + bottom)],
            paddingBottomRight: [side, bottom * 0.5 * size.y / (top + bottom)],
        };
    }
    // The padding that keeps each corner's controls off the framed box (the
    // box lies right of or below the top left corner's controls, and so on) in
    // which the bounds are drawn the largest; null if none leaves a box of 40 px
    // and a tenth of the map each way. Sixteen ways: each corner by side or
    // edge. On a phone the corners' controls take most of the map: a small box
    // shows every place, where a box under the controls hid some.
    function cornerwise(bounds, size, side, corners) {
        var box = L.latLngBounds(bounds);
        var sw = map.project(box.getSouthWest(), 0), ne = map.project(box.getNorthEast(), 0);
        var wide = Math.max(Math.abs(ne.x - sw.x), 1e-9), tall = Math.max(Math.abs(sw.y - ne.y), 1e-9);
        var best = null;
        for (var way = 0; way < 16; way++) {
            // An edge without controls still keeps a highlight ring (22 px round
            // its place) inside the map: 8 px clipped the north-east rings of a
            // country-wide scene on a phone.
            var pad = {top: EDGE_ROOM, bottom: EDGE_ROOM, left: side, right: side};
            [["tl", "left", "top"], ["tr", "right", "top"], ["bl", "left", "bottom"], ["br", "right", "bottom"]]
                .forEach(function (corner, i) {
                    var control = corners[corner[0]];
                    if (!control.x || !control.y) { return; }
                    if (way & (1 << i)) {
                        pad[corner[1]] = Math.max(pad[corner[1]], control.x + 8);
                    } else {
                        pad[corner[2]] = Math.max(pad[corner[2]], control.y + 8);
                    }
                });
            var across = size.x - pad.left - pad.right, down = size.y - pad.top - pad.bottom;
            if (across < Math.max(40, 0.1 * size.x) || down < Math.max(40, 0.1 * size.y)) { continue; }
            // At the same scale (the places' shape binds one way only), the larger box:
            // less padding where it is not needed.
            var room = Math.min(across / wide, down / tall), area = across * down;
            if (!best || room > best.room * (1 + 1e-9) || (room >= best.room * (1 - 1e-9) && area > best.area)) {
                best = {room: room, area: area, pad: pad};
            }
        }
        return best && {
            paddingTopLeft: [best.pad.left, best.pad.top],
            paddingBottomRight: [best.pad.right, best.pad.bottom],
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
    // a fifth of a second. So the view fitBounds would set is worked out first,
    // as Leaflet 1.x does it but with its public methods only: the zoom at
    // which the bounds fit inside the padding, and their centre shifted by half
    // the difference between the paddings.
    function fittedView(bounds, options) {
        var topLeft = L.point(options.paddingTopLeft || options.padding || [0, 0]);
        var bottomRight = L.point(options.paddingBottomRight || options.padding || [0, 0]);
        var zoom = map.getBoundsZoom(bounds, false, topLeft.add(bottomRight));
        if (options.maxZoom !== undefined) { zoom = Math.min(options.maxZoom, zoom); }
        if (zoom === Infinity) { return null; }
        var offset = bottomRight.subtract(topLeft).divideBy(2);
        var south = map.project(bounds.getSouthWest(), zoom);
        var north = map.project(bounds.getNorthEast(), zoom);
        return {center: map.unproject(south.add(north).divideBy(2).add(offset), zoom), zoom: zoom};
    }
    function alreadyShows(bounds, options) {
        if (map.getZoom() === undefined) { return false; }  // no view set yet
        var target = fittedView(L.latLngBounds(bounds), options);
        if (!target || target.zoom !== map.getZoom()) { return false; }
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
            progress.framed = request.serial;
        } finally {
            state.framing = false;
        }
    }
    // Called by frame.js each time the layers are swapped in: a request is
    // framed once, and a new one forgets that the user had moved the map.
    map.__bmFrame = function (request) {
        if (applied === request.serial) { return; }
        applied = request.serial;
        progress.asked = request.serial;
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
        progress.moving = true;
        if (!state.framing && Date.now() - state.lastInput < 1000) { state.moved = true; }
    });
    map.on("moveend", function () { progress.moving = false; });
    // streamlit-folium creates the map before its frame has its full width:
    // frame again once it has, unless the user has moved the map since.
    map.on("resize", function () { if (current && !state.moved) { fit(current); } });
    // A control came or went in a corner (outlines.js's basemap note): the
    // padding changed. At once, not at the timer below: offline the note comes
    // before the layers are drawn, and a later refit drew them all again.
    map.on("bmcorners", function () { if (current && !state.moved) { fit(current); } });
    setTimeout(function () {
        progress.refitted = true;
        if (current && !state.moved) { fit(current); }
    }, 400);
})
