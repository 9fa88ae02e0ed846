"""Sources & method: the sourcing rules, the status ladder, precision, the sources, and "as of"."""

from __future__ import annotations

import streamlit as st

from briefmap import app
from briefmap.data.sourcing import RULES
from briefmap.engine.tables import ladder_table, precision_table, sources_table
from briefmap.safe import markdown_text

view = app.current_view()
app.presentation_frame(view, map_page=False)
st.title("Sources & method")
app.data_problems(view)
st.markdown(f"**Data as of:** {markdown_text(view.catalog.as_of or 'not stated')}")
st.markdown(
    "Every mapped thing is a *claim*: a place, the actors it is about, who claims it, "
    "how well it is sourced (its status) and whether it is current, proposed or former. "
    "Summaries are Briefmap's own paraphrase of the reporting, with the outlet and date kept."
)
st.header("Sourcing rules")
st.markdown(
    "The map says only what its sources say, where they say it. The validator checks "
    "these rules on this data, on every upload and on every data folder, and names the "
    "file, record and field of any claim that breaks one."
)
# Whole sentences, not table cells: a briefer must be able to read each rule in full.
for rule, meaning in RULES:
    st.markdown(f"**{markdown_text(rule)}.** {markdown_text(meaning)}")
st.header("Status ladder")
st.dataframe(ladder_table(), hide_index=True, width="stretch")
st.header("Location precision")
st.dataframe(precision_table(), hide_index=True, width="stretch")
st.header("Sources")
st.dataframe(
    sources_table(view.catalog),
    hide_index=True,
    width="stretch",
    column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
)
