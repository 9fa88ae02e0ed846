"""Map: the claims on one map, with a claim card for the place clicked."""

from __future__ import annotations

import streamlit as st

from briefmap import ui

view = ui.current_view()
st.title("Russia in Syria after the Putin–al-Sharaa meeting")
st.caption(
    "Moscow, 15 October 2025, and what was reported around it. "
    f"Data as of {view.catalog.as_of or 'not stated'}. Filled = current, hatched = proposed, "
    "hollow = former; solid lines are on the record, dashed and dotted ones only reported."
)
ui.data_problems(view.loaded)
ui.empty_result_notice(view.selection)
map_column, card_column = st.columns([3, 1.25])
with map_column:
    ui.briefing_map(view)
    ui.map_footer(view)
with card_column:
    ui.claim_card(view)
