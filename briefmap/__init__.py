"""Briefmap: an interactive briefing map of claims, their places and how well they are sourced.

The package in four parts (README, "How it fits together"):

- data in: ``schema`` (the one data model), ``validate``, ``readers``,
  ``projection``, ``meta``, ``place_records``, ``claim_records``,
  ``sourcing``, ``loader``, ``briefings``, ``uploads``, ``fingerprint``;
- engine: ``index`` (``catalog.index``) and ``catalog_arrays``, ``query``,
  ``timeline``, ``state``, ``interaction``, ``tables``;
- drawing: ``plan`` (one feature per place and layer), ``mapping``
  (markers), ``bulk`` and ``canvas_payload`` (canvas), ``symbology``,
  ``map_elements``, ``web/`` (JavaScript and CSS), ``exports``,
  ``png_export``, ``screenshots``, ``assets``;
- app: ``app/`` (the Streamlit side) and ``pages_mode``.
"""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
