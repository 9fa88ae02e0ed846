"""Drawing: the map planned once and drawn by one of two renderers, and its exports.

- ``plan``: the map's layers, one feature per place and layer (read from the
  index's plan), one marker per point place for the markers, every tooltip's
  lines and the footnote;
- ``mapping``: the marker renderer (a few hundred places) and the base map;
- ``bulk``, ``canvas_payload``: the canvas renderer (thousands of places)
  and the compact payload it draws from;
- ``scene_marks``: what a briefing marks over the claims (highlight rings,
  change badges), for both renderers;
- ``playback``: time playback's tape, what a map's frame needs to draw the
  map as of any day by itself;
- ``animation``: time playback saved as an animated WebP, its frames pictured
  from the offline export in Chromium;
- ``symbology``: symbols, status and posture styles, the legend;
- ``line_places``: how both renderers stroke a line place (a route, a line
  of contact): the status's dash, the posture's make-up, a hit line;
- ``map_elements``: the small Leaflet elements the map adds to folium (among
  them the framing in the map's own size, and clicks and keys on markers);
- ``outlines``: coast, borders, governorates and cities of the map's own
  (``web/outlines.json``), shown when the basemap's tiles cannot be loaded;
- ``branca_internals``: the one place that reads folium's element tree
  where branca has no public API (children, parent, id, template macros);
- ``web/``: the map's JavaScript and CSS as files; ``assets`` serves them and
  Leaflet's own files;
- ``own_layer_map``: the user's own layer (a file from another tool) drawn
  beside the briefing, a layer per folder, marked in the legend and on its
  cards as their data, its colours where readable, so no one takes it for
  claims; ``own_canvas``: a large one (over 500 features) on the canvas, one
  payload per folder made once per upload; ``own_exports``: the same layer in
  exports, apart from the claims;
- ``exports``: what is on screen as a bundle, GeoJSON (for GIS tools too) and
  CSV; ``html_export``: as one offline HTML page (Leaflet inlined, the view on
  screen); ``png_export``: that page as a PNG; ``gis_exports``: as a KMZ
  (Google Earth) and a GeoPackage;
- ``briefing_pack``, ``pack_pdf``: a briefing's every scene in one HTML file that
  needs no network, and printed as a PDF handout, a page per scene.

Pure builders: data in, folium objects out; nothing here imports Streamlit.
"""
