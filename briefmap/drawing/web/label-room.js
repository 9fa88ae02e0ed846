// Labels and change badges share the map's room (LabelRoom in
// briefmap/drawing/map_elements.py), after every zoom, move and layer swap:
//
// - Change badges come first: what changed is what a "since" scene is about.
//   A badge that would overlap another is stacked above it (or below, or on
//   the marker's other side), so each stays readable; where it can, a badge
//   also steps off the place labels. With no room near its place it merges
//   into the badge in its way, which counts it.
// - Labels that would overlap a badge or another label are hidden, weakest
//   first: a place with weaker claims under a better sourced one, a city of
//   the outline geography under a place of the data. A label's weight is its
//   data-rank (a place's lead claim's rung of the status ladder, 0 the
//   strongest); the outline's city names come after every place. Among equals
//   the first in the page keeps its room.
// - A label never crosses another place's marker, nor one of the map's
//   controls (legend, footnote, notes, scale): a marker is the place itself,
//   and a control would cut the label short (issue 25, finding 8: an airport's
//   label ran through the marker of the city beside it).
// - A label that would cross the map's edge, a marker, a control, a badge or a
//   stronger label flips to the other side of its marker (bm-label-flip), and
//   is hidden if it does not fit there either: the map's frame would cut it short.
//
// A hidden label only turns transparent: screen readers still hear the
// marker's name, and its tooltip shows it. Each pass first puts every label
// and badge back where it would be, so it measures them afresh.
(function (map) {
    var PAD = 2;  // px kept between two labels
    var CITY_RANK = 100;
    var BADGE_STEPS = 2;  // stacking places tried above, then below, a badge's own

    function rankOf(el) {
        if (el.classList.contains("bm-outline-name")) { return CITY_RANK; }
        var rank = Number(el.getAttribute("data-rank"));
        return isFinite(rank) ? rank : CITY_RANK - 1;
    }

    function overlaps(a, b) {
        return a.left < b.right + PAD && b.left < a.right + PAD && a.top < b.bottom + PAD && b.top < a.bottom + PAD;
    }

    function inside(box, frame) {
        return box.left >= frame.left && box.top >= frame.top && box.right <= frame.right && box.bottom <= frame.bottom;
    }

    function meets(box, frame) {
        return box.left < frame.right && frame.left < box.right && box.top < frame.bottom && frame.top < box.bottom;
    }

    function moved(box, dx, dy) {
        return {left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy};
    }

    function laid(box) { return box.width > 0 && box.height > 0; }  // display: none (far out) takes no room

    function freeOf(box, boxes) {
        return boxes.every(function (other) { return !overlaps(other, box); });
    }

    // The offsets a badge may take, its own place first: stacked upwards,
    // then downwards, then the same on the marker's left.
    function badgeOffsets(box) {
        var step = box.height + PAD;
        var across = 2 * box.pointX - box.left - box.right;  // mirrored across its place
        var dys = [0];
        var i;
        for (i = 1; i <= BADGE_STEPS; i++) { dys.push(-i * step); }
        for (i = 1; i <= BADGE_STEPS; i++) { dys.push(i * step); }
        var offsets = dys.map(function (dy) { return [0, dy]; });
        return offsets.concat(dys.map(function (dy) { return [across, dy]; }));
    }

    // Each badge at the first of its offsets clear of the badges placed
    // before it and of the place names, else clear of the badges only; a
    // badge with no room near its place merges into the one in its way,
    // which then counts it ("NEW +1", data-more): far from its place, a
    // badge would tell the wrong place.
    function placeBadges(badges, labels, frame) {
        var placed = [];
        var names = labels.filter(function (l) { return !l.city && meets(l.box, frame); }).map(function (l) { return l.box; });
        badges.forEach(function (b) {
            var offsets = badgeOffsets(b.box);
            var boxes = placed.map(function (p) { return p.box; });
            var fits = function (o) {
                var box = moved(b.box, o[0], o[1]);
                return inside(box, frame) && freeOf(box, boxes);
            };
            var best = offsets.filter(function (o) { return fits(o) && freeOf(moved(b.box, o[0], o[1]), names); })[0] ||
                offsets.filter(fits)[0];
            if (!best) {
                var into = placed.filter(function (p) { return overlaps(p.box, b.box); })[0] || placed[0];
                if (into) {
                    into.more += 1;
                    b.el.classList.add("bm-change-merged");
                    return;
                }
                best = [0, 0];
            }
            if (best[0] || best[1]) { b.el.style.transform = "translate(" + best[0] + "px, " + best[1] + "px)"; }
            placed.push({el: b.el, box: moved(b.box, best[0], best[1]), more: 0});
        });
        // A count makes its badge wider: measured again, for the labels.
        return placed.map(function (p) {
            if (!p.more) { return p.box; }
            p.el.setAttribute("data-more", "+" + p.more);
            return p.el.getBoundingClientRect();
        });
    }

    // Every place's drawn symbol on the map, with its marker (labels are the
    // markers' children, the symbol its svg).
    function markersIn(container, frame) {
        return Array.prototype.slice.call(container.querySelectorAll(".bm-point")).map(function (el) {
            var symbol = el.querySelector("svg");
            return {el: el, box: symbol ? symbol.getBoundingClientRect() : null};
        }).filter(function (m) { return m.box && laid(m.box) && meets(m.box, frame); });
    }

    // The boxes of the map's controls in its corners, as laid out now.
    function controlsIn(container) {
        return Array.prototype.slice.call(container.querySelectorAll(".leaflet-control")).map(function (el) {
            return el.getBoundingClientRect();
        }).filter(laid);
    }

    function room() {
        var container = map.getContainer();
        var frame = container.getBoundingClientRect();
        var labelEls = Array.prototype.slice.call(container.querySelectorAll(".bm-label, .bm-outline-name"));
        var badgeEls = Array.prototype.slice.call(container.querySelectorAll(".bm-change"));
        labelEls.forEach(function (el) { el.classList.remove("bm-label-flip"); });
        badgeEls.forEach(function (el) {
            el.style.transform = "";
            el.classList.remove("bm-change-merged");
            el.removeAttribute("data-more");
        });
        var labels = labelEls.map(function (el, i) {
            var box = el.getBoundingClientRect();
            return {el: el, i: i, rank: rankOf(el), box: box, city: el.classList.contains("bm-outline-name"), laid: laid(box)};
        });
        var badges = badgeEls.map(function (el) {
            var box = el.getBoundingClientRect();
            // Leaflet shifts an icon off its place by a negative margin (the
            // icon's anchor): the badge's place is its icon's left less that margin.
            var icon = el.parentNode;
            var pointX = icon.getBoundingClientRect().left - (parseFloat(icon.style.marginLeft) || 0);
            var at = {left: box.left, right: box.right, top: box.top, bottom: box.bottom, height: box.height,
                pointX: pointX};
            return {el: el, box: at, laid: laid(box) && meets(box, frame)};
        }).filter(function (b) { return b.laid; });
        var taken = placeBadges(badges, labels, frame);
        var symbols = markersIn(container, frame);
        var controls = controlsIn(container);
        var shown = labels.filter(function (l) { return l.laid; });
        shown.sort(function (a, b) { return a.rank - b.rank || a.i - b.i; });
        var hidden = 0;
        shown.forEach(function (l) {
            // Its own marker is where the label belongs; every other one is in its way.
            var own = l.el.closest(".bm-point");
            var fits = function (box) {
                return inside(box, frame) && freeOf(box, taken) && freeOf(box, controls) &&
                    symbols.every(function (s) { return s.el === own || !overlaps(s.box, box); });
            };
            var box = l.box;
            if (meets(box, frame) && !fits(box)) {
                l.el.classList.add("bm-label-flip");
                box = l.el.getBoundingClientRect();
                if (!fits(box)) {  // no room either side: hidden where it was
                    l.el.classList.remove("bm-label-flip");
                    box = l.box;
                }
            }
            var free = !meets(box, frame) || fits(box);
            l.el.classList.toggle("bm-label-crowded", !free);
            if (!free) {
                hidden += 1;
            } else if (meets(box, frame)) {
                taken.push(box);
            }
        });
        labels.forEach(function (l) { if (!l.laid) { l.el.classList.remove("bm-label-crowded"); } });
        map.__briefmapLabelsHidden = hidden;
    }

    var pending = null;
    function later() {
        if (pending === null) {
            pending = requestAnimationFrame(function () { pending = null; room(); });
        }
    }
    map.on("zoomend moveend layeradd layerremove resize", later);
    later();
})
