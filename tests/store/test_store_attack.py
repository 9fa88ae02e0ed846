"""The store under attack (issue 27): what a hostile or careless caller gives a save.

Each case on every store (the files, and PostgreSQL when it is there): a save
is refused with its located issue, never an exception, and nothing is written
(the files unchanged, the audit trail as it was). The editor page and the desk
call the same ``save``; these are what a crafted request, a token's claims or
a hand-made script could hand it.
"""

from __future__ import annotations

import pytest
from store_support import OpenStore, claim

from briefmap.store.base import ChangeRefused, Edit, Editor, Store
from briefmap.store.checks import MAX_WHY

AMIRA = Editor(id="oidc:https://id.example|amira", name="Amira H.", signed_in=True)


def _deep(levels: int) -> list:
    nested: list = []
    for _ in range(levels):
        nested = [nested]
    return nested


def _refused(store: Store, edits: list[Edit], who: Editor, why: str) -> ChangeRefused:
    """Save, expecting a refusal; the store's version and trail unchanged by it."""
    version, recent = store.version(), store.recent(5)
    with pytest.raises(ChangeRefused) as refused:
        store.save(edits, who, why)
    assert store.version() == version
    assert store.recent(5) == recent
    return refused.value


def _edit(store: Store, **changes: object) -> Edit:
    record, revision = store.get("claim", "c-harbour")
    assert record is not None
    return Edit("claim", "c-harbour", {**record, **changes}, revision)


def test_a_record_nested_thousands_deep_is_refused_not_a_recursion_error(store: Store) -> None:
    # A form never makes one; a script or a crafted edit can (Python's deep copy recursed).
    refused = _refused(store, [_edit(store, summary=_deep(5_000))], AMIRA, "a test")
    assert [(i.record, i.field) for i in refused.issues] == [("c-harbour", "-")]
    assert "more than 32 levels deep" in refused.issues[0].message


@pytest.mark.parametrize(
    ("who", "why", "field", "said"),
    [
        (AMIRA, "w" * (MAX_WHY + 1), "why", "at most 2,000"),
        (AMIRA, "a lone \ud800 surrogate", "why", "not text (U+D800)"),
        (AMIRA, "a NUL \x00 here", "why", "NUL"),
        (Editor("oidc:x|y", "\ud800"), "a test", "who_name", "not text"),
        (Editor("oidc:x|y", "n" * 201), "a test", "who_name", "at most 200"),
        (Editor("name:a\x00b", "a"), "a test", "who", "NUL"),
        (Editor("", ""), "a test", "who", "needs its editor"),
    ],
    ids=["long-why", "surrogate-why", "nul-why", "surrogate-name", "long-name", "nul-id", "nobody"],
)
def test_a_note_or_editor_no_store_can_keep_is_refused_before_anything_is_written(
    store: Store, who: Editor, why: str, field: str, said: str
) -> None:
    # A surrogate made the files store write claims.json, then fail on the audit line:
    # a change nobody could trace. A 50 MB note was kept whole in changes.jsonl.
    refused = _refused(store, [_edit(store, summary="Changed, by a test.")], who, why)
    assert [(i.file, i.field) for i in refused.issues] == [("change", field)]
    assert said in refused.issues[0].message
    assert store.get("claim", "c-harbour")[0]["summary"] != "Changed, by a test."  # type: ignore[index]


def test_a_nul_in_a_field_or_an_id_is_refused_on_its_field(store: Store) -> None:
    # The files took it; PostgreSQL cannot hold it, so a folder saved with one could not
    # be imported, and the database store failed with its own error mid-save.
    refused = _refused(store, [_edit(store, summary="a\x00b")], AMIRA, "a test")
    assert [(i.record, i.field) for i in refused.issues] == [("c-harbour", "summary")]
    assert "NUL" in refused.issues[0].message
    bad = claim("c-\x00x")
    refused = _refused(store, [Edit("claim", "c-\x00x", bad, 0)], AMIRA, "a test")
    assert [i.field for i in refused.issues] == ["id"]


def test_an_id_with_a_nul_is_no_record_and_has_no_history(open_store: OpenStore) -> None:
    # A link's ?claim=a%00b reaches get() and history(): absent, not a database error.
    store = open_store()
    assert store.get("claim", "c-kept\x00") == (None, 0)
    assert store.revision("claim", "c-kept\x00") == 0
    assert store.history("claim", "c-kept\x00") == []


def test_db_init_never_shows_the_database_password() -> None:
    # libpq quotes a URL it cannot read whole; `db init` printed it, password and all.
    from briefmap.store.transfer import TransferError, init_database

    with pytest.raises(TransferError) as failed:
        init_database("postgresql://briefmap:S3cret-pw@[::1/briefmap")
    assert "S3cret-pw" not in str(failed.value)
    assert "***" in str(failed.value)


def test_the_audit_table_tells_a_typed_name_from_a_signed_in_editor() -> None:
    # Where anyone may edit, anyone may type a signed-in editor's name: the trail's id
    # differs ("name:" against "oidc:"), and the table must show it too.
    from briefmap.app.editor_history import audit_rows
    from briefmap.store.base import AuditEntry

    def entry(seq: int, who: Editor) -> AuditEntry:
        after = claim("c-harbour")
        return AuditEntry(seq, "2026-12-08T00:00:00Z", who.id, who.name, "a test", "claim",
                          "c-harbour", seq + 1, after, after)  # fmt: skip

    typed = Editor.typed(AMIRA.name)
    rows = audit_rows([entry(1, AMIRA), entry(2, typed), entry(3, Editor.command_line("ops"))])
    shown = [row["Who"] for row in rows]
    assert shown == ["Amira H.", "Amira H. (typed name, not checked)", "ops (command line)"]


def test_a_data_folder_nested_thousands_deep_is_reported_not_a_crash(seed_dir) -> None:
    # `validate` reports such a file as one error; the files store (the app's, db import's)
    # failed with RecursionError, in a data file or in a forged line of changes.jsonl.
    from briefmap.store.files import CHANGES_FILE, FileStore

    deep = "[" * 100_000 + "]" * 100_000
    (seed_dir / "sources.json").write_text('{"sources": ' + deep + "}", encoding="utf-8")
    (seed_dir / CHANGES_FILE).write_text(deep + "\n", encoding="utf-8")
    store = FileStore(seed_dir)
    assert store.records().sources == {}
    assert store.recent() == []
    issues = store.load().loaded.issues
    assert any(i.file == "sources.json" and "nest" in i.message for i in issues), issues[:3]


def test_db_export_writes_no_briefing_outside_its_folder(tmp_path) -> None:
    # A briefing's id names its file; the stores refuse any id a path could be made of,
    # but a database row written by hand is not the store's: export checks again.
    from briefmap.store.base import StoredRecords
    from briefmap.store.transfer import TransferError, write_folder

    folder = tmp_path / "export" / "here"
    folder.mkdir(parents=True)
    records = StoredRecords(briefings={"../../escaped": {"id": "../../escaped"}})
    with pytest.raises(TransferError, match="escaped"):
        write_folder(folder, records, [])
    assert [p.name for p in tmp_path.rglob("*.json")] == []
    assert list(folder.iterdir()) == []  # refused before anything was written


def test_db_import_of_a_folder_with_a_nul_names_its_record(seed_dir, capsys) -> None:
    # PostgreSQL holds no NUL: the import failed with the database's error and a traceback.
    pytest.importorskip("psycopg")
    from postgis_support import fresh_database

    from briefmap.__main__ import main

    claims = seed_dir / "claims.json"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("a force keeps", "a force\\u0000keeps", 1),
        encoding="utf-8",
    )
    with fresh_database() as url:
        assert main(["db", "import", str(seed_dir), "--url", url]) == 1
        assert _database_is_empty(url)
    said = capsys.readouterr().err
    assert "claims.json" in said and "c-harbour" in said and "NUL" in said, said


def _database_is_empty(url: str) -> bool:
    from briefmap.store.postgis import PostgisStore

    with PostgisStore(url) as store:
        return store.is_empty()


def test_a_claims_history_is_one_escaped_line_a_step(monkeypatch) -> None:
    # The steps were escaped as one text (markdown_text keeps text on one line), so they
    # ran together in one bullet, and every escaped '-' of a note was unescaped after.
    from briefmap.app import editor_claim

    shown: list[str] = []
    monkeypatch.setattr(editor_claim.st, "markdown", shown.append)
    monkeypatch.setattr(editor_claim.st, "caption", lambda text: None)
    history = [
        {"date": "2025-10-15", "status": "reported", "note": "First - **bold** <b>x</b>"},
        {"date": "2025-10-16", "posture": "former", "editor": ":red[Eve]", "note": "x\n# y"},
    ]
    editor_claim._claim_history_lines({"history": history})
    (text,) = shown
    lines = text.split("\n")
    assert [line[:2] for line in lines] == ["- ", "- "]
    assert "**" not in text and "<b>" not in text and ":red[" not in text
    assert "\\-" in lines[0] and "\\#" in lines[1]


def test_an_unverified_email_on_the_list_does_not_open_the_editor() -> None:
    # A provider where anyone signs up with any address says so ("email_verified": false);
    # the list's address must not be had for the typing.
    from briefmap.app.editors import Editing, EditingConfig, Visitor, access

    config = EditingConfig(Editing.SIGNED_IN, frozenset({"alice@corp.example"}), sign_in=True)

    def user(**claims: object) -> Visitor:
        return Visitor.from_user(
            {"is_logged_in": True, "iss": "https://id", "sub": "s-1", **claims}
        )

    assert not access(config, user(email="Alice@corp.example", email_verified=False)).may_edit
    assert access(config, user(email="Alice@corp.example", email_verified=True)).may_edit
    assert access(config, user(email="alice@corp.example")).may_edit  # the provider does not say


def test_db_export_where_it_cannot_write_says_so(tmp_path, capsys) -> None:
    # Under a file, or at a link to nowhere: a traceback before.
    pytest.importorskip("psycopg")
    from postgis_support import fresh_database

    from briefmap.__main__ import main

    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    (tmp_path / "nowhere").symlink_to(tmp_path / "missing")
    with fresh_database() as url:
        for target in (tmp_path / "a-file" / "export", tmp_path / "nowhere"):
            assert main(["db", "export", str(target), "--url", url]) == 1
            assert f"{target}: cannot write there" in capsys.readouterr().err
    assert not (tmp_path / "missing").exists()


def test_db_import_of_a_merged_audit_trail_the_database_refuses_says_so(seed_dir, capsys) -> None:
    # Two branches' changes.jsonl merged by git: a seq twice. A traceback before.
    pytest.importorskip("psycopg")
    from postgis_support import fresh_database

    from briefmap.__main__ import main
    from briefmap.store.files import CHANGES_FILE, FileStore

    store = FileStore(seed_dir)
    record, revision = store.get("claim", "c-harbour")
    edit = Edit("claim", "c-harbour", {**record, "claimant": "Another wire"}, revision)
    store.save([edit], AMIRA, "a test")
    log = seed_dir / CHANGES_FILE
    log.write_text(log.read_text(encoding="utf-8") * 2, encoding="utf-8")
    with fresh_database() as url:
        assert main(["db", "import", str(seed_dir), "--url", url]) == 1
        assert _database_is_empty(url)
    said = capsys.readouterr().err
    assert "nothing was imported" in said and CHANGES_FILE in said, said


def test_validate_refuses_a_nul_in_a_data_file_as_the_store_does(seed_dir, capsys) -> None:
    # The one rule: a folder that `validate` passes can be imported into PostgreSQL.
    from briefmap.__main__ import main

    claims = seed_dir / "claims.json"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("a force keeps", "a force\\u0000keeps", 1),
        encoding="utf-8",
    )
    assert main(["validate", str(seed_dir)]) == 1
    said = capsys.readouterr().out
    assert "c-harbour" in said and "summary" in said and "NUL character (U+0000)" in said, said
