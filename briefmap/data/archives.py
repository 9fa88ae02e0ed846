"""Zip archives (KMZ, zipped Shapefiles) opened safely, in memory, before GDAL sees them.

An archive is untrusted: its names may climb out of any folder (``../``, ``/etc``),
its sizes may promise a few kilobytes and unpack to gigabytes (a zip bomb), and
its headers may lie about either. So its directory is checked with
:mod:`zipfile` first, every member wanted is read into memory with a hard cap on
what is read (not what the header says), and only those bytes are handed on.
Nothing is ever extracted to disk.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

from briefmap.data.validate import Collector, short

# An archive's content, unpacked, may be at most this large (all members wanted
# together): KML and dBase compress about tenfold, so a 20 MB upload fits.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 1_000


def _unsafe_name(name: str) -> bool:
    """A member name that would land outside a folder it were extracted to."""
    path = PurePosixPath(name.replace("\\", "/"))
    return (
        name.startswith(("/", "\\"))
        or ".." in path.parts
        or (len(name) > 1 and name[1] == ":")  # a Windows drive, C:
        or "\0" in name
    )


def unpack(
    raw: bytes,
    out: Collector,
    wanted: Callable[[str], bool],
    max_bytes: int | None = None,
) -> dict[str, bytes] | None:
    """The members of a zip archive that ``wanted`` picks, read into memory.

    Parameters
    ----------
    raw
        The archive's bytes.
    out
        Where a refused archive is reported (on the file: record and field ``-``).
    wanted
        Picks members by name (directories are never picked).
    max_bytes
        Most bytes the picked members may unpack to, together;
        :data:`MAX_UNPACKED_BYTES` by default.

    Returns
    -------
    dict[str, bytes] | None
        Member name to content, in the archive's order; ``None`` when the archive
        is refused (not a zip, encrypted, an unsafe name anywhere in it, one name
        twice, too many members, or more than ``max_bytes`` declared or read).
    """
    max_bytes = MAX_UNPACKED_BYTES if max_bytes is None else max_bytes
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        out.add("-", "-", f"not a readable zip archive: {exc}")
        return None
    if len(members) > MAX_MEMBERS:
        out.add("-", "-", f"{len(members):,} files in the archive; at most {MAX_MEMBERS:,}")
        return None
    # Any unsafe name refuses the whole archive: it was made to attack, not to share.
    unsafe = [m.filename for m in members if _unsafe_name(m.filename)]
    if unsafe:
        out.add(
            "-",
            "-",
            f"the archive holds a file named {short(unsafe[0])}, outside its own folder; not read",
        )
        return None
    picked = [m for m in members if not m.is_dir() and wanted(m.filename)]
    twice = _duplicate(members, picked)
    if twice is not None:
        out.add("-", "-", f"the archive holds {twice}; which one is meant is unclear: not read")
        return None
    if any(m.flag_bits & 0x1 for m in picked):
        out.add("-", "-", "the archive is encrypted; not read")
        return None
    declared = sum(m.file_size for m in picked)
    if declared > max_bytes:
        out.add("-", "-", _too_large(declared, max_bytes))
        return None
    contents: dict[str, bytes] = {}
    budget = max_bytes
    for member in picked:
        try:
            with archive.open(member) as stream:
                # Read one byte past the budget: a header that under-states the
                # size is caught by what is read, not trusted.
                data = stream.read(budget + 1)
        except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError) as exc:
            out.add("-", "-", f"{short(member.filename)} in the archive could not be read: {exc}")
            return None
        except RuntimeError as exc:  # zipfile's word for a password it lacks
            out.add("-", "-", f"{short(member.filename)} in the archive: {exc}")
            return None
        budget -= len(data)
        if budget < 0:
            out.add("-", "-", _too_large(max_bytes + 1, max_bytes))
            return None
        contents[member.filename] = data
    return contents


def _duplicate(members: list[zipfile.ZipInfo], picked: list[zipfile.ZipInfo]) -> str | None:
    r"""Two members by one name, said for an error message; ``None`` when every name is unique.

    Any two members named alike, or alike but for ``\`` against ``/`` (old
    Windows tools wrote ``\``; Python's zipfile on Windows reads it as ``/``):
    no zip tool writes one name twice, so such an archive was made for readers
    to disagree on which is meant (zipfile's last, another tool's first). Among
    the members read, names alike but for case too: Briefmap picks them by
    suffix whatever the case, and on most desktops they are one file.
    """

    def first_repeat(names: list[str], key: Callable[[str], str]) -> tuple[str, str] | None:
        seen: dict[str, str] = {}
        for name in names:
            if key(name) in seen:
                return seen[key(name)], name
            seen[key(name)] = name
        return None

    def slashes(name: str) -> str:
        return name.replace("\\", "/")

    repeat = first_repeat([m.filename for m in members], slashes)
    if repeat is None:
        repeat = first_repeat([m.filename for m in picked], lambda n: slashes(n).casefold())
    if repeat is None:
        return None
    first, second = repeat
    if first == second:
        return f"two files named {short(first)}"
    return f"two files named {short(first)} and {short(second)}, one name to a reader"


def _too_large(size: int, limit: int) -> str:
    return (
        f"the archive unpacks to more than {limit // (1024 * 1024)} MB "
        f"({size / 1e6:,.1f} MB declared or read); not read"
    )
