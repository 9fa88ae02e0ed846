"""The map's large layers as files its frame fetches (briefmap/app/layer_files.py)."""

from __future__ import annotations

import gzip
import json
import os
import re
import threading
import time
from pathlib import Path

import folium
import pytest
from streamlit.testing.v1 import AppTest

from bench.synth import generate
from briefmap.app.layer_files import REMEMBERED, SUFFIX, LayerFiles
from briefmap.data.loader import load_catalog
from briefmap.drawing.branca_internals import children_of, template_macros
from briefmap.drawing.bulk import BulkLayer, build_bulk_layers
from briefmap.engine.query import ClaimFilter, select
from tests.canvas_reading import layer_payload

APP = Path(__file__).resolve().parent.parent / "app.py"


def _read(path: Path) -> str:
    return gzip.decompress(path.read_bytes()).decode("utf-8")


def test_a_payload_is_written_once_gzipped_under_its_content_hash(tmp_path: Path) -> None:
    files = LayerFiles(tmp_path / "layers", "base")
    text = json.dumps({"x": [1, 2], "name": "Tartus \u2013 ﻃﺮﻃﻮﺱ"}, ensure_ascii=False)
    url = files.publish(text)
    assert url is not None and url.startswith("base/") and url.endswith(SUFFIX)
    path = tmp_path / "layers" / url.removeprefix("base/")
    assert _read(path) == text
    # The same content is the same file, also from another server's LayerFiles.
    assert files.publish(text) == url
    assert LayerFiles(tmp_path / "layers", "base").publish(str(text)) == url
    assert len(list((tmp_path / "layers").iterdir())) == 1
    other = files.publish(text + " ")
    assert other != url and _read(tmp_path / "layers" / other.removeprefix("base/")) == text + " "


def test_a_file_removed_meanwhile_is_written_again(tmp_path: Path) -> None:
    files = LayerFiles(tmp_path, "b")
    text = "{}" * 100
    url = files.publish(text)
    assert url is not None
    path = tmp_path / url.removeprefix("b/")
    path.unlink()
    assert files.publish(text) == url
    assert _read(path) == text


def test_an_unwritable_folder_means_inline_layers_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert LayerFiles(blocker / "layers").publish("{}") is None


def test_writers_racing_on_one_payload_leave_one_whole_file(tmp_path: Path) -> None:
    text = json.dumps(list(range(200_000)))
    urls: list[str | None] = []

    def write() -> None:
        # A LayerFiles each: as two servers sharing the folder.
        urls.append(LayerFiles(tmp_path, "b").publish(text))

    threads = [threading.Thread(target=write) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(urls)) == 1 and urls[0] is not None
    assert [p.name for p in tmp_path.iterdir()] == [urls[0].removeprefix("b/")]
    assert _read(tmp_path / urls[0].removeprefix("b/")) == text


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def _folder(folder: Path) -> tuple[int, int]:
    files = list(folder.iterdir())
    return len(files), sum(p.stat().st_size for p in files)


def test_the_folder_stays_within_its_budget_least_recently_published_going_first(
    tmp_path: Path,
) -> None:
    """A flood of distinct layers (a tab opening link after link) never grows the folder past it."""
    budget, most = 4_000, 6
    files = LayerFiles(tmp_path, "b", max_bytes=budget, max_files=most, grace_s=60)
    texts = [
        json.dumps({"n": i, "x": list(range(i * 7, i * 7 + 40 * (i % 5 + 1)))}) for i in range(40)
    ]
    names = []
    for i, text in enumerate(texts):
        url = files.publish(text)
        assert url is not None
        names.append(url.removeprefix("b/"))
        _age(tmp_path / names[-1], 1000 - i)  # each published a second after the one before
        count, size = _folder(tmp_path)
        assert count <= most and size <= budget
        # What is left is what was published last, as much of it as fits.
        left = {p.name for p in tmp_path.iterdir()}
        assert left == set(names[len(names) - len(left) :])
    # Published again (by another server sharing the folder, as the same one would
    # after TOUCH_S), so recently used: the least recently published goes instead.
    again = names[-len(left)]
    assert LayerFiles(tmp_path, "b").publish(texts[-len(left)]) == "b/" + again
    for text in texts[:5]:
        assert files.publish(text) is not None
        assert _folder(tmp_path)[0] <= most and _folder(tmp_path)[1] <= budget
    assert (tmp_path / again).exists()


def test_at_the_budget_a_file_a_page_may_still_fetch_stays_and_the_layer_is_inlined(
    tmp_path: Path,
) -> None:
    """Never a missing file for a page just drawn: the new layer travels with its page."""
    files = LayerFiles(tmp_path, "b", max_bytes=10**6, max_files=3, grace_s=60)
    shown = [files.publish(f'{{"n": {i}}}') for i in range(3)]
    assert all(shown)
    assert files.publish('{"n": 3}') is None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        u.removeprefix("b/") for u in shown if u
    )
    # Those pages drew long ago: now the oldest goes and the new one is a file.
    for i, url in enumerate(shown):
        assert url is not None
        _age(tmp_path / url.removeprefix("b/"), 600 - i)
    assert files.publish('{"n": 3}') is not None
    assert _folder(tmp_path)[0] == 3 and not (tmp_path / shown[0].removeprefix("b/")).exists()
    # A payload bigger than the whole budget is never a file.
    assert LayerFiles(tmp_path, "b", max_bytes=100).publish(json.dumps(list(range(1000)))) is None


def test_a_rerun_writes_an_evicted_file_again_under_the_same_name(tmp_path: Path) -> None:
    """A page whose file went (its run was long ago) gets it back from the next run that names it."""
    files = LayerFiles(tmp_path, "b", max_bytes=10**6, max_files=1, grace_s=60)
    text = '{"shown": true}'
    url = files.publish(text)
    assert url is not None
    _age(tmp_path / url.removeprefix("b/"), 600)
    assert files.publish('{"other": 1}') is not None
    assert not (tmp_path / url.removeprefix("b/")).exists()
    _age(next(tmp_path.iterdir()), 600)
    assert files.publish(text) == url  # the same text: the run remembered it
    assert _read(tmp_path / url.removeprefix("b/")) == text


def test_a_dead_writers_temporary_file_goes(tmp_path: Path) -> None:
    files = LayerFiles(tmp_path, "b", grace_s=60)
    stale = tmp_path / ".tmp-dead.json.gz"
    stale.write_bytes(b"half")
    _age(stale, 600)
    fresh = tmp_path / ".tmp-writing.json.gz"
    fresh.write_bytes(b"half")
    assert files.publish("{}") is not None
    assert not stale.exists() and fresh.exists()


def test_a_layer_with_an_href_carries_no_payload_in_its_script(tmp_path: Path) -> None:
    catalog = load_catalog(generate(tmp_path / "data", 1_200).path).catalog
    selection = select(catalog, ClaimFilter())
    inline = build_bulk_layers(catalog, selection)
    files = LayerFiles(tmp_path / "layers", "../../app/static/layers")
    fetched = build_bulk_layers(catalog, selection, publish=files.publish)
    shown = folium.Map()
    for group in fetched:
        group.add_to(shown)
    published = 0
    for plain, by_file in zip(inline, fetched, strict=True):
        payload = layer_payload(plain)
        layer = next((c for c in children_of(by_file) if isinstance(c, BulkLayer)), None)
        if payload is None:
            assert layer is None
            continue
        published += 1
        assert layer is not None and layer.href is not None
        script = template_macros(layer)["script"](layer, {})
        assert layer.href in script and "window.__briefmapFetchPayload(" in script
        assert layer.payload_json not in script and '"x":[' not in script
        name = layer.href.removeprefix("../../app/static/layers/")
        assert json.loads(_read(tmp_path / "layers" / name)) == payload
    assert published, "no layer was drawn on the canvas, so none was published"


def test_the_app_sends_the_map_layers_as_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the app, a large map's component arguments name files and carry no points."""
    data = generate(tmp_path / "data", 1_500).path
    monkeypatch.setenv("BRIEFMAP_DATA", str(data))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    assert not at.exception
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    script = json.loads(component.proto.json_args)["feature_group"]
    hrefs = re.findall(r'"(\.\./\.\./app/static/layers/[0-9a-f]{40}\.json\.gz)"', script)
    assert hrefs, "no layer file named in the map's script"
    # Each file by the key its payload is fetched under.
    fetched = re.findall(
        r'__briefmapFetchPayload\([^,]+, "[^"]+", "(\.\./\.\./app/static/layers/[^"]+)"', script
    )
    assert sorted(fetched) == sorted(hrefs)
    layers = hrefs
    # Time playback's tape (a canvas map's, megabytes) is a file too, named
    # before it is built and fetched apart (briefmap/app/playback.py).
    assert re.search(
        r'fetchTapeFile\([^,]+, "\.\./\.\./app/static/layers/tape-[0-9a-f]{32}', script
    )
    static = APP.parent / "static"
    catalog = load_catalog(data).catalog
    drawn = sum(
        len(p["x"]) + len(p["g"])
        for p in (json.loads(_read(static / h.removeprefix("../../app/static/"))) for h in layers)
    )
    assert drawn == catalog.index.count_features(select(catalog, ClaimFilter()))
    assert '"x":[' not in script

    # Evicted meanwhile (other sessions filled the budget): the next run that
    # shows them writes them again under the same names.
    for href in hrefs:
        (static / href.removeprefix("../../app/static/")).unlink()
    at.run()
    assert not at.exception
    for href in hrefs:
        assert (static / href.removeprefix("../../app/static/")).exists(), href

    # Switched off: the same layers travel in the script.
    monkeypatch.setenv("BRIEFMAP_LAYER_FILES", "off")
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    script = json.loads(component.proto.json_args)["feature_group"]
    assert "/app/static/layers/" not in script and '"x":[' in script


def test_it_remembers_only_a_few_payloads(tmp_path: Path) -> None:
    # Each remembered payload keeps its text alive: the memory must stay bounded.
    files = LayerFiles(tmp_path, "b")
    for i in range(3 * REMEMBERED):
        assert files.publish(f'{{"n": {i}}}') is not None
    assert len(files._known) <= REMEMBERED
