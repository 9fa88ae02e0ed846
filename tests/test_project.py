"""The README, CI and deployment files say what is true."""

from __future__ import annotations

import json
import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parent.parent
# What Streamlit Community Cloud installs, and what .venv gets (the Makefile).
LOCK = REPO / "requirements.txt"
TEST_LOCK = REPO / "requirements-test.txt"


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


def _pins(path: Path) -> dict[NormalizedName, Requirement]:
    """Every package a lock file pins, by name: each once, at one exact version."""
    pins: dict[NormalizedName, Requirement] = {}
    for line in _requirement_lines(path):
        pin = Requirement(line)
        name = canonicalize_name(pin.name)
        # Twice would mean a version per Python or platform: the tests would not run
        # what Cloud deploys (the Makefile's relock asks uv for one version of each).
        assert name not in pins, f"{path.name} pins {name} twice"
        (spec,) = pin.specifier
        assert spec.operator == "==" and "*" not in spec.version, f"{path.name}: {line}"
        assert pin.url is None and not pin.extras, f"{path.name}: {line}"
        pins[name] = pin
    return pins


def _pinned_version(pin: Requirement) -> Version:
    return Version(next(iter(pin.specifier)).version)


def _applies_here(pin: Requirement) -> bool:
    return pin.marker is None or pin.marker.evaluate()


def _declared(with_test_tools: bool) -> list[Requirement]:
    """What pyproject.toml asks for: the app's dependencies, and for the tests the test
    extra, the build backend and the Makefile's install group (pip, setuptools)."""
    pyproject = _pyproject()
    wanted = list(pyproject["project"]["dependencies"])
    if with_test_tools:
        wanted += pyproject["project"]["optional-dependencies"]["test"]
        wanted += pyproject["build-system"]["requires"]
        wanted += pyproject["dependency-groups"]["install"]
    return [Requirement(w) for w in wanted]


def _installed(name: str) -> metadata.Distribution:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        pytest.fail(f"{name} is not installed: make test reinstalls .venv from the lock")


def _needed_here(roots: list[Requirement]) -> set[NormalizedName]:
    """The packages ``roots`` need on this machine, following installed metadata."""
    seen: set[tuple[NormalizedName, frozenset[str]]] = set()
    todo = [r for r in roots if _applies_here(r)]
    while todo:
        wanted = todo.pop()
        name, extras = canonicalize_name(wanted.name), frozenset(wanted.extras)
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for line in _installed(name).requires or []:
            dependency = Requirement(line)
            if dependency.marker is None or any(
                dependency.marker.evaluate({"extra": extra}) for extra in extras | {""}
            ):
                todo.append(dependency)
    return {name for name, _ in seen}


def test_the_locks_pin_every_declared_package_within_pyprojects_range() -> None:
    # Community Cloud installs requirements.txt; .venv installs requirements-test.txt.
    for path, with_test_tools in ((LOCK, False), (TEST_LOCK, True)):
        pins = _pins(path)
        declared = _declared(with_test_tools)
        assert len(declared) > 8
        for wanted in declared:
            pin = pins.get(canonicalize_name(wanted.name))
            assert pin is not None, f"{path.name} does not pin {wanted.name}: run make relock"
            assert wanted.specifier.contains(_pinned_version(pin), prereleases=True), (
                f"{path.name} pins {pin}, outside pyproject.toml's {wanted}: run make relock"
            )


def test_the_test_lock_pins_the_apps_lock_as_it_is() -> None:
    # The tests run the versions Cloud deploys.
    app, test = _pins(LOCK), _pins(TEST_LOCK)
    assert len(app) > 20
    assert {name: str(pin) for name, pin in app.items()} == {
        name: str(test[name]) for name in app if name in test
    }
    assert app.keys() <= test.keys()


def test_the_locks_hold_every_package_needed_and_no_other() -> None:
    # Every dependency of a locked package is locked too (here, where the installed
    # metadata is the locked versions' own), and nothing is locked that nothing needs.
    for path, with_test_tools in ((LOCK, False), (TEST_LOCK, True)):
        here = {name for name, pin in _pins(path).items() if _applies_here(pin)}
        needed = _needed_here(_declared(with_test_tools))
        assert len(needed) > 20
        assert needed == here, (
            f"{path.name}: needed but not locked {sorted(needed - here)}, "
            f"locked but not needed {sorted(here - needed)}: run make relock"
        )


def test_the_locked_versions_are_the_installed_ones() -> None:
    pins = {name: pin for name, pin in _pins(TEST_LOCK).items() if _applies_here(pin)}
    assert len(pins) > 20
    locked = {name: _pinned_version(pin) for name, pin in pins.items()}
    installed = {name: Version(_installed(name).version) for name in pins}
    assert installed == locked, "this environment is not the lock: make test reinstalls it"


def test_make_installs_from_the_lock_and_relock_relocks_then_tests() -> None:
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^TEST_LOCK\s*:=\s*requirements-test\.txt$", makefile, re.MULTILINE)
    assert re.search(r"^LOCK\s*:=\s*requirements\.txt$", makefile, re.MULTILINE)
    # The install step reruns when the lock changes, and installs nothing but the lock.
    stamp = re.search(r"^\$\(STAMP\):(.*)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert stamp and "$(TEST_LOCK)" in stamp.group(1).split()
    pip_installs = [
        line.split("pip install", 1)[1]
        for line in stamp.group(2).splitlines()
        if "pip install" in line
    ]
    assert pip_installs == [
        " --quiet -c $(TEST_LOCK) pip setuptools",
        " --quiet -r $(TEST_LOCK)",
        " --quiet --no-deps --no-build-isolation -e .",
    ]
    # uv, which writes the locks, is pinned too.
    assert re.search(r"^UV_VERSION\s*:=\s*\d+\.\d+\.\d+$", makefile, re.MULTILINE)
    assert "uv==$(UV_VERSION)" in makefile
    relock = makefile.split("\nrelock:", 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    assert relock[0] == "\t$(COMPILE) -o $(LOCK)"
    assert relock[1] == "\t$(COMPILE) --extra test --group install -c $(LOCK) -o $(TEST_LOCK)"
    assert relock[-1] == "\t$(MAKE) test"
    assert "--upgrade" in makefile.split("\nCOMPILE :=", 1)[1].split("\n\n", 1)[0]
    for path in (LOCK, TEST_LOCK):
        assert "#    make relock" in path.read_text(encoding="utf-8").splitlines()[:3]
    assert "make relock" in (REPO / "README.md").read_text(encoding="utf-8")


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
    from briefmap.app.layer_files import GRACE_S, MAX_BYTES, MAX_FILES
    from briefmap.app.panels import GROUPS_SHOWN
    from briefmap.app.search_results import SHOWN
    from briefmap.data.budget import READ_MEMORY_BYTES, READ_SECONDS
    from briefmap.data.kml_files import MAX_KML_DEPTH
    from briefmap.data.own_layer import (
        MAX_DESCRIPTION_CHARS,
        MAX_DESCRIPTION_READ,
        MAX_LINK_CHARS,
        MAX_LINKS,
    )
    from briefmap.data.uploads import MAX_FEATURES, MAX_UPLOAD_BYTES
    from briefmap.data.validate import DEFAULT_TEXT_LIMIT, MAX_DEPTH, TEXT_LIMITS
    from briefmap.drawing.bulk import BULK_THRESHOLD
    from briefmap.data.uploads import MAX_FEATURES
    from briefmap.drawing.own_canvas import OWN_CANVAS_THRESHOLD
    from briefmap.drawing.png_export import MAX_CONCURRENT_SNAPSHOTS, SNAPSHOT_WAIT_S
    from briefmap.engine.search import MAX_WORDS, NEAR_CUTOFF, NEAR_MIN_LETTERS
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
    assert rows["PNG snapshots and PDF handouts"].startswith(
        f"{MAX_CONCURRENT_SNAPSHOTS} at once per server, a {SNAPSHOT_WAIT_S:g} s wait for a slot"
    )
    assert rows["a search"].startswith(
        f"{MAX_WORDS} words; near misses for words of {NEAR_MIN_LETTERS} letters or more "
        f"(rapidfuzz ratio ≥ {NEAR_CUTOFF:g})"
    )
    assert f"the sidebar lists {SHOWN} results" in readme
    assert rows["a description in your own layer"].startswith(
        f"read to its first {MAX_DESCRIPTION_READ:,} characters, kept to "
        f"{MAX_DESCRIPTION_CHARS:,}; links http and https only, at most {MAX_LINKS} of "
        f"{MAX_LINK_CHARS:,} characters each"
    )
    assert rows["drawing your own layer"].startswith(
        f"every feature, up to the upload's {MAX_FEATURES:,} records; "
        f"over {OWN_CANVAS_THRESHOLD} on a canvas"
    )
    assert rows["a link's search"] == f"{MAX_SEARCH} characters"
    assert rows["reading a GIS file (KML, KMZ, GeoPackage, zipped Shapefile)"].startswith(
        f"{READ_SECONDS:g} s and {READ_MEMORY_BYTES // 2**30} GiB of memory"
    )
    assert f"nested at most {MAX_KML_DEPTH} deep" in rows["a KML"]
    assert rows["errors shown"].startswith(f"{GROUPS_SHOWN} groups a panel")
    assert rows["the map's layer files (`static/layers/`)"].startswith(
        f"{MAX_BYTES // 2**20} MB and {MAX_FILES} files a server's folder; a file "
        f"published in the last {GRACE_S / 60:g} minutes is never removed"
    )


def test_community_cloud_gets_what_the_png_and_pdf_exports_need() -> None:
    # Community Cloud installs requirements.txt and apt-installs packages.txt (Debian),
    # nothing else: Playwright must be in the app's lock, and Debian's chromium, whose
    # binary is where briefmap.screenshots looks by default, in packages.txt.
    from briefmap.screenshots import DEFAULT_CHROMIUM

    packages = _requirement_lines(REPO / "packages.txt")
    assert "chromium" in packages
    # One Debian package name a line, nothing apt-get would not take.
    for package in packages:
        assert re.fullmatch(r"[a-z0-9][a-z0-9.+-]+", package), package
    assert "playwright" in _pins(LOCK)
    assert "playwright" in {Requirement(d).name for d in _pyproject()["project"]["dependencies"]}
    assert DEFAULT_CHROMIUM == "/usr/bin/chromium"
