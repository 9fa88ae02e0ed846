"""``python -m briefmap draft``: what it prints, its JSON, and a clear message for bad input.

Run in-process through :func:`briefmap.__main__.main` (one process, the
gazetteer cached), and once as a real subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import desk as bench_desk
from briefmap.__main__ import main
from briefmap.desk.draft import Desk
from briefmap.desk.gazetteer import _region_cities
from briefmap.desk.text import MAX_BYTES

REPORTS = bench_desk.REPORTS
WIRE = "Russian troops withdrew from the observation post at Tell al-Hara on 7 October 2024, officials said.\n\nThe Kremlin declined to comment.\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["draft", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_draft_prints_places_cues_and_names_not_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "wire.txt"
    report.write_text(
        WIRE + "\nFighting went on near Jubata al-Khashab, residents said.\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, str(report), "--date", "2025-10-20")
    assert code == 0
    assert 'tell_al_hara (site, "Tell al-Hara")' in out
    assert 'posture: former (cue "withdrew"); ended 2024-10-07' in out
    assert 'status: reported (cue "officials said")' in out
    assert 'no comment: "declined to comment"' in out
    assert "Not placed: Jubata al-Khashab" in out
    assert "news report, outlet not identified" in out


def test_draft_json_has_a_drafts_list_and_the_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "wire.txt"
    report.write_text(WIRE, encoding="utf-8")
    code, out, _ = run(
        capsys,
        str(report),
        "--json",
        "--outlet",
        "Example Wire",
        "--date",
        "2025-10-20",
        "--url",
        "https://example.org/x",
    )
    assert code == 0
    payload = json.loads(out)
    (draft,) = payload["drafts"]
    assert draft["places"][0]["id"] == "tell_al_hara" and draft["places"][0]["precision"] == "site"
    assert (draft["status"], draft["posture"], draft["end_date"]) == (
        "reported",
        "former",
        "2024-10-07",
    )
    assert draft["status_cue"]["text"] == "officials said"
    assert draft["sentence"].startswith("Russian troops withdrew")
    assert (
        payload["source"]["outlet"] == "Example Wire" and payload["source"]["outlet_known"] is True
    )


@pytest.mark.parametrize(
    ("content", "says", "code"),
    [
        (b"", "no report text", 2),
        (
            b"<html><head><script>steal()</script></head><body></body></html>",
            "only markup or script",
            2,
        ),
        (b"x" * (MAX_BYTES * 5), "more than the desk reads", 2),
        ("قال مسؤولون إن القوات الروسية غادرت القامشلي أمس".encode(), "drafts from English", 1),
        (
            "Чиновники сказали, что российские войска покинули Камышлы вчера.".encode(),
            "drafts from English",
            1,
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_a_non_zero_exit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, says: str, code: int
) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes(content)
    got, out, err = run(capsys, str(report))
    assert got == code
    assert says in err and "Traceback" not in err
    if code == 1:  # read, but nothing drafted: what it did find is still said
        assert "script" in out and "Not placed" in out


def test_arabic_and_russian_place_names_are_matched_in_an_english_report(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, str(REPORTS / "08-roundup-mixed-scripts.txt"), "--json")
    assert code == 0
    places = {p["id"] for d in json.loads(out)["drafts"] for p in d["places"]}
    assert {"qamishli", "qamishli_airport", "tartus_city", "daraa_city"} <= places


def test_bad_arguments_and_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "r.txt"
    report.write_text(WIRE, encoding="utf-8")
    assert run(capsys, str(report), "--date", "15/10/2025")[0] == 2
    code, _, err = run(capsys, str(report), "--url", "javascript:alert(1)")
    assert code == 2 and "http" in err
    code, _, err = run(capsys, str(tmp_path / "missing.txt"))
    assert code == 2 and "no such file" in err


def test_terminal_control_characters_in_a_report_are_not_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.txt"
    report.write_text(
        "Russian troops left Kobani\x1b[2J\x1b]0;pwned\x07 on Sunday, residents said.",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, str(report))
    assert code == 0 and "\x1b" not in out and "\x07" not in out


def test_the_command_runs_as_a_program(tmp_path: Path) -> None:
    report = tmp_path / "r.txt"
    report.write_text(WIRE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "briefmap", "draft", str(report), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["drafts"]


def test_region_records_read_alone_or_the_file_whole() -> None:
    flat = b'{"1": {"geonameid": 1, "countrycode": "SY", "name": "A"}, "2": {"geonameid": 2, "countrycode": "FR", "name": "B"}}'
    assert [c["name"] for c in _region_cities(flat, ("SY",))] == ["A"]
    tight = (
        b'{"1":{"geonameid":1,"countrycode":"SY","name":"A"}}'  # written otherwise: parsed whole
    )
    assert [c["name"] for c in _region_cities(tight, ("SY",))] == ["A"]


def test_the_measured_set_meets_the_targets(desk: Desk) -> None:
    scores = bench_desk.score(desk)
    assert scores.reports >= 15 and scores.claims >= 40
    assert all(scores.meets_targets().values()), bench_desk.format_scores(scores)
