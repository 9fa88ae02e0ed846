"""Briefmap: an interactive briefing map of claims, their places and how well they are sourced.

The package in four folders, each depending only on the ones above it
(README, "How it fits together"):

- ``data/``: data in. The one data model (``schema``), the validation
  toolkit, readers, reprojection, the records of places and claims, the
  sourcing rules, the loader, briefings, uploads.
- ``engine/``: what the data answers. The catalog's index (``catalog.index``),
  filtering, time, the state a link carries, clicks, tables.
- ``drawing/``: the map. The plan (one feature per place and layer), its two
  renderers (markers and canvas), symbols, the JavaScript and CSS in
  ``web/``, exports.
- ``app/``: the Streamlit side, the only folder that imports Streamlit.

Beside them: ``safe`` (escaping, used by every folder), ``heap`` (long-lived
data kept out of the garbage collector's passes, while it is built, read or
received, and after: used by data, engine and app alike) and ``screenshots``
(runs the app for the README's pictures and the browser tests).
"""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
