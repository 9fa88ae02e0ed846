"""axe-core on every page, the presentation view and each scene: no serious or critical violation.

axe-core (an npm dev dependency, ``npm ci``) is injected into the page and into
the map's iframe, where Leaflet draws; each is checked on its own so a failure
says which document to fix. A failure lists each violation's rule, impact,
target selectors and axe's help text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, BrowserPage
from needs import AXE_HINT, missing_tool

from briefmap.data.loader import load_catalog
from briefmap.engine.briefings import load_briefings
from briefmap.screenshots import AppServer, wait_map_settled

pytestmark = pytest.mark.browser

REPO_ROOT = Path(__file__).resolve().parents[2]
GEODATA = REPO_ROOT / "geodata"
AXE_JS = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
BRIEFING = "moscow-meeting"
# The screenshare size the issue found violations at; the smallest desktop we support.
VIEWPORT = {"width": 1280, "height": 720}
FAILING_IMPACTS = ("serious", "critical")

# Runs axe on the document it is evaluated in. Frames are checked separately (each
# gets its own copy of axe), so the page's run does not wait on the map frame.
RUN_AXE_JS = """
async () => {
  const result = await axe.run(document, {iframes: false, resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    targets: v.nodes.map(n => n.target.join(' ')),
    summaries: v.nodes.map(n => n.failureSummary || ''),
  }));
}
"""


def _scene_count() -> int:
    briefings, _ = load_briefings(GEODATA, load_catalog(GEODATA).catalog)
    return len(briefings[BRIEFING].scenes)


PAGES = [
    pytest.param("/", True, id="map"),
    pytest.param("/claims", False, id="claims"),
    pytest.param("/sources", False, id="sources"),
    pytest.param("/?present=1", True, id="map-presentation"),
    pytest.param("/claims?present=1", False, id="claims-presentation"),
    *(
        pytest.param(f"/?briefing={BRIEFING}&scene={n}", True, id=f"scene-{n}")
        for n in range(1, _scene_count() + 1)
    ),
]


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE_JS.is_file():
        missing_tool(f"axe-core not found at {AXE_JS}", AXE_HINT)
    return AXE_JS.read_text(encoding="utf-8")


def _violations(context: Any, axe_source: str) -> list[dict[str, Any]]:
    """axe's serious and critical violations in a page or frame."""
    context.add_script_tag(content=axe_source)
    found = context.evaluate(RUN_AXE_JS)
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def _describe(where: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{where}] {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for target, summary in zip(v["targets"], v["summaries"], strict=True):
            first = summary.splitlines()[1].strip() if summary.count("\n") else summary
            lines.append(f"    {target}  -- {first}")
    return "\n".join(lines)


@pytest.mark.parametrize(("path", "has_map"), PAGES)
def test_no_serious_or_critical_axe_violations(
    open_page, app_server: AppServer, axe_source: str, path: str, has_map: bool
) -> None:
    app: BrowserPage = open_page(app_server, viewport=VIEWPORT)
    app.goto(path)
    if has_map:
        app.map().locator(".bm-legend").wait_for()
        wait_map_settled(app.page)
    else:
        app.main.locator('[data-testid="stDataFrame"]').first.wait_for()
    app.settle()
    app.raise_on_exception()

    found = {"page": _violations(app.page, axe_source)}
    if has_map:
        assert app.page.locator(MAP_IFRAME).count() == 1
        found["map frame"] = _violations(app.map_frame(), axe_source)
    report = "\n".join(_describe(where, v) for where, v in found.items() if v)
    assert not report, f"axe-core found serious or critical violations on {path}:\n{report}"
