"""Claims: a sortable table of the filtered claims with their sources, and a CSV download."""

from __future__ import annotations

import streamlit as st

from briefmap import app
from briefmap.engine.tables import claims_table, rows_for_screen, to_csv

view = app.current_view()
app.presentation_frame(view)
st.title("Claims")
app.data_problems(view)
st.caption(view.selection.summary_line)
if not app.empty_result_notice(view.selection):
    table = claims_table(view.catalog, view.selection)
    shown, note = rows_for_screen(table)
    if note:
        st.caption(note)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
    )
    app.deferred_download(
        "Download CSV", lambda: to_csv(table), file_name="briefmap-claims.csv", mime="text/csv"
    )
app.upload_claims(view)
