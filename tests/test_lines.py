"""Line places (issue 26): a route or a line of contact, checked, drawn and exported.

The data is generated (``lines_data``): none of the shipped data's places.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import folium
import pytest
from canvas_reading import layer_payload
from lines_data import STATUSES, line_feature, write_lines_data
from shapely.geometry import Point

from briefmap.__main__ import main
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus
from briefmap.drawing import bulk
from briefmap.drawing.assets import web_text
from briefmap.drawing.branca_internals import children_of
from briefmap.drawing.bulk import build_bulk_layers
from briefmap.drawing.canvas_payload import dumps
from briefmap.drawing.line_places import line_paths, line_strokes
from briefmap.drawing.mapping import build_layers, build_map
from briefmap.drawing.plan import plan_features
from briefmap.drawing.scene_marks import highlight
from briefmap.drawing.symbology import STATUS_STYLES, legend_html
from briefmap.engine.query import ClaimFilter, select

# ------------------------------------------------------------------ checks


@pytest.fixture
def lines_dir(tmp_path: Path) -> Path:
    return write_lines_data(tmp_path / "lines")


@pytest.fixture
def lines_catalog(lines_dir: Path) -> Catalog:
    result = load_catalog(lines_dir)
    assert not result.issues, result.report()
    return result.catalog


def test_line_places_load(lines_catalog: Catalog) -> None:
    route = lines_catalog.places["route_reported"]
    contact = lines_catalog.places["contact_line"]
    assert route.geometry.geom_type == "LineString" and route.is_line and not route.is_point
    assert contact.geometry.geom_type == "MultiLineString" and contact.is_line
    assert route.kind.value == "route" and contact.kind.value == "line"
    assert not lines_catalog.places["depot"].is_line


BAD_LINES = [
    (
        {"type": "LineString", "coordinates": [[11.0, 41.0]]},
        "needs two positions or more; it has 1",
    ),
    ({"type": "LineString", "coordinates": []}, "needs two positions or more; it has 0"),
    (
        {"type": "LineString", "coordinates": [[11.0, 41.0], [11.0, 41.0]]},
        "is not a valid LineString",
    ),
    (
        {"type": "LineString", "coordinates": [[11.0, 41.0], [191.0, 41.0]]},
        "is outside WGS84",
    ),
    (
        {"type": "LineString", "coordinates": [[11.0, 41.0], ["x", 41.0]]},
        "(position 2) is not a pair of numbers",
    ),
    (
        {"type": "MultiLineString", "coordinates": [[[11.0, 41.0], [12.0, 41.0]], [[12.0, 42.0]]]},
        "line 2 needs two positions or more; it has 1",
    ),
    (
        {"type": "MultiLineString", "coordinates": [[[11.0, 41.0], [12.0, 41.0]], 5]},
        "a MultiLineString's coordinates are a list of lines of positions",
    ),
    (
        {"type": "LineString", "coordinates": [[11.0, 41.0], [30.0, 41.0]]},
        "lies outside the region of interest",
    ),
]


@pytest.mark.parametrize(("geometry", "said"), BAD_LINES)
def test_a_bad_line_is_a_located_error_and_the_rest_loads(
    lines_dir: Path, geometry: dict, said: str
) -> None:
    path = lines_dir / "places.geojson"
    places = json.loads(path.read_text(encoding="utf-8"))
    places["features"].append(line_feature("bad_line", "Bad line", geometry))
    path.write_text(json.dumps(places), encoding="utf-8")
    result = load_catalog(lines_dir)
    located = [(i.file, i.record, i.field) for i in result.issues]
    assert located == [("places.geojson", "bad_line", "geometry")], result.report()
    assert said in result.issues[0].message
    assert "route_confirmed" in result.catalog.places and "bad_line" not in result.catalog.places


# ------------------------------------------------------------ the markers


def _polylines(element: Any) -> list[folium.PolyLine]:
    found = [element] if isinstance(element, folium.PolyLine) else []
    for child in children_of(element):
        found += _polylines(child)
    return found


def _drawn_lines(catalog: Catalog) -> dict[str, list[folium.PolyLine]]:
    """Each line place's polylines (strokes, then its hit line), by place id."""
    groups = build_layers(catalog, select(catalog, ClaimFilter()))
    lines = [line for group in groups for line in _polylines(group)]
    by_place: dict[str, list[folium.PolyLine]] = {}
    pending: list[folium.PolyLine] = []
    for line in lines:
        pending.append(line)
        if "bmPlace" in line.options:
            by_place[line.options["bmPlace"]] = pending
            pending = []
    return by_place


def test_the_markers_draw_each_line_with_its_status_dash(lines_catalog: Catalog) -> None:
    drawn = _drawn_lines(lines_catalog)
    assert set(drawn) == {f"route_{s}" for s in STATUSES} | {"contact_line"}
    for status in STATUSES:
        *strokes, hit = drawn[f"route_{status}"]
        assert len(strokes) == 1
        assert strokes[0].options["dashArray"] == STATUS_STYLES[ClaimStatus(status)].dash
        assert strokes[0].options["color"] == "#1F4E9E"
        assert strokes[0].options["interactive"] is False
        # The hit line: wide, unseen, the place's tooltip and the class tests count.
        assert hit.options["weight"] >= 12 and hit.options["opacity"] == 0
        assert "bm-feature" in hit.options["className"] and "bm-line" in hit.options["className"]
        assert f"Route {status}" in _tooltip_text(hit)
    dashes = {drawn[f"route_{s}"][0].options["dashArray"] for s in STATUSES}
    assert len(dashes) >= 4  # solid, dashed, dotted, sparse: the ladder without colour
    contact = drawn["contact_line"][0]
    assert len(contact.locations) == 2  # both parts of the line of contact


def _tooltip_text(element: folium.PolyLine) -> str:
    tips = [c for c in children_of(element) if isinstance(c, folium.Tooltip)]
    return tips[0].text if tips else ""


@pytest.mark.parametrize(("posture", "strokes"), [("former", 2), ("proposed", 2)])
def test_a_lines_posture_reads_without_colour(lines_dir: Path, posture: str, strokes: int) -> None:
    path = lines_dir / "claims.json"
    claims = json.loads(path.read_text(encoding="utf-8"))
    for claim in claims["claims"]:
        if claim["id"] == "c_reported":
            claim["posture"] = posture
            if posture == "former":
                claim["history"] = [
                    {"date": "2025-03-02", "status": "reported", "posture": "current"},
                    {
                        "date": "2025-03-03",
                        "status": "reported",
                        "posture": "former",
                        "sources": ["wire_a"],
                    },
                ]
    path.write_text(json.dumps(claims), encoding="utf-8")
    result = load_catalog(lines_dir)
    assert not result.issues, result.report()
    *drawn, _hit = _drawn_lines(result.catalog)["route_reported"]
    assert len(drawn) == strokes
    assert {line.options["dashArray"] for line in drawn} == {
        STATUS_STYLES[ClaimStatus.REPORTED].dash
    }
    if posture == "former":  # hollow: a white core inside a wider coloured casing
        assert drawn[1].options["color"] == "#ffffff"
        assert drawn[1].options["weight"] < drawn[0].options["weight"]
    else:  # pale, with an ink centre line
        assert drawn[0].options["opacity"] < 1 and drawn[1].options["weight"] <= 1


def test_the_map_page_names_a_clicked_line_place(lines_catalog: Catalog) -> None:
    html = build_map(lines_catalog, select(lines_catalog, ClaimFilter())).get_root().render()
    assert '"bmPlace": "route_confirmed"' in html
    assert "bmPlace" in web_text("open-places.js")


# ------------------------------------------------------------- the canvas


def test_the_canvas_payload_carries_each_line_with_the_markers_strokes(
    lines_catalog: Catalog,
) -> None:
    selection = select(lines_catalog, ClaimFilter())
    payloads = [layer_payload(g) for g in build_bulk_layers(lines_catalog, selection)]
    lines: dict[str, tuple[list, list]] = {}
    for d in payloads:
        if d is None or "l" not in d:
            continue
        assert len(d["l"]) == len(d["ls"]) == len(d["lt"]) == len(d["lp"])
        for i, pid in enumerate(d["lp"]):
            lines[pid] = (d["l"][i], d["LS"][d["ls"][i]])
        # A line is no outline: the outlines' SVG would fill it.
        assert all(len(ring) > 2 for outline in d["g"] for ring in outline)
    assert set(lines) == {f"route_{s}" for s in STATUSES} | {"contact_line"}
    for status in STATUSES:
        parts, strokes = lines[f"route_{status}"]
        place = lines_catalog.places[f"route_{status}"]
        assert parts == [[[round(v, 5) for v in p] for p in place.geometry.coords]]
        lead = lines_catalog.claims[f"c_{status}"]
        want = line_strokes("#1F4E9E", lead.status, lead.posture)
        assert strokes == [[k.colour, k.weight, k.dash or "", k.opacity] for k in want]
    assert len(lines["contact_line"][0]) == 2
    assert web_text("line-places.js") in bulk.BULK_LIBRARY
    assert "__briefmapLines.layer" in web_text("canvas-engine.js")


def test_the_command_line_says_what_the_app_says_of_a_bad_line(
    lines_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = lines_dir / "places.geojson"
    places = json.loads(path.read_text(encoding="utf-8"))
    places["features"].append(
        line_feature("bad_line", "Bad line", {"type": "LineString", "coordinates": [[11, 41]]})
    )
    path.write_text(json.dumps(places), encoding="utf-8")
    assert main(["validate", str(lines_dir)]) == 1
    printed = capsys.readouterr().out
    said = str(load_catalog(lines_dir).issues[0])
    assert said in printed and "record 'bad_line', field 'geometry'" in said


def test_a_scene_rings_a_line_place_along_its_length(lines_catalog: Catalog) -> None:
    place = lines_catalog.places["contact_line"]
    ring = highlight(place, drawn=True)
    assert isinstance(ring, folium.PolyLine)
    assert ring.locations == [[list(p) for p in part] for part in line_paths(place)]


def test_the_legend_says_how_a_line_reads_only_where_one_is_drawn(
    lines_catalog: Catalog,
) -> None:
    features = plan_features(lines_catalog, select(lines_catalog, ClaimFilter()))
    assert "Line (route, line of contact)" in legend_html(features)
    points = [f for f in features if not f.place.is_line]
    assert "Line (route" not in legend_html(points)


HOSTILE = "</script><img src=x onerror=alert(1)>"


def test_a_hostile_place_id_on_a_line_stays_text_in_both_renderers(
    lines_catalog: Catalog,
) -> None:
    route = lines_catalog.places["route_reported"]
    odd = replace(route, id=HOSTILE, name_en=HOSTILE)
    places = {**lines_catalog.places, HOSTILE: odd}
    del places["route_reported"]
    claim = replace(lines_catalog.claims["c_reported"], places=(HOSTILE,))
    catalog = replace(
        lines_catalog, places=places, claims={**lines_catalog.claims, claim.id: claim}
    )
    selection = select(catalog, ClaimFilter())
    html = build_map(catalog, selection).get_root().render()
    assert HOSTILE not in html and "<img" not in html
    script = "".join(
        dumps(p) for p in map(layer_payload, build_bulk_layers(catalog, selection)) if p
    )
    assert HOSTILE not in script and "<img" not in script and "\\u003c/script" in script


# ------------------------------------------------------------------ labels


def _markers(element: Any) -> list[folium.Marker]:
    found = [element] if isinstance(element, folium.Marker) else []
    for child in children_of(element):
        found += _markers(child)
    return found


def test_each_line_is_named_at_its_midpoint_like_a_place(lines_catalog: Catalog) -> None:
    # A label like a point's (bm-label, data-rank: label-room.js weighs it with
    # theirs), at the middle of the line (of its longest part), taking no pointer
    # and no key, and no feature: the line is the place drawn.
    place = lines_catalog.places["contact_line"]
    hostile = replace(place, name_en="<img src=x onerror=alert(1)>`${x}`")
    catalog = replace(lines_catalog, places={**lines_catalog.places, place.id: hostile})
    groups = build_layers(catalog, select(catalog, ClaimFilter()))
    markers = [m for group in groups for m in _markers(group)]
    named = [m for m in markers if "bm-line-label" in m.icon.options["html"]]
    assert len(named) == len(STATUSES) + 1  # a route per status and the line of contact
    assert all(m.options["keyboard"] is False for m in named)
    route = next(m for m in named if ">Route reported</span>" in m.icon.options["html"])
    lon = 10.5 + STATUSES.index("reported") * 0.7 + 0.2  # lines_data: the middle vertex
    assert route.location == pytest.approx([42.0, lon])  # half way along
    assert 'data-rank="' in route.icon.options["html"]
    assert route.options["interactive"] is False
    assert route.icon.options["class_name"] == "bm-line-name"  # no bm-feature: not counted
    page = build_map(catalog, select(catalog, ClaimFilter())).get_root().render()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    contact = next(m for m in named if "&lt;img" in m.icon.options["html"])
    longest = max(place.geometry.geoms, key=lambda part: part.length)
    assert longest.distance(Point(contact.location[1], contact.location[0])) < 1e-9
