"""The data describes the report in its own words: no eight-word run copied from it.

The report is read from ``shared/report-2025-10-15.txt`` beside the repository
(for checking only; it is never part of the project). Outside that checkout the
file is absent and the test is skipped with a message; under ``CI=true`` it fails
instead, as the browser tests do without Chromium (``tests/needs.py``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from needs import missing_tool

REPO = Path(__file__).resolve().parent.parent
REPORT = REPO.parent / "shared" / "report-2025-10-15.txt"
REPORT_HINT = (
    "The report lies in shared/ beside the repository's checkout; CI runs in that "
    "checkout, so there it must be present."
)
DATA = REPO / "geodata"
RUN = 8  # words in a row that make a copied sentence

# Words only: case, punctuation, hyphens or dashes and the kind of apostrophe
# do not hide a copy ("Syrian–Russian" and "Syrian-Russian" are two words each).
WORD = re.compile(r"[\w'’]+")


def words(text: str) -> list[str]:
    return [w.replace("’", "'").strip("'").casefold() for w in WORD.findall(text)]


def runs(text: str, n: int = RUN) -> set[tuple[str, ...]]:
    ws = [w for w in words(text) if w]
    return {tuple(ws[i : i + n]) for i in range(len(ws) - n + 1)}


def authored_texts() -> Iterator[tuple[str, str]]:
    """(where, text) for every sentence Briefmap writes about the reporting."""
    places = json.loads((DATA / "places.geojson").read_text(encoding="utf-8"))
    for feature in places["features"]:
        props = feature["properties"]
        if props.get("note"):
            yield f"places.geojson {props['id']} note", props["note"]
    claims = json.loads((DATA / "claims.json").read_text(encoding="utf-8"))
    for claim in claims["claims"]:
        for name in ("summary", "attribution", "claimant", "origin_note"):
            if claim.get(name):
                yield f"claims.json {claim['id']} {name}", claim[name]
        for n, entry in enumerate(claim.get("history", []), start=1):
            if entry.get("note"):
                yield f"claims.json {claim['id']} history[{n}].note", entry["note"]
    sources = json.loads((DATA / "sources.json").read_text(encoding="utf-8"))
    for source in sources["sources"]:
        if source.get("title"):
            yield f"sources.json {source['id']} title", source["title"]
    for path in sorted((DATA / "briefings").glob("*.json")):
        briefing = json.loads(path.read_text(encoding="utf-8"))
        for name in ("title", "summary"):
            if briefing.get(name):
                yield f"{path.name} {name}", briefing[name]
        for n, scene in enumerate(briefing.get("scenes", []), start=1):
            yield f"{path.name} scene {n} title", scene.get("title", "")
            for k, point in enumerate(scene.get("talking_points", []), start=1):
                yield f"{path.name} scene {n} talking point {k}", point


def report_text(path: Path = REPORT) -> str:
    """The report's text; without the file, skip, or fail under CI."""
    if not path.is_file():
        missing_tool(f"{path} is not here (outside the project's checkout)", REPORT_HINT)
    return path.read_text(encoding="utf-8")


def copied(text: str, report: str) -> list[str]:
    """The eight-word runs ``text`` shares with ``report``."""
    return sorted(" ".join(run) for run in runs(text) & runs(report))


def test_runs_catch_a_copied_sentence_whatever_its_case_and_punctuation() -> None:
    report = "Putin, in turn, hailed Syrian–Russian ties as “exceptionally friendly” today."
    assert copied("PUTIN IN TURN HAILED SYRIAN-RUSSIAN TIES AS EXCEPTIONALLY friendly", report)
    assert not copied("Putin praised the ties between the two countries warmly", report)


def test_a_missing_report_skips_outside_ci_and_fails_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def outcome(path: Path) -> str:
        # Caught here, so that a skip cannot skip this test itself.
        try:
            report_text(path)
        except pytest.skip.Exception:
            return "skipped"
        except pytest.fail.Exception:
            return "failed"
        return "read"

    report = tmp_path / "report-2025-10-15.txt"
    monkeypatch.setenv("CI", "true")
    assert outcome(report) == "failed"
    monkeypatch.setenv("CI", "")
    assert outcome(report) == "skipped"
    report.write_text("the report", encoding="utf-8")
    assert outcome(report) == "read"
    monkeypatch.setenv("CI", "true")
    assert outcome(report) == "read"


def test_no_authored_text_copies_eight_words_of_the_report() -> None:
    report = report_text()
    assert len(runs(report)) > 300  # really the report, not an empty file
    texts = list(authored_texts())
    assert len(texts) > 100
    found = {where: hits for where, text in texts if (hits := copied(text, report))}
    assert not found, found
