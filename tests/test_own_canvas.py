"""A large own layer on the canvas: every feature, one payload per folder, made once per upload."""

from __future__ import annotations

import json
from collections.abc import Iterator

import folium
import pytest
from app_runs import open_app
from test_own_layer import MY_MAPS

from briefmap.app import data as app_data
from briefmap.app import streamlit_internals, view
from briefmap.app.data import Upload
from briefmap.data.loader import LoadResult
from briefmap.data.schema import Catalog
from briefmap.data.uploads import load_uploaded_files
from briefmap.drawing import own_canvas
from briefmap.drawing.html_export import standalone_html
from briefmap.drawing.own_canvas import (
    OWN_CANVAS_THRESHOLD,
    build_own_layers_auto,
    drawn_on_own_canvas,
    own_layer_drawn,
    sublayer_payload,
)
from briefmap.drawing.own_layer_map import MAX_OWN_DRAWN, build_own_layers
from briefmap.engine.query import ClaimFilter, select

HOSTILE = "<img src=x onerror=alert(1)>`${x}`"


def _csv(rows: int) -> bytes:
    lines = ["name,latitude,longitude,description,unit"]
    lines += [
        f'"{HOSTILE} {i}",{33 + i / 10_000:.5f},{36 + (i % 100) / 100:.3f},seen {i},"{HOSTILE}"'
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def _rendered(groups: list[folium.FeatureGroup]) -> str:
    m = folium.Map()
    for group in groups:
        group.add_to(m)
    return m.get_root().render()


def test_a_layer_over_the_threshold_goes_on_the_canvas_whole(real_catalog: Catalog) -> None:
    rows = max(MAX_OWN_DRAWN, OWN_CANVAS_THRESHOLD) + 1
    (layer,) = load_uploaded_files([("big.csv", _csv(rows))], base=real_catalog).own_layers
    assert drawn_on_own_canvas(layer) and own_layer_drawn(layer) == rows
    groups = build_own_layers_auto(layer)
    page = _rendered(groups)
    # One canvas layer, no path per feature (the paths drew the first 2,000 only).
    assert page.count("window.__bmOwnCanvas(") == 1
    script = own_canvas.OWN_CANVAS_SCRIPT
    assert page.count("L.circleMarker(") == script.count("L.circleMarker(")
    assert [g.layer_name for g in groups] == [g.layer_name for g in build_own_layers(layer)]
    payload = sublayer_payload(layer, layer.sublayers[0])
    assert len(payload["f"]) == rows
    # Every text escaped before it enters the JSON, template-literal characters too.
    assert HOSTILE not in page and "<img" not in page
    parts, style, name, tooltip, card, links, values = payload["f"][0]
    assert parts == [[0, 36.0, 33.0]] and payload["S"][style][0] == "#3d3d3d"
    assert name.startswith("&lt;img src=x onerror=alert(1)&gt;") and "`" not in name
    assert tooltip == "seen 0" and card == 0 and links == []
    assert payload["H"] == ["latitude", "longitude", "unit"] and values[2].startswith("&lt;img")


def test_a_small_layer_keeps_a_path_per_feature(real_catalog: Catalog) -> None:
    (layer,) = load_uploaded_files([("trip.kml", MY_MAPS)], base=real_catalog).own_layers
    assert not drawn_on_own_canvas(layer)
    page = _rendered(build_own_layers_auto(layer))
    assert "window.__bmOwnCanvas(" not in page and '"className": "bm-own ' in page


def test_the_offline_html_map_draws_a_large_layer_on_the_canvas(real_catalog: Catalog) -> None:
    (layer,) = load_uploaded_files(
        [("big.csv", _csv(OWN_CANVAS_THRESHOLD + 1))], base=real_catalog
    ).own_layers
    selection = select(real_catalog, ClaimFilter())
    page = standalone_html(real_catalog, selection, "Brief", own_layers=[layer])
    assert "window.__bmOwnCanvas(" in page and HOSTILE not in page


@pytest.fixture
def _navigation_only() -> Iterator[None]:
    with streamlit_internals.navigation_only():
        yield


@pytest.mark.usefixtures("_navigation_only")
def test_the_canvas_payload_is_made_once_per_upload_not_on_every_rerun(
    real_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = load_uploaded_files([("big.csv", _csv(OWN_CANVAS_THRESHOLD + 1))], base=real_catalog)
    upload = Upload(("big.csv",), "digest", result)
    monkeypatch.setattr(view, "current_upload", lambda data: upload)
    made: list[LoadResult] = []
    real = app_data.own_drawings

    def counted(result: LoadResult) -> tuple[tuple[str, ...] | None, ...]:
        if result.own_layers:
            made.append(result)
        return real(result)

    monkeypatch.setattr(app_data, "own_drawings", counted)
    at = open_app()
    assert not at.exception
    at.run()  # a rerun, as after a click or a pan
    assert not at.exception
    assert made == [result]
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    layers = json.loads(component.proto.json_args)["feature_group"]
    assert layers.count("window.__bmOwnCanvas(") == 1
    assert upload.own_payloads[0] is not None and upload.own_payloads[0][0] in layers
    assert own_canvas.OWN_CANVAS_SCRIPT in layers
