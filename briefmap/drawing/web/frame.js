// Frame what the app asked for (FrameView in briefmap/drawing/map_elements.py).
// It travels with the layers, so it runs each time they are swapped in; the
// base map's fit-when-sized.js frames each request once.
(function (map, request) {
    if (map.__bmFrame) { map.__bmFrame(request); }
})
