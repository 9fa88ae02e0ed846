"""The editor in a real browser, signed in through a real OpenID Connect provider.

The tests start oidc-provider-mock (a real provider: discovery, authorization
form, signed ID tokens) in a thread, and a Streamlit server whose secrets
configure ``st.login`` against it and allow one editor. Chromium signs in
through the real redirects; nothing stubs ``st.user``. One provider, one data
folder and one server serve the module's tests.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import WAIT_MS, BrowserPage, expect, loosely

from briefmap.data.loader import load_catalog
from briefmap.screenshots import CHROMIUM_ARGS, AppServer, free_port, start_app

pytestmark = pytest.mark.browser

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
# Where a failed test's pictures go, as tests/browser/conftest.py keeps them (not
# imported: three test folders have a conftest, and `from conftest` gets any one).
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "browser"


def _test_failed(node: pytest.Item) -> bool:
    """Whether the test's setup or call failed (the browser conftest records each phase)."""
    return any(
        getattr(getattr(node, f"rep_{when}", None), "failed", False) for when in ("setup", "call")
    )


EDITOR = "alice@example.com"
NOT_AN_EDITOR = "mallory@example.com"
CLIENT_ID = "briefmap-test"
VIEWPORT = {"width": 1400, "height": 1000}
CLAIM = "c02-tartus-access"  # reported and current, on one source
SOURCE = "news_report_2025_10_15"  # its source


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """A real OpenID Connect provider on a free port; its issuer URL."""
    oidc = pytest.importorskip("oidc_provider_mock")
    # The provider's own OAuth library refuses plain http unless told it is a test.
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    users = [
        oidc.User(sub="alice-sub", claims={"email": EDITOR, "name": "Alice Editor"}),
        oidc.User(sub="mallory-sub", claims={"email": NOT_AN_EDITOR, "name": "Mallory"}),
    ]
    with oidc.run_server_in_thread(user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


def secrets_toml(port: int, issuer: str, editors: list[str]) -> str:
    """Streamlit secrets: sign-in against ``issuer`` and Briefmap's editing settings."""
    listed = ", ".join(f'"{e}"' for e in editors)
    return (
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        f'client_id = "{CLIENT_ID}"\n'
        'client_secret = "test-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n'
        "\n[briefmap]\n"
        'editing = "signed-in"\n'
        f"editors = [{listed}]\n"
    )


@pytest.fixture(scope="module")
def shared_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shipped data the module's servers edit (the repository's stays as it is)."""
    target = tmp_path_factory.mktemp("edit-data") / "geodata"
    shutil.copytree(GEODATA, target)
    return target


@pytest.fixture(scope="module")
def edit_server(
    chromium_path: str,
    provider: str,
    shared_data: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[AppServer]:
    folder = tmp_path_factory.mktemp("server-edit")
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(secrets_toml(port, provider, [EDITOR]), encoding="utf-8")
    server = start_app(
        data_dir=shared_data,
        port=port,
        log_path=folder / "streamlit.log",
        extra_env={"AUTHLIB_INSECURE_TRANSPORT": "1"},
        extra_args=("--secrets.files", str(secrets_file)),
    )
    try:
        yield server
    finally:
        server.stop()


# Two sessions of one editor are two tabs, and the one behind ran its timers late
# enough that a change typed in it was seen not to reach the app under load.
NO_BACKGROUND_THROTTLING = (
    "--disable-background-timer-throttling",
    "--disable-backgrounding-occluded-windows",
    "--disable-renderer-backgrounding",
)


@pytest.fixture(scope="module")
def edit_browser(playwright: Any, chromium_path: str) -> Iterator[Any]:
    """The module's Chromium: every tab kept running as if in front."""
    browser = playwright.chromium.launch(
        executable_path=chromium_path, args=[*CHROMIUM_ARGS, *NO_BACKGROUND_THROTTLING]
    )
    yield browser
    browser.close()


@pytest.fixture
def open_context(edit_browser: Any, provider: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """Open a page in a browser context of its own (its own sign-in cookie) on a server.

    Requests go to the app and to the provider only; anything else fails (the
    provider's page asks for a stylesheet on a CDN, and nothing may reach out).
    """
    contexts: list[Any] = []

    def _open(server: AppServer) -> BrowserPage:
        context = edit_browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(30_000)
        allowed = (server.origin + "/", provider + "/", "data:", "blob:")
        context.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith(allowed) else route.abort()
            ),
        )
        contexts.append(context)
        wrapper = BrowserPage(page=context.new_page(), server=server)
        wrapper.attach()
        return wrapper

    yield _open
    if _test_failed(request.node):  # what each page showed, as the shared pages' fixture keeps
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for n, context in enumerate(contexts):
            for m, page in enumerate(context.pages):
                page.screenshot(path=str(ARTIFACTS / f"edit-{request.node.name}-{n}-{m}.png"))
    for context in contexts:
        context.close()


@pytest.fixture(scope="module")
def second_server(
    chromium_path: str, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    """Another server on the same data folder (read only: no settings)."""
    folder = tmp_path_factory.mktemp("server-second")
    server = start_app(data_dir=shared_data, log_path=folder / "streamlit.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    """A database of the PostGIS store holding the shipped data; its URL.

    PostgreSQL and PostGIS as the store's tests run them (tests/store/postgis_support.py):
    skipped without them, failing under CI=true.
    """
    from store.postgis_support import fresh_database

    from briefmap.store.postgis import PostgisStore
    from briefmap.store.transfer import folder_contents

    with fresh_database() as url:
        store = PostgisStore(url)
        try:
            store.replace_all(*folder_contents(GEODATA))
        finally:
            store.close()
        yield url


@pytest.fixture(scope="module")
def database_servers(
    chromium_path: str,
    provider: str,
    database: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[AppServer, AppServer]]:
    """Two servers over one database: the first with sign-in and the editor list, the other read only."""
    folder = tmp_path_factory.mktemp("server-db")
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(secrets_toml(port, provider, [EDITOR]), encoding="utf-8")
    env = {"AUTHLIB_INSECURE_TRANSPORT": "1", "BRIEFMAP_DATABASE_URL": database}
    editing = start_app(
        port=port,
        log_path=folder / "editing.log",
        extra_env=env,
        extra_args=("--secrets.files", str(secrets_file)),
    )
    try:
        other = start_app(log_path=folder / "other.log", extra_env=env)
        try:
            yield editing, other
        finally:
            other.stop()
    finally:
        editing.stop()


def sign_in(app: BrowserPage, subject: str, back_to: str = "/edit") -> None:
    """On the Edit page (open), sign in through the provider's form; then open ``back_to``."""
    app.main.get_by_role("button", name="Sign in").click()
    # The provider's own page: its authorization form, on its own origin.
    app.page.wait_for_url(lambda url: "/oauth2/authorize" in url, timeout=WAIT_MS)
    app.page.get_by_placeholder("sub").fill(subject)
    app.page.get_by_role("button", name="Authorize").click()
    # Back through the app's /oauth2callback to its first page: no need to wait for its map.
    app.page.wait_for_url(
        lambda url: url.startswith(app.server.origin) and "oauth2" not in url,
        wait_until="commit",
        timeout=WAIT_MS,
    )
    app.goto(back_to)


def test_an_editor_signs_in_and_may_edit(open_context: Any, edit_server: AppServer) -> None:
    app = open_context(edit_server)
    app.goto("/edit")
    expect(app.main.get_by_text("Sign in to edit")).to_be_visible(timeout=WAIT_MS)
    sign_in(app, "alice-sub")
    expect(app.main.get_by_text("Signed in as Alice Editor")).to_be_visible(timeout=WAIT_MS)
    expect(app.main.get_by_role("button", name="Save claim")).to_be_visible(timeout=WAIT_MS)


def test_a_user_not_on_the_list_reads_only(open_context: Any, edit_server: AppServer) -> None:
    app = open_context(edit_server)
    app.goto("/edit")
    sign_in(app, "mallory-sub")
    # The reason, with the address signed in (Markdown-escaped: loosely).
    expect(
        app.main.get_by_text(loosely(f"you are signed in as {NOT_AN_EDITOR}, who is not on"))
    ).to_be_visible(timeout=WAIT_MS)
    expect(app.main.get_by_role("button", name="Save claim")).to_have_count(0)


def pick_option(app: BrowserPage, label: str, option: str) -> None:
    """Choose ``option`` in the main area's select box or multiselect labelled ``label``.

    Typed and chosen with Enter once listed: a click on a list just opened
    after a rerun was seen to miss it.
    """
    app.wait_idle()
    box = app.main.get_by_role("combobox", name=label, exact=True)
    with app.rerun():
        box.click()
        app.page.keyboard.type(option)
        app.page.get_by_role("option").filter(has_text=option).first.wait_for(timeout=WAIT_MS)
        app.page.keyboard.press("Enter")
    app.page.keyboard.press("Escape")


def type_text(app: BrowserPage, label: str, text: str, *, area: bool = False) -> None:
    """Type into a text field and apply it (Enter; a text area applies on Ctrl+Enter)."""
    box = app.main.get_by_label(label, exact=True)
    key = "Control+Enter" if area else "Enter"

    def again() -> None:  # a change the loaded machine did not send: made once more
        box.fill(text + " ")
        box.fill(text)
        box.press(key)

    with app.rerun(retry=again, what=f"{label!r} typed"):
        box.fill(text)
        box.press(key)


def card_entry(app: BrowserPage, summary_start: str) -> Any:
    """The claim card's entry for the claim whose summary starts so."""
    return (
        app.main.locator('[data-testid="stVerticalBlock"]')
        .filter(has=app.page.get_by_text(summary_start, exact=False))
        .last
    )


def test_an_edit_shows_on_the_map_of_both_servers_and_a_stale_save_shows_both_versions(
    open_context: Any, edit_server: AppServer, second_server: AppServer
) -> None:
    catalog = load_catalog(GEODATA).catalog
    summary = catalog.claims[CLAIM].summary[:60]
    source = catalog.sources[SOURCE]
    source_label = f"{source.credit}, {source.date}"  # as the editor's list starts it
    app = open_context(edit_server)
    app.goto("/edit")
    sign_in(app, "alice-sub", back_to=f"/edit?claim={CLAIM}")
    expect(app.main.get_by_role("button", name="Save claim")).to_be_visible(timeout=WAIT_MS)
    # A second session of the same editor opens the same claim (the same revision) and
    # types its own change, kept until after the first session's save.
    other = BrowserPage(page=app.page.context.new_page(), server=edit_server)
    other.attach()
    other.goto(f"/edit?claim={CLAIM}")
    expect(other.main.get_by_role("button", name="Save claim")).to_be_visible(timeout=WAIT_MS)
    type_text(other, "Claimant", "Mine: the report")
    type_text(other, "Why this change (required)", "Name the claimant.")

    app.page.bring_to_front()
    change_posture_to_former(app, source_label)

    # The other session saves from the revision it read: refused, both versions side by side.
    other.page.bring_to_front()
    other.wait_idle()
    with other.rerun():
        other.main.get_by_role("button", name="Save claim").click()
    panel = other.main.locator(".st-key-edit_stale_panel")
    expect(panel).to_contain_text("someone else changed this claim", timeout=WAIT_MS)
    expect(panel).to_contain_text("Yours (not saved)")
    expect(panel).to_contain_text("Theirs (saved, revision 2)")
    expect(panel).to_contain_text("Mine: the report")
    expect(panel).to_contain_text("former")
    # What was typed is still in the form.
    expect(other.main.get_by_label("Claimant", exact=True)).to_have_value("Mine: the report")

    # The map, on this server and on the other one over the same folder: the claim is former.
    for server in (edit_server, second_server):
        viewer = app if server is edit_server else open_context(second_server)
        viewer.page.bring_to_front()
        viewer.goto("/?place=tartus_naval_facility")
        entry = card_entry(viewer, summary)
        expect(entry).to_contain_text("Former", timeout=WAIT_MS)


def change_posture_to_former(app: BrowserPage, source_label: str) -> None:
    """On the Edit page, the claim open: posture former, with its note, source and why; saved."""
    pick_option(app, "Posture", "Former")
    type_text(app, "What changed", "Reported withdrawn from the facility.")
    pick_option(app, "Sources that report the change", source_label)
    type_text(app, "Why this change (required)", "New reporting.")
    with app.rerun():
        app.main.get_by_role("button", name="Save claim").click()
    expect(app.main.get_by_text(f"Saved claim {CLAIM}")).to_be_visible(timeout=WAIT_MS)


def test_two_servers_over_one_database_see_an_edit_within_3_s(
    open_context: Any, database_servers: tuple[AppServer, AppServer]
) -> None:
    editing, other = database_servers
    catalog = load_catalog(GEODATA).catalog
    summary = catalog.claims[CLAIM].summary[:60]
    source = catalog.sources[SOURCE]
    viewer = open_context(other)
    viewer.goto("/?place=tartus_naval_facility")  # its first session: BrowserPage.goto waits longer
    expect(card_entry(viewer, summary)).to_contain_text("Current", timeout=WAIT_MS)

    app = open_context(editing)
    app.goto("/edit")
    sign_in(app, "alice-sub", back_to=f"/edit?claim={CLAIM}")
    expect(app.main.get_by_text("Signed in as Alice Editor")).to_be_visible(timeout=WAIT_MS)
    app.page.bring_to_front()
    change_posture_to_former(app, f"{source.credit}, {source.date}")
    saved = time.monotonic()

    # The other server, no restart: a page opened there within 3 s of the save shows it.
    # (Its version check is a one-row query cached for at most a second.)
    viewer.page.bring_to_front()
    while True:
        started = time.monotonic() - saved
        viewer.goto("/?place=tartus_naval_facility")
        entry = card_entry(viewer, summary)
        expect(entry).to_contain_text(re.compile("Current|Former"), timeout=WAIT_MS)
        if "Former" in entry.inner_text():
            break
        assert started < 3, "the second server still showed the old claim 3 s after the save"
    assert started <= 3, f"the page that showed the edit was opened {started:.1f} s after the save"
