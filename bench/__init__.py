"""Briefmap's benchmark harness: ``python -m bench`` (full) or ``python -m bench --quick``."""
