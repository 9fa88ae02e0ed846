"""The briefing pack opened from file:// with no network, stepped through with a clicker's keys.

And its PDF handout: a page per scene, each headed by its scene's title (read
from the PDF's outline, which Chromium writes from the page's headings), then
the list of every claim shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog
from briefmap.drawing.assets import web_text
from briefmap.drawing.briefing_pack import briefing_pack
from briefmap.drawing.pack_pdf import pack_pdf
from briefmap.drawing.scene_marks import anchor
from briefmap.engine.briefings import Briefing, load_briefings

GEODATA = Path(__file__).resolve().parents[2] / "geodata"
WAIT_MS = 30_000


@pytest.fixture(scope="module")
def shipped() -> tuple[Catalog, Briefing]:
    catalog = load_catalog(GEODATA).catalog
    briefings, _ = load_briefings(GEODATA, catalog)
    return catalog, briefings["moscow-meeting"]


@pytest.fixture(scope="module")
def pack_html(shipped: tuple[Catalog, Briefing]) -> str:
    return briefing_pack(*shipped)


@contextmanager
def _offline(browser: Any, page_file: Path) -> Iterator[tuple[Any, list[str]]]:
    """``page_file`` from file://; every other request is refused and recorded; script errors fail."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    attempted: list[str] = []

    def gate(route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            attempted.append(url)
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith("file:") else attempted.append(r.url))
    page.goto(page_file.as_uri())
    try:
        yield page, attempted
    finally:
        context.close()
    assert errors == [], errors


@pytest.fixture(scope="module")
def offline_page(
    browser: Any, tmp_path_factory: pytest.TempPathFactory, pack_html: str
) -> Iterator[tuple[Any, list[str]]]:
    """The shipped pack open from file://, one load for the module's tests (each moves it on)."""
    page_file = tmp_path_factory.mktemp("pack") / "briefing.html"
    page_file.write_text(pack_html, encoding="utf-8")
    with _offline(browser, page_file) as opened:
        yield opened


def _settled(page: Any) -> None:
    page.wait_for_function(web_text("map-settled.js"), arg=0, polling=50, timeout=WAIT_MS)


def _check_scene(page: Any, catalog: Catalog, briefing: Briefing, number: int) -> None:
    scene = briefing.scenes[number - 1]
    _settled(page)
    count = len(briefing.scenes)
    assert page.locator(".bm-pack-count").text_content() == f"{number} / {count}"
    shown = page.locator(".bm-pack-scene:not([hidden])")
    assert shown.count() == 1
    assert shown.locator("h2").text_content() == scene.title
    assert page.evaluate("location.hash") == f"#scene-{number}"
    # The map rings the scene's places, and they are all in its view.
    on_map = [catalog.places[p] for p in scene.highlight if not catalog.places[p].off_map]
    assert page.locator(".leaflet-container .bm-highlight").count() == len(on_map)
    inside = page.evaluate(
        "(points) => points.map((p) => map.getBounds().contains(p))",
        [list(anchor(place)) for place in on_map],
    )
    assert all(inside), (number, inside)
    assert page.locator(".bm-pack-previous").is_disabled() == (number == 1)
    assert page.locator(".bm-pack-next").is_disabled() == (number == count)


def test_the_pack_steps_through_every_scene_offline(
    offline_page: tuple[Any, list[str]], shipped: tuple[Catalog, Briefing]
) -> None:
    page, attempted = offline_page
    catalog, briefing = shipped
    count = len(briefing.scenes)
    _check_scene(page, catalog, briefing, 1)
    # Drawn on the outline geography: coast and borders with no basemap.
    assert page.locator(".leaflet-container .leaflet-tile").count() == 0
    assert page.locator(".leaflet-pane path").count() > 0
    for number in range(2, count + 1):
        page.keyboard.press("PageDown")
        _check_scene(page, catalog, briefing, number)
    # A scene's panel opens at its top, wherever the last one was scrolled to.
    page.locator(".bm-pack-scenes").evaluate("(panel) => { panel.scrollTop = 300; }")
    page.keyboard.press("Home")
    _check_scene(page, catalog, briefing, 1)
    assert page.locator(".bm-pack-scenes").evaluate("(panel) => panel.scrollTop") == 0
    page.keyboard.press("End")
    page.keyboard.press("PageDown")  # at the end: stays
    _check_scene(page, catalog, briefing, count)
    page.keyboard.press("Home")
    _check_scene(page, catalog, briefing, 1)
    page.keyboard.press("End")
    _check_scene(page, catalog, briefing, count)
    page.keyboard.press("PageUp")
    _check_scene(page, catalog, briefing, count - 1)
    page.keyboard.press("ArrowLeft")
    _check_scene(page, catalog, briefing, count - 2)
    page.keyboard.press("Space")
    _check_scene(page, catalog, briefing, count - 1)
    page.locator(".bm-pack-previous").click()
    _check_scene(page, catalog, briefing, count - 2)
    page.locator(".bm-pack-next").click()
    _check_scene(page, catalog, briefing, count - 1)
    assert attempted == []


def test_a_link_to_a_scene_opens_it(
    offline_page: tuple[Any, list[str]], shipped: tuple[Catalog, Briefing]
) -> None:
    page, attempted = offline_page
    catalog, briefing = shipped
    page.goto(page.url.split("#")[0] + "#scene-3")
    page.reload()
    _check_scene(page, catalog, briefing, 3)
    assert attempted == []


def test_a_scene_typed_into_the_address_bar_opens_without_a_reload(
    offline_page: tuple[Any, list[str]], shipped: tuple[Catalog, Briefing]
) -> None:
    """Only the hash changes (a link in the page, an edited address): no reload, same page."""
    page, attempted = offline_page
    catalog, briefing = shipped
    page.evaluate("() => { window.__bmSamePage = true; location.hash = '#scene-2'; }")
    page.wait_for_function("() => document.body.getAttribute('data-scene') === '2'")
    _check_scene(page, catalog, briefing, 2)
    page.evaluate("() => { location.hash = '#scene-4'; }")
    page.wait_for_function("() => document.body.getAttribute('data-scene') === '4'")
    _check_scene(page, catalog, briefing, 4)
    assert page.evaluate("() => window.__bmSamePage === true")  # not reloaded
    assert attempted == []


def test_hostile_text_stays_text_in_the_browser(
    browser: Any, tmp_path: Path, shipped: tuple[Catalog, Briefing]
) -> None:
    from test_briefing_pack import hostile_briefing

    catalog, briefing = hostile_briefing(*shipped)
    page_file = tmp_path / "hostile.html"
    page_file.write_text(briefing_pack(catalog, briefing), encoding="utf-8")
    with _offline(browser, page_file) as (page, attempted):
        _check_hostile(page)
    assert attempted == []


def _check_hostile(page: Any) -> None:
    from test_briefing_pack import HOSTILE

    _settled(page)
    shown = HOSTILE.replace("\u202e", "")  # bidi controls are dropped, the rest is text
    assert page.locator(".bm-pack-scene-title").first.text_content() == f"title {shown}"
    assert page.locator(".bm-pack-points li").first.text_content() == f"point {shown}"
    assert page.evaluate("window.__pwned") is None
    # The source with a javascript: address is text, not a link.
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.get_by_text(f"outlet {shown}", exact=False).count() >= 1
    page.keyboard.press("End")  # the pack still steps (one scene: stays)
    assert page.locator(".bm-pack-count").text_content() == "1 / 1"


def test_a_briefer_exports_the_pack_from_the_app_and_opens_it_offline(
    app: Any, browser: Any, tmp_path: Path, shipped: tuple[Catalog, Briefing]
) -> None:
    from browser_support import expect

    catalog, briefing = shipped
    app.goto(f"/?briefing={briefing.id}&scene=2")
    app.settle()
    app.sidebar.locator('[data-testid="stPopover"]').filter(has_text="Export briefing").click()
    menu = app.page.locator('[data-testid="stPopoverBody"]')
    expect(menu).to_be_visible()
    pack = app.download(menu.get_by_role("button", name="Briefing pack (HTML)"))
    page_file = tmp_path / "downloaded.html"
    page_file.write_bytes(pack)
    with _offline(browser, page_file) as (page, attempted):
        # Every scene of the briefing, whichever the app was showing.
        for number in range(1, len(briefing.scenes) + 1):
            _check_scene(page, catalog, briefing, number)
            page.keyboard.press("PageDown")
    assert attempted == []


# ------------------------------------------------------------------------ PDF


def _objects(pdf: bytes) -> dict[int, bytes]:
    return {
        int(m.group(1)): m.group(2)
        for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.DOTALL)
    }


def _pages(objects: dict[int, bytes]) -> list[int]:
    """The page objects in page order, from the page tree."""
    (root,) = (n for n, body in objects.items() if re.match(rb"<</Type /Pages\b", body)
               and b"/Parent" not in body)  # fmt: skip

    def walk(number: int) -> list[int]:
        body = objects[number]
        if re.match(rb"<</Type /Page\b(?!s)", body):
            return [number]
        kids = re.search(rb"/Kids \[([^\]]*)\]", body)
        assert kids
        return [p for ref in re.findall(rb"(\d+) 0 R", kids.group(1)) for p in walk(int(ref))]

    return walk(root)


def _pdf_text(raw: bytes) -> str:
    """A PDF string as text: a literal ``(...)`` or hex ``<FEFF...>`` (UTF-16)."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii"))
        return (
            data[2:].decode("utf-16-be") if data.startswith(b"\xfe\xff") else data.decode("latin-1")
        )
    body = raw[1:-1]
    body = re.sub(rb"\\([()\\])", rb"\1", body)
    return body.decode("latin-1")


def _outline(objects: dict[int, bytes]) -> list[tuple[str, int]]:
    """(title, page object) of every bookmark."""
    found = []
    for body in objects.values():
        title = re.search(rb"/Title (\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f]+>)", body)
        dest = re.search(rb"/Dest \[(\d+) 0 R", body)
        if title and dest:
            found.append((_pdf_text(title.group(1)), int(dest.group(1))))
    return found


def test_the_handout_has_a_page_per_scene_then_every_claim(
    pack_html: str, shipped: tuple[Catalog, Briefing], chromium_path: str
) -> None:
    _, briefing = shipped
    attempted: list[str] = []
    # In a thread of its own, as the app draws it: this module's Playwright owns this one's loop.
    with ThreadPoolExecutor(1) as worker:
        pdf = worker.submit(pack_pdf, pack_html, chromium_path, attempted=attempted).result()
    assert pdf.startswith(b"%PDF-")
    assert attempted == []
    objects = _objects(pdf)
    pages = _pages(objects)
    outline = _outline(objects)
    count = len(briefing.scenes)
    # A page per scene, then the list of every claim (a page or more, never mixed in).
    assert len(pages) > count
    for number, scene in enumerate(briefing.scenes, start=1):
        on_pages = [pages.index(page) + 1 for title, page in outline if title == scene.title]
        assert on_pages == [number], (scene.title, on_pages)
        # Each scene's page carries its map picture (an image XObject).
        assert b"/XObject" in objects[pages[number - 1]]
    every = [pages.index(page) + 1 for title, page in outline if title.startswith("Every claim")]
    assert every == [count + 1]


# A 1x1 picture, for the handout's map boxes where no map is drawn.
DOT_PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
    "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
RINGED = "kobani"


def _thirty_claims(catalog: Catalog) -> tuple[Catalog, Briefing]:
    """The shipped data with thirty more claims about Kobani, and one scene ringing it."""
    from dataclasses import replace

    from briefmap.engine.briefings import Scene
    from briefmap.engine.query import ClaimFilter

    model = next(c for c in catalog.claims.values() if RINGED in c.places)
    claims = dict(catalog.claims)
    for n in range(1, 31):
        claims[f"thirty_{n:02d}"] = replace(
            model,
            id=f"thirty_{n:02d}",
            places=(RINGED,),
            summary=f"Claim {n} of thirty about Kobani, long enough to take two lines "
            "of the handout's columns in its smallest type, as real summaries do",
        )
    more = Catalog(catalog.places, claims, catalog.sources, catalog.as_of, catalog.meta)
    scene = Scene(
        title="Thirty claims about one place",
        talking_points=("A place many claims are about.",),
        claim_filter=ClaimFilter(),
        highlight=(RINGED,),
    )
    return more, Briefing(id="thirty", title="Thirty claims", scenes=(scene,))


def test_a_scene_of_thirty_claims_is_one_page_and_says_where_the_rest_continue(
    browser: Any, tmp_path: Path, shipped: tuple[Catalog, Briefing], chromium_path: str
) -> None:
    # Its text ran on to two more pages, in the smallest type (issue 25, the handout).
    from briefmap.drawing.pack_pdf import HANDOUT_JS, PRINT_VIEWPORT, SMALLEST_TYPE_PX

    catalog, briefing = _thirty_claims(shipped[0])
    html = briefing_pack(catalog, briefing)
    with ThreadPoolExecutor(1) as worker:
        pdf = worker.submit(pack_pdf, html, chromium_path).result()
    objects = _objects(pdf)
    pages = _pages(objects)
    outline = _outline(objects)
    scene = [pages.index(page) + 1 for title, page in outline if title == briefing.scenes[0].title]
    every = [pages.index(page) + 1 for title, page in outline if title.startswith("Every claim")]
    assert (scene, every) == ([1], [2]), "the scene takes more than its page"
    # What the page says of the claims left off it, as the handout's script left it.
    page_file = tmp_path / "thirty.html"
    page_file.write_text(html, encoding="utf-8")
    with _offline(browser, page_file) as (page, _):
        page.set_viewport_size(PRINT_VIEWPORT)
        page.emulate_media(media="print")
        (fitted,) = page.evaluate(HANDOUT_JS, {"pictures": [DOT_PNG], "smallest": SMALLEST_TYPE_PX})
        left = page.locator(".bm-pack-about > li[hidden]")
        numbers = [int(n) for n in left.evaluate_all("els => els.map(e => e.dataset.number)")]
        kept = page.locator(".bm-pack-about > li:not([hidden])").count()
        note = page.locator(".bm-pack-continued").text_content() or ""
        inside = page.locator(".bm-pack-text").evaluate(
            "t => t.scrollHeight <= t.clientHeight + 1 && t.scrollWidth <= t.clientWidth + 1"
        )
    assert fitted["continued"] == len(numbers) > 0 and kept > 0, fitted
    assert inside, "the scene's text is cut at its page's end"
    assert note.startswith(f"(continued at the end) {len(numbers)} more claims"), note
    first, last = min(numbers), max(numbers)
    assert f"nos. {first}–{last} of “Every claim shown”" in note, (note, numbers)
    assert numbers == list(range(first, last + 1))  # the list's last ones, in its order
