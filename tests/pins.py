"""The releases a module that reaches into another project was written against, checked.

Each such module (``briefmap/app/streamlit_internals.py``,
``briefmap/drawing/branca_internals.py``) or file
(``briefmap/drawing/web/streamlit-folium-report.js``) names the release it was
written against; its test fails here when the installed one, or the lock's,
is another.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

# The app's lock file (what Streamlit Community Cloud installs).
LOCK = Path(__file__).resolve().parent.parent / "requirements.txt"


def locked(package: str) -> list[str]:
    """The versions the lock pins ``package`` to (``name==version`` lines)."""
    pin = re.compile(rf"{re.escape(package)}==([^\s;]+)", re.IGNORECASE)
    return [
        m[1] for line in LOCK.read_text(encoding="utf-8").splitlines() if (m := pin.match(line))
    ]


def assert_written_against(package: str, written_against: str) -> None:
    """The installed ``package`` is ``written_against``, and so is the lock's pin, if any."""
    assert version(package) == written_against, (
        f"{package} {version(package)} is installed, the code was written against "
        f"{written_against}: re-read what it relies on, then update the version"
    )
    assert locked(package) in ([], [written_against])
