"""The desk page in AppTest: a report drafted, its cards reviewed (one rejected, one edited), previewed.

One session runs the whole review, as an analyst would, in one test (the steps
depend on each other): the accepted drafts become the session's own data on
the Map page. Saving them through the store: a second test, on a copy of the
data with editing open to anyone, and a third on a read-only server.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from briefmap.app import streamlit_internals
from briefmap.desk.text import MAX_BYTES
from briefmap.store.files import FileStore

REPO = Path(__file__).resolve().parents[2]
REPORT = (
    "Russian troops withdrew from the observation post at Tell al-Hara on 7 October 2024, "
    "a monitoring group reported.\n\n"
    "Russian officers could deploy to Manbij, a source familiar with the talks said.\n\n"
    "Russian jets reportedly stayed at Khmeimim.\n"
)


def decisions(at: AppTest) -> list[str]:
    return [r.key for r in at.radio if r.key and r.key.endswith("_decision")]


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    # AppTest would replay Streamlit's pages/ folder mode (briefmap/app/streamlit_internals.py).
    with streamlit_internals.navigation_only():
        yield


def test_a_report_goes_from_paste_to_reviewed_claims_on_the_map() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.switch_page("pages/desk.py").run()
    assert not at.exception, at.exception
    at.text_area(key="desk_text").set_value(REPORT)
    at.button[0].click().run()  # the form's "Draft claims"
    assert not at.exception, at.exception

    # Each draft a card, its cue highlighted.
    first, second, third = decisions(at)
    shown = " ".join(m.value for m in at.markdown)
    assert ":orange-background[**reportedly**]" in shown

    # A summary that copies the report is warned.
    summary = first.replace("_decision", "_summary")
    at.text_area(key=summary).set_value(
        "Russian troops withdrew from the observation post at Tell al-Hara on that day."
    )
    at.run()
    assert any("word for word" in w.value for w in at.warning)

    # One rejected, one edited (its status lowered), summaries in our own words.
    at.text_area(key=summary).set_value("Our own account of the withdrawal.")
    at.radio(key=second).set_value("reject")
    at.radio(key=third).set_value("edit").run()  # its fields open for editing
    at.selectbox(key=third.replace("_decision", "_status")).set_value("reported")
    at.text_area(key=third.replace("_decision", "_summary")).set_value("Our own account of it.")
    at.run()
    assert not any("word for word" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Preview on the map").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    upload = at.session_state["desk_preview"]
    claims = sorted(upload.result.catalog.claims.values(), key=lambda c: c.id)
    assert [c.status.value for c in claims] == ["reported", "reported"]  # the third edited down
    assert [c.places for c in claims] == [("tell_al_hara",), ("khmeimim_air_base",)]
    assert claims[0].posture.value == "former"
    assert any("until they are saved" in s.value for s in at.success)

    # On the Map page, the reviewed claims are the session's own data.
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    assert any("the desk" in s.value and "2 claim" in s.value for s in at.success), [
        s.value for s in at.success
    ]


def desk_with(at: AppTest, report: str) -> list[str]:
    at.switch_page("pages/desk.py").run()
    at.text_area(key="desk_text").set_value(report)
    at.text_input[1].set_value("2026-01-30")  # the report's date
    at.button[0].click().run()  # the form's "Draft claims"
    assert not at.exception, at.exception
    return decisions(at)


def test_reviewed_drafts_are_saved_through_the_store_and_refusals_shown_in_their_card(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "geodata"
    shutil.copytree(REPO / "geodata", data)
    monkeypatch.setenv("BRIEFMAP_DATA", str(data))
    monkeypatch.setenv("BRIEFMAP_EDITING", "anyone")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    first, second, third = desk_with(at, REPORT)
    at.radio(key=second).set_value("reject")
    at.text_area(key=first.replace("_decision", "_summary")).set_value("Our own account of it.")
    at.text_input(key="edit_typed_name").set_value("Desk Tester").run()  # then the reason opens
    at.text_input(key="desk_why").set_value("The morning's report")
    at.run()
    save = next(b for b in at.button if b.label.startswith("Save 2 reviewed"))
    save.click().run()  # the third has no summary: refused, beside its summary
    assert not at.exception, at.exception
    errors = [e.value for e in at.error]
    # Beside the summary in its card, and beside the button, by draft and field: a
    # refused save must not look like a click that did nothing (issue 28's walk).
    card, by_the_button = errors
    assert "field 'summary'" in card, errors
    draft_id = third.removeprefix("desk_").split("_")[1]
    assert by_the_button.startswith("Not saved:"), errors
    assert f"{draft_id}: refused in its card (summary)" in by_the_button, errors
    store = FileStore(data)
    assert store.recent(1) == []  # nothing saved
    at.text_area(key=third.replace("_decision", "_summary")).set_value("Jets stay, it is said.")
    at.run()
    next(b for b in at.button if b.label.startswith("Save 2 reviewed")).click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert any(s.value.startswith("Saved 2 claim") for s in at.success), at.success
    entries = store.recent(10)
    assert {(e.who_name, e.why) for e in entries} == {("Desk Tester", "The morning's report")}
    claims = [e.after for e in entries if e.kind == "claim"]
    assert sorted(c["places"][0] for c in claims) == ["khmeimim_air_base", "tell_al_hara"]


def test_a_read_only_server_offers_no_save(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFMAP_EDITING", raising=False)
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    desk_with(at, REPORT)
    assert any("Read only" in i.value for i in at.info)
    assert not [b for b in at.button if b.label.startswith("Save")]


def test_the_upload_box_says_the_desks_own_limit_not_the_apps() -> None:
    # The app's limit (20 MB, for GIS files) was shown: a 2 MB page was then refused.
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    at.switch_page("pages/desk.py").run()
    assert not at.exception, at.exception
    (box,) = [e for e in at.get("file_uploader") if e.proto.label.startswith("…or upload")]
    assert box.proto.max_upload_size_mb * 2**20 >= MAX_BYTES
    assert (box.proto.max_upload_size_mb - 1) * 2**20 < MAX_BYTES


def test_a_report_in_arabic_lists_the_places_it_names_as_the_cli_does() -> None:
    # The page said "the places it names are listed", then listed none (issue 28's walk).
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    assert desk_with(at, "قالت وزارة الدفاع الروسية إن قواتها دخلت القامشلي يوم الاثنين.\n") == []
    shown = " ".join(m.value for m in at.markdown)
    assert "**Places named:** Qamishli (“القامشلي”)" in shown, shown
    assert any("Nothing could be drafted" in w.value for w in at.warning)
