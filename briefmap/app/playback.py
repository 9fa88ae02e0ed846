"""Time playback in the app: the tape the map's frame plays, and the day it rests on.

The frame plays "as of" any day by itself (:mod:`briefmap.drawing.playback`);
the app hears of it only when playback rests (a pause, a step, a drag let go),
through the map's report, as it hears of clicks. It then takes that day as
the sidebar's "As of" (and the "what changed since" handle's day, when set),
so the filters, the claim card, the claims table, the exports and the link
all show the day on screen.

A large map's tape is built after its first map, not before: 2 to 18 s at
100,000 claims, which the first map waited for (BENCHMARKS.md, issue 29). The
map goes out with the URL the tape will have; once it has gone, a thread
builds the tape and writes it there (started by :func:`start_tape_builds`: a
thread started before the map took time from the map's own run, one
interpreter lock for both), and the frame asks for it until it is there
(``playback.js`` fetchTape); the timeline comes when it does.
"""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

import streamlit as st

from briefmap.app.layer_files import SUFFIX, LayerFiles
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
# What a plan keeps for its tape besides the tape: the file's name, and the thread building it.
_TAPE, _TAPE_FILE, _TAPE_BUILDER = "playback_tape", "playback_tape_file", "playback_tape_builder"
_BUILDING = threading.Lock()
_PENDING: list[threading.Thread] = []  # builds asked for, started once their map is sent

log = logging.getLogger(__name__)


def tape_for(catalog: Catalog, claim_filter: ClaimFilter, *, breathe: bool = False) -> str:
    """The serialised tape for today's ``catalog`` under a filter, kept with its plan.

    A rerun with the same filter (a pan, a click, another "as of" day) builds
    nothing again: the index keeps the filter's selection and its plan.
    """
    plan = catalog.index.plan(catalog.index.select(claim_filter))
    tape = plan.built.get(_TAPE)
    if tape is None:
        tape = plan.built[_TAPE] = tape_json(catalog, claim_filter, breathe=breathe)
    return tape


def tape_and_href(
    today: Catalog,
    shown: Catalog,
    selection: Selection,
    claim_filter: ClaimFilter,
    files: LayerFiles | None,
) -> tuple[str, str | None]:
    """The tape, and where a canvas map's frame fetches it from (``None``: inlined).

    A canvas map's tape runs to megabytes: a file, as its layers are
    (``briefmap/app/layer_files.py``), built after the map when it is not built
    yet (the tape is then ``"null"``: the frame fetches it); a markers map's is
    small, and inlined. Where the file cannot be written, the tape is inlined.
    """
    if files is None or not drawn_on_canvas(shown, selection):
        return tape_for(today, claim_filter), None
    plan = today.index.plan(today.index.select(claim_filter))
    with _BUILDING:
        name = plan.built.setdefault(_TAPE_FILE, f"tape-{uuid.uuid4().hex}{SUFFIX}")
        tape = plan.built.get(_TAPE)
        if tape is None and _TAPE_BUILDER not in plan.built:
            builder = threading.Thread(
                target=_build_tape,
                args=(today, claim_filter, files, name),
                name="briefmap-playback-tape",
                daemon=True,
            )
            plan.built[_TAPE_BUILDER] = builder
            _PENDING.append(builder)
    if tape is None:
        return "null", files.url_of(name)
    href = files.publish(tape, name)  # written again if evicted meanwhile
    return ("null", href) if href is not None else (tape, None)


def start_tape_builds() -> None:
    """Start the tape builds :func:`tape_and_href` asked for: call it once the map is sent."""
    with _BUILDING:
        pending = _PENDING[:]
        _PENDING.clear()
    for builder in pending:
        builder.start()


def _build_tape(today: Catalog, claim_filter: ClaimFilter, files: LayerFiles, name: str) -> None:
    """Build the tape and write it where the map's frame looks for it (a thread of its own)."""
    try:
        # Breathing: the map's frame is fetching its layers from this server meanwhile.
        if files.publish(tape_for(today, claim_filter, breathe=True), name) is None:
            log.warning("the playback tape %s could not be written: inlined on the next run", name)
    except Exception:  # a thread's error is seen nowhere else; the frame says it has no tape
        log.exception("the playback tape could not be built")


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
