"""The desk end to end in a real browser (issue 28): a report pasted, reviewed, saved, on the map.

One server (on a copy of the shipped data, editing open to anyone) and one
page serve the module's one test, which walks the analyst's whole way: paste
one of the desk's test reports with its outlet, date and address, draft,
reject one draft, edit another, write the summaries, save under a typed name
and a reason, then open the map at the saved claim's place: the claim card
keeps the sentence, the cue and the source. Two page loads in all.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import WAIT_MS, BrowserPage, expect

from briefmap.screenshots import AppServer, start_app

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
REPORT = REPO / "tests" / "desk" / "reports" / "12-wire-damascus-talks.txt"
OUTLET = "Desk Test Wire"
DAY = "2026-01-26"  # the shipped data's "as of": the map shows the day's claims
URL = "https://example.org/desk-test"
KEPT = "Our own note: the talks in Damascus went ahead."
EDITED = "Our own note: training at the air base was offered, it is said."
# Its sentence, and the cue its status rests on, as the report gives them.
SENTENCE = "Russia offered to train Syrian army units at Khmeimim."
CUE = "According to a source"


@pytest.fixture(scope="module")
def desk_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("desk-data") / "geodata"
    shutil.copytree(REPO / "geodata", target)
    return target


@pytest.fixture(scope="module")
def desk_server(
    chromium_path: str, desk_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppServer]:
    log = tmp_path_factory.mktemp("server-desk") / "streamlit.log"
    server = start_app(data_dir=desk_data, log_path=log, extra_env={"BRIEFMAP_EDITING": "anyone"})
    try:
        yield server
    finally:
        server.stop()


def widget(app: BrowserPage, key_end: str) -> Any:
    """The widget whose key ends so (Streamlit marks each with ``st-key-<key>``)."""
    return app.main.locator(f'[class*="st-key-desk_"][class*="{key_end}"]')


def fill(app: BrowserPage, box: Any, text: str, *, area: bool = False) -> None:
    """Type into a field and apply it (Enter; a text area on Ctrl+Enter)."""
    key = "Control+Enter" if area else "Enter"

    def again() -> None:  # a change the loaded machine did not send: made once more
        box.fill(text + " ")
        box.fill(text)
        box.press(key)

    with app.rerun(retry=again, what="a typed field"):
        box.fill(text)
        box.press(key)


def test_a_report_goes_from_paste_to_saved_claims_on_the_map(
    open_module_page: Callable[..., BrowserPage], desk_server: AppServer, desk_data: Path
) -> None:
    app = open_module_page(desk_server)
    app.goto("/desk")
    form = app.main.locator('[data-testid="stForm"]')
    form.get_by_label("Paste a report (plain text)").fill(REPORT.read_text(encoding="utf-8"))
    form.get_by_label("Outlet", exact=True).fill(OUTLET)
    form.get_by_label("Date (YYYY-MM-DD)", exact=True).fill(DAY)
    form.get_by_label("Address (http or https)", exact=True).fill(URL)
    with app.rerun():
        form.get_by_role("button", name="Draft claims").click()
    expect(widget(app, "_d03_decision")).to_be_visible(timeout=WAIT_MS)

    # d02 rejected; d03 edited (its status lowered); each kept one in our own words.
    # A choice the loaded machine did not send (no run started) is made once more.
    def reject() -> None:
        widget(app, "_d02_decision").get_by_text("Reject", exact=True).click()

    def edit() -> None:
        widget(app, "_d03_decision").get_by_text("Edit", exact=True).click()

    with app.rerun(retry=reject, what="d02's Reject"):
        reject()
    with app.rerun(retry=edit, what="d03's Edit"):
        edit()
    with app.rerun():
        widget(app, "_d03_status").get_by_role("combobox").click()
        app.page.get_by_role("option", name="unverified", exact=True).click()
    fill(app, widget(app, "_d01_summary").locator("textarea"), KEPT, area=True)
    fill(app, widget(app, "_d03_summary").locator("textarea"), EDITED, area=True)
    fill(app, app.main.get_by_label("Your name", exact=True), "Desk Tester")
    fill(app, app.main.get_by_label("Why (kept in the audit trail)", exact=True), "Wire report")
    with app.rerun():
        app.main.get_by_role("button", name="Save 2 reviewed claim(s)").click()
    expect(app.main.get_by_text("Saved 2 claim", exact=False)).to_be_visible(timeout=WAIT_MS)

    # In the store: the two reviewed claims, not the rejected one, and the report's source.
    saved = [
        c
        for c in json.loads((desk_data / "claims.json").read_text(encoding="utf-8"))["claims"]
        if c["id"].startswith("desk-")
    ]
    assert sorted(c["summary"] for c in saved) == sorted([KEPT, EDITED])
    assert {c["status"] for c in saved if c["summary"] == EDITED} == {"unverified"}

    # On the map: the place's card shows the saved claim with its sentence, cue and source.
    app.goto("/?place=khmeimim_air_base")
    entry = (
        app.main.locator('[data-testid="stVerticalBlock"]')
        .filter(has=app.page.get_by_text(EDITED, exact=False))
        .last
    )
    expect(entry).to_contain_text(SENTENCE, timeout=WAIT_MS)
    expect(entry).to_contain_text(CUE)
    expect(entry).to_contain_text(f"{OUTLET} ({DAY})")
    expect(entry).to_contain_text("Unverified")
    expect(entry.get_by_role("link", name="Open source")).to_have_attribute("href", URL)
    assert app.page_errors == []
