"""The files store's save, all or nothing across files: written aside, a journal, then the renames.

One edit may change several files (a new place in ``places.geojson`` and the
claim citing it in ``claims.json``, with its line of ``changes.jsonl``).
Renamed file by file, a crash between two renames left half the edit in the
folder, without its audit line: a claim citing a place that is not there,
and a change that read as a hand edit. A save here is:

1. every new file written whole beside its final name, under a temporary
   name, and flushed to disk (``fsync``);
2. a journal (:data:`JOURNAL_FILE`) naming each temporary file's final name
   and holding the audit trail's new lines, itself written aside, flushed and
   renamed into place: from here on the save is decided;
3. the temporary files renamed over their final names, the folders synced;
4. the audit lines appended and flushed;
5. the journal removed.

A crash before step 2 leaves only temporary files (the next save removes them)
and the folder as it was. After it, whoever next reads or saves finds the
journal and does steps 3 to 5 (:func:`roll_forward`, the very code a save runs
after writing its journal), before anything is read: the edit is then wholly
there, with its audit line. Each step can be done twice: a temporary file
already renamed is not there any more, and lines already appended are not
appended again.

The journal is read as untrusted: it may only rename a temporary file beside
a data file over that file (:func:`_renames`); anything else in it is passed
over and logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from briefmap.engine.briefings import BRIEFINGS_DIR
from briefmap.engine.state import SLUG
from briefmap.store.audit import CHANGES_FILE
from briefmap.store.files_writes import RECORD_LISTS, sync_folder, write_aside, write_atomically

JOURNAL_FILE = ".briefmap.journal"
_LOG = logging.getLogger(__name__)


def commit(root: Path, texts: Mapping[str, str], log_text: str) -> None:
    """Write these files (by name in the folder ``root``) and append ``log_text`` to the trail, all or nothing.

    When this raises before the journal is in place, nothing has changed; after
    it, the save is completed by the next :func:`roll_forward`.
    """
    temps: dict[str, Path] = {}
    try:
        for name, text in texts.items():
            temps[name] = write_aside(root / name, text)
        trail = root / CHANGES_FILE
        journal = {
            "renames": [[temp.relative_to(root).as_posix(), name] for name, temp in temps.items()],
            "log_at": trail.stat().st_size if trail.is_file() else 0,
            "log": log_text,
        }
        write_atomically(root / JOURNAL_FILE, json.dumps(journal, ensure_ascii=False))
    except BaseException:
        if not (root / JOURNAL_FILE).exists():  # not decided: leave the folder as it was
            for temp in temps.values():
                with contextlib.suppress(OSError):
                    temp.unlink()
        raise
    roll_forward(root)


def roll_forward(root: Path) -> bool:
    """Finish the save a journal in ``root`` describes; ``False`` when there is none.

    Call with the folder's write lock held.
    """
    path = root / JOURNAL_FILE
    try:
        journal = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError, RecursionError) as exc:
        # Never one of ours: a journal is renamed into place whole. Nothing it says is done.
        _LOG.warning("removing %s, which cannot be read: %s", path, exc)
        path.unlink(missing_ok=True)
        return False
    folders = {root}
    for temp, final in _renames(root, journal):
        if temp.exists():  # else renamed already, before a crash
            os.replace(temp, final)
            folders.add(final.parent)
    for folder in folders:
        sync_folder(folder)
    log_at, log = journal.get("log_at"), journal.get("log")
    if isinstance(log_at, int) and isinstance(log, str) and log:
        _append_once(root / CHANGES_FILE, log_at, log.encode("utf-8"))
    path.unlink()
    sync_folder(root)
    return True


def _renames(root: Path, journal: Any) -> list[tuple[Path, Path]]:
    """The journal's (temporary file, data file) pairs that are a save's: beside a data file, over it."""
    pairs = journal.get("renames") if isinstance(journal, dict) else None
    renames = []
    for pair in pairs if isinstance(pairs, list) else []:
        if (
            isinstance(pair, list)
            and len(pair) == 2
            and all(isinstance(p, str) for p in pair)
            and _is_data_file(pair[1])
            and _is_temp_of(pair[0], pair[1])
        ):
            renames.append((root / pair[0], root / pair[1]))
        else:
            _LOG.warning("passing over a rename the store never writes: %.200r", pair)
    return renames


def _is_data_file(name: str) -> bool:
    if name in RECORD_LISTS:
        return True
    folder, _, file = name.partition("/")
    return folder == BRIEFINGS_DIR and file.endswith(".json") and bool(SLUG.fullmatch(file[:-5]))


def _is_temp_of(temp: str, final: str) -> bool:
    """Whether ``temp`` is a name :func:`write_aside` gives beside ``final``."""
    t, f = PurePosixPath(temp), PurePosixPath(final)
    return (
        t.parent == f.parent
        and t.name.startswith(f".{f.name}.")
        and t.name.endswith(".tmp")
        and "/" not in t.name
        and ".." not in t.parts
    )


def _append_once(trail: Path, at: int, lines: bytes) -> None:
    """Append ``lines`` at byte ``at`` of the trail, unless they are there already."""
    size = trail.stat().st_size if trail.is_file() else 0
    with trail.open("ab") as out:
        if size > at:
            with trail.open("rb") as handle:
                handle.seek(at)
                there = handle.read()
            if there == lines:
                return  # appended before the crash
            if not lines.startswith(there):
                _LOG.warning("%s changed after a save was cut short; its lines go last", trail)
            else:
                out.truncate(at)  # cut short mid-append: written again whole
        out.write(lines)
        out.flush()
        os.fsync(out.fileno())
