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
    // The fetches in flight, in the order they were asked for. Layers fetched
    // together are drawn together: each arrived in a task of its own, and the
    // canvas drew every point again for each (three full draws of 100,000
    // claims, 0.1 s each, on the first map). One that takes longer than
    // HOLD_MS does not hold the others back any longer.
    var queue = [];
    var HOLD_MS = 1000;
    var holding = null;

    function flush() {
        if (holding !== null) { clearTimeout(holding); holding = null; }
        var waiting = [], failed = null;
        queue.forEach(function (entry) {
            if (!entry.run) { waiting.push(entry); return; }
            // One layer that fails to draw does not keep the others off the map;
            // its error is thrown after them (the fetch's promise rejects with it).
            try { entry.run(); } catch (error) { failed = failed || error; }
        });
        queue = waiting;
        if (failed) { throw failed; }
    }

    function settle(entry, run) {
        entry.run = run;
        if (queue.every(function (e) { return e.run; })) {
            flush();
        } else if (holding === null) {
            holding = setTimeout(flush, HOLD_MS);
        }
    }

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
        var entry = {run: null};
        queue.push(entry);
        return fetchFn(href).then(readGzippedJson).then(function (payload) {
            settle(entry, function () { if (latest[key] === href) { draw(payload); } });
        }, function (error) {
            settle(entry, function () {
                if (latest[key] === href) { report(String(error && error.message || error)); }
            });
        });
    }

    if (typeof window === "undefined") {
        if (typeof module !== "undefined") {
            module.exports = {fetchPayload: fetchPayload};
        }
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
