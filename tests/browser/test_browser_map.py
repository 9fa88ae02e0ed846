"""The map in a real browser: it draws, filters swap its layers in place, clicks open cards."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_support import MAP_IFRAME, BrowserPage, expect, expected_for

from briefmap.drawing.assets import LEAFLET_CSS, LEAFLET_JS, VENDOR_SUBDIR
from briefmap.engine.query import ClaimFilter

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
KHMEIMIM = "khmeimim_air_base"


def test_map_draws_the_default_filter(app: BrowserPage) -> None:
    expected = expected_for(GEODATA)
    app.goto("/")
    frame = app.map_frame()
    assert frame.evaluate("() => typeof window.L === 'object' && window.map instanceof L.Map")
    app.wait_features(expected.features)
    app.expect_summary(expected.summary_line)
    # Leaflet came from the app itself, not from a CDN: its script as a file,
    # its stylesheet inline in the map's frame (applied before the map is
    # drawn), with the images it names still served by the app.
    vendor = f"/app/static/{VENDOR_SUBDIR.as_posix()}/"
    for name in (LEAFLET_JS, "images/layers.png"):
        assert any(
            url.startswith(app.server.origin) and url.endswith(vendor + name)
            for url in app.requests
        ), f"{name} was not loaded from the app's {vendor}"
    assert not any(url.endswith(LEAFLET_CSS) for url in app.requests)
    assert (
        frame.evaluate("() => getComputedStyle(document.querySelector('.leaflet-top')).position")
        == "absolute"
    )


def test_actor_filter_narrows_the_map_and_the_count_line(app: BrowserPage) -> None:
    everything = expected_for(GEODATA)
    israel = expected_for(GEODATA, ClaimFilter(actors=frozenset({"israel"})))
    assert 0 < israel.features < everything.features, "the data no longer tells the filter apart"
    app.goto("/")
    app.wait_features(everything.features)
    app.expect_summary(everything.summary_line)

    app.keep_only("Actor", "Israel")

    app.expect_summary(israel.summary_line)
    app.wait_features(israel.features)
    app.wait_idle()
    assert app.count_in_map(".bm-feature") == israel.features
    app.expect_summary(israel.summary_line)


def test_zoom_and_centre_survive_a_filter_change(app: BrowserPage) -> None:
    everything = expected_for(GEODATA)
    israel = expected_for(GEODATA, ClaimFilter(actors=frozenset({"israel"})))
    assert israel.features != everything.features
    app.goto("/")
    app.wait_features(everything.features)
    start = app.wait_view_settled()  # the app fits the view once the map has its size
    frame = app.map_frame()
    frame.evaluate("() => { window.__marker = 1; }")
    app.page.evaluate("sel => { window.__mapIframe = document.querySelector(sel); }", MAP_IFRAME)

    app.zoom_in_with_control()
    app.zoom_in_with_control()
    zoomed = app.wait_view_settled()
    assert zoomed["zoom"] == start["zoom"] + 2

    app.keep_only("Actor", "Israel")
    app.expect_summary(israel.summary_line)
    app.wait_features(israel.features)
    app.wait_idle()
    after = app.wait_view_settled()

    assert after["zoom"] == zoomed["zoom"]
    assert after["lat"] == pytest.approx(zoomed["lat"], abs=1e-9)
    assert after["lng"] == pytest.approx(zoomed["lng"], abs=1e-9)
    # The same iframe element and document: the map was updated, not reloaded.
    assert app.map_frame() is frame
    assert frame.evaluate("() => window.__marker") == 1
    assert app.page.evaluate(
        "sel => document.querySelector(sel) === window.__mapIframe", MAP_IFRAME
    )


def test_clicking_khmeimim_opens_its_claim_card(app: BrowserPage) -> None:
    expected = expected_for(GEODATA)
    catalog = expected.catalog
    place = catalog.places[KHMEIMIM]
    claims = expected.selection.claims_at(KHMEIMIM)
    assert claims, "Khmeimim has no claims under the default filter"
    app.goto("/")
    app.wait_features(expected.features)
    app.focus_on(place.geometry.y, place.geometry.x, zoom=10)

    app.topmost_marker(place.name_en).click()

    card = app.claim_card()
    expect(card.locator("h2").filter(has_text=place.name_en)).to_be_visible()
    app.wait_idle()
    expect(card.get_by_role("combobox", name="Claim card")).to_have_value(place.name_en)
    text = app.text_showing(card, *(claim.summary for claim in claims))
    assert len(re.findall(r"Sources?:", text)) == len(claims)
    for claim in claims:
        cited = [catalog.sources[sid] for sid in claim.sources]
        for shown in (
            claim.status.label,
            claim.summary,
            claim.claimant,
            claim.attribution,
            claim.reported,
            *(f"{source.credit} ({source.date})" for source in cited),
        ):
            assert shown in text, f"{claim.id}: {shown!r} is not on the claim card"
