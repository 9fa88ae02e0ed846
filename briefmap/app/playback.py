"""Time playback in the app: the tape the map's frame plays, and the day it rests on.

The frame plays "as of" any day by itself (:mod:`briefmap.drawing.playback`);
the app hears of it only when playback rests (a pause, a step, a drag let go),
through the map's report, as it hears of clicks. It then takes that day as
the sidebar's "As of" (and the "what changed since" handle's day, when set),
so the filters, the claim card, the claims table, the exports and the link
all show the day on screen.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from briefmap.app.session import KEY_AS_OF, KEY_SINCE
from briefmap.data.schema import Catalog
from briefmap.drawing.bulk import drawn_on_canvas
from briefmap.drawing.playback import tape_json
from briefmap.engine.interaction import PlayedDay
from briefmap.engine.query import ClaimFilter, Selection

# The last rest the map reported (the component repeats its report every rerun).
KEY_PLAYED = "played_day"
# A rest heard after the sidebar was drawn, applied at the top of the next run.
KEY_PLAYED_HELD = "played_day_held"


def tape_for(catalog: Catalog, claim_filter: ClaimFilter) -> str:
    """The serialised tape for today's ``catalog`` under a filter, kept with its plan.

    A rerun with the same filter (a pan, a click, another "as of" day) builds
    nothing again: the index keeps the filter's selection and its plan.
    """
    plan = catalog.index.plan(catalog.index.select(claim_filter))
    tape = plan.built.get("playback_tape")
    if tape is None:
        tape = plan.built["playback_tape"] = tape_json(catalog, claim_filter)
    return tape


def tape_and_href(
    today: Catalog, shown: Catalog, selection: Selection, claim_filter: ClaimFilter, publish: Any
) -> tuple[str, str | None]:
    """The tape, and where a canvas map's frame fetches it from (``None``: inlined).

    A canvas map's tape runs to megabytes: a file, as its layers are
    (``briefmap/app/layer_files.py``); a markers map's is small.
    """
    tape = tape_for(today, claim_filter)
    href = publish(tape) if publish is not None and drawn_on_canvas(shown, selection) else None
    return tape, href


def hear_played_day(returned: Any) -> bool:
    """Keep a new rest of playback from the map's report; ``True`` when the app must rerun."""
    played = PlayedDay.from_component(returned)
    if played is None or played == st.session_state.get(KEY_PLAYED):
        return False
    st.session_state[KEY_PLAYED] = played
    st.session_state[KEY_PLAYED_HELD] = played
    return True


def apply_played_day() -> None:
    """At the top of a run, before the sidebar's day fields: the day playback rests on."""
    played: PlayedDay | None = st.session_state.pop(KEY_PLAYED_HELD, None)
    if played is None:
        return
    st.session_state[KEY_AS_OF] = played.day
    if played.since is not None:
        st.session_state[KEY_SINCE] = played.since
