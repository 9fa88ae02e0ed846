// The Map page's map as tall as the window leaves room for (briefmap/app/map_panel.py
// map_footer), measured rather than guessed: the CSS once took the window's height
// less 250 px, and a data set whose title or caption wrapped onto more lines, or a
// footer row that wrapped, pushed Fit map / Copy link / Export below the fold again
// (issue 13, finding 6). This sets --bm-map-height on the page's root, which
// map-columns.css gives the map's frame; until it runs, that CSS's guess holds. It names
// only the app's own keyed containers, none of Streamlit's elements.
// Run in the page (st.html), once per visit of the Map page; under Node (tests/js/)
// it exports mapHeight.
(function () {
    // Below this the map is too small to brief from: the page scrolls instead.
    var MIN_HEIGHT = 320;
    // Air between the footer and the window's foot.
    var MARGIN = 8;

    // The map's height in a window `windowHeight` tall, the map's top `mapTop` from
    // the page's top, and `below` from the map's foot to its footer's.
    function mapHeight(windowHeight, mapTop, below) {
        return Math.max(MIN_HEIGHT, Math.floor(windowHeight - mapTop - below - MARGIN));
    }

    if (typeof window === "undefined") {
        if (typeof module !== "undefined") { module.exports = {mapHeight: mapHeight, MIN_HEIGHT: MIN_HEIGHT}; }
        return;
    }

    // The map's frame and the footer under it, by the containers map_panel.py keys.
    // The frame's container, not the frame: map-columns.css keeps it at the map's
    // height from the first paint, while the frame is first absent, then 0 px tall
    // until its map has loaded; measured then, the map was sized to the minimum and
    // the page jumped twice (issue 25, finding 4).
    var FRAME = ".st-key-bm-map";
    var FOOTER = ".st-key-bm-map-footer";

    // Every box the frame lies in, up to the page's root: the frame moves down when
    // one of them grows above it (a title that wraps), and one of them scrolls.
    function around(element) {
        var boxes = [];
        for (var box = element.parentElement; box; box = box.parentElement) { boxes.push(box); }
        return boxes;
    }

    var tries = 0;
    function resize() {
        var frame = document.querySelector(FRAME);
        var footer = document.querySelector(FOOTER);
        if (!frame || !footer) {
            // The map not there yet (or another page): look again for a while.
            if (tries++ < 50) { setTimeout(resize, 100); }
            return;
        }
        var boxes = around(frame);
        // The page settles after this first runs (the frame gets its height, the
        // card and notices arrive, the header or the footer wraps onto more lines):
        // measure again whenever the map, its footer or a box around them changes
        // size (observing is idempotent).
        if (window.__bmMapSize) {
            [frame, footer].concat(boxes).forEach(function (box) { window.__bmMapSize.observer.observe(box); });
        }
        // Streamlit scrolls a box of its own, not the window: measure as at scroll 0
        // (the root's scrollTop is the window's).
        var scrolled = boxes.reduce(function (sum, box) { return sum + box.scrollTop; }, 0);
        var map = frame.getBoundingClientRect();
        var foot = footer.getBoundingClientRect();
        var value = mapHeight(window.innerHeight, map.top + scrolled, foot.bottom - map.bottom) + "px";
        var root = document.documentElement.style;
        // Only a change: setting it again would resize the page and call this again.
        if (root.getPropertyValue("--bm-map-height") !== value) {
            root.setProperty("--bm-map-height", value);
        }
    }

    // Streamlit mounts this again on each visit of the Map page, and may replace
    // the elements observed: observe the current ones, with one observer per page.
    var state = window.__bmMapSize;
    if (!state) {
        state = window.__bmMapSize = {observer: new ResizeObserver(resize)};
        window.addEventListener("resize", resize);
    }
    state.observer.disconnect();
    tries = 0;
    resize();
})();
