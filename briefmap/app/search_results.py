"""What the sidebar's search finds, listed under the box: best first, each saying what matched.

The search itself is the engine's (:mod:`briefmap.engine.search`, on the
catalog's kept index); the same search narrows the map (``ClaimFilter.search``).
Every name and text shown comes from the data or the user: escaped for Markdown.
"""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from briefmap.app.session import KEY_SELECTED_PLACE, request_fit
from briefmap.data.schema import Catalog
from briefmap.engine.query import Selection
from briefmap.engine.search import Match
from briefmap.engine.state import BriefingState
from briefmap.safe import markdown_text

SHOWN = 6  # results listed; the map shows them all
KEY_SEARCH_CHANGED = "search_changed"  # the search box's text was changed in this run
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


def search_changed() -> None:
    """Callback of the search box: this run frames what the new text finds (:func:`frame_found`)."""
    st.session_state[KEY_SEARCH_CHANGED] = True


def frame_found(catalog: Catalog, selection: Selection, state: BriefingState) -> BriefingState:
    """After the search box changed: frame the places it finds, and open the card of one.

    A search kept the whole region's view, so what it found could be off the
    map or lost among the rest (issue 25, the walk-through). The map is framed
    as Fit map frames (the browser pads it clear of the map's controls), and a
    search that finds one place opens its claim card. An emptied box, or one
    that finds nothing on the map, leaves the view as it is. Returns the state
    as it now is: no view of the user's own, and the card's place.
    """
    if not st.session_state.pop(KEY_SEARCH_CHANGED, False) or not state.claim_filter.search.strip():
        return state
    bounds = catalog.index.selection_bounds(selection)
    if bounds is None:
        return state
    request_fit(bounds)
    places = catalog.index.drawn_place_ids(selection)
    if len(places) == 1:
        st.session_state[KEY_SELECTED_PLACE] = places[0]
        return replace(state, view=None, place=places[0])
    return replace(state, view=None)
