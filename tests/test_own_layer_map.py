"""The user's own layer on the map: every feature drawn, one neutral style, escaped text, marked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import folium
import pytest
from app_runs import open_app
from streamlit.testing.v1 import AppTest
from test_own_layer import CSV_LAT_LON, HOSTILE, MY_MAPS

from briefmap.app import streamlit_internals, view
from briefmap.app.data import Upload
from briefmap.data.own_layer import OWN_LAYER_MARK, describe_own_layer
from briefmap.data.schema import Catalog
from briefmap.data.uploads import load_uploaded_files
from briefmap.drawing import own_layer_map
from briefmap.drawing.own_layer_map import OWN_COLOUR, build_own_layer
from briefmap.safe import markdown_text


def _rendered(group: folium.FeatureGroup) -> str:
    m = folium.Map()
    group.add_to(m)
    folium.LayerControl().add_to(m)
    return m.get_root().render()


def test_points_lines_and_polygons_are_drawn_in_one_neutral_style(real_catalog: Catalog) -> None:
    (layer,) = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog).own_layers
    html = _rendered(build_own_layer(layer))
    # Two spots (a point and a line), the patrol route, the area with its hole.
    assert html.count("L.circleMarker(") == 1
    assert html.count("L.polyline(") == 2
    assert html.count("L.polygon(") == 1
    assert OWN_COLOUR in html and "#1267ff" not in html  # no colour of the file's, no status's
    assert f"Your layer: Field trip ({OWN_LAYER_MARK})".replace("—", "\\u2014") in html
    # The hostile name, the balloon's script and its javascript: link stay out as markup.
    assert HOSTILE not in html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'alert("run")' not in html and "javascript:" not in html
    assert "Seen at dawn" in html and "Routes / Areas" in html


def test_template_syntax_in_data_stays_text(real_catalog: Catalog) -> None:
    text = "name,latitude,longitude\n{{ 7*7 }} `${x}`,34.5,36.2\n"
    (layer,) = load_uploaded_files([("t.csv", text.encode())], base=real_catalog).own_layers
    html = _rendered(build_own_layer(layer))
    assert "{{ 7*7 }}" not in html and "&#123;&#123; 7*7 &#125;&#125;" in html
    assert "`${x}`" not in html


def test_a_large_layer_draws_its_first_features(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(own_layer_map, "MAX_OWN_DRAWN", 2)
    (layer,) = load_uploaded_files([("s.csv", CSV_LAT_LON.encode())], base=real_catalog).own_layers
    assert len(layer.features) == 3
    assert _rendered(build_own_layer(layer)).count("L.circleMarker(") == 2


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
    # The upload has errors (two bad rows): the panel counts them, and still says what
    # loaded, in validate's words.
    (error,) = at.error
    assert "has 2 error(s); 2 record(s) were left out" in error.value
    line = markdown_text(describe_own_layer(result.own_layers[0]))
    assert line in [c.value for c in at.caption]


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
