"""Map: the claims on one map, with a claim card for the place clicked."""

from __future__ import annotations

import streamlit as st

from briefmap import ui

view = ui.current_view()
ui.presentation_frame(view)
ui.page_heading(
    view,
    "Russia in Syria after the Putin–al-Sharaa meeting",
    "Moscow, 15 October 2025, and what was reported around it. "
    f"Data as of {view.catalog.as_of or 'not stated'}. Filled = current, hatched = proposed, "
    "hollow = former; solid lines are on the record, dashed and dotted ones only reported.",
)
ui.link_notices()
ui.data_problems(view)
ui.upload_panel(view)
ui.empty_result_notice(view.selection)
map_column, side_column = st.columns([3, 1.25])
with map_column:
    ui.briefing_map(view)
    view = ui.refresh_link(view)
    ui.map_footer(view)
    ui.timeline_chart(view)
with side_column:
    ui.talking_points(view)
    ui.changes_panel(view)
    ui.claim_card(view)
