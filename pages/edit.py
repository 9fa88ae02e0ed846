"""Edit: who is editing, a map to pick places and pins on, a claim's every field, new places and sources, briefings, the audit trail."""

from __future__ import annotations

import streamlit as st

from briefmap import app
from briefmap.app import editor as edit
from briefmap.app import editor_briefing, editor_claim, editor_history, editor_map, editor_places

view = app.current_view()
app.presentation_frame(view, map_page=False)
st.title("Edit")
access, editor = edit.who_edits()
store = edit.server_store()
editor_map.editor_map(view, may_edit=editor is not None)
claim_tab, place_tab, source_tab, briefing_tab, recent_tab = st.tabs(
    ["Claim", "Places", "Sources", "Briefings", "Recent changes"]
)
with claim_tab:
    editor_claim.claim_form(view, store, editor)
    with st.expander("History of this claim", expanded=bool(st.query_params.get("claim"))):
        editor_history.claim_history(store, editor)
with place_tab:
    st.subheader("A new place")
    editor_places.new_place_form(view, store, editor)
    st.subheader("History of a place")
    editor_history.place_history(view, store, editor)
with source_tab:
    st.subheader("A new source")
    editor_places.new_source_form(store, editor, view.loaded.catalog.sources)
with briefing_tab:
    editor_briefing.briefing_form(view, store, editor)
with recent_tab:
    editor_history.recent_changes(store, editor)
