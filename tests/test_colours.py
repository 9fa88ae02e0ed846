"""Actor colours read in greyscale and on the map: WCAG luminance and contrast, every pair."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from briefmap.data.meta import ACTOR_PALETTE, actors_for
from briefmap.drawing.assets import web_text
from briefmap.drawing.symbology import (
    MAP_BACKGROUND,
    MIN_CONTRAST_ON_MAP,
    MIN_GREYSCALE_STEP,
    colour_problems,
    contrast_ratio,
    relative_luminance,
)

GEODATA = Path(__file__).resolve().parent.parent / "geodata"


def test_luminance_and_contrast_follow_wcag() -> None:
    assert relative_luminance("#000000") == 0
    assert relative_luminance("#FFFFFF") == pytest.approx(1)
    assert relative_luminance("#777777") == pytest.approx(0.1845, abs=1e-4)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#123456", "#123456") == 1


def test_the_background_checked_is_the_maps() -> None:
    background = re.search(
        r"\.leaflet-container \{ background: (#[0-9a-fA-F]{6})", web_text("map.css")
    )
    assert background and background.group(1).lower() == MAP_BACKGROUND.lower()


def _shipped() -> dict[str, dict[str, str]]:
    data = json.loads((GEODATA / "briefmap.json").read_text(encoding="utf-8"))
    return {
        "geodata/briefmap.json": {a["id"]: a["colour"] for a in data["actors"]},
        # The colours of actors a data set without briefmap.json names.
        "ACTOR_PALETTE": {f"actor {n}": colour for n, colour in enumerate(ACTOR_PALETTE)},
    }


@pytest.mark.parametrize("where", ["geodata/briefmap.json", "ACTOR_PALETTE"])
def test_every_actor_colour_is_a_grey_of_its_own_and_stands_out_on_the_map(where: str) -> None:
    colours = _shipped()[where]
    assert len(colours) == 6
    for name, colour in colours.items():
        assert contrast_ratio(colour, MAP_BACKGROUND) >= MIN_CONTRAST_ON_MAP, name
    for first in colours:
        for second in colours:
            if first != second:
                ratio = contrast_ratio(colours[first], colours[second])
                assert ratio >= MIN_GREYSCALE_STEP, (first, second, ratio)
    assert colour_problems(colours) == []


def test_the_old_palette_is_caught() -> None:
    # The finding: Russia and Syria, the SDF and the UN printed alike;
    # the SDF and UN had 1.9:1 against the map.
    old = {"russia": "#D55E00", "syria": "#009E73", "sdf": "#E69F00", "un": "#56B4E9"}
    problems = colour_problems(old)
    assert any(p.startswith("russia and syria print") for p in problems), problems
    assert any(p.startswith("sdf and un print") for p in problems), problems
    assert any(p.startswith("sdf (#E69F00) has 1.9") for p in problems), problems
    assert any(p.startswith("un (#56B4E9) has 1.9") for p in problems), problems


def test_actors_without_briefmap_json_take_the_palette_in_sorted_order() -> None:
    six = actors_for(["wagner", "lna", "gnu", "lna", "un", "au", "eu"])
    assert [a.id for a in six] == ["au", "eu", "gnu", "lna", "un", "wagner"]
    assert [a.colour for a in six] == list(ACTOR_PALETTE)
    assert colour_problems({a.id: a.colour for a in six}) == []
    # The same ids, in any order, get the same colours.
    assert actors_for(["eu", "au", "wagner", "un", "gnu", "lna"]) == six
    # A seventh starts the palette again.
    seven = actors_for([*(a.id for a in six), "zz"])
    assert seven[-1].colour == ACTOR_PALETTE[0]
