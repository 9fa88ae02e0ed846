"""Time playback in Chromium: the shipped data played from its first day to its last.

The frame draws each day itself (``briefmap/drawing/web/playback-frame.js``).
On three days its count and the styles it gives the shipped places must be
the server's "as of" for that day, with either renderer; the timeline answers
the keyboard (Space, arrows, Home, End) with visible focus and says the day to
screen readers. The pages are bench/browser.py's offline pages (the
component's work, no Streamlit), one per renderer for the module; the app's
part (the day playback rests on reaches the sidebar and the link) is the last
test, on the app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage, offline_bench_page, wait_for_query

from bench.browser import page_html
from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing import bulk, mapping
from briefmap.drawing.canvas_payload import style_entry
from briefmap.drawing.playback import tape_json
from briefmap.engine.query import ClaimFilter
from briefmap.engine.timeline import as_of_banner, date_span, shown_on

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
STATE = "() => window.__bmPlaybackState"
PLAYER = "window.map.__bmPlayback"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(GEODATA).catalog


@pytest.fixture(scope="module", params=["markers", "canvas"])
def played(
    request: pytest.FixtureRequest,
    catalog: Catalog,
    browser: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Any]:
    claim_filter = ClaimFilter()
    selection = catalog.index.select(claim_filter)
    extras = mapping.MapExtras(tape=tape_json(catalog, claim_filter))
    build = mapping.build_layers if request.param == "markers" else bulk.build_bulk_layers
    page_file = tmp_path_factory.mktemp("playback") / f"{request.param}.html"
    page_file.write_text(page_html(catalog, build(catalog, selection, extras)), encoding="utf-8")
    with offline_bench_page(browser, page_file) as page:
        yield page


def _server(catalog: Catalog, day: str) -> tuple[int, int, dict[str, list[list[Any]]]]:
    """The server's "as of" ``day``: claims shown, claims reported, each place's styles by layer."""
    shown, selection, _ = shown_on(catalog, ClaimFilter(), day, None)
    index = shown.index
    plan = index.plan(selection)
    styles: dict[str, list[list[Any]]] = {}
    for layer, place, lead in zip(
        plan.layer.tolist(), plan.place.tolist(), plan.lead.tolist(), strict=True
    ):
        claim, where = index.claims.ordered[lead], catalog.places[index.places.ids[place]]
        colour = catalog.meta.actor(claim.actors[0]).colour
        entry = style_entry(colour, claim.status, claim.posture, where.is_point)
        styles.setdefault(where.id, []).append([layer, *entry])
    return len(selection.claims), selection.total_claims, styles


def test_plays_first_to_last_day_and_each_checked_day_is_the_servers(
    played: Any, catalog: Catalog
) -> None:
    first, last = date_span(catalog)
    last = max(last, catalog.as_of or last)
    # Eight years in about two seconds: every frame drawn in the browser.
    played.evaluate(
        f"() => {{ {PLAYER}.speed(1500); {PLAYER}.show({first!r}); {PLAYER}.start(); }}"
    )
    assert played.evaluate(STATE)["playing"] is True
    played.wait_for_function(
        f"() => !window.__bmPlaybackState.playing && window.__bmPlaybackState.day === {last!r}",
        timeout=30_000,
        polling=50,
    )
    stats = played.evaluate("() => window.__bmPlaybackStats")
    assert stats["frames"] > 20, stats
    for day in (first, "2024-12-08", last):
        played.evaluate(f"() => {PLAYER}.show({day!r})")
        state = played.evaluate(STATE)
        shown, total, styles = _server(catalog, day)
        assert (state["day"], state["shown"], state["total"]) == (day, shown, total)
        for place_id in catalog.places:
            drawn = played.evaluate(f"(p) => {PLAYER}.stylesAt(p)", place_id)
            assert sorted(drawn) == sorted(styles.get(place_id, [])), (day, place_id)
    # Off the server's day (today here) its layers are hidden under the frame's drawing.
    played.evaluate(f"() => {PLAYER}.show({first!r})")
    assert played.evaluate("() => document.querySelector('.bm-playing') !== null")
    played.evaluate(f"() => {PLAYER}.show({last!r})")
    assert played.evaluate("() => document.querySelector('.bm-playing') === null")


# Shows each day after the one before (a step: only what changed is drawn again),
# then draws the whole frame afresh (a view change does) and compares the pixels.
STEPS_DRAW_THE_WHOLE_FRAME = """([days]) => {
  const S = window.map.__bmPlayback, stats = window.__bmPlaybackStats;
  const c = document.querySelectorAll('.bm-pb-canvas');
  const top = c[c.length - 1], g = top.getContext('2d');
  const pixels = () => g.getImageData(0, 0, top.width, top.height).data;
  const partial0 = stats.partial || 0, differ = [];
  let inked = 0;
  for (const day of days) {
    S.show(day);
    const stepped = pixels();
    window.map.fire('moveend');
    const whole = pixels();
    // Ink per pixel, premultiplied (a faint pixel's colour is noise): a path
    // drawn with other circles in it may round its edges a level or two apart.
    let n = 0;
    for (let i = 0; i < whole.length; i += 4) {
      let d = Math.abs(whole[i + 3] - stepped[i + 3]);
      for (let k = 0; k < 3; k++) {
        d = Math.max(d, Math.abs(whole[i + k] * whole[i + 3] - stepped[i + k] * stepped[i + 3]) / 255);
      }
      if (d > 24) { n++; }
    }
    if (n) { differ.push([day, n]); }
    for (let i = 3; i < whole.length; i += 4) { if (whole[i]) { inked++; break; } }
  }
  return {differ, partial: (stats.partial || 0) - partial0, inked};
}"""


def test_a_step_redraws_only_what_changed_and_draws_the_whole_frames_pixels(
    played: Any, catalog: Catalog
) -> None:
    first, last = date_span(catalog)
    # Every 30th day, then back and forth around a day the shipped data changes.
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    days = [(start + dt.timedelta(days=d)).isoformat() for d in range(0, (end - start).days, 30)]
    days += ["2024-12-08", "2024-12-07", "2024-12-01", "2024-11-20", "2024-12-08"]
    played.evaluate(f"() => {PLAYER}.show({first!r})")
    res = played.evaluate(STEPS_DRAW_THE_WHOLE_FRAME, [days])
    assert res["partial"] > len(days) // 2, res
    assert res["inked"] > len(days) // 2, res
    assert res["differ"] == [], res


def test_the_keyboard_drives_the_timeline_with_visible_focus(played: Any, catalog: Catalog) -> None:
    first, last = date_span(catalog)
    last = max(last, catalog.as_of or last)
    # Closed at first (a button in the corner); opened, the cursor has the focus.
    toggle = played.locator(".bm-pb-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    cursor = played.locator(".bm-pb-asof")
    assert cursor.evaluate("(e) => document.activeElement === e")
    played.keyboard.press("End")
    assert played.evaluate(STATE)["day"] == last
    played.keyboard.press("ArrowLeft")  # a month, the step's default unit
    stepped = played.evaluate(STATE)["day"]
    assert stepped < last and stepped[:7] != last[:7]
    live = played.locator(".bm-pb-live")
    assert live.get_attribute("aria-live") == "polite"
    assert stepped[:4] in live.inner_text()
    played.keyboard.press("Home")
    assert played.evaluate(STATE)["day"] == first
    played.keyboard.press("Space")
    assert played.evaluate(STATE)["playing"] is True
    played.keyboard.press("Space")
    assert played.evaluate(STATE)["playing"] is False
    # Focus is shown: the focused control draws an outline of its own.
    outline = cursor.evaluate(
        "(e) => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth"
    )
    assert outline.startswith("solid") and not outline.endswith(" 0px"), outline


def test_a_rest_of_playback_becomes_the_apps_as_of_day_and_the_links(app: BrowserPage) -> None:
    app.goto("/")
    frame = app.map()
    frame.locator(".bm-pb-toggle").click()
    step_back = frame.locator(".bm-pb-back")
    step_back.click()
    day = app.map_frame().evaluate(STATE)["day"]
    wait_for_query(app, has={"asof": day})
    app.wait_idle()
    # The sidebar's field and the map's banner agree with the frame.
    assert app.sidebar.get_by_role("textbox", name="As of").input_value() == day
    frame.locator(".bm-asof-banner").filter(has_text=as_of_banner(day)).wait_for()
    # The server drew that day: its layers show again, the frame's drawing is put away.
    frame.locator(".leaflet-container:not(.bm-playing)").wait_for()
    assert app.page_errors == []


@pytest.fixture(scope="module")
def crowded(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A canvas map of 3,000 generated claims: at a country's zoom, crowded areas."""
    folder = tmp_path_factory.mktemp("crowded")
    catalog = load_catalog(generate(folder / "data", 3000).path).catalog
    claim_filter = ClaimFilter()
    extras = mapping.MapExtras(tape=tape_json(catalog, claim_filter))
    layers = bulk.build_bulk_layers(catalog, catalog.index.select(claim_filter), extras)
    (folder / "canvas.html").write_text(page_html(catalog, layers), encoding="utf-8")
    with offline_bench_page(browser, folder / "canvas.html") as page:
        page.catalog = catalog
        yield page


# The frame's boxes on the cursor's day, and the canvas's own at rest (canvas.js
# bins its points per zoom), each as [total, points, claims, x, y] in the zoom's pixels.
BOXES = """() => {
  const map = window.map, row = (b) => [b.total, b.points, Array.from(b.claims), b.x, b.y];
  return {frame: map.__bmPlayback.boxes().map(row),
    rest: map.__briefmapPoints._aggregates(map.getZoom()).boxes.map(row)};
}"""


def test_a_frame_draws_the_crowded_areas_the_canvas_draws_at_rest(crowded: Any) -> None:
    catalog = crowded.catalog
    last = max(date_span(catalog)[1], catalog.as_of or "")
    crowded.evaluate(f"() => {PLAYER}.show({last!r})")  # the day the server drew
    res = crowded.evaluate(BOXES)
    assert len(res["rest"]) > 3, res
    frame, rest = sorted(res["frame"]), sorted(res["rest"])
    assert [b[:3] for b in frame] == [b[:3] for b in rest]
    # Placed alike (the tape's coordinates and the payload's are rounded apart).
    for got, want in zip(frame, rest, strict=True):
        assert abs(got[3] - want[3]) < 0.5 and abs(got[4] - want[4]) < 0.5, (got, want)
    # Off the server's day the frame draws them itself: each box's white, opaque,
    # inside its border on the frame's canvas.
    first, end = (dt.date.fromisoformat(d) for d in date_span(catalog))
    crowded.evaluate(f"() => {PLAYER}.show({(first + (end - first) / 2).isoformat()!r})")
    assert crowded.evaluate(STATE)["active"] is True
    white, boxes = crowded.evaluate(WHITE_BOXES)
    assert boxes > 3 and white == boxes, (white, boxes)


WHITE_BOXES = """() => {
  const map = window.map, o = map.getPixelBounds().min, AG = window.__briefmapAggregate;
  const c = document.querySelectorAll('.bm-pb-canvas'), top = c[c.length - 1];
  const g = top.getContext('2d'), boxes = map.__bmPlayback.boxes();
  let white = 0, inView = 0;
  boxes.forEach((b) => {
    const x = Math.round(b.x - o.x - AG.BOX_W / 2) + 2, y = Math.round(b.y - o.y - AG.BOX_H / 2) + 2;
    if (x < 0 || y < 0 || x >= top.width || y >= top.height) { return; }
    inView++;
    if (g.getImageData(x, y, 1, 1).data.every((v) => v === 255)) { white++; }
  });
  return [white, inView];
}"""
