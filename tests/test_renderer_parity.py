"""Both renderers show the same map: a property test over generated catalogs.

The marker renderer (:func:`briefmap.drawing.mapping.build_layers`) draws a few dozen
places; the canvas renderer (:func:`briefmap.drawing.bulk.build_bulk_layers`) draws
thousands. Whichever one a map gets, a briefer must read and click the same
things: every tooltip, the legend (less the key of symbols, which circles do
not use), the footnote, how many places each layer draws, and where a click
lands, in normal and in presentation view. Catalogs are generated as data
files and loaded through the validator, so the test follows the data format,
not the package's internals.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import canvas_reading
import folium
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefmap.data.loader import assemble
from briefmap.data.schema import Catalog
from briefmap.drawing import bulk, mapping
from briefmap.drawing.branca_internals import children_of
from briefmap.drawing.map_elements import MapControl
from briefmap.engine.interaction import MapClick, place_at
from briefmap.engine.query import ClaimFilter, select

ACTOR_IDS = ["russia", "syria", "israel", "sdf", "un", "arab_states"]
STATUSES = ["confirmed", "stated", "reported", "unverified", "denied"]
POSTURES = ["current", "proposed", "former"]
POINT_KINDS = [("air_base", "site"), ("town", "town"), ("city", "town"), ("mountain", "site")]
DAYS = ["2024-12-08", "2025-02-11", "2025-10-15", "2026-01-26"]
SOURCES = [
    {"id": "s_reuters", "outlet": "Reuters", "date": "2025-10-15"},
    {"id": "s_afp", "outlet": "AFP", "date": "2025-10-16"},
    {"id": "s_unknown", "outlet": "report, outlet not identified", "outlet_known": False,
     "date": "2025-10-15"},
]  # fmt: skip


@st.composite
def catalogs(draw: st.DrawFn) -> Catalog:
    n_points = draw(st.integers(min_value=1, max_value=10))
    n_regions = draw(st.integers(min_value=0, max_value=3))
    # Distinct positions on a 0.1-degree grid, so a click names one place.
    cells = draw(
        st.lists(
            st.tuples(st.integers(360, 419), st.integers(326, 369)),
            min_size=n_points + n_regions,
            max_size=n_points + n_regions,
            unique=True,
        )
    )
    features: list[dict[str, Any]] = []
    for i, (x, y) in enumerate(cells[:n_points]):
        kind, precision = draw(st.sampled_from(POINT_KINDS))
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "id": f"p{i}",
                    "name_en": draw(st.sampled_from(["Tartus", "Hama", "Deir ez-Zor", "Idlib"]))
                    + f" {i}",
                    "name_ar": draw(st.sampled_from([None, "حماة", "إدلب"])),
                    "kind": kind,
                    "precision": precision,
                },
                "geometry": {"type": "Point", "coordinates": [x / 10, y / 10]},
            }
        )
    for j, (x, y) in enumerate(cells[n_points:]):
        w, s = x / 10, y / 10
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
                    "coordinates": [[[w, s], [w + 0.08, s], [w + 0.08, s + 0.08], [w, s]]],
                },
            }
        )
    place_ids = [f["properties"]["id"] for f in features]
    claims = []
    for k in range(draw(st.integers(min_value=1, max_value=14))):
        status = draw(st.sampled_from(STATUSES))
        posture = draw(st.sampled_from(POSTURES))
        reported = draw(st.sampled_from(DAYS))
        claim: dict[str, Any] = {
            "id": f"c{k}",
            "places": draw(st.lists(st.sampled_from(place_ids), min_size=1, max_size=3, unique=True)),
            "actors": draw(st.lists(st.sampled_from(ACTOR_IDS), min_size=1, max_size=2, unique=True)),
            "claimant": "someone",
            "status": status,
            "posture": posture,
            "reported": reported,
            "summary": f"Summary {k} <b>&amp;</b> `x`",
            "attribution": "a",
            # Confirmed needs two outlets (the sourcing rules).
            "sources": ["s_reuters", "s_afp"] if status == "confirmed" else [
                draw(st.sampled_from([s["id"] for s in SOURCES]))
            ],
            "role": draw(st.sampled_from(["report", "context"])),
        }  # fmt: skip
        if posture == "former":
            claim["ended"] = draw(st.sampled_from([reported, "unknown"]))
        claims.append(claim)
    result = assemble(
        [
            ("places.geojson", {"type": "FeatureCollection", "features": features}),
            ("claims.json", {"as_of": "2026-01-26", "claims": claims}),
            ("sources.json", {"sources": SOURCES}),
        ]
    )
    assert result.ok, result.report()
    return result.catalog


def _control(groups: list[folium.FeatureGroup], slot: str) -> str | None:
    """The HTML of the one control in ``slot``, or None without one (presentation's legend)."""
    found = [
        child.html
        for group in groups
        for child in children_of(group)
        if isinstance(child, MapControl) and child.slot == slot
    ]
    assert len(found) <= 1, found
    return found[0] if found else None


def _without_symbol_key(legend: str | None) -> str | None:
    if legend is None:
        return None
    # Markers key their symbols by kind; the canvas says every place is a circle
    # and keys its boxes of crowded areas. What comes before is the same.
    legend = re.sub(r'<h2>Crowded areas</h2><div class="row">.*?</span></div>', "", legend)
    cut = legend.find("<h2>Symbol")
    return legend if cut < 0 else legend[:cut]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(catalog=catalogs(), presentation=st.booleans())
def test_markers_and_canvas_show_the_same_map(catalog: Catalog, presentation: bool) -> None:
    selection = select(catalog, ClaimFilter())
    extras = mapping.MapExtras(presentation=presentation)
    markers = mapping.build_layers(catalog, selection, extras)
    canvas = bulk.build_bulk_layers(catalog, selection, extras, summaries=True)
    planned = mapping.plan_features(catalog, selection)

    assert [g.layer_name for g in canvas] == [g.layer_name for g in markers]
    assert _control(canvas, "footnote") == _control(markers, "footnote") is not None
    assert _without_symbol_key(_control(canvas, "legend")) == _without_symbol_key(
        _control(markers, "legend")
    )
    # Presentation view keys the map under it, on the page: no legend on the map.
    if presentation:
        assert _control(markers, "legend") is None
    # How many places each layer draws.
    assert canvas_reading.drawn_counts(canvas) == {
        layer.value: Counter(f.layer for f in planned)[layer] for layer in mapping.Layer
    }
    drawn = catalog.index.drawn_place_ids(catalog.index.select(ClaimFilter()))
    assert drawn == selection.place_ids
    for group in canvas:
        decoded = canvas_reading.decode(canvas_reading.layer_payload(group) or {})
        features = [f for f in planned if f.layer.value == group.layer_name]
        # Every tooltip, word for word.
        assert sorted(d["tooltip"] for d in decoded) == sorted(
            mapping.tooltip_html(f) for f in features
        )
        # A click on a drawn point opens that point's place.
        points = {
            (round(f.place.geometry.y, 5), round(f.place.geometry.x, 5)): f.place.id
            for f in features
            if f.place.is_point
        }
        clicked = {(d["lat"], d["lon"]) for d in decoded if d["kind"] == "point"}
        assert clicked == set(points)
        for (lat, lon), place_id in points.items():
            assert place_at(catalog, drawn, MapClick(lat=lat, lng=lon)) == place_id
