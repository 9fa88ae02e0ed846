"""The floor under the whole app's first map: Streamlit's page with one ``st_folium`` map.

``bench.app_browser --floor`` runs this in place of ``app.py``: Briefmap's own
base map (local Leaflet, the outline geography, no layers, no sidebar), so the
time from page open to that map loaded is what Streamlit and the component
cost before Briefmap draws anything.
"""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from briefmap.app.data import load
from briefmap.drawing.mapping import build_base_map

catalog = load().loaded.catalog
st.title("Briefmap")
st_folium(
    build_base_map(catalog, presentation=False, bounds=catalog.index.map_bounds),
    key="floor",
    height=500,
    returned_objects=[],
)
