"""The files store's writing: a file written whole or not at all, and the folder in the stable format.

See :mod:`briefmap.store.files` for why (a crash leaves the old file or the new
one, never half of one).
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from briefmap.data.schema import CLAIMS_FILE, META_FILE, PLACES_FILE, SOURCES_FILE
from briefmap.engine.briefings import BRIEFINGS_DIR
from briefmap.store.canonical import canonical_json

# Under each kind's file, the list its records are in.
RECORD_LISTS: dict[str, str] = {
    PLACES_FILE: "features",
    CLAIMS_FILE: "claims",
    SOURCES_FILE: "sources",
}


def write_aside(path: Path, text: str) -> Path:
    """Write ``text`` whole to a temporary file beside ``path``, flushed to disk; its path.

    The name is ``.<name>.<random>.tmp``: hidden, and what a save clears when a
    writer died before renaming it (:mod:`briefmap.store.files_journal`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return Path(temp)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all: temp file, fsync, rename, folder fsync."""
    temp = write_aside(path, text)
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so a rename in it survives a power cut."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def ends_a_line(path: Path) -> bool:
    """Whether a non-empty file's last byte ends a line."""
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def fresh_payload(payload: Any, name: str) -> dict[str, Any]:
    """A copy of a file's payload to change, or an empty one when it is missing."""
    key = RECORD_LISTS[name]
    if not isinstance(payload, dict) or not isinstance(payload.get(key), list):
        empty: dict[str, Any] = {key: []}
        return {"type": "FeatureCollection", **empty} if name == PLACES_FILE else empty
    return {**payload, key: list(payload[key])}


def rewrite_canonically(data_dir: Path | str) -> list[str]:
    """Rewrite a data folder's files in the stable format; the names of those that changed."""
    root = Path(data_dir)
    names = [PLACES_FILE, CLAIMS_FILE, SOURCES_FILE, META_FILE]
    names += [f"{BRIEFINGS_DIR}/{p.name}" for p in sorted((root / BRIEFINGS_DIR).glob("*.json"))]
    changed = []
    for name in names:
        path = root / name
        if not path.is_file():
            continue
        raw = path.read_text(encoding="utf-8")
        text = canonical_json(name, json.loads(raw))
        if text != raw:
            write_atomically(path, text)
            changed.append(name)
    return changed
