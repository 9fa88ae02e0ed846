"""``python -m briefmap pack``, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from briefmap.data.loader import DATA_ENV_VAR
from briefmap.engine.briefings import BRIEFINGS_DIR

REPO_ROOT = Path(__file__).resolve().parent.parent
SHIPPED = REPO_ROOT / "geodata" / BRIEFINGS_DIR / "moscow-meeting.json"


def run(*args: str, cwd: Path, data_env: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != DATA_ENV_VAR}
    if data_env is not None:
        env[DATA_ENV_VAR] = data_env
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "briefmap", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_pack_writes_every_scene_of_a_briefing_file(tmp_path: Path) -> None:
    out = tmp_path / "pack.html"
    done = run("pack", str(SHIPPED), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    html = out.read_text(encoding="utf-8")
    scenes = json.loads(SHIPPED.read_text(encoding="utf-8"))["scenes"]
    for scene in scenes:
        title = scene["title"].replace("'", "&#x27;")
        assert f">{title}</h2>" in html
    assert f"{len(scenes)} scenes" in done.stdout


def test_pack_by_id_reads_the_data_folder_named(data_copy: Path, tmp_path: Path) -> None:
    done = run("pack", "moscow-meeting", cwd=tmp_path, data_env=str(data_copy))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "moscow-meeting.html").is_file()


def test_a_broken_briefing_is_reported_as_validate_reports_it(
    data_copy: Path, tmp_path: Path
) -> None:
    path = data_copy / BRIEFINGS_DIR / "moscow-meeting.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["scenes"][1]["highlight"] = ["atlantis"]
    path.write_text(json.dumps(payload), encoding="utf-8")
    out = tmp_path / "pack.html"
    done = run("pack", str(path), "-o", str(out), cwd=tmp_path)
    assert done.returncode == 1
    assert not out.exists()
    line = (
        "briefings/moscow-meeting.json: record 'moscow-meeting', field "
        "'scenes[2].highlight': 'atlantis' is not a place in the data"
    )
    assert line in done.stderr
    validate = run("validate", str(data_copy), cwd=tmp_path)
    assert line in validate.stdout


def test_an_unknown_briefing_names_the_valid_ones(tmp_path: Path) -> None:
    done = run("pack", "no-such-briefing", cwd=tmp_path, data_env=str(REPO_ROOT / "geodata"))
    assert done.returncode == 1
    assert "valid: moscow-meeting" in done.stderr
