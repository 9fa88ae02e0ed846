"""The sidebar: compact filters keep the time controls in view at 1080p; a typed day applies on Enter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from browser_support import BrowserPage, expect

from briefmap.app import sidebar
from briefmap.app.streamlit_internals import SIDEBAR_LAID_OUT
from briefmap.screenshots import MAP_FRAME_URL_PART

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}
SHARED_SCREEN = {"width": 1280, "height": 720}
DAY_FIELDS = ("As of", "What changed since")


def test_time_controls_are_in_view_at_1080p(open_page: Any, app_server: Any) -> None:
    app: BrowserPage = open_page(app_server, viewport=FULL_HD)
    app.goto("/")
    app.map()
    app.settle()
    # Empty means all: no chips until the user narrows a filter.
    for label, placeholder in (
        ("Actor", "All actors"),
        ("Claim status", "All statuses"),
        ("Place kind", "All kinds of place"),
    ):
        widget = app.multiselect(label)
        expect(widget.locator("[data-tag]")).to_have_count(0)
        shown = widget.evaluate(
            "el => el.innerText + ' ' + [...el.querySelectorAll('input')].map(i => i.placeholder).join(' ')"
        )
        assert placeholder in shown, (label, shown)
    scrolled = app.sidebar.evaluate(
        """el => [...el.querySelectorAll('*')].reduce((top, e) => Math.max(top, e.scrollTop), 0)"""
    )
    assert scrolled == 0, "the sidebar was scrolled"
    for name in DAY_FIELDS:
        field = app.sidebar.get_by_role("textbox", name=name, exact=True)
        expect(field).to_be_visible()
        box = field.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= FULL_HD["height"], (name, box)


def _focused_label(app: BrowserPage) -> str | None:
    return app.page.evaluate("() => document.activeElement.getAttribute('aria-label')")


# In the page around the map: when the map's frame and the sidebar's first
# widget came.
ARRIVALS_JS = """
() => {
  if (window.parent !== window) return;
  const arrived = window.__bmArrived = {};
  const look = () => {
    const now = performance.now();
    if (arrived.map === undefined && document.querySelector(MAP_FRAME)) arrived.map = now;
    if (arrived.sidebar === undefined && document.querySelector(SIDEBAR)) arrived.sidebar = now;
    if (arrived.sidebar === undefined) setTimeout(look, 5);
  };
  look();
}
"""


@pytest.fixture(scope="module")
def first_visit(open_module_page: Any, app_server: Any) -> BrowserPage:
    """The Map page at the shared screen's size, its arrivals recorded (ARRIVALS_JS).

    One load for the tests below: first the two that read it as loaded, then the
    one that changes the filters.
    """
    app: BrowserPage = open_module_page(app_server, viewport=SHARED_SCREEN)
    frame = f'iframe[src*="{MAP_FRAME_URL_PART}"]'
    script = ARRIVALS_JS.replace("MAP_FRAME", json.dumps(frame))
    script = script.replace("SIDEBAR", json.dumps(SIDEBAR_LAID_OUT))
    app.page.add_init_script(f"({script})()")
    app.goto("/")  # returns once the sidebar is laid out and the run has ended
    return app


def test_a_first_visit_gets_the_map_then_the_sidebar_in_one_run(first_visit: BrowserPage) -> None:
    # A session's first run lays out the page, then the sidebar at its end
    # (view.sidebar_first): the browser asks for the map's code and frame
    # before the code of the sidebar's widgets. One run, no waiting on the map.
    app = first_visit
    app.map()
    arrived = app.page.evaluate("() => window.__bmArrived")
    assert arrived["map"] <= arrived["sidebar"], arrived
    expect(app.multiselect("Actor")).to_be_visible()
    # One run (a server's first session has one more, cut short before drawing: BrowserPage.goto).
    assert app.script_runs() - app.runs_cut_short() == 1
    assert "area=" not in app.page.url and "place=" not in app.page.url


def test_with_no_briefing_chosen_the_briefing_box_says_so(first_visit: BrowserPage) -> None:
    # Streamlit shows a None value as the box's placeholder ("Choose an
    # option" by default), not as the option that stands for it.
    app = first_visit
    briefing = app.sidebar.get_by_role("combobox", name="Briefing")
    expect(briefing).to_have_attribute("placeholder", sidebar.NO_BRIEFING)
    expect(briefing).to_have_value("")


def test_a_typed_day_applies_on_enter_without_leaving_the_field(
    first_visit: BrowserPage,
) -> None:
    # Last of the tests on the shared page: it changes the filters.
    app = first_visit
    app.map()
    app.settle()
    banner = app.map().locator(".bm-asof-banner")
    expect(banner).to_have_count(0)

    as_of = app.sidebar.get_by_role("textbox", name="As of", exact=True)
    as_of.click()
    app.page.keyboard.type("2025-10-15")
    with app.rerun(retry=lambda: app.page.keyboard.press("Enter"), what="the typed As of day"):
        app.page.keyboard.press("Enter")
    expect(banner).to_contain_text("As of 15 Oct 2025")
    assert _focused_label(app) == "As of", "the day applied only once focus left the field"

    since = app.sidebar.get_by_role("textbox", name="What changed since", exact=True)
    since.click()
    app.page.keyboard.type("2025-10-01")
    with app.rerun(retry=lambda: app.page.keyboard.press("Enter"), what="the typed since day"):
        app.page.keyboard.press("Enter")
    expect(app.main.get_by_text("What changed from 2025-10-01 to 2025-10-15")).to_be_visible()
    assert _focused_label(app) == "What changed since"
    query = app.page.evaluate("() => location.search")
    assert "asof=2025-10-15" in query and "since=2025-10-01" in query, query

    # A day that is not one is named, with its field, and nothing breaks.
    as_of.fill("2025-02-31")
    with app.rerun(retry=lambda: as_of.press("Enter"), what="a day that is not one"):
        as_of.press("Enter")
    expect(app.sidebar.get_by_text("As of: “2025-02-31” is not a day")).to_be_visible()
    expect(banner).to_have_count(0)
    expect(app.exceptions()).to_have_count(0)
