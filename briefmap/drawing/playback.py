"""Time playback's tape: what a map's frame needs to draw the map "as of" any day itself.

The server's "as of" (:func:`briefmap.engine.timeline.as_of`) rewinds the
catalog and filters it again: a rerun per day. Playing a span of years that way
is a rerun a frame. The tape carries, for every claim a filter could show on
some day, its reported day and its states from then on, so the frame's
``briefmap/drawing/web/playback.js`` computes a day's map (which claims show,
their status and posture, each place's lead claim and style, the counts)
without asking the server. ``tests/test_playback.py`` checks, over generated
catalogs, that it is exactly the server's "as of" for the same filter.

Each claim's states are :func:`~briefmap.engine.timeline.state_on` itself,
sampled on the days it can change (its reported day, each dated history entry,
the data's own day for an end no source dates), so there is one rule for what
a claim was on a day, not a second copy in JavaScript.

The tape (JSON; days are whole days since 1970-01-01, as ``Date.UTC`` counts):

- ``v``: 1. ``asof``: the data's own day (``null`` if it states none);
  ``span``: the first and last day anything was reported or changed.
- ``A``: actor colours, by the actor codes of
  :func:`briefmap.engine.catalog_arrays.actor_ids_of`.
- ``p``: the candidate places' ids; ``pt``: 1 for a point, 0 otherwise;
  ``px``, ``py``: a point's longitude and latitude in 1e-5 degree (0 otherwise);
  ``g``, the other places' paths of [lon, lat] to 5 decimals (an outline's rings,
  a line's parts; ``null`` for a point), ``gl`` 1 for a line (stroked, never filled).
- Claims, in the order the server selects them (reported day, then id):
  ``ca`` first actor's code, ``cx`` 1 for context (background) claims,
  ``cr`` its place among all the catalog's claims by role, then id (the
  tie-break of :func:`briefmap.engine.layers.lead_order` after status), ``cq`` the places (indices into ``p``) the filter draws it at;
  ``sk`` where its steps start in ``sd`` (day) and ``ss`` (state: status rank
  times 3 plus posture, :data:`briefmap.engine.catalog_arrays.POSTURES` order).
  A claim's first step is its reported day; before it, it is not shown.
- ``fs``: the statuses the filter admits, as five 0/1 by rank (``null``: all);
  ``fd``: the deployments choice (:class:`briefmap.engine.query.Deployments`).
  Both read a claim's state on the day, so the frame applies them.
- ``rd``, ``rc``: the catalog's distinct reported days and how many claims were
  reported by each: the footnote's "of N claims" on any day.
- ``Y``: styles by ``(status * 3 + posture) * 2 + point``, as
  :func:`briefmap.drawing.canvas_payload.style_entry` gives them less the
  colour: ``[weight, dash, fill, fill opacity]``.
- ``L``, ``Lk``: the status ladder and its ink as a canvas map's crowded
  areas draw them (:data:`briefmap.drawing.canvas_payload.LADDER`): a frame
  bins its points as the map at rest does (``playback.js`` crowds).
- ``H``: the timeline's histogram, :meth:`briefmap.engine.index.CatalogIndex.monthly_counts`
  of the selection the tape was built for, as ``[yyyymm, rank, claims]`` rows.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from jinja2 import Template

from briefmap.data.schema import UNKNOWN_DATE, Catalog, Claim, Role
from briefmap.drawing.assets import web_text
from briefmap.drawing.canvas_payload import LADDER, style_entry
from briefmap.drawing.map_elements import MapElement
from briefmap.drawing.symbology import AGGREGATE_INK
from briefmap.engine.catalog_arrays import POSTURES, STATUSES, actor_ids_of
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.timeline import date_span, state_on
from briefmap.safe import script_json

_EPOCH = dt.date(1970, 1, 1).toordinal()
# Built in a thread of the server's own (briefmap/app/playback.py), a tape takes
# the interpreter lock from the threads that serve the page: they wait up to the
# switch interval (5 ms) for it after each send. ``breathe`` lets go of it this
# long every BREATH_EVERY claims, and serialises the tape field by field (one
# json.dumps of 7 MB held it for a second).
BREATH_S, BREATH_EVERY = 0.001, 500
TAPE_VERSION = 1


def day_count(day: str) -> int:
    """``YYYY-MM-DD`` as whole days since 1970-01-01 (as the frame's ``Date.UTC`` counts)."""
    return dt.date.fromisoformat(day).toordinal() - _EPOCH


def day_text(count: int) -> str:
    """:func:`day_count` back to ``YYYY-MM-DD``."""
    return dt.date.fromordinal(count + _EPOCH).isoformat()


# (status, posture) -> status rank * 3 + posture: ClaimStatus.rank walks the enum each time.
_CODE = {
    (status, posture): rank * len(POSTURES) + p
    for rank, status in enumerate(STATUSES)
    for p, posture in enumerate(POSTURES)
}


def state_code(claim: Claim, day: str, known_by: str | None) -> int:
    """The claim's state on ``day`` as the tape codes it: status rank * 3 + posture."""
    state = state_on(claim, day, known_by)
    if state is None:
        raise ValueError(f"claim {claim.id!r} is not reported by {day}")
    return _CODE[state.status, state.posture]


def claim_steps(claim: Claim, known_by: str | None) -> list[tuple[str, int]]:
    """The days the claim's state changes, from its reported day, with the state from each.

    :func:`~briefmap.engine.timeline.state_on` changes only on these days: the
    history applies in order, each entry from its date, an undated end from
    ``known_by``; sampled there, its steps are the same function.
    """
    if not claim.history:  # state_on's own first answer: the claim as it stands
        return [(claim.reported, _CODE[claim.status, claim.posture])]
    days = {claim.reported}
    for change in claim.history:
        if change.date != UNKNOWN_DATE:
            days.add(change.date)
        elif known_by is not None:
            days.add(known_by)
    steps: list[tuple[str, int]] = []
    for day in sorted(d for d in days if d >= claim.reported):
        code = state_code(claim, day, known_by)
        if not steps or steps[-1][1] != code:
            steps.append((day, code))
    return steps


def _paths(geometry: Any) -> list[list[list[float]]]:
    """An outline's rings or a line's parts, as [lon, lat] paths rounded to 5 decimals."""
    parts = getattr(geometry, "geoms", None) or [geometry]
    paths = []
    for part in parts:
        lines = [part.exterior, *part.interiors] if part.geom_type == "Polygon" else [part]
        paths += [[[round(x, 5), round(y, 5)] for x, y, *_ in line.coords] for line in lines]
    return paths


def _style_table() -> list[list[Any]]:
    table = []
    for status in STATUSES:
        for posture in POSTURES:
            for point in (False, True):
                table.append(style_entry("", status, posture, point)[1:])
    return table


STYLES = _style_table()


@dataclass(frozen=True)
class _Reel:
    """What a catalog's tapes share whatever the filter, per claim in the index's order."""

    start: np.ndarray  # int64, n + 1: where each claim's steps start
    days: np.ndarray  # int64 day counts
    codes: np.ndarray  # int64 state codes
    actor: np.ndarray  # int64: the first actor's code
    context: np.ndarray  # int64: 1 for background claims
    lead_rank: np.ndarray  # int64: place in (role, id) order among all claims
    reported: list[int]  # distinct reported days
    reported_by: list[int]  # claims reported by each


def _reel(catalog: Catalog, breathe: bool = False) -> _Reel:
    """The catalog's :class:`_Reel`, built once and kept with it (as ``as_of`` keeps its days)."""
    found = catalog.__dict__.get("_playback_reel")
    if found is not None:
        return found
    ordered = catalog.index.claims.ordered  # (reported, id): the order select walks
    actor_code = {a: i for i, a in enumerate(actor_ids_of(catalog))}
    starts, days, codes = [0], [], []
    for n, claim in enumerate(ordered):
        if breathe and n % BREATH_EVERY == 0:
            time.sleep(BREATH_S)
        for day, code in claim_steps(claim, catalog.as_of):
            days.append(day_count(day))
            codes.append(code)
        starts.append(len(days))
    by_lead = sorted(
        range(len(ordered)), key=lambda i: (ordered[i].role is Role.CONTEXT, ordered[i].id)
    )
    lead_rank = np.zeros(len(ordered), np.int64)
    lead_rank[np.array(by_lead, dtype=np.int64)] = np.arange(len(ordered))
    reported, reported_by = [], []
    for n, claim in enumerate(ordered, start=1):
        day = day_count(claim.reported)
        if reported and reported[-1] == day:
            reported_by[-1] = n
        else:
            reported.append(day)
            reported_by.append(n)
    reel = _Reel(
        start=np.array(starts, dtype=np.int64),
        days=np.array(days, dtype=np.int64),
        codes=np.array(codes, dtype=np.int64),
        actor=np.array([actor_code[c.actors[0]] for c in ordered], dtype=np.int64),
        context=np.array([int(c.role is Role.CONTEXT) for c in ordered], dtype=np.int64),
        lead_rank=lead_rank,
        reported=reported,
        reported_by=reported_by,
    )
    catalog.__dict__["_playback_reel"] = reel
    return reel


def playback_tape(
    catalog: Catalog, claim_filter: ClaimFilter, *, breathe: bool = False
) -> dict[str, Any]:
    """The tape for ``catalog`` (today's, not rewound) under ``claim_filter``.

    Candidates are the claims the filter selects when status and deployments
    are left open: those two read a claim's state, which the day sets, so the
    frame applies them; every other part (actors, reported dates, kinds, the
    search) reads what no day changes. What does not depend on the filter (each
    claim's steps) is computed once per catalog.
    """
    open_filter = replace(claim_filter, statuses=None, deployments=Deployments.INCLUDE_PROPOSED)
    index = catalog.index
    reel = _reel(catalog, breathe)
    candidates = index.select(open_filter)
    claims = candidates.claims  # in select's order: reported, then id
    at = np.array([index.claims.index[c.id] for c in claims], dtype=np.int64)
    place_at: dict[str, int] = {}
    cq = []
    for n, claim in enumerate(claims):
        if breathe and n % BREATH_EVERY == 0:
            time.sleep(BREATH_S)
        cq.append(
            [place_at.setdefault(pid, len(place_at)) for pid in candidates.places_of[claim.id]]
        )
    place_ids = list(place_at)
    places = [catalog.places[p] for p in place_ids]
    # Each candidate's slice of the reel's steps, gathered without a Python loop.
    first, lengths = reel.start[at], reel.start[at + 1] - reel.start[at]
    starts = np.concatenate(([0], np.cumsum(lengths)))
    picked = np.repeat(first - starts[:-1], lengths) + np.arange(int(starts[-1]))
    span = date_span(catalog)
    statuses = claim_filter.statuses
    histogram = [
        [int(str(row["month"])[:4]) * 100 + int(str(row["month"])[5:7]), row["rank"], row["claims"]]
        for row in index.monthly_counts(index.select(claim_filter))
    ]
    return {
        "v": TAPE_VERSION,
        "asof": day_count(catalog.as_of) if catalog.as_of else None,
        "span": [day_count(span[0]), day_count(span[1])] if span else None,
        "A": [catalog.meta.actor(a).colour for a in actor_ids_of(catalog)],
        "p": place_ids,
        "pt": [int(p.is_point) for p in places],
        "px": [round(p.geometry.x * 1e5) if p.is_point else 0 for p in places],
        "py": [round(p.geometry.y * 1e5) if p.is_point else 0 for p in places],
        "g": [None if p.is_point else _paths(p.geometry) for p in places],
        "gl": [int(p.is_line) for p in places],
        "ca": reel.actor[at].tolist(),
        "cx": reel.context[at].tolist(),
        "cr": reel.lead_rank[at].tolist(),
        "cq": cq,
        "sk": starts.tolist(),
        "sd": reel.days[picked].tolist(),
        "ss": reel.codes[picked].tolist(),
        "fs": None if statuses is None else [int(s in statuses) for s in STATUSES],
        "fd": claim_filter.deployments.value,
        "rd": reel.reported,
        "rc": reel.reported_by,
        "Y": STYLES,
        "L": LADDER,
        "Lk": AGGREGATE_INK,
        "H": histogram,
    }


def tape_json(catalog: Catalog, claim_filter: ClaimFilter, *, breathe: bool = False) -> str:
    """:func:`playback_tape` as JSON for the frame's script (:func:`briefmap.safe.script_json`)."""
    tape = playback_tape(catalog, claim_filter, breathe=breathe)
    if not breathe:
        return script_json(tape)
    fields = []
    for key, value in tape.items():  # the same text as script_json(tape), a field at a time
        fields.append(f"{script_json(key)}:{script_json(value)}")
        time.sleep(BREATH_S)
    return "{" + ",".join(fields) + "}"


class PlaybackTape(MapElement):
    """The tape in the map's frame, and the scripts that play it (``web/playback*.js``).

    Added by :func:`briefmap.drawing.mapping.add_controls`, which both
    renderers call: the markers and the canvas carry the same tape. With an
    ``href`` (a large map's, ``briefmap/app/playback.py``) the frame fetches
    the tape from there once the map is drawn, waiting for it while the server
    builds it (``playback.js`` fetchTape), apart from the layers' fetches, which
    draw together and would wait for it.
    ``shown``: the day the server drew the layers for (``None``: today).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.code }}\n"
        "{% if this.href %}window.__briefmapPlayback.fetchTapeFile({{ this.map_name() }}, "
        "{{ this.href_json }}, function (d) {\n"
        "({{ this.frame_js }})({{ this.map_name() }}, d, {{ this.shown_json }});\n});"
        "{% else %}({{ this.frame_js }})({{ this.map_name() }}, {{ this.tape_json }}, "
        "{{ this.shown_json }});{% endif %}\n{% endmacro %}"
    )

    def __init__(self, tape: str, shown: str | None = None, href: str | None = None) -> None:
        super().__init__()
        self._name = "PlaybackTape"
        self.tape_json = tape
        self.shown_json = script_json(shown)
        self.href = href
        self.href_json = script_json(href)
        self.code = PLAYBACK_SCRIPT
        self.frame_js = PLAYBACK_FRAME_SCRIPT


PLAYBACK_SCRIPT = web_text("playback.js")
PLAYBACK_FRAME_SCRIPT = web_text("playback-frame.js")
