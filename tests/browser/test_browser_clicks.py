"""A click anywhere inside a drawn place's symbol opens that place's card.

At 1920x1080, 1280x720 and 390x844, a click at the centre of every place
drawn on the opening view, hollow (former) symbols included: their inside
must take the click, not pass it to the governorate under them or to nothing.
Places whose symbols cover each other's centre at that zoom (a town by its
airport) may open either card, never a third.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, WAIT_MS, BrowserPage, expect, expected_for

from briefmap.drawing.symbology import SYMBOL_PX

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720), "390x844": (390, 844)}

# Each place's symbol centre in the map's frame, from the map itself, and the
# place whose marker is topmost there (null: a region or nothing takes it).
CENTRES_JS = """(places) => {
    const box = map.getContainer().getBoundingClientRect();
    return places.map(([id, lat, lng]) => {
        const p = map.latLngToContainerPoint([lat, lng]);
        const x = box.left + p.x, y = box.top + p.y;
        const hit = document.elementFromPoint(x, y);
        const marker = hit && hit.closest('.leaflet-marker-icon');
        const named = marker && marker.querySelector('[data-place]');
        return {place: id, x: x, y: y, hit: named ? named.getAttribute('data-place') : null};
    });
}"""


def _points() -> dict[str, Any]:
    """The shipped data's point places drawn on the map, by id."""
    drawn = expected_for(GEODATA).drawn
    return {f.place.id: f.place for f in drawn if f.place.is_point and not f.place.off_map}


def _stacked(centres: dict[str, dict[str, float]], place_id: str) -> set[str]:
    """``place_id`` and the places whose symbols cover its centre at this zoom (issue 25, item 2)."""
    here = centres[place_id]
    reach = SYMBOL_PX / 2
    return {
        other
        for other, c in centres.items()
        if (c["x"] - here["x"]) ** 2 + (c["y"] - here["y"]) ** 2 <= reach**2
    }


def _card_name(app: BrowserPage) -> str:
    return app.claim_card().get_by_role("combobox", name="Claim card").input_value()


@pytest.mark.parametrize("size", list(SIZES))
def test_a_click_at_the_centre_of_every_drawn_place_opens_its_card(
    open_page: Any, app_server: Any, size: str
) -> None:
    width, height = SIZES[size]
    app = open_page(app_server, viewport={"width": width, "height": height})
    app.goto("/")
    app.wait_features(expected_for(GEODATA).features)
    app.settle()
    points = _points()
    assert len(points) >= 5, points  # the shipped data's places, not none
    assert any(p.id == "amuda" for p in points.values())  # a former (hollow) one among them
    found = app.map_frame().evaluate(
        CENTRES_JS, [[p.id, p.geometry.y, p.geometry.x] for p in points.values()]
    )
    centres = {c["place"]: c for c in found}
    accepted = {p: _stacked(centres, p) for p in points}
    # What the page's own hit-testing finds at each centre, all places at once.
    missed = {p: centres[p]["hit"] for p in points if centres[p]["hit"] not in accepted[p]}
    assert not missed, f"at {size} a click at the centre of these reaches another or none: {missed}"
    # Then the click itself, each opening a card the one before did not leave open.
    frame = app.page.locator(MAP_IFRAME).bounding_box()
    assert frame is not None
    names = {p: place.name_en for p, place in points.items()}
    todo = sorted(points)
    while todo:
        shown = _card_name(app)
        place_id = next((p for p in todo if shown not in {names[a] for a in accepted[p]}), todo[0])
        todo.remove(place_id)
        wanted = sorted(names[a] for a in accepted[place_id])
        assert shown not in wanted, f"the card already shows {shown}: {place_id} proves nothing"
        centre = centres[place_id]
        app.page.mouse.click(frame["x"] + centre["x"], frame["y"] + centre["y"])
        card = app.claim_card().get_by_role("combobox", name="Claim card")
        pattern = re.compile("^(" + "|".join(re.escape(n) for n in wanted) + ")$")
        expect(card).to_have_value(pattern, timeout=WAIT_MS)
