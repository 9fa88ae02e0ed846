"""Your own layer in a real browser: a My-Maps-style KML uploaded, drawn whole, framed, marked.

The test writes the KML itself: two folders (one inside the other), a route
reaching far beyond the briefing's region, an area, and a spot whose name and
HTML description carry a script and whose description a link. Every feature
is drawn, the map frames the whole route, the legend marks the layer, each
folder is a layer of the layer control, and a click on the spot opens its
card: the link a link to a new tab, the script text, nothing run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import WAIT_MS, BrowserPage, expect

from briefmap.drawing.own_layer_map import OWN_LEGEND_TEXT
from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser

# The route's far end: over 1,000 km west of the briefing's region, off its first view.
FAR_END = (22.0, 30.5)  # longitude, latitude
SPOT_NAME = "Checkpoint <script>window.__ownRan = 1</script>"

KML = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
  <Document>
    <name>Trip notes</name>
    <Style id="line-1267FF-5000-normal">
      <LineStyle><color>ffff6712</color><width>5</width></LineStyle>
    </Style>
    <Folder>
      <name>Routes</name>
      <Placemark>
        <name>Long route</name>
        <styleUrl>#line-1267FF-5000-normal</styleUrl>
        <LineString><coordinates>36.2,34.2,0 33.5,32.0,0 {FAR_END[0]},{FAR_END[1]},0</coordinates></LineString>
      </Placemark>
      <Folder>
        <name>Areas</name>
        <Placemark>
          <name>Camp area</name>
          <Polygon><outerBoundaryIs><LinearRing><coordinates>
            36,34,0 36.5,34,0 36.5,34.5,0 36,34.5,0 36,34,0
          </coordinates></LinearRing></outerBoundaryIs></Polygon>
        </Placemark>
      </Folder>
    </Folder>
    <Folder>
      <name>Spots</name>
      <Placemark>
        <name>{SPOT_NAME.replace("<", "&lt;").replace(">", "&gt;")}</name>
        <description><![CDATA[Seen at <b>dawn</b><script>window.__ownRan = 2</script>
          <img src="x" onerror="window.__ownRan = 3">
          <a href="https://example.org/report?id=1">the report</a>]]></description>
        <ExtendedData><Data name="unit"><value>&lt;b&gt;bold&lt;/b&gt;</value></Data></ExtendedData>
        <Point><coordinates>36.3,34.3,0</coordinates></Point>
      </Placemark>
    </Folder>
  </Document>
</kml>
"""


def test_an_uploaded_kml_is_drawn_whole_framed_marked_and_carded(
    open_page, app_server: AppServer, tmp_path: Path
) -> None:
    kml = tmp_path / "trip-notes.kml"
    kml.write_text(KML, encoding="utf-8")
    app: BrowserPage = open_page(app_server)
    app.goto("/")
    app.upload([kml])
    expect(app.main.get_by_text("3 features read as your own layer", exact=False)).to_be_visible(
        timeout=WAIT_MS
    )
    # Every feature drawn: the route, the area, the spot.
    app.wait_features(3, ".bm-own")
    frame = app.map_frame()
    for kind in ("linestring", "polygon", "point"):
        assert app.count_in_map(f".bm-own-{kind}") == 1, kind
    # Framed to the whole route, its far end included (the browser fits once sized).
    frame.wait_for_function(
        "([lng, lat]) => map.getBounds().contains(L.latLng(lat, lng))"
        " && map.getBounds().contains(L.latLng(34.5, 36.5))",
        arg=list(FAR_END),
        timeout=WAIT_MS,
    )
    # The legend marks the layer; each folder is a layer of the layer control.
    map_ = app.map()
    expect(map_.locator(".bm-own-legend")).to_contain_text(OWN_LEGEND_TEXT, timeout=WAIT_MS)
    labels = map_.locator(".leaflet-control-layers-overlays label")
    for folder in (
        "Trip notes / Routes (",
        "Trip notes / Routes / Areas (",
        "Trip notes / Spots (",
    ):
        expect(labels.filter(has_text=folder)).to_have_count(1)
    # A click on the spot opens its card: marked, the link a link, the script text.
    map_.locator(".bm-own-point").click()
    card = map_.locator(".bm-own-popup .bm-own-card")
    expect(card).to_contain_text("Your data — not sourced claims", timeout=WAIT_MS)
    expect(card).to_have_css("overflow-y", "auto")  # own-layer.css: a long card scrolls
    expect(card.locator("strong").first).to_have_text(SPOT_NAME)
    link = card.locator('a[href="https://example.org/report?id=1"]')
    expect(link).to_have_attribute("target", "_blank")
    expect(link).to_have_attribute("rel", "noopener noreferrer")
    expect(card).to_contain_text("Seen at dawn")
    expect(card.locator("td").filter(has_text="<b>bold</b>")).to_have_count(1)
    assert card.locator("script, img").count() == 0
    assert frame.evaluate("() => window.__ownRan === undefined")
    assert app.page.evaluate("() => window.__ownRan === undefined")
