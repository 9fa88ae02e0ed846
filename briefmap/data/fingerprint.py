"""A content hash of a data folder's files, to key caches on."""

from __future__ import annotations

import hashlib
from pathlib import Path

from briefmap.data.schema import CLAIMS_CSV, DATA_FILES, META_FILE

# Each file's content hash, kept while its size, modification time and inode
# stay the same: the app asks for the fingerprint on every rerun, and hashing
# 100,000 claims' files each time cost 80 ms. (An edit that keeps the size,
# saved within the same clock tick as the last read, waits for the next save.)
_DIGESTS: dict[str, tuple[tuple[int, int, int], bytes]] = {}


def _file_digest(path: Path) -> bytes:
    try:
        stat = path.stat()
    except OSError:
        return b"<missing>"
    if not path.is_file():
        return b"<missing>"
    seen = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    held = _DIGESTS.get(str(path))
    if held is not None and held[0] == seen:
        return held[1]
    digest = hashlib.sha256(path.read_bytes()).digest()
    _DIGESTS[str(path)] = (seen, digest)
    return digest


def data_fingerprint(data_dir: Path | str) -> str:
    """A hash of the data files' contents, to key caches on.

    Keyed on content, so saving a file unchanged does not reload the data; a
    file is read again only when its size, modification time or inode change.
    """
    digest = hashlib.sha256()
    root = Path(data_dir)
    if root.is_file():
        digest.update(_file_digest(root))
        return digest.hexdigest()
    # Briefings live beside the data and are cached with it.
    names = [
        *DATA_FILES,
        CLAIMS_CSV,  # claims may come as CSV instead of JSON
        META_FILE,  # title, region and actors: a change reloads the data
        *sorted(p.relative_to(root).as_posix() for p in root.glob("briefings/*.json")),
    ]
    for name in names:
        path = root / name
        digest.update(name.encode())
        digest.update(_file_digest(path))
    return digest.hexdigest()
