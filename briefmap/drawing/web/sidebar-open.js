// The sidebar opened over the page once its stylesheet is in (issue 25, finding 4).
// Streamlit draws its frame (header and main area) full width before the script's
// first message; a sidebar arriving open then pushes that whole frame aside, 300 px
// of a 1280 px window: a layout shift of 0.23, however the app orders its elements.
// So a session's first run asks for the sidebar closed (app.py), streamlit-dom.css
// lays an open sidebar over the page's left edge, with the page's content kept clear
// of it, and this script, run in the page (st.html, from the sidebar), opens it
// once that stylesheet applies: nothing already drawn moves.
// names (window.__bmSidebarNames, from briefmap/app/streamlit_internals.py):
// sidebar, expand: selectors of Streamlit's sidebar and of its "Expand sidebar"
// button; collapsed: the sidebar's attribute saying it is closed; stored: the
// prefix of the key under which Streamlit keeps a reader's choice (open or closed)
// in localStorage; mobile: the widest window in which Streamlit lays the sidebar
// over the page itself, closed; settled: the attribute set on the root element once
// this script has done its part (held.css shows the page's content then; the tests
// and screenshots wait for it); waitMs: how long it waits for the sidebar at most.
// No less-than sign followed by a letter or slash anywhere in this file: the page's
// sanitizer (DOMPurify, in st.html) drops a script whose text looks like a tag.
(function (names) {
    if (!names || window.__bmSidebarOpener) { return; }
    window.__bmSidebarOpener = true;
    var root = document.documentElement;
    var choices = function (value) {
        var keys = [];
        for (var i = 0; i < window.localStorage.length; i += 1) {
            var key = window.localStorage.key(i);
            if (key && key.indexOf(names.stored) === 0 && window.localStorage.getItem(key) === value) {
                keys.push(key);
            }
        }
        return keys;
    };
    // "Open" stored by Streamlit would open the next load's sidebar before its
    // stylesheet, pushing the frame aside: open is what this script does anyway.
    var forgetOpen = function () {
        choices("false").forEach(function (key) { window.localStorage.removeItem(key); });
    };
    forgetOpen();
    window.addEventListener("pagehide", forgetOpen);
    var closedByReader = function () { return choices("true").length > 0; };
    var open = function () {
        if (window.innerWidth <= names.mobile || closedByReader()) { return true; }
        var sidebar = document.querySelector(names.sidebar);
        // Not before streamlit-dom.css lays it over the page.
        if (!sidebar || window.getComputedStyle(sidebar).position !== "absolute") { return false; }
        if (sidebar.getAttribute(names.collapsed) === "true") {
            var button = document.querySelector(names.expand);
            if (!button) { return false; }
            button.click();
            forgetOpen();
        }
        return true;
    };
    // Then, Streamlit closes the sidebar again when the window's width changes and
    // no choice is stored (the session asked for it closed): opened again, unless
    // the reader closed it (Streamlit stores that choice before it closes).
    var keepOpen = function () {
        var sidebar = document.querySelector(names.sidebar);
        if (!sidebar) { return; }
        new MutationObserver(open).observe(sidebar, {attributes: true, attributeFilter: [names.collapsed]});
        // And a window widened past a phone's opens it, as Streamlit's own "auto" does.
        window.addEventListener("resize", open);
        // The content's room follows the sidebar's width when the reader drags its edge.
        var width = function () {
            var px = parseFloat(sidebar.style.width);
            if (px > 0) { root.style.setProperty("--bm-sidebar-width", px + "px"); }
        };
        width();
        new ResizeObserver(width).observe(sidebar);
    };
    // Settled a frame after the sidebar opened: the page's content, held until then
    // (held.css), shows in its room, never moved into it.
    var settled = false;
    var settle = function () {
        if (settled) { return; }
        settled = true;
        window.requestAnimationFrame(function () {
            window.requestAnimationFrame(function () { root.setAttribute(names.settled, ""); });
        });
        keepOpen();
    };
    if (open()) {
        settle();
    } else {
        var watch = new MutationObserver(function () {
            if (open()) { watch.disconnect(); settle(); }
        });
        watch.observe(document, {subtree: true, childList: true, attributes: true});
        // A sidebar that cannot be opened (no stylesheet, no button) holds nothing back.
        window.setTimeout(function () { watch.disconnect(); settle(); }, names.waitMs);
    }
}(window.__bmSidebarNames));
