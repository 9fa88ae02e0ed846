"""The shipped subject's metadata (``geodata/briefmap.json``), for tests that use its actors or region.

The code holds no subject of its own: a test that needs the first subject's
actors or region of interest reads them from the data, as the app does.
"""

from __future__ import annotations

import json
from pathlib import Path

from briefmap.data.meta import derived_meta, read_meta
from briefmap.data.schema import META_FILE, DataMeta
from briefmap.data.validate import Collector

GEODATA = Path(__file__).resolve().parent.parent / "geodata"


def shipped_meta() -> DataMeta:
    """``geodata/briefmap.json`` read as the loader reads it (every part is given)."""
    out = Collector(META_FILE)
    given = read_meta(json.loads((GEODATA / META_FILE).read_text(encoding="utf-8")), out)
    assert not out.issues, out.issues
    return derived_meta(given, GEODATA.name, (), ())


SHIPPED_META = shipped_meta()


# The places each scene of the shipped briefing (geodata/briefings/moscow-meeting.json)
# speaks of, by scene number, as a reader takes its title and talking points: a
# scene's subject, which its map must frame (issue 25, finding 5: scene 3 spoke of
# Kobani, outside its frame). "Tartus" in scene 1 is the naval facility, "Damascus"
# the government and "the Kremlin" a meeting, not places on the map.
SCENE_SUBJECTS: dict[int, tuple[str, ...]] = {
    1: ("tartus_naval_facility", "khmeimim_air_base"),
    2: ("daraa_governorate", "quneitra_governorate", "suwayda_governorate", "golan_heights"),
    3: ("qamishli", "qamishli_airport", "kobani", "amuda"),
    4: ("qamishli_airport",),
    5: (
        "undof_area_of_separation",
        "kobani",
        "qamishli_airport",
        "amuda",
        "tell_al_hara",
        "tartus_city",
        "tartus_naval_facility",
        "khmeimim_air_base",
    ),
}
# And what a scene names only as its backdrop, unhighlighted, which its frame still
# shows (tests/browser/test_browser_scenes.py): scene 2's buffer zone and Mount Hermon.
SCENE_BACKDROPS: dict[int, tuple[str, ...]] = {2: ("undof_area_of_separation", "mount_hermon")}
