"""check_edits checks a few records, and says what validating the whole data would say.

The store and the editor check an edit by validating the edited records and
those that depend on them among the rest (so a save at 100,000 claims does not
validate 100,000 claims). Each case here is checked against the loader run on
the whole data after the edit: the same issues, no more, no fewer.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from store_support import briefing, claim, place, source, write_seed

import briefmap.store.files as files_module
from briefmap.data.loader import load_catalog
from briefmap.data.validate import ValidationIssue
from briefmap.store.base import Edit, Editor, StoredRecords, check_edits, restored, retired
from briefmap.store.canonical import canonical_json
from briefmap.store.checks import kind_file, validated, validated_briefings, with_edits
from briefmap.store.files import FileStore

CONFIRMED = claim(
    "c-confirmed",
    status="confirmed",
    sources=["s-wire", "s-paper"],
)


@pytest.fixture(scope="module", params=["briefmap.json", "no briefmap.json"])
def records(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> StoredRecords:
    """The seed, with its briefmap.json or without (actors and region then from the data)."""
    folder = write_seed(tmp_path_factory.mktemp("checks") / "data")
    if request.param == "no briefmap.json":
        (folder / "briefmap.json").unlink()
    store = FileStore(folder)
    base = store.records()
    # A confirmed claim: two independent outlets back it; change one and it is not.
    with_confirmed = with_edits(base, [Edit("claim", "c-confirmed", CONFIRMED, 0)])
    assert validated(with_confirmed).ok, validated(with_confirmed).report()
    return with_confirmed


def _everything(records: StoredRecords) -> list[ValidationIssue]:
    result = validated(records)
    return [*result.issues, *validated_briefings(records, result)[1]]


def _whole(records: StoredRecords, edits: list[Edit]) -> set[ValidationIssue]:
    """What validating the whole data after the edits says against them."""
    before = set(_everything(records))
    after = _everything(with_edits(records, edits))
    edited = {(kind_file(e.kind, e.id), e.id) for e in edits}
    return {i for i in after if (i.file, i.record) in edited or i not in before}


def _claim(records: StoredRecords, cid: str, **fields: Any) -> Edit:
    return Edit("claim", cid, {**records.claims[cid], **fields}, 1)


CASES: dict[str, Any] = {
    "a valid claim": lambda r: [_claim(r, "c-hill", summary="Reworded.")],
    "a claim of a status no one has": lambda r: [_claim(r, "c-hill", status="certain")],
    "a claim citing a place nowhere": lambda r: [_claim(r, "c-hill", places=["p-nowhere"])],
    "a claim naming an actor the data lacks": lambda r: [_claim(r, "c-hill", actors=["west"])],
    "a new claim with a new place and source": lambda r: [
        Edit("place", "p-new", place("p-new"), 0),
        Edit("source", "s-new", source("s-new"), 0),
        Edit("claim", "c-new", claim("c-new", place_id="p-new", source_id="s-new"), 0),
    ],
    "a place outside the region": lambda r: [Edit("place", "p-far", place("p-far", lon=10.0), 0)],
    "a place made invalid that claims cite": lambda r: [
        Edit("place", "p-hill", {**r.places["p-hill"], "geometry": {"type": "Point"}}, 1)
    ],
    "a source made the same outlet as another": lambda r: [
        Edit("source", "s-paper", {**r.sources["s-paper"], "outlet": "Reuters"}, 1)
    ],
    "a retired source a claim cites": lambda r: [
        Edit("source", "s-paper", retired("source", r.sources["s-paper"], "2026-12-01"), 1)
    ],
    "a retired claim": lambda r: [
        Edit("claim", "c-hill", retired("claim", r.claims["c-hill"], "2026-12-01"), 1)
    ],
    "a briefing highlighting a place nowhere": lambda r: [
        Edit("briefing", "b-new", briefing("b-new", scenes=[
            {"title": "S", "talking_points": ["P"], "highlight": ["p-nowhere"]}
        ]), 0)
    ],
    "a place a briefing highlights, made invalid": lambda r: [
        Edit("briefing", "b-hill", briefing("b-hill", scenes=[
            {"title": "S", "talking_points": ["P"], "highlight": ["p-hill"]}
        ]), 0),
        Edit("place", "p-hill", {**r.places["p-hill"], "properties": {"id": "p-hill"}}, 1),
    ],
}  # fmt: skip


VALID = ("a valid claim", "a new claim with a new place and source", "a retired claim")


@pytest.mark.parametrize("case", sorted(CASES))
def test_checking_the_edits_says_what_validating_everything_says(
    records: StoredRecords, case: str
) -> None:
    edits = CASES[case](records)
    said = check_edits(records, edits)
    whole = _whole(records, edits)
    # Retiring what an active claim cites is also refused on the retired record's field.
    own = {i for i in said if i.field == "retired" and "cite it" in i.message}
    assert set(said) - own == whole
    assert len(said) == len(set(said))
    if records.meta is None:
        return  # more is valid without a region or a list of actors: as validating says
    if case in VALID:
        assert said == []
    else:
        assert said, case


def test_a_source_change_that_unbacks_a_confirmed_claim_is_named_on_the_claim(
    records: StoredRecords,
) -> None:
    edits = CASES["a source made the same outlet as another"](records)
    said = check_edits(records, edits)
    assert [(i.record, i.field) for i in said] == [("c-confirmed", "status")]


def test_the_data_patched_after_each_save_is_what_validating_afresh_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_seed(tmp_path / "data")
    shutil.rmtree(folder / "briefings")  # with briefings, a place's edit validates afresh
    claims = json.loads((folder / "claims.json").read_text(encoding="utf-8"))
    claims["claims"].append({**claim("c-broken", source_id="s-paper"), "status": "certain"})
    (folder / "claims.json").write_text(canonical_json("claims.json", claims), encoding="utf-8")
    store = FileStore(folder)
    store.load()
    validations: list[Path] = []
    monkeypatch.setattr(files_module, "load_catalog", lambda path: validations.append(path))
    who = Editor.typed("T")

    def step(*edits: Edit) -> None:
        store.save(list(edits), who, "step")
        held = store.load().loaded
        fresh = load_catalog(folder)
        assert held.catalog == fresh.catalog
        assert list(held.catalog.claims) == list(fresh.catalog.claims)  # in the files' order
        assert set(held.issues) == set(fresh.issues) and len(held.issues) == len(fresh.issues)
        assert (held.records_read, held.retired) == (fresh.records_read, fresh.retired)
        assert held.left_out() == fresh.left_out()
        assert held.report().splitlines()[-1] == fresh.report().splitlines()[-1]

    records = store.records()
    step(_claim(records, "c-hill", summary="Reworded."))
    step(
        Edit("place", "p-new", place("p-new"), 0),
        Edit("source", "s-new", source("s-new", outlet="A third outlet"), 0),
        Edit("claim", "c-new", claim("c-new", place_id="p-new", source_id="s-new"), 0),
    )
    # A source the broken claim cites: the claim is checked again, and still broken.
    step(Edit("source", "s-paper", {**records.sources["s-paper"], "title": "Titled"}, 1))
    step(
        Edit("claim", "c-hill", retired("claim", store.get("claim", "c-hill")[0], "2026-12-01"), 2)
    )
    step(Edit("claim", "c-broken", {**store.get("claim", "c-broken")[0], "status": "reported"}, 1))
    held, revision = store.get("claim", "c-hill")
    step(Edit("claim", "c-hill", restored("claim", held), revision))
    step(Edit("place", "p-hill", {**records.places["p-hill"], "geometry": {
        "type": "Point", "coordinates": [38.5, 36.5]}}, 1))  # fmt: skip
    assert validations == []  # every step patched, none validated the folder again
