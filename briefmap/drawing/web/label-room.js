// Labels that would overlap another are hidden, weakest first (LabelRoom in
// briefmap/drawing/map_elements.py): Amuda over Qamishli, Damascus under Mount
// Hermon, a city of the outline geography over a place of the data. A label's
// weight is its data-rank (a place's lead claim's rung of the status ladder, 0
// the strongest); the outline's city names come after every place. Among equals
// the first in the page keeps its room. A hidden label only turns transparent:
// it keeps its layout, so the next pass measures it where it would be, and
// screen readers still hear the marker's name; the tooltip shows it too.
(function (map) {
    var PAD = 2;  // px kept between two labels
    var CITY_RANK = 100;

    function rankOf(el) {
        if (el.classList.contains("bm-outline-name")) { return CITY_RANK; }
        var rank = Number(el.getAttribute("data-rank"));
        return isFinite(rank) ? rank : CITY_RANK - 1;
    }

    function overlaps(a, b) {
        return a.left < b.right + PAD && b.left < a.right + PAD && a.top < b.bottom + PAD && b.top < a.bottom + PAD;
    }

    function room() {
        var labels = Array.prototype.slice.call(
            map.getContainer().querySelectorAll(".bm-label, .bm-outline-name"));
        var shown = labels.map(function (el, i) {
            var box = el.getBoundingClientRect();
            return {el: el, i: i, rank: rankOf(el), box: box, laid: box.width > 0 && box.height > 0};
        }).filter(function (l) { return l.laid; });  // display: none (far out) takes no room
        shown.sort(function (a, b) { return a.rank - b.rank || a.i - b.i; });
        var kept = [];
        shown.forEach(function (l) {
            var free = kept.every(function (k) { return !overlaps(k.box, l.box); });
            l.el.classList.toggle("bm-label-crowded", !free);
            if (free) { kept.push(l); }
        });
        labels.forEach(function (el) {
            if (shown.every(function (l) { return l.el !== el; })) { el.classList.remove("bm-label-crowded"); }
        });
        map.__briefmapLabelsHidden = shown.length - kept.length;
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
