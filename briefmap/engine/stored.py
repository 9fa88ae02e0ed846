"""The validated data and its index on disk, keyed by the files' content and the code.

Without it every server start validates the data again before the first map
(about 7 to 10 s at 100,000 claims). With it a start reads one file. The key
is the data's fingerprint (:func:`briefmap.data.fingerprint.data_fingerprint`)
and a hash of Briefmap's own code, so an edit to either builds afresh; the
file is written under a temporary name and renamed into place, so two servers
sharing the folder never read half a file.

The file is a pickle: reading it runs what it says. The folder is the
server's own (created private to its user); point ``BRIEFMAP_CACHE_DIR``
elsewhere, or at nothing writable to go without, if that user is shared.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from briefmap.data.budget import reads_stopped
from briefmap.heap import collector_paused

CACHE_ENV = "BRIEFMAP_CACHE_DIR"
FORMAT = "1"  # bump when what is stored changes shape without a code change
PACKAGE = Path(__file__).resolve().parents[1]

T = TypeVar("T")
_LOG = logging.getLogger(__name__)


def cache_dir() -> Path:
    """``$BRIEFMAP_CACHE_DIR``, else ``$XDG_CACHE_HOME/briefmap``, else ``~/.cache/briefmap``."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "briefmap"


@functools.cache
def code_version() -> str:
    """A hash of every Python file of the package: what shapes the stored objects."""
    digest = hashlib.sha256(FORMAT.encode())
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def stored(
    data_dir: Path,
    fingerprint: str,
    build: Callable[[], T],
    worth_storing: Callable[[T], bool] = lambda _: True,
) -> T:
    """What ``build()`` gives for this data, from the disk if an earlier start stored it.

    Anything wrong with the stored file (missing, cut short, from other code)
    means building afresh; a folder that cannot be written means no cache.
    What was built while a file's read was stopped at a limit is not stored: a
    time limit hit under load would otherwise refuse that file at every start.
    Nor is what ``worth_storing`` refuses: a version patched from the one
    before an edit (writing 53 MB cost 1.25 CPU-s per save at 100,000 claims).
    """
    folder = cache_dir()
    stem = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    key = hashlib.sha256(f"{fingerprint}|{code_version()}".encode()).hexdigest()[:32]
    path = folder / f"{stem}-{key}.pickle"
    try:
        with path.open("rb") as handle, collector_paused():
            return pickle.load(handle)  # noqa: S301 - the server's own file, see above
    except FileNotFoundError:
        pass
    except Exception as exc:
        _LOG.warning("ignoring the stored data at %s: %s", path, exc)
    stops = reads_stopped()
    with collector_paused():
        value = build()
    if reads_stopped() == stops and worth_storing(value):
        _store(folder, stem, path, value)
    return value


def _store(folder: Path, stem: str, path: Path, value: object) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=f".{stem}-", delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except (OSError, pickle.PicklingError, RecursionError) as exc:
        _LOG.warning("could not store the data at %s: %s", path, exc)
        return
    for old in folder.glob(f"{stem}-*.pickle"):  # earlier versions of this data folder's
        if old != path:
            old.unlink(missing_ok=True)
