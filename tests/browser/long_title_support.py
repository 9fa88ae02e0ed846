"""The data of the long-title server: the real data with titles long enough to wrap.

One copy serves both tests that need long titles (a server started once per
test process, not once per module): test_browser_layout's Map page under a data
set whose own title and subtitle wrap, and test_browser_scenes' presentation
view of a generated briefing whose scene has a 120-character title. Neither
reads what the other changes: presentation view shows the scene's title, not
the data's, and the Map page opens on no briefing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

# A data set's own title and subtitle, long enough to wrap onto three lines or more at 1280 px.
DATA_TITLE = "Russian, Syrian, Israeli and Kurdish positions " * 3
DATA_SUBTITLE = "Every place reported around the Moscow meeting, with its sources. " * 3
# The generated briefing's first scene's title, 120 characters.
SCENE_TITLE = ("A scene whose title runs on: " + "the long way round the northern front, " * 3)[
    :120
]
BRIEFING = "long-title"


def write_long_title_data(source: Path, target: Path) -> Path:
    """A copy of ``source`` at ``target`` with the long titles; ``target``."""
    shutil.copytree(source, target)
    meta_path = target / "briefmap.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta.update(title=DATA_TITLE.strip(), subtitle=DATA_SUBTITLE.strip())
    meta_path.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    scenes = [
        {
            "title": SCENE_TITLE,
            "talking_points": ["A first point.", "A second point, a little longer than the first."],
            "highlight": ["kobani", "qamishli_airport"],
        },
        {"title": "Short", "talking_points": ["One."], "highlight": ["tartus_naval_facility"]},
    ]
    briefing = {"id": BRIEFING, "title": "A generated briefing", "scenes": scenes}
    (target / "briefings" / f"{BRIEFING}.json").write_text(json.dumps(briefing), encoding="utf-8")
    return target
