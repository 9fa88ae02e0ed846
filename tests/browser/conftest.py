"""Browser fixtures: the app under ``streamlit run``, Debian's Chromium, offline pages.

- ``app_server`` (session): the app on a free port with the real data.
- ``long_title_server`` (session, started only if asked for): the app on a copy
  of the data with a long title, subtitle and scene title (``long_title_support``).
- ``payload_server`` (session, started only if asked for): the app on a copy of
  the data whose text fields carry script payloads.
- ``open_page(server)``: a fresh page (so a fresh Streamlit session) in the
  module's browser, whose every request to anywhere but the app fails and is
  recorded; ``browser`` for a context of one's own.
- ``app``: ``open_page(app_server)``.
- ``open_module_page(server)``: the same, for a page a module's tests share (a
  page load checked by several tests), closed when the module ends.

Playwright and Chromium are started once per test process (``Browsers``), not
per module, and stopped before any test outside this folder.

For a failing test the page's screenshot and the server's log are kept in
``artifacts/browser/`` (ignored by git).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import BrowserPage, serving, write_payload_data
from long_title_support import write_long_title_data
from needs import missing_browser_stack

from briefmap.screenshots import (
    CHROMIUM_ARGS,
    AppServer,
    chromium_executable,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
GEODATA = REPO_ROOT / "geodata"
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
VIEWPORT = {"width": 1600, "height": 1000}
HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test in this folder is a browser test, marked so whether or not its
    # file says so (17 once ran under -m "not browser" for want of it): before
    # -m selects, hence tryfirst.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    # Lets fixtures see, at teardown, whether their test failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def _test_failed(node: pytest.Item) -> bool:
    return any(
        getattr(getattr(node, f"rep_{when}", None), "failed", False) for when in ("setup", "call")
    )


def _slug(nodeid: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid.split("::", 1)[-1]).strip("_")[:120]


# ------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def chromium_path() -> str:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing_browser_stack("Playwright for Python is not installed (pip install -e '.[test]')")
    executable = chromium_executable()
    if executable is None:
        wanted = os.environ.get("BRIEFMAP_CHROMIUM") or "/usr/bin/chromium"
        missing_browser_stack(f"Chromium not found at {wanted}")
    return executable  # type: ignore[return-value]


@pytest.fixture(scope="session")
def _fresh_artifacts() -> None:
    if ARTIFACTS.is_dir():  # artifacts are about this run only
        for stale in ARTIFACTS.iterdir():
            if stale.is_file():
                stale.unlink()


class Browsers:
    """This test process's Playwright and its two Chromiums, kept from one module to the next.

    A Playwright started and two Chromiums launched cost 4-6 s, which every
    module paid when they were module fixtures. A running sync Playwright owns
    an asyncio loop in its thread, and a test outside this folder may start one
    of its own (the PNG export, the bench): so all is stopped before such a
    test runs (``pytest_runtest_setup``, registered as a plugin so that it sees
    every test) and started again by the next browser test that asks.
    """

    def __init__(self) -> None:
        self._playwright: Any = None
        self._browser: Any = None
        self._context: Any = None

    def playwright(self) -> Any:
        if self._playwright is None:
            from playwright.sync_api import sync_playwright

            self._playwright = sync_playwright().start()
        return self._playwright

    def browser(self, chromium_path: str) -> Any:
        """A Chromium for tests that make contexts of their own (another scale, file: pages)."""
        if self._browser is None or not self._browser.is_connected():
            self._browser = self.playwright().chromium.launch(
                executable_path=chromium_path, args=list(CHROMIUM_ARGS)
            )
        return self._browser

    def context(self, chromium_path: str, profile_dir: Path) -> Any:
        """The pages' browser: one profile, so Streamlit's own files are fetched once per process.

        Every page is still a Streamlit session of its own (a session is a page's
        connection, not its cookies); the app keeps nothing in the browser's storage.
        """
        if self._context is None:
            context = self.playwright().chromium.launch_persistent_context(
                str(profile_dir),
                executable_path=chromium_path,
                args=[*CHROMIUM_ARGS, *OFFLINE_ARGS],
                viewport=VIEWPORT,
                accept_downloads=True,
            )
            context.set_default_timeout(30_000)
            context.on("close", lambda _: setattr(self, "_context", None))  # crashed: relaunch
            self._context = context
        return self._context

    def stop(self) -> None:
        context, browser, playwright = self._context, self._browser, self._playwright
        self._context = self._browser = self._playwright = None
        for close in (
            context and context.close,
            browser and browser.close,
            playwright and playwright.stop,
        ):
            # A crashed browser is gone already: nothing to stop.
            with contextlib.suppress(Exception):
                if close:
                    close()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if HERE not in Path(item.path).resolve().parents:
            self.stop()

    def pytest_sessionfinish(self) -> None:
        self.stop()


def pytest_configure(config: pytest.Config) -> None:
    config.pluginmanager.register(Browsers(), "briefmap-browsers")


@pytest.fixture(scope="module")
def playwright(chromium_path: str, _fresh_artifacts: None, pytestconfig: pytest.Config) -> Any:
    return pytestconfig.pluginmanager.get_plugin("briefmap-browsers").playwright()


@pytest.fixture(scope="module")
def browser(playwright: Any, chromium_path: str, pytestconfig: pytest.Config) -> Any:
    """A Chromium for tests that make contexts of their own (another scale, file: pages)."""
    return pytestconfig.pluginmanager.get_plugin("briefmap-browsers").browser(chromium_path)


# Outside requests fail in Chromium's own resolver, as the bench's do: Playwright's
# request routing (which aborted them before) turns off the HTTP cache, so every
# page fetched Streamlit's hundred-odd scripts afresh (about 0.7 s a test).
OFFLINE_ARGS = ("--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",)


@pytest.fixture(scope="session")
def profile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One Chromium profile per test process: its HTTP and code caches outlive each module's browser."""
    return tmp_path_factory.mktemp("chromium-profile")


@pytest.fixture(scope="module")
def shared_context(
    playwright: Any, chromium_path: str, profile_dir: Path, pytestconfig: pytest.Config
) -> Any:
    """The pages' browser (``Browsers.context``), one per test process."""
    return pytestconfig.pluginmanager.get_plugin("briefmap-browsers").context(
        chromium_path, profile_dir
    )


# ------------------------------------------------------------------- servers


@pytest.fixture(scope="session")
def app_server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with serving(tmp_path_factory, "real", GEODATA) as server:
        yield server


@pytest.fixture
def fresh_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """A server of its own, for a test that must be its first session."""
    with serving(tmp_path_factory, "fresh", GEODATA) as server:
        yield server


@pytest.fixture(scope="session")
def long_title_server(
    chromium_path: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """The app on a copy of the data with long titles (``long_title_support``), started once."""
    data = write_long_title_data(GEODATA, tmp_path_factory.mktemp("long-title") / "geodata")
    with serving(tmp_path_factory, "long-title", data) as server:
        yield server


@pytest.fixture(scope="session")
def payload_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_payload_data(GEODATA, tmp_path_factory.mktemp("payload") / "geodata")


@pytest.fixture(scope="session")
def payload_server(
    chromium_path: str, payload_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    with serving(tmp_path_factory, "payload", payload_data) as server:
        yield server


# --------------------------------------------------------------------- pages


def _opener(context: Any, opened: list[BrowserPage]) -> Callable[..., BrowserPage]:
    def _open(server: AppServer, viewport: dict[str, int] | None = None) -> BrowserPage:
        page = context.new_page()
        page.set_viewport_size(viewport or VIEWPORT)
        wrapper = BrowserPage(page=page, server=server)

        def outside(failed: Any) -> None:
            url = failed.url
            if not url.startswith((server.origin + "/", "data:", "blob:")):
                wrapper.aborted.append(url)

        page.on("requestfailed", outside)  # before the first request
        wrapper.attach()
        opened.append(wrapper)
        return wrapper

    return _open


def _keep_artifacts(slug: str, opened: list[BrowserPage]) -> None:
    """The pages' screenshots and their servers' logs, for a failed test."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    logs: dict[Path, AppServer] = {}
    for index, wrapper in enumerate(opened):
        try:
            wrapper.page.screenshot(path=str(ARTIFACTS / f"{slug}-{index}.png"), full_page=True)
        except Exception as exc:  # a dead page must not hide the failure
            (ARTIFACTS / f"{slug}-{index}.screenshot-error.txt").write_text(str(exc))
        logs[wrapper.server.log_path] = wrapper.server
    for log_path in logs:
        if log_path.is_file():
            shutil.copyfile(log_path, ARTIFACTS / f"{slug}-{log_path.parent.name}.log")


@pytest.fixture
def open_page(shared_context: Any, request: pytest.FixtureRequest) -> Iterator[Callable[..., Any]]:
    """Open a page (a fresh Streamlit session) on a server; outside requests fail and are recorded."""
    opened: list[BrowserPage] = []
    yield _opener(shared_context, opened)
    if _test_failed(request.node):
        _keep_artifacts(_slug(request.node.nodeid), opened)
    for wrapper in opened:
        wrapper.page.close()


@pytest.fixture(scope="module")
def open_module_page(
    shared_context: Any, request: pytest.FixtureRequest
) -> Iterator[Callable[..., Any]]:
    """``open_page`` for pages a module's tests share: each page load checked by several tests.

    Closed when the module ends; kept as artifacts if any of its tests failed.
    """
    opened: list[BrowserPage] = []
    failed_before = request.session.testsfailed
    yield _opener(shared_context, opened)
    if request.session.testsfailed > failed_before:
        _keep_artifacts(_slug(request.node.nodeid), opened)
    for wrapper in opened:
        wrapper.page.close()


@pytest.fixture
def app(open_page: Callable[..., Any], app_server: AppServer) -> Any:
    """A page on the app with the real data."""
    return open_page(app_server)
