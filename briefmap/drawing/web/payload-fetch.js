// A canvas layer's payload fetched as a file (BulkLayer with an href, briefmap/drawing/bulk.py).
// In the app the payload of a large map is not part of the map's script: 2 to 3 MB
// of component arguments held the page back about a second while Streamlit took
// them in and handed them to this frame (BENCHMARKS.md, "The whole app"). The app
// writes each layer's payload once as a gzipped file under its static folder
// (briefmap/app/layer_files.py); the layer's script fetches it from here. The app's
// static route sends files as they are, so the browser gunzips it itself.
// Inlined before canvas.js; defines window.__briefmapFetchPayload once. Under Node
// (tests/js/) it exports fetchPayload, which takes fetch and a status reporter.
(function () {
    // The newest href asked for under each key (the layer's feature group): a
    // rerun's layer may be fetched while the one it replaces still loads, and
    // only the newest may draw.
    var latest = {};

    function readGzippedJson(response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        var plain = response.body.pipeThrough(new DecompressionStream("gzip"));
        return new Response(plain).text().then(JSON.parse);
    }

    // Fetch `href` and call draw(payload) unless a newer href came under `key`
    // meanwhile; report(message) on failure, so the map says so rather than
    // showing fewer places in silence.
    function fetchPayload(fetchFn, key, href, draw, report) {
        latest[key] = href;
        return fetchFn(href).then(readGzippedJson).then(function (payload) {
            if (latest[key] === href) { draw(payload); }
        }, function (error) {
            if (latest[key] === href) { report(String(error && error.message || error)); }
        });
    }

    if (typeof window === "undefined") {
        if (typeof module !== "undefined") { module.exports = {fetchPayload: fetchPayload}; }
        return;
    }
    if (window.__briefmapFetchPayload) { return; }

    function reporter(map) {
        return function (message) {
            var note = document.createElement("div");
            note.className = "bm-load-failed";
            note.setAttribute("role", "alert");
            note.textContent = "Some of the map's places could not be loaded (" + message +
                "). Reload the page to try again.";
            map.getContainer().appendChild(note);
        };
    }

    window.__briefmapFetchPayload = function (map, key, href, draw) {
        return fetchPayload(window.fetch.bind(window), key, href, draw, reporter(map));
    };
})();
