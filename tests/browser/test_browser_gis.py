"""GIS files in a real browser: a GeoPackage uploaded with a choice of layer, a GeoPackage exported.

The sidebar's uploader takes the file, offers its layers of places, shows the
chosen layer's claims as the upload layer; the Export menu's GeoPackage loads
back into Briefmap.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from browser_support import WAIT_MS, BrowserPage, expect
from shapely.geometry import Point

from briefmap.data.loader import load_catalog
from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]


def _geopackage(folder: Path) -> Path:
    source = next(iter(load_catalog(REPO / "geodata").catalog.sources))
    path = folder / "field-team.gpkg"

    def layer(pid: str, lon: float, summary: str) -> gpd.GeoDataFrame:
        row = {
            "id": [pid],
            "name": [f"Field {pid}"],
            "kind": ["military_post"],
            "precision": ["site"],
            "status": ["reported"],
            "posture": ["current"],
            "actor": ["russia"],
            "claimant": ["A field team"],
            "reported": ["2025-10-20"],
            "summary": [summary],
            "attribution": ["A field team"],
            "sources": [source],
        }
        return gpd.GeoDataFrame(row, geometry=[Point(lon, 34.5)], crs="EPSG:4326")

    layer("north_post", 36.6, "First layer's claim.").to_file(
        path, layer="north", driver="GPKG", engine="pyogrio"
    )
    layer("south_post", 36.8, "Second layer's claim.").to_file(
        path, layer="south", driver="GPKG", engine="pyogrio", append=True
    )
    return path


def test_a_geopackage_upload_offers_its_layers_and_exports_back(
    open_page, app_server: AppServer, tmp_path: Path
) -> None:
    app: BrowserPage = open_page(app_server)
    app.goto("/")
    app.upload([_geopackage(tmp_path)])
    notice = app.main.locator('[data-testid="stAlert"]').filter(has_text="Your upload (")
    # Read in a child process of its own: seconds on a loaded machine.
    expect(notice).to_contain_text("1 claim on 1 place", timeout=WAIT_MS)
    # The first layer by default; the other by choice.
    layers = app.sidebar.locator('[data-testid="stSelectbox"]').filter(
        has_text="GeoPackage layer of places"
    )
    box = layers.get_by_role("combobox")
    expect(box).to_have_value("north", timeout=WAIT_MS)
    app.settle()  # a rerun during the click would close the list again
    # By keyboard: at the foot of the sidebar the list opens below the window.
    box.click()
    box.press("ArrowDown")
    box.press("Enter")
    app.wait_idle()
    expect(box).to_have_value("south", timeout=WAIT_MS)
    expect(notice).to_contain_text("1 claim on 1 place", timeout=WAIT_MS)
    app.settle()
    # The upload's own GeoPackage from the Export menu loads back: the south post's claim.
    app.main.locator('[data-testid="stPopover"]').filter(has_text="Export").click()
    menu = app.page.locator('[data-testid="stPopoverBody"]')
    raw = app.download(menu.get_by_role("button", name="Your upload: GeoPackage"))
    path = tmp_path / "back.gpkg"
    path.write_bytes(raw)
    back = load_catalog(path)
    assert back.ok, back.report()
    assert [c.summary for c in back.catalog.claims.values()] == ["Second layer's claim."]
    # The briefing's own GeoPackage too.
    raw = app.download(
        menu.get_by_role("button", name="GeoPackage (QGIS; loads back into Briefmap)")
    )
    path.write_bytes(raw)
    assert load_catalog(path).ok
