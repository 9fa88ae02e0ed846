"""Time in a real browser: an "as of" day puts a banner on the map; changes read plainly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import BrowserPage, expect, unjoined

from briefmap.app.panels import CHANGES_SHOWN
from briefmap.data.loader import load_catalog
from briefmap.engine.timeline import as_of_banner, changes_between

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"


def test_as_of_banner_on_the_map_and_plain_changes_beside_it(app: BrowserPage) -> None:
    catalog = load_catalog(GEODATA).catalog
    since, day = "2025-10-01", "2026-01-25"
    expected = [c.describe(catalog) for c in changes_between(catalog, since, day)]
    assert expected, "no change between the two days to show"
    app.goto(f"/?asof={day}&since={since}")
    banner = app.map().locator(".bm-asof-banner")
    expect(banner).to_have_text(as_of_banner(day))
    expect(banner).to_be_visible()
    panel = app.main.locator('[data-testid="stMarkdown"]').filter(has_text="What changed from")
    expect(panel.first).to_be_visible()
    # Past the first few, the changes wait in an expander: open it to read them all.
    more = app.main.get_by_text(re.compile(r"^\d+ more changes?$"))
    if len(expected) > CHANGES_SHOWN:
        more.click()
    text = app.text_showing(app.main, *expected)
    for line in expected:
        assert line in text, line
    assert "Retired:" not in unjoined(text) and "New: " not in unjoined(text)
    assert app.page_errors == []


def test_no_banner_on_todays_map(app: BrowserPage) -> None:
    app.goto("/")
    frame = app.map()
    expect(frame.locator(".bm-feature").first).to_be_attached()
    expect(frame.locator(".bm-asof-banner")).to_have_count(0)
