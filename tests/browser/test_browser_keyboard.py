"""The keyboard alone on the Map page (issue 13, finding 7), in Chromium at 1280x720.

Tab from the top of the page reaches the claim card before any map marker;
from the first stop inside the map the first place marker is a few Tabs away;
every stop on the way, and every stop inside the map, has an accessible name;
no shape (area, outline, arrow) is a stop; tabbing past the off-map Kremlin
does not pan the map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage, expected_for

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
SHARED_SCREEN = {"width": 1280, "height": 720}
# "A few Tabs": the map itself, then its first place.
MAX_TABS_TO_FIRST_MARKER = 5
MAX_TABS = 150  # a bound on the walk, far above the page's stops

# The focused element, followed into the map's frame: where it is, what it is
# and its accessible name as a screen reader would compute it for these
# elements: aria-labelledby, aria-label, a form field's label, alt, title, and
# the text only of elements named by their content (a div's text is no name).
FOCUSED_JS = """() => {
  let el = document.activeElement, inMap = false;
  while (el && el.tagName === 'IFRAME' && el.contentDocument) {
    const inner = el.contentDocument.activeElement;
    if (!inner || inner === el.contentDocument.body) break;
    el = inner; inMap = true;
  }
  if (!el || el === document.body) return null;
  const doc = el.ownerDocument, text = (e) => (e ? (e.innerText || e.textContent || '') : '').trim();
  const role = el.getAttribute('role') || '';
  let name = '';
  const by = el.getAttribute('aria-labelledby');
  if (by) name = by.split(/\\s+/).map((id) => text(doc.getElementById(id))).join(' ').trim();
  if (!name) name = (el.getAttribute('aria-label') || '').trim();
  if (!name && el.labels && el.labels.length) name = text(el.labels[0]);
  if (!name) name = (el.getAttribute('alt') || el.getAttribute('title') || '').trim();
  const byContent = ['A', 'BUTTON', 'SUMMARY'].includes(el.tagName)
    || ['button', 'link', 'switch', 'tab', 'menuitem', 'option', 'checkbox', 'radio'].includes(role);
  if (!name && byContent) name = text(el);
  const marker = el.closest('.leaflet-marker-icon');
  return {
    inMap, tag: el.tagName, role, name,
    svg: el instanceof doc.defaultView.SVGElement,
    place: marker && marker.querySelector('[data-place]')
      ? marker.querySelector('[data-place]').getAttribute('data-place') : null,
    card: !inMap && !!el.closest('[data-testid="stSelectbox"]') && name === 'Claim card',
  };
}"""


def _walk(app: BrowserPage, until: Any) -> list[dict[str, Any]]:
    """Press Tab until ``until(stop)`` holds; every stop reached, in order."""
    stops: list[dict[str, Any]] = []
    for _ in range(MAX_TABS):
        app.page.keyboard.press("Tab")
        stop = app.page.evaluate(FOCUSED_JS)
        if stop is None:
            continue
        stops.append(stop)
        if until(stop):
            return stops
    raise AssertionError(f"not reached in {MAX_TABS} Tabs: {stops}")


def _shown(stops: list[dict[str, Any]]) -> str:
    return "\n".join(f"  {s['tag']} role={s['role']!r} name={s['name']!r}" for s in stops)


def test_tab_reaches_the_card_before_the_map_and_a_place_soon_after(
    open_page: Any, app_server: Any
) -> None:
    app: BrowserPage = open_page(app_server, viewport=SHARED_SCREEN)
    app.goto("/")
    app.wait_features(expected_for(GEODATA).features)
    app.settle()
    view = app.view()

    stops = _walk(app, lambda s: s["place"] is not None)

    card = next((i for i, s in enumerate(stops) if s["card"]), None)
    first_marker = len(stops) - 1
    assert card is not None and card < first_marker, (
        f"the claim card is not reached before the map's markers:\n{_shown(stops)}"
    )
    entered = next(i for i, s in enumerate(stops) if s["inMap"])
    in_map = stops[entered:]
    assert first_marker - entered <= MAX_TABS_TO_FIRST_MARKER, (
        f"{first_marker - entered} Tabs from entering the map to its first place:\n{_shown(in_map)}"
    )
    unnamed = [s for s in stops[card:] if not s["name"]]
    assert not unnamed, f"stops without an accessible name:\n{_shown(unnamed)}"

    # On through every stop in the map: places and controls, each named, no shape.
    rest = _walk(app, lambda s: not s["inMap"])[:-1]
    inside = in_map + rest
    assert not [s for s in inside if s["svg"]], f"shapes are tab stops:\n{_shown(inside)}"
    unnamed = [s for s in inside if not s["name"]]
    assert not unnamed, f"stops in the map without an accessible name:\n{_shown(unnamed)}"
    places = {s["place"] for s in inside if s["place"]}
    assert "moscow_kremlin" in places, _shown(inside)  # the off-map place was focused...
    assert app.view() == view  # ...and the map did not pan to Moscow
