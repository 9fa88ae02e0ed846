// A link too long for Streamlit to read, read again from the browser
// (briefmap/app/link.py, check_link_in_browser). Streamlit 1.67 drops a query
// string of more than 1,000 fields or 512 Ki characters whole and in silence
// (sanitize_query_string in streamlit/runtime/state/query_params.py): the session
// starts as if the link were bare, and a filter the link asked for is not applied.
// The server cannot tell that link from a bare one (st.context.url has no query),
// the page can. Run in the page (st.html) on a session's first run when the server
// read no parameter: if the page's own query is over Streamlit's limits, the page
// is opened again with only the app's own parameters in it (the last of each, as
// the server reads them, each cut to a length), Streamlit's own embed options,
// and `dropped`, the link's number of fields, for the app's notice. The new query
// is far under the limits, so this can never reload twice. Under Node (tests/js/)
// it exports keptQuery.
(function () {
    // limits: {fields, length} as Streamlit reads them; known: the names kept;
    // marker: the name that carries the number of fields; value: the longest value kept.
    // The query to open instead of `search`, or null when Streamlit read it.
    function keptQuery(search, limits) {
        var query = search.charAt(0) === "?" ? search.slice(1) : search;
        // Counted as Streamlit counts them: one more than the ampersands.
        var fields = query ? query.split("&").length : 0;
        if (fields <= limits.fields && query.length <= limits.length) { return null; }
        var last = {};
        var order = [];
        new URLSearchParams(query).forEach(function (value, name) {
            if (name === limits.marker || limits.known.indexOf(name) < 0) { return; }
            if (!Object.prototype.hasOwnProperty.call(last, name)) { order.push(name); }
            last[name] = value.slice(0, limits.value);
        });
        var kept = new URLSearchParams();
        order.forEach(function (name) { kept.append(name, last[name]); });
        kept.append(limits.marker, String(fields));
        return "?" + kept.toString();
    }

    if (typeof window === "undefined") {
        if (typeof module !== "undefined") { module.exports = {keptQuery: keptQuery}; }
        return;
    }
    var limits = window.__bmLinkLimits;
    if (!limits) { return; }
    var kept = keptQuery(window.location.search, limits);
    if (kept !== null) {
        window.location.replace(window.location.pathname + kept + window.location.hash);
    }
})();
