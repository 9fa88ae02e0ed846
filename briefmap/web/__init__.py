"""Briefmap's own JavaScript and CSS, as files (read by :func:`briefmap.assets.web_text`).

- ``map.css``, ``presentation.css``: the map page's styles, and the larger type
  of presentation view (``briefmap/mapping.py``).
- ``presentation-page.css``: presentation view's Streamlit page around the map
  (``briefmap/ui.py``).

Python inlines them unchanged: none is a template, and nothing is substituted.
"""
