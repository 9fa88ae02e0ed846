"""Every browser test carries the ``browser`` marker, so ``-m "not browser"`` runs none of them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _collected(*args: str) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    return [line for line in out.stdout.splitlines() if "::" in line]


def test_no_test_in_the_browser_folder_runs_without_the_browser_marker() -> None:
    everything = _collected("tests/browser")
    assert len(everything) > 50  # the folder's tests were collected at all
    assert _collected("-m", "not browser", "tests/browser") == []
    assert len(_collected("-m", "browser", "tests/browser")) == len(everything)
