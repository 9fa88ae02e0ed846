"""Export briefing in the sidebar: the pack's download, and the PDF handout in two steps."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from app_runs import APP, open_app
from streamlit.testing.v1 import AppTest

from briefmap.app.pack_panel import PACK_LABEL, PDF_LABEL


def _with_briefing() -> AppTest:
    # The app opened on a briefing's link: the first run lays the sidebar out.
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["briefing"] = "moscow-meeting"
    at.query_params["scene"] = "1"
    at.run()
    assert not at.exception
    return at


def _panel_script() -> None:
    from briefmap.app.data import load
    from briefmap.app.pack_panel import briefing_export

    briefing_export(load(), "moscow-meeting")


def _panel() -> AppTest:
    # The panel alone: AppTest keeps the app's sidebar in its tree only on the
    # run that lays it out last (the session's first), and the handout takes several.
    at = AppTest.from_function(_panel_script, default_timeout=60).run()
    assert not at.exception
    return at


def _labels(at: AppTest) -> set[str]:
    return {b.proto.label for b in at.get("download_button")}


def test_export_briefing_shows_only_with_a_briefing_picked() -> None:
    at = open_app()
    assert PACK_LABEL not in _labels(at)
    at = _with_briefing()
    (pack,) = [b for b in at.get("download_button") if b.proto.label == PACK_LABEL]
    # Made when clicked, and the click does not rerun the app (panels.deferred_download).
    assert pack.proto.ignore_rerun
    assert PDF_LABEL in {b.label for b in at.button}


@pytest.mark.parametrize("busy", [False, True])
def test_the_handout_is_printed_on_request_and_a_busy_server_says_so(
    monkeypatch: pytest.MonkeyPatch, busy: bool
) -> None:
    from briefmap import screenshots
    from briefmap.drawing import pack_pdf, png_export

    printed: list[str] = []

    def fake(html: str) -> bytes:
        if busy:
            raise png_export.SnapshotBusy("The server is already drawing 2 snapshots; try again")
        printed.append(html)
        return b"%PDF-1.4 fake"

    monkeypatch.setattr(screenshots, "why_no_browser", lambda _what, _chromium=None: None)
    monkeypatch.setattr(pack_pdf, "pack_pdf", fake)
    at = _panel()
    assert "Save the PDF" not in _labels(at)
    at.button(key="pack_pdf_draw").click().run()
    for _ in range(50):
        if any("Printing the handout" in c.value for c in at.caption):
            time.sleep(0.1)
            at.run()
    assert not at.exception
    saves = [b for b in at.get("download_button") if b.proto.label == "Save the PDF"]
    if busy:
        assert not saves
        assert any("try again" in w.value for w in at.warning)
    else:
        (save,) = saves
        assert save.proto.ignore_rerun
        # Printed from the pack of the briefing picked.
        assert "Putin and al-Sharaa in Moscow" in printed[0]
        assert 'class="bm-pack-scene"' in printed[0]


def test_without_chromium_the_handout_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from briefmap.screenshots import CHROMIUM_ENV_VAR

    # A server without the browser: the button is off and says what is missing.
    monkeypatch.setenv(CHROMIUM_ENV_VAR, "/nonexistent/chromium")
    at = _panel()
    assert at.button(key="pack_pdf_draw").disabled
    (why,) = [c.value for c in at.caption if "PDF handout cannot be made" in c.value]
    assert "no Chromium browser" in why
    assert "works without it" in why
    # The pack itself needs no browser on the server.
    assert PACK_LABEL in _labels(at)


def test_without_chromium_printing_says_why_in_the_buttons_words(tmp_path: Path) -> None:
    from briefmap.drawing import pack_pdf, png_export
    from briefmap.screenshots import why_no_browser

    # The browser gone between the button and the print: the same words as the caption.
    missing = str(tmp_path / "no-chromium-here")
    with pytest.raises(png_export.SnapshotUnavailable) as caught:
        pack_pdf.pack_pdf("<html></html>", chromium=missing)
    assert str(caught.value) == why_no_browser(pack_pdf.HANDOUT, missing)
    assert str(caught.value).startswith("The PDF handout cannot be made on this server")
