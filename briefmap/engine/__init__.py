"""The engine: what a loaded catalog answers, fast and in one place.

- ``index``: :class:`~briefmap.engine.index.CatalogIndex`, built once per
  catalog (``catalog.index``) and the only cache besides Streamlit's:
  selection, the plan of what to draw, bounds, drawn and off-map places,
  monthly counts, cited sources, search; ``catalog_arrays`` holds its arrays;
  ``index_patch`` makes an edited catalog's index from the one before (the
  changed records' rows only);
- ``layers``: the map's layers, which layer a claim is drawn in, which claim
  leads a place;
- ``query``: the filter (:class:`~briefmap.engine.query.ClaimFilter`) and
  the plain selection (and search) the index is checked against;
- ``search``: search over places and claims, forgiving of script, spelling
  and near misses (rapidfuzz), its index folded once per catalog;
- ``spelling``: names and text folded for search: one form in Latin letters;
- ``timeline``: a catalog as of a day, and what changed between two days;
- ``state``: the view a link carries, parsed and written;
- ``interaction``: what the map reports (a click and the place it points at,
  whether the user moved it) and what it is asked to frame;
- ``tables``: claims and sources as tables for pages and CSV;
- ``stored``: the validated data and its index on disk, so a server start
  need not validate again;
- ``briefings``: briefings' scenes (a filter, a view, a day, highlights),
  read and checked;
- ``edit_forms``: the editor's forms turned into the raw records a store
  saves (as the files hold them), for the store to check, and a click on the
  editor's map as a place picked or a new place's pin; ``edit_scenes`` the
  same for a briefing's scenes (highlights, view, filters, playback);
- ``own_claims``, ``acled``: the user's own layer's rows turned into claims by
  a column mapping (checked as any claim is), and ACLED exports' ready mapping.
"""
