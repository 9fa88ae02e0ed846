"""Export briefing: the briefing picked, every scene, as an offline HTML pack and a PDF handout."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import streamlit as st

from briefmap.app.data import Data
from briefmap.engine.briefings import Briefing

# (the briefing the PDF is of, the Future of its bytes): one per session.
KEY_PACK_PDF = "pack_pdf"
EXPORT_LABEL = "Export briefing"
PACK_LABEL = "Briefing pack (HTML)"
PDF_LABEL = "PDF handout"
# Drawn off the script's thread, as the PNG is (panels._PNG_WORKERS says why);
# pack_pdf shares png_export's limit of Chromium processes.
_PDF_WORKERS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="briefmap-pdf")


def briefing_export(data: Data, briefing_id: str | None) -> None:
    """Beside the briefing picker: the pack's download, and the handout drawn on request."""
    briefing = data.briefings.get(briefing_id or "")
    if briefing is None:
        return
    # Here, not at the top: panels imports the view, which imports the sidebar (and this).
    from briefmap.app.panels import deferred_download
    from briefmap.drawing.briefing_pack import briefing_pack

    catalog = data.loaded.catalog
    with st.popover(EXPORT_LABEL, icon=":material/slideshow:", width="stretch"):
        st.caption(
            "Every scene in one HTML file: map, talking points, claims and sources. It "
            "opens in a browser with no network (the map shows outline geography); "
            "PageDown/PageUp, the arrow keys and a clicker change scene."
        )
        deferred_download(
            PACK_LABEL,
            lambda: briefing_pack(catalog, briefing),
            file_name=f"{briefing.id}.html",
            mime="text/html",
            width="stretch",
        )
        _pdf_handout(data, briefing)


def _pdf_handout(data: Data, briefing: Briefing) -> None:
    """Two steps, as the PNG: drawn by Chromium on request, then offered (or why not)."""
    from briefmap.drawing import pack_pdf
    from briefmap.screenshots import why_no_browser

    missing = why_no_browser(pack_pdf.HANDOUT)  # the check and its words, once
    if missing is not None:
        st.button(PDF_LABEL, disabled=True, width="stretch", key="pack_pdf_draw")
        st.caption(f"{missing} The HTML pack works without it.")
        return
    st.button(
        PDF_LABEL,
        width="stretch",
        key="pack_pdf_draw",
        help="A page per scene: its map, talking points and claims. Drawn by Chromium on "
        "the server; takes a few seconds a scene.",
        on_click=_start_pdf,
        args=(data, briefing),
    )
    held = st.session_state.get(KEY_PACK_PDF)
    pending = held is not None and held[0] == briefing and not held[1].done()
    # Polls only while the handout is being drawn, then offers it (or says why not).
    st.fragment(run_every=0.5 if pending else None)(_pdf_result)(briefing, pending)


def _start_pdf(data: Data, briefing: Briefing) -> None:
    from briefmap.drawing.briefing_pack import briefing_pack
    from briefmap.drawing.pack_pdf import pack_pdf

    held = st.session_state.get(KEY_PACK_PDF)
    if held is not None and held[0] == briefing and not held[1].done():
        return  # already being drawn
    catalog = data.loaded.catalog
    future: Future[bytes] = _PDF_WORKERS.submit(lambda: pack_pdf(briefing_pack(catalog, briefing)))
    st.session_state[KEY_PACK_PDF] = (briefing, future)


def _pdf_result(briefing: Briefing, polling: bool) -> None:
    from briefmap.app.png_panel import offer_drawn

    held = st.session_state.get(KEY_PACK_PDF)
    if held is None or held[0] != briefing:
        return
    offer_drawn(
        held[1],
        polling,
        drawing="Printing the handout…",
        failed="The handout could not be printed",
        save="Save the PDF",
        file_name=f"{briefing.id}.pdf",
        mime="application/pdf",
    )
