"""The briefing pack as text: every scene in it, data escaped, no outside request, small.

The browser test (tests/browser/test_browser_pack.py) opens it offline and steps
through it; here it is read as the HTML it is.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing.assets import web_text
from briefmap.drawing.briefing_pack import (
    PACK_BUDGET_BYTES,
    briefing_pack,
    scene_frame,
    scene_shown,
)
from briefmap.engine.briefings import Briefing, Scene, load_briefings
from briefmap.engine.query import ClaimFilter
from briefmap.safe import map_text

GEODATA = Path(__file__).resolve().parents[1] / "geodata"


@pytest.fixture(scope="module")
def shipped() -> tuple[Catalog, Briefing]:
    catalog = load_catalog(GEODATA).catalog
    briefings, issues = load_briefings(GEODATA, catalog)
    assert issues == []
    return catalog, briefings["moscow-meeting"]


@pytest.fixture(scope="module")
def pack(shipped: tuple[Catalog, Briefing]) -> str:
    return briefing_pack(*shipped)


def _section(pack: str, number: int) -> str:
    found = re.search(
        rf'<section class="bm-pack-scene" id="scene-{number}".*?</section>', pack, re.DOTALL
    )
    assert found, f"no section for scene {number}"
    return found.group(0)


def test_every_scene_is_in_the_pack_with_its_points_claims_and_sources(
    shipped: tuple[Catalog, Briefing], pack: str
) -> None:
    catalog, briefing = shipped
    assert f"1 / {len(briefing.scenes)}" in pack
    for number, scene in enumerate(briefing.scenes, start=1):
        section = _section(pack, number)
        assert f"Scene {number} of {len(briefing.scenes)}" in section
        assert f">{map_text(scene.title)}</h2>" in section
        for point in scene.talking_points:
            assert f"<li>{map_text(point)}</li>" in section
        shown = scene_shown(catalog, scene, number)
        assert shown.selection.claims, f"scene {number} shows no claim"
        listed = re.findall(r'data-claim="([^"]+)"', section)
        assert sorted(listed) == sorted(c.id for c in shown.selection.claims)
        for claim in shown.selection.claims:
            assert map_text(claim.summary) in section
            for source_id in claim.sources:
                source = shown.catalog.sources[source_id]
                assert map_text(f"{source.credit}, {source.date}") in section
                if source.url:
                    assert f'href="{map_text(source.url)}"' in section
    # Every claim once more at the end, for the handout.
    appendix = pack[pack.index('<section class="bm-pack-appendix">') :]
    for number, scene in enumerate(briefing.scenes, start=1):
        for claim in scene_shown(catalog, scene, number).selection.claims:
            assert map_text(claim.summary) in appendix


def test_each_scene_frames_its_ringed_places(shipped: tuple[Catalog, Briefing]) -> None:
    catalog, briefing = shipped
    for scene in briefing.scenes:
        frame = scene_frame(catalog, scene)
        (south, west), (north, east) = frame["bounds"]
        for place_id in scene.highlight:
            point = catalog.places[place_id].geometry.representative_point()
            assert south <= point.y <= north and west <= point.x <= east, place_id
        assert frame["maxZoom"] == scene.view.zoom


def test_a_scene_without_rings_takes_its_view_or_every_place(
    shipped: tuple[Catalog, Briefing],
) -> None:
    catalog, briefing = shipped
    scene = replace(briefing.scenes[0], highlight=())
    assert scene.view is not None
    assert scene_frame(catalog, scene) == {
        "center": list(scene.view.center),
        "zoom": scene.view.zoom,
    }
    bare = replace(scene, view=None)
    assert scene_frame(catalog, bare)["bounds"] == catalog.index.map_bounds


def test_the_pack_makes_no_request_and_draws_no_tiles(pack: str) -> None:
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", pack, re.IGNORECASE)
    assert not re.search(r"<link\b", pack, re.IGNORECASE)
    # No basemap: the outline geography instead (it is shown, not left to a tile error).
    for host in ("arcgisonline", "openstreetmap.org/{z}", "tile.openstreetmap"):
        assert host not in pack
    assert "L.tileLayer" not in pack
    assert "Outlines: Natural Earth" in pack
    # No url() but data: ones in any style.
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", pack):
        assert url.startswith(("data:", "#")), url


def test_the_pack_takes_the_clicker_keys_from_the_presentation_view(pack: str) -> None:
    # scene-keys.js whole, as a module: the same rules, not a copy of them.
    assert web_text("scene-keys.js") in pack
    assert "window.__bmSceneKeyRules" in pack


def test_the_shipped_pack_is_under_its_budget(pack: str) -> None:
    size = len(pack.encode("utf-8"))
    assert size < PACK_BUDGET_BYTES, f"{size:,} bytes"


# ------------------------------------------------------------- hostile data

HOSTILE = "</script><script>window.__pwned=1</script>${window.__pwned=2}`{{7*7}}\u202eevil"


def hostile_briefing(catalog: Catalog, briefing: Briefing) -> tuple[Catalog, Briefing]:
    claim = next(iter(catalog.claims.values()))
    source_id = claim.sources[0]
    claims = dict(catalog.claims)
    claims[claim.id] = replace(
        claim, summary=f"summary {HOSTILE}", attribution=f"attribution {HOSTILE}"
    )
    sources = dict(catalog.sources)
    sources[source_id] = replace(
        sources[source_id],
        outlet=f"outlet {HOSTILE}",
        url="javascript:window.__pwned=3",
        title=f'title "><img src=x onerror=window.__pwned=4>{HOSTILE}',
    )
    hostile = Catalog(catalog.places, claims, sources, catalog.as_of, catalog.meta)
    scene = Scene(
        title=f"title {HOSTILE}",
        talking_points=(f"point {HOSTILE}", "<b>bold</b> &amp; ${x}"),
        claim_filter=ClaimFilter(),
        highlight=(claim.places[0],),
    )
    return hostile, Briefing(
        id="hostile", title=f"briefing {HOSTILE}", scenes=(scene,), summary=HOSTILE
    )


def test_hostile_text_stays_text(shipped: tuple[Catalog, Briefing]) -> None:
    catalog, briefing = hostile_briefing(*shipped)
    page = briefing_pack(catalog, briefing)
    # Nothing from the data ends an element, opens a tag, or reaches a script as code.
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "javascript:" not in page
    assert "\u202e" not in page
    assert "${window" not in page and "`{{" not in page
    # The text is all there, as text.
    shown = html.unescape(re.sub(r"<[^>]+>", "", page))
    for field in ("title", "point", "summary", "attribution", "outlet", "briefing"):
        assert f"{field} </script><script>window.__pwned=1</script>" in shown, field
    assert "<b>bold</b> &amp; ${x}" in shown
    # The source without a usable link keeps its text, with no link at all.
    assert 'href="javascript' not in page.lower()
    assert f"{map_text('outlet ' + HOSTILE)}" in page


# --------------------------------------------------------------------- size


def test_a_large_briefing_grows_with_its_claims(tmp_path: Path) -> None:
    # 2,000 claims on the canvas renderer, two scenes: still one file, and the
    # claims' text is most of it (the panels list each claim per scene).
    generate(tmp_path, 2_000)
    catalog = load_catalog(tmp_path).catalog
    place = next(p for p in catalog.places.values() if not p.off_map)
    scenes = tuple(
        Scene(title=f"Scene {n}", talking_points=("A point.",), claim_filter=ClaimFilter(),
              highlight=(place.id,))
        for n in (1, 2)
    )  # fmt: skip
    page = briefing_pack(catalog, Briefing(id="big", title="Big", scenes=scenes))
    size = len(page.encode("utf-8"))
    assert page.count('class="bm-pack-claim"') >= 2 * 2_000
    assert 1_000_000 < size < 60 * 1024 * 1024, f"{size:,} bytes"
