"""Retired records and the editor's name in a claim's history: the loader's side of issue 27.

A retired record stays in the files but not in the catalog; it is neither an
error nor "left out", and ``validate`` counts it. A claim may not cite a
retired place or source.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefmap.__main__ import main
from briefmap.data.loader import load_catalog
from briefmap.data.schema import (
    CLAIMS_FILE,
    DATA_FILES,
    PLACES_FILE,
    RETIRED_FIELD,
    SOURCES_FILE,
)
from briefmap.drawing.exports import claim_record
from briefmap.engine.briefings import load_briefings


def _read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _write(path: Path, payload: Any) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")


SPARE_SOURCE = {"id": "spare_source", "outlet": "Reuters", "date": "2025-10-15"}


def _unused(data_copy: Path) -> tuple[str, str]:
    """A place and a source no claim cites, to retire without breaking a claim.

    Every shipped source is cited: a spare one is added.
    """
    claims = _read(data_copy / CLAIMS_FILE)["claims"]
    cited_places = {p for c in claims for p in (*c["places"], c.get("origin"))}
    places = [f["properties"]["id"] for f in _read(data_copy / PLACES_FILE)["features"]]
    sources = _read(data_copy / SOURCES_FILE)
    sources["sources"].append(SPARE_SOURCE)
    _write(data_copy / SOURCES_FILE, sources)
    place = next(p for p in places if p not in cited_places)
    return place, SPARE_SOURCE["id"]


def _retire(data_copy: Path, claim_id: str, place_id: str, source_id: str, day: Any) -> None:
    claims = _read(data_copy / CLAIMS_FILE)
    for claim in claims["claims"]:
        if claim["id"] == claim_id:
            claim[RETIRED_FIELD] = day
    _write(data_copy / CLAIMS_FILE, claims)
    places = _read(data_copy / PLACES_FILE)
    for feature in places["features"]:
        if feature["properties"]["id"] == place_id:
            feature["properties"][RETIRED_FIELD] = day
    _write(data_copy / PLACES_FILE, places)
    sources = _read(data_copy / SOURCES_FILE)
    for source in sources["sources"]:
        if source["id"] == source_id:
            source[RETIRED_FIELD] = day
    _write(data_copy / SOURCES_FILE, sources)


def test_retired_records_stay_out_of_the_catalog_without_an_error(
    data_copy: Path, capsys: Any
) -> None:
    place_id, source_id = _unused(data_copy)
    before = load_catalog(data_copy)
    claim_id = next(iter(before.catalog.claims))
    _retire(data_copy, claim_id, place_id, source_id, "2026-12-01")

    result = load_catalog(data_copy)

    assert result.ok, result.report()
    assert claim_id not in result.catalog.claims
    assert place_id not in result.catalog.places
    assert source_id not in result.catalog.sources
    assert len(result.catalog.claims) == len(before.catalog.claims) - 1
    assert result.left_out() == dict.fromkeys(DATA_FILES, 0)
    assert result.retired == {PLACES_FILE: 1, CLAIMS_FILE: 1, SOURCES_FILE: 1}
    assert result.report().endswith(
        "; 3 retired (1 in places.geojson, 1 in claims.json, 1 in sources.json)"
    )
    # The command line says so too, and exits 0: retired is not an error.
    assert main(["validate", str(data_copy)]) == 0
    assert "3 retired" in capsys.readouterr().out


def test_a_claim_citing_a_retired_place_or_source_is_refused_by_name(data_copy: Path) -> None:
    before = load_catalog(data_copy).catalog
    claim = next(c for c in before.claims.values() if c.places and c.sources)
    _retire(data_copy, "-", claim.places[0], claim.sources[0], "2026-12-01")

    result = load_catalog(data_copy)

    said = {(i.record, i.field): i.message for i in result.issues}
    assert said[(claim.id, "places")] == (
        f"{claim.places[0]!r} is retired in places.geojson: restore it, or cite another"
    )
    assert said[(claim.id, "sources")] == (
        f"{claim.sources[0]!r} is retired in sources.json: restore it, or cite another"
    )
    assert claim.id not in result.catalog.claims


def test_a_retired_field_that_is_not_a_day_is_an_error_on_it(data_copy: Path) -> None:
    before = load_catalog(data_copy)
    claim_id = next(iter(before.catalog.claims))
    place_id, source_id = _unused(data_copy)
    _retire(data_copy, claim_id, place_id, source_id, "yesterday")

    result = load_catalog(data_copy)

    located = {(i.file, i.record, i.field) for i in result.issues}
    assert located == {
        (CLAIMS_FILE, claim_id, RETIRED_FIELD),
        (PLACES_FILE, place_id, RETIRED_FIELD),
        (SOURCES_FILE, source_id, RETIRED_FIELD),
    }
    assert "'yesterday' is not a day" in result.issues[0].message
    # Not retired, so not counted as such: left out, for its error.
    assert not any(result.retired.values())
    assert result.left_out() == dict.fromkeys(DATA_FILES, 1)


def test_a_retired_briefing_is_left_out_without_an_error(data_copy: Path) -> None:
    catalog = load_catalog(data_copy).catalog
    path = next((data_copy / "briefings").glob("*.json"))
    briefing = _read(path)
    assert load_briefings(data_copy, catalog)[0]

    _write(path, {**briefing, RETIRED_FIELD: "2026-12-01"})
    assert load_briefings(data_copy, catalog) == ({}, [])

    _write(path, {**briefing, RETIRED_FIELD: 7})
    briefings, issues = load_briefings(data_copy, catalog)
    assert not briefings
    assert [(i.file, i.field) for i in issues] == [(f"briefings/{path.name}", RETIRED_FIELD)]


def test_a_history_entry_may_name_its_editor(data_copy: Path) -> None:
    claims = _read(data_copy / CLAIMS_FILE)
    claim = next(c for c in claims["claims"] if c.get("history"))
    claim["history"][0]["editor"] = "Amira H."
    _write(data_copy / CLAIMS_FILE, claims)

    result = load_catalog(data_copy)

    assert result.ok, result.report()
    loaded = result.catalog.claims[claim["id"]]
    assert loaded.history[0].editor == "Amira H."
    # And an export writes it back as it was read.
    assert claim_record(loaded)["history"][0]["editor"] == "Amira H."


def test_an_editor_name_is_text_of_bounded_length(data_copy: Path) -> None:
    claims = _read(data_copy / CLAIMS_FILE)
    claim = next(c for c in claims["claims"] if c.get("history"))
    claim["history"][0]["editor"] = "x" * 201
    _write(data_copy / CLAIMS_FILE, claims)

    result = load_catalog(data_copy)

    assert [(i.record, i.field) for i in result.issues] == [(claim["id"], "history[1].editor")]
