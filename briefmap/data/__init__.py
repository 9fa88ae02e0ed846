"""Data in: everything between files on disk (or an upload) and a validated catalog.

- ``schema``: the data model (places, claims, sources, history, vocabularies)
  and every on-disk field list;
- ``validate``: the validation toolkit (records, the issue collector, limits),
  used by the loader, briefings and uploads alike;
- ``readers``, ``projection``: reading JSON, GeoJSON and CSV; coordinates
  reprojected to WGS 84;
- ``meta``: ``briefmap.json``, what belongs to a data set (title, region,
  actors and their colours), or what the data gives without one;
- ``place_records``, ``claim_records``: one place or claim record checked and built;
- ``sourcing``: the rules that tie a claim's status to its sources;
- ``loader``: a data folder or bundle in, a :class:`~briefmap.data.schema.Catalog` out;
- ``source_records``: the sources' checks, a record read into a source;
- ``part_records``: a few records (a store's edit) validated among the rest,
  already valid, with the loader's own checks;
- ``briefings``, ``uploads``: briefing scenes, and files a user uploads;
- ``fingerprint``: the version of the data files, for caches;
- ``wording``: counts in words, singular for one, the same in the app and
  in ``validate``;
- ``gis_files``, ``convention``, ``archives``: KML, KMZ, GeoPackage and zipped
  Shapefiles read in memory, their rows read as places and claims by the
  field convention, and zip archives checked before any reader sees them;
- ``kml_files``: KML read in one pass by Briefmap's own reader (every folder,
  extended data whatever its ``<Schema>`` says);
- ``gdal_rows``: GeoPackage and Shapefile layers read by GDAL (pyogrio), each
  text cell decoded on its own, so one bad byte loses one cell, not the file;
- ``own_layer``, ``own_files``: files as other tools write them (KML from My
  Maps or Google Earth, QGIS GeoPackages, geojson.io and uMap GeoJSON, CSV
  with coordinates) read as the user's own layer, every column kept as text;
  ``own_csv``: spreadsheets with coordinate columns or WKT; ``own_records``:
  one record's cells as text, its style and its geometry checked, shared by both;
- ``budget``, ``gis_warm``: every GIS read in a child process that is killed
  at its budget of time and memory, forked warm from a fork server.

Nothing here imports Streamlit or folium.
"""
