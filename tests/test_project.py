"""The README, CI and deployment files say what is true."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _requirement_lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert block, "the Quick start shows its commands in a sh block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_requirements_txt_matches_pyproject() -> None:
    # Community Cloud installs from requirements.txt; the two must not drift.
    normalise = lambda s: re.sub(r"\s+", "", s).lower()  # noqa: E731
    declared = sorted(normalise(d) for d in _pyproject()["project"]["dependencies"])
    assert sorted(normalise(r) for r in _requirement_lines(REPO / "requirements.txt")) == declared


def test_no_uv_lock_to_shadow_requirements() -> None:
    # Cloud would read uv.lock first; the README says requirements.txt is used.
    assert not (REPO / "uv.lock").exists()
    assert "requirements.txt" in (REPO / "README.md").read_text(encoding="utf-8")


def test_quick_start_is_exactly_two_commands() -> None:
    assert _quick_start_commands() == ["make run", "make test"]


def test_ci_runs_the_readmes_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    test_command = _quick_start_commands()[1]
    commands = [
        line.strip()
        for line in ci.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands[-1] == test_command
    # A fresh machine gets Debian's chromium, Node, make and venv support.
    assert 'apt-get install -y -qq "${missing[@]}"' in ci
    for package in ("chromium", "nodejs", "npm", "make", "python3-venv"):
        assert f"missing+=({package})" in ci
    assert "set -euo pipefail" in ci
    # Nothing may swallow pytest's exit code (5 = no tests collected).
    assert "|| true" not in ci and "exit 0" not in ci


def test_makefile_targets_exist() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test", "validate", "screenshots"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
    assert "streamlit run app.py" in makefile
    assert "-m pytest" in makefile


def test_make_test_runs_the_node_tests_and_pytest() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "node --test tests/js/*.test.js" in recipe
    assert "$(BIN)/python -m pytest" in recipe
    assert list((REPO / "tests" / "js").glob("*.test.js")), "the pattern names no test file"


def test_make_test_installs_axe_core_from_the_lockfile() -> None:
    # The accessibility browser test injects axe-core; a fresh clone gets it from
    # `make test`, pinned by the lockfile, and never commits node_modules/.
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    prerequisites = re.search(r"^test:(.*)$", makefile, re.MULTILINE)
    assert prerequisites and "$(NODE_STAMP)" in prerequisites.group(1)
    assert re.search(r"^\$\(NODE_STAMP\):.*package-lock\.json\n\tnpm ci", makefile, re.MULTILINE)
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    wanted = package["devDependencies"]["axe-core"]
    assert re.fullmatch(r"4\.\d+\.\d+", wanted), f"axe-core {wanted!r} is not an exact 4.x"
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/axe-core"]["version"] == wanted
    assert "dependencies" not in package, "Node packages are for tests only, never the app"
    assert "node_modules/" in (REPO / ".gitignore").read_text(encoding="utf-8").split()


def test_python_version_and_static_serving() -> None:
    assert _pyproject()["project"]["requires-python"] == ">=3.11"
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True


def test_briefing_screens_hide_streamlits_developer_chrome() -> None:
    # "viewer": no Deploy button and no developer menu (finding 12 of issue 13);
    # tests/browser/test_browser_offline.py checks the page itself.
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["toolbarMode"] == "viewer"


def test_copied_assets_are_not_committed() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert "static/vendor/" in ignored


def test_the_readme_security_limits_are_the_codes() -> None:
    from briefmap.data.uploads import MAX_FEATURES, MAX_UPLOAD_BYTES
    from briefmap.data.validate import DEFAULT_TEXT_LIMIT, MAX_DEPTH, TEXT_LIMITS
    from briefmap.drawing.bulk import BULK_THRESHOLD
    from briefmap.drawing.png_export import MAX_CONCURRENT_SNAPSHOTS, SNAPSHOT_WAIT_S
    from briefmap.engine.state import MAX_SEARCH

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Limits, and what happens at each:**", 1)[1].split("\n- ", 1)[0]
    rows = {
        line.split("|")[1].strip(): line.split("|")[2].strip()
        for line in table.splitlines()
        if line.strip().startswith("|") and "---" not in line
    }
    assert rows["nesting of a JSON file"] == f"{MAX_DEPTH} levels"
    texts = [*TEXT_LIMITS.values(), DEFAULT_TEXT_LIMIT]
    assert f"{min(texts)} to {max(texts):,} characters" in rows["text"]
    assert rows["an upload"].startswith(
        f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB and {MAX_FEATURES:,} records a file"
    )
    assert rows["an upload's drawing"] == f"{BULK_THRESHOLD} places"
    assert rows["PNG snapshots"] == (
        f"{MAX_CONCURRENT_SNAPSHOTS} at once per server, a {SNAPSHOT_WAIT_S:g} s wait for a slot"
    )
    assert rows["a link's search"] == f"{MAX_SEARCH} characters"
