"""Claims: a sortable table of the filtered claims with their sources, and a CSV download."""

from __future__ import annotations

import streamlit as st

from briefmap import app

view = app.current_view()
app.presentation_frame(view, map_page=False)
st.title("Claims")
app.data_problems(view)
st.caption(view.selection.summary_line)
if not app.empty_result_notice(view.selection):
    app.claims_panel(view.catalog, view.selection, csv_name="briefmap-claims.csv")
app.upload_claims(view)
