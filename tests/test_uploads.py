from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from briefmap.__main__ import main
from briefmap.data import uploads
from briefmap.data.loader import load_catalog
from briefmap.data.schema import CLAIM_COLUMNS, CLAIM_LIST_COLUMNS, CLAIMS_CSV, Catalog
from briefmap.data.uploads import MAX_FEATURES, describe, load_upload, upload_name

REPO = Path(__file__).resolve().parent.parent


def _claims(n: int = 3) -> dict:
    data = json.loads((REPO / "geodata" / "claims.json").read_text(encoding="utf-8"))
    data["claims"] = data["claims"][:n]
    return data


def _claims_csv(claims: list[dict]) -> bytes:
    buffer = io.StringIO()
    columns = list(CLAIM_COLUMNS)
    writer = csv.DictWriter(buffer, columns)
    writer.writeheader()
    for claim in claims:
        row = {k: claim.get(k, "") for k in columns}
        for column in CLAIM_LIST_COLUMNS:
            row[column] = ";".join(claim[column])
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def test_claims_may_cite_the_briefings_places_and_sources(real_catalog: Catalog) -> None:
    result = load_upload({"claims.json": json.dumps(_claims()).encode()}, base=real_catalog)
    assert result.ok, result.report()
    assert len(result.catalog.claims) == 3
    # The places and sources they cite come along so the layer can draw them.
    for claim in result.catalog.claims.values():
        assert set(claim.places) <= set(result.catalog.places)
        assert set(claim.sources) <= set(result.catalog.sources)
    assert result.left_out() == {"places.geojson": 0, "claims.json": 0, "sources.json": 0}


def test_csv_claims_equal_json_claims(real_catalog: Catalog) -> None:
    claims = [c for c in _claims(26)["claims"] if "history" not in c]
    from_csv = load_upload({CLAIMS_CSV: _claims_csv(claims)}, base=real_catalog)
    assert from_csv.ok, from_csv.report()
    assert claims and set(from_csv.catalog.claims) == {c["id"] for c in claims}
    for cid, claim in from_csv.catalog.claims.items():
        assert claim == real_catalog.claims[cid]


def test_csv_with_missing_columns_names_them(real_catalog: Catalog) -> None:
    result = load_upload({CLAIMS_CSV: b"id,places,summary\nx,tartus_city,hi\n"}, base=real_catalog)
    (issue,) = result.issues
    assert (issue.file, issue.record, issue.field) == (CLAIMS_CSV, "-", "-")
    assert "missing column(s) actors, claimant, status" in issue.message
    assert result.catalog.claims == {}


def test_bad_row_in_csv_is_named_and_the_rest_loads(real_catalog: Catalog) -> None:
    claims = _claims(3)["claims"]
    claims[1]["status"] = "rumour"
    result = load_upload({CLAIMS_CSV: _claims_csv(claims)}, base=real_catalog)
    assert [(i.file, i.record, i.field) for i in result.issues] == [
        (CLAIMS_CSV, claims[1]["id"], "status")
    ]
    assert "allowed: confirmed, stated" in result.issues[0].message
    assert len(result.catalog.claims) == 2


def test_unknown_vocabulary_in_an_upload_says_what_is_allowed(real_catalog: Catalog) -> None:
    data = _claims(1)
    data["claims"][0]["actors"] = ["wagner"]
    result = load_upload({"claims.json": json.dumps(data).encode()}, base=real_catalog)
    (issue,) = result.issues
    assert (
        issue.field == "actors"
        and "unknown value 'wagner'; allowed: russia, syria" in issue.message
    )


def _own_places(coordinates: list[float]) -> dict:
    """A places file of one place of the user's own, at ``coordinates``."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "id": "my_post",
                    "name_en": "My post",
                    "kind": "military_post",
                    "precision": "site",
                },
                "geometry": {"type": "Point", "coordinates": coordinates},
            }
        ],
    }


def test_own_places_and_sources(real_catalog: Catalog) -> None:
    places = _own_places([36.5, 34.0])
    sources = {"sources": [{"id": "my_source", "outlet": "My notes", "date": "2026-01-01"}]}
    claim = dict(_claims(1)["claims"][0], id="mine", places=["my_post"], sources=["my_source"])
    result = load_upload(
        {
            "places.geojson": json.dumps(places).encode(),
            "claims.json": json.dumps({"claims": [claim]}).encode(),
            "sources.json": json.dumps(sources).encode(),
        },
        base=real_catalog,
    )
    assert result.ok, result.report()
    assert set(result.catalog.places) == {"my_post"}
    # One of each, in the singular: the app's words, and validate's.
    assert describe(result) == "1 claim on 1 place from 1 source"
    assert "1 place, 1 claim, 1 source valid" in result.report()


@pytest.mark.parametrize("literal", ["1e400", "-Infinity", "NaN"])
def test_a_coordinate_not_finite_in_an_upload_is_named_as_validate_names_it(
    real_catalog: Catalog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    literal: str,
) -> None:
    # Python's json reads 1e400 as inf, and NaN and Infinity as written.
    text = json.dumps(_own_places([36.5, 12345.678])).replace("12345.678", literal)
    result = load_upload({"places.geojson": text.encode()}, base=real_catalog)
    (issue,) = result.issues
    said = {"1e400": "infinite (inf)", "-Infinity": "infinite (-inf)", "NaN": "NaN (not a number)"}
    assert (issue.record, issue.field) == ("my_post", "geometry")
    assert issue.message.endswith(f"is not finite: its latitude is {said[literal]}")
    # The data folder, through the validate command, says it in the same words.
    (tmp_path / "places.geojson").write_text(text, encoding="utf-8")
    for name in ("claims.json", "sources.json"):
        (tmp_path / name).write_text(json.dumps({name[:-5]: []}), encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    assert str(issue) in capsys.readouterr().out


def test_size_limit(monkeypatch: pytest.MonkeyPatch, real_catalog: Catalog) -> None:
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    result = load_upload({"claims.json": json.dumps(_claims()).encode()}, base=real_catalog)
    (issue,) = result.issues
    assert issue.file == "claims.json" and "limit for one upload" in issue.message
    assert result.catalog.claims == {}


def test_record_limit(monkeypatch: pytest.MonkeyPatch, real_catalog: Catalog) -> None:
    assert MAX_FEATURES == 50_000
    monkeypatch.setattr(uploads, "MAX_FEATURES", 5)
    claim = _claims(1)["claims"][0]
    many = {"claims": [dict(claim, id=f"c{i}") for i in range(6)]}
    result = load_upload({"claims.json": json.dumps(many).encode()}, base=real_catalog)
    (issue,) = result.issues
    assert issue.field == "claims" and "6 records is over the limit of 5" in issue.message
    assert result.catalog.claims == {}


def test_both_claim_formats_and_strange_files(real_catalog: Catalog) -> None:
    body = json.dumps(_claims(1)).encode()
    result = load_upload(
        {"claims.json": body, CLAIMS_CSV: b"id\n", "evil.exe": b"MZ"}, base=real_catalog
    )
    messages = " ".join(i.message for i in result.issues)
    assert "not both" in messages and "not a Briefmap file" in messages
    assert len(result.catalog.claims) == 1


def test_directory_with_claims_csv_loads(tmp_path: Path, real_catalog: Catalog) -> None:
    for name in ("places.geojson", "sources.json"):
        (tmp_path / name).write_bytes((REPO / "geodata" / name).read_bytes())
    plain = [c for c in _claims(26)["claims"] if "history" not in c]
    (tmp_path / CLAIMS_CSV).write_bytes(_claims_csv(plain))
    result = load_catalog(tmp_path)
    assert result.ok, result.report()
    assert len(result.catalog.claims) == len(plain)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("places.geojson", "places.geojson"),
        ("my-places.json", "places.geojson"),
        ("x.csv", "claims.csv"),
        ("sources.json", "sources.json"),
        ("claims.json", "claims.json"),
        ("notes.txt", None),
    ],
)
def test_upload_name(name: str, kind: str | None) -> None:
    assert upload_name(name) == kind


@pytest.mark.parametrize("as_csv", [False, True])
def test_a_refused_file_counts_every_record_as_left_out(
    monkeypatch: pytest.MonkeyPatch, real_catalog: Catalog, as_csv: bool
) -> None:
    monkeypatch.setattr(uploads, "MAX_FEATURES", 5)
    claim = _claims(1)["claims"][0]
    many = [dict(claim, id=f"c{i}") for i in range(6)]
    name, raw = (
        (CLAIMS_CSV, _claims_csv(many))
        if as_csv
        else ("claims.json", json.dumps({"claims": many}).encode())
    )
    result = load_upload({name: raw}, base=real_catalog)
    assert result.left_out()["claims.json"] == 6  # the panel's "record(s) were left out"


def test_a_second_file_of_a_kind_is_named_not_dropped(real_catalog: Catalog) -> None:
    first = _claims(2)
    second = _claims(3)
    result = uploads.load_uploaded_files(
        [
            ("mine.json", json.dumps(first).encode()),
            ("also-mine.json", json.dumps(second).encode()),
            ("notes.txt", b"hello"),
        ],
        base=real_catalog,
    )
    by_file = {i.file: i for i in result.issues}
    assert set(by_file) == {"also-mine.json", "notes.txt"}
    assert "'mine.json' is this upload's claims.json already" in by_file["also-mine.json"].message
    assert "not a Briefmap file" in by_file["notes.txt"].message
    assert len(result.catalog.claims) == 2  # the first file, whole
