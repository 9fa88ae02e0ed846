"""What a test does when a tool it needs (the browser stack, Node) is not installed."""

from __future__ import annotations

import os

import pytest

from briefmap.screenshots import INSTALL_HINT

NODE_HINT = "Install Node (Debian: apt-get install -y nodejs, as .ci/run does)."


def missing_tool(reason: str, hint: str) -> None:
    """Skip, or fail under CI, when a tool the test needs is not installed.

    CI installs every one, so there a missing one is a broken machine, not a reason to skip.
    """
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true, so this fails instead of skipping). {hint}")
    pytest.skip(f"{reason}. {hint}")


def missing_browser_stack(reason: str) -> None:
    """:func:`missing_tool` for Chromium or Playwright."""
    missing_tool(reason, INSTALL_HINT)


AXE_HINT = (
    "axe-core comes from the npm registry as a test-time dependency: run `npm ci` in the "
    "repository (make test does; .ci/run installs Debian's npm when it is missing)."
)
