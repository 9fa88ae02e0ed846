"""The Map page's title is drawn at its final size from its first paint (issue 25, finding 4).

On a phone the title drew large and then shrank: its size came from
map-page.css, which Streamlit's st.html inserts only once its own code has
loaded, about 200 ms after the title (measured with a warm cache at 1280x720).
The size is now the theme's (``headingFontSizes`` in ``.streamlit/config.toml``),
which Streamlit applies before it draws any element.
"""

from __future__ import annotations

from typing import Any

import pytest
from browser_support import BrowserPage

pytestmark = pytest.mark.browser

SIZES = [(1920, 1080), (1280, 720), (390, 844)]

# Registered before the page's scripts: the title's computed font size when it is
# first in the page (a mutation observer's callback runs before the next paint).
FIRST_TITLE_SIZE = """
(() => {
  if (window !== window.top) return;
  new MutationObserver((records, observer) => {
    const title = document.querySelector('.st-key-bm-map-head h1');
    if (!title) return;
    window.__bmFirstTitleSize = getComputedStyle(title).fontSize;
    observer.disconnect();
  }).observe(document, {subtree: true, childList: true});
})();
"""


@pytest.mark.parametrize("size", SIZES, ids=["1080p", "720p", "phone"])
def test_the_title_is_drawn_at_its_final_size(open_page: Any, app_server: Any, size: tuple) -> None:
    app: BrowserPage = open_page(app_server, viewport={"width": size[0], "height": size[1]})
    app.page.add_init_script(FIRST_TITLE_SIZE)
    app.goto("/")
    app.settle()
    first = app.page.evaluate("() => window.__bmFirstTitleSize")
    final = app.page.locator(".st-key-bm-map-head h1").evaluate("h => getComputedStyle(h).fontSize")
    assert first == final == "32px", f"at {size} the title drew at {first}, then {final}"
