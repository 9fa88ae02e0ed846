"""``python -m briefmap db init | import | export``: files → database → files, byte for byte."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from postgis_support import fresh_database

from briefmap.__main__ import main
from briefmap.data.schema import DATA_FILES, META_FILE
from briefmap.engine.briefings import BRIEFINGS_DIR
from briefmap.store.base import RECORD_KINDS, Edit, Editor, retired
from briefmap.store.files import LOCK_FILE, FileStore, rewrite_canonically
from briefmap.store.postgis import PostgisStore
from briefmap.store.transfer import DATABASE_URL_ENV

REPO_ROOT = Path(__file__).resolve().parents[2]
GEODATA = REPO_ROOT / "geodata"


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != LOCK_FILE
    }


def _canonical_copy(tmp_path: Path) -> Path:
    """The shipped data files (what a store holds: no desk lists), in the stable format."""
    folder = tmp_path / "geodata"
    folder.mkdir()
    for name in (*DATA_FILES, META_FILE):
        shutil.copy(GEODATA / name, folder / name)
    shutil.copytree(GEODATA / BRIEFINGS_DIR, folder / BRIEFINGS_DIR)
    rewrite_canonically(folder)
    return folder


@pytest.fixture
def url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


def _round_trip(folder: Path, url: str, out: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "import", str(folder), "--url", url]) == 0
    assert "Imported" in capsys.readouterr().out
    assert main(["db", "export", str(out), "--url", url]) == 0
    assert _files(out) == _files(folder)


def test_the_shipped_data_goes_files_to_database_to_files_unchanged(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _canonical_copy(tmp_path)
    _round_trip(folder, url, tmp_path / "out", capsys)
    # And the database's catalog is the folder's.
    with PostgisStore(url) as store:
        from_db = store.load()
    from_files = FileStore(folder).load()
    assert from_db.loaded.catalog.claims == from_files.loaded.catalog.claims
    assert from_db.loaded.catalog.places == from_files.loaded.catalog.places
    assert set(from_db.briefings) == set(from_files.briefings)


def test_histories_retired_records_briefings_and_other_scripts_round_trip(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _canonical_copy(tmp_path)
    files = FileStore(folder)
    who = Editor.typed("Ламия ع.")
    records = files.records()
    place_id, place = next(iter(records.places.items()))
    claim_id, claim = next((k, c) for k, c in records.claims.items() if "history" not in c)
    briefing_id, briefing = next(iter(records.briefings.items()))
    # A renamed place, a claim's status changed with an editor in its history,
    # a retired claim, a new briefing, and an undo: every kind of line in the trail.
    files.save(
        [
            Edit(
                "place",
                place_id,
                {**place, "properties": {**place["properties"], "name_ar": "طرطوس — «ميناء»"}},
                files.revision("place", place_id),
            )
        ],
        who,
        "Arabic name, with quotes «»",
    )
    history = [
        {"date": claim["reported"], "status": claim["status"], "posture": claim["posture"]},
        {
            "date": "2026-01-20",
            "status": "stated",
            "posture": "current",
            "note": "Подтверждено официально.",
            "sources": claim["sources"][:1],
            "editor": who.name,
        },
    ]
    files.save(
        [
            Edit(
                "claim",
                claim_id,
                {**claim, "status": "stated", "posture": "current", "history": history},
                files.revision("claim", claim_id),
            )
        ],
        who,
        "confirmed",
    )
    other_id, other = list(records.claims.items())[1]
    files.save(
        [
            Edit(
                "claim",
                other_id,
                retired("claim", other, "2026-01-21"),
                files.revision("claim", other_id),
            )
        ],
        who,
        "withdrawn by the outlet",
    )
    files.save(
        [
            Edit(
                "briefing",
                "second-look",
                {**briefing, "id": "second-look", "title": "Второй взгляд"},
                0,
            )
        ],
        who,
        "a second briefing",
    )
    renamed = files.history("place", place_id)[-1].seq
    files.undo(renamed, who, "the old name was right")
    assert len(files.changes_since(0)) == 5
    assert briefing_id in files.records().briefings

    _round_trip(folder, url, tmp_path / "out", capsys)
    # The revisions and the trail came along: an editor's next save is checked the same way.
    with PostgisStore(url) as store:
        for kind in RECORD_KINDS:
            for rid in files.records().of(kind):
                assert store.revision(kind, rid) == files.revision(kind, rid), (kind, rid)
        assert store.history("claim", claim_id) == files.history("claim", claim_id)
        assert store.recent(50) == files.recent(50)
        assert other_id not in store.load().loaded.catalog.claims


def test_import_refuses_a_database_that_holds_records_unless_replace(
    tmp_path: Path, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _canonical_copy(tmp_path)
    assert main(["db", "import", str(folder), "--url", url]) == 0
    capsys.readouterr()
    assert main(["db", "import", str(folder), "--url", url]) == 1
    assert "already holds records: pass --replace" in capsys.readouterr().err
    assert main(["db", "import", str(folder), "--url", url, "--replace"]) == 0
    # Export writes a new folder only.
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("mine")
    assert main(["db", "export", str(tmp_path / "full"), "--url", url]) == 1
    assert "not an empty folder" in capsys.readouterr().err
    assert (tmp_path / "full" / "x").read_text() == "mine"


def test_init_creates_the_tables_once_and_a_missing_url_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with fresh_database(migrated=False) as bare:
        monkeypatch.setenv(DATABASE_URL_ENV, bare)
        assert main(["db", "init"]) == 0
        assert "Migrations run: 0001_store.sql, 0002_claim_place_ids.sql" in capsys.readouterr().out
        assert main(["db", "init"]) == 0
        assert "up to date" in capsys.readouterr().out
        PostgisStore(bare).close()  # ready for the app
    monkeypatch.delenv(DATABASE_URL_ENV)
    assert main(["db", "export", "somewhere"]) == 1
    assert f"set {DATABASE_URL_ENV}" in capsys.readouterr().err


def test_the_claims_places_are_kept_by_an_import_and_by_a_save(tmp_path: Path, url: str) -> None:
    import psycopg

    folder = _canonical_copy(tmp_path)
    records = FileStore(folder).records()

    def named(claims: dict) -> set[tuple[str, str]]:
        return {(cid, pid) for cid, c in claims.items() for pid in c["places"]}

    def kept() -> set[tuple[str, str]]:
        with psycopg.connect(url) as conn:
            return set(conn.execute("SELECT claim_id, place_id FROM claim_places").fetchall())

    with PostgisStore(url) as store:
        store.replace_all(records, {}, [])
        assert kept() == named(records.claims) and len(kept()) > len(records.claims)
        cid, claim = next(iter(records.claims.items()))
        other = next(p for p in records.places if p not in claim["places"])
        edited = {**claim, "places": [*claim["places"], other]}
        store.save([Edit("claim", cid, edited, 1)], Editor.typed("A"), "one more place")
        assert kept() == named({**records.claims, cid: edited})


def test_import_reads_the_folder_once_not_its_version_per_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import briefmap.store.files as files
    from briefmap.store.transfer import folder_contents

    folder = _canonical_copy(tmp_path)
    store = FileStore(folder)
    cid = next(iter(store.records().claims))
    record, revision = store.get("claim", cid)
    store.save(
        [Edit("claim", cid, {**record, "summary": "Edited."}, revision)],
        Editor.command_line("test"),
        "an edit for the trail",
    )
    checks: list[object] = []
    real = files.data_fingerprint
    monkeypatch.setattr(files, "data_fingerprint", lambda d: checks.append(d) or real(d))
    records, revisions, audit = folder_contents(folder)
    assert len(revisions) == sum(len(records.of(k)) for k in RECORD_KINDS) > 50
    assert len(checks) <= 2  # not once per record (an hour of a million records' import)
    fresh = FileStore(folder)
    assert revisions == {(k, r): fresh.revision(k, r) for k in RECORD_KINDS for r in records.of(k)}
    assert revisions[("claim", cid)] == revision + 1
    assert [(e.record_id, e.after["summary"]) for e in audit] == [(cid, "Edited.")]
    assert audit == fresh.changes_since(0)
