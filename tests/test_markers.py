"""Every browser test carries the ``browser`` marker, so ``-m "not browser"`` runs none of them."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
COLLECT = (sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider")


def test_no_test_in_the_browser_folder_runs_without_the_browser_marker() -> None:
    out = subprocess.run(
        [*COLLECT, "-m", "not browser", "tests/browser"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert [line for line in out.splitlines() if "::" in line] == []
    # The folder's tests were collected, and every one was left out by the marker.
    deselected = re.search(r"\((\d+) deselected\)", out)
    assert deselected, out[-2000:]
    assert int(deselected.group(1)) > 50
