"""Briefmap: an interactive briefing map of claims, their places and how well they are sourced."""

from __future__ import annotations

__all__ = ["__version__"]
__version__ = "0.1.0"
