"""The claim card: every shown claim on the place clicked or chosen."""

from __future__ import annotations

import streamlit as st

from briefmap.app.session import KEY_CARD_SEARCH, KEY_SELECTED_PLACE
from briefmap.app.view import BriefingView
from briefmap.data.schema import Claim, ClaimStatus, Posture
from briefmap.drawing.plan import ENDED_UNDATED, card_lines
from briefmap.safe import markdown_text, plain_text

STATUS_BADGES: dict[ClaimStatus, str] = {
    ClaimStatus.CONFIRMED: ":green-background[Confirmed]",
    ClaimStatus.STATED: ":blue-background[Stated on the record]",
    ClaimStatus.REPORTED: ":orange-background[Reported]",
    ClaimStatus.UNVERIFIED: ":gray-background[Unverified]",
    ClaimStatus.DENIED: ":red-background[Denied]",
}

# Above this many places the card's list is searched rather than scrolled: a
# select box of 95,000 places cost a third of a second a rerun (BENCHMARKS.md).
CARD_LIST_LIMIT = 1_000
CARD_MATCHES = 100
# The pause in typing after which the card's search applies: each one reruns
# the app, which changes no filter (about 0.1 s at 100,000 claims).
CARD_SEARCH_PAUSE = "400ms"
# Claims listed on one card: a place can carry thousands (a city in a war), and
# a card of 10,000 bordered boxes freezes the page. The latest are shown.
CARD_CLAIMS_LIMIT = 50


def card_choices(view: BriefingView, shown: tuple[str, ...], text: str) -> list[str]:
    """The places the claim card offers: all ``shown``, or at scale those matching ``text``."""
    if len(shown) <= CARD_LIST_LIMIT:
        return list(shown)
    choices = view.catalog.index.find_places(shown, text, CARD_MATCHES)
    selected = st.session_state.get(KEY_SELECTED_PLACE)
    if selected is not None and selected not in choices:
        choices.insert(0, selected)
    return choices


def claim_card(view: BriefingView) -> None:
    """The claim card: every shown claim on the selected place."""
    catalog, selection = view.catalog, view.selection
    # selection.place_ids from the fast path's arrays: 15 ms instead of 100 at 100,000 claims.
    shown = catalog.index.drawn_place_ids(selection)
    if st.session_state.get(KEY_SELECTED_PLACE) not in shown:
        st.session_state[KEY_SELECTED_PLACE] = None
    many = len(shown) > CARD_LIST_LIMIT
    text = ""
    if many:
        # Found as the briefer types (a pause of CARD_SEARCH_PAUSE), not only
        # on Enter: it narrows a list, like a search box, and changes no filter.
        text = st.text_input(
            "Find a place for the claim card",
            key=KEY_CARD_SEARCH,
            placeholder="Part of a name, in any language",
            help=f"{len(shown):,} places are shown; the first {CARD_MATCHES} "
            "that match are listed below as you type.",
            live=CARD_SEARCH_PAUSE,
        )
    place_id = st.selectbox(
        "Claim card",
        card_choices(view, shown, text),
        key=KEY_SELECTED_PLACE,
        index=None,
        placeholder=(
            "Click a place on the map, or find one above"
            if many
            else "Click a place on the map, or choose one"
        ),
        format_func=lambda pid: plain_text(catalog.places[pid].name_en),
    )
    if place_id is None:
        st.caption("Click a place on the map to list every claim made about it.")
        return
    place = catalog.places[place_id]
    names = " · ".join(markdown_text(n) for n in (place.name_ar, place.name_ru) if n)
    with st.container(border=True):
        # The page's h1, then this: with the map's legend closed (its h2s hidden),
        # an h3 would skip a level (axe-core's heading-order).
        st.markdown(f"## {markdown_text(place.name_en)}")
        if names:
            st.markdown(names)
        st.caption(
            f"{markdown_text(place.kind.label)} · precision: {markdown_text(place.precision.label)}"
            + (f" · {markdown_text(place.note)}" if place.note else "")
        )
        here = view.catalog.index.claims_at(selection, place_id)
        if len(here) > CARD_CLAIMS_LIMIT:
            st.caption(
                f"The {CARD_CLAIMS_LIMIT} most recently reported of {len(here):,} claims here; "
                "the Claims page lists them all."
            )
        for claim in here[-CARD_CLAIMS_LIMIT:]:
            _claim_entry(view, claim)


def _claim_entry(view: BriefingView, claim: Claim) -> None:
    """One claim on the card: status, posture, summary, who says it and where it was read."""
    sources = [view.catalog.sources[sid] for sid in claim.sources]
    lines = [
        f"**{label}:** {markdown_text(text)}"
        for label, text in card_lines(view.catalog, claim, _undated_end(view, claim))
    ]
    with st.container(border=True):
        st.markdown(f"{STATUS_BADGES[claim.status]} :gray[{markdown_text(claim.posture.label)}]")
        st.markdown(markdown_text(claim.summary))
        st.markdown("  \n".join(lines))
        linked = [s for s in sources if s.url]
        for source in linked:
            label = (
                "Open source" if len(linked) == 1 else f"Open source: {plain_text(source.outlet)}"
            )
            st.link_button(label, source.url)
        # Who changed it, when and why: the editor's history of this claim (issue 27).
        st.page_link(
            "pages/edit.py",
            label="History",
            icon=":material/history:",
            query_params={"claim": claim.id},
            help="Every change to this claim: who, when, what and why.",
        )


def _undated_end(view: BriefingView, claim: Claim) -> str | None:
    """What the card says of an end no source dates, in the view's own time (plain text)."""
    full = view.loaded.catalog.claims.get(claim.id, claim)
    if not full.end_date_unknown:
        return None
    if claim.posture is Posture.FORMER:
        return ENDED_UNDATED
    by = view.loaded.catalog.as_of
    return (
        "at a date no source gives"
        + (f", by {by}" if by else "")
        + "; it may already have ended on the day shown"
    )
