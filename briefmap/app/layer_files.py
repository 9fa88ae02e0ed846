"""The map's layer payloads as files the map's frame fetches, off Streamlit's message path.

A large map's layers are 2 to 3 MB of JSON. Carried in the map's script they went
through Streamlit's websocket, its page, and a message into the map's frame: about
a second of the page's time at 100,000 claims before the frame even started
(BENCHMARKS.md, "The whole app"). Written here once per distinct payload, gzipped,
under the app's ``static/layers/`` (served by ``server.enableStaticServing``),
the frame fetches each file itself (``briefmap/drawing/web/payload-fetch.js``).

- Named by content hash: the same layers are one file for every session and
  every server sharing the folder, and a name never points at other content.
- Written to a temporary name and renamed into place, so a reader never sees
  half a file, also when two servers write the same one.
- Bounded at all times by a budget of bytes and files per folder (:data:`MAX_BYTES`,
  :data:`MAX_FILES`): before a file is written, the least recently published go
  to make room, but never one published in the last :data:`GRACE_S` seconds.
  That is the time between a run that names a file and its frame fetching it;
  the frame fetches a file once (the page holds the payload after that) and
  fetches again only on a run that publishes it again, which rewrites a file
  evicted meanwhile. When no room can be made (every file that recent), the
  layer is inlined with the page instead: slower, never a missing file.
  Servers sharing the folder each hold it to the budget when they write; two
  writing at the same moment may pass it by a file each until the next write.
- Where the folder cannot be written, :meth:`LayerFiles.publish` says so by
  returning ``None`` and the layers are inlined as before.

Only the briefing's own data goes here. An upload is one user's data and stays
in that user's session (its layer is inlined).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import tempfile
import threading
import time
from pathlib import Path

from briefmap.drawing.assets import COMPONENT_RELATIVE_BASE

LAYERS_SUBDIR = "layers"
# Set to "off" to send the layers with the page instead (briefmap/app/data.py).
LAYER_FILES_ENV = "BRIEFMAP_LAYER_FILES"
SUFFIX = ".json.gz"
# The folder's budget. 64 MB is about a hundred selections' layers at 100,000
# claims (0.6 MB a set), a file count the same order at 5,000 claims (30 KB a
# file, three files a selection). Streamlit Community Cloud may stop an app that
# writes many or large files under static/.
MAX_BYTES = 64 * 1024 * 1024
MAX_FILES = 256
# A file published this recently is never evicted: its page may not have fetched
# it yet (a run to a frame's fetch takes seconds). Longer than TOUCH_S, so that a
# page that reruns keeps its files fresh.
GRACE_S = 120.0
# Payload texts remembered with their file name, so that a rerun with the same
# layers hashes nothing: a few selections' worth of layers.
REMEMBERED = 16
# A file re-asked for is touched at most this often (its age is what eviction reads).
TOUCH_S = 15.0
# Level 1: 2.3 MB of layers become about 0.6 MB in about 15 ms, once per payload
# (level 6 saved another 0.1 MB for 90 ms, paid on every filter change).
GZIP_LEVEL = 1

log = logging.getLogger(__name__)


class LayerFiles:
    """Publishes serialised layer payloads as gzipped files under ``folder``."""

    def __init__(
        self,
        folder: Path,
        url_base: str = f"{COMPONENT_RELATIVE_BASE}/{LAYERS_SUBDIR}",
        *,
        max_bytes: int = MAX_BYTES,
        max_files: int = MAX_FILES,
        grace_s: float = GRACE_S,
    ) -> None:
        self.folder = folder
        self.url_base = url_base
        self.max_bytes = max_bytes
        self.max_files = max_files
        self.grace_s = grace_s
        self._lock = threading.Lock()
        # id of a payload text -> (the text, its file name, when last touched). The
        # text is held so its id cannot be reused; the plan's cache holds it anyway.
        self._known: dict[int, tuple[str, str, float]] = {}

    def publish(self, text: str, name: str | None = None) -> str | None:
        """The URL of ``text`` as a file, written if missing; ``None`` if it cannot be written.

        ``name``: the file's name (ending in :data:`SUFFIX`) instead of one from
        its content, for a file whose URL goes out before its text is made (the
        playback tape, :mod:`briefmap.app.playback`); it must be unique to that text.
        """
        now = time.time()
        with self._lock:
            known = self._known.get(id(text))
            if known is not None and known[0] is text and name in (None, known[1]):
                name, touched = known[1], known[2]
                path = self.folder / name
                if now - touched < TOUCH_S and path.exists():
                    return self.url_of(name)
            name = name or hashlib.sha256(text.encode("utf-8")).hexdigest()[:40] + SUFFIX
            try:
                written = self._write(name, text)
            except OSError as error:
                log.warning("layers inlined: cannot write %s: %s", self.folder, error)
                return None
            if not written:
                log.info("a layer inlined: %s is full of files published lately", self.folder)
                return None
            self._known[id(text)] = (text, name, now)
            if len(self._known) > REMEMBERED:
                # Forget the oldest half: each entry holds its text (up to a megabyte at
                # 100,000 claims) alive, and a forgotten text is only hashed again (2 ms).
                for key in sorted(self._known, key=lambda k: self._known[k][2])[: REMEMBERED // 2]:
                    del self._known[key]
            return self.url_of(name)

    def url_of(self, name: str) -> str:
        """The URL a file published as ``name`` has (or will have)."""
        return f"{self.url_base}/{name}"

    def _write(self, name: str, text: str) -> bool:
        """Write ``name`` unless it is there; ``False`` if the budget has no room for it."""
        path = self.folder / name
        if path.exists():
            os.utime(path)  # asked for again: recently used
            return True
        self.folder.mkdir(parents=True, exist_ok=True)
        data = gzip.compress(text.encode("utf-8"), compresslevel=GZIP_LEVEL, mtime=0)
        if not self.make_room(len(data)):
            return False
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=SUFFIX)
        try:
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the server serves it
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return True

    def make_room(self, size: int) -> bool:
        """Evict the least recently published files until one of ``size`` bytes fits the budget.

        Files published in the last :attr:`grace_s` seconds stay; if the room
        needs them, nothing is evicted and the answer is ``False``.
        """
        entries = []
        for path in self.folder.iterdir():
            try:
                stat = path.stat()
            except OSError:
                continue  # removed meanwhile by another server
            entries.append((stat.st_mtime, stat.st_size, path))
        entries.sort()  # least recently published first
        cutoff = time.time() - self.grace_s
        published = []
        for mtime, n, path in entries:
            if not path.name.startswith(".tmp-"):
                published.append((mtime, n, path))
            elif mtime < cutoff:
                path.unlink(missing_ok=True)  # left by a writer that died
        count = len(published) + 1
        used = sum(n for _, n, _ in published) + size
        evict = []
        for mtime, n, path in published:
            if (count <= self.max_files and used <= self.max_bytes) or mtime >= cutoff:
                break
            evict.append(path)
            count, used = count - 1, used - n
        if count > self.max_files or used > self.max_bytes:
            return False
        for path in evict:
            path.unlink(missing_ok=True)
        return True
