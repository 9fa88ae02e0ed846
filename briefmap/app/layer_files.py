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
- Old files are pruned, but only beyond the newest :data:`KEEP` and only when
  nobody asked for them for :data:`IDLE_S` seconds.
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
# Files kept whatever their age, and how long a file beyond those stays untouched
# before it may go: a page that fetched a file an hour ago has long drawn it.
KEEP = 64
IDLE_S = 3600.0
# Payload texts remembered with their file name, so that a rerun with the same
# layers hashes nothing: a few selections' worth of layers.
REMEMBERED = 16
# A file re-asked for is touched at most this often (its age is what pruning reads).
TOUCH_S = 60.0
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
        keep: int = KEEP,
        idle_s: float = IDLE_S,
    ) -> None:
        self.folder = folder
        self.url_base = url_base
        self.keep = keep
        self.idle_s = idle_s
        self._lock = threading.Lock()
        # id of a payload text -> (the text, its file name, when last touched). The
        # text is held so its id cannot be reused; the plan's cache holds it anyway.
        self._known: dict[int, tuple[str, str, float]] = {}

    def publish(self, text: str) -> str | None:
        """The URL of ``text`` as a file, written if missing; ``None`` if it cannot be written."""
        now = time.time()
        with self._lock:
            known = self._known.get(id(text))
            if known is not None and known[0] is text:
                name, touched = known[1], known[2]
                path = self.folder / name
                if now - touched < TOUCH_S and path.exists():
                    return self._url(name)
            name = hashlib.sha256(text.encode("utf-8")).hexdigest()[:40] + SUFFIX
            try:
                self._write(name, text)
            except OSError as error:
                log.warning("layers inlined: cannot write %s: %s", self.folder, error)
                return None
            self._known[id(text)] = (text, name, now)
            if len(self._known) > REMEMBERED:
                # Forget the oldest half: each entry holds its text (up to a megabyte at
                # 100,000 claims) alive, and a forgotten text is only hashed again (2 ms).
                for key in sorted(self._known, key=lambda k: self._known[k][2])[: REMEMBERED // 2]:
                    del self._known[key]
            return self._url(name)

    def _url(self, name: str) -> str:
        return f"{self.url_base}/{name}"

    def _write(self, name: str, text: str) -> None:
        path = self.folder / name
        if path.exists():
            os.utime(path)  # asked for again: not idle
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        data = gzip.compress(text.encode("utf-8"), compresslevel=GZIP_LEVEL, mtime=0)
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".tmp-", suffix=SUFFIX)
        try:
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the server serves it
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.prune()

    def prune(self) -> list[str]:
        """Remove files beyond the newest :attr:`keep` that were idle :attr:`idle_s`; return their names."""
        cutoff = time.time() - self.idle_s
        entries = []
        for path in self.folder.iterdir():
            try:
                entries.append((path.stat().st_mtime, path))
            except OSError:
                continue  # removed meanwhile by another server
        entries.sort(reverse=True)
        published = [(t, p) for t, p in entries if not p.name.startswith(".tmp-")]
        # A temporary file idle that long was left by a writer that died.
        stale = [(t, p) for t, p in entries if p.name.startswith(".tmp-")]
        removed = []
        for mtime, path in published[self.keep :] + stale:
            if mtime < cutoff and path.name.endswith(SUFFIX):
                path.unlink(missing_ok=True)
                removed.append(path.name)
        return removed
