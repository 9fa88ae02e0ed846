"""The map builders, tested as folium objects and as rendered text, without Streamlit."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import folium
import pytest

from briefmap.data.schema import Catalog, ClaimStatus, PlaceKind, Posture
from briefmap.drawing.assets import web_text
from briefmap.drawing.branca_internals import children_of
from briefmap.drawing.map_elements import LABELS_FROM_ZOOM
from briefmap.drawing.mapping import (
    FEATURE_CLASS,
    LABEL_EVERY_POINT_UP_TO,
    Layer,
    MapExtras,
    arrowhead,
    build_base_map,
    build_layers,
    build_map,
    plan_features,
    tooltip_html,
)
from briefmap.drawing.plan import TOOLTIP_HINT, layer_of, one_per_place, place_tooltip_html
from briefmap.drawing.symbology import (
    AGGREGATE_FILLS,
    STATUS_STYLES,
    aggregate_key_svg,
    legend_html,
    symbol_svg,
)
from briefmap.engine.query import ClaimFilter, Deployments, select
from briefmap.safe import map_text


def _children(element: folium.Element, kind: type) -> list:
    return [c for c in children_of(element) if isinstance(c, kind)]


def _render(fmap: folium.Map) -> str:
    return fmap.get_root().render()


def test_one_feature_per_place_and_layer(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    features = plan_features(real_catalog, selection)
    keys = [(f.layer, f.place.id) for f in features]
    assert len(keys) == len(set(keys))
    drawn = {(layer_of(c, real_catalog.places[p]), p) for c in selection.claims for p in c.places}
    assert set(keys) == drawn


def test_layers_hold_the_planned_features(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    groups = build_layers(real_catalog, selection)
    assert [g.layer_name for g in groups] == [layer.value for layer in Layer]
    planned = [group[0] for group in one_per_place(plan_features(real_catalog, selection))]
    for group, layer in zip(groups, Layer, strict=True):
        # Less each area's actor mark, drawn beside its polygon.
        markers = [
            m
            for m in _children(group, folium.Marker)
            if "bm-region-mark" not in m.icon.options.get("class_name", "")
        ]
        polygons = [
            p
            for p in _children(group, folium.Polygon)
            if "bm-arrow" not in p.options.get("className", "")
        ]
        expected = [f for f in planned if f.layer is layer]
        assert len(markers) + len(polygons) == len(expected), layer


def _arrows(catalog: Catalog) -> list[folium.PolyLine]:
    selection = select(catalog, ClaimFilter(deployments=Deployments.PROPOSED_ONLY))
    proposed = build_layers(catalog, selection)[list(Layer).index(Layer.PROPOSED)]
    lines = _children(proposed, folium.PolyLine)
    return [line for line in lines if not isinstance(line, folium.Polygon)]


def test_no_arrow_from_a_base_no_source_names(real_catalog: Catalog) -> None:
    # No source on record names where a proposed deployment would come from.
    assert all(c.origin is None for c in real_catalog.claims.values())
    assert _arrows(real_catalog) == []


def test_arrow_tooltip_says_which_source_names_the_origin(named_origin_catalog: Catalog) -> None:
    claim = next(c for c in named_origin_catalog.claims.values() if c.origin)
    source = named_origin_catalog.sources[claim.origin_source]
    (arrow, *_) = _arrows(named_origin_catalog)
    (tooltip,) = _children(arrow, folium.Tooltip)
    text = tooltip.text
    assert f"Origin named by {map_text(source.credit)}: {map_text(claim.origin_note)}" in text


def test_proposed_deployments_have_dashed_arrows_from_their_base(
    named_origin_catalog: Catalog,
) -> None:
    real_catalog = named_origin_catalog
    selection = select(real_catalog, ClaimFilter(deployments=Deployments.PROPOSED_ONLY))
    proposed = build_layers(real_catalog, selection)[list(Layer).index(Layer.PROPOSED)]
    arrows = _arrows(real_catalog)
    assert arrows, "a proposed deployment with an origin must be drawn as an arrow"
    base = real_catalog.places["khmeimim_air_base"].geometry
    for arrow in arrows:
        assert arrow.options["dashArray"]
        assert arrow.locations[0] == [base.y, base.x]
    heads = [
        p for p in _children(proposed, folium.Polygon) if p.options.get("className") == "bm-arrow"
    ]
    assert len(heads) == len(arrows)


def test_current_only_draws_no_proposed_layer_content(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter(deployments=Deployments.CURRENT_ONLY))
    groups = dict(zip(Layer, build_layers(real_catalog, selection), strict=True))
    assert children_of(groups[Layer.PROPOSED]) == []
    assert children_of(groups[Layer.SITES])


def test_status_is_encoded_without_colour() -> None:
    # Every rung differs from its neighbours in line pattern or fill, so the
    # ladder reads in greyscale.
    styles = [STATUS_STYLES[s] for s in ClaimStatus]
    signatures = {(s.dash, s.fill_opacity) for s in styles}
    assert len(signatures) == len(styles)
    opacities = [s.fill_opacity for s in styles]
    assert opacities == sorted(opacities, reverse=True)


def test_symbols_encode_posture() -> None:
    current = symbol_svg(PlaceKind.AIR_BASE, "#D55E00", ClaimStatus.STATED, Posture.CURRENT)
    proposed = symbol_svg(PlaceKind.AIR_BASE, "#D55E00", ClaimStatus.STATED, Posture.PROPOSED)
    former = symbol_svg(PlaceKind.AIR_BASE, "#D55E00", ClaimStatus.STATED, Posture.FORMER)
    assert 'fill="#D55E00"' in current
    assert "url(#bm-hatch-d55e00)" in proposed and "<pattern" in proposed
    # Former is hollow yet painted with an invisible fill, so its inside takes a click.
    assert 'fill="#D55E00" fill-opacity="0.0"' in former
    reported = symbol_svg(PlaceKind.AIR_BASE, "#D55E00", ClaimStatus.REPORTED, Posture.CURRENT)
    assert 'stroke-dasharray="7 4"' in reported and "stroke-dasharray" not in current


def test_tooltip_has_three_names_and_escapes(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter(search="Khmeimim"))
    feature = next(
        f for f in plan_features(real_catalog, selection) if f.place.id == "khmeimim_air_base"
    )
    html = tooltip_html(feature)
    assert "Khmeimim" in html and "حميميم" in html and "Хмеймим" in html
    evil_place = replace(feature.place, name_en="<img src=x onerror=alert(1)>`${alert(2)}`")
    evil = tooltip_html(replace(feature, place=evil_place))
    assert "<img" not in evil and "`" not in evil and "${" not in evil
    assert "&lt;img src=x onerror=alert(1)&gt;&#96;&#36;&#123;alert(2)&#125;&#96;" in evil


def test_rendered_map_has_no_raw_payload(real_catalog: Catalog) -> None:
    payload = (
        "</script><script>window.__pwned=1</script>`${window.__pwned=2}`\"'<img src=x onerror=x()>"
    )
    place = replace(real_catalog.places["tartus_naval_facility"], name_en=payload)
    claims = {
        cid: replace(c, summary=payload) if "tartus_naval_facility" in c.places else c
        for cid, c in real_catalog.claims.items()
    }
    catalog = replace(real_catalog, places={**real_catalog.places, place.id: place}, claims=claims)
    html = _render(build_map(catalog, select(catalog, ClaimFilter())))
    assert "window.__pwned" in html  # the text is there...
    assert "<script>window.__pwned" not in html  # ...but never as markup
    assert "${window" not in html
    assert "<img src=x" not in html


def test_base_map_loads_assets_from_the_app_not_a_cdn(real_catalog: Catalog) -> None:
    html = _render(build_map(real_catalog, select(real_catalog, ClaimFilter())))
    sources = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'href="([^"]+\.css)"', html)
    assert sources, "the map must load Leaflet"
    assert all(s.startswith("../../app/static/vendor/leaflet/") for s in sources), sources
    assert "cdn" not in " ".join(sources)


def test_leaflets_stylesheet_comes_inline_in_the_maps_header(real_catalog: Catalog) -> None:
    # streamlit-folium adds stylesheet links only after the scripts and draws
    # the map without waiting for them: the map could not be framed until the
    # file came, and 100,000 claims were drawn twice. Inline, it applies first.
    from streamlit_folium import _get_header

    fmap = build_base_map(real_catalog)
    fmap.render()
    assert fmap.default_css == []
    header = _get_header(fmap)
    assert ".leaflet-control-layers-toggle" in header
    assert 'url("../../app/static/vendor/leaflet/images/layers.png")' in header
    assert "url(images/" not in header  # relative to a file no longer loaded
    assert not re.search(r"<link\b[^>]*stylesheet", header)
    # Before Briefmap's own stylesheet, which overrides some of Leaflet's rules.
    assert header.index(".leaflet-control-layers-toggle") < header.index(".bm-legend")


def test_base_map_is_the_same_whatever_the_filter(real_catalog: Catalog) -> None:
    # streamlit-folium remounts the map (losing zoom and pan) when the base
    # script changes; build_layers must not touch the base map.
    from streamlit_folium import _get_map_string

    first = build_base_map(real_catalog)
    first.render()
    second = build_base_map(real_catalog)
    build_layers(real_catalog, select(real_catalog, ClaimFilter(actors=frozenset({"israel"}))))
    second.render()

    def normalise(script: str) -> str:
        return re.sub(r"_[0-9a-f]{32}", "", script)

    assert normalise(_get_map_string(first)) == normalise(_get_map_string(second))


def test_base_map_controls_and_view(real_catalog: Catalog) -> None:
    fmap = build_base_map(real_catalog)
    assert fmap.control_scale is True
    html = _render(fmap)
    assert (
        "fitBounds" in html and "bm-legend" in html
    )  # the legend's style; the legend rides with the layers
    (south, west), (north, east) = real_catalog.index.map_bounds
    # Moscow is drawn but kept out of the view's bounds.
    assert north < 38 and east < 43
    assert south > 32 and west > 35


def test_legend_lists_what_is_drawn_and_nothing_else(real_catalog: Catalog) -> None:
    everything = plan_features(real_catalog, select(real_catalog, ClaimFilter()))
    html = legend_html(everything)
    for actor in {f.actor for f in everything}:
        assert actor.label in html
    for status in {f.lead.status for f in everything}:
        assert status.label in html
    assert "Proposed" in html and "Former" in html and "Current" in html
    israel = plan_features(
        real_catalog, select(real_catalog, ClaimFilter(actors=frozenset({"israel"})))
    )
    narrow = legend_html(israel)
    assert "Israel" in narrow and "Russia" not in narrow
    assert "Proposed" not in narrow


def test_the_canvas_legend_explains_crowded_areas_the_markers_do_not(
    real_catalog: Catalog,
) -> None:
    features = plan_features(real_catalog, select(real_catalog, ClaimFilter()))
    # Markers (symbols) never draw boxes; the canvas does, in the legend and the strip.
    assert "Crowded areas" not in legend_html(features)
    for collapsible in (True, False):
        html = legend_html(features, collapsible=collapsible, symbols=False)
        assert "Crowded areas" in html
        assert html.count("<div") == html.count("</div>"), "unbalanced legend markup"
    # The key's bar: one cell per rung, in the fills the canvas draws with.
    key = aggregate_key_svg()
    fills = re.findall(r'<rect x="[^"]+" y="1" width="8" height="8" fill="([^"]+)"', key)
    paint = {"hatch": "url(#bm-agg-hatch)", "dots": "url(#bm-agg-dots)", "none": "#ffffff"}
    assert fills == [paint.get(AGGREGATE_FILLS[s], AGGREGATE_FILLS[s]) for s in ClaimStatus]
    assert len(set(fills)) == len(ClaimStatus), "two rungs would look alike"


def test_legend_and_footnote_ride_with_the_layers(real_catalog: Catalog) -> None:
    groups = build_layers(real_catalog, select(real_catalog, ClaimFilter()))
    fmap = build_base_map(real_catalog)
    for group in groups:
        group.add_to(fmap)
    html = _render(fmap)
    assert html.count('"__briefmap_legend"') == 1 and html.count('"__briefmap_footnote"') == 1
    assert "Data as of 2026-01-26" in html


@pytest.mark.parametrize("bulk_renderer", [False, True])
def test_presentation_view_has_no_legend_on_the_map(
    real_catalog: Catalog, bulk_renderer: bool
) -> None:
    from briefmap.drawing import bulk

    build = bulk.build_bulk_layers if bulk_renderer else build_layers
    selection = select(real_catalog, ClaimFilter())
    for presentation in (False, True):
        fmap = build_base_map(real_catalog, presentation=presentation)
        for group in build(real_catalog, selection, MapExtras(presentation=presentation)):
            group.add_to(fmap)
        html = _render(fmap)
        # Its key is a strip under the map (legend_strip_html), never over the places.
        assert html.count('"__briefmap_legend"') == (0 if presentation else 1)
        assert html.count('"__briefmap_footnote"') == 1


def test_the_key_strip_lists_what_it_is_given_escaped() -> None:
    from briefmap.data.schema import Actor
    from briefmap.drawing.symbology import legend_strip_html

    hostile = Actor("x", "<img src=x onerror=alert(1)>", "#123456")
    html = legend_strip_html([hostile], {ClaimStatus.REPORTED}, {Posture.PROPOSED})
    assert "<img" not in html and map_text(hostile.label) in html
    assert ClaimStatus.REPORTED.label in html and ClaimStatus.CONFIRMED.label not in html
    assert "proposed" in html and "former" not in html
    # The proposed swatch's hatch is defined in its own SVG, once: the page has no map's defs.
    assert 'fill="url(#bm-hatch-555555)"' in html and html.count('id="bm-hatch-555555"') == 1
    assert html.count("<span") == html.count("</span>")
    assert "Posture" not in legend_strip_html([hostile], {ClaimStatus.REPORTED}, set())


def test_the_key_strip_explains_crowded_areas_only_on_a_canvas_map(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    from bench.synth import generate
    from briefmap.data.loader import load_catalog
    from briefmap.drawing import bulk
    from briefmap.drawing.symbology import aggregate_key_svg, legend_strip_html

    many = load_catalog(generate(tmp_path / "data", bulk.BULK_THRESHOLD + 100).path).catalog
    for catalog, canvas in ((real_catalog, False), (many, True)):
        selection = select(catalog, ClaimFilter())
        # The strip's rule is the builders': boxes exist only where the canvas draws.
        assert bulk.drawn_on_canvas(catalog, selection) is canvas
        layers = bulk.build_layers_auto(catalog, selection)
        assert any(isinstance(c, bulk.BulkLayer) for g in layers for c in children_of(g)) is canvas
    plain = legend_strip_html([], {ClaimStatus.REPORTED}, {Posture.CURRENT})
    assert "Crowded" not in plain and "bm-agg-hatch" not in plain
    html = legend_strip_html([], {ClaimStatus.REPORTED}, {Posture.CURRENT}, crowded=True)
    assert "<strong>Crowded area</strong>" in html and aggregate_key_svg() in html
    assert "click to zoom in" in html
    assert html.count("<span") == html.count("</span>")


@pytest.mark.parametrize("bulk_renderer", [False, True])
def test_an_as_of_day_puts_a_banner_on_the_map_and_today_takes_it_away(
    real_catalog: Catalog, bulk_renderer: bool
) -> None:
    from briefmap.drawing import bulk
    from briefmap.engine.timeline import as_of, as_of_banner

    build = bulk.build_bulk_layers if bulk_renderer else build_layers
    then = as_of(real_catalog, "2025-10-15")
    rewound = _render_layers(
        build(then, select(then, ClaimFilter()), MapExtras(as_of="2025-10-15"))
    )
    assert rewound.count('"__briefmap_asof"') == 1
    assert map_text(as_of_banner("2025-10-15")) in rewound
    assert "bm-asof-banner" in rewound
    # Today's view still sends the slot, empty, so a banner left from before goes.
    today = _render_layers(build(real_catalog, select(real_catalog, ClaimFilter())))
    assert re.search(r'"__briefmap_asof", "topleft", "bm-asof-banner", ""\)', today), today[-400:]
    assert "As of " not in today


def _render_layers(groups: list[folium.FeatureGroup]) -> str:
    fmap = folium.Map(tiles=None)
    for group in groups:
        group.add_to(fmap)
    return _render(fmap)


def test_every_drawn_place_is_countable_in_the_browser(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    html = _render(build_map(real_catalog, selection))
    drawn = html.count(f'"className": "{FEATURE_CLASS} ')
    assert drawn == len(one_per_place(plan_features(real_catalog, selection)))


def test_one_marker_per_place_carries_all_its_layers(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    features = plan_features(real_catalog, selection)
    layers_of: dict[str, set[Layer]] = {}
    for f in features:
        if f.place.is_point:
            layers_of.setdefault(f.place.id, set()).add(f.layer)
    stacked = {p for p, layers in layers_of.items() if len(layers) > 1}
    assert {"khmeimim_air_base", "moscow_kremlin"} <= stacked  # what the issue found stacked
    markers = [
        m for g in build_layers(real_catalog, selection) for m in _children(g, folium.Marker)
    ]
    places = [
        re.search(r'data-place="([^"]+)"', m.icon.options["html"]).group(1)
        for m in markers
        if "bm-point" in m.icon.options.get("class_name", "")
    ]
    assert sorted(places) == sorted(layers_of)  # each point place once
    for place_id in stacked:
        (group,) = [g for g in one_per_place(features) if g[0].place.id == place_id]
        # Drawn in its strongest layer, its tooltip naming every layer's claims.
        assert group[0].layer == max((f.layer for f in group), key=list(Layer).index)
        tip = place_tooltip_html(group)
        for f in group:
            assert map_text(f.layer.value) in tip
        assert tip.count(map_text(group[0].place.name_en)) == 1
        assert tip.count(TOOLTIP_HINT) == 1
    # Tabbing onto a marker off the map's view does not pan the map to it.
    points = [m for m in markers if "bm-point" in m.icon.options.get("class_name", "")]
    assert points and all(m.options.get("auto_pan_on_focus") is False for m in points)


@pytest.mark.parametrize(
    ("tip", "tail"), [((33.0, 36.0), (35.4, 35.9)), ((37.0, 41.2), (35.4, 35.9))]
)
def test_arrowhead_points_at_the_tip(tip: tuple[float, float], tail: tuple[float, float]) -> None:
    head = arrowhead(tip, tail)
    assert len(head) == 3 and head[0] == tip

    # Both back corners are nearer the tail than the tip is.
    def dist(a: tuple[float, float], b: tuple[float, float]) -> float:
        return ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5

    assert all(dist(corner, tail) < dist(tip, tail) for corner in head[1:])


def test_template_syntax_in_data_is_neither_evaluated_nor_fatal(real_catalog: Catalog) -> None:
    # folium compiles rendered scripts as Jinja templates once more: data that
    # looks like a template must reach the page as text.
    from streamlit_folium import _get_feature_group_string

    payload = '{{ "jinja" ~ "ran" }} {% if true %}x{% endif %} {# c #} {{ cycler.__init__ }}'
    place = replace(real_catalog.places["tartus_naval_facility"], name_en=payload)
    claims = {
        cid: replace(c, summary=payload) if "tartus_naval_facility" in c.places else c
        for cid, c in real_catalog.claims.items()
    }
    catalog = replace(real_catalog, places={**real_catalog.places, place.id: place}, claims=claims)
    selection = select(catalog, ClaimFilter())
    html = _render(build_map(catalog, selection))
    assert "jinjaran" not in html
    assert "&#123;&#123; &quot;jinja&quot; ~ &quot;ran&quot; &#125;&#125;" in html
    base = build_base_map(catalog)
    base.render()
    groups = build_layers(catalog, selection)
    assert groups
    for index, group in enumerate(groups):
        script = _get_feature_group_string(group, base, index)
        assert "jinjaran" not in script and "{{ cycler" not in script


def _labels(groups: list[folium.FeatureGroup]) -> list[str]:
    html = []
    for group in groups:
        for child in children_of(group):
            if isinstance(child, folium.Marker) and child.icon is not None:
                html += re.findall(r'<span class="(bm-label[^"]*)"', child.icon.options["html"])
    return html


def test_a_few_places_are_labelled_at_every_zoom(real_catalog: Catalog) -> None:
    labels = _labels(build_layers(real_catalog, select(real_catalog, ClaimFilter())))
    assert labels and not any("bm-label-near" in c for c in labels)


def test_crowded_maps_label_places_only_when_zoomed_in(tmp_path: Path) -> None:
    from bench.synth import generate
    from briefmap.data.loader import load_catalog

    catalog = load_catalog(generate(tmp_path / "data", LABEL_EVERY_POINT_UP_TO + 40).path).catalog
    labels = _labels(build_layers(catalog, select(catalog, ClaimFilter())))
    assert len(labels) > LABEL_EVERY_POINT_UP_TO
    assert all("bm-label-near" in c for c in labels)
    # The base map marks the container below that zoom, and the CSS hides them there.
    html = _render(build_base_map(catalog))
    zoom_class = web_text("zoom-class.js")
    assert "map.getZoom() < zoom" in zoom_class
    assert re.search(re.escape(zoom_class) + rf"\(map_\w+, {LABELS_FROM_ZOOM}\);", html)
    assert ".bm-far .bm-label-near { display: none; }" in html
