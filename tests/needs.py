"""What a test does when the browser stack it needs is not installed."""

from __future__ import annotations

import os

import pytest

from briefmap.screenshots import INSTALL_HINT


def missing_browser_stack(reason: str) -> None:
    """Skip, or fail under CI, when Chromium or Playwright is not installed.

    CI installs both, so there a missing one is a broken machine, not a reason to skip.
    """
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping). {INSTALL_HINT}")
    pytest.skip(f"{reason}. {INSTALL_HINT}")
