"""A large map's playback tape is built after its first map, and the frame fetches it.

Building the tape took 2 to 18 s at 100,000 claims, and the first map waited
for it (BENCHMARKS.md, issue 29). ``briefmap.app.playback.tape_and_href``
now gives the map the URL the tape will have and builds it in a thread; the
frame asks for the file until it is there (``tests/js/playback-fetch.test.js``).
"""

from __future__ import annotations

import gzip
import json
import threading
from pathlib import Path
from typing import Any

import pytest

from bench.synth import generate
from briefmap.app import playback
from briefmap.app.layer_files import LayerFiles
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing.bulk import drawn_on_canvas
from briefmap.drawing.playback import tape_json
from briefmap.engine.query import ClaimFilter


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("tape") / "data"
    generate(data, 1200)
    return data


def _catalog(data: Path) -> Catalog:
    # Loaded afresh for each test: the tape is kept with the catalog's plan.
    catalog = load_catalog(data).catalog
    assert drawn_on_canvas(catalog, catalog.index.select(ClaimFilter()))
    return catalog


def _builder(catalog: Catalog) -> threading.Thread:
    plan = catalog.index.plan(catalog.index.select(ClaimFilter()))
    return plan.built["playback_tape_builder"]


def test_the_first_map_gets_the_tapes_url_before_the_tape_is_built(
    large: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, files, claim_filter = _catalog(large), LayerFiles(tmp_path / "layers"), ClaimFilter()
    release, calls = threading.Event(), []

    def slow_tape(catalog: Catalog, claim_filter: ClaimFilter, *, breathe: bool = False) -> str:
        calls.append((threading.current_thread().name, breathe))
        release.wait(10)  # the map must not wait for this
        return tape_json(catalog, claim_filter, breathe=breathe)

    monkeypatch.setattr(playback, "tape_json", slow_tape)
    selection = catalog.index.select(claim_filter)
    tape, href = playback.tape_and_href(catalog, catalog, selection, claim_filter, files)
    assert tape == "null"
    assert href is not None and href.startswith(files.url_base + "/tape-")
    name = href.rsplit("/", 1)[1]
    assert not (files.folder / name).exists()
    # A second run meanwhile (another session) asks for no second build.
    assert playback.tape_and_href(catalog, catalog, selection, claim_filter, files) == (tape, href)
    # Started once the map is sent, not while its run makes it (one interpreter lock).
    assert calls == [] and _builder(catalog).ident is None
    playback.start_tape_builds()
    release.set()
    _builder(catalog).join(60)
    # Built in its thread, letting go of the interpreter lock now and then; the same text.
    assert calls == [("briefmap-playback-tape", True)]
    written = gzip.decompress((files.folder / name).read_bytes()).decode("utf-8")
    assert written == tape_json(catalog, claim_filter)  # the very text of one json.dumps
    # Built: the same URL, the file written again should it have been evicted.
    (files.folder / name).unlink()
    assert playback.tape_and_href(catalog, catalog, selection, claim_filter, files) == (
        "null",
        href,
    )
    assert (files.folder / name).exists()


def test_a_tape_that_cannot_be_written_goes_with_the_next_map(large: Path, tmp_path: Path) -> None:
    catalog, claim_filter = _catalog(large), ClaimFilter()
    full = LayerFiles(tmp_path / "layers", max_bytes=1)  # no room for any file
    selection = catalog.index.select(claim_filter)
    tape, href = playback.tape_and_href(catalog, catalog, selection, claim_filter, full)
    assert tape == "null" and href is not None
    playback.start_tape_builds()
    _builder(catalog).join(60)
    tape, href = playback.tape_and_href(catalog, catalog, selection, claim_filter, full)
    assert href is None
    assert json.loads(tape) == json.loads(tape_json(catalog, claim_filter))


def test_a_markers_maps_tape_is_inlined_as_before(tmp_path: Path) -> None:
    geodata = Path(__file__).resolve().parents[1] / "geodata"
    catalog, claim_filter = load_catalog(geodata).catalog, ClaimFilter()
    selection = catalog.index.select(claim_filter)
    assert not drawn_on_canvas(catalog, selection)
    files: Any = LayerFiles(tmp_path / "layers")
    tape, href = playback.tape_and_href(catalog, catalog, selection, claim_filter, files)
    assert href is None
    assert json.loads(tape)["v"] == 1
