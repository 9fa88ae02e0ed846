"""Headless smoke tests of every page with Streamlit's AppTest."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from app_runs import open_app
from streamlit.testing.v1 import AppTest

from briefmap.app import map_panel, page_style, scenes, streamlit_internals, view
from briefmap.app.session import KEY_TIMELINE
from briefmap.data.loader import load_catalog
from briefmap.data.sourcing import RULES
from briefmap.drawing.gis_exports import kml_document
from briefmap.drawing.mapping import plan_features
from briefmap.drawing.plan import one_per_place
from briefmap.engine.query import ClaimFilter, Deployments, select
from briefmap.safe import WORD_JOINER, markdown_text

REPO = Path(__file__).resolve().parent.parent
PAGES = ["pages/map.py", "pages/claims.py", "pages/sources.py"]


@pytest.fixture(autouse=True)
def _navigation_not_pages_folder() -> Iterator[None]:
    # AppTest would replay Streamlit's pages/ folder mode (see briefmap/app/streamlit_internals.py).
    with streamlit_internals.navigation_only():
        yield


def _app() -> AppTest:
    return open_app()


def _map_args(at: AppTest) -> dict[str, Any]:
    (component,) = [
        e for e in at.get("component_instance") if e.proto.component_name.endswith("st_folium")
    ]
    return json.loads(component.proto.json_args)


def _count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "Showing" in m.value)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs(page: str) -> None:
    at = _app()
    if page != "pages/map.py":
        at.switch_page(page).run()
    assert not at.exception, at.exception
    assert at.title, "every page has a title"


def test_map_page_shows_everything_by_default(real_catalog: Any) -> None:
    at = _app()
    n = len(real_catalog.claims)
    assert _count_line(at) == f"**Showing {n} of {n} claims**"
    args = _map_args(at)
    # Clicks open the card; the area the user moved to keeps the shareable link current.
    assert args["returned_objects"] == [
        "last_object_clicked",
        "last_object_clicked_count",
        "bounds",
    ]
    assert all("cdn" not in link for link in args["js_links"] + args["css_links"])
    # One marker per place, however many layers it has claims in.
    features = plan_features(real_catalog, select(real_catalog, ClaimFilter()))
    assert args["feature_group"].count('"className": "bm-feature ') == len(one_per_place(features))
    assert len(one_per_place(features)) < len(features)


def test_the_timeline_waits_behind_a_switch_and_counts_the_shown_claims(
    real_catalog: Any,
) -> None:
    # Not even sent until asked for, so the browser loads no chart code before
    # the map's frame (BENCHMARKS.md).
    at = _app()
    assert at.toggle(key=KEY_TIMELINE).value is False
    assert not at.get("vega_lite_chart")
    at.toggle(key=KEY_TIMELINE).set_value(True).run()
    (chart,) = at.get("vega_lite_chart")
    rows = pa.ipc.open_stream(chart.proto.data.data).read_all().to_pandas()
    assert rows["claims"].sum() == len(real_catalog.claims)
    at.sidebar.multiselect(key="filter_actors").set_value(["israel"]).run()
    (chart,) = at.get("vega_lite_chart")
    rows = pa.ipc.open_stream(chart.proto.data.data).read_all().to_pandas()
    shown = select(real_catalog, ClaimFilter(actors=frozenset({"israel"})))
    assert rows["claims"].sum() == len(shown.claims) < len(real_catalog.claims)


def test_the_map_page_sends_no_html_in_markdown() -> None:
    # Markdown with HTML in it makes the browser load an HTML parser (190 KB
    # of Streamlit's code, three requests) before the map's frame: the page's
    # own CSS goes as style-only st.html, which also takes no room.
    at = _app()
    assert [m.value[:60] for m in at.markdown if m.proto.allow_html] == []
    styles = [h.proto.body for h in at.get("html")]
    # All in one element, sent first in the run (app.py), which the page's body is
    # held until (issue 25, finding 4: sent as each part was drawn, they came after
    # it and moved it).
    (sheet,) = [body for body in styles if streamlit_internals.STREAMLIT_DOM_CSS in body]
    assert sheet.startswith(streamlit_internals.STREAMLIT_DOM_CSS)
    for css in (page_style.PAGE_CSS, scenes.MAP_PAGE_CSS, map_panel.MAP_COLUMNS_CSS):
        assert css.strip() in sheet
        assert sum(css.strip() in body for body in styles) == 1


def test_a_sessions_first_run_draws_the_map_then_the_sidebar_and_later_runs_the_sidebar_first(
    monkeypatch: pytest.MonkeyPatch, real_catalog: Any
) -> None:
    # So the browser asks for the map's code and frame before the sidebar's
    # widgets' code; later runs lay the sidebar out first, so it is never the
    # previous run's.
    order: list[str] = []

    def recording(name: str, real: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            order.append(name)
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(view, "sidebar", recording("sidebar", view.sidebar))
    monkeypatch.setattr(map_panel, "st_folium", recording("map", map_panel.st_folium))
    at = open_app()
    assert not at.exception
    assert order == ["map", "sidebar"]
    assert at.sidebar.multiselect(key="filter_actors").value == []
    order.clear()
    at.sidebar.multiselect(key="filter_actors").set_value(["israel"]).run()
    assert order == ["sidebar", "map"]
    shown = select(real_catalog, ClaimFilter(actors=frozenset({"israel"})))
    n = len(real_catalog.claims)
    assert _count_line(at) == f"**Showing {len(shown.claims)} of {n} claims**"


@pytest.mark.parametrize("page", ["pages/claims.py", "pages/sources.py"])
def test_a_first_run_on_a_page_without_the_map_lays_out_the_sidebar(page: str) -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
    at.switch_page(page).run()
    assert not at.exception
    assert at.sidebar.multiselect(key="filter_actors").value == []


def test_filter_change_swaps_layers_but_keeps_the_base_map(real_catalog: Any) -> None:
    at = _app()
    before = _map_args(at)
    at.sidebar.multiselect(key="filter_actors").set_value(["israel"]).run()
    assert not at.exception
    after = _map_args(at)
    expected = select(real_catalog, ClaimFilter(actors=frozenset({"israel"})))
    assert (
        _count_line(at)
        == f"**Showing {len(expected.claims)} of {len(real_catalog.claims)} claims**"
    )
    # The layers changed...
    assert after["feature_group"] != before["feature_group"]
    assert after["feature_group"].count('"className": "bm-feature ') == len(
        plan_features(real_catalog, expected)
    )
    # ...the map itself did not, so the browser keeps it with its zoom and pan.
    assert after["script"] == before["script"]
    assert after["key"] == before["key"]


def test_a_rerun_with_the_same_filter_sends_the_same_layers() -> None:
    # Panning reruns the script (the view goes into the link); identical layer
    # script means the browser has nothing to redraw.
    at = _app()
    first = _map_args(at)["feature_group"]
    at.run()
    assert _map_args(at)["feature_group"] == first


def test_filters_hold_across_pages() -> None:
    at = _app()
    at.sidebar.selectbox(key="filter_deployments").set_value(Deployments.PROPOSED_ONLY).run()
    line = _count_line(at)
    at.switch_page("pages/claims.py").run()
    assert not at.exception
    assert any(line.strip("*") in c.value for c in at.caption)


def test_empty_result_gets_a_message_and_a_way_back(real_catalog: Any) -> None:
    at = _app()
    at.sidebar.text_input(key="filter_search").input("no such place anywhere").run()
    assert _count_line(at) == f"**Showing 0 of {len(real_catalog.claims)} claims**"
    assert any("No claims match" in i.value for i in at.info)
    at.button(key="reset_from_empty").click().run()
    assert (
        _count_line(at)
        == f"**Showing {len(real_catalog.claims)} of {len(real_catalog.claims)} claims**"
    )
    assert not at.info


def test_claim_card_lists_the_claims_on_a_place(real_catalog: Any) -> None:
    at = _app()
    at.selectbox(key="selected_place").set_value("khmeimim_air_base").run()
    text = " ".join(m.value for m in at.markdown)
    on_place = [c for c in real_catalog.claims.values() if "khmeimim_air_base" in c.places]
    assert on_place
    for claim in on_place:
        assert claim.claimant.split()[0] in text
        assert claim.reported in text.replace("\\-", "-")
    assert "Stated on the record" in text


@pytest.mark.parametrize("present", [False, True])
def test_the_map_is_sent_the_same_without_a_full_page_render(
    present: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # briefmap.app.map_panel.briefing_map passes render=False to st_folium (faster);
    # the component must get exactly what the default render=True would give it.
    from briefmap.app import map_panel

    def run() -> dict[str, Any]:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        if present:
            at.query_params["present"] = "1"
        return _map_args(at.run())

    fast = run()
    original = map_panel.st_folium
    monkeypatch.setattr(
        map_panel, "st_folium", lambda *a, **k: original(*a, **{**k, "render": True})
    )
    rendered = run()
    assert fast == rendered
    assert ".bm-legend" in fast["header"]
    assert ("font-size: 17px" in fast["header"]) is present  # presentation type sizes


def test_with_many_places_the_claim_card_is_found_by_name(
    real_catalog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefmap.app import card

    # As at 100,000 places: the card offers matches for a typed name, not every place.
    monkeypatch.setattr(card, "CARD_LIST_LIMIT", 5)
    at = _app()
    assert at.selectbox(key="selected_place").options == []
    at.text_input(key="card_search").input("хмеймим").run()  # Russian, any case
    assert at.selectbox(key="selected_place").options == ["Khmeimim Air Base"]
    at.selectbox(key="selected_place").set_value("khmeimim_air_base").run()
    assert any("Khmeimim Air Base" in m.value for m in at.markdown if m.value.startswith("## "))
    # The chosen place stays on offer when the search moves on.
    at.text_input(key="card_search").input("tartus").run()
    options = at.selectbox(key="selected_place").options
    assert options[0] == "Khmeimim Air Base" and any("Tartus" in o for o in options[1:])
    assert at.selectbox(key="selected_place").value == "khmeimim_air_base"
    assert not at.exception


def test_with_few_places_the_claim_card_lists_them_all(real_catalog: Any) -> None:
    at = _app()
    assert "card_search" not in [t.key for t in at.text_input]
    shown = select(real_catalog, ClaimFilter()).place_ids
    assert len(at.selectbox(key="selected_place").options) == len(shown)


def test_bad_data_shows_an_error_panel_and_the_valid_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "geodata", data)
    claims = json.loads((data / "claims.json").read_text(encoding="utf-8"))
    claims["claims"][1]["status"] = "rumoured"
    (data / "claims.json").write_text(json.dumps(claims), encoding="utf-8")
    monkeypatch.setenv("BRIEFMAP_DATA", str(data))
    at = _app()
    assert not at.exception
    assert at.error, "an error panel is shown"
    assert "1 record(s) were left out" in at.error[0].value
    details = " ".join(m.value for m in at.markdown).replace("\\", "")
    assert "claims.json" in details and "rumoured" in details
    valid = len(load_catalog(data).catalog.claims)
    assert _count_line(at) == f"**Showing {valid} of {valid} claims**"


def test_a_gis_file_as_the_data_loads_in_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_catalog: Any
) -> None:
    # A GIS file is read in a child process (briefmap.data.budget), which runs
    # the main file again: app.py must then do nothing. It ran the whole app,
    # whose data load started a read of its own in the child and failed
    # ("could not be read: no reader could be started").
    kml = tmp_path / "field-notes.kml"
    kml.write_bytes(kml_document(real_catalog, select(real_catalog, ClaimFilter())))
    monkeypatch.setenv("BRIEFMAP_DATA", str(kml))
    at = _app()
    assert not at.exception
    assert not at.error, [e.value for e in at.error]
    loaded = load_catalog(kml)
    assert loaded.ok and loaded.catalog.places, loaded.report()
    # The page is the file's: its title is the file's name (no briefmap.json).
    shown = " ".join(e.value for e in (*at.title, *at.markdown))
    assert loaded.catalog.meta.title == "Field notes" and "Field notes" in shown


def test_claims_page_table_and_csv(real_catalog: Any) -> None:
    at = _app()
    at.switch_page("pages/claims.py").run()
    frame = at.dataframe[0].value
    assert len(frame) == len(real_catalog.claims)
    assert set(frame["Claim id"]) == set(real_catalog.claims)


def test_claims_page_shows_the_latest_rows_and_says_the_csv_has_all(
    real_catalog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefmap.engine import tables

    monkeypatch.setattr(tables, "SCREEN_ROWS", 5)  # as 10,000 of 100,000 claims
    at = _app()
    at.switch_page("pages/claims.py").run()
    frame = at.dataframe[0].value
    latest = sorted(real_catalog.claims.values(), key=lambda c: (c.reported, c.id))[-5:]
    assert list(frame["Claim id"]) == [c.id for c in latest]
    n = len(real_catalog.claims)
    assert any(f"5 most recently reported of {n:,} claims" in c.value for c in at.caption)
    assert not at.exception


@pytest.mark.parametrize(
    ("page", "labels"),
    [
        (
            "pages/map.py",
            {
                "GeoJSON of the claims (GIS: one feature per claim)",
                "GeoJSON of their places (GIS)",
                "GeoJSON (loads back into Briefmap)",
                "CSV of the claims",
                "HTML map (opens offline)",
                "KMZ (Google Earth)",
                "GeoPackage (QGIS; loads back into Briefmap)",
            },
        ),
        ("pages/claims.py", {"Download CSV"}),
    ],
)
def test_downloads_do_not_rerun_the_app(page: str, labels: set[str]) -> None:
    # A click that reruns the app races the rerun for the file's generator and can lose
    # it: the browser then gets an error instead of the file (see app.panels.deferred_download).
    at = _app()
    if page != "pages/map.py":
        at.switch_page(page).run()
    buttons = at.get("download_button")
    assert {b.proto.label for b in buttons} == labels
    for button in buttons:
        assert button.proto.ignore_rerun, f"{button.proto.label!r} reruns the app when clicked"


def test_sources_page_states_the_as_of_date(real_catalog: Any) -> None:
    at = _app()
    at.switch_page("pages/sources.py").run()
    text = " ".join(m.value for m in at.markdown)
    assert real_catalog.as_of.replace("-", "\\-") in text or real_catalog.as_of in text
    assert len(at.dataframe) == 3  # ladder, precision, sources
    # The rules in whole sentences, every one of them.
    text = " ".join(m.value for m in at.markdown).replace("\\", "").replace(WORD_JOINER, "")
    for rule, meaning in RULES:
        assert f"**{rule}.** {meaning}" in text


@pytest.mark.parametrize("busy", [False, True])
def test_a_png_is_drawn_on_request_and_a_busy_server_says_so(
    monkeypatch: pytest.MonkeyPatch, busy: bool
) -> None:
    from briefmap import screenshots
    from briefmap.drawing import png_export

    def draw(html: str) -> bytes:
        if busy:
            raise png_export.SnapshotBusy(
                "The server is already drawing 2 PNG snapshots; try again"
            )
        assert "<html" in html
        return b"\x89PNG fake"

    monkeypatch.setattr(screenshots, "why_no_browser", lambda _what, _chromium=None: None)
    monkeypatch.setattr(png_export, "png_snapshot", draw)
    at = _app()
    assert "Save the PNG" not in {b.proto.label for b in at.get("download_button")}
    at.button(key="png_draw").click().run()
    # Drawn off the script's thread: the next runs show it once it is done.
    for _ in range(50):
        if any("Drawing the PNG" in c.value for c in at.caption):
            time.sleep(0.1)
            at.run()
    assert not at.exception
    assert not any("Drawing the PNG" in c.value for c in at.caption)
    saves = [b for b in at.get("download_button") if b.proto.label == "Save the PNG"]
    if busy:
        assert not saves
        assert any("try again" in w.value for w in at.warning)
    else:
        (save,) = saves
        assert save.proto.ignore_rerun
        # Another filter: the PNG drawn before no longer shows what is on screen.
        at.sidebar.multiselect(key="filter_actors").set_value(["israel"]).run()
        assert "Save the PNG" not in {b.proto.label for b in at.get("download_button")}


def test_a_busy_place_lists_its_latest_claims_and_says_how_many_more(
    real_catalog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefmap.app import card

    on_place = sorted(
        (c for c in real_catalog.claims.values() if "khmeimim_air_base" in c.places),
        key=lambda c: (c.reported, c.id),
    )
    assert len(on_place) > 1
    monkeypatch.setattr(card, "CARD_CLAIMS_LIMIT", 1)
    at = _app()
    at.selectbox(key="selected_place").set_value("khmeimim_air_base").run()
    assert any(
        f"The 1 most recently reported of {len(on_place)} claims here" in c.value
        for c in at.caption
    )
    text = " ".join(m.value for m in at.markdown)
    listed = [c for c in on_place if f"**Attribution:** {markdown_text(c.attribution)}" in text]
    assert listed == on_place[-1:]
    assert not at.exception


def test_data_reported_on_a_single_day_offers_no_date_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Streamlit's slider refuses a range whose ends are the same day
    # (StreamlitInvalidMinMaxError): a data set of one day has nothing to narrow.
    data = tmp_path / "data"
    shutil.copytree(REPO / "geodata", data)
    claims = json.loads((data / "claims.json").read_text(encoding="utf-8"))
    kept = [c for c in claims["claims"] if not c.get("history")][:3]
    day = max(c["reported"] for c in kept)
    for claim in kept:
        claim["reported"] = day
    claims["claims"] = kept
    (data / "claims.json").write_text(json.dumps(claims), encoding="utf-8")
    catalog = load_catalog(data)
    assert catalog.ok, catalog.report()
    first, last = catalog.catalog.index.date_span
    assert first == last  # the case itself: one day
    monkeypatch.setenv("BRIEFMAP_DATA", str(data))
    at = _app()
    assert not at.exception
    assert [s.label for s in at.slider if s.key == "filter_dates"] == []
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "every claim was reported on" in captions.replace("\u2060", "")
    assert _count_line(at) == f"**Showing {len(kept)} of {len(kept)} claims**"
