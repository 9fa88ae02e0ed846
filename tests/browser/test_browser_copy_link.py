"""The "Copy link" control copies the link on screen with one tap, on a phone too.

Streamlit's code box, which showed the link before, has a copy button that
appears only while a mouse hovers over it: none on a touch screen (issue 25,
finding 10). At 390x844 with touch and at 1280x720 with a mouse: the control's
button puts the page's current link on the clipboard (read back with
``navigator.clipboard.readText()``), says so to screen readers, and still shows
the link's text; where the browser has no clipboard (a page over http that is
not localhost), it says so and selects the link's text for copying by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_support import BrowserPage, expect, only_the_app, query_of, wait_for_query

from briefmap.screenshots import AppServer

# A phone held upright, tapped; a shared screen, clicked.
DEVICES = {
    "390x844 touch": {
        "viewport": {"width": 390, "height": 844},
        "has_touch": True,
        "is_mobile": True,
    },
    "1280x720 mouse": {"viewport": {"width": 1280, "height": 720}},
}
# A link with a search in it: the user's own text, shown and copied as it is.
LINK = "/?q=%3Cb%3EHermon%20%26%20co%3C%2Fb%3E"
# Where the page is over http and not localhost, browsers give it no clipboard.
NO_CLIPBOARD_JS = "Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined});"


@pytest.fixture
def page_on(browser: Any, app_server: AppServer) -> Iterator[Callable[..., BrowserPage]]:
    """A page in a context of its own: a device's size and touch, clipboard permissions."""
    contexts: list[Any] = []

    def _open(device: str, init_script: str | None = None) -> BrowserPage:
        context = browser.new_context(**DEVICES[device])
        contexts.append(context)
        context.set_default_timeout(30_000)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=app_server.origin)
        context.route("**/*", only_the_app(app_server.origin))
        if init_script:
            context.add_init_script(init_script)
        app = BrowserPage(page=context.new_page(), server=app_server)
        app.attach()
        return app

    yield _open
    for context in contexts:
        context.close()


def _press(app: BrowserPage, device: str, button: Any) -> None:
    """A tap on a touch screen, a click with a mouse."""
    if DEVICES[device].get("has_touch"):
        button.tap()
    else:
        button.click()


def _open_copy_box(app: BrowserPage, device: str) -> Any:
    """Open the "Copy link" popover; its box with the link and the button."""
    _press(app, device, app.main.get_by_role("button", name="Copy link"))
    box = app.page.locator(".bm-copy-link")
    expect(box).to_be_visible()
    return box


def _same_link(a: str, b: str) -> bool:
    """The same page and parameters (a space may be written ``+`` or ``%20``)."""
    return urlsplit(a)[:3] == urlsplit(b)[:3] and query_of(a) == query_of(b)


@pytest.mark.parametrize("device", list(DEVICES))
def test_copy_link_puts_the_current_link_on_the_clipboard(
    page_on: Callable[..., BrowserPage], device: str
) -> None:
    app = page_on(device)
    app.goto(LINK)
    wait_for_query(app, {"q": "<b>Hermon & co</b>"})
    current = app.page.evaluate("() => window.location.href")
    # Something else on the clipboard first, so that the test sees the copy.
    app.page.evaluate("() => navigator.clipboard.writeText('not the link')")

    box = _open_copy_box(app, device)
    # The link's text is shown, as text (the search's markup escaped, not drawn).
    shown = box.locator(".bm-copy-link-url")
    assert _same_link(shown.inner_text().strip(), current), (shown.inner_text(), current)
    assert box.locator("b").count() == 0
    button = box.get_by_role("button", name="Copy link")
    expect(button).to_be_visible()
    # A finger can hit it (WCAG 2.5.5's 44 px).
    assert button.bounding_box()["height"] >= 44
    _press(app, device, button)

    status = box.get_by_role("status")
    expect(status).to_have_text("Link copied")
    assert status.get_attribute("aria-live") == "polite"
    copied = app.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == shown.inner_text().strip()
    assert _same_link(copied, current), (copied, current)
    assert query_of(copied)["q"] == "<b>Hermon & co</b>"
    assert not app.page_errors, app.page_errors


@pytest.mark.parametrize("device", list(DEVICES))
def test_without_a_clipboard_the_link_is_selected_for_copying_by_hand(
    page_on: Callable[..., BrowserPage], device: str
) -> None:
    app = page_on(device, init_script=NO_CLIPBOARD_JS)
    app.goto(LINK)
    wait_for_query(app, {"q": "<b>Hermon & co</b>"})
    current = app.page.evaluate("() => window.location.href")

    box = _open_copy_box(app, device)
    _press(app, device, box.get_by_role("button", name="Copy link"))

    status = box.get_by_role("status")
    expect(status).to_contain_text("copy it by hand")
    selected = app.page.evaluate("() => String(window.getSelection())")
    assert _same_link(selected.strip(), current), (selected, current)
    assert not app.page_errors, app.page_errors
