"""Where the data is kept and changed: the store a team shares (issue 27).

A store reads the catalog's records and its version, and changes them through
one write path that validates every change with the loader's own rules and
appends it to an audit trail. ``files`` keeps ``geodata/`` (the embedded
default; ``files_snapshot`` reads the folder, ``files_writes`` writes its files
whole or not at all); ``postgis`` keeps a PostgreSQL database with PostGIS,
for a team and several servers (``postgis_connect`` reaches it, ``postgis_rows``
reads and writes its audit rows).
"""
