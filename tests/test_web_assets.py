"""briefmap/drawing/web/: the map's own JavaScript and CSS files, read and inlined where they are used.

The Node tests in tests/js/ test the canvas renderer's helpers on their own;
here the same helpers run on payloads the server really builds, against
:func:`canvas_reading.decode`, which the Python tests check in depth.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import canvas_reading
import pytest
from needs import NODE_HINT, missing_tool

from bench.synth import generate
from briefmap.app import scenes
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus
from briefmap.drawing import bulk, html_export, mapping
from briefmap.drawing.assets import web_style, web_text
from briefmap.engine.layers import layer_of
from briefmap.engine.query import ClaimFilter, select

WEB = Path(bulk.__file__).parent / "web"
SCRIPTS = (
    "aggregate.js",
    "canvas.js",
    "payload-fetch.js",
    "canvas-engine.js",
    "circles-engine.js",
    "map-control.js",
    "fit-when-sized.js",
    "streamlit-folium-report.js",
    "frame.js",
    "open-places.js",
    "tab-stops.js",
    "label-room.js",
    "focus-without-scrolling.js",
    "zoom-class.js",
    "hatch-patterns.js",
    "outlines.js",
    "pack.js",
    "pack-handout.js",
    "map-settled.js",
    "map-size.js",
    "link-too-long.js",
    "scene-keys.js",
    "copy-link.js",
    "sidebar-open.js",
    "stacked-places.js",
    "line-places.js",
    "own-canvas.js",
    "playback.js",
    "playback-frame.js",
)
STYLES = (
    "map.css",
    "map-corners.css",
    "presentation.css",
    "presentation-page.css",
    "map-page.css",
    "map-columns.css",
    "held.css",
    "streamlit-dom.css",
    "export.css",
    "pack.css",
    "copy-link.css",
    "stacked-places.css",
    "own-layer.css",
    "playback.css",
)


def test_every_file_is_read_and_none_is_left_over() -> None:
    on_disk = {p.name for p in WEB.iterdir() if p.suffix in (".js", ".css")}
    assert on_disk == {*SCRIPTS, *STYLES}
    for name in on_disk:
        text = web_text(name)
        assert text.strip(), name
        assert text == (WEB / name).read_text(encoding="utf-8")
        # Read through the package, as an installed wheel would be.
        assert text == (resources.files("briefmap.drawing.web") / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SCRIPTS + STYLES)
def test_a_file_cannot_end_its_element_early(name: str) -> None:
    # Inlined in <script> or <style>: a closing tag inside would end the element.
    assert not re.search(r"</(script|style)", web_text(name), re.IGNORECASE)


@pytest.mark.parametrize("name", STYLES)
def test_css_braces_balance(name: str) -> None:
    # An unclosed rule would swallow every rule after it, here or in the page.
    # Rules nest only one level, inside an at-rule such as @media.
    depth, outer = 0, ""
    text = re.sub(r"/\*.*?\*/", "", web_text(name), flags=re.DOTALL)
    for at, char in enumerate(text):
        if char == "{" and depth == 0:
            outer = text[:at].rsplit("}", 1)[-1].strip()
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth in (0, 1) or (depth == 2 and outer.startswith("@")), name
    assert depth == 0, name


def test_styles_are_inlined_in_the_map_page(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    page = mapping.build_map(real_catalog, selection).get_root().render()
    assert web_style("map.css") in page
    assert web_text("presentation.css") not in page
    presenting = mapping.build_map(real_catalog, selection, presentation=True)
    assert web_style("presentation.css") in presenting.get_root().render()
    assert web_style("presentation-page.css") == scenes.PRESENTATION_PAGE_CSS


@pytest.mark.parametrize(
    ("engine", "script"), [("canvas", "canvas-engine.js"), ("circles", "circles-engine.js")]
)
def test_scripts_are_inlined_once_per_page(real_catalog: Catalog, engine: str, script: str) -> None:
    selection = select(real_catalog, ClaimFilter())
    fmap = mapping.build_map(
        real_catalog,
        selection,
        layers=lambda c, s, e: bulk.build_bulk_layers(c, s, e, engine=engine),
    )
    page = fmap.get_root().render()
    # The shared renderer once (the first layer carries it), the engine once a layer.
    assert page.count(web_text("canvas.js")) == 1
    assert page.count(web_text(script)) == len(bulk.LAYERS)


def test_the_offline_export_carries_the_renderer(tmp_path: Path) -> None:
    loaded = load_catalog(generate(tmp_path / "data", 1_000).path)
    assert not loaded.issues
    html = html_export.standalone_html(
        loaded.catalog, select(loaded.catalog, ClaimFilter()), "Many"
    )
    assert web_text("canvas.js") in html
    assert web_style("map.css") in html


# ------------------------------------------------------- the same tooltips in JS

# Each payload's tooltips and positions as canvas.js builds them: outlines as its
# outlines() does, points as PointSet and its tip() do.
NODE_SCRIPT = """
const c = require(process.argv[1]);
const payloads = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const out = payloads.map((d) => {
    const outlines = d.gt.map((t, i) => c.tipHtml(d, t, d.gs[i]));
    const p = c.decode(d, d.scale), points = [];
    for (let i = 0; i < p.n; i++) {
        points.push([p.lat[i], p.lng[i], c.tipHtml(d, p.tipOf[i], p.style[i])]);
    }
    return {outlines: outlines, points: points};
});
process.stdout.write(JSON.stringify(out));
"""


def _in_node(payloads: list[dict]) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        missing_tool("Node is not installed", NODE_HINT)
    done = subprocess.run(
        [node, "-e", NODE_SCRIPT, str(WEB / "canvas.js")],
        input=json.dumps(payloads),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    loaded = load_catalog(generate(tmp_path_factory.mktemp("synth") / "data", 800).path)
    assert not loaded.issues
    return loaded.catalog


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_canvas_js_draws_what_decode_says(
    which: str, real_catalog: Catalog, synthetic: Catalog
) -> None:
    catalog = real_catalog if which == "real" else synthetic
    groups = bulk.build_bulk_layers(catalog, select(catalog, ClaimFilter()))
    payloads = [p for p in (canvas_reading.layer_payload(g) for g in groups) if p is not None]
    got = _in_node(payloads)
    tips = []
    for payload, js in zip(payloads, got, strict=True):
        features = canvas_reading.decode(payload)
        outlines = [f["tooltip"] for f in features if f["kind"] == "polygon"]
        points = [[f["lat"], f["lon"], f["tooltip"]] for f in features if f["kind"] == "point"]
        assert js["outlines"] == outlines, payload["layer"]
        assert js["points"] == points, payload["layer"]
        tips += outlines + [p[2] for p in points]
    assert len(tips) == catalog.index.count_features(select(catalog, ClaimFilter())) > 0
    if which == "real":
        # The real data has a former claim no source dates the end of: p[6] is exercised.
        assert any("end date unknown" in t for t in tips)


# ------------------------------------------- the crowded areas' counts in JS

TALLY_SCRIPT = """
const c = require(process.argv[1]), ag = require(process.argv[2]);
const payloads = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(payloads.map((d) => {
    const p = c.decode(d, d.scale), t = ag.talliesOf(d, p.tipOf, p.style), sums = d.L.map(() => 0);
    for (let i = 0; i < p.n; i++) {
        if (t[i] < 0) { sums[-1 - t[i]] += 1; } else { d.C[t[i]].forEach((n, r) => { sums[r] += n; }); }
    }
    return sums;
})));
"""


@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_the_boxes_count_the_claims_each_point_draws(
    which: str, real_catalog: Catalog, synthetic: Catalog
) -> None:
    # What a crowded area's box adds up, per layer: the claims drawn at its
    # points, by status. The oracle walks the selection claim by claim.
    catalog = real_catalog if which == "real" else synthetic
    selection = select(catalog, ClaimFilter())
    groups = bulk.build_bulk_layers(catalog, selection)
    payloads = [p for p in (canvas_reading.layer_payload(g) for g in groups) if p is not None]
    node = shutil.which("node")
    if node is None:
        missing_tool("Node is not installed", NODE_HINT)
    done = subprocess.run(
        [node, "-e", TALLY_SCRIPT, str(WEB / "canvas.js"), str(WEB / "aggregate.js")],
        input=json.dumps(payloads),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    got = dict(zip((p["layer"] for p in payloads), json.loads(done.stdout), strict=True))
    ladder = list(ClaimStatus)
    expected: dict[str, list[int]] = {}
    for claim in selection.claims:
        for place_id in selection.places_of[claim.id]:
            place = catalog.places[place_id]
            if place.is_point:
                sums = expected.setdefault(layer_of(claim, place).value, [0] * len(ladder))
                sums[ladder.index(claim.status)] += 1
    assert {k: v for k, v in got.items() if any(v)} == expected
    assert sum(map(sum, expected.values())) > 0
