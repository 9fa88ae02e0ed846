// For the screenshots and browser tests (briefmap/screenshots.py wait_map_settled),
// not the page: true once the map's view has not moved for `quiet` ms.
(quiet) => {
    if (!window.map || !map.getCenter) return false;
    const now = [map.getZoom(), map.getCenter().lat, map.getCenter().lng].join();
    const t = performance.now();
    if (window.__bmView !== now) { window.__bmView = now; window.__bmSince = t; }
    return t - window.__bmSince >= quiet;
}
