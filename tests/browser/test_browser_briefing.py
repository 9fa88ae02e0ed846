"""Briefing mode in a real browser: shared links, scene URLs, presentation view, junk links.

A link is only worth sharing if a *fresh* browser (another context, so another
Streamlit session with no state of its own) opening it sees what the sender saw.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import (
    MAP_IFRAME,
    BrowserPage,
    expect,
    expected_for,
    layer_control_names,
    path_and_query,
    query_of,
    wait_for_query,
)

from briefmap.data.loader import load_catalog
from briefmap.drawing.mapping import Layer, plan_features
from briefmap.drawing.plan import one_per_place
from briefmap.engine.briefings import load_briefings
from briefmap.engine.query import ClaimFilter, select
from briefmap.engine.timeline import as_of
from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
BRIEFING = "moscow-meeting"
PRESENT_VIEWPORT = {"width": 1280, "height": 720}
# The smallest type presentation view shows, in CSS pixels at PRESENT_VIEWPORT.
READABLE_PX = 16
# The smallest computed font size of the text in an element and its descendants.
SMALLEST_TEXT_JS = """root => Math.min(...[root, ...root.querySelectorAll("*")]
    .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
    .map(e => parseFloat(getComputedStyle(e).fontSize)))"""


def _scene_line(app: BrowserPage, number: int, total: int) -> object:
    """The markdown line "<briefing> · scene N of M: <title>" above the map."""
    return app.main.locator('[data-testid="stMarkdownContainer"]').filter(
        has_text=f"scene {number} of {total}:"
    )


def _assert_view(view: dict[str, float], wanted: dict[str, float]) -> None:
    """The map shows ``wanted``'s zoom, and its centre to a pixel or two.

    Leaflet snaps the centre to whole pixels, which at zoom 7 is about 0.01 degrees.
    """
    zoom = int(wanted["zoom"])
    assert view["zoom"] == zoom, (view, wanted)
    tolerance = max(1e-3, 2 * 360 / (256 * 2**zoom))
    assert view["lat"] == pytest.approx(wanted["lat"], abs=tolerance), (view, wanted)
    assert view["lng"] == pytest.approx(wanted["lng"], abs=tolerance), (view, wanted)


def _area_of(app: BrowserPage) -> list[float]:
    """The ground the map shows: south, west, north, east."""
    return app.map_frame().evaluate(
        "() => { const b = map.getBounds(); return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }"
    )


def _copied_link(app: BrowserPage) -> str:
    """The URL shown in the "Copy link" popover."""
    app.main.get_by_role("button", name="Copy link").click()
    code = app.page.locator(".bm-copy-link-url")
    expect(code).to_be_visible()
    text = (code.inner_text() or "").strip()
    app.page.keyboard.press("Escape")
    expect(code).to_have_count(0)
    return text


# ------------------------------------------------------------------ 1. link round trip


def test_copied_link_reproduces_filters_view_and_place_in_a_fresh_browser(
    open_page, app_server: AppServer
) -> None:
    everything = expected_for(GEODATA)
    searched = expected_for(GEODATA, ClaimFilter(search="Hermon"))
    wanted = ClaimFilter(actors=frozenset({"israel"}), search="Hermon")
    narrowed = expected_for(GEODATA, wanted)
    # The search finds the place by name and the claims that name it by their text,
    # each with its places: Mount Hermon among them.
    place_id = "mount_hermon"
    assert place_id in narrowed.selection.place_ids, narrowed.selection.place_ids
    place = narrowed.catalog.places[place_id]
    assert narrowed.summary_line != everything.summary_line

    sender: BrowserPage = open_page(app_server)
    sender.goto("/")
    sender.wait_features(everything.features)
    search = sender.sidebar.get_by_role("textbox", name="Search places")
    search.fill("Hermon")
    search.press("Enter")
    sender.expect_summary(searched.summary_line)
    sender.keep_only("Actor", "Israel")
    sender.expect_summary(narrowed.summary_line)
    sender.wait_features(narrowed.features)
    sender.wait_idle()

    # Zoom and pan well away from the app's own fit, then pick the place for the claim card.
    sender.focus_on(place.geometry.y, place.geometry.x, zoom=11)
    view = sender.view()
    card = sender.claim_card()
    card.get_by_role("combobox", name="Claim card").click()
    sender.page.get_by_role("option", name=place.name_en, exact=True).click()
    expect(card.locator("h2").filter(has_text=place.name_en)).to_be_visible()
    sender.wait_idle()
    link = wait_for_query(
        sender,
        {"actor": "israel", "q": "Hermon", "place": place_id, "area": None},
        lacks=("lat", "lng", "z"),
    )
    # The link says what ground the sender's map shows (to 4 decimals, rounded inwards).
    shown = _area_of(sender)
    area = [float(v) for v in link["area"].split(",")]
    assert area == pytest.approx(shown, abs=1.5e-4), (area, shown)
    url = sender.page.url
    assert query_of(url) == link
    # The "Copy link" control offers the same link.
    assert query_of(_copied_link(sender)) == link
    drawn = sender.count_in_map(".bm-feature")
    assert drawn == narrowed.features

    # Another browser context: another session, nothing shared but the URL.
    receiver: BrowserPage = open_page(app_server)
    receiver.goto(path_and_query(url))
    receiver.expect_summary(narrowed.summary_line)
    receiver.wait_features(drawn)
    _assert_view(receiver.wait_view_settled(), view)  # the same screen: the same view
    card = receiver.claim_card()
    expect(card.locator("h2").filter(has_text=place.name_en)).to_be_visible()
    expect(card.get_by_role("combobox", name="Claim card")).to_have_value(place.name_en)
    tags = receiver.multiselect("Actor").locator("[data-tag]")
    expect(tags).to_have_count(1)
    expect(tags.first).to_have_attribute("aria-label", "Israel")
    expect(receiver.sidebar.get_by_role("textbox", name="Search places")).to_have_value("Hermon")
    expect(receiver.exceptions()).to_have_count(0)
    assert receiver.page_errors == [] and sender.page_errors == []


# ------------------------------------------------------------------ 2. scene URLs


def test_every_scene_has_a_url_that_reopens_it(open_page, app_server: AppServer) -> None:
    loaded = load_catalog(GEODATA)
    briefings, issues = load_briefings(GEODATA, loaded.catalog)
    assert issues == []
    briefing = briefings[BRIEFING]
    total = len(briefing.scenes)
    assert total >= 3, "the briefing needs a third scene (the 'as of' one) for this test"
    expected = []
    for scene in briefing.scenes:
        shown = as_of(loaded.catalog, scene.as_of)
        selection = select(shown, scene.claim_filter)
        expected.append((selection, len(one_per_place(plan_features(shown, selection)))))
    first_total = expected[0][0].total_claims
    # Scene 3 is the picture as known on the day of the meeting: fewer claims existed.
    assert briefing.scenes[2].as_of and expected[2][0].total_claims < first_total

    def check(app: BrowserPage, number: int) -> None:
        scene = briefing.scenes[number - 1]
        selection, features = expected[number - 1]
        line = _scene_line(app, number, total)
        expect(line).to_have_count(1)
        expect(line).to_contain_text(scene.title)
        expect(line).to_contain_text(briefing.title)
        app.expect_summary(selection.summary_line)
        app.wait_features(features)
        app.wait_features(len(scene.highlight), ".bm-highlight")
        expect(app.main.get_by_text(scene.talking_points[0], exact=True)).to_be_visible()

    presenter: BrowserPage = open_page(app_server)
    presenter.goto(f"/?briefing={BRIEFING}&scene=1")
    urls, views = [], []
    for number in range(1, total + 1):
        wait_for_query(presenter, {"briefing": BRIEFING, "scene": str(number)})
        check(presenter, number)
        # Let the map arrive at the scene's view and report it before moving on:
        # a report still in flight when Next is clicked races the click's rerun.
        views.append(presenter.wait_view_settled())
        presenter.wait_idle()
        urls.append(presenter.page.url)
        # The scene frames its places itself: its link names the scene, not a view.
        assert not {"area", "lat", "lng", "z"} & set(query_of(urls[-1])), urls[-1]
        next_button = presenter.main.get_by_role("button", name="Next ▶")
        if number < total:
            next_button.click()
        elif briefing.scenes[-1].playback is None:
            expect(next_button).to_be_disabled()
        else:  # a last scene that plays its range keeps Next, to play it
            expect(next_button).to_be_enabled()
    assert len(set(urls)) == total, urls

    # Each scene's URL, opened fresh (all at once: the server runs the sessions side by side).
    fresh = [open_page(app_server) for _ in urls]
    for app, url in zip(fresh, urls, strict=True):
        app.page.goto(url, wait_until="commit")
    for number, app in enumerate(fresh, start=1):
        # Looked at one at a time, as a briefer would: the pages are tabs of one
        # browser, and a tab in the background draws nothing until it is shown.
        app.page.bring_to_front()
        app.wait_idle()
        check(app, number)
        _assert_view(app.wait_view_settled(), views[number - 1])
        assert query_of(app.page.url)["scene"] == str(number)
        expect(app.exceptions()).to_have_count(0)
    assert presenter.page_errors == []


# ------------------------------------------------------------------ 3. presentation view


def test_presentation_view_fits_a_1280x720_screen(open_page, app_server: AppServer) -> None:
    expected = expected_for(GEODATA)
    app: BrowserPage = open_page(app_server, viewport=PRESENT_VIEWPORT)
    app.goto("/?present=1")
    app.wait_features(expected.features)
    expect(app.sidebar).to_be_hidden()

    box = app.page.locator(MAP_IFRAME).bounding_box()
    assert box is not None
    assert box["y"] < 200, f"the map starts {box['y']:.0f} px down the screen"
    bottom = box["y"] + box["height"]
    assert bottom <= PRESENT_VIEWPORT["height"], f"the map ends at {bottom:.0f} px, off the screen"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PRESENT_VIEWPORT["width"]

    frame = app.map()
    element = frame.locator(".bm-footnote")
    expect(element).to_be_visible()
    inner = element.bounding_box()
    assert inner is not None
    # On the screen, inside the map: nothing to scroll to during a call.
    assert box["y"] <= inner["y"] and inner["y"] + inner["height"] <= bottom
    assert box["x"] <= inner["x"] and inner["x"] + inner["width"] <= box["x"] + box["width"]
    # The key is a strip on the page under the map (test_browser_layout.py), not on it.
    expect(frame.locator(".bm-legend")).to_have_count(0)
    key = app.main.locator(".bm-keystrip")
    expect(key).to_be_visible()
    strip = key.bounding_box()
    assert strip is not None
    assert bottom <= strip["y"] and strip["y"] + strip["height"] <= PRESENT_VIEWPORT["height"]
    expect(frame.locator(".bm-footnote")).to_contain_text("Data as of")
    as_of_day = expected.catalog.as_of
    assert as_of_day, "the data states no 'as of' date"
    expect(frame.locator(".bm-footnote")).to_contain_text(as_of_day)
    # Readable over a call (issue 25, finding 5): the key and the footnote were 11-13 px.
    for where, text in [("the key under the map", key), ("the footnote", element)]:
        smallest = text.evaluate(SMALLEST_TEXT_JS)
        assert smallest >= READABLE_PX, f"{where} has text of {smallest} px"
    wait_for_query(app, {"present": "1"})

    # After the map's last view report: a click during that rerun can be lost
    # (Streamlit resets a button's trigger when a newer rerun overtakes it).
    app.settle()
    app.main.get_by_role("button", name="Exit").click()
    expect(app.sidebar).to_be_visible()
    expect(app.sidebar.get_by_role("switch", name="Presentation view")).not_to_be_checked()
    wait_for_query(app, lacks=("present",))
    app.wait_idle()
    app.wait_features(expected.features)
    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == []


# ------------------------------------------------------------------ 4. junk parameters


def test_junk_link_parameters_get_a_notice_and_the_map_still_draws(
    open_page, app_server: AppServer
) -> None:
    app: BrowserPage = open_page(app_server)
    app.goto("/?actor=martians&z=banana&utm_source=x")
    frame = app.map()  # raises with the app's traceback if Streamlit shows an exception
    expect(app.exceptions()).to_have_count(0)
    notice = app.main.locator('[data-testid="stAlert"]').filter(has_text="could not be used")
    expect(notice).to_be_visible()
    for fragment in ("martians", "banana", "utm_source"):
        expect(notice).to_contain_text(fragment)
    # The map is there, with its base layer and every claim layer in its control.
    expect(frame.locator(".leaflet-tile-pane")).to_have_count(1)
    names = layer_control_names(app)
    assert all(layer.value in names for layer in Layer), names
    expect(app.summary()).to_be_visible()
    # The unknown parameter is not carried into the link the app writes back.
    # Nor the ignored zoom: nobody moved the map, so the link has no view.
    wait_for_query(app, {}, lacks=("utm_source", "z", "area"))
    assert app.page_errors == []


# ------------------------------------------------------- fixed bugs, kept as regression tests


def test_link_with_only_unknown_actors_shows_every_actor(open_page, app_server: AppServer) -> None:
    everything = expected_for(GEODATA)
    app: BrowserPage = open_page(app_server)
    app.goto("/?actor=martians")
    app.map()
    expect(app.summary()).to_have_text(everything.summary_line, timeout=1_500)
    wait_for_query(app, {}, lacks=("actor",), timeout_ms=2_000)


def test_link_follows_the_map_view_and_a_clicked_place(open_page, app_server: AppServer) -> None:
    expected = expected_for(GEODATA)
    place = expected.catalog.places["khmeimim_air_base"]
    app: BrowserPage = open_page(app_server)
    app.goto("/")
    app.wait_features(expected.features)
    app.focus_on(place.geometry.y, place.geometry.x, zoom=10)
    link = wait_for_query(app, {"area": None}, lacks=("z",), timeout_ms=2_000)
    south, west, north, east = (float(v) for v in link["area"].split(","))
    assert south < place.geometry.y < north and west < place.geometry.x < east
    app.topmost_marker(place.name_en).click()
    expect(app.claim_card().locator("h2").filter(has_text=place.name_en)).to_be_visible()
    wait_for_query(app, {"place": place.id}, timeout_ms=2_000)


# ------------------------------------------------------------------ 5. a clicker's keys


def _presented_scene(app: BrowserPage, number: int, total: int) -> None:
    """Presentation view's heading row shows scene ``number`` of ``total``, and the app is idle."""
    expect(app.main.locator(".st-key-bm-present-head h4")).to_contain_text(f"{number}/{total} ·")
    wait_for_query(app, {"briefing": BRIEFING, "scene": str(number)})
    # After the map's last view report: a key pressed during that rerun can be
    # lost as a click can (Streamlit resets a button's trigger on a newer rerun).
    app.settle()


def test_a_clickers_keys_step_through_the_scenes(open_page, app_server: AppServer) -> None:
    briefings, _ = load_briefings(GEODATA, load_catalog(GEODATA).catalog)
    total = len(briefings[BRIEFING].scenes)
    assert total >= 4, "the briefing needs four scenes for this test"
    app: BrowserPage = open_page(app_server, viewport=PRESENT_VIEWPORT)
    app.goto(f"/?briefing={BRIEFING}&scene=1&present=1")
    _presented_scene(app, 1, total)

    # What remotes send: forward as PageDown, Space or Right; back as PageUp or Left.
    for key, number in [
        ("PageDown", 2),
        ("Space", 3),
        ("ArrowRight", 4),
        ("PageUp", 3),
        ("ArrowLeft", 2),
    ]:
        app.page.keyboard.press(key)
        _presented_scene(app, number, total)

    # Typed into a form control (the claim card's box), the same keys stay there.
    box = app.main.get_by_role("combobox", name="Claim card")
    box.click()
    for key in ["PageDown", "Space", "ArrowRight", "ArrowDown", "PageUp", "ArrowLeft"]:
        box.press(key)
    box.press_sequentially("Tartus")
    box.press("Escape")
    app.wait_idle()
    expect(app.main.locator(".st-key-bm-present-head h4")).to_contain_text(f"2/{total} ·")
    # Out of the box, one PageDown moves one scene: none of the keys above was kept for later.
    app.main.locator(".st-key-bm-present-head h4").click()
    app.page.keyboard.press("PageDown")
    _presented_scene(app, 3, total)

    # Inside the map, the arrow keys pan it (Leaflet's keyboard) and leave the scene.
    view = app.view()
    app.map_frame().evaluate("() => map.getContainer().focus()")
    app.page.keyboard.press("ArrowRight")
    app.map_frame().wait_for_function("lng => map.getCenter().lng > lng", arg=view["lng"])
    app.wait_idle()
    expect(app.main.locator(".st-key-bm-present-head h4")).to_contain_text(f"3/{total} ·")
    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == []
