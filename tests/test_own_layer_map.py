"""The user's own layer on the map: every feature drawn, one neutral style, escaped text, marked."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import folium
import pytest
from app_runs import open_app
from shapely.geometry import Point
from streamlit.testing.v1 import AppTest
from test_own_layer import CSV_LAT_LON, HOSTILE, MY_MAPS

from briefmap.app import streamlit_internals, view
from briefmap.app.data import Upload
from briefmap.data.loader import load_catalog
from briefmap.data.own_layer import (
    OWN_LAYER_MARK,
    OwnFeature,
    OwnStyle,
    describe_own_layer,
    description_parts,
)
from briefmap.data.schema import Catalog
from briefmap.data.uploads import load_uploaded_files
from briefmap.drawing import own_layer_map
from briefmap.drawing.own_layer_map import (
    OWN_BACKGROUNDS,
    OWN_COLOUR,
    OWN_LEGEND_TEXT,
    OwnDrawing,
    build_own_layers,
    drawing_of,
    own_card_html,
    own_layers_bounds,
    own_legend_group,
    readable_colours,
)
from briefmap.safe import markdown_text


def _rendered(groups: list[folium.FeatureGroup]) -> str:
    m = folium.Map()
    for group in groups:
        group.add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


def test_points_lines_and_polygons_are_drawn_unmistakably_as_the_users(
    real_catalog: Catalog,
) -> None:
    (layer,) = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog).own_layers
    html = _rendered(build_own_layers(layer))
    # Two spots (a point and a line), the patrol route, the area with its hole.
    assert html.count("L.circleMarker(") == 1
    assert html.count("L.polyline(") == 2
    assert html.count("L.polygon(") == 1
    # The route's blue is readable and kept; the area's black is too (a folder apart).
    assert "#1267ff" in html
    # Each folder a layer of its own in the layer control, marked.
    for name in ("Field trip / Routes", "Field trip / Routes / Areas"):
        assert f"Your layer: {name} ({OWN_LAYER_MARK})".replace("—", "\\u2014") in html
    # The hostile name, the balloon's script and its javascript: link stay out as markup.
    assert HOSTILE not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'alert("run")' not in html and "javascript:" not in html
    assert "Seen at dawn" in html and "Routes / Areas" in html


def test_template_syntax_in_data_stays_text(real_catalog: Catalog) -> None:
    text = "name,latitude,longitude\n{{ 7*7 }} `${x}`,34.5,36.2\n"
    (layer,) = load_uploaded_files([("t.csv", text.encode())], base=real_catalog).own_layers
    html = _rendered(build_own_layers(layer))
    assert "{{ 7*7 }}" not in html and "&#123;&#123; 7*7 &#125;&#125;" in html
    assert "`${x}`" not in html


def test_a_large_layer_draws_its_first_features(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(own_layer_map, "MAX_OWN_DRAWN", 2)
    (layer,) = load_uploaded_files([("s.csv", CSV_LAT_LON.encode())], base=real_catalog).own_layers
    assert len(layer.features) == 3
    assert _rendered(build_own_layers(layer)).count("L.circleMarker(") == 2


# --------------------------------------------------------------------- the app


@pytest.fixture
def _navigation_only() -> Iterator[None]:
    with streamlit_internals.navigation_only():
        yield


def _map_args(at: AppTest) -> dict[str, Any]:
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    return json.loads(component.proto.json_args)


@pytest.mark.usefixtures("_navigation_only")
def test_the_app_draws_an_uploaded_own_layer_and_says_what_loaded(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = load_uploaded_files([("sites.csv", CSV_LAT_LON.encode())], base=real_catalog)
    upload = Upload(("sites.csv",), "digest", result)
    monkeypatch.setattr(view, "current_upload", lambda data: upload)
    at = open_app()
    assert not at.exception
    args = json.dumps(_map_args(at))
    assert "Your layer: sites" in args and "bm-own" in args
    # The legend's own entry, sent with the layers.
    assert "your data, not sourced claims" in args.replace("\\u2014", "—")
    # The upload has errors (two bad rows): the panel counts them, and still says what
    # loaded, in validate's words.
    (error,) = at.error
    assert "has 2 error(s); 2 record(s) were left out" in error.value
    line = markdown_text(describe_own_layer(result.own_layers[0]))
    assert line in [c.value for c in at.caption]
    # The Export menu offers the layer's own GeoJSON, named as the user's.
    labels = {b.proto.label for b in at.get("download_button")}
    assert f"GeoJSON of your layer ({OWN_LAYER_MARK})" in labels


@pytest.mark.usefixtures("_navigation_only")
def test_the_app_says_when_only_the_first_features_are_drawn(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(own_layer_map, "MAX_OWN_DRAWN", 2)
    result = load_uploaded_files([("sites.csv", CSV_LAT_LON.encode())], base=real_catalog)
    monkeypatch.setattr(view, "current_upload", lambda data: Upload(("sites.csv",), "d", result))
    at = open_app()
    assert "Your layer sites: the map draws the first 2 of its 3 features." in [
        c.value for c in at.caption
    ]


@pytest.mark.usefixtures("_navigation_only")
def test_a_file_of_somebody_elses_as_the_data_is_drawn_and_framed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # BRIEFMAP_DATA=a plain KML: validate reads it as the user's own layer, and
    # so does the app, which draws it, frames it whole and offers its export.
    kml = tmp_path / "trip.kml"
    kml.write_bytes(MY_MAPS)
    monkeypatch.setenv("BRIEFMAP_DATA", str(kml))
    (layer,) = load_catalog(kml).own_layers
    at = open_app()
    assert not at.exception
    args = _map_args(at)
    layers = args["feature_group"]
    assert '"className": "bm-own ' in layers
    assert "Your layer: Field trip / Routes" in args["layer_control"]
    assert "your data, not sourced claims" in layers
    # Framed around its features, not the whole world the empty catalog's region is.
    (request,) = re.findall(r"__bmFrame\(request\); \}\n\}\)\n\(map_div, (\{.*\})\);", layers)
    assert json.loads(request)["bounds"] == own_layers_bounds([layer])
    labels = {b.proto.label for b in at.get("download_button")}
    assert f"GeoJSON of your layer ({OWN_LAYER_MARK})" in labels


# ------------------------------------------------- colours kept where readable


def test_a_colour_is_kept_only_where_it_reads_on_the_map_and_in_greyscale() -> None:
    verdict = readable_colours(
        ["#1267FF", "#ffff00", "#000000", "#1267ff", "#1a5eff", "#555555", "#666666"]
    )
    assert verdict == {
        "#1267ff": True,  # blue: dark enough on the light grey map
        "#ffff00": False,  # yellow: 1.1:1 on the map
        "#000000": True,  # black: a grey well apart from the blue
        "#1a5eff": False,  # a second blue: the same grey as the first in print
        "#555555": True,  # dark grey: apart from the blue and from black
        "#666666": False,  # a grey that prints as the blue does
    }


def test_the_rule_reads_against_every_background() -> None:
    # #8a8a8a has over 3:1 on white, under 3:1 on the basemap's water.
    assert readable_colours(["#8a8a8a"], ["#ffffff"]) == {"#8a8a8a": True}
    assert readable_colours(["#8a8a8a"], OWN_BACKGROUNDS) == {"#8a8a8a": False}


def test_a_features_drawing_is_its_files_where_readable_else_the_neutral_one() -> None:
    style = OwnStyle(line_colour="#1267ff", line_width=40.0, fill_opacity=0.9)
    drawn = drawing_of(style, {"#1267ff": True})
    assert drawn.own and drawn.colour == "#1267ff"
    assert drawn.weight == 6.0 and drawn.fill_opacity == 0.35  # clamped to stay readable
    assert drawing_of(OwnStyle(line_colour="#ffff00"), {"#ffff00": False}) == OwnDrawing()
    assert drawing_of(None, {}) == OwnDrawing() and OwnDrawing().colour == OWN_COLOUR


# ------------------------------------------------------------------ the card


def _feature(**changes: Any) -> OwnFeature:
    text, links = description_parts(
        'Seen <b>here</b><script>alert("x")</script> '
        '<a href="https://example.org/a?b=1&amp;c=`2`">source</a> <a href="javascript:alert(1)">x</a>'
    )
    base = OwnFeature(
        id="1",
        geometry=Point(36, 34),
        name=HOSTILE,
        description_text=text,
        links=links,
        folder=("Sites", "${x}"),
        style=None,
        properties={"name": HOSTILE, "status": "confirmed", "Casualties": "<b>3</b>"},
    )
    return replace(base, **changes)


def test_the_card_is_marked_escaped_and_links_are_links_to_a_new_tab() -> None:
    card = own_card_html(_feature())
    assert "Your data — not sourced claims" in card
    assert HOSTILE not in card and "&lt;img src=x" in card
    assert "<script" not in card and 'alert("x")' not in card and "javascript:" not in card
    assert "Seen here" in card and "Sites / &#36;&#123;x&#125;" in card
    assert (
        '<a href="https://example.org/a?b=1&amp;c=&#96;2&#96;" target="_blank" '
        'rel="noopener noreferrer">' in card
    )
    # Every other column in the table, escaped; no backtick or ${ for the template literal.
    assert "<th>status</th><td>confirmed</td>" in card
    assert "<th>Casualties</th><td>&lt;b&gt;3&lt;/b&gt;</td>" in card
    assert "`" not in card and "${" not in card
    # Never the claim card's styling.
    assert "bm-card" not in card and "bm-own-card" in card


def test_each_feature_opens_its_card_on_click(real_catalog: Catalog) -> None:
    (layer,) = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog).own_layers
    html = _rendered(build_own_layers(layer))
    assert html.count(".bindPopup(`") == html.count("L.circleMarker(") + html.count(
        "L.polyline("
    ) + html.count("L.polygon(")
    assert '<a href="https://example.org/report?id=1&amp;x=2" target="_blank"' in html


# ------------------------------------------------- sub-layers, legend, framing


def test_each_folder_is_a_layer_of_its_own(real_catalog: Catalog) -> None:
    (layer,) = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog).own_layers
    groups = build_own_layers(layer)
    assert len(groups) == len(layer.sublayers) > 1
    assert all(g.control and g.show for g in groups)


def test_the_legend_marks_the_own_layer_and_goes_with_it(real_catalog: Catalog) -> None:
    (layer,) = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog).own_layers
    shown = _rendered([own_legend_group([layer])])
    assert OWN_LEGEND_TEXT.replace("—", "\\u2014") in shown or OWN_LEGEND_TEXT in shown
    # Without an own layer, or in presentation view, the slot is emptied (not left stale).
    for empty in (own_legend_group([]), own_legend_group([layer], presentation=True)):
        assert not empty.control
        assert "not sourced claims" not in _rendered([empty])
        assert "__briefmap_own-legend" in _rendered([empty])


def test_the_frame_holds_every_feature_wherever_it_reaches(real_catalog: Catalog) -> None:
    far = "name,latitude,longitude\nhere,34.5,36.2\nthere,30.1,31.2\n"
    (layer,) = load_uploaded_files([("t.csv", far.encode())], base=real_catalog).own_layers
    assert own_layers_bounds([layer]) == [[30.1, 31.2], [34.5, 36.2]]
    assert own_layers_bounds([]) is None


@pytest.mark.usefixtures("_navigation_only")
def test_a_png_drawn_before_an_own_layer_is_not_offered_for_it(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefmap import screenshots
    from briefmap.drawing import png_export

    pages: list[str] = []

    def draw(html: str) -> bytes:
        pages.append(html)
        return b"\x89PNG fake"

    monkeypatch.setattr(screenshots, "why_no_browser", lambda _what, _chromium=None: None)
    monkeypatch.setattr(png_export, "png_snapshot", draw)
    monkeypatch.setattr(view, "current_upload", lambda data: None)
    at = open_app()
    at.button(key="png_draw").click().run()
    for _ in range(50):  # drawn off the script's thread: the next runs show it once done
        if not any(b.proto.label == "Save the PNG" for b in at.get("download_button")):
            at.run()
    assert any(b.proto.label == "Save the PNG" for b in at.get("download_button"))
    # Then an own layer is uploaded: the PNG before it no longer shows what is on screen.
    result = load_uploaded_files([("sites.csv", CSV_LAT_LON.encode())], base=real_catalog)
    monkeypatch.setattr(view, "current_upload", lambda data: Upload(("sites.csv",), "d", result))
    at.run()
    assert not at.exception
    assert "Save the PNG" not in {b.proto.label for b in at.get("download_button")}
    # Drawn again, it draws the own layer.
    at.button(key="png_draw").click().run()
    for _ in range(50):
        if not any(b.proto.label == "Save the PNG" for b in at.get("download_button")):
            at.run()
    # A drawn own feature's class in the map's script (the page's CSS names bm-own too).
    drawn = '"className": "bm-own '
    assert drawn in pages[-1] and drawn not in pages[0]


@pytest.mark.usefixtures("_navigation_only")
def test_presentation_views_key_strip_marks_the_own_layer_and_the_map_legend_gives_way(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app_runs import APP

    result = load_uploaded_files([("sites.csv", CSV_LAT_LON.encode())], base=real_catalog)
    monkeypatch.setattr(view, "current_upload", lambda data: Upload(("sites.csv",), "d", result))
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["present"] = "1"
    at.run()
    assert not at.exception
    strips = [m.value for m in at.markdown if "bm-keystrip" in m.value]
    assert strips and "your data, not sourced claims" in strips[0]
    assert strips[0].count("bm-keystrip-group") >= 2 and strips[0].endswith("</div>")
    # On the map, the legend's own entry is emptied: the strip says it.
    sent = json.dumps(_map_args(at), ensure_ascii=False)
    assert "your data, not sourced claims" not in sent.replace("\\u2014", "—")


@pytest.mark.usefixtures("_navigation_only")
def test_fit_map_frames_the_own_layer_with_the_places_shown(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefmap.app.session import KEY_VIEW_REQUEST

    far = "name,latitude,longitude\nfar west,30.5,22.0\n"
    result = load_uploaded_files([("far.csv", far.encode())], base=real_catalog)
    monkeypatch.setattr(view, "current_upload", lambda data: Upload(("far.csv",), "d", result))
    at = open_app()
    (fit,) = [b for b in at.button if b.label == "Fit map"]
    fit.click().run()
    assert not at.exception
    (south, west), (north, east) = at.session_state[KEY_VIEW_REQUEST].bounds
    assert west <= 22.0 and south <= 30.5  # the own layer's far feature
    _, (n, e) = real_catalog.index.map_bounds
    assert north >= n - 1 and east >= e - 1  # and the briefing's places
