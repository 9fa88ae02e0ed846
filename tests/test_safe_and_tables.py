from __future__ import annotations

import io

import pandas as pd
import pytest

from briefmap.data.schema import Catalog
from briefmap.engine.interaction import MapClick, place_at
from briefmap.engine.query import ClaimFilter, select
from briefmap.engine.tables import CLAIM_COLUMNS, claims_table, ladder_table, sources_table, to_csv
from briefmap.safe import map_text, markdown_text

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "${alert(document.domain)}",
    "`;alert(1);`",
    "</script><script>alert(1)</script>",
    '" onmouseover="alert(1)',
    "\\`${x}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_map_text_leaves_nothing_executable(payload: str) -> None:
    out = map_text(payload)
    for dangerous in ("<", ">", "`", "${", '"', "\\"):
        assert dangerous not in out


def test_map_text_round_trips_through_html() -> None:
    import html

    text = 'Tell al-Hara <1,127 m> & `${x}` "q"'
    assert html.unescape(map_text(text)) == text


def test_map_text_drops_bidi_overrides() -> None:
    assert map_text("abc\u202edef") == "abcdef"
    assert map_text(None) == ""


def test_markdown_text_escapes_links_emphasis_and_latex() -> None:
    out = markdown_text("[click](javascript:alert(1)) **bold** $x$ <b>")
    assert "\\[click\\]\\(javascript\\:\u2060alert\\(1\\)\\)" in out
    assert "\\*\\*bold\\*\\*" in out and "\\$x\\$" in out and "\\<b\\>" in out


def test_claims_table_has_every_selected_claim(real_catalog: Catalog) -> None:
    selection = select(real_catalog, ClaimFilter())
    table = claims_table(real_catalog, selection)
    assert list(table.columns) == list(CLAIM_COLUMNS)
    assert list(table["Claim id"]) == [c.id for c in selection.claims]
    row = table.set_index("Claim id").loc["c02-tartus-access"]
    assert row["Status"] == "Reported"
    kobani = table.set_index("Claim id").loc["ctx-2019-kobani-military-police"]
    assert kobani["Posture"] == "Former (end date unknown)"
    assert row["Source"] == "news report, outlet not identified"
    # Several sources: each credited, in the claim's order, one link (Dawn's).
    both = table.set_index("Claim id").loc["c01-honour-agreements"]
    assert both["Source"] == "Reuters (via Dawn); news report, outlet not identified"
    assert both["Source date"] == "2025-10-15; 2025-10-15"
    assert both["Link"] == "https://www.dawn.com/news/1949114"


def test_csv_defuses_spreadsheet_formulas() -> None:
    frame = pd.DataFrame({"Summary": ['=HYPERLINK("x")', "+1", "plain", "-2", "@SUM(A1)"]})
    back = pd.read_csv(io.BytesIO(to_csv(frame)))
    assert list(back["Summary"]) == ['\'=HYPERLINK("x")', "'+1", "plain", "'-2", "'@SUM(A1)"]


def test_csv_drops_bidi_controls_even_before_a_formula() -> None:
    # A spreadsheet shows "\u202egnp.exe" as "exe.png"; one in front of "=" hid the formula.
    frame = pd.DataFrame({"Summary": ["\u202egnp.exe", '\u2066=HYPERLINK("x")\u2069', "plain"]})
    back = pd.read_csv(io.BytesIO(to_csv(frame)))
    assert list(back["Summary"]) == ["gnp.exe", '\'=HYPERLINK("x")', "plain"]


def test_sources_and_ladder_tables(real_catalog: Catalog) -> None:
    sources = sources_table(real_catalog)
    assert sources["Claims"].sum() == sum(len(c.sources) for c in real_catalog.claims.values())
    readout = sources.set_index("Source id").loc["kremlin_readout_2025_10_15"]
    assert readout["Official record of"] == "Russia"
    unknown = sources.set_index("Source id").loc["news_report_2025_10_15"]
    assert unknown["Outlet"] == "news report, outlet not identified"
    ladder = ladder_table()
    assert list(ladder["Status"]) == [
        "Confirmed",
        "Stated on the record",
        "Reported",
        "Unverified",
        "Denied",
    ]


def test_click_parsing_is_strict() -> None:
    assert MapClick.from_component(None) is None
    assert MapClick.from_component({"last_object_clicked": None}) is None
    assert MapClick.from_component({"last_object_clicked": {"lat": "x", "lng": 1}}) is None
    assert MapClick.from_component({"last_object_clicked": {"lat": float("nan"), "lng": 1}}) is None
    assert MapClick.from_component(
        {"last_object_clicked": {"lat": 35.4117, "lng": 35.945}}
    ) == MapClick(35.4117, 35.945)


def test_click_resolves_points_then_smallest_outline(real_catalog: Catalog) -> None:
    shown = select(real_catalog, ClaimFilter()).place_ids
    base = real_catalog.places["khmeimim_air_base"].geometry
    assert place_at(real_catalog, shown, MapClick(base.y, base.x)) == "khmeimim_air_base"
    # Inside Daraa governorate, away from any point.
    daraa = real_catalog.places["daraa_governorate"].geometry.representative_point()
    assert place_at(real_catalog, shown, MapClick(daraa.y, daraa.x)) == "daraa_governorate"
    # Open desert: nothing.
    assert place_at(real_catalog, shown, MapClick(34.5, 39.5)) is None


def test_click_names_the_marker_clicked_and_counts_clicks() -> None:
    report = {
        "last_object_clicked": {"lat": 37.03, "lng": 41.2},
        "last_object_clicked_count": 3,
        "briefmap": {"place": "qamishli", "moved": False},
    }
    assert MapClick.from_component(report) == MapClick(37.03, 41.2, "qamishli", 3)
    # Enter on a marker in Leaflet's own way carries no position, but the place.
    keyed = {**report, "last_object_clicked": None}
    assert MapClick.from_component(keyed) == MapClick(None, None, "qamishli", 3)
    # Junk in our part of the report is dropped, not trusted.
    for junk in (5, "", "x" * 500, None, ["qamishli"]):
        odd = {**report, "briefmap": {"place": junk}}
        assert MapClick.from_component(odd) == MapClick(37.03, 41.2, None, 3)
    assert MapClick.from_component({**report, "briefmap": "qamishli"}).place is None
    assert MapClick.from_component({**report, "last_object_clicked_count": True}).count == 0


def test_click_resolves_to_the_marker_clicked_before_the_position(real_catalog: Catalog) -> None:
    shown = select(real_catalog, ClaimFilter()).place_ids
    airport = real_catalog.places["qamishli_airport"].geometry
    # A click reported at the airport's spot on the town's marker opens the town.
    assert place_at(real_catalog, shown, MapClick(airport.y, airport.x, "qamishli")) == "qamishli"
    assert place_at(real_catalog, shown, MapClick(None, None, "qamishli")) == "qamishli"
    # A place that is not drawn falls back to the position.
    assert (
        place_at(real_catalog, shown, MapClick(airport.y, airport.x, "nowhere"))
        == "qamishli_airport"
    )
    assert place_at(real_catalog, shown, MapClick(None, None, "nowhere")) is None


def test_the_claims_table_is_kept_with_the_indexs_selection(real_catalog: Catalog) -> None:
    selection = real_catalog.index.select(ClaimFilter())
    first = claims_table(real_catalog, selection)
    assert claims_table(real_catalog, selection) is first  # the claims page reruns
    # A selection the index did not make keeps nothing, but gives the same table.
    plain = select(real_catalog, ClaimFilter())
    assert claims_table(real_catalog, plain) is not claims_table(real_catalog, plain)
    assert claims_table(real_catalog, plain).equals(first)
