"""``python -m briefmap validate``, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefmap.data.loader import CLAIMS_FILE, DATA_ENV_VAR

REPO_ROOT = Path(__file__).resolve().parent.parent
GEODATA = REPO_ROOT / "geodata"
BROKEN_CLAIM = "c02-tartus-access"


def run_validate(
    *args: str, data_env: str | None = None, cwd: Path = REPO_ROOT
) -> subprocess.CompletedProcess[str]:
    """Run the validator; ``$BRIEFMAP_DATA`` is set to ``data_env`` or else unset."""
    env = {k: v for k, v in os.environ.items() if k != DATA_ENV_VAR}
    if data_env is not None:
        env[DATA_ENV_VAR] = data_env
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "briefmap", "validate", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.fixture
def broken_data(data_copy: Path) -> Path:
    """A copy of geodata/ with one claim given an unknown status."""
    path = data_copy / CLAIMS_FILE
    payload = json.loads(path.read_text(encoding="utf-8"))
    claim = next(c for c in payload["claims"] if c["id"] == BROKEN_CLAIM)
    claim["status"] = "rumoured"
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    return data_copy


def assert_reports_broken_claim(out: str) -> None:
    assert (
        f"{CLAIMS_FILE}: record '{BROKEN_CLAIM}', field 'status': unknown value 'rumoured'" in out
    )
    assert "1 error(s)" in out
    assert "left out: 1 from claims.json" in out


def test_real_geodata_validates() -> None:
    result = run_validate(str(GEODATA))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 error(s)" in result.stdout
    assert "21 places, 26 claims, 22 sources valid" in result.stdout
    assert f"Validating {GEODATA}" in result.stdout


def test_broken_copy_exits_1_and_names_the_error(broken_data: Path) -> None:
    result = run_validate(str(broken_data))
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Validating {broken_data}" in result.stdout
    assert_reports_broken_claim(result.stdout)


def test_every_error_is_printed(data_copy: Path) -> None:
    path = data_copy / CLAIMS_FILE
    payload = json.loads(path.read_text(encoding="utf-8"))
    payload["claims"][0]["status"] = "rumoured"
    payload["claims"][1]["reported"] = "15/10/2025"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    result = run_validate(str(data_copy))
    assert result.returncode == 1
    first, second = payload["claims"][0]["id"], payload["claims"][1]["id"]
    assert f"record '{first}', field 'status'" in result.stdout
    assert f"record '{second}', field 'reported'" in result.stdout
    assert "2 error(s)" in result.stdout


def test_missing_path_exits_2(tmp_path: Path) -> None:
    target = tmp_path / "nowhere"
    result = run_validate(str(target))
    assert result.returncode == 2
    assert f"{target}: not a directory" in result.stderr


def test_a_file_is_read_as_a_bundle(tmp_path: Path) -> None:
    # A plain places file is not a bundle: it lacks the "briefmap" member.
    target = tmp_path / "places.geojson"
    target.write_bytes((GEODATA / "places.geojson").read_bytes())
    result = run_validate(str(target))
    assert result.returncode == 1
    assert "places.geojson: record '-', field 'briefmap'" in result.stdout


def test_no_argument_uses_env_var(broken_data: Path, tmp_path: Path) -> None:
    # Run from elsewhere too: the default must not depend on the working directory.
    result = run_validate(data_env=str(broken_data), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Validating {broken_data}" in result.stdout
    assert_reports_broken_claim(result.stdout)


def test_no_argument_uses_env_var_clean(data_copy: Path) -> None:
    result = run_validate(data_env=str(data_copy))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Validating {data_copy}" in result.stdout
    assert "0 error(s)" in result.stdout


def test_no_argument_env_var_not_a_directory(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir"
    result = run_validate(data_env=str(missing))
    assert result.returncode == 2
    assert f"{missing}: not a directory" in result.stderr


def test_explicit_argument_beats_env_var(broken_data: Path) -> None:
    result = run_validate(str(GEODATA), data_env=str(broken_data))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Validating {GEODATA}" in result.stdout


def test_no_argument_and_no_env_var_uses_repo_geodata() -> None:
    result = run_validate()
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Validating {GEODATA}" in result.stdout
    assert "0 error(s)" in result.stdout


def test_empty_env_var_falls_back_to_repo_geodata() -> None:
    result = run_validate(data_env="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Validating {GEODATA}" in result.stdout
