"""Briefmap's own JavaScript and CSS, as files (read by :func:`briefmap.assets.web_text`).

- ``canvas.js``: the canvas renderer of the bulk layers (``briefmap/bulk.py``);
  its pure helpers are exported under Node for ``tests/js/``.
- ``canvas-engine.js``, ``circles-engine.js``: the per-layer scripts of
  :class:`briefmap.bulk.BulkLayer`'s two engines.
- ``map.css``, ``presentation.css``: the map page's styles, and the larger type
  of presentation view (``briefmap/mapping.py``).
- ``presentation-page.css``: presentation view's Streamlit page around the map
  (``briefmap/app/scenes.py``).

Python inlines them unchanged: none is a template, and nothing is substituted.
"""
