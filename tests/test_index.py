"""The catalog's index: one per catalog, kept with it, and shared by a rewound day."""

from __future__ import annotations

import dataclasses

from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus, PlaceKind
from briefmap.drawing.plan import Layer, layer_of, lead_order, plan_features
from briefmap.engine.query import ClaimFilter, Deployments, select
from briefmap.engine.timeline import as_of


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
    # A catalog of its own: the shared one may hold that day already, rewound
    # by another test before its index was built (then nothing was there to share).
    catalog = dataclasses.replace(real_catalog)
    index = catalog.index
    then = as_of(catalog, "2025-10-15")
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


def _features_plainly(catalog: Catalog, selection) -> list[tuple]:
    """The features a selection draws, grouped claim by claim with no arrays: the oracle."""
    grouped: dict[tuple, list[str]] = {}
    for claim in selection.claims:
        for place_id in selection.places_of[claim.id]:
            place = catalog.places[place_id]
            grouped.setdefault((layer_of(claim, place), place_id), []).append(claim.id)
    order = list(Layer)
    rows = [
        (layer, pid, catalog.places[pid].is_point, tuple(sorted(ids)))
        for (layer, pid), ids in grouped.items()
    ]
    return sorted(rows, key=lambda r: (order.index(r[0]), r[2], r[1]))


def test_the_planned_features_group_claims_as_the_plain_way_does(
    real_catalog: Catalog, tmp_path
) -> None:
    synthetic = load_catalog(generate(tmp_path / "data", 600).path).catalog
    for catalog in (real_catalog, as_of(real_catalog, "2025-10-15"), synthetic):
        for flt in (
            ClaimFilter(),
            ClaimFilter(search="qamishli"),
            ClaimFilter(statuses=frozenset({ClaimStatus.REPORTED, ClaimStatus.UNVERIFIED})),
            ClaimFilter(deployments=Deployments.CURRENT_ONLY, kinds=frozenset({PlaceKind.TOWN})),
        ):
            selection = catalog.index.select(flt)
            features = plan_features(catalog, selection)
            got = [
                (f.layer, f.place.id, f.place.is_point, tuple(sorted(c.id for c in f.claims)))
                for f in features
            ]
            assert got == _features_plainly(catalog, selection)
            assert len(features) == catalog.index.count_features(selection)
            for f in features:
                assert f.lead == min(f.claims, key=lead_order)
            cited = {sid for claim in selection.claims for sid in claim.sources}
            assert catalog.index.cited_sources(selection) == sorted(
                (catalog.sources[sid] for sid in cited), key=lambda s: (s.date, s.id)
            )


def test_per_place_counts_and_claims_come_from_the_arrays_as_the_plain_scan_gives_them(
    real_catalog: Catalog, tmp_path
) -> None:
    synthetic = load_catalog(generate(tmp_path / "data", 600).path).catalog
    for catalog in (real_catalog, synthetic):
        for flt in (ClaimFilter(), ClaimFilter(search="a"), ClaimFilter(statuses=frozenset())):
            selection = catalog.index.select(flt)
            for place_id in catalog.places:
                assert catalog.index.claims_at(selection, place_id) == selection.claims_at(place_id)
            assert catalog.index.off_map_counts(selection) == [
                (p, len(selection.claims_at(p))) for p in catalog.index.off_map_place_ids(selection)
            ]
    assert real_catalog.index.off_map_counts(real_catalog.index.select(ClaimFilter())) == [
        ("moscow_kremlin", 8)
    ]
