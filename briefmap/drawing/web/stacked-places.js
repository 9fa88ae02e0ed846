// Stacked places (StackedPlaces in briefmap/drawing/map_elements.py): a click
// whose point falls inside more than one place's drawn symbol offers them all,
// "2 places here: Port X naval base · Port X", each a button that opens its
// place's card as a click on it alone does (issue 25, finding 2: a city lay
// under its naval base, reachable only from the card's list).
//
// The markers are hit where the browser hits them, on their painted shapes
// (elementsFromPoint, as map.css sets their pointer events); the canvas
// renderer finds its points itself (canvas.js hitAll) and calls offer().
// Names reach the page as text (textContent), never as markup.
//
// The file is one expression: a function of the map and the chooser's CSS, with
// its pure helper as a property, for tests/js/stacked-places.test.js.
(function () {
    // The places of the elements under a point (topmost first, as
    // document.elementsFromPoint lists them): one {place, icon} per marker
    // whose drawn shape is there, in that order.
    function placesAt(elements) {
        var out = [], seen = {};
        for (var i = 0; i < elements.length; i++) {
            var el = elements[i];
            var icon = el && el.closest ? el.closest(".leaflet-marker-icon") : null;
            var named = icon ? icon.querySelector("[data-place]") : null;
            var place = named ? named.getAttribute("data-place") : null;
            if (place && !Object.prototype.hasOwnProperty.call(seen, place)) {
                seen[place] = true;
                out.push({place: place, icon: icon, name: named.textContent});
            }
        }
        return out;
    }

    // Where the chooser goes: beside the click, inside the map (w x h), its own
    // size (cw x ch) kept clear of the edges by `margin`.
    function placeChooser(x, y, w, h, cw, ch, margin) {
        var left = Math.min(Math.max(margin, x + 12), Math.max(margin, w - cw - margin));
        var top = y + 12 + ch + margin <= h ? y + 12 : Math.max(margin, y - 12 - ch);
        return {left: left, top: top};
    }

    function setUp(map, css) {
        if (map.__bmStacked) { return; }
        var container = map.getContainer(), box = null, back = null;
        if (css && !document.getElementById("bm-stacked-css")) {
            var style = document.createElement("style");
            style.id = "bm-stacked-css";
            style.textContent = css;
            document.head.appendChild(style);
        }
        function close(refocus) {
            if (!box) { return; }
            box.remove();
            box = null;
            if (refocus && back && back.focus) { back.focus({preventScroll: true}); }
            back = null;
        }
        // choices: [{name, open(event)}], topmost first; at: the click's container point.
        function offer(choices, at) {
            close(false);
            back = document.activeElement && container.contains(document.activeElement)
                ? document.activeElement : container;
            box = L.DomUtil.create("div", "bm-stacked", container);
            box.setAttribute("role", "dialog");
            box.setAttribute("aria-label", choices.length + " places here");
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.disableScrollPropagation(box);
            var title = L.DomUtil.create("span", "bm-stacked-title", box);
            title.textContent = choices.length + " places here: ";
            var buttons = choices.map(function (choice, i) {
                if (i) {
                    var dot = L.DomUtil.create("span", "bm-stacked-sep", box);
                    dot.setAttribute("aria-hidden", "true");
                    dot.textContent = " · ";
                }
                var button = L.DomUtil.create("button", "bm-stacked-choice", box);
                button.type = "button";
                button.textContent = choice.name;
                button.addEventListener("click", function (event) {
                    close(false);
                    choice.open(event);
                });
                return button;
            });
            var shut = L.DomUtil.create("button", "bm-stacked-close", box);
            shut.type = "button";
            shut.setAttribute("aria-label", "Close");
            shut.textContent = "×";
            shut.addEventListener("click", function () { close(true); });
            // The map's own keys (arrows pan, +/- zoom) stay out of the chooser:
            // arrows move between its buttons, Escape closes it.
            box.addEventListener("keydown", function (event) {
                var all = buttons.concat([shut]), at = all.indexOf(document.activeElement);
                if (event.key === "Escape") {
                    close(true);
                } else if ((event.key === "ArrowRight" || event.key === "ArrowDown") && at >= 0) {
                    all[(at + 1) % all.length].focus();
                } else if ((event.key === "ArrowLeft" || event.key === "ArrowUp") && at >= 0) {
                    all[(at + all.length - 1) % all.length].focus();
                } else {
                    event.stopPropagation();
                    return;
                }
                event.preventDefault();
                event.stopPropagation();
            });
            var size = map.getSize();
            var where = placeChooser(at.x, at.y, size.x, size.y, box.offsetWidth, box.offsetHeight, 8);
            box.style.left = where.left + "px";
            box.style.top = where.top + "px";
            buttons[0].focus({preventScroll: true});
        }
        function markerOf(icon) {
            var found = null;
            map.eachLayer(function (layer) { if (layer._icon === icon) { found = layer; } });
            return found;
        }
        // Before Leaflet's own handler (capture): a click on stacked markers goes
        // no further; the chooser opens instead.
        container.addEventListener("click", function (event) {
            if (box && box.contains(event.target)) { return; }
            close(false);
            if (!event.target || !event.target.closest || !event.target.closest(".leaflet-marker-icon")) { return; }
            var here = placesAt(document.elementsFromPoint(event.clientX, event.clientY));
            if (here.length < 2) { return; }
            event.stopPropagation();
            event.preventDefault();
            var report = map.__bmReport || (map.__bmReport = {});
            offer(here.map(function (hit) {
                return {name: hit.name, open: function (chosen) {
                    var marker = markerOf(hit.icon);
                    if (!marker) { return; }
                    report.place = hit.place;
                    marker.fire("click", {latlng: marker.getLatLng(), originalEvent: chosen});
                    if (marker.closeTooltip) { marker.closeTooltip(); }
                }};
            }), map.mouseEventToContainerPoint(event));
        }, true);
        map.on("movestart zoomstart", function () { close(false); });
        map.__bmStacked = {offer: offer, close: close};
    }
    setUp.placesAt = placesAt;
    setUp.placeChooser = placeChooser;
    return setUp;
})()
