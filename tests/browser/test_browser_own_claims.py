"""Issue 26's "Done when": a KML uploaded, its features seen, its columns mapped to claims, the claims drawn.

The test writes the KML itself, as Google My Maps writes a table's layer: three
placemarks whose columns mostly bear Briefmap's field names, a "Seen" day and
no claimant, kind or precision. In the upload panel's "Turn rows into claims"
the user picks "Seen" for the reported day and types one claimant, kind and
precision for every row; the preview
says two rows become claims (the third cites no source and stays the user's
own layer); Apply draws them in the upload's layer with status styling: the
confirmed one solid, the reported one dashed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import WAIT_MS, BrowserPage, expect

from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser


def _placemark(name: str, lon: float, cells: dict[str, str]) -> str:
    data = "".join(f'<Data name="{k}"><value>{v}</value></Data>' for k, v in cells.items())
    return (
        f"<Placemark><name>{name}</name><ExtendedData>{data}</ExtendedData>"
        f"<Point><coordinates>{lon},34.2,0</coordinates></Point></Placemark>"
    )


COMMON = {
    "actor": "Field Unit",
    "summary": "Seen on the trip",
    "attribution": "the team's own sighting",
    "posture": "current",
    "Seen": "2025-10-02",
}
KML = (
    '<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
    "<Document><name>Sightings</name><Folder><name>Layer 1</name>"
    + _placemark("Camp", 36.1, {**COMMON, "status": "reported", "source": "Gazette"})
    + _placemark("Port", 36.4, {**COMMON, "status": "confirmed", "source": "Gazette; Planet"})
    + _placemark("Ford", 36.7, {**COMMON, "status": "reported", "source": ""})
    + "</Folder></Document></kml>"
)


def _choose(app: BrowserPage, label: str, option: str) -> None:
    box = (
        app.main.locator('[data-testid="stSelectbox"]')
        .filter(has_text=label)
        .get_by_role("combobox")
    )
    app.settle()  # a rerun during the click would close the list again
    box.click()
    box.press_sequentially(option)  # the list filtered to it: long lists open off screen
    app.page.get_by_role("option", name=option, exact=True).click()
    app.wait_idle()
    expect(box).to_have_value(option, timeout=WAIT_MS)


def _fixed(app: BrowserPage, label: str, value: str) -> None:
    _choose(app, label, "one value for every row")
    box = (
        app.main.locator('[data-testid="stTextInput"]')
        .filter(has_text=f"{label}: one value for every row")
        .locator("input")
    )
    box.fill(value)
    box.press("Enter")
    app.wait_idle()
    expect(box).to_have_value(value, timeout=WAIT_MS)


def test_a_kmls_columns_mapped_to_claims_are_drawn_with_status_styling(
    open_page, app_server: AppServer, tmp_path: Path
) -> None:
    kml = tmp_path / "sightings.kml"
    kml.write_text(KML, encoding="utf-8")
    app: BrowserPage = open_page(app_server)
    app.goto("/")
    app.upload([kml])
    expect(app.main.get_by_text("3 features read as your own layer", exact=False)).to_be_visible(
        timeout=WAIT_MS
    )
    app.wait_features(3, ".bm-own")  # the features, as they are
    map_ = app.map()
    assert map_.locator('.bm-label[data-place^="own-"]').count() == 0  # no claim yet
    app.main.get_by_text("Turn rows into claims: sightings.kml").click()
    preview = app.main.get_by_text("rows become claims", exact=False)
    expect(preview).to_contain_text("0 of 3 rows become claims", timeout=WAIT_MS)
    _choose(app, "Reported (day)", "Seen")
    # kind and precision are columns of Briefmap's convention alone: a file that
    # has them is read as places, so this one says them here, for every row.
    _fixed(app, "Claimant", "Field team")
    _fixed(app, "Place kind", "town")
    _fixed(app, "Precision", "site")
    expect(preview).to_contain_text(
        "2 of 3 rows become claims; 1 stay your own layer", timeout=WAIT_MS
    )
    expect(app.main.get_by_text("field 'sources': empty", exact=False)).to_be_visible()
    app.settle()
    app.main.get_by_role("button", name="Apply: add 2 claims to the map").click()
    app.wait_idle()
    # The claims in the upload's layer, beside the briefing, styled by status:
    # the confirmed solid, the reported dashed; the own layer still drawn.
    port = map_.locator('.bm-label[data-place="own-sightings-2"]')
    camp = map_.locator('.bm-label[data-place="own-sightings-1"]')
    expect(port).to_have_attribute("data-rank", "0", timeout=WAIT_MS)
    expect(camp).to_have_attribute("data-rank", "2", timeout=WAIT_MS)
    assert (
        map_.locator(
            '.bm-point:has(.bm-label[data-place="own-sightings-2"]) [stroke-dasharray]'
        ).count()
        == 0
    )
    assert (
        map_.locator(
            '.bm-point:has(.bm-label[data-place="own-sightings-1"]) [stroke-dasharray]'
        ).count()
        == 1
    )
    assert map_.locator('.bm-label[data-place="own-sightings-3"]').count() == 0
    assert app.count_in_map(".bm-own") == 3
