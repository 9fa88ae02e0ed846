"""A click anywhere inside a drawn place's symbol opens that place's card.

At 1920x1080, 1280x720 and 390x844, a click at the centre of every place
drawn on the opening view, hollow (former) symbols included: their inside
must take the click, not pass it to the governorate under them or to nothing.
Where other places' symbols also cover that centre at that zoom (a town by its
airport, Tartus under its naval facility), the click offers them all (issue
25, finding 2) and the place picked there opens; a click on one place alone
opens it directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from browser_support import MAP_IFRAME, WAIT_MS, BrowserPage, expect, expected_for

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
SIZES = {"1920x1080": (1920, 1080), "1280x720": (1280, 720), "390x844": (390, 844)}

# Each place's symbol centre in the map's frame, from the map itself, and the
# places whose markers' drawn shapes are there, topmost first (as the page's
# own hit-testing finds them: none for a region or nothing), and the place of
# the topmost element there (null: a control, a region or nothing takes it).
CENTRES_JS = """(places) => {
    const box = map.getContainer().getBoundingClientRect();
    return places.map(([id, lat, lng]) => {
        const p = map.latLngToContainerPoint([lat, lng]);
        const x = box.left + p.x, y = box.top + p.y;
        const hits = [];
        for (const el of document.elementsFromPoint(x, y)) {
            const marker = el.closest('.leaflet-marker-icon');
            const named = marker && marker.querySelector('[data-place]');
            const place = named && named.getAttribute('data-place');
            if (place && !hits.includes(place)) hits.push(place);
        }
        const top = document.elementFromPoint(x, y);
        const marker = top && top.closest('.leaflet-marker-icon');
        const named = marker && marker.querySelector('[data-place]');
        return {place: id, x: x, y: y, hits: hits, top: named ? named.getAttribute('data-place') : null};
    });
}"""


def _points() -> dict[str, Any]:
    """The shipped data's point places drawn on the map, by id."""
    drawn = expected_for(GEODATA).drawn
    return {f.place.id: f.place for f in drawn if f.place.is_point and not f.place.off_map}


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
    # What the page's own hit-testing finds at each centre: the place itself at
    # least, and a place's marker on top (not a control over it, nor nothing).
    missed = {
        p: (centres[p]["top"], centres[p]["hits"])
        for p in points
        if p not in centres[p]["hits"] or centres[p]["top"] not in centres[p]["hits"]
    }
    assert not missed, f"at {size} a click at the centre of these reaches others or none: {missed}"
    # Then the click itself, each opening its own card, directly or from the
    # chooser of the places stacked there; no two in a row open the same card.
    frame = app.page.locator(MAP_IFRAME).bounding_box()
    assert frame is not None
    names = {p: place.name_en for p, place in points.items()}
    chooser = app.map().locator(".bm-stacked")
    offered = 0
    for place_id in sorted(points):
        shown = _card_name(app)
        assert shown != names[place_id], f"the card already shows {shown}: proves nothing"
        centre = centres[place_id]
        app.page.mouse.click(frame["x"] + centre["x"], frame["y"] + centre["y"])
        card = app.claim_card().get_by_role("combobox", name="Claim card")
        here = centre["hits"]
        if len(here) > 1:
            offered += 1
            expect(chooser).to_be_visible(timeout=WAIT_MS)
            expect(chooser).to_contain_text(f"{len(here)} places here:")
            choices = chooser.locator("button.bm-stacked-choice")
            assert choices.all_text_contents() == [names.get(h, h) for h in here]
            assert _card_name(app) == shown, "a click on stacked places opened one"
            chooser.get_by_role("button", name=names[place_id], exact=True).click()
        expect(card).to_have_value(names[place_id], timeout=WAIT_MS)
        expect(chooser).to_have_count(0)
    # The shipped data's stacks at the opening view (Tartus and its naval facility at least).
    # Measured: 4 of 11 at 1920x1080, 8 at 1280x720 and 390x844.
    assert offered >= 2, f"at {size} the centres of Tartus and its naval facility are not stacked"
