"""Other projects' private names appear only in the one module or file named for each.

Streamlit's (its elements' ``data-testid``, its ``pages/`` folder mode) only in
``briefmap/app/streamlit_internals.py`` and the stylesheet it sends,
``briefmap/drawing/web/streamlit-dom.css``; streamlit-folium's frame (its
``window.Streamlit`` and the ``setComponentValue`` it reports through) only in
``briefmap/drawing/web/streamlit-folium-report.js``; and nothing reaches out of
the map's frame into the page around it. branca's element tree has its own
rule: ruff's SLF (``briefmap/drawing/branca_internals.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
STREAMLIT = {"briefmap/app/streamlit_internals.py", "briefmap/drawing/web/streamlit-dom.css"}
STREAMLIT_PYTHON = {"briefmap/app/streamlit_internals.py"}
STREAMLIT_FOLIUM = {"briefmap/drawing/web/streamlit-folium-report.js"}

# What each private name looks like in the code, and the only files it may be in.
PRIVATE = {
    "data-testid": (re.compile(r"data-testid"), STREAMLIT),
    # stApp's data-test-script-state and the like.
    "data-test- attributes": (re.compile(r"data-test-"), STREAMLIT),
    # Streamlit's own classes (stMain, stColumn, block-container, its generated ones).
    "Streamlit's classes": (
        re.compile(r"\.st[A-Z]\w*|\b(?:block|element)-container\b|st-emotion-cache"),
        set(),
    ),
    "PagesManager": (re.compile(r"PagesManager"), STREAMLIT_PYTHON),
    "streamlit.runtime": (re.compile(r"streamlit\.runtime"), STREAMLIT_PYTHON),
    "window.Streamlit": (re.compile(r"window\.Streamlit\b"), STREAMLIT_FOLIUM),
    "setComponentValue": (re.compile(r"setComponentValue"), STREAMLIT_FOLIUM),
    "window.parent": (re.compile(r"window\.parent\b"), set()),
}


def _code() -> dict[str, str]:
    """Every Python, JavaScript and CSS file of the app, by path from the repository."""
    paths = [
        *(p for ext in ("py", "js", "css") for p in (REPO / "briefmap").rglob(f"*.{ext}")),
        REPO / "app.py",
        *(REPO / "pages").glob("*.py"),
    ]
    return {p.relative_to(REPO).as_posix(): p.read_text(encoding="utf-8") for p in paths}


def test_the_scan_sees_the_app() -> None:
    code = _code()
    assert {"app.py", "pages/map.py", "briefmap/drawing/web/map-size.js"} <= set(code)
    assert {*STREAMLIT, *STREAMLIT_FOLIUM} <= set(code)


@pytest.mark.parametrize("name", sorted(PRIVATE))
def test_a_private_name_is_only_in_the_module_named_for_its_project(name: str) -> None:
    pattern, allowed = PRIVATE[name]
    found = sorted(path for path, text in _code().items() if pattern.search(text))
    assert set(found) <= allowed, f"{name} outside {sorted(allowed) or 'nowhere'}: {found}"
