// streamlit-folium's report of the map, with the app's part added and the
// reports that say nothing new held back (called with the map right after
// fit-when-sized.js, whose state on map.__bmReport it reads; FitWhenSized in
// briefmap/drawing/map_elements.py).
//
// The report gets REPORT_KEY (briefmap/engine/interaction.py): whether the user
// moved the map, and the place of the marker last clicked (open-places.js). A
// report that only says the app's own frame moved the map is not sent: it
// would rerun the app for nothing. Nor is the first, the map's report of its
// own load, unless it carries a click: that rerun came while 100,000 claims
// were being drawn and redrew the whole page beside them.
//
// Written against streamlit-folium 0.27.4, which offers no public way to add to
// its report or hold one back (st_folium's returned_objects only picks among
// its own keys; on_change runs in Python, after the report). Its frame's
// bundle sets window.Streamlit to streamlit-component-lib's Streamlit object
// and sends every report through that object's setComponentValue, which this
// wraps. This is the one file that names them:
// tests/test_streamlit_folium_internals.py fails when the installed
// streamlit-folium is another release or its bundle no longer does either.
(function (map) {
    var lib = window.Streamlit;
    if (!lib || lib.__bmWrapped) { return; }
    var send = lib.setComponentValue;
    var sent = null, last = null;
    lib.__bmWrapped = true;
    lib.setComponentValue = function (data) {
        if (!data || typeof data !== "object") { return send.call(lib, data); }
        last = data;
        var report = map.__bmReport || {moved: false, place: null};
        // playback: the day time playback rests on (playback-frame.js), once it rests.
        var ours = Object.assign({}, data, {
            briefmap: {moved: report.moved, place: report.place, playback: report.playback || null},
        });
        // What the app reads of a report that is not a move (the view is read
        // only from a move: interaction.moved_area). last_clicked, a click off
        // any place, is only in the report of a map that asks for it (the
        // editor's, which sets a new place's pin with it: app/editor_map.py).
        var key = JSON.stringify([
            data.last_object_clicked || null, data.last_object_clicked_count || 0,
            data.last_clicked || null, ours.briefmap,
        ]);
        if (sent === null && !report.moved && !data.last_object_clicked) { sent = key; }
        if (!report.moved && key === sent) { return undefined; }
        sent = key;
        return send.call(lib, ours);
    };
    // Report again with what the map's script added since (playback's day): the
    // bundle reports only on the map's own events.
    map.__bmResend = function () { lib.setComponentValue(last || {}); };
})
