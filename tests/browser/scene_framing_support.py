"""A scene's framing as the briefer sees it, checked on whatever walk through the scenes a test makes.

Shared so that one walk through the scenes at a size checks everything a scene
must show there (test_browser_accessibility's walk on the Map page, Next by
Next; test_browser_scenes' walk in presentation view), rather than two tests
each loading the page and stepping through the same scenes.
"""

from __future__ import annotations

from typing import Any

from browser_support import BrowserPage, expect

# Each element matching a selector (markers, highlight rings): its place (a
# marker's), whether it lies inside the map and whether it touches the legend.
IN_VIEW_JS = """(selector) => {
    const box = map.getContainer().getBoundingClientRect();
    const legend = document.querySelector('.bm-legend');
    const key = legend ? legend.getBoundingClientRect() : null;
    return [...document.querySelectorAll(selector)].map((el) => {
        const r = el.getBoundingClientRect();
        const named = el.querySelector('[data-place]');
        return {
            place: named ? named.getAttribute('data-place') : null,
            inside: r.left >= box.left - 1 && r.right <= box.right + 1
                && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
            underLegend: !!key && !(r.right <= key.left || r.left >= key.right
                || r.bottom <= key.top || r.top >= key.bottom),
        };
    });
}"""

# Whether a button's words fit inside it (not "◀ Pre").
_WORDS_FIT_JS = """(b) => { const r = document.createRange(); r.selectNodeContents(b);
    const t = r.getBoundingClientRect(), o = b.getBoundingClientRect();
    return t.left >= o.left - 1 && t.right <= o.right + 1; }"""


def assert_steps_fit(app: BrowserPage, where: str) -> None:
    """Previous and Next on screen, named in words that fit their buttons."""
    for name in ("◀ Previous", "Next ▶"):
        button = app.main.get_by_role("button", name=name)
        expect(button).to_be_visible()
        assert button.evaluate(_WORDS_FIT_JS), f"{where}: {name!r} is clipped"


def assert_highlights_framed(app: BrowserPage, where: str) -> list[dict[str, Any]]:
    """The scene's highlight rings all inside the map, none under the legend; the rings."""
    rings = app.map_frame().evaluate(IN_VIEW_JS, ".bm-highlight")
    assert rings, f"{where} highlights nothing"
    assert all(r["inside"] for r in rings), f"{where}: {rings}"
    assert not any(r["underLegend"] for r in rings), f"{where}: {rings}"
    return rings
