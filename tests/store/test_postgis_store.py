"""What only the database store does: indexes, two servers over one database, clear errors.

The operations every store shares are in test_store_contract.py, run against
this store too (STORE_FACTORIES["postgis"]).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from postgis_support import fresh_database, postgis_cluster

from briefmap.store.base import Edit, Editor, StaleRevision
from briefmap.store.postgis import AREA_AND_DATES, PostgisStore, StoreUnavailable

ANN = Editor.typed("Ann")
BOB = Editor.typed("Bob")


def _place(pid: str, lon: float = 36.2, lat: float = 33.5) -> dict:
    return {
        "type": "Feature",
        "properties": {"id": pid, "name_en": f"Place {pid}", "kind": "city", "precision": "town"},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _source(sid: str) -> dict:
    return {
        "id": sid,
        "outlet": "Reuters",
        "outlet_known": True,
        "title": "A report",
        "via": None,
        "official_of": None,
        "date": "2025-10-15",
        "url": None,
    }


def _claim(cid: str, place: str, source: str, summary: str = "A base is kept.") -> dict:
    return {
        "id": cid,
        "places": [place],
        "actors": ["russia"],
        "claimant": "Someone",
        "status": "reported",
        "posture": "current",
        "reported": "2025-10-15",
        "summary": summary,
        "attribution": "said on the record",
        "sources": [source],
    }


@pytest.fixture(scope="module")
def seeded_url() -> Iterator[str]:
    """One database for the module's tests that only read or add their own records."""
    with fresh_database() as url:
        store = PostgisStore(url)
        store.save(
            [
                Edit("place", "damascus", _place("damascus"), 0),
                Edit("source", "src1", _source("src1"), 0),
                Edit("claim", "c1", _claim("c1", "damascus", "src1"), 0),
            ],
            ANN,
            "seed",
        )
        store.close()
        yield url


def test_two_servers_the_second_save_of_a_record_is_refused_with_both_versions(
    seeded_url: str,
) -> None:
    # Two stores, two pools: two app servers over one database.
    with PostgisStore(seeded_url) as one, PostgisStore(seeded_url) as two:
        ann_read, ann_rev = one.get("claim", "c1")
        bob_read, bob_rev = two.get("claim", "c1")
        assert ann_rev == bob_rev and ann_read == bob_read
        ann = {**ann_read, "summary": "Ann's words"}
        bob = {**bob_read, "summary": "Bob's words"}
        one.save([Edit("claim", "c1", ann, ann_rev)], ANN, "Ann edits")
        with pytest.raises(StaleRevision) as refused:
            two.save([Edit("claim", "c1", bob, bob_rev)], BOB, "Bob edits")
        # Theirs, to show beside what Bob typed (which the caller still holds).
        assert refused.value.current == ann
        assert (refused.value.expected, refused.value.actual) == (bob_rev, bob_rev + 1)
        assert two.get("claim", "c1") == (ann, bob_rev + 1)
        assert [e.why for e in two.history("claim", "c1")][-1] == "Ann edits"


def test_saves_at_once_from_two_servers_all_land_numbered_without_gaps(seeded_url: str) -> None:
    with PostgisStore(seeded_url) as one, PostgisStore(seeded_url) as two:
        start = one.recent(1)[0].seq
        errors: list[BaseException] = []

        def add(store: PostgisStore, prefix: str) -> None:
            try:
                for i in range(5):
                    pid = f"{prefix}{i}"
                    store.save([Edit("place", pid, _place(pid), 0)], ANN, f"add {pid}")
            except BaseException as exc:
                errors.append(exc)

        threads = [
            threading.Thread(target=add, args=(one, "one-")),
            threading.Thread(target=add, args=(two, "two-")),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        seqs = [e.seq for e in one.changes_since(start)]
        assert seqs == list(range(start + 1, start + 11))
        assert {e.record_id for e in one.changes_since(start)} == {
            f"{p}{i}" for p in ("one-", "two-") for i in range(5)
        }


def test_a_save_on_one_server_shows_on_another_within_3_s(seeded_url: str) -> None:
    with PostgisStore(seeded_url) as one, PostgisStore(seeded_url) as two:
        seen = two.version()
        assert "p-new" not in two.load().loaded.catalog.places
        saved_at = time.monotonic()
        new_version = one.save([Edit("place", "p-new", _place("p-new"), 0)], ANN, "add")
        assert one.version() == new_version  # the editing server: at once
        while two.version() == seen:
            assert time.monotonic() - saved_at < 3, "the second server did not see the save"
            time.sleep(0.05)
        assert two.version() == new_version
        assert "p-new" in two.load().loaded.catalog.places


def test_version_is_one_cheap_query_at_most_once_a_second(seeded_url: str) -> None:
    with PostgisStore(seeded_url) as store:
        store.version()
        started = time.perf_counter()
        for _ in range(1000):
            store.version()
        per_call = (time.perf_counter() - started) / 1000
        assert per_call < 0.005  # the issue's target per rerun: 5 ms


def test_query_by_area_and_dates_uses_the_spatial_and_date_indexes() -> None:
    with fresh_database() as url, psycopg.connect(url, autocommit=True) as conn:
        # 4,000 places on a grid over Syria, 12,000 claims over 2,000 days.
        conn.execute(
            "INSERT INTO places (id, record, revision) SELECT 'p' || i, json_build_object("
            "'type', 'Feature', 'properties', json_build_object('id', 'p' || i), 'geometry',"
            " json_build_object('type', 'Point', 'coordinates',"
            " json_build_array(35 + (i % 80) * 0.09, 32 + (i / 80) * 0.1))), 1"
            " FROM generate_series(0, 3999) i"
        )
        conn.execute(
            "INSERT INTO claims (id, record, revision) SELECT 'c' || i, json_build_object("
            "'id', 'c' || i, 'places', json_build_array('p' || (i % 4000)), 'reported',"
            " to_char(date '2020-01-01' + (i % 2000), 'YYYY-MM-DD')), 1"
            " FROM generate_series(0, 11999) i"
        )
        conn.execute("ANALYZE")
        small_area = {"west": 35.0, "south": 32.0, "east": 35.2, "north": 32.2}
        every_day = {"start": "2020-01-01", "end": "2030-01-01"}
        everywhere = {"west": 30.0, "south": 30.0, "east": 45.0, "north": 40.0}
        few_days = {"start": "2021-01-01", "end": "2021-01-03"}

        def plan(params: dict) -> str:
            return "\n".join(r[0] for r in conn.execute("EXPLAIN " + AREA_AND_DATES, params))

        assert "places_geom" in plan({**small_area, **every_day})
        assert "claims_reported" in plan({**everywhere, **few_days})
        # The same answers as the data says: 3 x 3 grid points in the box, 3 claims each.
        found = conn.execute(AREA_AND_DATES, {**small_area, **every_day}).fetchall()
        assert len(found) == 9 * 3
        assert len(conn.execute(AREA_AND_DATES, {**everywhere, **few_days}).fetchall()) == 3 * 6


def test_the_store_answers_the_area_and_dates_query(seeded_url: str) -> None:
    with PostgisStore(seeded_url) as store:
        assert "c1" in store.claim_ids_in((36.0, 33.0, 36.5, 34.0), "2025-10-01", "2025-10-31")
        assert store.claim_ids_in((40.0, 33.0, 41.0, 34.0), "2025-10-01", "2025-10-31") == []
        assert store.claim_ids_in((36.0, 33.0, 36.5, 34.0), "2024-01-01", "2024-12-31") == []


def test_an_unreachable_server_is_a_clear_error_not_a_traceback() -> None:
    cluster = postgis_cluster()
    url = f"postgresql://postgres:s3cret-pw@/nowhere?host={cluster.socket_dir}/none&port=1"
    started = time.monotonic()
    with pytest.raises(StoreUnavailable, match="Cannot reach the database 'nowhere'") as err:
        PostgisStore(url, timeout=5)
    assert time.monotonic() - started < 5  # the server's reason at once, not a pool's timeout
    assert "BRIEFMAP_DATABASE_URL" in str(err.value)
    assert "No such file or directory" in str(err.value)  # libpq's own reason
    assert "s3cret-pw" not in str(err.value)


def test_a_database_that_does_not_exist_and_a_url_that_cannot_be_read() -> None:
    cluster = postgis_cluster()
    with pytest.raises(StoreUnavailable, match='database "absent" does not exist'):
        PostgisStore(cluster.url("absent"))
    with pytest.raises(StoreUnavailable, match="The database URL cannot be read") as err:
        PostgisStore("postgresql://ann:s3cret-pw@db.example/briefmap?colour=blue")
    assert "s3cret-pw" not in str(err.value)


def test_a_database_without_the_tables_names_db_init() -> None:
    with (
        fresh_database(migrated=False) as url,
        pytest.raises(StoreUnavailable, match="python -m briefmap db init"),
    ):
        PostgisStore(url)


def test_a_rerun_s_version_check_does_not_wait_for_a_save_under_way(
    seeded_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefmap.store.postgis as postgis

    validating, release = threading.Event(), threading.Event()
    real_check = postgis.check_edits

    def slow_check(*args: object, **kwargs: object) -> list:
        validating.set()
        release.wait(10)  # a save validating 100,000 claims
        return real_check(*args, **kwargs)

    monkeypatch.setattr(postgis, "check_edits", slow_check)
    with PostgisStore(seeded_url) as store:
        before = store.version()
        saving = threading.Thread(
            target=store.save,
            args=([Edit("place", "p-slow", _place("p-slow"), 0)], ANN, "slow"),
        )
        saving.start()
        try:
            assert validating.wait(10)
            monkeypatch.setattr(postgis, "VERSION_TTL_S", 0.0)  # this rerun asks the database
            started = time.monotonic()
            assert store.version() == before  # the save has not committed
            assert time.monotonic() - started < 1
        finally:
            release.set()
            saving.join()
        assert store.version() != before


def test_an_edit_of_no_kind_is_refused_by_the_shared_check(seeded_url: str) -> None:
    from briefmap.store.base import ChangeRefused

    with PostgisStore(seeded_url) as store:
        before = store.recent(1)
        with pytest.raises(ChangeRefused) as refused:
            store.save([Edit("planet", "mars", {"id": "mars"}, 0)], ANN, "why not")  # type: ignore[arg-type]
        assert [i.field for i in refused.value.issues] == ["kind"]
        assert store.recent(1) == before


def test_a_start_reads_every_record_in_batches_whose_records_share_their_keys(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import briefmap.store.postgis as postgis

    # Batches of 2 over 5 places: the read goes on past a batch's end, in order.
    monkeypatch.setattr(postgis, "READ_BATCH", 2)
    pids = [f"p{i}" for i in range(5)]
    with fresh_database() as url:
        with PostgisStore(url) as store:
            store.save(
                [Edit("place", p, _place(p, 36 + i / 10), 0) for i, p in enumerate(pids)],
                ANN,
                "add",
            )
        with PostgisStore(url) as server:  # a server starting: every record read
            places = server.records().places
            assert server.load().loaded.catalog.places["p4"].name_en == "Place p4"
    assert list(places) == pids
    assert places["p3"] == _place("p3", 36.3)
    # One parse per batch: a record's keys are the same strings as its batch-mate's,
    # not a copy per record (29 % of the records' memory).
    first, second = places["p0"], places["p1"]
    assert all(a is b for a, b in zip(first, second, strict=True))
    assert all(a is b for a, b in zip(first["properties"], second["properties"], strict=True))
