"""A scene's time playback (issue 29): its range and speed, validated as every scene field is.

Presentation view plays it on the first Next (tests/browser/test_browser_scene_playback.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from briefmap.data.schema import Catalog
from briefmap.engine.briefings import PER_SECOND, ScenePlayback, load_briefings

REPO = Path(__file__).resolve().parents[1]


def _scene(playback: Any) -> dict[str, Any]:
    return {
        "id": "b",
        "title": "T",
        "scenes": [
            {"title": "One", "talking_points": ["a"]},
            {"title": "Two", "talking_points": ["b"], "playback": playback},
        ],
    }


def _issues(tmp_path: Path, catalog: Catalog, briefing: dict[str, Any]) -> list[Any]:
    folder = tmp_path / "briefings"
    folder.mkdir()
    (folder / "b.json").write_text(json.dumps(briefing), encoding="utf-8")
    briefings, issues = load_briefings(tmp_path, catalog)
    assert not briefings, "a briefing with an error is left out whole"
    return issues


def test_the_shipped_briefing_plays_the_record_from_its_first_day_to_its_last(
    real_catalog: Catalog,
) -> None:
    briefings, issues = load_briefings(REPO / "geodata", real_catalog)
    assert issues == []
    played = [s for s in briefings["moscow-meeting"].scenes if s.playback is not None]
    assert len(played) == 1
    first, last = real_catalog.index.date_span
    assert played[0].playback == ScenePlayback(first, last, "year")
    assert played[0].playback.days_per_second == PER_SECOND["year"]
    # Scenes without one stay without.
    assert briefings["moscow-meeting"].scenes[0].playback is None


@pytest.mark.parametrize(
    ("playback", "field", "words"),
    [
        ("2018 to 2026", "playback", "must be an object"),
        (
            {"from": "2018-08-02", "to": "2026-01-26"},
            "playback.per_second",
            "is missing; allowed: month",
        ),
        (
            {"from": "2018-08-02", "to": "2026-01-26", "per_second": "decade"},
            "playback.per_second",
            "unknown value 'decade'",
        ),
        ({"to": "2026-01-26", "per_second": "year"}, "playback.from", "missing"),
        (
            {"from": "2018-02-30", "to": "2026-01-26", "per_second": "year"},
            "playback.from",
            "not a date",
        ),
        (
            {"from": "2015-09-30", "to": "2026-01-26", "per_second": "year"},
            "playback.from",
            "outside the data's dates (2018-08-02 to 2026-01-26)",
        ),
        (
            {"from": "2020-01-01", "to": "2019-01-01", "per_second": "month"},
            "playback.to",
            "not after 'from'",
        ),
        (
            {"from": "2020-01-01", "to": "2021-01-01", "per_second": "year", "loop": True},
            "playback.loop",
            "unknown field",
        ),
    ],
)
def test_a_bad_playback_is_refused_naming_file_scene_and_field(
    tmp_path: Path, real_catalog: Catalog, playback: Any, field: str, words: str
) -> None:
    (issue,) = _issues(tmp_path, real_catalog, _scene(playback))
    assert (issue.file, issue.record, issue.field) == (
        "briefings/b.json",
        "b",
        f"scenes[2].{field}",
    )
    assert words in issue.message, issue.message


def test_the_cli_says_the_same(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for name in ("briefmap.json", "claims.json", "places.geojson", "sources.json"):
        (data / name).parent.mkdir(parents=True, exist_ok=True)
        (data / name).write_bytes((REPO / "geodata" / name).read_bytes())
    (data / "briefings").mkdir()
    bad = {"from": "2020-01-01", "to": "2019-01-01", "per_second": "month"}
    (data / "briefings" / "b.json").write_text(json.dumps(_scene(bad)), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "briefmap", "validate", str(data)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert "briefings/b.json" in run.stdout and "scenes[2].playback.to" in run.stdout, run.stdout
    assert "Traceback" not in run.stdout + run.stderr
