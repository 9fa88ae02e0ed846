"""What only the files store promises: diffs of exactly the edit, crash safety, hand edits.

An edit through the store shows in ``git diff`` as exactly the changed record
and one line of ``changes.jsonl``; a writer killed between its temporary file
and the rename leaves the old files whole; a record edited by hand since its
last audit line is not silently overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from store_support import claim, place, write_seed

from briefmap.__main__ import main
from briefmap.store.base import ChangeRefused, Edit, Editor, StaleRevision
from briefmap.store.canonical import canonical_json
from briefmap.store.files import CHANGES_FILE, FileStore, rewrite_canonically

REPO = Path(__file__).resolve().parents[2]
AMIRA = Editor.typed("Amira")
DATA_FILES = ("places.geojson", "claims.json", "sources.json", "briefmap.json")


def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository whose ``data/`` is the seed, committed."""
    root = tmp_path / "repo"
    write_seed(root / "data")
    # The repository's own ignores: the store's lock file is not data.
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "seed")
    return root


def _numstat(repo: Path) -> dict[str, tuple[int, int]]:
    """Lines added and removed per file since the commit, new files included."""
    _git(repo, "add", "-A")
    rows = _git(repo, "diff", "--cached", "--numstat").splitlines()
    return {row.split("\t")[2]: (int(row.split("\t")[0]), int(row.split("\t")[1])) for row in rows}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_an_edit_diffs_as_exactly_the_changed_line_and_one_audit_line(repo: Path) -> None:
    store = FileStore(repo / "data")
    old, revision = store.get("claim", "c-hill")

    store.save([Edit("claim", "c-hill", {**old, "summary": "Edited."}, revision)], AMIRA, "fix")

    assert _numstat(repo) == {"data/claims.json": (1, 1), f"data/{CHANGES_FILE}": (1, 0)}
    diff = _git(repo, "diff", "--cached", "-U0", "--", "data/claims.json")
    changed = [
        line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]
    assert changed == [
        f'-      "summary": {json.dumps(old["summary"])},',
        '+      "summary": "Edited.",',
    ]
    line = json.loads((repo / "data" / CHANGES_FILE).read_text(encoding="utf-8"))
    assert list(line) == sorted(line)  # keys sorted
    assert (line["record_id"], line["why"], line["after"]["summary"]) == (
        "c-hill",
        "fix",
        "Edited.",
    )


def test_a_new_record_diffs_as_its_own_lines(repo: Path) -> None:
    store = FileStore(repo / "data")
    new = claim("c-new", place_id="p-hill")
    store.save([Edit("claim", "c-new", new, 0)], AMIRA, "new")

    record_lines = canonical_json("claims.json", {"claims": [new]}).splitlines()[2:-2]
    stat = _numstat(repo)
    assert set(stat) == {"data/claims.json", f"data/{CHANGES_FILE}"}
    assert stat[f"data/{CHANGES_FILE}"] == (1, 0)
    # The record's lines, and the comma the record before it now needs.
    added, removed = stat["data/claims.json"]
    assert removed <= 1 and added - removed == len(record_lines)


def test_the_shipped_data_is_in_the_canonical_format(tmp_path: Path) -> None:
    copy = tmp_path / "geodata"
    shutil.copytree(REPO / "geodata", copy)
    assert rewrite_canonically(copy) == []


def test_the_canonical_format() -> None:
    record = {"zeta": 1, "summary": "S", "id": "c", "places": ["a", "b"], "alpha": {"b": 1, "a": 2}}
    text = canonical_json("claims.json", {"claims": [record], "as_of": "2025-01-01"})
    assert text == (
        "{\n"
        '  "as_of": "2025-01-01",\n'
        '  "claims": [\n'
        "    {\n"
        '      "id": "c",\n'
        '      "places": [\n'
        '        "a",\n'
        '        "b"\n'
        "      ],\n"
        '      "summary": "S",\n'
        '      "alpha": {\n'
        '        "a": 2,\n'
        '        "b": 1\n'
        "      },\n"
        '      "zeta": 1\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )
    feature = {
        "geometry": {"coordinates": [36.5, 33.25], "type": "Point"},
        "properties": {},
        "type": "Feature",
    }
    places = canonical_json("places.geojson", {"features": [feature], "type": "FeatureCollection"})
    assert '"coordinates": [36.5, 33.25]' in places
    assert places.index('"type": "FeatureCollection"') < places.index('"features"')
    assert canonical_json("briefmap.json", {"title": "Ünïcode"}) == '{\n  "title": "Ünïcode"\n}\n'


# ------------------------------------------------------------ crashes


def test_a_failed_rename_leaves_the_old_files_and_no_trail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_seed(tmp_path / "data")
    store = FileStore(folder)
    before = _snapshot(folder)
    old, revision = store.get("claim", "c-hill")

    def refuse(*_: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        store.save([Edit("claim", "c-hill", {**old, "summary": "Lost?"}, revision)], AMIRA, "x")
    monkeypatch.undo()

    after = _snapshot(folder)
    after.pop(".briefmap.lock")
    assert after == before  # no temporary file left, no audit line
    store.save([Edit("claim", "c-hill", {**old, "summary": "Kept."}, revision)], AMIRA, "again")
    assert store.get("claim", "c-hill") == ({**old, "summary": "Kept."}, revision + 1)


KILLED_WRITER = """
import os, signal, sys
from briefmap.store.base import Edit, Editor
from briefmap.store.files import FileStore

store = FileStore(sys.argv[1])
old, revision = store.get("claim", "c-hill")
# Die the moment the new file is written and synced, before it is renamed into place.
os.replace = lambda *_: os.kill(os.getpid(), signal.SIGKILL)
store.save([Edit("claim", "c-hill", {**old, "summary": "Half?"}, revision)], Editor.typed("x"), "x")
"""


def test_a_writer_killed_between_its_temporary_file_and_the_rename_loses_nothing(
    tmp_path: Path,
) -> None:
    folder = write_seed(tmp_path / "data")
    before = _snapshot(folder)
    version = FileStore(folder).version()

    done = subprocess.run(
        [sys.executable, "-c", KILLED_WRITER, str(folder)],
        cwd=REPO,
        capture_output=True,
        check=False,
    )

    assert done.returncode == -signal.SIGKILL, done.stderr
    after = _snapshot(folder)
    leftovers = [name for name in after if name not in before and name != ".briefmap.lock"]
    assert leftovers and all(name.endswith(".tmp") for name in leftovers), leftovers
    assert {name: after[name] for name in before} == before  # every file as it was
    store = FileStore(folder)
    assert store.version() == version and store.load().loaded.ok
    old, revision = store.get("claim", "c-hill")
    store.save([Edit("claim", "c-hill", {**old, "summary": "Whole."}, revision)], AMIRA, "after")
    assert not [p for p in folder.glob(".*.tmp")]  # the next save clears what was left
    assert store.get("claim", "c-hill")[0]["summary"] == "Whole."


def test_a_trail_line_cut_short_is_skipped_and_the_next_starts_its_own_line(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "data")
    store = FileStore(folder)
    old, revision = store.get("claim", "c-hill")
    store.save([Edit("claim", "c-hill", {**old, "summary": "One."}, revision)], AMIRA, "one")
    with (folder / CHANGES_FILE).open("a", encoding="utf-8") as trail:
        trail.write('{"after": {"id": "c-hi')  # a crash mid-append

    store.save(
        [Edit("source", "s-new", {"id": "s-new", "outlet": "Reuters", "date": "2025-10-15"}, 0)],
        AMIRA,
        "two",
    )

    assert [e.why for e in store.recent()] == ["two", "one"]
    assert len((folder / CHANGES_FILE).read_text(encoding="utf-8").splitlines()) == 3


# ------------------------------------------------------------ hand edits


def _edit_by_hand(folder: Path, claim_id: str, **fields: Any) -> None:
    path = folder / "claims.json"
    payload = json.loads(path.read_text(encoding="utf-8"))
    for item in payload["claims"]:
        if item["id"] == claim_id:
            item.update(fields)
    path.write_text(canonical_json("claims.json", payload), encoding="utf-8")


def test_a_record_edited_by_hand_is_not_silently_overwritten(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "data")
    store = FileStore(folder)
    old, revision = store.get("claim", "c-hill")
    store.save(
        [Edit("claim", "c-hill", {**old, "summary": "Through the app."}, revision)], AMIRA, "app"
    )
    read_at = store.revision("claim", "c-hill")

    _edit_by_hand(folder, "c-hill", summary="By hand, in an editor.")

    assert store.hand_edited() == [("claim", "c-hill")]
    assert store.revision("claim", "c-hill") == read_at + 1
    with pytest.raises(StaleRevision) as stale:
        store.save([Edit("claim", "c-hill", {**old, "summary": "Mine."}, read_at)], AMIRA, "mine")
    assert stale.value.current["summary"] == "By hand, in an editor."

    hand, now = store.get("claim", "c-hill")
    store.save(
        [Edit("claim", "c-hill", {**hand, "summary": "Mine."}, now)], AMIRA, "mine, seen theirs"
    )
    last = store.history("claim", "c-hill")[-1]
    assert last.before["summary"] == "By hand, in an editor."  # the hand edit is in the trail
    assert store.hand_edited() == []


# ------------------------------------------------------------ refusals of its own


def test_a_briefing_id_is_never_a_path(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "data")
    store = FileStore(folder)
    for rid in ("../outside", "a/b", ""):
        record = {"id": rid, "title": "T", "scenes": [{"title": "S", "talking_points": ["P"]}]}
        with pytest.raises(ChangeRefused) as refused:
            store.save([Edit("briefing", rid, record, 0)], AMIRA, "x")
        assert [i.field for i in refused.value.issues] == ["id"]
    assert not (tmp_path / "outside.json").exists()
    assert sorted(p.name for p in (folder / "briefings").iterdir()) == ["b-overview.json"]


def test_a_folder_of_claims_csv_is_refused_with_a_way_out(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "data")
    (folder / "claims.json").unlink()
    (folder / "claims.csv").write_text("id,places\n", encoding="utf-8")
    store = FileStore(folder)
    with pytest.raises(ChangeRefused) as refused:
        store.save(
            [Edit("source", "s-new", {"id": "s-new", "outlet": "R", "date": "2025-10-15"}, 0)],
            AMIRA,
            "x",
        )
    assert refused.value.issues[0].file == "claims.csv"
    assert "convert them to claims.json" in refused.value.issues[0].message


def test_a_one_file_bundle_is_read_not_written(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.geojson"
    bundle.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    store = FileStore(bundle)
    with pytest.raises(ChangeRefused) as refused:
        store.save(
            [Edit("source", "s", {"id": "s", "outlet": "R", "date": "2025-10-15"}, 0)], AMIRA, "x"
        )
    assert refused.value.issues[0].file == "bundle.geojson"
    assert bundle.read_text(encoding="utf-8").startswith('{"type"')


def test_a_record_read_is_the_readers_to_change(tmp_path: Path) -> None:
    store = FileStore(write_seed(tmp_path / "data"))
    record, _ = store.get("claim", "c-hill")
    record["summary"] = "Typed in a form, not saved."
    assert store.get("claim", "c-hill")[0]["summary"] != "Typed in a form, not saved."


def test_the_state_kept_after_saves_is_what_reading_the_folder_gives(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "data")
    store = FileStore(folder)
    typed = claim("c-new", place_id="p-hill")
    store.save([Edit("claim", "c-new", typed, 0)], AMIRA, "new")
    typed["summary"] = "Changed in the form after the save."  # the store keeps its own copy
    old, revision = store.get("claim", "c-hill")
    store.save([Edit("claim", "c-hill", {**old, "summary": "Two."}, revision)], AMIRA, "two")
    store.undo(2, AMIRA, "back")

    fresh = FileStore(folder)
    assert store.records() == fresh.records()
    assert store.recent() == fresh.recent()
    for kind, rid in (("claim", "c-new"), ("claim", "c-hill"), ("place", "p-hill")):
        assert store.get(kind, rid) == fresh.get(kind, rid)
    assert store.get("claim", "c-new")[0]["summary"] != "Changed in the form after the save."
    # And what it writes next is what a fresh writer would write.
    old, revision = store.get("claim", "c-new")
    store.save([Edit("claim", "c-new", {**old, "summary": "Three."}, revision)], AMIRA, "three")
    assert rewrite_canonically(folder) == []


# ------------------------------------------------------------ saves of several files


def _two_saves(folder: Path) -> tuple[FileStore, list[Edit]]:
    """A store whose place, claim and source each have an audit line; the next save touches all three.

    With a line each, a half-applied save would read as a hand edit of the
    records it did reach.
    """
    store = FileStore(folder)
    firsts = []
    for kind, rid, field, value in (
        ("place", "p-hill", "name_en", "Hill post"),
        ("claim", "c-hill", "summary", "First."),
        ("source", "s-paper", "outlet", "The daily"),
    ):
        record, revision = store.get(kind, rid)
        assert record is not None
        if kind == "place":
            record["properties"][field] = value
        else:
            record[field] = value
        firsts.append(Edit(kind, rid, record, revision))  # type: ignore[arg-type]
    store.save(firsts, AMIRA, "first")
    old_claim, claim_revision = store.get("claim", "c-hill")
    old_source, source_revision = store.get("source", "s-paper")
    second = [
        Edit("place", "p-new", place("p-new", lon=38.0, lat=35.0), 0),
        Edit("claim", "c-hill", {**old_claim, "places": ["p-new"]}, claim_revision),
        Edit("source", "s-paper", {**old_source, "outlet": "The evening daily"}, source_revision),
    ]
    return store, second


def _wholly_there_or_absent(folder: Path, second: list[Edit]) -> bool:
    """Whether a fresh store finds the second save wholly there (else wholly absent), never half."""
    fresh = FileStore(folder)
    records = fresh.records()
    found = [records.of(e.kind).get(e.id) == e.record for e in second]
    assert all(found) or not any(found), found
    there = all(found)
    assert fresh.hand_edited() == []
    assert [e.why for e in fresh.recent()] == ["second"] * 3 * there + ["first"] * 3
    assert not fresh.load().loaded.issues
    assert not list(folder.glob(".briefmap.journal*"))
    return there


@pytest.mark.parametrize("crash_at", [1, 2, 3, 4])
def test_a_save_of_several_files_cut_short_between_renames_is_whole_or_absent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash_at: int
) -> None:
    folder = write_seed(tmp_path / "data")
    store, second = _two_saves(folder)
    rename = os.replace
    calls: list[Any] = []

    def cut_short(source: Any, target: Any) -> None:
        calls.append(target)
        if len(calls) == crash_at:
            raise OSError("power cut")
        rename(source, target)

    monkeypatch.setattr(os, "replace", cut_short)
    with pytest.raises(OSError, match="power cut"):
        store.save(second, AMIRA, "second")
    monkeypatch.undo()

    there = _wholly_there_or_absent(folder, second)
    # The first rename puts the journal in place: from there on the save is decided.
    assert there == (crash_at > 1)
    # The store that was cut short reads the same, and saves on.
    assert store.get("claim", "c-hill")[0] == (
        second[1].record if there else FileStore(folder).get("claim", "c-hill")[0]
    )
    record, revision = store.get("source", "s-paper")
    store.save([Edit("source", "s-paper", {**record, "outlet": "Later"}, revision)], AMIRA, "later")
    assert FileStore(folder).hand_edited() == []


KILLED_BETWEEN_RENAMES = """
import os, signal, sys
sys.path.insert(0, sys.argv[2])
from store_support import place
from briefmap.store.base import Edit, Editor
from briefmap.store.files import FileStore

store = FileStore(sys.argv[1])
claim, claim_revision = store.get("claim", "c-hill")
source, source_revision = store.get("source", "s-paper")
rename, calls = os.replace, []

def die_at_the_third(source, target):
    # The journal and the first file are renamed; the process dies before the second.
    calls.append(target)
    if len(calls) == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    rename(source, target)

os.replace = die_at_the_third
store.save(
    [
        Edit("place", "p-new", place("p-new", lon=38.0, lat=35.0), 0),
        Edit("claim", "c-hill", {**claim, "places": ["p-new"]}, claim_revision),
        Edit("source", "s-paper", {**source, "outlet": "The evening daily"}, source_revision),
    ],
    Editor.typed("x"),
    "second",
)
"""


def test_a_writer_killed_between_two_renames_leaves_a_save_the_next_reader_finishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_seed(tmp_path / "data")
    _, second = _two_saves(folder)

    done = subprocess.run(
        [sys.executable, "-c", KILLED_BETWEEN_RENAMES, str(folder), str(Path(__file__).parent)],
        cwd=REPO,
        capture_output=True,
        check=False,
    )

    assert done.returncode == -signal.SIGKILL, done.stderr
    # Killed mid-save: the journal says what is left to do.
    assert (folder / ".briefmap.journal").is_file()
    # The command line reads the folder as the app does: the save finished first.
    assert main(["validate", str(folder)]) == 0
    assert "finished a save a crash had cut short" in capsys.readouterr().out
    assert _wholly_there_or_absent(folder, second)


def test_a_journal_renames_only_a_temporary_file_over_its_data_file(tmp_path: Path) -> None:
    folder = write_seed(tmp_path / "data")
    outside = tmp_path / "outside.txt"
    outside.write_text("not the store's", encoding="utf-8")
    (folder / ".claims.json.x.tmp").write_text("{}", encoding="utf-8")
    planted = {
        "renames": [
            ["../outside.txt", "claims.json"],
            [".claims.json.x.tmp", "../outside.txt"],
            [".claims.json.x.tmp", "briefmap.json"],
        ],
        "log_at": 0,
        "log": "",
    }
    (folder / ".briefmap.journal").write_text(json.dumps(planted), encoding="utf-8")
    before = _snapshot(folder)

    store = FileStore(folder)
    assert store.load().loaded.ok

    assert outside.read_text(encoding="utf-8") == "not the store's"
    after = _snapshot(folder)
    assert {n: after[n] for n in DATA_FILES} == {n: before[n] for n in DATA_FILES}
    assert ".briefmap.journal" not in after


def test_a_journal_that_cannot_be_read_is_removed_and_the_folder_read_as_it_is(
    tmp_path: Path,
) -> None:
    folder = write_seed(tmp_path / "data")
    (folder / ".briefmap.journal").write_text('{"renames": [', encoding="utf-8")
    store = FileStore(folder)
    assert store.load().loaded.ok
    assert not (folder / ".briefmap.journal").exists()
