"""The PNG snapshot of the map on screen, drawn on request by the server's Chromium.

Two steps, as the PDF handout (``pack_panel``), which shows its file with
:func:`offer_drawn` too: a button starts the drawing off the script's thread,
and a fragment polls until the file is offered, or says why not.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from briefmap.app.panels import deferred_download
from briefmap.app.session import KEY_PNG
from briefmap.app.view import BriefingView
from briefmap.drawing.html_export import ExportView
from briefmap.drawing.png_export import SnapshotUnavailable
from briefmap.engine.state import VIEW_PARAMS
from briefmap.safe import markdown_text

# PNGs are drawn off the script's thread: with Streamlit's fast reruns a newer
# run (the map reporting its view) starts beside a running one and stops it at
# its next Streamlit call, so a PNG drawn in the script could be lost unseen.
# png_export still allows at most two Chromium processes at once.
_PNG_WORKERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="briefmap-png")


def png_snapshot(view: BriefingView, shown_view: ExportView, page: Callable[[], str]) -> None:
    """Draw a PNG on request, then offer it; a busy server says so and asks to try again.

    Two steps, not a deferred download: Chromium draws it on the server, at
    most two at a time (:data:`png_export.MAX_CONCURRENT_SNAPSHOTS`), and a
    deferred download could only fail silently when none is free.
    """
    from briefmap.screenshots import why_no_browser

    missing = why_no_browser("A PNG snapshot")  # the check and its words, once
    if missing is not None:
        st.button("PNG snapshot", disabled=True, width="stretch", key="png_draw")
        st.caption(f"{missing} The HTML map works without it.")
        return
    # The PNG belongs to what it draws: another filter, day, upload, scene or view
    # needs a new one. A pan did not once, when the PNG framed the places shown
    # whatever the map showed; it is drawn at the view on screen now, so a pan,
    # a scene's frame or Fit map gives another picture. A click does not.
    drawn = {k: v for k, v in view.params.items() if k not in VIEW_PARAMS}
    shown = json.dumps(
        [
            drawn,
            view.overlay.label if view.overlay else None,
            # The upload's contents: its own layers are drawn too (an own layer alone has no overlay).
            view.upload.digest if view.upload else None,
            shown_view.key(),
        ],
        sort_keys=True,
    )
    st.button(
        "PNG snapshot",
        width="stretch",
        key="png_draw",
        help="Drawn by Chromium on the server; takes a few seconds.",
        on_click=_start_png,
        args=(shown, page),
    )
    held = st.session_state.get(KEY_PNG)
    pending = held is not None and held[0] == shown and not held[1].done()
    # Polls only while a PNG is being drawn, then shows it (or why not).
    st.fragment(run_every=0.5 if pending else None)(_png_result)(
        shown, f"briefmap-{view.catalog.as_of or 'latest'}.png", pending
    )


def _start_png(shown: str, page: Callable[[], str]) -> None:
    from briefmap.drawing import png_export

    held = st.session_state.get(KEY_PNG)
    if held is not None and held[0] == shown and not held[1].done():
        return  # already being drawn
    st.session_state[KEY_PNG] = (
        shown,
        _PNG_WORKERS.submit(lambda: png_export.png_snapshot(page())),
    )


def _png_result(shown: str, file_name: str, polling: bool) -> None:
    held = st.session_state.get(KEY_PNG)
    if held is None or held[0] != shown:
        return
    offer_drawn(
        held[1],
        polling,
        drawing="Drawing the PNG…",
        failed="The PNG could not be drawn",
        save="Save the PNG",
        file_name=file_name,
        mime="image/png",
    )


def offer_drawn(
    future: Future[bytes],
    polling: bool,
    *,
    drawing: str,
    failed: str,
    save: str,
    file_name: str,
    mime: str,
) -> None:
    """A file the server's Chromium draws on request (this PNG, the PDF handout), once drawn.

    While it draws, ``drawing`` as a caption (the fragment showing it polls);
    then the whole app reruns once, so that the file is offered without polling
    on: its download, or why not (busy or no browser as a warning, anything else
    as an error after ``failed``).
    """
    if not future.done():
        st.caption(drawing)
        return
    if polling:
        st.rerun()  # the whole app, so the finished file shows without polling on
    error = future.exception()
    if isinstance(error, SnapshotUnavailable):  # busy, or Chromium missing or failed
        st.warning(str(error), icon=":material/hourglass_top:")
    elif error is not None:
        st.error(f"{failed}: {markdown_text(error)}")
    else:
        deferred_download(save, future.result, file_name=file_name, mime=mime, width="stretch")
