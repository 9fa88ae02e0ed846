"""Exports: bundle round trip, CSV, offline HTML at the view on screen, PNG snapshot, GIS GeoJSON."""

from __future__ import annotations

import csv
import io
import json
import re
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import canvas_reading
import pytest
import xstatic.pkg.leaflet
from needs import missing_browser_stack
from shipped import GEODATA

from briefmap.data.loader import LoadResult, load_catalog
from briefmap.data.schema import PLACE_FIELDS, Catalog, ClaimStatus, Posture
from briefmap.drawing import exports, html_export, png_export
from briefmap.drawing.assets import web_text
from briefmap.engine.briefings import Scene, load_briefings
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame
from briefmap.engine.query import ClaimFilter, Deployments, Selection, select
from briefmap.engine.state import MapArea, MapView
from briefmap.engine.timeline import as_of, as_of_banner, state_on
from briefmap.safe import map_text
from briefmap.screenshots import chromium_executable, is_tile_url

AS_OF_DAY = "2024-12-08"

FILTERS = {
    "everything": ClaimFilter(),
    "israel": ClaimFilter(actors=frozenset({"israel"})),
    # A search draws only some of a claim's places; the bundle still needs all.
    "search-tartus": ClaimFilter(search="tartus"),
    # Proposed deployments carry an origin place.
    "proposed": ClaimFilter(deployments=Deployments.PROPOSED_ONLY),
    "confirmed": ClaimFilter(statuses=frozenset({ClaimStatus.CONFIRMED})),
}

SCRIPT_PAYLOAD = "</script><script>window.__pwned=1</script>"
TEMPLATE_PAYLOAD = "${window.__pwned=2}`"


# ----------------------------------------------------------------- helpers


def _round_trip(catalog: Catalog, selection: Selection, tmp_path: Path) -> LoadResult:
    """Write the bundle, read it back, check it is lossless; return the load result."""
    path = tmp_path / "briefmap-export.geojson"
    text = exports.bundle_json(catalog, selection)
    path.write_text(text, encoding="utf-8")
    result = load_catalog(path)
    assert result.issues == (), "\n".join(map(str, result.issues))
    loaded = result.catalog

    expected_claims = exports.exported_claims(catalog, selection)
    assert loaded.claims == {c.id: c for c in expected_claims}
    assert loaded.as_of == catalog.as_of

    referenced = {p for c in expected_claims for p in (*c.places, c.origin) if p}
    assert set(loaded.places) == referenced
    for pid, place in loaded.places.items():
        original = catalog.places[pid]
        assert replace(place, geometry=None) == replace(original, geometry=None)
        assert place.geometry.equals(original.geometry)

    cited = {sid for c in expected_claims for sid in c.sources}
    assert loaded.sources == {sid: catalog.sources[sid] for sid in cited}

    # Exporting the re-imported catalog gives the same file, byte for byte.
    again = exports.bundle_json(loaded, select(loaded, ClaimFilter()))
    assert again == text
    return result


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert kind == b"IHDR"
    assert length == 13
    return struct.unpack(">II", png[16:24])


def _png_pixels(png: bytes) -> bytes:
    """The PNG's decompressed, still filtered, pixel rows (zlib only, no Pillow)."""
    data, pos = b"", 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos : pos + 8])
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(data)


def _with_payloads(data_dir: Path) -> Catalog:
    """The data copy with script and template-literal payloads in names and text."""
    places = json.loads((data_dir / "places.geojson").read_text(encoding="utf-8"))
    claims = json.loads((data_dir / "claims.json").read_text(encoding="utf-8"))
    sources = json.loads((data_dir / "sources.json").read_text(encoding="utf-8"))
    tartus = next(f for f in places["features"] if f["properties"]["id"] == "tartus_naval_facility")
    tartus["properties"]["name_en"] = f"Tartus {SCRIPT_PAYLOAD}"
    claim = next(c for c in claims["claims"] if "tartus_naval_facility" in c["places"])
    claim["summary"] = f"Summary {TEMPLATE_PAYLOAD} {SCRIPT_PAYLOAD}"
    claim["claimant"] = '=HYPERLINK("http://evil.example","x")'
    claim["attribution"] = "+cmd|' /C calc'!A0"
    source = next(s for s in sources["sources"] if s["id"] == claim["sources"][0])
    # An unidentified outlet must still say so, or the source is refused.
    unknown = "" if source.get("outlet_known", True) else ", outlet not identified"
    source["outlet"] = f"Outlet {SCRIPT_PAYLOAD} {TEMPLATE_PAYLOAD}{unknown}"
    for name, payload in (
        ("places.geojson", places),
        ("claims.json", claims),
        ("sources.json", sources),
    ):
        (data_dir / name).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = load_catalog(data_dir)
    assert result.issues == (), "\n".join(map(str, result.issues))
    return result.catalog


# ------------------------------------------------------------------ bundle


@pytest.mark.parametrize("name", list(FILTERS))
def test_bundle_round_trip(named_origin_catalog: Catalog, tmp_path: Path, name: str) -> None:
    selection = select(named_origin_catalog, FILTERS[name])
    assert selection.claims, f"filter {name!r} selects nothing in the real data"
    _round_trip(named_origin_catalog, selection, tmp_path)


def test_bundle_keeps_payloads_as_data(data_copy: Path, tmp_path: Path) -> None:
    # The bundle is data that loads back without loss: its text is not escaped
    # (every page that shows it escapes it there).
    catalog = _with_payloads(data_copy)
    _round_trip(catalog, select(catalog, ClaimFilter()), tmp_path)
    assert SCRIPT_PAYLOAD in exports.bundle_json(catalog, select(catalog, ClaimFilter()))


def test_bundle_round_trip_full_selection_is_the_catalog(
    named_origin_catalog: Catalog, tmp_path: Path
) -> None:
    catalog = named_origin_catalog
    selection = select(catalog, ClaimFilter())
    loaded = _round_trip(catalog, selection, tmp_path).catalog
    # Not rewound: the claims are stored exactly as selected, history and all.
    assert exports.exported_claims(catalog, selection) == selection.claims
    assert loaded.claims == catalog.claims
    assert any(c.history for c in loaded.claims.values())
    assert any(c.end_date_unknown for c in loaded.claims.values())
    assert any(c.origin and c.origin_source and c.origin_note for c in loaded.claims.values())
    assert any(not s.outlet_known for s in loaded.sources.values())
    assert any(s.via and s.official_of is None for s in loaded.sources.values())
    assert any(s.official_of for s in loaded.sources.values())


def test_bundle_round_trip_filtered_only_israel(real_catalog: Catalog, tmp_path: Path) -> None:
    selection = select(real_catalog, FILTERS["israel"])
    loaded = _round_trip(real_catalog, selection, tmp_path).catalog
    assert 0 < len(loaded.claims) < len(real_catalog.claims)
    assert all("israel" in c.actors for c in loaded.claims.values())


def test_bundle_round_trip_as_of(real_catalog: Catalog, tmp_path: Path) -> None:
    rewound = as_of(real_catalog, AS_OF_DAY)
    selection = select(rewound, ClaimFilter())
    loaded = _round_trip(rewound, selection, tmp_path).catalog
    assert loaded.as_of == AS_OF_DAY
    assert 0 < len(loaded.claims) < len(real_catalog.claims)
    assert all(c.reported <= AS_OF_DAY for c in loaded.claims.values())
    # Status and posture are the ones of that day; only later history is cut.
    for claim in selection.claims:
        back = loaded.claims[claim.id]
        assert replace(back, history=()) == replace(claim, history=())
        assert all(change.date <= AS_OF_DAY for change in back.history)
        assert state_on(back, AS_OF_DAY) == state_on(claim, AS_OF_DAY)
    buffer_zone = loaded.claims["ctx-2024-israel-buffer-zone"]
    assert buffer_zone.status is ClaimStatus.STATED  # confirmed only on 9 December
    assert [h.date for h in buffer_zone.history] == [AS_OF_DAY]
    qamishli = loaded.claims["ctx-2019-qamishli-airport-deployment"]
    assert qamishli.posture is Posture.CURRENT  # became former in 2026
    assert len(qamishli.history) == 1


def test_bundle_holds_only_referenced_places_and_sources(real_catalog: Catalog) -> None:
    selection = select(real_catalog, FILTERS["israel"])
    data = exports.bundle(real_catalog, selection)
    place_ids = [f["properties"]["id"] for f in data["features"]]
    source_ids = [s["id"] for s in data["briefmap"]["sources"]]
    wanted_places = {p for c in selection.claims for p in (*c.places, c.origin) if p}
    wanted_sources = {sid for c in selection.claims for sid in c.sources}
    assert sorted(place_ids) == sorted(wanted_places)
    assert sorted(source_ids) == sorted(wanted_sources)
    assert len(place_ids) < len(real_catalog.places)
    assert len(source_ids) < len(real_catalog.sources)
    assert [c["id"] for c in data["briefmap"]["claims"]] == [c.id for c in selection.claims]


def test_bundle_keeps_places_a_search_did_not_draw(real_catalog: Catalog) -> None:
    selection = select(real_catalog, FILTERS["search-tartus"])
    drawn = set(selection.place_ids)
    data = exports.bundle(real_catalog, selection)
    stored = {f["properties"]["id"] for f in data["features"]}
    assert drawn < stored  # every referenced place, not only the drawn ones


def test_bundle_json_is_stable_utf8_geojson(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    text = exports.bundle_json(real_catalog, selection)
    assert text == exports.bundle_json(real_catalog, selection)
    assert "دمشق" in text  # Arabic kept as is, not \u-escaped
    assert "Дамаск" in text
    data = json.loads(text)
    assert data["type"] == "FeatureCollection"
    assert data["briefmap"]["as_of"] == real_catalog.as_of
    assert list(data) == ["type", "features", "briefmap"]
    assert tuple(data["features"][0]["properties"]) == PLACE_FIELDS
    geometry = data["features"][0]["geometry"]
    assert geometry["type"] in ("Point", "Polygon")
    assert isinstance(geometry["coordinates"], list)


# --------------------------------------------------------------------- CSV


def _csv_rows(payload: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(payload.decode("utf-8"))))


def test_csv_one_row_per_selected_claim(real_catalog: Catalog) -> None:
    for claim_filter in FILTERS.values():
        selection = select(real_catalog, claim_filter)
        rows = _csv_rows(exports.claims_csv(real_catalog, selection))
        assert [r["Claim id"] for r in rows] == [c.id for c in selection.claims]


def test_csv_has_place_ids_and_coordinates(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    payload = exports.claims_csv(real_catalog, selection)
    header = payload.decode("utf-8").splitlines()[0].split(",")
    assert header[header.index("Places") + 1 : header.index("Places") + 3] == [
        "Place ids",
        "Coordinates",
    ]
    rows = {r["Claim id"]: r for r in _csv_rows(payload)}
    for claim in selection.claims:
        row = rows[claim.id]
        assert row["Place ids"] == "; ".join(claim.places)
        assert len(row["Coordinates"].split("; ")) == len(claim.places)
    tartus = rows["c02-tartus-access"]
    assert tartus["Place ids"] == "tartus_naval_facility"
    assert tartus["Coordinates"] == "34.915, 35.8745"  # lat, lon
    regions = [r for r in rows.values() if "governorate" in r["Place ids"]]
    assert regions
    assert all("region (approximate) " in r["Coordinates"] for r in regions)


def test_csv_defuses_formulas(data_copy: Path) -> None:
    catalog = _with_payloads(data_copy)
    selection = select(catalog, ClaimFilter())
    rows = _csv_rows(exports.claims_csv(catalog, selection))
    assert len(rows) == len(selection.claims)
    for row in rows:
        for column, value in row.items():
            assert not value.startswith(("=", "+", "-", "@")), (column, value)
    assert any(r["Claimant"].startswith("'=HYPERLINK") for r in rows)
    assert any(r["Attribution"].startswith("'+cmd") for r in rows)


# -------------------------------------------------------------------- HTML

ALLOWED_URLS = (
    "http://www.w3.org/2000/svg",  # an XML namespace name, never fetched
    "https://leafletjs.com",  # Leaflet's attribution link
    "https://www.openstreetmap.org/copyright",  # OpenStreetMap's attribution link
)
URL = re.compile(r"https?://[^\s\"'<>\\)]+")


def test_html_is_offline_only(real_catalog: Catalog) -> None:
    html = html_export.standalone_html(real_catalog, select(real_catalog, ClaimFilter()), "Syria")
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", html, re.IGNORECASE)
    assert not re.search(r"<link\b[^>]*stylesheet", html, re.IGNORECASE)
    assert not re.search(r"<link\b", html, re.IGNORECASE)
    assert (
        f"Leaflet {xstatic.pkg.leaflet.VERSION}" in html
    )  # Leaflet's own banner: the code is inlined
    assert "L.map(" in html
    assert ".leaflet-control-layers-toggle" in html  # Leaflet's CSS is inlined
    assert "url(images/" not in html
    assert "briefmap-inline-assets" not in html  # no image left at the page's placeholder base
    assert "data:image/png;base64," in html  # its images too
    assert "sourceMappingURL" not in html
    for url in set(URL.findall(html)):
        tile_template = "{z}" in url and (
            "arcgisonline.com" in url or "tile.openstreetmap.org" in url
        )
        assert tile_template or url in ALLOWED_URLS, url


def test_html_has_title_as_of_and_footnote(real_catalog: Catalog) -> None:
    selection = select(real_catalog, FILTERS["israel"])
    html = html_export.standalone_html(real_catalog, selection, "Israel & the Golan")
    assert "<title>Israel &amp; the Golan</title>" in html
    assert '<h1 class="bm-export-title">Israel &amp; the Golan</h1>' in html
    assert f"As of {real_catalog.as_of}" in html
    footer = html[html.index('<footer class="bm-export-foot">') :]
    cited = real_catalog.index.cited_sources(selection)
    assert f"Sources cited ({len(cited)})" in footer
    for source in cited:
        assert f"<li>{map_text(source.credit)}, {source.date}</li>" in footer
    uncited = set(real_catalog.sources) - {sid for c in selection.claims for sid in c.sources}
    assert uncited
    for sid in uncited:
        source = real_catalog.sources[sid]
        assert f"<li>{map_text(source.credit)}, {source.date}</li>" not in footer


def test_html_of_a_rewound_catalog_says_its_day(real_catalog: Catalog) -> None:
    rewound = as_of(real_catalog, AS_OF_DAY)
    html = html_export.standalone_html(rewound, select(rewound, ClaimFilter()), "Then")
    assert f"As of {AS_OF_DAY}" in html
    assert f"As of {real_catalog.as_of}" not in html


def test_html_with_nothing_selected(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter(search="no such place anywhere"))
    assert not selection.claims
    html = html_export.standalone_html(real_catalog, selection, "Empty")
    assert "Sources cited (0)" in html
    assert "</html>" in html


def test_html_escapes_payloads(data_copy: Path) -> None:
    catalog = _with_payloads(data_copy)
    title = f"Title {SCRIPT_PAYLOAD} {TEMPLATE_PAYLOAD} \u202egnp.exe"
    html = html_export.standalone_html(catalog, select(catalog, ClaimFilter()), title)
    assert "\u202e" not in html  # bidi controls dropped, as on the map
    assert SCRIPT_PAYLOAD not in html
    assert "<script>window.__pwned" not in html
    assert "${" not in html
    assert "`}" not in html
    assert map_text(title) in html  # shown, as text
    assert f"Outlet {map_text(SCRIPT_PAYLOAD)}" in html


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    from bench.synth import generate

    loaded = load_catalog(generate(tmp_path_factory.mktemp("large") / "data", 3_000).path)
    assert not loaded.issues
    return loaded.catalog


def test_html_of_a_large_selection_draws_on_canvas(large: Catalog) -> None:
    from briefmap.drawing import bulk

    selection = select(large, ClaimFilter())
    html = html_export.standalone_html(large, selection, "Many")
    # The app's fast path, not a marker per place: one payload per layer.
    assert "__briefmapBulk" in html
    # (The outline geography's cities are markers of its own script.)
    assert "L.marker(" not in html.replace(web_text("outlines.js"), "")
    assert len(html) < 3_000_000
    groups = bulk.build_layers_auto(large, selection)
    assert sum(canvas_reading.drawn_counts(groups).values()) == large.index.count_features(
        selection
    )
    assert not re.search(r"<script\b[^>]*\bsrc\s*=", html, re.IGNORECASE)


# --------------------------------------------------------------------- PNG


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium; skip without it, or fail when CI=true."""
    executable = chromium_executable()
    if executable is None or not png_export.snapshot_available(executable):
        missing_browser_stack("Chromium or Playwright for Python is missing")
    return executable  # type: ignore[return-value]


def test_snapshot_unavailable_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = str(tmp_path / "no-chromium-here")
    assert not png_export.snapshot_available(missing)
    with pytest.raises(png_export.SnapshotUnavailable) as caught:
        png_export.png_snapshot("<html></html>", chromium=missing)
    # The PNG button's words (screenshots.why_no_browser), not a second wording.
    assert str(caught.value).startswith(
        "A PNG snapshot cannot be made on this server: it has no Chromium browser."
    )
    assert "apt-get install chromium" in str(caught.value)
    assert "BRIEFMAP_CHROMIUM" in str(caught.value)
    monkeypatch.setenv("BRIEFMAP_CHROMIUM", missing)
    assert not png_export.snapshot_available()
    with pytest.raises(png_export.SnapshotUnavailable):
        png_export.png_snapshot("<html></html>")


@pytest.mark.browser
def test_png_snapshot_of_the_real_selection(real_catalog: Catalog, chromium: str) -> None:
    html = html_export.standalone_html(real_catalog, select(real_catalog, ClaimFilter()), "Syria")
    blocked: list[str] = []
    png = png_export.png_snapshot(html, width=1600, height=1000, chromium=chromium, blocked=blocked)
    assert _png_size(png) == (1600, 1000)
    assert len(png) > 10_000
    # Nothing but basemap tiles was even asked for.
    assert all(is_tile_url(url) for url in blocked), blocked
    # A blank page filters to a handful of byte values and compresses to almost nothing.
    assert len(set(_png_pixels(png))) > 64, "the snapshot looks blank"
    # Pillow comes with Streamlit (requirements-test.txt pins it): always here.
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.size == (1600, 1000)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is None or len(colours) > 50


@pytest.mark.browser
def test_payloads_do_not_run_in_the_exported_page(data_copy: Path, chromium: str) -> None:
    catalog = _with_payloads(data_copy)
    html = html_export.standalone_html(
        catalog, select(catalog, ClaimFilter()), f"T {SCRIPT_PAYLOAD} {TEMPLATE_PAYLOAD}"
    )
    with _offline_page(chromium, html) as page:
        page.wait_for_selector(".bm-feature", state="attached")
        assert page.evaluate("() => window.__pwned") is None
        assert SCRIPT_PAYLOAD in page.locator(".bm-export-title").inner_text()
        assert page.locator(".bm-feature").count() > 0


@contextmanager
def _offline_page(chromium: str, html: str) -> Iterator[Any]:
    """An exported page open in Chromium with every request refused."""
    with _offline_pages(chromium, [html]) as (page,):
        yield page


@contextmanager
def _offline_pages(chromium: str, htmls: list[str]) -> Iterator[list[Any]]:
    """Exported pages open side by side in one Chromium (its launch is most of the cost)."""
    from playwright.sync_api import sync_playwright

    from briefmap.screenshots import CHROMIUM_ARGS

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=list(CHROMIUM_ARGS))
        try:
            pages = []
            for html in htmls:
                page = browser.new_page(viewport={"width": 1600, "height": 1000})
                page.route("**/*", lambda route: route.abort())
                page.set_content(html)
                pages.append(page)
            yield pages
        finally:
            browser.close()


@pytest.mark.browser
def test_png_snapshot_waits_for_canvas_layers_to_finish(large: Catalog, chromium: str) -> None:
    from briefmap.drawing import bulk

    selection = select(large, ClaimFilter())
    html = html_export.standalone_html(large, selection, "Many")
    expected = sum(canvas_reading.drawn_counts(bulk.build_layers_auto(large, selection)).values())
    with _offline_page(chromium, html) as page:
        page.wait_for_timeout(700)
        page.wait_for_function(png_export.CANVAS_SETTLED_JS, polling=50)
        drawn = page.evaluate(
            "() => Object.values(window.__briefmapDrawn).reduce((a, b) => a + b, 0)"
        )
        assert drawn == expected
        in_view = page.evaluate(
            """() => Object.keys(window).filter((k) => k.startsWith("map_"))
                .map((k) => window[k] && window[k].__briefmapPoints)
                .filter(Boolean).map((p) => p.drawnInView)"""
        )
        assert in_view and in_view[0] > 0.9 * large_points(large, selection)
    png = png_export.png_snapshot(html, width=1600, height=1000, chromium=chromium)
    assert len(set(_png_pixels(png))) > 64, "the snapshot looks blank"


def large_points(catalog: Catalog, selection: Selection) -> int:
    """Point places drawn (outlines are SVG, not on the canvas)."""
    return sum(
        1
        for pid in selection.place_ids
        if catalog.places[pid].geometry.geom_type == "Point" and not catalog.places[pid].off_map
    )


def test_claims_table_is_kept_for_the_same_selection(real_catalog: Catalog) -> None:
    from briefmap.engine import tables

    flt = ClaimFilter(actors=frozenset({"russia"}))
    first = tables.claims_table(real_catalog, real_catalog.index.select(flt))
    assert tables.claims_table(real_catalog, real_catalog.index.select(flt)) is first
    other = tables.claims_table(real_catalog, select(real_catalog, flt))
    assert other is not first and other.equals(first)


def test_rows_for_screen_keeps_the_latest_and_says_so(real_catalog: Catalog) -> None:
    from briefmap.engine import tables

    frame = tables.claims_table(real_catalog, select(real_catalog, ClaimFilter()))
    shown, note = tables.rows_for_screen(frame, limit=len(frame))
    assert shown is frame and note is None
    shown, note = tables.rows_for_screen(frame, limit=3)
    assert list(shown["Claim id"]) == list(frame["Claim id"])[-3:]
    assert note is not None and f"3 most recently reported of {len(frame):,}" in note


def test_at_most_two_png_snapshots_at_once_and_the_rest_are_told_busy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    running, most = 0, 0
    lock = threading.Lock()

    def slow_draw(*args: object) -> bytes:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.4)
        with lock:
            running -= 1
        return b"png"

    monkeypatch.setattr(png_export, "browser_for", lambda _w, _c=None: "/usr/bin/chromium")
    monkeypatch.setattr(png_export, "_draw", slow_draw)
    monkeypatch.setattr(png_export, "SNAPSHOT_WAIT_S", 0.1)
    outcomes: list[object] = []

    def click() -> None:
        try:
            outcomes.append(png_export.png_snapshot("<html></html>"))
        except png_export.SnapshotBusy as exc:
            outcomes.append(exc)

    clicks = [threading.Thread(target=click) for _ in range(8)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()
    assert most == png_export.MAX_CONCURRENT_SNAPSHOTS == 2
    made = [o for o in outcomes if o == b"png"]
    busy = [o for o in outcomes if isinstance(o, png_export.SnapshotBusy)]
    assert len(made) == 2 and len(busy) == 6
    assert "try again" in str(busy[0])
    assert png_export.png_snapshot("<html></html>") == b"png"  # every slot given back


def test_the_html_export_holds_the_upload_on_screen(real_catalog: Catalog, tmp_path: Path) -> None:
    from bench.synth import generate
    from briefmap.data.uploads import load_uploaded_files

    data = generate(tmp_path / "data", 40)
    files = [(p.name, p.read_bytes()) for p in sorted(data.path.iterdir()) if p.is_file()]
    mine = load_uploaded_files(files, real_catalog).catalog
    overlay = html_export.Overlay(mine, mine.index.select(ClaimFilter()), "field <notes>.geojson")
    selection = select(real_catalog, ClaimFilter())
    html = html_export.standalone_html(real_catalog, selection, "T", overlay)
    plain = html_export.standalone_html(real_catalog, selection, "T")
    name = "Your upload: field &lt;notes&gt;.geojson"
    assert name in html and name not in plain
    assert overlay.selection.summary_line in html  # counted in the header
    # Its sources listed apart from the briefing's, and every upload place drawn.
    assert f"{name}, sources cited ({len(mine.index.cited_sources(overlay.selection))})" in html
    drawn = html.count('"className": "bm-feature ') - plain.count('"className": "bm-feature ')
    assert drawn == mine.index.count_features(overlay.selection)


# ------------------------------------------------------ the view on screen
# Issue 25, finding 6: the HTML and PNG of scene 2 (the south) or of a panned
# view showed the whole country, without the scene's highlights.

BRIEFING = "moscow-meeting"
SOUTH = 2  # the scene of the south, next to the Golan
QAMISHLI = (37.05, 41.23)  # (lat, lon): the north-east, in no frame of the south
# The frame.js call in an exported page: the frame it asks its map for.
FRAME_CALL = re.compile(r"__bmFrame\(request\); \}\s*\}\)\s*\(map_\w+, (\{[^}]*\})\);")


def _scene_view(catalog: Catalog, number: int) -> tuple[Scene, html_export.ExportView]:
    """A scene of the shipped briefing and the view the map shows for it."""
    from briefmap.engine.interaction import places_bounds

    briefings, issues = load_briefings(GEODATA, catalog)
    assert not issues
    briefing = briefings[BRIEFING]
    scene = briefing.scenes[number - 1]
    # The frame apply_scene asks the map for when the scene opens.
    bounds = places_bounds(catalog, scene.highlight)
    assert bounds is not None and scene.view is not None
    requested = Frame.of(bounds, 7, max_zoom=scene.view.zoom)
    heading = f"{briefing.title} · scene {number} of {len(briefing.scenes)}: {scene.title}"
    return scene, html_export.ExportView.on_screen(
        None, requested, highlight=scene.highlight, scene=heading
    )


def _framed(html: str) -> dict[str, Any]:
    calls = FRAME_CALL.findall(html)
    assert len(calls) == 1, "expected one frame request in the exported page"
    return json.loads(calls[0])


def test_html_of_the_south_scene_frames_it_with_its_highlights(real_catalog: Catalog) -> None:
    from briefmap.engine.interaction import places_bounds

    scene, view = _scene_view(real_catalog, SOUTH)
    html = html_export.standalone_html(
        real_catalog, select(real_catalog, scene.claim_filter), "Syria", view=view
    )
    framed = _framed(html)
    assert framed["bounds"] == places_bounds(real_catalog, scene.highlight)
    assert framed["maxZoom"] == scene.view.zoom and framed["exact"] is False
    (south, west), (north, east) = framed["bounds"]
    assert not (south <= QAMISHLI[0] <= north and west <= QAMISHLI[1] <= east)
    # A ring per highlighted place, and the scene's heading above the map.
    assert html.count('"bm-highlight"') == len(scene.highlight) == 4
    assert f'<span class="bm-export-scene">{map_text(view.scene)}</span>' in html
    assert f"As of {real_catalog.as_of}" in html


def test_html_without_a_view_frames_the_places_shown(real_catalog: Catalog) -> None:
    selection = select(real_catalog, FILTERS["israel"])
    framed = _framed(html_export.standalone_html(real_catalog, selection, "Israel"))
    assert framed["bounds"] == real_catalog.index.selection_bounds(selection)
    assert framed["maxZoom"] == PLACES_MAX_ZOOM
    assert '"bm-highlight"' not in html_export.standalone_html(
        real_catalog, selection, "Israel", view=html_export.ExportView()
    )


def test_export_view_is_the_users_area_first_then_the_apps_request() -> None:
    area = MapArea(32.5, 35.5, 33.5, 36.9)
    asked = Frame.of([[34.0, 35.0], [36.0, 39.0]], 3, max_zoom=9)
    old_link = MapView((33.1, 36.2), 8)
    moved = html_export.ExportView.on_screen(area, asked)
    assert moved.frame == Frame.of(area.bounds, exact=True) and moved.centre is None
    assert html_export.ExportView.on_screen(old_link, asked).centre == old_link
    assert html_export.ExportView.on_screen(None, asked).frame == asked
    assert html_export.ExportView.on_screen(None, old_link).centre == old_link
    assert html_export.ExportView.on_screen(None, None) == html_export.ExportView()
    # The PNG's key: another view is another picture.
    keys = {json.dumps(v.key()) for v in (moved, html_export.ExportView.on_screen(None, asked))}
    assert len(keys) == 2


def test_html_of_a_panned_view_frames_that_area_exactly(real_catalog: Catalog) -> None:
    area = MapArea(32.5, 35.5, 33.5, 36.9)
    html = html_export.standalone_html(
        real_catalog,
        select(real_catalog, ClaimFilter()),
        "Syria",
        view=html_export.ExportView.on_screen(area, None),
    )
    framed = _framed(html)
    assert framed["bounds"] == area.bounds and framed["exact"] is True


def test_html_of_an_old_links_centre_opens_there(real_catalog: Catalog) -> None:
    view = html_export.ExportView.on_screen(MapView((33.1, 36.2), 8), None)
    html = html_export.standalone_html(
        real_catalog, select(real_catalog, ClaimFilter()), "S", view=view
    )
    assert "center: [33.1, 36.2]" in html and '"zoom": 8' in html
    assert not FRAME_CALL.search(html)


def test_whole_data_set_keeps_the_scene_and_frames_every_place(real_catalog: Catalog) -> None:
    _scene, view = _scene_view(real_catalog, SOUTH)
    whole = html_export.whole_data_set(real_catalog, view)
    assert whole.highlight == view.highlight and whole.scene == view.scene
    html = html_export.standalone_html(
        real_catalog, select(real_catalog, ClaimFilter()), "S", view=whole
    )
    assert _framed(html)["bounds"] == real_catalog.index.map_bounds
    assert whole.key() != view.key()


def test_html_of_a_picked_day_says_it_over_the_map_too(real_catalog: Catalog) -> None:
    rewound = as_of(real_catalog, AS_OF_DAY)
    view = html_export.ExportView(as_of=AS_OF_DAY)
    html = html_export.standalone_html(rewound, select(rewound, ClaimFilter()), "Then", view=view)
    header = html[html.index('<header class="bm-export-head">') :]
    assert f'<span class="bm-export-asof">As of {AS_OF_DAY}</span>' in header
    assert map_text(as_of_banner(AS_OF_DAY)) in html


def test_the_scene_heading_is_escaped(real_catalog: Catalog) -> None:
    view = html_export.ExportView(scene=f"Scene {SCRIPT_PAYLOAD} {TEMPLATE_PAYLOAD}")
    html = html_export.standalone_html(
        real_catalog, select(real_catalog, ClaimFilter()), "S", view=view
    )
    assert SCRIPT_PAYLOAD not in html
    assert map_text(view.scene) in html


def _drawn_views(chromium: str, *htmls: str) -> list[tuple[list[float], int]]:
    """For each page: [south, west, north, east] its map shows once framed, and its rings drawn."""
    drawn = []
    with _offline_pages(chromium, list(htmls)) as pages:
        for page in pages:
            page.wait_for_function(png_export.FRAMED_JS, polling=50)
            shown = page.evaluate(
                """() => { const m = window[Object.keys(window).find((k) => k.startsWith("map_"))];
                    const b = m.getBounds();
                    return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"""
            )
            drawn.append((shown, page.locator("path.bm-highlight").count()))
    return drawn


@pytest.mark.browser
def test_the_south_scene_is_drawn_at_its_frame_in_chromium(
    real_catalog: Catalog, chromium: str
) -> None:
    scene, view = _scene_view(real_catalog, SOUTH)
    selection = select(real_catalog, scene.claim_filter)
    html = html_export.standalone_html(real_catalog, selection, "Syria", view=view)
    everything = html_export.standalone_html(real_catalog, selection, "Syria")
    (south, west), (north, east) = _framed(html)["bounds"]
    (shown, rings), (whole, no_rings) = _drawn_views(chromium, html, everything)
    assert (rings, no_rings) == (len(scene.highlight), 0)
    assert shown[0] <= south and shown[1] <= west and shown[2] >= north and shown[3] >= east
    assert not (shown[0] <= QAMISHLI[0] <= shown[2] and shown[1] <= QAMISHLI[1] <= shown[3])
    assert whole[0] <= QAMISHLI[0] <= whole[2] and whole[1] <= QAMISHLI[1] <= whole[3]

    # Closer in than the whole country: a zoom level or more (half the ground each way).
    def ground(b: list[float]) -> float:
        return (b[2] - b[0]) * (b[3] - b[1])

    assert ground(shown) < ground(whole) / 3
    # The PNG is drawn from that page: another view, another picture.
    assert _png_pixels(png_export.png_snapshot(html, chromium=chromium)) != _png_pixels(
        png_export.png_snapshot(everything, chromium=chromium)
    )


# ------------------------------------------------------------ GIS GeoJSON
# Issue 25, finding 6: the GeoJSON export opened in geopandas as places without
# status, actor or posture columns.

CLAIM_COLUMNS_FOR_GIS = (
    "id", "status", "posture", "actors", "claimant", "reported", "summary",
    "attribution", "sources", "as_of",
)  # fmt: skip


def _day(value: Any) -> Any:
    return value.date().isoformat() if hasattr(value, "date") else value


def _read(tmp_path: Path, name: str, text: str) -> Any:
    import geopandas

    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return geopandas.read_file(path)


@pytest.mark.parametrize("name", list(FILTERS))
def test_geopandas_reads_one_row_per_shown_claim(
    real_catalog: Catalog, tmp_path: Path, name: str
) -> None:
    selection = select(real_catalog, FILTERS[name])
    frame = _read(tmp_path, "claims.geojson", exports.claims_geojson(real_catalog, selection))
    assert set(CLAIM_COLUMNS_FOR_GIS) <= set(frame.columns)
    assert list(frame["id"]) == [c.id for c in selection.claims]
    for row, claim in zip(frame.itertuples(), selection.claims, strict=True):
        assert row.status == claim.status.value and row.posture == claim.posture.value
        assert row.actors == "; ".join(claim.actors)
        # GDAL reads a column of ISO days as dates.
        assert row.summary == claim.summary and _day(row.as_of) == real_catalog.as_of
        assert _day(row.reported) == claim.reported
        for sid in claim.sources:
            assert real_catalog.sources[sid].credit in row.sources
        shapes = [real_catalog.places[p].geometry for p in claim.places]
        assert row.geometry.equals(shapes[0] if len(shapes) == 1 else row.geometry)
        assert all(row.geometry.covers(shape) for shape in shapes)


def test_claims_of_several_places_have_a_geometry_gis_tools_read(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    selection = select(real_catalog, ClaimFilter())
    frame = _read(tmp_path, "claims.geojson", exports.claims_geojson(real_catalog, selection))
    types = dict(zip(frame["id"], frame.geometry.geom_type, strict=True))
    assert types["c03-khmeimim-access"] == "MultiPoint"  # two points
    assert types["c05-military-police-south"] == "MultiPolygon"  # three areas
    assert types["ctx-2025-israel-nine-sites"] == "GeometryCollection"  # a point and an area


def test_geopandas_reads_the_places_with_their_claims(
    real_catalog: Catalog, tmp_path: Path
) -> None:
    selection = select(real_catalog, FILTERS["israel"])
    frame = _read(tmp_path, "places.geojson", exports.places_geojson(real_catalog, selection))
    _claims, places, _sources = exports.exported_records(real_catalog, selection)
    assert list(frame["id"]) == [p.id for p in places]
    assert {"name_en", "name_ar", "name_ru", "kind", "precision", "claims"} <= set(frame.columns)
    for row in frame.itertuples():
        about = [c.id for c in selection.claims if row.id in c.places]
        assert row.claims == "; ".join(about)


def test_geopandas_reads_the_claims_of_a_generated_data_set(large: Catalog, tmp_path: Path) -> None:
    selection = select(large, ClaimFilter(statuses=frozenset({ClaimStatus.CONFIRMED})))
    assert 0 < len(selection.claims) < len(large.claims)
    frame = _read(tmp_path, "claims.geojson", exports.claims_geojson(large, selection))
    assert len(frame) == len(selection.claims)
    assert set(frame["status"]) == {ClaimStatus.CONFIRMED.value}
    assert set(CLAIM_COLUMNS_FOR_GIS) <= set(frame.columns)
    places = _read(tmp_path, "places.geojson", exports.places_geojson(large, selection))
    assert len(places) == len(exports.exported_records(large, selection)[1])


def test_claims_geojson_keeps_payloads_as_text(data_copy: Path, tmp_path: Path) -> None:
    catalog = _with_payloads(data_copy)
    frame = _read(
        tmp_path,
        "claims.geojson",
        exports.claims_geojson(catalog, select(catalog, ClaimFilter())),
    )
    assert any(SCRIPT_PAYLOAD in summary for summary in frame["summary"])
