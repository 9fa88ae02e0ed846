"""Saving reviewed drafts through the store (issue 28 with 27): the files store on a copy of geodata/.

The accepted drafts become new claims, the report a new source (its outlet, or
"not identified"), in one save under the editor's name and a reason; the cue
and the sentence are kept in the claim's attribution, the report named by its
first history entry; what the loader refuses is refused and said per draft.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from briefmap.data.loader import DEFAULT_DATA_DIR
from briefmap.desk.cli import as_json
from briefmap.desk.draft import UNKNOWN_OUTLET, Desk
from briefmap.desk.records import source_record, validate_drafts
from briefmap.desk.review import REJECT, Review, reviewed
from briefmap.desk.save import desk_edits, issues_by_draft
from briefmap.desk.text import read_report
from briefmap.store.base import ChangeRefused, Editor, StaleRevision
from briefmap.store.files import FileStore

REPORT = (
    "Russian troops withdrew from the observation post at Tell al-Hara on 7 October 2024, "
    "a monitoring group reported.\n\n"
    "Russian officers could deploy to Manbij, a source familiar with the talks said.\n\n"
    "Russian jets reportedly stayed at Khmeimim, and the ministry declined to comment.\n"
)
WHO = Editor.typed("Desk Tester")


@pytest.fixture
def store(tmp_path: Path) -> FileStore:
    folder = tmp_path / "geodata"
    shutil.copytree(DEFAULT_DATA_DIR, folder)
    return FileStore(folder)


def drafted(desk: Desk, outlet: str | None = "Wire Example"):
    return desk.draft(
        read_report(REPORT, "the pasted text"),
        outlet=outlet,
        date="2026-01-30",
        url="https://example.org/report" if outlet else None,
    )


def save(store: FileStore, desk: Desk, report, decisions: dict[str, str], why: str = "New report"):
    kept = [d for d in report.drafts if decisions.get(d.id, "accept") != REJECT]
    summaries = {d.id: f"Our own account, draft {d.id}." for d in kept}
    plan = desk_edits(
        report, kept, summaries, desk.gazetteer, desk.catalog, store.records(), WHO.name
    )
    store.save(plan.edits, WHO, why)
    return plan


def test_accepted_drafts_are_saved_as_claims_with_their_cue_sentence_and_source(
    desk: Desk, store: FileStore
) -> None:
    report = drafted(desk)
    assert [d.id for d in report.drafts] == ["d01", "d02", "d03"]
    plan = save(store, desk, report, {"d02": REJECT})
    loaded = store.load().loaded
    assert not loaded.issues, loaded.issues[:3]
    saved = {cid: loaded.catalog.claims[cid] for cid in plan.draft_of}
    assert sorted(plan.draft_of.values()) == ["d01", "d03"]  # the rejected one is not saved
    first, third = (c for c, _ in sorted(saved.items(), key=lambda kv: plan.draft_of[kv[0]]))
    claim = saved[first]
    assert claim.places == ("tell_al_hara",) and claim.posture.value == "former"
    assert "Tell al-Hara on 7 October 2024" in claim.attribution  # the sentence
    assert claim.attribution.startswith("Cue “a monitoring group”")  # the cue
    jets = saved[third]
    assert "“reportedly”" in jets.attribution and "declined to comment" in jets.attribution
    (source_id,) = jets.sources
    source = loaded.catalog.sources[source_id]
    assert (source.outlet, source.date, source.url) == (
        "Wire Example",
        "2026-01-30",
        "https://example.org/report",
    )
    # The first history entry names the report as the source, and who saved it.
    step = jets.history[0]
    assert step.sources == (source_id,) and step.editor == "Desk Tester"
    assert step.date == "2026-01-30" and "desk" in (step.note or "")
    # One save, recorded under the editor's name and the reason.
    entries = store.recent(10)
    assert {e.record_id for e in entries} >= {*plan.draft_of, source_id}
    assert {(e.who, e.why) for e in entries[: len(plan.edits)]} == {(WHO.id, "New report")}


def test_an_unknown_outlet_is_recorded_as_unknown(desk: Desk, store: FileStore) -> None:
    report = drafted(desk, outlet=None)
    plan = save(store, desk, report, {})
    source_id = next(e.id for e in plan.edits if e.kind == "source")
    source = store.load().loaded.catalog.sources[source_id]
    assert source.outlet == UNKNOWN_OUTLET and source.outlet_known is False
    assert "url" not in source_record(report)


def test_an_edited_draft_is_saved_as_edited(desk: Desk, store: FileStore) -> None:
    report = drafted(desk)
    jets = report.drafts[2]
    review = replace(Review.of(jets, "edit"), status=jets.status.__class__("reported"))
    edited = reviewed(jets, review, desk.gazetteer, desk.catalog)
    plan = desk_edits(
        report, [edited], {"d03": "Our words."}, desk.gazetteer, desk.catalog, store.records(), "X"
    )
    store.save(plan.edits, WHO, "edited")
    (cid,) = plan.draft_of
    assert store.load().loaded.catalog.claims[cid].status.value == "reported"


def test_a_refused_draft_is_said_beside_it_and_nothing_is_saved(
    desk: Desk, store: FileStore
) -> None:
    report = drafted(desk)
    summaries = {"d01": "Our words.", "d03": ""}  # d03 left without the analyst's summary
    plan = desk_edits(
        report,
        [report.drafts[0], report.drafts[2]],
        summaries,
        desk.gazetteer,
        desk.catalog,
        store.records(),
        WHO.name,
    )
    version = store.version()
    with pytest.raises(ChangeRefused) as refused:
        store.save(plan.edits, WHO, "New report")
    mine, rest = issues_by_draft(refused.value.issues, plan.draft_of)
    assert set(mine) == {"d03"} and not rest
    assert [i.field for i in mine["d03"]] == ["summary"]
    assert store.version() == version and not store.recent(5)


def test_a_save_needs_a_reason(desk: Desk, store: FileStore) -> None:
    with pytest.raises(ChangeRefused) as refused:
        save(store, desk, drafted(desk), {}, why=" ")
    assert [i.field for i in refused.value.issues] == ["why"]


def test_the_same_report_saved_twice_is_refused_not_doubled(desk: Desk, store: FileStore) -> None:
    report = drafted(desk)
    save(store, desk, report, {"d02": REJECT, "d03": REJECT})
    # The rest of it later: the source is not made again, the new draft saves.
    plan = save(store, desk, report, {"d01": REJECT, "d02": REJECT})
    assert [e.kind for e in plan.edits] == ["claim"]
    with pytest.raises(StaleRevision):
        save(store, desk, report, {"d02": REJECT, "d03": REJECT})


def test_a_second_report_of_the_same_outlet_and_day_gets_its_own_ids(desk: Desk) -> None:
    one = drafted(desk)
    other = desk.draft(
        read_report(REPORT + "\nRussian troops left Qamishli.", "x"),
        outlet="Wire Example",
        date="2026-01-30",
        url="https://example.org/report",
    )
    assert source_record(one)["id"] != source_record(other)["id"]


def test_the_cli_the_preview_and_the_save_build_one_record(desk: Desk, store: FileStore) -> None:
    """One builder (briefmap.desk.records): what is printed and previewed is what is saved."""
    report = drafted(desk)
    summaries = {d.id: f"Our own account, draft {d.id}." for d in report.drafts}
    plan = desk_edits(
        report, report.drafts, summaries, desk.gazetteer, desk.catalog, store.records(), WHO.name
    )
    saved = {e.id: e.record for e in plan.edits if e.kind == "claim"}
    (source,) = [e.record for e in plan.edits if e.kind == "source"]
    preview = validate_drafts(report, report.drafts, summaries, desk.gazetteer, desk.catalog)
    assert preview.ok and set(preview.catalog.claims) == set(saved)
    assert set(preview.catalog.sources) == {source["id"]}
    printed = as_json(report)
    assert printed["source"] == source
    for shown in printed["drafts"]:
        record = shown["record"]
        kept = saved[record["id"]]
        # The same record but for what only a save knows: the summary, and who saved it.
        assert record["summary"] == "" and kept["summary"] == summaries[shown["id"]]
        assert kept["history"][0].pop("editor") == WHO.name
        assert {**record, "summary": kept["summary"]} == kept
        assert shown["sentence"] in record["attribution"]
