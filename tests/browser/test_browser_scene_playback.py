"""A scene's time playback in presentation view, driven by a clicker's keys (issue 29).

The first Next on a scene that names a playback range plays the map's timeline
over it at its speed (scene-keys.js asks the map's frame, playback-frame.js);
the day advances, playback stops at the range's end and says the day to screen
readers; the next Next goes to the next scene. A click on Next does the same. The briefing is generated: the
shipped briefing's playback scene (its range cut to two years, for CI's time)
followed by the shipped first scene, on a server of its own.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage, expect, open_offline_file, serving, wait_for_query

from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
BRIEFING = "played"
TITLE = ".st-key-bm-present-head h4"
STATE = "() => window.__bmPlaybackState"
FROM, TO = "2024-01-01", "2026-01-26"
# The tape's places in the map's view, and those of them under the open
# timeline: a point, or any corner of an outline in view, inside its box.
IN_VIEW_JS = """() => {
    const map = Object.keys(window).filter((k) => k.startsWith("map_"))
        .map((k) => window[k]).find((m) => m && m.__bmPlayback);
    const t = map.__bmPlayback.tape(), size = map.getSize();
    const box = document.querySelector(".bm-playback:not(.bm-pb-closed)");
    const c = map.getContainer().getBoundingClientRect();
    const r = box && box.getBoundingClientRect();
    const seen = [], covered = [];
    t.p.forEach((id, p) => {
        const at = t.pt[p] ? [[t.py[p] / 1e5, t.px[p] / 1e5]]
            : (t.g[p] || []).flat().map((xy) => [xy[1], xy[0]]);
        let inView = false, under = false;
        at.forEach((ll) => {
            const xy = map.latLngToContainerPoint(ll);
            if (xy.x < 0 || xy.y < 0 || xy.x > size.x || xy.y > size.y) { return; }
            inView = true;
            const x = xy.x + c.left, y = xy.y + c.top;
            if (r && x >= r.left && x <= r.right && y >= r.top && y <= r.bottom) { under = true; }
        });
        if (inView) { seen.push(id); }
        if (under) { covered.push(id); }
    });
    return {seen: seen, covered: covered};
}"""


@pytest.fixture(scope="module")
def played_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    data = tmp_path_factory.mktemp("scene-playback") / "data"
    shutil.copytree(GEODATA, data)
    shipped = json.loads((GEODATA / "briefings" / "moscow-meeting.json").read_text("utf-8"))
    (playback_scene,) = [s for s in shipped["scenes"] if "playback" in s]
    playback_scene = {**playback_scene, "playback": {"from": FROM, "to": TO, "per_second": "year"}}
    briefing = {"id": BRIEFING, "title": "Played", "scenes": [playback_scene, shipped["scenes"][0]]}
    (data / "briefings" / f"{BRIEFING}.json").write_text(json.dumps(briefing), encoding="utf-8")
    with serving(tmp_path_factory, "scene-playback", data) as server:
        yield server


def _on_scene(app: BrowserPage, number: int) -> None:
    expect(app.main.locator(TITLE)).to_contain_text(f"{number}/2 ·")
    wait_for_query(app, {"briefing": BRIEFING, "scene": str(number)})
    app.settle()


def test_next_plays_the_scenes_range_then_goes_on(open_page: Any, played_server: AppServer) -> None:
    app: BrowserPage = open_page(played_server, viewport={"width": 1280, "height": 720})
    app.goto(f"/?briefing={BRIEFING}&scene=1&present=1")
    _on_scene(app, 1)
    frame = app.map_frame()
    frame.wait_for_function("() => !!window.__bmPlayer")
    assert frame.evaluate(STATE)["playing"] is False

    # The first Next (a clicker's PageDown) plays the scene's range: the timeline
    # opens, the day starts at the range's first and advances.
    app.page.keyboard.press("PageDown")
    frame.wait_for_function("() => window.__bmPlaybackState.playing", polling=20)
    started = frame.evaluate(STATE)["day"]
    assert FROM <= started < TO, started
    assert frame.locator(".bm-pb-toggle").get_attribute("aria-expanded") == "true"
    frame.wait_for_function(
        "(d) => window.__bmPlaybackState.day > d", arg=started, polling=20, timeout=10_000
    )
    # It stops at the range's end, and says the day to screen readers.
    frame.wait_for_function(
        f"() => !window.__bmPlaybackState.playing && window.__bmPlaybackState.day === {TO!r}",
        polling=50,
        timeout=20_000,
    )
    expect(frame.locator(".bm-pb-live")).to_contain_text("26 Jan 2026")
    expect(app.main.locator(TITLE)).to_contain_text("1/2 ·")

    # The timeline's own keys work in presentation view: in it, Home goes to the
    # first day and Space plays; the focus is drawn.
    cursor = frame.locator(".bm-pb-asof")
    cursor.focus()
    cursor.press("Home")
    assert frame.evaluate(STATE)["day"] < FROM
    cursor.press("Space")
    assert frame.evaluate(STATE)["playing"] is True
    cursor.press("Space")
    assert frame.evaluate(STATE)["playing"] is False
    outline = cursor.evaluate("(e) => getComputedStyle(e).outlineStyle")
    assert outline == "solid", outline

    # Back on the page, the next Next goes on to the next scene.
    app.main.locator(TITLE).click()
    app.page.keyboard.press("PageDown")
    _on_scene(app, 2)

    # Back to the scene, a click on Next does as the key does: it plays first.
    app.page.keyboard.press("PageUp")
    _on_scene(app, 1)
    frame = app.map_frame()
    frame.wait_for_function("() => !!window.__bmPlayer")
    next_button = app.main.locator(".st-key-bm-present-head").get_by_role("button", name="Next ▶")
    next_button.click()
    frame.wait_for_function(
        f"() => !window.__bmPlaybackState.playing && window.__bmPlaybackState.day === {TO!r}",
        polling=50,
        timeout=20_000,
    )
    expect(app.main.locator(TITLE)).to_contain_text("1/2 ·")
    next_button.click()
    _on_scene(app, 2)
    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == []


def test_the_offline_html_export_plays(browser: Any, tmp_path: Path) -> None:
    # The export carries today's tape and the playback scripts inlined as its
    # other scripts are: offline, its timeline steps a month and counts the claims
    # the server's "as of" that day shows.
    from browser_support import WAIT_MS

    from briefmap.data.loader import load_catalog
    from briefmap.drawing.html_export import ExportView, standalone_html
    from briefmap.drawing.playback import tape_json
    from briefmap.drawing.png_export import FRAMED_JS
    from briefmap.engine.query import ClaimFilter, select
    from briefmap.engine.timeline import date_span, shown_on

    catalog = load_catalog(GEODATA).catalog
    view = ExportView(tape=tape_json(catalog, ClaimFilter()))
    page_file = tmp_path / "export.html"
    exported = select(catalog, ClaimFilter())
    page_file.write_text(
        standalone_html(catalog, exported, "Played", view=view),
        encoding="utf-8",
    )
    context, page, errors = open_offline_file(
        browser, page_file, viewport={"width": 1280, "height": 800}
    )
    page.wait_for_function(FRAMED_JS, polling=50, timeout=WAIT_MS)
    # Opened, the timeline hides none of the places the map showed (at a
    # desk's size and a phone's): those under it are framed again above it.
    for width, height in [(390, 844), (1280, 720)]:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function(FRAMED_JS, polling=50, timeout=WAIT_MS)
        shown = page.evaluate(IN_VIEW_JS)["seen"]
        page.locator(".bm-pb-toggle").click()
        page.wait_for_function(FRAMED_JS, polling=50, timeout=WAIT_MS)
        opened = page.evaluate(IN_VIEW_JS)
        assert opened["covered"] == [] and set(shown) <= set(opened["seen"]), (width, opened)
        page.locator(".bm-pb-toggle").click()
    page.locator(".bm-pb-toggle").click()
    cursor = page.locator(".bm-pb-asof")
    assert cursor.evaluate("(e) => document.activeElement === e")
    # Each slider says which it is, at the briefing's reading size, and keeps its name.
    for slider, name in [("As of", "Day shown"), ("What changed since", "Changed since")]:
        named = page.get_by_role("slider", name=slider, exact=True)
        text, size = named.evaluate(
            "(e) => { const l = e.closest('label'), n = l && l.querySelector('.bm-pb-name');"
            " return n ? [n.innerText.trim(), parseFloat(getComputedStyle(n).fontSize)] : [null, 0]; }"
        )
        assert (text, size >= 16) == (name, True), (slider, text, size)
    first, _ = date_span(catalog)
    cursor.press("Home")
    assert page.evaluate(STATE)["day"] == first
    cursor.press("ArrowRight")  # a month
    state = page.evaluate(STATE)
    assert state["day"][:7] > first[:7], state
    _, selection, _ = shown_on(catalog, ClaimFilter(), state["day"], None)
    assert (state["shown"], state["total"]) == (len(selection.claims), selection.total_claims)
    # The export's header names the day played and its count, not the export's own.
    head = page.locator(".bm-export-head")
    expect(head.locator(".bm-export-asof")).to_have_text(f"As of {state['day']}")
    expect(head.locator(".bm-export-count").first).to_have_text(
        f"Showing {state['shown']} of {state['total']} claims"
    )
    cursor.press("Space")
    page.wait_for_function("(d) => window.__bmPlaybackState.day > d", arg=state["day"], polling=20)
    cursor.press("Space")
    cursor.press("End")  # the export's own day: its own header again
    expect(head.locator(".bm-export-asof")).to_have_text(f"As of {catalog.as_of}")
    expect(head.locator(".bm-export-count").first).to_have_text(exported.summary_line)
    context.close()
    assert errors == []


def test_playback_saved_as_an_animation(browser: Any) -> None:
    # The offline export's frames from Chromium, as an animated WebP: the first
    # day's map and the last day's differ (claims reported since, one ended).
    import io

    from PIL import Image, ImageChops

    from briefmap.data.loader import load_catalog
    from briefmap.drawing.animation import animated_webp, frame_days, playback_frames
    from briefmap.drawing.html_export import ExportView, standalone_html
    from briefmap.drawing.playback import tape_json
    from briefmap.engine.query import ClaimFilter, select

    catalog = load_catalog(GEODATA).catalog
    view = ExportView(tape=tape_json(catalog, ClaimFilter()))
    html = standalone_html(catalog, select(catalog, ClaimFilter()), "Played", view=view)
    days = frame_days("2018-08-02", "2026-01-26", 3)
    shots = playback_frames(html, days, width=480, height=480, browser=browser)
    assert [state["day"] for _, state in shots] == days
    assert shots[0][1]["shown"] < shots[-1][1]["shown"]
    animation = Image.open(io.BytesIO(animated_webp([shot for shot, _ in shots])))
    assert animation.format == "WEBP" and animation.is_animated
    first = animation.convert("RGB")
    animation.seek(animation.n_frames - 1)
    assert ImageChops.difference(first, animation.convert("RGB")).getbbox() is not None
