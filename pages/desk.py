"""Desk: a new report drafted into claims, reviewed card by card, previewed on the map."""

from __future__ import annotations

import streamlit as st

from briefmap import app
from briefmap.app import desk

view = app.current_view()
app.presentation_frame(view, map_page=False)
st.title("Desk")
st.markdown(
    "Paste or upload a report: the desk drafts its claims (places, actors, claimant, a suggested "
    "status from the attribution and a posture), offline. Review each draft, write its summary in "
    "your own words, and preview the accepted ones on the map. Nothing is saved without review."
)
desk.desk_page(view)
