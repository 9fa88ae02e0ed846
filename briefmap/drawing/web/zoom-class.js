// Mark the map's container "bm-far" below a zoom level (ZoomClass in
// briefmap/drawing/map_elements.py); CSS then hides the labels of crowded maps.
(function (map, zoom) {
    function mark() { map.getContainer().classList.toggle("bm-far", map.getZoom() < zoom); }
    map.on("zoomend", mark);
    mark();
})
