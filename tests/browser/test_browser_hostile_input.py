"""Hostile input, round two, in a real browser: links, Markdown, uploads, PNGs.

Every payload is made here: links with impossible days, other scripts' digits
and addresses; a data folder whose texts carry bare URLs, e-mail addresses and
Streamlit icon syntax; uploads nested too deep, two of a kind, and large
enough for the canvas. No page may show a traceback, and the only links are
the app's own (same origin) and the data's http(s) source links.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from browser_support import MAP_IFRAME, BrowserPage, expect, expected_for, serving

from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.data.uploads import load_uploaded_files
from briefmap.drawing.mapping import deployment_arrows
from briefmap.drawing.plan import plan_features
from briefmap.engine.query import ClaimFilter
from briefmap.screenshots import AppServer

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
GEODATA = REPO / "geodata"
EVIL = "evil.example"
NAMED = "khmeimim_air_base"  # a place with claims: its card shows its name
# A place with a claim and in no briefing, whose name holds a lone surrogate.
SURROGATE = "latakia"

# Bits an attacker strings together; each alone is enough for a link or an icon.
ADDRESS_BITS = [
    f"https://{EVIL}/login",
    f"http://{EVIL}",
    f"www.{EVIL}",
    f"WWW.{EVIL}/x",
    f"user@{EVIL}",
    f"mailto:user@{EVIL}",
    ":material/home:",
    ":streamlit:",
    ":red[alarm]",
    ":rainbow-background[x]",
]


def _addresses(seed: int, n: int = 3) -> str:
    rng = random.Random(seed)  # noqa: S311 - payloads, not secrets
    return " ".join(rng.choice(ADDRESS_BITS) for _ in range(n))


def _links_and_icons(app: BrowserPage) -> tuple[list[str], list[str]]:
    """Outside hrefs in the app's own document (not the map's frame), and its icons' names."""
    hrefs = app.page.eval_on_selector_all(
        '[data-testid="stApp"] a[href]', "els => els.map(e => e.getAttribute('href'))"
    )
    outside = [
        h
        for h in hrefs
        if h.startswith(("http:", "https:", "mailto:", "//"))
        and not h.startswith(app.server.origin + "/")  # the app's own pages
    ]
    icons = app.page.eval_on_selector_all(
        '[data-testid="stApp"] [data-testid="stIconMaterial"]', "els => els.map(e => e.textContent)"
    )
    return outside, icons


def _source_links(data: Path) -> set[str]:
    catalog = load_catalog(data).catalog
    return {s.url for s in catalog.sources.values() if s.url}


def _no_traceback(app: BrowserPage) -> None:
    expect(app.exceptions()).to_have_count(0)
    assert app.page_errors == []


# ------------------------------------------------------------------ 1. links


# Each link carries a bad date (or days at the calendar's ends) and an untrusted
# string in another field, so four page loads try them all; whether a link must
# warn is said beside it (an impossible day warns; the calendar's ends are days).
HOSTILE_LINKS = [
    ({"asof": "2025-02-31", "actor": f"https://{EVIL}/login"}, True),
    ({"from": "2025-02-30", "since": "2025-04-31", "asof": "1900-01-01", f"www.{EVIL}": "1"}, True),
    ({"asof": "٢٠٢٥-١٠-١٥", "place": f"user@{EVIL}"}, True),
    ({"asof": "9999-12-31", "q": ":material/home: :red[x]", "briefing": f"www.{EVIL}"}, False),
]


def test_hostile_links_give_notices_and_no_link_or_icon(open_page, app_server: AppServer) -> None:
    app: BrowserPage = open_page(app_server)
    for params, warns in HOSTILE_LINKS:
        app.goto("/?" + urlencode(params))
        _no_traceback(app)
        warning = app.main.locator('[data-testid="stAlert"]').filter(
            has_text="Parts of the link could not be used"
        )
        if warns:
            expect(warning).to_be_visible()
        outside, icons = _links_and_icons(app)
        assert outside == [], (params, outside)
        assert "home" not in icons, (params, icons)  # :material/home: stayed text
    # The search box keeps the icon syntax as the text it is.
    expect(app.sidebar.get_by_role("textbox", name="Search places")).to_have_value(
        ":material/home: :red[x]"
    )


def test_a_link_too_long_for_streamlit_is_read_from_the_browser_with_a_notice(
    open_page, app_server: AppServer
) -> None:
    """Streamlit drops a query of over 1,000 fields whole; the page opens it again, cut."""
    app: BrowserPage = open_page(app_server)
    padding = [(f"utm_{i}", "x") for i in range(1200)]
    app.goto("/?" + urlencode([("actor", "israel"), *padding, ("actor", "russia"), ("z", "７")]))
    warning = app.main.locator('[data-testid="stAlert"]').filter(
        has_text="too long for the server to read (1,203 parameters)"
    )
    expect(warning).to_be_visible()
    app.wait_idle()
    _no_traceback(app)
    # The z of other digits was ignored like any other bad value, with its notice.
    expect(warning).to_contain_text("Ignored zoom")
    # The filter the link asked for holds, and the link is the app's own again.
    query = parse_qs(urlsplit(app.page.url).query)
    assert query == {"actor": ["russia"]}, query


# ------------------------------------------------------- 2. the data's text


@pytest.fixture(scope="module")
def address_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """geodata/ with addresses and icon syntax in names, notes, claims and talking points.

    And a lone surrogate in one place's name (valid JSON: "\\ud800"), so that
    one server serves both (section 5).
    """
    root = tmp_path_factory.mktemp("addresses") / "geodata"
    shutil.copytree(GEODATA, root)
    places = json.loads((root / "places.geojson").read_text(encoding="utf-8"))
    for i, feature in enumerate(places["features"]):
        props = feature["properties"]
        if props["id"] == NAMED:
            props["name_en"] = f"Khmeimim {_addresses(i)}"
        props["note"] = f"{props.get('note', '')} {_addresses(100 + i)}".strip()
    (root / "places.geojson").write_bytes(
        json.dumps(places, ensure_ascii=False)
        .encode("utf-8")
        .replace(b'"name_en": "Latakia"', b'"name_en": "Latakia \\ud800"', 1)
    )
    claims = json.loads((root / "claims.json").read_text(encoding="utf-8"))
    for i, claim in enumerate(claims["claims"]):
        claim["summary"] = f"{claim['summary']} {_addresses(200 + i)}"
        claim["attribution"] = f"{claim['attribution']} {_addresses(300 + i)}"
    (root / "claims.json").write_text(json.dumps(claims, ensure_ascii=False), encoding="utf-8")
    for path in (root / "briefings").glob("*.json"):
        briefing = json.loads(path.read_text(encoding="utf-8"))
        for i, scene in enumerate(briefing["scenes"]):
            scene["talking_points"] = [
                f"{p} {_addresses(400 + i)}" for p in scene["talking_points"]
            ]
        path.write_text(json.dumps(briefing, ensure_ascii=False), encoding="utf-8")
    loaded = load_catalog(root)
    # The surrogate's place is left out, and with it the claims that need it,
    # each named; nothing else is an error.
    issues = [(i.record, i.field) for i in loaded.issues]
    assert (SURROGATE, "name_en") in issues, loaded.report()
    assert all(
        issue == (SURROGATE, "name_en") or (issue[1] == "places" and SURROGATE in i.message)
        for issue, i in zip(issues, loaded.issues, strict=True)
    ), loaded.report()
    return root


@pytest.fixture(scope="module")
def address_server(
    chromium_path: str, address_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    with serving(tmp_path_factory, "addresses", address_data) as server:
        yield server


def test_addresses_in_the_data_are_text_everywhere(
    open_page, address_server: AppServer, address_data: Path
) -> None:
    allowed = _source_links(address_data)
    assert allowed and not any(EVIL in url for url in allowed)
    app: BrowserPage = open_page(address_server)
    for path in (
        f"/?place={NAMED}",
        f"/?place={SURROGATE}",
        "/",
        "/?briefing=moscow-meeting&scene=1",
        "/claims",
        "/sources",
    ):
        app.goto(path)
        _no_traceback(app)
        outside, _ = _links_and_icons(app)
        assert [h for h in outside if h not in allowed] == [], (path, outside)
        if path == f"/?place={NAMED}":  # the first page, whose card names the place
            # The text itself still reads as written, icon syntax included (the
            # joiners are invisible).
            name = load_catalog(address_data).catalog.places[NAMED].name_en
            shown = app.text_showing(app.claim_card(), "Khmeimim")
            assert name in shown.replace("\u2060", ""), (name, shown)
        if path == "/":  # the Map page names the lone surrogate's error
            _surrogate_named(app)


# ------------------------------------------------------------------ 3. uploads


def _upload(app: BrowserPage, paths: list[Path]) -> None:
    app.upload(paths)


def test_hostile_uploads_are_errors_under_their_names(
    open_page, app_server: AppServer, tmp_path: Path
) -> None:
    nested = tmp_path / "claims.json"
    nested.write_bytes(b"[" * 100_000)
    places = tmp_path / "places.geojson"
    places.write_bytes(
        (GEODATA / "places.geojson").read_bytes().replace(b"[35.", b"[" + b"9" * 400 + b", 35.", 1)
    )
    twice = tmp_path / "more-places.geojson"
    twice.write_bytes((GEODATA / "places.geojson").read_bytes())
    # A file name is text from the user too: an address in it stays text.
    named = tmp_path / f"user@{EVIL}.sources.json"
    named.write_bytes((GEODATA / "sources.json").read_bytes())
    app: BrowserPage = open_page(app_server)
    app.goto("/")
    _upload(app, [nested, places, twice, named])
    _no_traceback(app)
    notice = app.main.locator('[data-testid="stAlert"]').filter(has_text="Your upload (")
    expect(notice).to_be_visible()
    app.main.get_by_text("What in your upload failed").click()
    problems = app.main.locator('[data-testid="stExpander"]').filter(
        has_text="What in your upload failed"
    )
    text = app.text_showing(problems, "nested more than", "not finite", "already")
    assert "nested more than" in text and "not finite" in text
    assert "more-places.geojson" in text and "already" in text
    expect(notice).to_contain_text(f"user@\u2060{EVIL}")  # the name, as text
    outside, _ = _links_and_icons(app)
    assert outside == []


def test_a_large_upload_draws_on_the_canvas_and_shows_in_claims_and_exports(
    open_page, app_server: AppServer, tmp_path: Path
) -> None:
    data = generate(tmp_path / "data", 2000)
    paths = sorted(p for p in data.path.iterdir() if p.is_file())
    mine = load_uploaded_files(
        [(p.name, p.read_bytes()) for p in paths], expected_for(GEODATA).catalog
    )
    assert not mine.issues
    count = mine.catalog.index.count_features(mine.catalog.index.select(ClaimFilter()))
    app: BrowserPage = open_page(app_server)
    app.goto("/")
    _upload(app, paths)
    _no_traceback(app)
    drawn = None
    for _ in range(120):  # the map's frame may be replaced while the upload draws
        try:
            drawn = app.map_frame().evaluate(
                "() => Object.entries(window.__briefmapDrawn || {})"
                ".filter(([k]) => k.startsWith('Your upload')).reduce((a, [, v]) => a + v, 0)"
            )
        except Exception:
            drawn = None
        if drawn == count:
            break
        app.page.wait_for_timeout(500)
    assert drawn == count
    # Its arrows too, from the payload (a shaft and a head each), not a folium path
    # apiece, on the layer's own canvas, not as SVG elements (two per arrow); the
    # canvas takes no pointer, yet a shaft shows its tooltip.
    arrows = len(
        deployment_arrows(
            mine.catalog, plan_features(mine.catalog, mine.catalog.index.select(ClaimFilter()))
        )
    )
    assert arrows > 0
    drawn_arrows = app.canvas_arrows("Your upload")
    assert drawn_arrows["shafts"] == drawn_arrows["heads"] == arrows
    assert drawn_arrows["on_canvas"]
    assert set(drawn_arrows["pointer"]) == {"none"}  # the shapes under it keep their tooltips
    assert drawn_arrows["inked"] > 0, drawn_arrows
    assert app.count_in_map(".bm-arrow") == 0
    hover = drawn_arrows["hover"]
    assert hover is not None, "no shaft in view to hover"
    box = app.page.locator(MAP_IFRAME).bounding_box()
    app.page.mouse.move(box["x"] + hover["x"], box["y"] + hover["y"])
    expect(app.map().locator(".bm-tooltip").filter(has_text=hover["text"][:40])).to_be_visible()
    app.page.mouse.move(box["x"] + 2, box["y"] + box["height"] / 2)
    # The offline HTML holds it, as its own layer. (After the map's last view report:
    # a rerun during the click would drop the file's generator.)
    app.settle()
    app.main.locator('[data-testid="stPopover"]').filter(has_text="Export").click()
    html = app.download(
        app.page.locator('[data-testid="stPopoverBody"]').get_by_role(
            "button", name="HTML map (opens offline)"
        )
    ).decode("utf-8")
    assert "Your upload: " in html and "sources cited" in html
    app.page.keyboard.press("Escape")
    # In the same session (a new page load would be a new session, without the upload).
    app.sidebar.locator('[data-testid="stSidebarNavLink"]').filter(has_text="Claims").click()
    app.page.wait_for_url("**/claims")
    app.wait_idle()
    _no_traceback(app)
    heading = app.main.get_by_role("heading").filter(has_text="Your upload")
    expect(heading).to_be_visible(timeout=30_000)
    expect(app.main.locator('[data-testid="stDataFrame"]')).to_have_count(2)


# ------------------------------------------------------------------------ 4. PNG


def test_a_png_is_drawn_on_request_and_saved_from_the_same_menu(
    open_page, app_server: AppServer
) -> None:
    app: BrowserPage = open_page(app_server)
    app.goto("/")
    # No waiting for the map's first view reports: a rerun they start may
    # overtake the click, and the PNG must be drawn all the same.
    app.main.locator('[data-testid="stPopover"]').filter(has_text="Export").click()
    menu = app.page.locator('[data-testid="stPopoverBody"]')
    menu.get_by_role("button", name="PNG snapshot").click()
    save = app.page.locator('[data-testid="stPopoverBody"]').get_by_role(
        "button", name="Save the PNG"
    )
    expect(save).to_be_visible(timeout=60_000)  # the menu stayed open through the rerun
    png = app.download(save)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    _no_traceback(app)


# ----------------------------------------------- 5. text that is not text
# On address_server (its data has a lone surrogate in a place name): every page
# runs (test_addresses_in_the_data_are_text_everywhere goes through them, that
# place's own link too), and the Map page names the error.


def _surrogate_named(app: BrowserPage) -> None:
    panel = app.main.locator('[data-testid="stAlert"]').filter(has_text="The data has")
    expect(panel).to_be_visible()
    app.main.get_by_text("What failed validation").click()
    problems = app.main.locator('[data-testid="stExpander"]').filter(
        has_text="What failed validation"
    )
    assert "not text (U+D800)" in app.text_showing(problems, "U+D800")
