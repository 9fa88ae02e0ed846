// The "Copy link" button (briefmap/app/link.py, copy_link): one tap copies the
// link that is on screen. Streamlit's code box shows its copy button only while
// a mouse hovers over it, so a phone or tablet had none (issue 25, finding 10).
// The link is read from the box's data-link attribute, which the server wrote
// escaped; the page never builds markup from it. The outcome is written to the
// box's status line (role="status", aria-live) so that a screen reader says it
// too. Where the browser refuses the clipboard (a page over http that is not
// localhost, a denied permission), the status says so and the link's text is
// selected for copying by hand. It names only the app's own classes, none of
// Streamlit's elements. Run in the page (st.html) and registered once per page,
// however often the script reruns or the popover opens: one listener on the
// document answers every box. Under Node (tests/js/) it exports copyText.
(function () {
    var COPIED = "Link copied";
    var REFUSED = "This browser did not allow copying: the link is selected above, copy it by hand.";

    // Copy `text` with `clipboard` (navigator.clipboard, or undefined where the
    // page has no secure context). A promise of the status line to show.
    function copyText(text, clipboard) {
        if (!clipboard || typeof clipboard.writeText !== "function") {
            return Promise.resolve({copied: false, message: REFUSED});
        }
        var writing;
        try {
            writing = clipboard.writeText(text);
        } catch (error) {
            return Promise.resolve({copied: false, message: REFUSED});
        }
        return Promise.resolve(writing).then(
            function () { return {copied: true, message: COPIED}; },
            function () { return {copied: false, message: REFUSED}; }
        );
    }

    if (typeof window === "undefined") {
        if (typeof module !== "undefined") {
            module.exports = {copyText: copyText, COPIED: COPIED, REFUSED: REFUSED};
        }
        return;
    }
    if (window.__bmCopyLink) { return; }
    window.__bmCopyLink = true;

    function selectText(element) {
        var range = document.createRange();
        range.selectNodeContents(element);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }

    document.addEventListener("click", function (event) {
        var button = event.target && event.target.closest && event.target.closest(".bm-copy-link-button");
        if (!button) { return; }
        var box = button.closest(".bm-copy-link");
        if (!box) { return; }
        var status = box.querySelector(".bm-copy-link-status");
        var shown = box.querySelector(".bm-copy-link-url");
        // Emptied first, so that a second tap is announced again.
        if (status) { status.textContent = ""; }
        copyText(box.getAttribute("data-link") || "", navigator.clipboard).then(function (outcome) {
            if (status) { status.textContent = outcome.message; }
            if (!outcome.copied && shown) { selectText(shown); }
        });
    });
})();
