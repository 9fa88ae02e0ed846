"""Run the app for a browser, and take the README's screenshots with it.

One implementation of "start ``streamlit run app.py`` on a free port and wait
until it answers", shared by :func:`take_screenshots` and the browser tests
(``tests/browser/conftest.py``); and whether this server has a browser to
draw in (:func:`why_no_browser`). Playwright is imported only when a browser is
actually needed.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

# Streamlit's elements that the waits below look for (test ids, not an API).
from briefmap.app.streamlit_internals import (
    APP,
    DATA_FRAME,
    NOT_RUNNING,
    SCRIPT_STATE_ATTRIBUTE,
    SIDEBAR_LAID_OUT,  # noqa: F401 (bench/app_browser.py times the sidebar's arrival by it)
    SIDEBAR_READY,
)
from briefmap.data.loader import DATA_ENV_VAR
from briefmap.drawing.assets import web_text

APP_DIR = Path(__file__).resolve().parent.parent
APP_SCRIPT = APP_DIR / "app.py"

CHROMIUM_ENV_VAR = "BRIEFMAP_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Quiet, reproducible, and able to run as root in a container.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
INSTALL_HINT = (
    "Chromium is needed for the browser tests and screenshots: install it with "
    f"`apt-get install -y chromium`, or point ${CHROMIUM_ENV_VAR} at a Chromium binary."
)

HEALTH_PATH = "/_stcore/health"
START_TIMEOUT_S = 60.0

# The map's iframe (streamlit-folium's component page).
MAP_FRAME_URL_PART = "/component/streamlit_folium.st_folium/index.html"

# Basemap tiles: the only outside requests the app is allowed to make.
TILE_HOSTS = ("server.arcgisonline.com", "tile.openstreetmap.org")
_TILE_PATH = re.compile(r"/\d+/\d+/\d+(?:@2x)?(?:\.(?:png|jpg|jpeg|webp))?$")

# (name, URL path) of every page, and the viewport sizes pictured.
PAGES: tuple[tuple[str, str], ...] = (
    ("map", "/"),
    ("claims", "/claims"),
    ("sources", "/sources"),
    ("present", "/?present=1&briefing=moscow-meeting&scene=2"),
)
# A wall display, the usual shared screen, a phone.
VIEWPORTS: tuple[tuple[int, int], ...] = ((1920, 1080), (1280, 720), (390, 844))


def is_tile_url(url: str) -> bool:
    """True for a basemap tile request: a known tile host and a ``/{z}/{x}/{y}`` path."""
    parts = urllib.parse.urlsplit(url)
    host = (parts.hostname or "").lower()
    known = any(host == h or host.endswith("." + h) for h in TILE_HOSTS)
    return known and bool(_TILE_PATH.search(parts.path))


def chromium_executable(explicit: str | None = None) -> str | None:
    """The Chromium to launch: ``explicit``, else ``$BRIEFMAP_CHROMIUM``, else Debian's.

    Returns ``None`` if that binary does not exist.
    """
    candidate = explicit or os.environ.get(CHROMIUM_ENV_VAR) or DEFAULT_CHROMIUM
    found = shutil.which(candidate) if os.sep not in candidate else candidate
    if found and Path(found).is_file() and os.access(found, os.X_OK):
        return found
    return None


def why_no_browser(what: str, chromium: str | None = None) -> str | None:
    """Why this server cannot make ``what`` in Chromium, in plain words; ``None`` if it can.

    For the app's PNG snapshot and PDF handout buttons, which are off then: it
    says what is missing and how whoever runs the server adds it, on a server of
    one's own and on Streamlit Community Cloud (which installs ``packages.txt``).
    The binary's path is not shown: it is the server's business.
    """
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Playwright for Python, which drives the browser, is not installed"
        fix = "`pip install -r requirements.txt` installs it"
    else:
        if chromium_executable(chromium) is not None:
            return None
        missing = "it has no Chromium browser"
        fix = (
            f"install Debian's with `apt-get install chromium` (or set {CHROMIUM_ENV_VAR}); "
            "on Streamlit Community Cloud, packages.txt lists it"
        )
    return f"{what} cannot be made on this server: {missing}. To turn it on, {fix}."


def free_port() -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class AppStartError(RuntimeError):
    """The app did not come up; the message carries the end of its log."""


@dataclass
class AppServer:
    """A running ``streamlit run app.py``."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes] | None = field(default=None, repr=False)

    @property
    def origin(self) -> str:
        parts = urllib.parse.urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> None:
        """Terminate the server (kill it if it will not go) and close its log."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=timeout)
        if self._log is not None:
            self._log.close()
            self._log = None


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=2) as response:  # noqa: S310
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start_app(
    *,
    data_dir: Path | str | None = None,
    port: int | None = None,
    log_path: Path | None = None,
    timeout: float = START_TIMEOUT_S,
    extra_env: Mapping[str, str] | None = None,
    extra_args: Sequence[str] = (),
    script: Path = APP_SCRIPT,
) -> AppServer:
    """Start ``streamlit run app.py`` headless and wait until ``/_stcore/health`` says ok.

    Parameters
    ----------
    data_dir
        Data directory for the app (``$BRIEFMAP_DATA``); the repository's by default.
    port
        Port to listen on; a free one by default.
    log_path
        Where the server's stdout and stderr go; a temporary file by default.
    timeout
        Seconds to wait for the health check before giving up.
    extra_env
        More environment variables for the server.
    extra_args
        More ``streamlit run`` options, such as ``("--client.toolbarMode", "minimal")``.
    script
        Another main script (the benchmark's floor); run from the repository too,
        so it reads the same ``.streamlit/config.toml``.

    Raises
    ------
    AppStartError
        If the server exits or does not answer in time; the server is stopped.
    """
    port = port or free_port()
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="briefmap-server-", suffix=".log")
        os.close(handle)
        log_path = Path(name)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(extra_env or {})
    if data_dir is not None:
        env[DATA_ENV_VAR] = str(data_dir)
    env.setdefault("PYTHONUNBUFFERED", "1")
    command = [
        sys.executable, "-m", "streamlit", "run", str(script),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        # Other people's edits to the sources must not rerun a test's session.
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        *extra_args,
    ]  # fmt: skip
    log = log_path.open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own interpreter, our own app
        command, cwd=APP_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    server = AppServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, _log=log)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            server.stop()
            raise AppStartError(
                f"streamlit exited with status {process.returncode} before answering; "
                f"log {log_path}:\n{server.log_text()[-4000:]}"
            )
        if _health_ok(server.url):
            return server
        if time.monotonic() > deadline:
            server.stop()
            raise AppStartError(
                f"streamlit did not answer {HEALTH_PATH} within {timeout:.0f} s; "
                f"log {log_path}:\n{server.log_text()[-4000:]}"
            )
        time.sleep(0.25)


@contextlib.contextmanager
def running_app(**kwargs: Any) -> Iterator[AppServer]:
    """:func:`start_app` as a context manager that always stops the server."""
    server = start_app(**kwargs)
    try:
        yield server
    finally:
        server.stop()


def wait_for_map(page: Any, timeout_ms: float = 30_000) -> Any:
    """Wait until the map's iframe has drawn Leaflet; return that frame."""
    page.wait_for_selector(f'iframe[src*="{MAP_FRAME_URL_PART}"]', timeout=timeout_ms)
    frame = page.frame_locator(f'iframe[src*="{MAP_FRAME_URL_PART}"]')
    frame.locator(".leaflet-container").wait_for(timeout=timeout_ms)
    return frame


def wait_for_app(page: Any, timeout_ms: float = 30_000) -> None:
    """Wait until Streamlit has rendered the page, laid out and opened its sidebar and finished running its script."""
    page.wait_for_selector(APP, timeout=timeout_ms)
    page.wait_for_selector(SIDEBAR_READY, state="attached", timeout=timeout_ms)
    page.wait_for_function(
        """([app, attribute, notRunning]) => {
            const element = document.querySelector(app);
            return element && element.getAttribute(attribute) === notRunning;
        }""",
        arg=[APP, SCRIPT_STATE_ATTRIBUTE, NOT_RUNNING],
        timeout=timeout_ms,
    )


def wait_map_settled(page: Any, quiet_ms: int = 1000, timeout_ms: float = 30_000) -> None:
    """Wait until the map's view has not moved for ``quiet_ms`` (the app fits it once sized)."""
    frame = next(f for f in page.frames if MAP_FRAME_URL_PART in f.url)
    frame.wait_for_function(
        web_text("map-settled.js"),
        arg=quiet_ms,
        polling=100,
        timeout=timeout_ms,
    )


def _gate(origin: str, allow_tiles: bool) -> Any:
    """A route handler: the app's own requests (and tiles, if allowed) pass; the rest abort."""

    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith(origin + "/") or (allow_tiles and is_tile_url(url)):
            route.continue_()
        else:
            route.abort()

    return gate


def take_screenshots(
    out_dir: Path, chromium: str | None = None, *, allow_tiles: bool = False
) -> list[Path]:
    """Start the app and write a PNG of every page at every viewport size.

    Files are named ``{page}-{width}x{height}.png`` (``map-1920x1080.png``...).
    Every outside request is blocked, as in the browser tests, so the pictures
    show the map as it draws in an air-gapped room; ``allow_tiles`` lets basemap
    tiles through on a machine that can reach them.

    Parameters
    ----------
    out_dir
        Folder for the PNGs (created if missing); the README uses ``docs/``.
    chromium
        Chromium binary; ``$BRIEFMAP_CHROMIUM`` or ``/usr/bin/chromium`` by default.
    allow_tiles
        Let basemap tile requests through (only useful with internet access).

    Returns
    -------
    list[Path]
        The files written.
    """
    from playwright.sync_api import sync_playwright  # a test extra, so imported late

    executable = chromium_executable(chromium)
    if executable is None:
        raise FileNotFoundError(INSTALL_HINT)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    # .streamlit/config.toml's toolbarMode "viewer" already hides the Deploy button.
    with running_app() as server, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        try:
            for width, height in VIEWPORTS:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, device_scale_factor=1
                )

                context.route("**/*", _gate(server.origin, allow_tiles))
                page = context.new_page()
                for name, path in PAGES:
                    page.goto(server.url + path)
                    wait_for_app(page)
                    if name in ("map", "present"):
                        frame = wait_for_map(page)
                        # The footnote: presentation view has no legend on the map.
                        frame.locator(".bm-footnote").wait_for()
                        wait_map_settled(page)
                    else:
                        page.locator(DATA_FRAME).first.wait_for()
                    # Let fonts, canvases (st.dataframe) and tiles settle.
                    page.wait_for_load_state("networkidle")
                    page.wait_for_timeout(800)
                    target = out_dir / f"{name}-{width}x{height}.png"
                    page.screenshot(path=str(target))
                    written.append(target)
                context.close()
        finally:
            browser.close()
    return written
