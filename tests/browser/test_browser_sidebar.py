"""The sidebar at 1080p: the filters start compact, so the time controls show without scrolling."""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import BrowserPage, expect

pytestmark = pytest.mark.browser

FULL_HD = {"width": 1920, "height": 1080}


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
    for name in ("As of", "What changed since"):
        field = app.sidebar.locator('[data-testid="stDateInput"]').filter(
            has=app.page.get_by_role("group", name=name, exact=True)
        )
        expect(field).to_be_visible()
        box = field.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= FULL_HD["height"], (name, box)
