"""What the sidebar's search finds, listed under the box: best first, each saying what matched.

The search itself is the engine's (:mod:`briefmap.engine.search`, on the
catalog's kept index); the same search narrows the map (``ClaimFilter.search``).
Every name and text shown comes from the data or the user: escaped for Markdown.
"""

from __future__ import annotations

import streamlit as st

from briefmap.data.schema import Catalog
from briefmap.engine.search import Match
from briefmap.safe import markdown_text

SHOWN = 6  # results listed; the map shows them all
QUOTED = 60  # characters of a claim's text or a matched field quoted


def _quoted(text: str) -> str:
    cut = text if len(text) <= QUOTED else text[: QUOTED - 1].rstrip() + "…"
    return f"“{markdown_text(cut)}”"


def result_line(catalog: Catalog, match: Match) -> str:
    """One result as a Markdown line: what was found, then what matched (escaped)."""
    if match.kind == "place":
        place = catalog.places[match.id]
        line = f"**{markdown_text(place.name_en)}**"
        if match.via is not None:
            seed = markdown_text(catalog.places[match.via].name_en)
            if match.text == place.name_en:
                return f"{line} · carries the name of {seed}"
            return f"{line} · its {match.why} {_quoted(match.text)} carries the name of {seed}"
        if match.text != place.name_en:
            return f"{line} · {match.why} {_quoted(match.text)}"
        return f"{line} · {match.why}"
    claim = catalog.claims[match.id]
    line = f"Claim {_quoted(claim.summary)}"
    if match.field == "summary":
        return f"{line} · {match.why}"
    return f"{line} · {match.why} {_quoted(match.text)}"


def result_lines(catalog: Catalog, text: str, limit: int = SHOWN) -> list[str]:
    """The Markdown lines listed under the search box for ``text`` (none for an empty box)."""
    if not text.strip():
        return []
    matches, total = catalog.index.search_matches(text, limit)
    if not total:
        return [
            f"Nothing matches {_quoted(text)}: no place's name or spelling, "
            "and no claim's summary, claimant or attribution."
        ]
    lines = [result_line(catalog, m) for m in matches]
    if total > len(matches):
        lines.append(f"and {total - len(matches):,} more")
    return lines


def search_results(catalog: Catalog, text: str) -> None:
    """List what ``text`` finds, under the search box."""
    lines = result_lines(catalog, text)
    if lines:
        st.caption("  \n".join(lines))
