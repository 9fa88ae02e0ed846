"""streamlit-folium's frame still works as ``briefmap/drawing/web/streamlit-folium-report.js`` uses it.

The file wraps the ``setComponentValue`` of the ``window.Streamlit`` object
that streamlit-folium's frontend bundle sets, because streamlit-folium offers
no public way to add to the map's report or hold one back. The first test
fails when the installed (or locked) streamlit-folium is not the release the
file was written against: re-read the file against the new bundle (its source
map holds ``index.tsx``), then update ``WRITTEN_AGAINST``. The others fail
when the bundle no longer does what the file relies on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import streamlit_folium
from pins import assert_written_against

from briefmap.drawing.assets import web_text

# The release streamlit-folium-report.js was written against and checked with.
WRITTEN_AGAINST = {"streamlit-folium": "0.27.4"}
REPORT_SCRIPT = "streamlit-folium-report.js"
BUILD = Path(streamlit_folium.__file__).parent / "frontend" / "build"


def _bundle() -> str:
    """The frame's script, as streamlit-folium's build lists it."""
    manifest = json.loads((BUILD / "asset-manifest.json").read_text(encoding="utf-8"))
    return (BUILD / manifest["files"]["main.js"]).read_text(encoding="utf-8")


def test_the_installed_release_is_the_one_the_file_was_written_against() -> None:
    release = WRITTEN_AGAINST["streamlit-folium"]
    assert_written_against("streamlit-folium", release)
    assert f"Written against streamlit-folium {release}," in web_text(REPORT_SCRIPT)


def test_the_bundle_sends_every_report_through_the_object_it_sets_as_window_streamlit() -> None:
    bundle = _bundle()
    # index.tsx: window.Streamlit = Streamlit, the one streamlit-component-lib
    # imports; updateComponentValue then calls Streamlit.setComponentValue(data).
    assigned = re.findall(r"window\.Streamlit\s*=\s*([\w$.]+)", bundle)
    assert len(assigned) == 1, assigned
    (library,) = assigned
    assert f"{library}.setComponentValue(" in bundle
    # And nothing else reports: setComponentValue is called on that object only.
    calls = re.findall(r"([\w$.]+)\.setComponentValue\(", bundle)
    assert set(calls) == {library}, calls


def test_the_report_script_wraps_what_the_bundle_calls() -> None:
    script = web_text(REPORT_SCRIPT)
    assert "window.Streamlit" in script
    assert "lib.setComponentValue = function" in script
