"""The upload panel's "Turn rows into claims" (issue 26), in AppTest: the columns chosen, the preview, Apply."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from app_runs import open_app
from streamlit.testing.v1 import AppTest
from test_own_claims import MY_MAPS, MY_MAPS_MAPPING, acled_csv

from briefmap.app import streamlit_internals, view
from briefmap.app.data import Upload
from briefmap.app.session import KEY_UPLOAD
from briefmap.data.loader import load_catalog
from briefmap.data.uploads import load_uploaded_files

REPO = Path(__file__).resolve().parent.parent
CATALOG = load_catalog(REPO / "geodata").catalog


def _uploaded(monkeypatch: pytest.MonkeyPatch, name: str, raw: bytes) -> None:
    result = load_uploaded_files([(name, raw)], base=CATALOG)
    upload = Upload((name,), "digest", result)
    # As current_upload does: the session's held upload while the files stay the same.
    monkeypatch.setattr(
        view, "current_upload", lambda data: st.session_state.get(KEY_UPLOAD, upload)
    )


@pytest.fixture(autouse=True)
def _navigation() -> Iterator[None]:
    with streamlit_internals.navigation_only():
        yield


def _map_args(at: AppTest) -> dict[str, Any]:
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    return json.loads(component.proto.json_args)


def _plain(markdown: str) -> str:
    """Markdown text as read: data escaped for Markdown (safe.markdown_text) without its escapes."""
    return markdown.replace("\\", "")


def _preview(at: AppTest) -> str:
    return next(_plain(c.value) for c in at.caption if "rows become claims" in c.value)


def test_columns_chosen_preview_and_apply(monkeypatch: pytest.MonkeyPatch) -> None:
    _uploaded(monkeypatch, "sightings.kml", MY_MAPS)
    at = open_app()
    assert not at.exception
    # The file's own columns guessed for their fields; nothing for the rest yet.
    assert at.selectbox(key="own_claims_0_status").value == "Status"
    assert at.selectbox(key="own_claims_0_sources").value == "Source"
    assert at.selectbox(key="own_claims_0_claimant").value == "none"
    assert "0 of 4 rows become claims" in _preview(at)
    assert at.button(key="own_claims_0_apply").disabled
    at.selectbox(key="own_claims_0_reported").set_value("Seen").run()
    for target, value in MY_MAPS_MAPPING["fixed"].items():
        at.selectbox(key=f"own_claims_0_{target}").set_value("one value for every row").run()
        at.text_input(key=f"own_claims_0_{target}_fixed").set_value(value).run()
    # The live preview in validate's words, its errors located.
    assert "sightings.kml: 2 of 4 rows become claims; 2 stay your own layer" in _preview(at)
    errors = _plain(" ".join(m.value for m in at.markdown))
    assert "record 'sightings-4', field 'sources'" in errors
    assert "confirmed needs two independent outlets" in errors
    # Every row by the one name the own layer gives it, never the id made for it.
    assert "record 'sightings-3', field 'status'" in errors and "record 'own-" not in errors
    assert "Your upload" not in json.dumps(_map_args(at)["layer_control"])
    at.button(key="own_claims_0_apply").click().run()
    assert not at.exception
    assert any(c.value.startswith("On the map: 2 claims from your rows") for c in at.caption)

    # The claims join the upload's layer, drawn beside the briefing.
    assert any("Your upload layer: 2 of 2" in c.value for c in at.caption)
    assert "Your upload" in json.dumps(_map_args(at)["layer_control"])


def test_an_acled_export_starts_from_its_ready_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    _uploaded(monkeypatch, "events.csv", acled_csv())
    at = open_app()
    assert not at.exception
    assert at.checkbox(key="own_claims_0_acled").value
    assert "events.csv: 5 of 9 rows become claims" in _preview(at)
    # Unticked: the columns are the user's to choose, and nothing is mapped yet.
    at.checkbox(key="own_claims_0_acled").uncheck().run()
    assert "events.csv: 0 of 9 rows become claims" in _preview(at)
