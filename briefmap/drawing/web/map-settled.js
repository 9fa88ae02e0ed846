// For the screenshots and browser tests (briefmap/screenshots.py wait_map_settled,
// tests/browser/browser_support.py), not the page: true once the map has settled
// (fit-when-sized.js's map.__bmFraming) and its view has not moved for `quiet` ms
// (0: at once). Settled: the request the app asked for last is framed (or the
// user has moved the map since), the refit after load has come, no move is under
// way, Leaflet has taken in the frame's present size (a resize it has yet to see
// frames the map again), and no tile layer is loading (a basemap that fails
// shows a note in a corner, which frames the map again).
(quiet) => {
    if (!window.map || !map.getCenter || !map.__bmFraming) return false;
    const progress = map.__bmFraming, box = map.getContainer(), size = map.getSize();
    let loading = false;
    map.eachLayer((layer) => { if (layer instanceof L.GridLayer && layer.isLoading()) loading = true; });
    const settled = progress.refitted && !progress.moving && !loading
        && (map.__bmReport.moved || progress.framed === progress.asked)
        && size.x === box.clientWidth && size.y === box.clientHeight;
    const now = [settled, map.getZoom(), map.getCenter().lat, map.getCenter().lng].join();
    const t = performance.now();
    if (window.__bmView !== now) { window.__bmView = now; window.__bmSince = t; }
    return settled && t - window.__bmSince >= quiet;
}
