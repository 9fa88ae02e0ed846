"""Time playback plays exactly the server's "as of": a property test over generated catalogs.

The frame rewinds the map itself (``briefmap/drawing/web/playback.js``) from the
tape both renderers carry (:mod:`briefmap.drawing.playback`). For generated
catalogs with histories (dated changes, ends dated and undated), random filters
and random days, the script's map under Node must be the server's: the claims
:func:`briefmap.engine.timeline.shown_on` selects, at the same status and
posture, the same features per layer with the same lead claim, style and tally,
and the same counts. Catalogs are written as data files and loaded through the
validator, so the histories are ones the data format allows. One Node process
answers a batch of catalogs and days.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import folium
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from needs import NODE_HINT, missing_tool

from briefmap.data.loader import assemble
from briefmap.data.schema import Catalog, ClaimStatus, PlaceKind
from briefmap.drawing import bulk, mapping
from briefmap.drawing.branca_internals import children_of
from briefmap.drawing.canvas_payload import style_entry
from briefmap.drawing.playback import (
    PlaybackTape,
    claim_steps,
    day_count,
    day_text,
    playback_tape,
    tape_json,
)
from briefmap.engine.catalog_arrays import LAYERS
from briefmap.engine.interaction import PlayedDay
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.timeline import shown_on, state_on

RUNNER = Path(__file__).parent / "js" / "playback-runner.js"
ACTOR_IDS = ["russia", "syria", "israel"]
STATUSES = ["confirmed", "stated", "reported", "unverified", "denied"]
POSTURES = ["current", "proposed", "former"]
POINT_KINDS = [("air_base", "site"), ("town", "town"), ("city", "town")]
FIRST, LAST = dt.date(2015, 1, 1), dt.date(2026, 1, 26)
AS_OF = "2025-06-30"  # the data's own day: undated ends count from it
SOURCES = [
    {"id": "s_reuters", "outlet": "Reuters", "date": "2015-01-01"},
    {"id": "s_afp", "outlet": "AFP", "date": "2015-01-01"},
]
BOTH = ["s_reuters", "s_afp"]  # two outlets: any status, confirmed included

days = st.dates(min_value=FIRST, max_value=LAST).map(dt.date.isoformat)


@st.composite
def histories(draw: st.DrawFn, reported: str) -> list[dict[str, Any]] | None:
    """None (no history), or a valid one: first entry on the reported day, then changes."""
    if draw(st.booleans()):
        return None
    entries: list[dict[str, Any]] = [
        {
            "date": reported,
            "status": draw(st.sampled_from(STATUSES)),
            "posture": draw(st.sampled_from(POSTURES)),
        }
    ]
    last = dt.date.fromisoformat(reported)
    for _ in range(draw(st.integers(0, 3))):
        last += dt.timedelta(days=draw(st.sampled_from([0, 1, 30, 400, 1500])))
        change: dict[str, Any] = {"date": min(last, LAST).isoformat(), "sources": BOTH}
        what = draw(st.sampled_from(["status", "posture", "both"]))
        if what != "posture":
            change["status"] = draw(st.sampled_from(STATUSES))
        if what != "status":
            change["posture"] = draw(st.sampled_from(POSTURES))
        entries.append(change)
    if draw(st.integers(0, 3)) == 0:
        entries.append({"date": "unknown", "posture": "former"})
    return entries


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    n_points = draw(st.integers(1, 6))
    n_regions = draw(st.integers(0, 2))
    features: list[dict[str, Any]] = []
    for i in range(n_points):
        kind, precision = draw(st.sampled_from(POINT_KINDS))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"p{i}",
                    "name_en": draw(st.sampled_from(["Tartus", "Hama", "Idlib"])) + f" {i}",
                    "kind": kind,
                    "precision": precision,
                },
                "geometry": {"type": "Point", "coordinates": [36 + i / 10, 34 + i / 10]},
            }
        )
    for j in range(n_regions):
        w, s = 38 + j, 35.0
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"r{j}",
                    "name_en": f"Region {j}",
                    "kind": "governorate",
                    "precision": "region",
                },
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[w, s], [w + 0.5, s], [w + 0.5, s + 0.5], [w, s]]],
                },
            }
        )
    place_ids = [f["properties"]["id"] for f in features]
    claims = []
    for k in range(draw(st.integers(1, 12))):
        reported = draw(days)
        history = draw(histories(reported))
        if history is None:
            status = draw(st.sampled_from(STATUSES))
            # A former claim says when it ended: without a history, it has none.
            posture = draw(st.sampled_from(["current", "proposed"]))
        else:
            status = next(e["status"] for e in reversed(history) if "status" in e)
            posture = next(e["posture"] for e in reversed(history) if "posture" in e)
        claim: dict[str, Any] = {
            "id": f"c{k}",
            "places": draw(st.lists(st.sampled_from(place_ids), min_size=1, max_size=3, unique=True)),
            "actors": draw(st.lists(st.sampled_from(ACTOR_IDS), min_size=1, max_size=2, unique=True)),
            "claimant": "someone",
            "status": status,
            "posture": posture,
            "reported": reported,
            "summary": f"Summary {k}",
            "attribution": "a",
            "sources": BOTH,
            "role": draw(st.sampled_from(["report", "context"])),
        }  # fmt: skip
        if history is not None:
            claim["history"] = history
        claims.append(claim)
    result = assemble(
        [
            ("places.geojson", {"type": "FeatureCollection", "features": features}),
            ("claims.json", {"as_of": AS_OF, "claims": claims}),
            ("sources.json", {"sources": SOURCES}),
        ]
    )
    assert result.ok, result.report()
    return result.catalog


@st.composite
def filters(draw: st.DrawFn) -> ClaimFilter:
    return ClaimFilter(
        actors=draw(st.none() | st.frozensets(st.sampled_from(ACTOR_IDS), min_size=1)),
        statuses=draw(st.none() | st.frozensets(st.sampled_from(list(ClaimStatus)))),
        deployments=draw(st.sampled_from(list(Deployments))),
        kinds=draw(st.none() | st.just(frozenset({PlaceKind.AIR_BASE, PlaceKind.GOVERNORATE}))),
        search=draw(st.sampled_from(["", "", "", "Hama"])),
        reported_from=draw(st.none() | days),
    )


def _in_node(cases: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None:
        missing_tool("Node is not installed", NODE_HINT)
    done = subprocess.run(
        [node, str(RUNNER)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def _tapes_of(groups: list[folium.FeatureGroup]) -> list[str]:
    return [
        child.tape_json
        for group in groups
        for child in children_of(group)
        if isinstance(child, PlaybackTape)
    ]


def _server_map(catalog: Catalog, claim_filter: ClaimFilter, day: str) -> dict[str, Any]:
    """What the server's "as of" draws on ``day``, in the runner's terms (ids for indices)."""
    shown, selection, _ = shown_on(catalog, claim_filter, day, None)
    index = shown.index
    plan = index.plan(selection)
    features = []
    for layer, place, lead, count, tally in zip(
        plan.layer.tolist(),
        plan.place.tolist(),
        plan.lead.tolist(),
        plan.count.tolist(),
        plan.tally.tolist(),
        strict=True,
    ):
        claim = index.claims.ordered[lead]
        where = catalog.places[index.places.ids[place]]
        one = [int(s is claim.status) for s in ClaimStatus]
        features.append(
            {
                "layer": LAYERS[layer].value,
                "place": where.id,
                "lead": claim.id,
                "count": count,
                "tally": list(plan.tallies[tally]) if tally >= 0 else one,
                "style": style_entry(
                    catalog.meta.actor(claim.actors[0]).colour,
                    claim.status,
                    claim.posture,
                    where.is_point,
                ),
            }
        )
    return {
        "claims": sorted((c.id, c.status.value, c.posture.value) for c in selection.claims),
        "features": sorted(features, key=lambda f: (f["layer"], f["place"])),
        "shown": len(selection.claims),
        "total": selection.total_claims,
        "byStatus": [sum(c.status is s for c in selection.claims) for s in ClaimStatus],
    }


def _frame_map(
    catalog: Catalog, claim_filter: ClaimFilter, tape: dict[str, Any], got: dict[str, Any]
) -> dict[str, Any]:
    """The runner's answer in the same terms, claims named through the server's own order."""
    # The tape's claims are the open filter's, in the order the server selects (reported, id).
    open_filter = ClaimFilter(**{**claim_filter.__dict__, "statuses": None})
    open_filter = ClaimFilter(
        **{**open_filter.__dict__, "deployments": Deployments.INCLUDE_PROPOSED}
    )
    order = sorted(catalog.index.select(open_filter).claims, key=lambda c: (c.reported, c.id))
    statuses, postures = list(ClaimStatus), ["current", "proposed", "former"]
    return {
        "claims": sorted(
            (order[c].id, statuses[code // 3].value, postures[code % 3])
            for c, code in got["claims"]
        ),
        "features": sorted(
            (
                {
                    **f,
                    "layer": LAYERS[f["layer"]].value,
                    "place": tape["p"][f["place"]],
                    "lead": order[f["lead"]].id,
                }
                for f in got["features"]
            ),
            key=lambda f: (f["layer"], f["place"]),
        ),
        "shown": got["shown"],
        "total": got["total"],
        "byStatus": got["byStatus"],
    }


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    cases=st.lists(
        st.tuples(
            catalogs(),
            filters(),
            st.lists(days, min_size=1, max_size=6),
            st.lists(days, min_size=1, max_size=6),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_the_frame_plays_what_the_server_shows_as_of_each_day(
    cases: list[tuple[Catalog, ClaimFilter, list[str], list[str]]],
) -> None:
    batch, tapes = [], []
    for catalog, claim_filter, chosen, walk in cases:
        everyday = {catalog.as_of or AS_OF, *chosen}
        # The days a claim changes, and the day before each: where a slip shows.
        for claim in list(catalog.claims.values())[:3]:
            for day, _ in claim_steps(claim, catalog.as_of):
                everyday |= {day, day_text(day_count(day) - 1)}
        selection = catalog.index.select(claim_filter)
        extras = mapping.MapExtras(tape=tape_json(catalog, claim_filter))
        markers = mapping.build_layers(catalog, selection, extras)
        canvas = bulk.build_bulk_layers(catalog, selection, extras)
        # Both renderers carry the one tape: the same frame whichever draws the map.
        (from_markers,) = _tapes_of(markers)
        (from_canvas,) = _tapes_of(canvas)
        assert from_markers == from_canvas
        tape = json.loads(from_canvas)
        assert tape == json.loads(json.dumps(playback_tape(catalog, claim_filter)))
        tapes.append(tape)
        # One cursor plays each case's days in order: forwards through every day
        # that matters, then a random walk back and forth (the frame's steps and jumps).
        batch.append({"tape": tape, "days": sorted(everyday) + walk})
    answers = _in_node(batch)
    for (catalog, claim_filter, _, _), case, tape, answer in zip(
        cases, batch, tapes, answers, strict=True
    ):
        for day, got in zip(case["days"], answer, strict=True):
            assert got["day"] == day
            # Stepped to, the cursor's map is the one computed afresh, and so
            # are the places it says changed since the day before in the walk.
            assert got["sameAsAfresh"], day
            assert got["changed"] == got["changedAfresh"], day
            assert _frame_map(catalog, claim_filter, tape, got) == _server_map(
                catalog, claim_filter, day
            ), (day, claim_filter)


def test_steps_are_state_on_sampled_where_it_changes() -> None:
    """An end no source dates shows from the data's day; a claim is absent before it is reported."""
    result = assemble(
        [
            (
                "places.geojson",
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {
                                "id": "p0",
                                "name_en": "Hama",
                                "kind": "town",
                                "precision": "town",
                            },
                            "geometry": {"type": "Point", "coordinates": [36.7, 35.1]},
                        }
                    ],
                },
            ),
            (
                "claims.json",
                {
                    "as_of": AS_OF,
                    "claims": [
                        {
                            "id": "c0",
                            "places": ["p0"],
                            "actors": ["russia"],
                            "claimant": "x",
                            "status": "confirmed",
                            "posture": "former",
                            "reported": "2016-03-01",
                            "summary": "s",
                            "attribution": "a",
                            "sources": BOTH,
                            "history": [
                                {"date": "2016-03-01", "status": "reported", "posture": "current"},
                                {"date": "2019-05-02", "status": "confirmed", "sources": BOTH},
                                {"date": "unknown", "posture": "former"},
                            ],
                        }
                    ],
                },
            ),
            ("sources.json", {"sources": SOURCES}),
        ]
    )
    assert result.ok, result.report()
    claim = result.catalog.claims["c0"]
    steps = claim_steps(claim, AS_OF)
    assert [day for day, _ in steps] == ["2016-03-01", "2019-05-02", AS_OF]
    # reported/current, confirmed/current, confirmed/former.
    assert [code for _, code in steps] == [2 * 3 + 0, 0 * 3 + 0, 0 * 3 + 2]
    postures = ["current", "proposed", "former"]
    for day, code in steps:
        state = state_on(claim, day, AS_OF)
        assert state is not None
        assert state.status.rank * 3 + postures.index(state.posture.value) == code
    # Without a day of its own the data never dates the end: no third step.
    assert len(claim_steps(claim, None)) == 2
    tape = playback_tape(result.catalog, ClaimFilter())
    assert tape["sd"] == [day_count(d) for d, _ in steps]
    assert tape["rd"] == [day_count("2016-03-01")] and tape["rc"] == [1]
    answer = _in_node([{"tape": tape, "days": ["2016-02-29", "2016-03-01", "2025-06-29", AS_OF]}])
    assert [a["shown"] for a in answer[0]] == [0, 1, 1, 1]
    assert [a["claims"] for a in answer[0]] == [[], [[0, 6]], [[0, 0]], [[0, 2]]]
    assert [a["features"][0]["layer"] for a in answer[0][1:]] == [4, 4, 2]  # sites, then former


@pytest.mark.parametrize("text", ["1970-01-01", "2016-02-29", "2026-12-31"])
def test_days_count_as_the_frame_counts(text: str) -> None:
    answer = _in_node([{"tape": playback_tape(Catalog(), ClaimFilter()), "days": [text]}])
    assert answer[0][0]["day"] == text
    assert day_text(day_count(text)) == text


@pytest.mark.parametrize(
    ("report", "expected"),
    [
        ({"day": "2020-02-03", "since": "2019-01-01", "serial": 4}, ("2020-02-03", "2019-01-01")),
        ({"day": "2020-02-03", "since": "2021-01-01", "serial": 4}, ("2020-02-03", None)),
        ({"day": "2020-02-03", "since": "<b>", "serial": 1}, ("2020-02-03", None)),
        ({"day": "2020-02-30", "serial": 1}, None),
        ({"day": "<script>", "serial": 1}, None),
        ({"day": "2020-02-03", "serial": True}, None),
        ({"day": "2020-02-03"}, None),
        ("2020-02-03", None),
    ],
)
def test_the_day_playback_rests_on_is_read_as_untrusted(
    report: object, expected: tuple[str, str | None] | None
) -> None:
    played = PlayedDay.from_component({"briefmap": {"playback": report}})
    assert (None if played is None else (played.day, played.since)) == expected
