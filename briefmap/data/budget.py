"""Reading untrusted files within a budget of time and memory, in a process that can be stopped.

GDAL and SQLite read in C, where Python cannot interrupt them: a GeoPackage view
that yields rows without end keeps its thread at 100 % for ever, and a server
thread that waits on it never returns. So a GIS file is read in a child process
(:func:`within_budget`). The parent waits at most :data:`READ_SECONDS` for its
answer and then kills it; the child's address space is capped
:data:`READ_MEMORY_BYTES` above what it starts with. Either way the caller's
thread returns, with the limit that was hit named (:class:`Stopped`).

Children come from a ``forkserver``: forking the threaded Streamlit server
itself could copy a lock another thread holds and hang the child. The fork
server is one small process, started on the first read (about 1.3 s, once per
server), which imports the GIS modules (:data:`PRELOAD`) so that each read forks
warm (:mod:`briefmap.data.gis_warm`). A read still costs some 25 to 50 ms
more than in the server (a 10-row KML 26 ms against 1 ms, a 10-row GeoPackage
69 ms against 22 ms), once per uploaded file.
"""

from __future__ import annotations

import ast
import functools
import gc
import importlib
import multiprocessing
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from briefmap.data.validate import Collector, ValidationIssue, short
from briefmap.heap import collector_paused

# Longest one file may take to read, from its reader's start to its answer. A
# GeoPackage at an upload's limit of rows (50,000) took 5 to 19 s in its child
# on the shared 2-core test machine, by load (4 to 11 s read in the server).
READ_SECONDS = 60.0
# Most memory one read may take beyond its reader's own at its start (about
# 480 MB of address space with GDAL, pandas and shapely loaded). That
# 50,000-row GeoPackage (38 MB) took about 300 MB more.
READ_MEMORY_BYTES = 1024 * 1024 * 1024
# What each child needs, imported once in the fork server (so each read forks
# warm); gis_warm also opens GDAL's drivers and PROJ's database there.
PRELOAD = ("briefmap.data.gis_files", "briefmap.data.gis_warm")
# The modules whose limits a child takes from the parent (see _limits).
_LIMITED_MODULES = "briefmap.data."

T = TypeVar("T")

# Reads this process has stopped at a limit (or lost to a dead reader), so far:
# what was built while one was stopped holds a refusal that may not hold on a
# quieter machine, and is not to be kept on disk (see reads_stopped).
_stops = 0


@dataclass(frozen=True)
class Stopped:
    """A read abandoned at a limit, or a reader that died: why, as a sentence for the file."""

    reason: str


def _main_imports() -> list[str]:
    """The modules the running program's main script imports, at its top level.

    multiprocessing runs the parent's main script again in each child, to find
    what it defines (``multiprocessing.spawn``'s ``_fixup_main_from_path``).
    Under ``streamlit run`` that script is Streamlit's command line, which
    imports all of Streamlit: 0.4 to 1 s a read, unless the fork server has
    imported it already.
    """
    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None)
    if path is None or getattr(getattr(main, "__spec__", None), "name", None):
        return []  # run as a module (python -m): not run again in the child
    try:
        tree = ast.parse(Path(path).read_bytes())
    except (OSError, SyntaxError, ValueError):
        return []
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return sorted(name for name in names if name in sys.modules)


@functools.cache
def _context() -> Any:
    # One fork server per server process, kept for its life. Without one
    # (Windows), each read starts a fresh interpreter: slower, as safe.
    if "forkserver" not in multiprocessing.get_all_start_methods():  # pragma: no cover
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([*PRELOAD, *_main_imports()])
    return context


def _limits() -> dict[str, dict[str, int | float]]:
    """The numeric limits (upper-case module constants) of Briefmap's data modules, as now.

    The fork server imported its modules once, at its start: a limit changed
    since in this process (by a test, say) would not hold in the child, so the
    child is handed them all.
    """
    return {
        name: {
            key: value
            for key, value in vars(module).items()
            if key.isupper() and type(value) in (int, float)
        }
        for name, module in list(sys.modules.items())
        if name.startswith(_LIMITED_MODULES) and module is not None
    }


def _address_space() -> int:
    """The address space of the process, in bytes (Linux); 0 where it cannot be read."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        pass
    return 0


def _cap_memory(budget: int) -> None:
    # RLIMIT_AS: every allocation past it fails, in Python (MemoryError) and in
    # GDAL alike. macOS does not enforce it; Linux (the app's host, CI) does.
    start = _address_space()
    if start:
        resource.setrlimit(resource.RLIMIT_AS, (start + budget, start + budget))


def _child(
    answer: Connection,
    read: Callable[..., Any],
    args: tuple[Any, ...],
    memory: int,
    limits: dict[str, dict[str, int | float]],
) -> None:
    """The child's whole life: take the parent's limits, read, send what came of it."""
    for name, values in limits.items():
        module = importlib.import_module(name)
        for key, value in values.items():
            setattr(module, key, value)
    # A child lives for one read: what it makes is freed when it exits, and the
    # collector's passes over 50,000 rows' objects would only slow it.
    gc.disable()
    try:
        _cap_memory(memory)
        outcome: tuple[str, Any] = ("read", read(*args))
    except MemoryError:
        outcome = ("memory", None)
    except Exception as exc:  # a reader's bug: told as one issue, its traceback to the log
        traceback.print_exc()
        outcome = ("failed", short(f"{type(exc).__name__}: {exc}", 200, quote=False))
    try:
        answer.send(outcome)
    except MemoryError:  # the answer itself too large to send within the budget
        answer.send(("memory", None))
    finally:
        answer.close()


def _died(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the reader stopped with {name}"
    return f"the reader stopped with exit status {exitcode}"


def within_budget(
    read: Callable[..., T],
    *args: Any,
    seconds: float | None = None,
    memory: int | None = None,
) -> T | Stopped:
    """``read(*args)`` in a child process, within a budget of time and memory.

    Parameters
    ----------
    read
        A module-level function (the child finds it by name): its arguments
        and what it returns travel by pickle.
    *args
        Its arguments.
    seconds
        Most time the read may take, from the child's start to its answer
        received; :data:`READ_SECONDS` by default.
    memory
        Most memory the read may take beyond the child's own at its start;
        :data:`READ_MEMORY_BYTES` by default.

    Returns
    -------
    T | Stopped
        What ``read`` returned; or, when it hit a limit, died, or raised,
        :class:`Stopped` saying which. The child is gone either way (killed,
        and reaped), and this returns within ``seconds`` and a little.
    """
    seconds = READ_SECONDS if seconds is None else seconds
    memory = READ_MEMORY_BYTES if memory is None else memory
    context = _context()
    answer, send_end = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(send_end, read, args, memory, _limits()), daemon=True
    )
    outcome: tuple[str, Any] = ("time", None)
    try:
        # Returns once the child exists: the fork server's own start (the first
        # read's, about 1 s) is not the file's to pay for.
        child.start()
    except (OSError, EOFError) as exc:  # no fork server, or it could not fork
        send_end.close()
        answer.close()
        return _stopped(f"could not be read: no reader could be started ({exc})")
    try:
        started = time.monotonic()
        send_end.close()  # the child's end: once the child is gone, reading ends (EOF)
        if answer.poll(max(0.0, seconds - (time.monotonic() - started))):
            try:
                # Unpickling 50,000 rows makes millions of objects: with the collector
                # on, its passes took longer than the unpickling (1.8 s against 0.7 s).
                with collector_paused():
                    outcome = answer.recv()
            except (EOFError, OSError):  # it died before it answered: killed, or a crash
                child.join(1.0)
                outcome = ("died", None)
    finally:
        if child.is_alive():
            child.kill()
        child.join()  # reaped (the fork server waits on it): no zombie is left
        exitcode = child.exitcode
        answer.close()
        child.close()
    kind, value = outcome
    if kind == "read":
        return value
    mb = f"{memory / (1024 * 1024):,.0f} MB"
    if kind == "time":
        reason = (
            f"stopped after {seconds:g} s: the file took longer than Briefmap's limit "
            "for reading one file"
        )
    elif kind == "memory":
        reason = (
            "stopped: reading the file needed more memory than Briefmap's limit of "
            f"{mb} for one file"
        )
    elif kind == "died":
        reason = (
            f"{_died(exitcode)} while reading the file (a damaged file, or one that "
            f"needed more than Briefmap's limit of {mb} of memory)"
        )
    else:
        reason = f"could not be read: {value}"
    return _stopped(f"{reason}; nothing from it was loaded")


def read_reported(
    read: Callable[..., tuple[T, list[ValidationIssue]]],
    out: Collector,
    *args: Any,
    budget: bool = True,
) -> T | None:
    """``read(*args)`` within the budget (:func:`within_budget`), its issues reported to ``out``.

    ``read`` returns what it read and its issues, since a collector filled in
    the child does not travel back; a read stopped at a limit is one issue on
    the file, naming the limit, and ``None``. With ``budget`` false ``read``
    runs here (a file no reader would open, only to be told so).
    """
    done = within_budget(read, *args) if budget else read(*args)
    if isinstance(done, Stopped):
        out.add("-", "-", done.reason)
        return None
    result, issues = done
    for issue in issues:
        out.add(issue.record, issue.field, issue.message)
    return result


def _stopped(reason: str) -> Stopped:
    """A read stopped, counted (:func:`reads_stopped`)."""
    global _stops  # one counter per process, only ever increased
    _stops += 1
    return Stopped(reason)


def reads_stopped() -> int:
    """How many reads this process has stopped at a limit, or lost to a dead reader.

    A time limit hit under load may not be hit on a quieter machine: compare the
    count before and after building something to know whether it holds such a
    refusal (the data stored on disk must not, see :mod:`briefmap.engine.stored`).
    """
    return _stops
