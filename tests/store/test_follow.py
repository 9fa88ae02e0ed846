"""A second server follows the first's saves through the audit trail: patched, not validated again.

Both stores (issue 27): after a claim's edit on one server, another server's
catalog is its old one with the changed records checked and patched in (the
unchanged claims are the same objects), and equal to what a store opened
afresh validates. Where a briefing may change (a place edited while there are
briefings) it validates afresh, and is right either way.
"""

from __future__ import annotations

from store_support import OpenStore

from briefmap.store.base import Edit, Editor, retired

WHO = Editor.typed("Follower test")


def _same_as_fresh(seen: object, fresh: object) -> None:
    for part in ("places", "claims", "sources", "meta"):
        assert getattr(seen.loaded.catalog, part) == getattr(fresh.loaded.catalog, part), part
    assert set(seen.loaded.issues) == set(fresh.loaded.issues)
    assert seen.loaded.records_kept == fresh.loaded.records_kept
    assert seen.loaded.retired == fresh.loaded.retired
    assert seen.briefings == fresh.briefings


def test_a_second_server_patches_its_catalog_from_the_audit_trail(open_store: OpenStore) -> None:
    first, second = open_store(), open_store()
    before = second.load().loaded.catalog
    record, revision = first.get("claim", "c-harbour")
    first.save([Edit("claim", "c-harbour", {**record, "summary": "Moved."}, revision)], WHO, "a")
    record, revision = first.get("claim", "c-hill")
    gone = retired("claim", record, "2025-01-02")
    first.save([Edit("claim", "c-hill", gone, revision)], WHO, "b")
    seen = second.load()
    assert seen.loaded.catalog.claims["c-harbour"].summary == "Moved."
    assert "c-hill" not in seen.loaded.catalog.claims
    # Patched: what did not change is what the second server had (not validated again).
    assert seen.loaded.catalog.places["p-harbour"] is before.places["p-harbour"]
    assert seen.loaded.catalog.sources["s-wire"] is before.sources["s-wire"]
    _same_as_fresh(seen, open_store().load())


def test_a_place_edit_with_briefings_is_validated_afresh_and_right(open_store: OpenStore) -> None:
    first, second = open_store(), open_store()
    second.load()
    record, revision = first.get("place", "p-hill")
    renamed = {**record, "properties": {**record["properties"], "name_en": "Hill 7"}}
    first.save([Edit("place", "p-hill", renamed, revision)], WHO, "renamed")
    seen = second.load()
    assert seen.loaded.catalog.places["p-hill"].name_en == "Hill 7"
    _same_as_fresh(seen, open_store().load())
