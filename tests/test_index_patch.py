"""An edit's index is patched, not built again, and answers exactly as one built afresh (issue 27).

Random edits through the files store (create, update, retire and restore of
claims and places), on the editing server and on a second server following
the first through the audit trail: after each, the patched index must answer
every question (select, search, plan, counts, sources) as an index built from
scratch on the same catalog, and a replaced version must be freed.
"""

from __future__ import annotations

import copy
import gc
import random
import weakref
from pathlib import Path

import numpy as np
import pytest

from bench.synth import generate
from briefmap.data.loader import load_catalog
from briefmap.data.schema import Catalog, ClaimStatus, PlaceKind
from briefmap.engine.index import CatalogIndex
from briefmap.engine.index_patch import patched_index
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.store.base import Edit, Editor, restored, retired
from briefmap.store.files import FileStore

WHO = Editor.typed("Tester")
WORDS = ("Zarqa", "Damascus", "convoy", "Хомс", "حلب", "checkpoint", "airstrip", "newword")


def _filters(catalog: Catalog, rng: random.Random) -> list[ClaimFilter]:
    days = sorted(c.reported for c in catalog.claims.values())
    place = catalog.places[rng.choice(list(catalog.places))]
    return [
        ClaimFilter(),
        ClaimFilter(statuses=frozenset({ClaimStatus.CONFIRMED.value, ClaimStatus.REPORTED.value})),
        ClaimFilter(reported_from=days[len(days) // 3], reported_to=days[2 * len(days) // 3]),
        ClaimFilter(actors=frozenset({"russia"}), deployments=Deployments.PROPOSED_ONLY),
        ClaimFilter(kinds=frozenset({PlaceKind(place.kind)})),
        ClaimFilter(search=place.name_en),
        ClaimFilter(search=rng.choice(WORDS)),
        ClaimFilter(search="Zarqa newword"),
    ]


def _same_answers(patched: CatalogIndex, fresh: CatalogIndex, rng: random.Random) -> None:
    """Every question the app asks, answered alike by both indexes."""
    catalog = fresh.catalog
    assert patched.catalog is catalog
    for flt in _filters(catalog, rng):
        mine, theirs = patched.select(flt), fresh.select(flt)
        assert [c.id for c in mine.claims] == [c.id for c in theirs.claims], flt
        assert {c.id: mine.places_of[c.id] for c in mine.claims} == {
            c.id: theirs.places_of[c.id] for c in theirs.claims
        }
        a, b = patched.plan(mine), fresh.plan(theirs)
        for name in ("layer", "lead", "count", "first", "pairs", "tally"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), (flt, name)
        assert [patched.places.ids[i] for i in a.place] == [fresh.places.ids[i] for i in b.place]
        assert a.tallies == b.tallies
        assert patched.drawn_place_ids(mine) == fresh.drawn_place_ids(theirs)
        assert patched.monthly_counts(mine) == fresh.monthly_counts(theirs)
        assert patched.cited_sources(mine) == fresh.cited_sources(theirs)
        assert patched.count_features(mine) == fresh.count_features(theirs)
        assert np.array_equal(patched.claims_per_place(mine), fresh.claims_per_place(theirs))
        assert patched.off_map_counts(mine) == fresh.off_map_counts(theirs)
    for text in (*WORDS, "Area 1", "Zarqa newword"):
        assert patched.search_matches(text, 50) == fresh.search_matches(text, 50), text
    assert patched.map_bounds == fresh.map_bounds
    assert patched.kinds == fresh.kinds
    mine_s, theirs_s = patched.search, fresh.search
    assert mine_s.words == theirs_s.words and mine_s.keys == theirs_s.keys
    for name in ("record_start", "entry_record", "entry_field", "post_entry", "key_word"):
        assert np.array_equal(getattr(mine_s, name), getattr(theirs_s, name)), name


KINDS = (
    "new claim",
    "update claim",
    "retire claim",
    "restore claim",
    "new place",
    "rename place",
    "retire place",
    "restore place",
    "claim at new place",
)


def _random_edit(store: FileStore, rng: random.Random, step: int, kind: str = "") -> Edit:
    """One valid edit of ``kind`` (else any): a claim or place created, changed, retired, restored."""
    records = store.records()
    active = [c for c, r in records.claims.items() if "retired" not in r]
    gone = [c for c, r in records.claims.items() if "retired" in r]
    used = {p for r in records.claims.values() if "retired" not in r for p in r["places"]}
    free_places = [p for p, r in records.places.items() if p not in used]
    gone_places = [p for p in free_places if "retired" in records.places[p]["properties"]]
    free_places = [p for p in free_places if p not in gone_places]
    day = "2025-10-30"
    kind = kind or rng.choice(KINDS)
    if kind == "restore claim" and gone:
        cid = rng.choice(gone)
        return Edit(
            "claim", cid, restored("claim", records.claims[cid]), store.revision("claim", cid)
        )
    if kind == "retire claim":
        cid = rng.choice(active)
        return Edit(
            "claim", cid, retired("claim", records.claims[cid], day), store.revision("claim", cid)
        )
    if kind == "restore place" and gone_places:
        pid = rng.choice(gone_places)
        record = restored("place", records.places[pid])
        return Edit("place", pid, record, store.revision("place", pid))
    if kind == "retire place" and free_places:
        pid = rng.choice(free_places)
        record = retired("place", records.places[pid], day)
        return Edit("place", pid, record, store.revision("place", pid))
    if kind in ("new place", "rename place"):
        pid = rng.choice(list(records.places))
        record = copy.deepcopy(records.places[pid])
        record["properties"]["name_en"] = f"{rng.choice(WORDS)} {step} site"
        if kind == "new place":
            record["properties"]["id"] = f"pnew{step}"
            record["properties"].pop("retired", None)
            return Edit("place", f"pnew{step}", record, 0)
        return Edit("place", pid, record, store.revision("place", pid))
    cid = rng.choice(active)
    record = copy.deepcopy(records.claims[cid])
    record["summary"] = f"{rng.choice(WORDS)} {rng.choice(WORDS)} seen, step {step}."
    if kind == "claim at new place" and free_places:
        record["places"] = [rng.choice(free_places)]
    if kind in ("new claim", "claim at new place"):
        record["id"] = f"cnew{step}"
        record.pop("history", None)
        record["reported"] = rng.choice(["2012-01-01", "2019-06-15", "2025-10-31"])
        return Edit("claim", f"cnew{step}", record, 0)
    return Edit("claim", cid, record, store.revision("claim", cid))


@pytest.fixture(scope="module")
def synth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    generate(folder, 400)
    return folder


@pytest.mark.parametrize("seed", [1, 2])
def test_a_patched_index_answers_as_one_built_afresh(
    synth: Path, tmp_path: Path, seed: int
) -> None:
    import shutil

    rng = random.Random(seed)  # noqa: S311 - seeded edits, not secrets
    folder = tmp_path / "data"
    shutil.copytree(synth, folder)
    editing, second = FileStore(folder), FileStore(folder)
    catalog = editing.load().loaded.catalog
    followed = second.load().loaded.catalog
    # Every kind of edit, in a random order (a restore after its retire, mostly).
    for step, kind in enumerate(rng.sample(KINDS, len(KINDS))):
        edit = _random_edit(editing, rng, step, kind)
        editing.save([edit], WHO, f"random edit {step}")
        new = editing.load().loaded.catalog
        index = patched_index(catalog.index, new)
        assert index is not None, "the editing server patches its index"
        _same_answers(index, CatalogIndex(new), rng)
        new.__dict__["index"] = index
        # The second server follows through the audit trail: patched, not validated again.
        seen = second.load().loaded.catalog
        assert seen.claims == new.claims and seen.places == new.places
        assert seen.sources == new.sources and seen.meta == new.meta
        kept = next(c for c in followed.claims if c in seen.claims and c != edit.id)
        assert seen.claims[kept] is followed.claims[kept], "the second server revalidated all"
        followed_index = patched_index(followed.index, seen)
        assert followed_index is not None
        _same_answers(followed_index, CatalogIndex(seen), rng)
        seen.__dict__["index"] = followed_index
        catalog, followed = new, seen
    # And both are what validating the folder afresh gives.
    fresh = load_catalog(folder)
    assert fresh.catalog.claims == catalog.claims == followed.claims
    assert fresh.catalog.places == catalog.places == followed.places
    assert (
        set(fresh.issues) == set(editing.load().loaded.issues) == set(second.load().loaded.issues)
    )


def test_a_hand_edit_is_validated_afresh_not_followed(synth: Path, tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(synth, folder)
    editing, second = FileStore(folder), FileStore(folder)
    before = second.load().loaded.catalog
    edit = _random_edit(editing, random.Random(5), 0)  # noqa: S311 - a seeded edit
    editing.save([edit], WHO, "an edit")
    sources = (folder / "sources.json").read_text(encoding="utf-8")
    (folder / "sources.json").write_text(sources.replace("report 1", "report one", 1), "utf-8")
    seen = second.load().loaded.catalog
    assert seen.sources == load_catalog(folder).catalog.sources  # the hand edit is in
    assert not any(seen.claims[c] is before.claims.get(c) for c in list(seen.claims)[:20])


def test_replaced_patched_versions_are_freed(
    synth: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from briefmap.app import data
    from briefmap.engine import stored

    monkeypatch.setenv(stored.CACHE_ENV, str(tmp_path / "cache"))
    folder = tmp_path / "data"
    shutil.copytree(synth, folder)
    store = FileStore(folder)
    rng = random.Random(7)  # noqa: S311 - seeded edits, not secrets
    gc.unfreeze()
    data._load.clear()
    where = str(folder)
    first = data._load(where, store.version(), store)
    refs = [weakref.ref(o) for o in (first, first.loaded.catalog, first.loaded.catalog.index)]
    first.loaded.catalog.index.select(ClaimFilter())
    del first
    versions = []
    for step in range(3):
        store.save([_random_edit(store, rng, step)], WHO, f"edit {step}")
        versions.append(data._load(where, store.version(), store))
        assert getattr(versions[-1].loaded.catalog.index, "patched", False), "patched, not built"
    # Only the first version was written to the disk cache: a patched one is not.
    assert len(list((tmp_path / "cache").glob("*.pickle"))) == 1
    del versions
    gc.collect()
    assert [ref() is None for ref in refs] == [True] * len(refs)
    data._load.clear()
