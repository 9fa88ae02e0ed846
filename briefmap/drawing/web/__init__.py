"""Briefmap's own JavaScript and CSS, as files (read by :func:`briefmap.drawing.assets.web_text`).

- ``canvas.js``: the canvas renderer of the bulk layers (``briefmap/drawing/bulk.py``);
  its pure helpers are exported under Node for ``tests/js/``.
- ``payload-fetch.js``: a bulk layer's payload fetched as a gzipped file, as the
  app serves large maps' layers (``briefmap/app/layer_files.py``).
- ``canvas-engine.js``, ``circles-engine.js``: the per-layer scripts of
  :class:`briefmap.drawing.bulk.BulkLayer`'s two engines.
- ``map.css``, ``presentation.css``: the map page's styles, and the larger type
  of presentation view (``briefmap/drawing/mapping.py``); ``map-corners.css``, the
  map's two bottom corners side by side on a narrow map, so that neither covers the other;
  ``own-layer.css``, the user's own layer's card and legend entry
  (``briefmap/drawing/own_layer_map.py``).
- ``own-canvas.js``: a large own layer's folders drawn on Leaflet's canvas from
  a compact payload (``briefmap/drawing/own_canvas.py``).
- ``presentation-page.css``, ``map-page.css``: presentation view's and the Map
  page's Streamlit page around the map (``briefmap/app/scenes.py``).
- ``held.css``: a page's body shown once the app's stylesheets apply and the sidebar
  has opened (``briefmap/app/page_style.py``), not drawn unstyled and then moved.
- ``sidebar-open.js``: the sidebar, closed on a session's first run, opened over the
  page once ``streamlit-dom.css`` lays it there, so its arrival moves nothing
  (``briefmap/app/streamlit_internals.py``, ``open_sidebar``).
- ``map-columns.css``, ``map-size.js``: the Map page's map column, and the map's
  height measured to fit the window around its header and footer
  (``briefmap/app/map_panel.py``; ``mapHeight`` tested in ``tests/js/map-size.test.js``).
- ``link-too-long.js``: a link too long for Streamlit to read, opened again by the
  page with only the app's parameters (``briefmap/app/link.py``; ``keptQuery``
  tested in ``tests/js/link-too-long.test.js``).
- ``copy-link.js``, ``copy-link.css``: the "Copy link" box's button, which copies the
  link in one tap, touch screens included, and says so in a live status line
  (``briefmap/app/link.py``; ``copyText`` tested in ``tests/js/copy-link.test.js``).
- ``scene-keys.js``: a presentation clicker's keys (PageDown/PageUp, the arrow keys,
  Space) pressing presentation view's Next/Previous buttons (``briefmap/app/scenes.py``;
  ``sceneStep`` and ``focusKind`` tested in ``tests/js/scene-keys.test.js``).
- ``streamlit-dom.css``: the only rules that select Streamlit's own elements (by
  their test ids), each scoped to its page by a container the app keys
  (``briefmap/app/streamlit_internals.py``). The other files select only the
  app's own ``st-key-`` classes and elements.
- ``map-control.js``, ``fit-when-sized.js``, ``frame.js``, ``open-places.js``, ``tab-stops.js``,
  ``focus-without-scrolling.js``, ``zoom-class.js``, ``hatch-patterns.js``: the small scripts of
  ``briefmap/drawing/map_elements.py``, each a function called with the map
  and JSON arguments (tested under Node in ``tests/js/map-elements.test.js``).
- ``streamlit-folium-report.js``: the one file that reaches into streamlit-folium's
  frame (the Streamlit object its bundle reports through), to add the app's
  part to the map's report and hold back reports with nothing new (run after
  ``fit-when-sized.js``; ``tests/test_streamlit_folium_internals.py``).
- ``outlines.js``, ``outlines.json``: the outline geography of
  ``briefmap/drawing/outlines.py`` (tested in ``tests/js/outlines.test.js``);
  the data is built by ``scripts/build_outlines.py`` from Natural Earth (public
  domain) and GeoNames (CC BY 4.0).
- ``playback.js``: time playback's rewind, the map "as of" a day computed in the
  map's frame from the tape both renderers carry (``briefmap/drawing/playback.py``;
  tested in ``tests/js/playback.test.js`` and against the server in ``tests/test_playback.py``);
  ``playback-frame.js``, ``playback.css``: the timeline under the map and the days it
  draws (``tests/browser/test_browser_playback.py``).
- ``export.css``: the offline HTML export's page (``briefmap/drawing/html_export.py``).
- ``map-settled.js``: for tools, not the page; the screenshots and browser
  tests wait with it until the map has stopped moving.

Python inlines them unchanged: none is a template, and nothing is substituted.
"""
