"""The catalog's index: one per catalog, kept with it, and shared by a rewound day."""

from __future__ import annotations

import dataclasses

from briefmap.query import ClaimFilter, select
from briefmap.schema import Catalog
from briefmap.timeline import as_of


def test_a_catalog_keeps_its_one_index(real_catalog: Catalog) -> None:
    assert real_catalog.index is real_catalog.index
    copy = dataclasses.replace(real_catalog)
    assert copy == real_catalog  # the index is no part of the data ...
    assert copy.index is not real_catalog.index  # ... and a copy builds its own


def test_the_same_filter_gives_the_same_selection_and_plan(real_catalog: Catalog) -> None:
    index = real_catalog.index
    selection = index.select(ClaimFilter())
    assert index.select(ClaimFilter()) is selection
    assert index.plan(selection) is index.plan(selection)
    index.forget_selections()
    again = index.select(ClaimFilter())
    assert again is not selection and again == selection


def test_a_rewound_day_shares_the_places_and_selects_as_query_does(real_catalog: Catalog) -> None:
    index = real_catalog.index
    then = as_of(real_catalog, "2025-10-15")
    assert then.index.places is index.places
    assert then.index.claims is not index.claims
    for flt in (ClaimFilter(), ClaimFilter(search="qamishli")):
        assert then.index.select(flt) == select(then, flt)


def test_facts_come_from_the_arrays_as_the_plain_code_gives_them(real_catalog: Catalog) -> None:
    index = real_catalog.index
    selection = index.select(ClaimFilter())
    assert index.drawn_place_ids(selection) == select(real_catalog, ClaimFilter()).place_ids
    assert index.off_map_place_ids(selection) == ["moscow_kremlin"]
    assert index.date_span == ("2018-08-02", "2026-01-26")
    assert index.find_places(selection.place_ids, "Хмеймим") == ["khmeimim_air_base"]
