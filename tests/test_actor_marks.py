"""Actors told apart without colour (issue 25, finding 9): a mark per actor.

In greyscale Syria's green, Israel's navy and the Arab League's plum print as
near the same grey; each actor's symbols also carry a mark of its own, from
the data's actor table: a shape, or past the shapes a letter code.
"""

from __future__ import annotations

import re

import canvas_reading
from hypothesis import given, settings
from hypothesis import strategies as st

from briefmap.data.schema import Actor, Catalog, ClaimStatus, PlaceKind, Posture
from briefmap.drawing import bulk, canvas_payload
from briefmap.drawing.mapping import build_map
from briefmap.drawing.plan import one_per_place, plan_features
from briefmap.drawing.symbology import (
    MARK_SHAPES,
    ActorMark,
    actor_mark,
    actor_marks,
    legend_html,
    legend_strip_html,
    symbol_svg,
)
from briefmap.engine.query import ClaimFilter, select

MAX_ACTORS = 60


def _tells_apart(first: ActorMark, second: ActorMark) -> bool:
    """Two marks a reader tells apart in greyscale: different shapes, or different codes."""
    if first.path or second.path:
        return first.path != second.path
    return first.code != second.code


def _actors(labels: list[str]) -> list[Actor]:
    return [Actor(f"actor_{i}", label, "#333333") for i, label in enumerate(labels)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            # Labels that share initials and letters, as real tables do ("Iran",
            # "Iraq"; "Arab League", "Arab League states"), and any text at all.
            st.sampled_from(["Iran", "Iraq", "Arab League", "Arab League states", "I", "!!", ""]),
            st.text(max_size=12),
        ),
        min_size=1,
        max_size=MAX_ACTORS,
    )
)
def test_every_pair_of_actors_differs_in_shape_or_code(labels: list[str]) -> None:
    actors = _actors(labels)
    marks = actor_marks(actors)
    assert list(marks) == [a.id for a in actors]
    ids = list(marks)
    for i, first in enumerate(ids):
        for second in ids[i + 1 :]:
            assert _tells_apart(marks[first], marks[second]), (first, second, marks)
    for mark in marks.values():
        # A shape, or a short code that fits in a town's symbol.
        assert bool(mark.path) != bool(mark.code)
        assert len(mark.code) <= 3


def test_marks_follow_the_table_shapes_first_then_codes_and_are_deterministic() -> None:
    labels = [f"Actor {chr(65 + i)}" for i in range(len(MARK_SHAPES) + 3)]
    marks = actor_marks(_actors(labels))
    assert [m.name for m in marks.values()][: len(MARK_SHAPES)] == [n for n, _ in MARK_SHAPES]
    assert [m.code for m in marks.values()][len(MARK_SHAPES) :] == ["AG", "AH", "AI"]
    assert actor_marks(_actors(labels)) == marks
    # Another table order, other marks: the table decides, never the code.
    assert actor_marks(list(reversed(_actors(labels))))["actor_0"] != marks["actor_0"]


def test_an_actor_the_table_lacks_gets_a_code_no_listed_actor_has() -> None:
    actors = _actors([f"Actor {i}" for i in range(10)])
    table = {a.id: a for a in actors}
    stray = actor_mark(table, "Actor 3")
    assert stray.code and stray.code not in {m.code for m in actor_marks(actors).values()}


def test_the_shipped_actors_each_have_a_shape_of_their_own(real_catalog: Catalog) -> None:
    marks = actor_marks(real_catalog.meta.actors)
    assert len(marks) == len(real_catalog.meta.actors) <= len(MARK_SHAPES)
    assert len({m.path for m in marks.values()}) == len(marks)
    # The finding's three, near the same grey, are three shapes.
    names = {marks[a].name for a in ("syria", "israel", "arab_states")}
    assert len(names) == 3


def test_a_symbol_carries_its_mark_and_keeps_status_and_posture() -> None:
    shape, code = ActorMark("dot", "M0 0 Z"), ActorMark("code", code="AL")
    for status in ClaimStatus:
        for posture in Posture:
            plain = symbol_svg(PlaceKind.TOWN, "#005A42", status, posture)
            marked = symbol_svg(PlaceKind.TOWN, "#005A42", status, posture, shape)
            # The same fill and line (status and posture), the mark added on top.
            assert marked.startswith(plain[: -len("</svg>")])
            assert 'class="bm-mark" data-mark="dot"' in marked and 'd="M0 0 Z"' in marked
    coded = symbol_svg(PlaceKind.CITY, "#005A42", ClaimStatus.STATED, Posture.FORMER, code)
    assert re.search(r'<text [^>]*data-code="AL">AL</text>', coded)


def test_a_code_from_a_hostile_label_is_letters_only() -> None:
    labels = [f"Actor {i}" for i in range(len(MARK_SHAPES))] + ['<img src=x onerror="alert(1)">']
    mark = actor_marks(_actors(labels))[f"actor_{len(MARK_SHAPES)}"]
    assert mark.code.isalnum()
    svg = symbol_svg(PlaceKind.CITY, "#000000", ClaimStatus.STATED, Posture.CURRENT, mark)
    assert "<img" not in svg


def test_the_markers_draw_each_actors_mark_and_the_legend_shows_it(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    marks = actor_marks(real_catalog.meta.actors)
    html = build_map(real_catalog, selection).get_root().render()
    features = plan_features(real_catalog, selection)
    for feature in features:
        if feature.place.is_point:
            assert marks[feature.actor.id].path in html
    legend = legend_html(features)
    assert "Actor (colour and mark)" in legend
    drawn = {f.actor.id for f in features}
    for actor_id in drawn:
        assert f'data-mark="{marks[actor_id].name}"' in legend
    # Presentation view's strip: the marks of the whole table, not of those shown.
    syria = real_catalog.meta.actor("syria")
    strip = legend_strip_html([syria], {ClaimStatus.STATED}, {Posture.CURRENT}, marks=marks)
    assert f'data-mark="{marks["syria"].name}"' in strip


def test_the_canvas_payload_carries_each_points_mark(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    marks = actor_marks(real_catalog.meta.actors)
    wanted = {(m.path, m.code) for m in marks.values()}
    seen: set[tuple[str, str]] = set()
    for group in bulk.build_bulk_layers(real_catalog, selection):
        payload = canvas_reading.layer_payload(group)
        assert payload is not None
        kinds = {tuple(k) for k in payload["K"]}
        assert kinds <= wanted
        point_styles = {payload["k"][i] % len(payload["S"]) for i in range(len(payload["x"]))}
        for i, style in enumerate(payload["S"]):
            if i in point_styles:
                assert style[7] >= 0
                seen.add(tuple(payload["K"][style[7]]))
        for style in payload["gs"]:
            assert payload["S"][style][7] == -1  # outlines carry none
    # A point of each actor the shipped data draws as a point.
    point_actors = {f.actor.id for f in plan_features(real_catalog, selection) if f.place.is_point}
    assert seen == {(marks[a].path, marks[a].code) for a in point_actors}
    assert len(seen) >= 4
    # The marks go through the payload's own JSON, which stays script-safe.
    assert "<" not in canvas_payload.dumps({"K": [[m.path, m.code] for m in marks.values()]})


def test_the_exported_page_the_png_is_drawn_from_carries_the_marks(real_catalog: Catalog) -> None:
    # png_export.png_snapshot photographs this page: what it draws, the PNG shows.
    from briefmap.drawing.html_export import standalone_html

    selection = select(real_catalog, ClaimFilter())
    html = standalone_html(real_catalog, selection, "Marks")
    marks = actor_marks(real_catalog.meta.actors)
    # The actor of each point marker: the place's lead feature (one marker a place).
    drawn = one_per_place(plan_features(real_catalog, selection))
    point_actors = {feature.actor.id for feature, *_ in drawn if feature.place.is_point}
    assert len(point_actors) >= 3
    for actor_id in point_actors:
        # In the markers' script, as JSON: its quotes escaped.
        assert re.search(rf'data-mark=\\?"{marks[actor_id].name}\\?"', html), actor_id
        assert marks[actor_id].path in html


# The finding's three actors, each given an area of the shipped data.
AREA_ACTORS = {
    "daraa_governorate": "syria",
    "golan_heights": "israel",
    "suwayda_governorate": "arab_states",
}


def areas_of_three(real_catalog: Catalog) -> Catalog:
    """The shipped places, with one current claim about each area of :data:`AREA_ACTORS`, by its actor."""
    from dataclasses import replace

    model = next(iter(real_catalog.claims.values()))
    claims = {
        f"area_{place}": replace(
            model,
            id=f"area_{place}",
            places=(place,),
            actors=(actor,),
            status=ClaimStatus.CONFIRMED,
            posture=Posture.CURRENT,
            origin=None,
            origin_source=None,
            origin_note=None,
            history=(),
        )
        for place, actor in AREA_ACTORS.items()
    }
    return Catalog(
        real_catalog.places, claims, real_catalog.sources, real_catalog.as_of, real_catalog.meta
    )


def test_in_greyscale_each_actors_areas_carry_its_mark(real_catalog: Catalog) -> None:
    # Areas were told apart by colour alone; in greyscale these three are near the same grey.
    from briefmap.drawing.symbology import relative_luminance

    catalog = areas_of_three(real_catalog)
    greys = [relative_luminance(catalog.meta.actor(a).colour) for a in AREA_ACTORS.values()]
    assert max(greys) - min(greys) < 0.1  # why a mark is needed
    html = build_map(catalog, select(catalog, ClaimFilter())).get_root().render()
    marks = actor_marks(catalog.meta.actors)
    drawn = {}
    for place, actor in AREA_ACTORS.items():
        # The area's mark, at its label point, in the markers' script (its JSON's escapes).
        found = re.search(
            rf'data-place=\\"{place}\\"\\u003e\\u003cg class=\\"bm-mark\\" data-mark=\\"(\w+)',
            html,
        )
        assert found, f"no mark drawn on {place}"
        assert found.group(1) == marks[actor].name, (place, found.group(1))
        drawn[actor] = marks[actor]
    for first in drawn.values():
        for second in drawn.values():
            assert first is second or _tells_apart(first, second)
