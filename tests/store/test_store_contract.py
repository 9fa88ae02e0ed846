"""The one suite every store passes (issue 27): files, and PostGIS where it is installed.

Create, update, retire and restore each kind of record; refuse a stale
revision (with the other version) and a change the loader's rules refuse
(each issue located); keep an audit trail (before, after, who, why) with
history, recent changes and undo as a new change; move the version on every
change; and, with two stores on one backing, refuse the second save of a
record and number concurrent saves without gaps.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from store_support import (
    SEED_AS_OF,
    SEED_META,
    OpenStore,
    briefing,
    claim,
    place,
    source,
)

from briefmap.store.base import (
    ChangeRefused,
    Edit,
    Editor,
    RecordKind,
    StaleRevision,
    Store,
    check_edits,
    restored,
    retired,
    retired_on,
)

AMIRA = Editor(id="oidc:https://id.example|amira", name="Amira H.", signed_in=True)
BORIS = Editor.typed("Boris")

NEW_RECORDS: dict[RecordKind, dict[str, Any]] = {
    "place": place("p-new", lon=38.0, lat=35.0),
    "source": source("s-new", outlet="Another wire"),
    "claim": claim("c-new", place_id="p-hill", source_id="s-wire"),
    "briefing": briefing("b-new"),
}
EXISTING: dict[RecordKind, str] = {
    "place": "p-hill",
    "source": "s-paper",
    "claim": "c-harbour",
    "briefing": "b-overview",
}
KINDS: tuple[RecordKind, ...] = ("place", "source", "claim", "briefing")


def _catalog_ids(store: Store, kind: RecordKind) -> set[str]:
    data = store.load()
    catalog = data.loaded.catalog
    return set(
        {
            "place": catalog.places,
            "source": catalog.sources,
            "claim": catalog.claims,
            "briefing": data.briefings,
        }[kind]
    )


def _changed(kind: RecordKind, record: dict[str, Any]) -> dict[str, Any]:
    """The record with one text field changed, still valid."""
    if kind == "place":
        return {**record, "properties": {**record["properties"], "name_en": "Renamed place"}}
    field = {"source": "title", "claim": "summary", "briefing": "title"}[kind]
    return {**record, field: "Changed by the editor"}


# ------------------------------------------------------------ reading


def test_the_store_holds_the_seed_records_with_revision_1(store: Store) -> None:
    records = store.records()
    assert set(records.places) == {"p-harbour", "p-hill"}
    assert set(records.claims) == {"c-harbour", "c-hill"}
    assert set(records.sources) == {"s-wire", "s-paper"}
    assert set(records.briefings) == {"b-overview"}
    assert records.meta == SEED_META
    assert records.as_of == SEED_AS_OF
    assert store.get("claim", "c-harbour") == (records.claims["c-harbour"], 1)
    assert store.get("claim", "c-nothing") == (None, 0)
    assert store.revision("place", "p-hill") == 1
    loaded = store.load().loaded
    assert loaded.ok, loaded.report()
    assert set(loaded.catalog.claims) == {"c-harbour", "c-hill"}
    assert store.recent() == [] and store.changes_since(0) == []


# ------------------------------------------------------------ create, update, retire, restore


@pytest.mark.parametrize("kind", KINDS)
def test_create_a_record_of_each_kind(store: Store, kind: RecordKind) -> None:
    record = NEW_RECORDS[kind]
    rid = EXISTING[kind].split("-")[0] + "-new"
    version = store.version()

    new_version = store.save([Edit(kind, rid, record, 0)], AMIRA, "first report of it")

    assert new_version != version and store.version() == new_version
    assert store.get(kind, rid) == (record, 1)
    assert rid in _catalog_ids(store, kind)
    [entry] = store.history(kind, rid)
    assert (entry.seq, entry.kind, entry.record_id, entry.revision) == (1, kind, rid, 1)
    assert (entry.who, entry.who_name, entry.why) == (AMIRA.id, "Amira H.", "first report of it")
    assert entry.before is None and entry.after == record and entry.undoes is None
    assert entry.at.endswith("Z") and len(entry.at) == len("2026-12-07T23:50:01Z")


@pytest.mark.parametrize("kind", KINDS)
def test_update_a_record_of_each_kind(store: Store, kind: RecordKind) -> None:
    rid = EXISTING[kind]
    old, revision = store.get(kind, rid)
    assert old is not None
    new = _changed(kind, old)

    store.save([Edit(kind, rid, new, revision)], BORIS, "a better wording")

    assert store.get(kind, rid) == (new, revision + 1)
    [entry] = store.history(kind, rid)
    assert (entry.before, entry.after, entry.revision) == (old, new, revision + 1)
    assert (entry.who, entry.who_name) == ("name:Boris", "Boris")


@pytest.mark.parametrize("kind", KINDS)
def test_retire_and_restore_a_record_of_each_kind(store: Store, kind: RecordKind) -> None:
    rid = EXISTING[kind]
    if kind in ("place", "source"):
        # Retire the claim citing it first: an active claim keeps what it cites active.
        citing = "c-hill"
        old_claim, claim_revision = store.get("claim", citing)
        store.save(
            [Edit("claim", citing, retired("claim", old_claim, "2026-12-01"), claim_revision)],
            AMIRA,
            "withdrawn",
        )
    old, revision = store.get(kind, rid)
    gone = retired(kind, old, "2026-12-07")

    store.save([Edit(kind, rid, gone, revision)], AMIRA, "no longer held")

    assert rid not in _catalog_ids(store, kind)
    held, held_revision = store.get(kind, rid)
    assert held == gone and retired_on(kind, held) == "2026-12-07"
    assert rid in store.records().of(kind)  # never deleted
    assert store.load().loaded.ok
    if kind != "briefing":
        assert sum(store.load().loaded.retired.values()) >= 1

    store.save([Edit(kind, rid, restored(kind, held), held_revision)], BORIS, "held after all")

    assert rid in _catalog_ids(store, kind)
    assert store.get(kind, rid) == (old, revision + 2)
    assert [e.why for e in store.history(kind, rid)] == ["no longer held", "held after all"]


def test_retiring_a_place_or_source_an_active_claim_cites_is_refused_on_its_field(
    store: Store,
) -> None:
    for kind, rid in (("place", "p-hill"), ("source", "s-paper")):
        old, revision = store.get(kind, rid)
        with pytest.raises(ChangeRefused) as refused:
            store.save([Edit(kind, rid, retired(kind, old, "2026-12-07"), revision)], AMIRA, "gone")
        located = {(i.record, i.field) for i in refused.value.issues}
        assert (rid, "retired") in located
        message = next(i.message for i in refused.value.issues if i.record == rid)
        assert "'c-hill'" in message
        assert store.get(kind, rid) == (old, revision)


# ------------------------------------------------------------ refusals


def test_a_stale_revision_is_refused_with_the_current_version(store: Store) -> None:
    old, revision = store.get("claim", "c-harbour")
    theirs = {**old, "summary": "Theirs, saved first."}
    store.save([Edit("claim", "c-harbour", theirs, revision)], AMIRA, "theirs")
    version = store.version()

    mine = {**old, "summary": "Mine, saved second."}
    with pytest.raises(StaleRevision) as stale:
        store.save([Edit("claim", "c-harbour", mine, revision)], BORIS, "mine")

    error = stale.value
    assert (error.kind, error.record_id, error.expected, error.actual) == (
        "claim",
        "c-harbour",
        revision,
        revision + 1,
    )
    assert error.current == theirs
    assert store.version() == version and store.get("claim", "c-harbour")[0] == theirs
    assert len(store.recent()) == 1


def test_creating_a_record_that_exists_is_a_stale_revision(store: Store) -> None:
    with pytest.raises(StaleRevision) as stale:
        store.save([Edit("claim", "c-hill", claim("c-hill"), 0)], AMIRA, "again")
    assert (stale.value.expected, stale.value.actual) == (0, 1)
    assert stale.value.current == store.get("claim", "c-hill")[0]


def test_a_change_the_loader_refuses_is_refused_with_each_issue_located(store: Store) -> None:
    old, revision = store.get("claim", "c-harbour")
    bad = {**old, "status": "certain", "places": ["p-nowhere"]}
    version = store.version()
    edits = [Edit("claim", "c-harbour", bad, revision)]

    with pytest.raises(ChangeRefused) as refused:
        store.save(edits, AMIRA, "try")

    located = {(i.file, i.record, i.field) for i in refused.value.issues}
    assert ("claims.json", "c-harbour", "status") in located
    assert ("claims.json", "c-harbour", "places") in located
    assert store.version() == version and store.get("claim", "c-harbour") == (old, revision)
    assert store.recent() == []
    # The editor's check says the same, before any save.
    assert check_edits(store.records(), edits, why="try") == list(refused.value.issues)


def test_a_change_without_a_note_is_refused_on_why(store: Store) -> None:
    old, revision = store.get("source", "s-wire")
    for why in ("", "   "):
        with pytest.raises(ChangeRefused) as refused:
            store.save([Edit("source", "s-wire", _changed("source", old), revision)], AMIRA, why)
        assert [i.field for i in refused.value.issues] == ["why"]
    assert store.get("source", "s-wire") == (old, revision)


def test_a_record_keeps_its_id(store: Store) -> None:
    old, revision = store.get("claim", "c-harbour")
    with pytest.raises(ChangeRefused) as refused:
        store.save([Edit("claim", "c-harbour", {**old, "id": "c-other"}, revision)], AMIRA, "x")
    assert [(i.record, i.field) for i in refused.value.issues] == [("c-harbour", "id")]


def test_a_save_is_all_or_nothing(store: Store) -> None:
    version = store.version()
    good = Edit("source", "s-new", source("s-new"), 0)
    bad = Edit("claim", "c-bad", {**claim("c-bad"), "reported": "yesterday"}, 0)
    with pytest.raises(ChangeRefused):
        store.save([good, bad], AMIRA, "both")
    stale = Edit("claim", "c-hill", claim("c-hill"), 0)
    with pytest.raises(StaleRevision):
        store.save([good, stale], AMIRA, "both")
    assert store.version() == version
    assert store.get("source", "s-new") == (None, 0)
    assert store.recent() == []


def test_several_records_in_one_save_each_get_an_entry(store: Store) -> None:
    edits = [
        Edit("place", "p-new", NEW_RECORDS["place"], 0),
        Edit("source", "s-new", NEW_RECORDS["source"], 0),
        Edit("claim", "c-new", claim("c-new", place_id="p-new", source_id="s-new"), 0),
    ]
    store.save(edits, AMIRA, "a new base, its source and its claim")
    entries = store.changes_since(0)
    assert [(e.seq, e.kind, e.record_id) for e in entries] == [
        (1, "place", "p-new"),
        (2, "source", "s-new"),
        (3, "claim", "c-new"),
    ]
    assert "c-new" in store.load().loaded.catalog.claims


# ------------------------------------------------------------ the audit trail


def test_history_recent_and_changes_since(store: Store) -> None:
    for n in range(1, 4):
        old, revision = store.get("claim", "c-hill")
        store.save(
            [Edit("claim", "c-hill", {**old, "summary": f"Take {n}."}, revision)],
            AMIRA,
            f"take {n}",
        )
    old, revision = store.get("source", "s-wire")
    store.save([Edit("source", "s-wire", _changed("source", old), revision)], BORIS, "source")

    assert [e.why for e in store.history("claim", "c-hill")] == ["take 1", "take 2", "take 3"]
    assert [e.revision for e in store.history("claim", "c-hill")] == [2, 3, 4]
    assert [e.seq for e in store.recent()] == [4, 3, 2, 1]
    assert [e.seq for e in store.recent(limit=2)] == [4, 3]
    assert [e.seq for e in store.changes_since(2)] == [3, 4]
    assert store.changes_since(4) == []
    history = store.history("claim", "c-hill")
    assert history[1].before == history[0].after  # each step from the last


def test_undo_an_update_restores_the_before_as_a_new_change(store: Store) -> None:
    old, revision = store.get("claim", "c-hill")
    store.save([Edit("claim", "c-hill", {**old, "summary": "Wrong."}, revision)], AMIRA, "oops")
    [entry] = store.history("claim", "c-hill")
    version = store.version()

    new_version = store.undo(entry.seq, BORIS, "that was wrong")

    assert new_version != version  # moves even though the record is as it was
    assert store.get("claim", "c-hill") == (old, revision + 2)
    first, undo = store.history("claim", "c-hill")
    assert (undo.undoes, undo.before, undo.after) == (first.seq, first.after, old)
    assert (undo.who, undo.why) == ("name:Boris", "that was wrong")


def test_undo_a_creation_retires_the_record(store: Store) -> None:
    store.save([Edit("source", "s-new", NEW_RECORDS["source"], 0)], AMIRA, "new")
    store.undo(1, BORIS, "not a source we use")
    held, revision = store.get("source", "s-new")
    assert revision == 2 and retired_on("source", held) is not None
    assert "s-new" not in store.load().loaded.catalog.sources


def test_undo_of_a_record_that_moved_since_is_stale(store: Store) -> None:
    old, revision = store.get("claim", "c-hill")
    store.save([Edit("claim", "c-hill", {**old, "summary": "One."}, revision)], AMIRA, "one")
    store.save([Edit("claim", "c-hill", {**old, "summary": "Two."}, revision + 1)], AMIRA, "two")
    with pytest.raises(StaleRevision) as stale:
        store.undo(1, BORIS, "undo one")
    assert stale.value.current == {**old, "summary": "Two."}


def test_undo_needs_a_note_and_a_change(store: Store) -> None:
    old, revision = store.get("claim", "c-hill")
    store.save([Edit("claim", "c-hill", {**old, "summary": "One."}, revision)], AMIRA, "one")
    with pytest.raises(ChangeRefused):
        store.undo(1, BORIS, "")
    with pytest.raises(ChangeRefused):
        store.undo(99, BORIS, "no such change")
    assert len(store.recent()) == 1


# ------------------------------------------------------------ two servers, one backing


def test_two_stores_on_one_backing_refuse_the_second_save_with_both_versions(
    open_store: OpenStore,
) -> None:
    first, second = open_store(), open_store()
    old, revision = first.get("claim", "c-harbour")
    assert second.get("claim", "c-harbour") == (old, revision)
    theirs = {**old, "summary": "Saved on the first server."}
    mine = {**old, "summary": "Typed on the second server."}

    first.save([Edit("claim", "c-harbour", theirs, revision)], AMIRA, "first")
    with pytest.raises(StaleRevision) as stale:
        second.save([Edit("claim", "c-harbour", mine, revision)], BORIS, "second")

    assert stale.value.current == theirs  # theirs, to show beside mine (which the editor holds)
    assert second.get("claim", "c-harbour") == (theirs, revision + 1)
    assert second.version() == first.version()
    assert [e.who for e in second.recent()] == [AMIRA.id]


def test_saves_at_once_from_two_stores_all_land_numbered_without_gaps(
    open_store: OpenStore,
) -> None:
    stores = [open_store(), open_store()]
    failures: list[BaseException] = []

    def add(store: Store, prefix: str) -> None:
        try:
            for n in range(4):
                sid = f"s-{prefix}-{n}"
                store.save([Edit("source", sid, source(sid), 0)], AMIRA, "at once")
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=add, args=(s, p)) for s, p in zip(stores, "ab", strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    entries = stores[0].changes_since(0)
    assert [e.seq for e in entries] == list(range(1, 9))
    assert {e.record_id for e in entries} == {f"s-{p}-{n}" for p in "ab" for n in range(4)}
    assert len(stores[1].load().loaded.catalog.sources) == 2 + 8
