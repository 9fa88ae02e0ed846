"""The fast path for large selections (briefmap.drawing.bulk): same layers, compact and escaped."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import canvas_reading
import folium
import pytest
from needs import missing_browser_stack
from streamlit_folium import _get_feature_group_string

from bench import naive
from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus, PlaceKind, Posture
from briefmap.drawing import bulk, canvas_payload, mapping
from briefmap.drawing.branca_internals import children_of
from briefmap.drawing.map_elements import MapControl, SafeFeatureGroup
from briefmap.drawing.mapping import Layer, MapExtras, plan_features, tooltip_html
from briefmap.drawing.plan import footnote_html, one_per_place
from briefmap.drawing.symbology import REGION_FILL_SCALE, STATUS_STYLES
from briefmap.engine.interaction import MapClick, place_at
from briefmap.engine.query import ClaimFilter, Deployments, scan, select
from briefmap.engine.timeline import changes_between, monthly_counts
from briefmap.safe import map_text

FILTERS = [
    ClaimFilter(),
    ClaimFilter(actors=frozenset({"russia", "sdf"}), reported_from="2016-01-01"),
    ClaimFilter(statuses=frozenset({ClaimStatus.CONFIRMED, ClaimStatus.DENIED})),
    ClaimFilter(deployments=Deployments.PROPOSED_ONLY),
    ClaimFilter(deployments=Deployments.CURRENT_ONLY, reported_to="2020-06-30"),
    ClaimFilter(kinds=frozenset({PlaceKind.TOWN, PlaceKind.REGION, PlaceKind.BUFFER_ZONE})),
    ClaimFilter(search="raqqa"),
    ClaimFilter(search="حلب"),  # Aleppo, in Arabic
    ClaimFilter(actors=frozenset()),
]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    data = generate(tmp_path_factory.mktemp("synth") / "data", 800)
    loaded = load_catalog(data.path)
    assert not loaded.issues
    return loaded.catalog


@pytest.fixture(params=["synthetic", "real"])
def catalog(request: pytest.FixtureRequest, synthetic: Catalog, real_catalog: Catalog) -> Catalog:
    return synthetic if request.param == "synthetic" else real_catalog


def _serialised(catalog: Catalog, groups: list[folium.FeatureGroup]) -> str:
    base = mapping.build_base_map(catalog)
    base.get_root().render()
    return "".join(_get_feature_group_string(g, map=base, idx=i) for i, g in enumerate(groups))


def _planned_per_layer(catalog: Catalog, selection: Any) -> Counter:
    return Counter(f.layer.value for f in plan_features(catalog, selection))


# ------------------------------------------------------------ same layers


@pytest.mark.parametrize("flt", FILTERS, ids=range(len(FILTERS)))
def test_same_layer_names_and_feature_counts_as_plan_features(
    catalog: Catalog, flt: ClaimFilter
) -> None:
    selection = select(catalog, flt)
    groups = bulk.build_bulk_layers(catalog, selection, extras=MapExtras(footnote=False))
    assert [g.layer_name for g in groups] == [layer.value for layer in Layer]
    planned = _planned_per_layer(catalog, selection)
    assert canvas_reading.drawn_counts(groups) == {
        layer.value: planned[layer.value] for layer in Layer
    }
    assert catalog.index.count_features(selection) == sum(planned.values())
    # Each feature is the same place, lead claim and number of claims as mapping plans.
    expected = sorted(
        (f.layer, f.place.id, f.lead.id, len(f.claims)) for f in plan_features(catalog, selection)
    )
    index = catalog.index
    plan = index.plan(selection)
    planned = zip(
        plan.layer.tolist(),
        plan.place.tolist(),
        plan.lead.tolist(),
        plan.count.tolist(),
        strict=True,
    )
    assert (
        sorted(
            (list(Layer)[layer], index.places.ids[place], index.claims.ordered[lead].id, count)
            for layer, place, lead, count in planned
        )
        == expected
    )


@pytest.mark.parametrize("flt", FILTERS, ids=range(len(FILTERS)))
def test_select_fast_is_select(catalog: Catalog, flt: ClaimFilter) -> None:
    assert catalog.index.select(flt) == select(catalog, flt)


@pytest.mark.parametrize("flt", FILTERS, ids=range(len(FILTERS)))
def test_select_fast_places_of_behaves_as_the_dict(catalog: Catalog, flt: ClaimFilter) -> None:
    expected = select(catalog, flt).places_of
    fast = catalog.index.select(flt).places_of
    assert len(fast) == len(expected)
    assert list(fast) == list(expected)  # same order: the selection's claims
    assert dict(fast.items()) == expected
    for claim_id in set(catalog.claims) - set(expected):
        assert claim_id not in fast
        with pytest.raises(KeyError):
            fast[claim_id]
    assert "no such claim" not in fast


def test_select_fast_keeps_only_the_places_a_search_admits(synthetic: Catalog) -> None:
    # A claim about two places, one of which the search does not find.
    claim = next(iter(synthetic.claims.values()))
    other = next(p for p in synthetic.places if p not in claim.places)
    claims = dict(synthetic.claims)
    claims[claim.id] = replace(claim, places=(*claim.places, other))
    both = replace(synthetic, claims=claims)
    name = synthetic.places[other].name_en
    flt = ClaimFilter(search=name)
    assert both.index.select(flt) == select(both, flt)
    assert both.index.select(flt).places_of[claim.id] == (other,) or name in " ".join(
        synthetic.places[p].name_en for p in claim.places
    )


def test_tooltips_are_mapping_tooltips(catalog: Catalog) -> None:
    selection = select(catalog, ClaimFilter())
    groups = bulk.build_bulk_layers(catalog, selection, summaries=True)
    compared = 0
    for group in groups:
        payload = canvas_reading.layer_payload(group)
        assert payload is not None
        got = sorted(f["tooltip"] for f in canvas_reading.decode(payload))
        expected = sorted(
            tooltip_html(f)
            for f in plan_features(catalog, selection)
            if f.layer.value == group.layer_name
        )
        assert got == expected, group.layer_name
        compared += len(got)
    # Every planned feature's tooltip was compared, in one layer or another.
    assert compared == len(plan_features(catalog, selection)) > 0


def test_without_summaries_tooltips_still_name_the_place(synthetic: Catalog) -> None:
    selection = select(synthetic, ClaimFilter())
    (sites,) = [
        g
        for g in bulk.build_bulk_layers(synthetic, selection, summaries=False)
        if g.layer_name == Layer.SITES.value
    ]
    tips = [f["tooltip"] for f in canvas_reading.decode(canvas_reading.layer_payload(sites))]
    assert tips and all('class="bm-tip-name"' in t and "bm-tip-lead" not in t for t in tips)


# ---------------------------------------------------------------- payload


def test_payload_parses_and_coordinates_are_rounded(synthetic: Catalog) -> None:
    selection = select(synthetic, ClaimFilter())
    groups = bulk.build_bulk_layers(synthetic, selection)
    script = _serialised(synthetic, groups)
    payloads = [canvas_reading.layer_payload(g) for g in groups]
    assert payloads and all(p is not None for p in payloads)
    kinds: Counter[str] = Counter()
    for payload in payloads:
        # The JSON in the script is the payload, compact (no whitespace between tokens).
        text = canvas_payload.dumps(payload)
        assert text in script
        assert not re.search(r"\s", re.sub(r'"(?:[^"\\]|\\.)*"', '""', text))
        for feature in canvas_reading.decode(payload):
            kinds[feature["kind"]] += 1
            if feature["kind"] == "point":
                for value in (feature["lat"], feature["lon"]):
                    assert round(value, 5) == value
            else:
                for ring in feature["rings"]:
                    assert all(round(v, 5) == v for point in ring for v in point)
    # Both branches ran: the synthetic data has points and outlines.
    assert kinds["point"] and sum(kinds.values()) > kinds["point"], kinds


def test_points_are_within_a_metre_and_a_click_finds_their_place(synthetic: Catalog) -> None:
    selection = select(synthetic, ClaimFilter())
    groups = bulk.build_bulk_layers(synthetic, selection)
    drawn = selection.place_ids
    points = [
        f
        for g in groups
        for f in canvas_reading.decode(canvas_reading.layer_payload(g) or {})
        if f["kind"] == "point"
    ]
    assert points
    at = Counter((f["lat"], f["lon"]) for f in points)
    for feature in points[:300]:
        found = place_at(synthetic, drawn, MapClick(lat=feature["lat"], lng=feature["lon"]))
        assert found is not None
        place = synthetic.places[found]
        assert abs(place.geometry.y - feature["lat"]) <= 5e-6 + 1e-12
        assert abs(place.geometry.x - feature["lon"]) <= 5e-6 + 1e-12
        if at[(feature["lat"], feature["lon"])] == 1:
            assert feature["tooltip"].startswith(
                f'<div class="bm-tip-name">{map_text(place.name_en)}<'
            )


def test_a_point_costs_few_bytes(synthetic: Catalog) -> None:
    selection = select(synthetic, ClaimFilter())
    lean = _serialised(synthetic, bulk.build_bulk_layers(synthetic, selection, summaries=False))
    markers = _serialised(synthetic, mapping.build_layers(synthetic, selection))
    features = synthetic.index.count_features(selection)
    assert len(lean.encode()) < len(markers.encode()) / 5
    # Fixed overhead (script, legend, footnote; 45 KB since the arrows find their
    # own tooltips on their canvas, 50 KB since canvas.js also offers stacked
    # places and draws actors' marks, about 4 KB; 56 KB since line places draw
    # and take the pointer on a canvas of their own, line-places.js, about 5 KB)
    # plus a few dozen bytes per place.
    assert len(lean.encode()) < 56_000 + 150 * features


def test_same_selection_same_script(synthetic: Catalog) -> None:
    # A rerun with the same filter sends the same layers: the browser redraws nothing.
    one = _serialised(
        synthetic, bulk.build_bulk_layers(synthetic, select(synthetic, ClaimFilter()))
    )
    two = _serialised(
        synthetic, bulk.build_bulk_layers(synthetic, synthetic.index.select(ClaimFilter()))
    )
    assert one == two
    # The second build of the same selection comes from the plan's cache: the same again.
    three = _serialised(
        synthetic, bulk.build_bulk_layers(synthetic, synthetic.index.select(ClaimFilter()))
    )
    assert three == one


def test_the_same_filter_gives_the_same_selection_back(synthetic: Catalog) -> None:
    flt = ClaimFilter(actors=frozenset({"russia"}))
    first = synthetic.index.select(flt)
    assert synthetic.index.select(ClaimFilter(actors=frozenset({"russia"}))) is first
    assert synthetic.index.select(ClaimFilter(actors=frozenset({"sdf"}))) is not first
    # Another catalog with the same claims but other places is not confused with it.
    regions = ClaimFilter(kinds=frozenset({PlaceKind.REGION}))
    assert synthetic.index.select(regions).claims
    towns = {pid: replace(p, kind=PlaceKind.TOWN) for pid, p in synthetic.places.items()}
    other = replace(synthetic, places=towns)
    assert other.index.select(regions) == select(other, regions)
    assert not other.index.select(regions).claims
    assert synthetic.index.select(regions) == select(synthetic, regions)
    assert synthetic.index.select(flt) == select(synthetic, flt)


def test_a_cached_layer_has_the_selection_it_was_built_for(synthetic: Catalog) -> None:
    # Alternate between two filters, more than the caches hold: each build
    # still draws exactly its own selection.
    filters = [ClaimFilter(actors=frozenset({a})) for a in ("russia", "sdf", "un")]
    for flt in [*filters, *filters, *filters[::-1]]:
        selection = synthetic.index.select(flt)
        groups = bulk.build_bulk_layers(synthetic, selection)
        assert sum(canvas_reading.drawn_counts(groups).values()) == len(
            plan_features(synthetic, select(synthetic, flt))
        )


# --------------------------------------------------------------- escaping

HOSTILE = {
    "img": '<img src=x onerror="alert(1)">',
    "template": "${alert(document.domain)}",
    "backtick": "`+alert(2)+`",
    "script": "</script><script>alert(3)</script>",
    "jinja": "X{{ 7*7 }}Y{% if 1 %}Z{% endif %}",
    "separator": "line\u2028break",
}


def _hostile(catalog: Catalog) -> Catalog:
    """The real catalog with every hostile string in names and summaries."""
    places = dict(catalog.places)
    joined = " ".join(HOSTILE.values())
    for i, (pid, place) in enumerate(list(places.items())):
        places[pid] = replace(
            place,
            name_en=f"{place.name_en} {list(HOSTILE.values())[i % len(HOSTILE)]}",
            name_ar=joined if place.name_ar else None,
            name_ru=HOSTILE["script"],
        )
    claims = {cid: replace(c, summary=f"{c.summary} {joined}") for cid, c in catalog.claims.items()}
    return replace(catalog, places=places, claims=claims)


def test_hostile_text_never_appears_raw_in_the_serialised_layers(real_catalog: Catalog) -> None:
    hostile = _hostile(real_catalog)
    selection = select(hostile, ClaimFilter())
    script = _serialised(hostile, bulk.build_bulk_layers(hostile, selection, summaries=True))
    for raw in HOSTILE.values():
        assert raw not in script
    for fragment in (
        "<img",
        'onerror="',
        "${alert",
        "`+alert",
        "</script><script>",
        "{{ 7*7 }}",
        "{% if",
        "\u2028",
    ):
        assert fragment not in script, fragment
    # ...but the text is there, escaped, for the tooltips to show.
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in script
    assert "&#36;&#123;alert(document.domain)&#125;" in script
    assert "&#96;+alert(2)+&#96;" in script


def test_hostile_text_in_tooltips_is_entities_only(real_catalog: Catalog) -> None:
    hostile = _hostile(real_catalog)
    groups = bulk.build_bulk_layers(hostile, select(hostile, ClaimFilter()), summaries=True)
    texts = tooltips = 0
    for group in groups:
        payload = canvas_reading.layer_payload(group)
        assert payload is not None
        for text in payload["T"]:
            assert not set(text) & set("<>`$\\{}\u2028"), text
            texts += 1
        for feature in canvas_reading.decode(payload):
            # Markup comes only from the fixed recipe: these tags and nothing else.
            tags = set(re.findall(r"<(/?[a-z]+)", feature["tooltip"]))
            assert tags <= {"div", "/div"}
            tooltips += 1
    assert texts and tooltips


def test_jinja_syntax_in_data_is_not_evaluated_when_a_map_is_rendered(
    real_catalog: Catalog,
) -> None:
    hostile = _hostile(real_catalog)
    fmap = mapping.build_base_map(hostile)
    for group in bulk.build_bulk_layers(hostile, select(hostile, ClaimFilter()), summaries=True):
        group.add_to(fmap)
    html = fmap.get_root().render()
    assert "X49Y" not in html
    assert "X&#123;&#123; 7*7 &#125;&#125;Y" in html


def test_payload_json_has_no_angle_bracket_or_line_separator() -> None:
    text = canvas_payload.dumps({"T": ["</script>", "a\u2028b\u2029c"], "x": [1]})
    assert "<" not in text and "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"T": ["</script>", "a\u2028b\u2029c"], "x": [1]}


# ------------------------------------------------------------------ style


@pytest.mark.parametrize("is_point", [True, False])
def test_style_table_tells_statuses_apart_without_colour(is_point: bool) -> None:
    for posture in Posture:
        looks = {
            status: tuple(canvas_payload.style_entry("#000000", status, posture, is_point)[1:])
            for status in ClaimStatus
        }
        # Line weight and dash alone tell every status from every other.
        lines = {status: look[:2] for status, look in looks.items()}
        assert len(set(lines.values())) == len(ClaimStatus), (posture, lines)
        for status, (weight, dash) in lines.items():
            assert weight == STATUS_STYLES[status].weight
            assert dash == (STATUS_STYLES[status].dash or "")


def test_style_table_tells_postures_apart_without_colour() -> None:
    for status in ClaimStatus:
        fills = {p: canvas_payload.style_entry("#000000", status, p, True)[3] for p in Posture}
        assert fills == {
            Posture.CURRENT: canvas_payload.FILL_SOLID,
            Posture.PROPOSED: canvas_payload.FILL_HATCH,
            Posture.FORMER: canvas_payload.FILL_NONE,
        }
    # Fill opacity follows the ladder for current places, lighter for outlines.
    for status in ClaimStatus:
        point = canvas_payload.style_entry("#000000", status, Posture.CURRENT, True)
        region = canvas_payload.style_entry("#000000", status, Posture.CURRENT, False)
        assert point[4] == STATUS_STYLES[status].fill_opacity
        assert region[4] == pytest.approx(STATUS_STYLES[status].fill_opacity * REGION_FILL_SCALE)


def test_a_layers_styles_differ_for_every_status_once_colour_is_removed(synthetic: Catalog) -> None:
    groups = bulk.build_bulk_layers(synthetic, select(synthetic, ClaimFilter()))
    (sites,) = [g for g in groups if g.layer_name == Layer.SITES.value]
    payload = canvas_reading.layer_payload(sites)
    assert payload is not None
    by_look: dict[tuple, set[str]] = {}
    for entry in payload["S"]:
        tally = payload["T"][entry[5]]  # "1 claim: 1 <status>"
        by_look.setdefault(tuple(entry[1:5]), set()).add(tally.split("1 claim: 1 ")[1])
    assert len(by_look) == len(ClaimStatus)
    assert all(len(statuses) == 1 for statuses in by_look.values())


def test_best_sourced_points_come_last_so_they_are_drawn_on_top(synthetic: Catalog) -> None:
    groups = bulk.build_bulk_layers(synthetic, select(synthetic, ClaimFilter()))
    ranks: set[Any] = set()
    for group in groups:
        payload = canvas_reading.layer_payload(group)
        assert payload is not None
        m = max(len(payload["S"]), 1)
        z = [payload["S"][k % m][6] for k in payload["k"]]
        assert z == sorted(z)
        ranks.update(z)
    # Points of more than one rank were drawn, so the order was really checked.
    assert len(ranks) > 1


# ----------------------------------------------------------- the rest of the map


def test_legend_footnote_and_extras(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    since = "2025-10-01"
    changes = tuple(changes_between(real_catalog, since, real_catalog.as_of or "2025-10-31"))
    extras = MapExtras(highlight=("khmeimim_air_base",), changes=changes, since=since)
    fast = bulk.build_bulk_layers(real_catalog, selection, extras)
    slow = mapping.build_layers(real_catalog, selection, extras)
    assert [g.layer_name for g in fast] == [g.layer_name for g in slow]
    script = _serialised(real_catalog, fast)
    assert "bm-legend" in script and "bm-footnote" in script
    assert "Symbol (kind of place)" not in script, "circles have no symbols by kind"
    notes = [
        [c.html for c in children_of(layers[0]) if getattr(c, "slot", "") == "footnote"]
        for layers in (fast, slow)
    ]
    assert notes[0] == notes[1] == [footnote_html(real_catalog, selection, outlets=False)]


@pytest.mark.parametrize("which", ["named_origin", "synthetic"])
def test_the_canvas_carries_the_arrows_the_markers_draw(
    which: str, named_origin_catalog: Catalog, synthetic: Catalog
) -> None:
    catalog = named_origin_catalog if which == "named_origin" else synthetic
    selection = select(catalog, ClaimFilter())
    slow = mapping.build_layers(catalog, selection)
    shafts = [
        c
        for g in slow
        for c in children_of(g)
        if isinstance(c, folium.PolyLine) and "bm-arrow" in c.options.get("className", "")
    ]
    assert shafts, "the catalog has an arrow to draw"
    fast = bulk.build_bulk_layers(catalog, selection, summaries=True)
    (proposed,) = [
        canvas_reading.layer_payload(g) for g in fast if g.layer_name == Layer.PROPOSED.value
    ]
    assert proposed is not None
    # No folium path per arrow: one row each in the payload, with the same ends and label.
    assert not any(isinstance(c, folium.PolyLine) for g in fast for c in children_of(g))

    def key(ends: list[float]) -> tuple[float, ...]:
        return tuple(round(v, 5) for v in ends)

    drawn = {key(row[:4]): (proposed["ac"][row[8]], proposed["T"][row[9]]) for row in proposed["a"]}
    assert len(drawn) == len(proposed["a"]) == len(shafts)
    for shaft in shafts:
        (tail, tip) = shaft.locations
        (tooltip,) = [c for c in children_of(shaft) if isinstance(c, folium.Tooltip)]
        assert drawn[key([*tail, *tip])] == (shaft.options["color"], tooltip.text)


def test_bounds_are_mappings(catalog: Catalog) -> None:
    assert catalog.index.map_bounds == naive.map_bounds(catalog)
    selection = select(catalog, ClaimFilter(actors=frozenset({"russia"})))
    on_map = [catalog.places[p] for p in selection.place_ids if not catalog.places[p].off_map]
    boxes = [p.geometry.bounds for p in on_map]
    expected = [
        [min(b[1] for b in boxes), min(b[0] for b in boxes)],
        [max(b[3] for b in boxes), max(b[2] for b in boxes)],
    ]
    assert catalog.index.selection_bounds(selection) == expected
    assert (
        catalog.index.selection_bounds(select(catalog, ClaimFilter(search="no such place"))) is None
    )


@pytest.mark.parametrize("flt", FILTERS, ids=range(len(FILTERS)))
def test_per_catalog_helpers_agree_with_the_app(catalog: Catalog, flt: ClaimFilter) -> None:

    selection = select(catalog, flt)
    assert catalog.index.drawn_place_ids(selection) == selection.place_ids
    assert catalog.index.off_map_place_ids(selection) == [
        p for p in selection.place_ids if catalog.places[p].off_map
    ]
    assert catalog.index.date_span == catalog.index.date_span
    assert list(catalog.index.kinds) == [
        k for k in PlaceKind if any(p.kind is k for p in catalog.places.values())
    ]
    assert catalog.index.monthly_counts(selection) == monthly_counts(selection.claims)
    # The same answers for select_fast's own Selection (cached pairs) as for select's.
    fast = catalog.index.select(flt)
    assert catalog.index.monthly_counts(fast) == monthly_counts(selection.claims)
    assert catalog.index.drawn_place_ids(fast) == selection.place_ids


@pytest.mark.parametrize("text", ["raqqa", "RAQQA", "حلب", "checkpoint", "no such place", ""])
def test_find_places_matches_like_the_search_filter(synthetic: Catalog, text: str) -> None:
    everything = select(synthetic, ClaimFilter())
    # The places the search finds by their names (the filter also keeps the
    # places of claims it finds by their text; the card lists places by name).
    by_name = [m.id for m in scan(text, synthetic.places, synthetic.claims) if m.kind == "place"]
    searched = [p for p in everything.place_ids if p in set(by_name)]
    found = synthetic.index.find_places(everything.place_ids, text, limit=len(synthetic.places))
    assert set(found) == set(searched)
    assert found == [p for p in everything.place_ids if p in set(found)]  # in the given order
    limited = synthetic.index.find_places(everything.place_ids, text, limit=3)
    assert limited == found[:3]


def test_find_places_only_offers_the_places_given(synthetic: Catalog) -> None:
    shown = select(synthetic, ClaimFilter(actors=frozenset({"israel"}))).place_ids
    found = synthetic.index.find_places(shown, "near", limit=10_000)
    assert found and set(found) <= set(shown)


def test_auto_keeps_markers_for_few_places_and_goes_bulk_for_many(
    real_catalog: Catalog, synthetic: Catalog
) -> None:
    few = bulk.build_layers_auto(real_catalog, select(real_catalog, ClaimFilter()))
    assert all(isinstance(g, SafeFeatureGroup) for g in few)
    assert not canvas_reading.drawn_counts(few)
    assert _serialised(real_catalog, few).count('"className": "bm-feature ') == len(
        one_per_place(plan_features(real_catalog, select(real_catalog, ClaimFilter())))
    )
    many = bulk.build_layers_auto(synthetic, select(synthetic, ClaimFilter()), threshold=100)
    assert sum(canvas_reading.drawn_counts(many).values()) == synthetic.index.count_features(
        select(synthetic, ClaimFilter())
    )


def test_safe_groups_render_the_same_script_without_re_reading_it(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    safe_groups = mapping.build_layers(real_catalog, selection)
    assert safe_groups and all(type(g) is SafeFeatureGroup for g in safe_groups)
    plain_groups = mapping.build_layers(real_catalog, selection)
    for group in plain_groups:
        group.__class__ = folium.FeatureGroup  # folium's own rendering, as the oracle
    assert _serialised(real_catalog, safe_groups) == _serialised(real_catalog, plain_groups)


def test_empty_selection_draws_empty_layers(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter(search="no such place anywhere"))
    groups = bulk.build_bulk_layers(real_catalog, selection)
    assert [g.layer_name for g in groups] == [layer.value for layer in Layer]
    assert canvas_reading.drawn_counts(groups) == dict.fromkeys((layer.value for layer in Layer), 0)
    assert _serialised(real_catalog, groups)


# ----------------------------------------------------------------- browser


@pytest.mark.browser
def test_chromium_draws_hovers_and_clicks_the_points(tmp_path: Path, synthetic: Catalog) -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing_browser_stack("Playwright for Python is not installed")
    from bench.browser import measure_page, page_html
    from briefmap.screenshots import chromium_executable

    chromium = chromium_executable()
    if chromium is None:
        missing_browser_stack("Chromium not found")
    selection = select(synthetic, ClaimFilter())
    page = tmp_path / "bulk.html"
    page.write_text(
        page_html(synthetic, bulk.build_bulk_layers(synthetic, selection)), encoding="utf-8"
    )
    result = measure_page(page, chromium, timeout_s=60)
    assert result["drawn"] == {
        k: v
        for k, v in canvas_reading.drawn_counts(
            bulk.build_bulk_layers(synthetic, selection)
        ).items()
    }
    assert result["tooltip"] and "Click for the claim card" in result["tooltip"]
    assert result["click_reports_circle"], result.get("clicks")
    assert result["map_layers"] < 2_000, "no Leaflet layer per point"


@pytest.mark.parametrize("presentation", [False, True])
def test_both_renderers_write_the_same_footnote(catalog: Catalog, presentation: bool) -> None:
    # Below the canvas threshold the footnote counted the sources ("22 sources:
    # see Sources & method"); above it, it listed every outlet. Same map, two texts.
    selection = select(catalog, ClaimFilter())
    extras = MapExtras(presentation=presentation)

    def footnote(groups: list[folium.FeatureGroup]) -> str:
        (note,) = [
            c.html
            for g in groups
            for c in children_of(g)
            if isinstance(c, MapControl) and c.slot == "footnote"
        ]
        return note

    fast = footnote(bulk.build_bulk_layers(catalog, selection, extras))
    slow = footnote(mapping.build_layers(catalog, selection, extras))
    assert fast == slow
    assert ("Sources:" in fast) == presentation


# ------------------------------------------------------------------ uploads


def test_a_large_upload_is_drawn_on_the_canvas_once_per_selection(
    tmp_path: Path, real_catalog: Catalog
) -> None:
    from briefmap.data.uploads import load_uploaded_files

    data = generate(tmp_path / "data", 1500)
    files = [(p.name, p.read_bytes()) for p in sorted(data.path.iterdir()) if p.is_file()]
    upload = load_uploaded_files(files, real_catalog)
    assert not upload.issues
    catalog = upload.catalog
    selection = catalog.index.select(ClaimFilter())
    group = bulk.build_upload_layer_auto(catalog, selection, "mine <b>.geojson")
    assert group.layer_name == "Your upload: mine &lt;b&gt;.geojson"
    payloads = [json.loads(c.payload_json) for c in children_of(group)]
    assert len(payloads) == len(Layer)
    # Every upload feature drawn, under names of its own, above the briefing's layers.
    assert sum(len(p["x"]) + len(p["g"]) for p in payloads) == catalog.index.count_features(
        selection
    )
    assert all(p["layer"].startswith(group.layer_name + " / ") for p in payloads)
    assert min(p["rank"] for p in payloads) >= len(Layer)
    # No legend or footnote: those describe the briefing's own data.
    assert not any(isinstance(c, MapControl) for c in children_of(group))
    # A rerun with the same selection serialises nothing again.
    again = bulk.build_upload_layer_auto(catalog, selection, "mine <b>.geojson")
    assert [c.payload_json for c in children_of(again)] == [
        json.dumps(p, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
        for p in payloads
    ]
    first, second = (children_of(g)[0].payload_json for g in (group, again))
    assert first is second
    # A small upload keeps its markers.
    few = bulk.build_upload_layer_auto(catalog, selection, "x", threshold=10**9)
    assert not any(isinstance(c, bulk.BulkLayer) for c in children_of(few))


def test_an_upload_leaves_summaries_out_by_the_same_rule_as_the_briefing(
    tmp_path: Path, real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefmap.data.uploads import load_uploaded_files

    data = generate(tmp_path / "data", 800)
    files = [(p.name, p.read_bytes()) for p in sorted(data.path.iterdir()) if p.is_file()]
    catalog = load_uploaded_files(files, real_catalog).catalog
    selection = catalog.index.select(ClaimFilter())
    features = catalog.index.count_features(selection)
    # A map over the limit as a whole, though each of its layers is under it.
    monkeypatch.setattr(bulk, "SUMMARY_LIMIT", features - 1)
    group = bulk.build_bulk_upload_layer(catalog, selection, "mine.json")
    recipes = [r for c in children_of(group) for r in json.loads(c.payload_json)["P"]]
    assert recipes and all(len(r) < 7 for r in recipes), "a summary line in a crowded map"
