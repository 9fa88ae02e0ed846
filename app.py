"""Briefmap: entry point. Sets the page up, lays out the shared sidebar, runs the page."""

from __future__ import annotations

import streamlit as st

from briefmap import app
from briefmap.app import streamlit_internals


def main() -> None:
    """One run of the app: the page set up, the shared sidebar, the page chosen."""
    streamlit_internals.leave_pages_folder_mode()
    # The favicon stays an emoji: Streamlit fetches a :material: favicon from Google's
    # font CDN, which an air-gapped room cannot reach.
    # The sidebar closed on a session's first run: open, it would push aside the
    # frame Streamlit has drawn (issue 25, finding 4); style_pages opens it over the page.
    st.set_page_config(
        page_title="Briefmap",
        page_icon="🗺️",
        layout="wide",
        initial_sidebar_state=app.sidebar_state(),
    )
    # Every page's stylesheets, first, in one element (the few rules that restyle
    # Streamlit's own elements among them, each for its own page), and the sidebar's opener.
    app.style_pages()

    # The sidebar lives here, not in the pages, so filters hold across pages.
    app.publish(app.build_view())

    # config.toml hides the page list for a server's very first run, which Streamlit
    # makes in its old pages/ folder mode and draws in an open sidebar before this
    # script starts (a layout shift of 0.5 on that visit, issue 25); from here on
    # st.navigation's own list is shown.
    st.set_option("client.showSidebarNavigation", True)
    page = st.navigation(
        [
            st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
            st.Page("pages/claims.py", title="Claims", icon=":material/table:"),
            st.Page("pages/sources.py", title="Sources & method", icon=":material/menu_book:"),
            # Drafts claims from a new report for review; nothing saved without it (issue 28).
            st.Page("pages/desk.py", title="Desk", icon=":material/edit_document:"),
            # Read-only unless editing is switched on (briefmap/app/editors.py).
            st.Page("pages/edit.py", title="Edit", icon=":material/edit_note:"),
        ],
        # Embedded (?embed=true), the page shows no sidebar, nor the page list in it.
        position="hidden" if app.embedded() else "sidebar",
    )
    try:
        page.run()
    finally:
        # Last, so the link holds what the page left on screen (the map reports its
        # view); on a session's first run the sidebar too, even if the page failed.
        app.end_of_run()


# Streamlit runs this file as __main__. A GIS read's child process
# (briefmap.data.budget, multiprocessing) runs the main file again as
# __mp_main__, where it must do nothing: else each read would run the whole app
# first, and a data folder's read would start a read of its own and fail.
if __name__ == "__main__":
    main()
