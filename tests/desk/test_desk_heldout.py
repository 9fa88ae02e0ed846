"""The desk's held-out report sets are well formed: every report reads, every label points at something real.

These tests never assert how well the desk drafts them (``python -m bench.desk``
measures that, once, by hand): a held-out set is only worth its name while
nobody tunes the rules against it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bench import desk as bench_desk
from briefmap.data.schema import ClaimStatus, Posture, Precision
from briefmap.desk.draft import Desk
from briefmap.desk.text import read_report

HELD_OUT_SETS = [bench_desk.HELD_OUT, bench_desk.HELD_OUT_2, bench_desk.HELD_OUT_3]
LABEL_KEYS = {"style", "date", "outlet", "places", "not_placed", "claims"}
CLAIM_KEYS = {"sentence", "places", "actors", "status", "posture", "ended", "no_comment"}


def _labels(folder: Path) -> dict[str, Any]:
    return bench_desk.expected_set(folder)


@pytest.mark.parametrize("folder", HELD_OUT_SETS, ids=lambda f: f.name)
def test_every_report_is_labelled_and_reads(folder: Path) -> None:
    labels = _labels(folder)
    on_disk = {p.name for p in folder.iterdir() if p.suffix in {".txt", ".html"}}
    assert set(labels) == on_disk
    for name, label in labels.items():
        assert set(label) == LABEL_KEYS, name
        report = read_report((folder / name).read_bytes(), name)
        for claim in label["claims"]:
            assert set(claim) == CLAIM_KEYS, f"{name} sentence {claim.get('sentence')}"
            where = f"{name} sentence {claim['sentence']}"
            assert 1 <= claim["sentence"] <= len(report.sentences), where
            assert ClaimStatus(claim["status"]) and Posture(claim["posture"]), where
            assert claim["ended"] is None or claim["posture"] == "former", where
            assert set(claim["places"]) <= set(label["places"]), where


@pytest.mark.parametrize("folder", HELD_OUT_SETS, ids=lambda f: f.name)
def test_every_labelled_place_and_actor_exists(folder: Path, desk: Desk) -> None:
    known_places = desk.gazetteer.places  # the catalog's places and the scope's GeoNames towns
    actors = set(desk.catalog.meta.actor_ids)
    for name, label in _labels(folder).items():
        for place_id, precision in label["places"].items():
            assert place_id in known_places, f"{name}: {place_id} is no place the desk knows"
            assert Precision(precision), f"{name}: {place_id}"
            if known_places[place_id].in_catalog:
                assert place_id in desk.catalog.places, f"{name}: {place_id}"
        for claim in label["claims"]:
            assert set(claim["actors"]) <= actors, f"{name} sentence {claim['sentence']}"
