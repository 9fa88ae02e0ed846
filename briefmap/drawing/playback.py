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
  ``cr`` its place in lead order among equals (:func:`briefmap.engine.layers.lead_order`
  by role, then id), ``cq`` the places (indices into ``p``) the filter draws it at;
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
- ``H``: the timeline's histogram, :meth:`briefmap.engine.index.CatalogIndex.monthly_counts`
  of the selection the tape was built for, as ``[yyyymm, rank, claims]`` rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from jinja2 import Template

from briefmap.data.schema import UNKNOWN_DATE, Catalog, Claim, Role
from briefmap.drawing.assets import web_text
from briefmap.drawing.canvas_payload import style_entry
from briefmap.drawing.map_elements import MapElement
from briefmap.engine.catalog_arrays import POSTURES, STATUSES, actor_ids_of
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.timeline import date_span, state_on
from briefmap.safe import script_json

_EPOCH = dt.date(1970, 1, 1).toordinal()
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


def playback_tape(catalog: Catalog, claim_filter: ClaimFilter) -> dict[str, Any]:
    """The tape for ``catalog`` (today's, not rewound) under ``claim_filter``.

    Candidates are the claims the filter selects when status and deployments
    are left open: those two read a claim's state, which the day sets, so the
    frame applies them; every other part (actors, reported dates, kinds, the
    search) reads what no day changes.
    """
    open_filter = replace(claim_filter, statuses=None, deployments=Deployments.INCLUDE_PROPOSED)
    index = catalog.index
    candidates = index.select(open_filter)
    actor_code = {a: i for i, a in enumerate(actor_ids_of(catalog))}
    claims = sorted(candidates.claims, key=lambda c: (c.reported, c.id))
    place_at: dict[str, int] = {}
    for claim in claims:
        for pid in candidates.places_of[claim.id]:
            place_at.setdefault(pid, len(place_at))
    place_ids = list(place_at)
    places = [catalog.places[p] for p in place_ids]
    lead_rank = {
        c.id: r for r, c in enumerate(sorted(claims, key=lambda c: (c.role is Role.CONTEXT, c.id)))
    }
    starts, days, codes = [0], [], []
    for claim in claims:
        for day, code in claim_steps(claim, catalog.as_of):
            days.append(day_count(day))
            codes.append(code)
        starts.append(len(days))
    reported = sorted(day_count(c.reported) for c in catalog.claims.values())
    distinct: list[int] = []
    cumulative: list[int] = []
    for n, day in enumerate(reported, start=1):
        if distinct and distinct[-1] == day:
            cumulative[-1] = n
        else:
            distinct.append(day)
            cumulative.append(n)
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
        "A": [catalog.meta.actor(a).colour for a in actor_code],
        "p": place_ids,
        "pt": [int(p.is_point) for p in places],
        "px": [round(p.geometry.x * 1e5) if p.is_point else 0 for p in places],
        "py": [round(p.geometry.y * 1e5) if p.is_point else 0 for p in places],
        "g": [None if p.is_point else _paths(p.geometry) for p in places],
        "gl": [int(p.is_line) for p in places],
        "ca": [actor_code[c.actors[0]] for c in claims],
        "cx": [int(c.role is Role.CONTEXT) for c in claims],
        "cr": [lead_rank[c.id] for c in claims],
        "cq": [[place_at[p] for p in candidates.places_of[c.id]] for c in claims],
        "sk": starts,
        "sd": days,
        "ss": codes,
        "fs": None if statuses is None else [int(s in statuses) for s in STATUSES],
        "fd": claim_filter.deployments.value,
        "rd": distinct,
        "rc": cumulative,
        "Y": STYLES,
        "H": histogram,
    }


def tape_json(catalog: Catalog, claim_filter: ClaimFilter) -> str:
    """:func:`playback_tape` as JSON for the frame's script (:func:`briefmap.safe.script_json`)."""
    return script_json(playback_tape(catalog, claim_filter))


class PlaybackTape(MapElement):
    """The tape in the map's frame, and the scripts that play it (``web/playback*.js``).

    Added by :func:`briefmap.drawing.mapping.add_controls`, which both
    renderers call: the markers and the canvas carry the same tape. With an
    ``href`` (a large map's, ``briefmap/app/layer_files.py``) the frame fetches
    the tape as the canvas layers fetch their payloads (``payload-fetch.js``).
    ``shown``: the day the server drew the layers for (``None``: today).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.code }}\n"
        "{% if this.href %}window.__briefmapFetchPayload({{ this.map_name() }}, "
        '"briefmap-playback", {{ this.href_json }}, function (d) {\n'
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
