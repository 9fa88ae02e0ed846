"""Escaping in a real browser: data that carries script payloads shows as text and never runs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from browser_support import PAYLOAD, BrowserPage, expect, expected_for, loosely, unjoined

from briefmap.engine.tables import claims_table
from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser

KHMEIMIM = "khmeimim_air_base"


def _assert_nothing_ran(app: BrowserPage) -> None:
    assert app.dialogs == [], "a payload opened a dialog"
    for frame in app.page.frames:
        flag = frame.evaluate("() => typeof window.__pwned")
        assert flag == "undefined", f"a payload set window.__pwned in {frame.url}"
    # An injected <img src=x> would have asked the app for /x.
    assert [u for u in app.requests if u.rstrip("/").endswith("/x")] == []


@pytest.fixture(scope="module")
def payload_map(open_module_page, payload_server: AppServer) -> BrowserPage:
    """The Map page on the payload data: one load, read first by the off-map test."""
    app: BrowserPage = open_module_page(payload_server)
    app.goto("/")
    return app


def test_off_map_button_shows_the_name_literally(
    payload_map: BrowserPage, payload_data: Path
) -> None:
    # First on the shared page: it only reads the Map page as loaded.
    expected = expected_for(payload_data)
    off_map = [
        expected.catalog.places[p]
        for p in expected.selection.place_ids
        if expected.catalog.places[p].off_map
    ]
    assert off_map, "the data has no off-map place to check"
    app = payload_map
    app.map()
    for place in off_map:
        button = app.main.get_by_role("button").filter(has_text="Off the map:")
        expect(button.first).to_be_visible()
        labels = [unjoined(label) for label in button.all_inner_texts()]
        assert any(place.name_en in label for label in labels), f"{place.name_en!r} not in {labels}"
    _assert_nothing_ran(app)


def test_payloads_show_literally_and_never_run(
    payload_map: BrowserPage, payload_data: Path
) -> None:
    expected = expected_for(payload_data)
    catalog = expected.catalog
    place = catalog.places[KHMEIMIM]
    assert PAYLOAD in place.name_en
    claims = expected.selection.claims_at(KHMEIMIM)
    app = payload_map

    # The map draws everything, and every label is the name, character for character.
    app.wait_features(expected.features)
    labels = app.map_labels()
    assert sorted(labels) == sorted(expected.point_names)

    # The tooltip shows the names and the lead claim as text.
    app.focus_on(place.geometry.y, place.geometry.x, zoom=10)
    marker = app.topmost_marker(place.name_en)
    marker.hover()
    tooltip = app.map().locator(".leaflet-tooltip.bm-tooltip")
    expect(tooltip).to_have_count(1)
    tip = tooltip.text_content() or ""
    for name in (place.name_en, place.name_ar, place.name_ru):
        assert name and name in tip, f"{name!r} is not literally in the tooltip {tip!r}"
    assert any(claim.summary in tip for claim in claims), f"no claim summary in {tip!r}"

    # The claim card shows every field as text.
    marker.click()
    card = app.claim_card()
    expect(card.locator("h2").filter(has_text=loosely(place.name_en))).to_be_visible()
    app.wait_idle()
    expect(card.get_by_role("combobox", name="Claim card")).to_have_value(place.name_en)
    text = app.text_showing(card, place.name_en, place.name_ar, place.name_ru)
    for name in (place.name_en, place.name_ar, place.name_ru):
        assert name in text, f"{name!r} is not literally on the claim card"
    for claim in claims:
        outlets = [catalog.sources[sid].outlet for sid in claim.sources]
        for shown in (claim.summary, claim.claimant, claim.attribution, *outlets):
            assert shown in text, f"{claim.id}: {shown!r} is not literally on the claim card"
    _assert_nothing_ran(app)

    # The claims table: its grid's accessible cells, and the CSV download.
    app.goto("/claims")
    table = claims_table(catalog, expected.selection)
    grid = app.main.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    # st.dataframe draws on a canvas; its accessible grid carries the text of the
    # cells in view (Places comes second; the columns right of Summary are
    # scrolled out of it, and checked in the CSV below).
    cells = grid.locator('[role="gridcell"]')
    expect(cells.first).to_be_attached()
    shown = set(cells.evaluate_all("els => els.map(e => e.textContent)"))
    first = table.iloc[0]
    for column in ("Places", "Summary"):
        assert first[column] in shown, f"{column} of the first row is not literally in the grid"
    runs = app.script_runs()
    downloaded = app.download(app.main.get_by_role("button", name="Download CSV"))
    rows = list(csv.DictReader(io.StringIO(downloaded.decode("utf-8"))))
    for column in ("Summary", "Claimant", "Attribution", "Source"):
        assert [r[column] for r in rows] == list(table[column]), column
    assert all(PAYLOAD in r["Places"] for r in rows)
    app.wait_idle()
    assert app.script_runs() == runs, "the download reran the app"

    # The sources page lists the outlets as text too.
    app.goto("/sources")
    expect(app.exceptions()).to_have_count(0)
    app.main.locator('[data-testid="stDataFrame"]').first.wait_for()

    _assert_nothing_ran(app)
    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == []
