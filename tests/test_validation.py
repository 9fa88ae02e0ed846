"""The validating loader, one kind of bad input at a time.

Each test copies the real ``geodata/`` to a temporary directory, breaks one
thing, loads it and checks three things:

(a) the issue names the right file, record and field, with a telling message;
(b) the broken record is left out of the catalog, and counted by
    ``left_out()``, while every other record still loads;
(c) nothing else is reported, apart from the claims that cite a place or
    source which was left out (those are named exactly).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from expectations import Expected
from shipped import SHIPPED_META

from briefmap.data.loader import (
    CLAIMS_FILE,
    DATA_FILES,
    PLACES_FILE,
    SOURCES_FILE,
    LoadResult,
    ValidationIssue,
    load_catalog,
)
from briefmap.data.schema import (
    ClaimStatus,
    PlaceKind,
    Posture,
    Precision,
    Role,
)

# Records chosen so that breaking them disturbs as little as possible.
QUIET_PLACE = "jableh"  # no claim cites it
QUIET_CLAIM = "c02-tartus-access"  # current posture, no origin; nothing cites a claim
PROPOSED_CLAIM = "c05-military-police-south"  # proposed; no source names an origin
SOURCE = "kremlin_readout_2025_10_15"  # cited by exactly one claim:
SOURCE_CITER = "ctx-2025-putin-sharaa-talks"
DEFAULT_RECORD = {PLACES_FILE: QUIET_PLACE, CLAIMS_FILE: QUIET_CLAIM, SOURCES_FILE: SOURCE}

DELETE = object()  # sentinel: remove the field instead of setting it

LEFT_OUT = "because of its own error"


# ------------------------------------------------------------------ helpers


def name_the_origin(data: Data, record: str, origin: str) -> None:
    """Give a claim an origin that its first source names, as the sourcing rules ask."""
    fields = data.fields(CLAIMS_FILE, record)
    fields["origin"] = origin
    fields["origin_source"] = fields["sources"][0]
    fields["origin_note"] = "the cited report names this base (a test)"


class Data:
    """The three files of a copied data directory, parsed, to edit and write back."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.payloads: dict[str, Any] = {
            name: json.loads((root / name).read_text(encoding="utf-8")) for name in DATA_FILES
        }

    def items(self, file: str) -> list[Any]:
        key = {PLACES_FILE: "features", CLAIMS_FILE: "claims", SOURCES_FILE: "sources"}[file]
        return self.payloads[file][key]

    def _id(self, file: str, item: dict[str, Any]) -> Any:
        return item["properties"]["id"] if file == PLACES_FILE else item["id"]

    def item(self, file: str, rid: str) -> dict[str, Any]:
        """The record itself (for places, the whole GeoJSON feature)."""
        return next(i for i in self.items(file) if self._id(file, i) == rid)

    def fields(self, file: str, rid: str) -> dict[str, Any]:
        """The dict holding the record's fields (for places, the properties)."""
        item = self.item(file, rid)
        return item["properties"] if file == PLACES_FILE else item

    def position(self, file: str, rid: str) -> str:
        """How the loader names a record it cannot name by id: '#N', 1-based."""
        index = next(n for n, i in enumerate(self.items(file)) if self._id(file, i) == rid)
        return f"#{index + 1}"

    def set(self, file: str, rid: str, field: str, value: Any) -> None:
        """Set (or, with ``DELETE``, remove) one field of one record."""
        holder = self.item(file, rid) if field == "geometry" else self.fields(file, rid)
        if value is DELETE:
            del holder[field]
        else:
            holder[field] = value

    def citing_place(self, pid: str, fragment: str) -> list[Expected]:
        out = []
        for claim in self.items(CLAIMS_FILE):
            if pid in claim.get("places", []):
                out.append(Expected(CLAIMS_FILE, claim["id"], "places", fragment))
            if claim.get("origin") == pid:
                out.append(Expected(CLAIMS_FILE, claim["id"], "origin", fragment))
        return out

    def citing_source(self, sid: str, fragment: str) -> list[Expected]:
        return [
            Expected(CLAIMS_FILE, c["id"], "sources", fragment)
            for c in self.items(CLAIMS_FILE)
            if sid in c.get("sources", [])
        ]

    def cascade(self, file: str, rid: str, *, id_gone: bool = False) -> list[Expected]:
        """The claim issues that follow from ``rid`` of ``file`` being left out."""
        if file == CLAIMS_FILE:
            return []
        if id_gone:
            fragment = f"{rid!r} does not exist in {file}"
        else:
            fragment = f"{rid!r} was left out of {file} {LEFT_OUT}"
        if file == PLACES_FILE:
            return self.citing_place(rid, fragment)
        return self.citing_source(rid, fragment)

    def text(self, file: str) -> str:
        return json.dumps(self.payloads[file], ensure_ascii=False, indent=2)

    def save(self) -> None:
        for name in DATA_FILES:
            (self.root / name).write_text(self.text(name), encoding="utf-8")

    def load(self) -> LoadResult:
        self.save()
        return load_catalog(self.root)


@pytest.fixture
def data(data_copy: Path) -> Data:
    return Data(data_copy)


def sizes(result: LoadResult) -> dict[str, int]:
    catalog = result.catalog
    return {
        PLACES_FILE: len(catalog.places),
        CLAIMS_FILE: len(catalog.claims),
        SOURCES_FILE: len(catalog.sources),
    }


def kept(result: LoadResult, file: str) -> dict[str, Any]:
    catalog = result.catalog
    return {
        PLACES_FILE: catalog.places,
        CLAIMS_FILE: catalog.claims,
        SOURCES_FILE: catalog.sources,
    }[file]


def assert_only(
    result: LoadResult,
    baseline: LoadResult,
    expected: Expected,
    *,
    cascade: Iterable[Expected] = (),
    dropped: int = 1,
    appended: int = 0,
) -> None:
    """Assert that ``expected`` (plus ``cascade``) is exactly what went wrong.

    ``dropped`` records of ``expected.file`` are left out; ``appended`` is how
    many records the break added to that file (a duplicate, say).
    """
    cascade = list(cascade)
    report = result.report()
    wanted = [expected, *cascade]
    # (a) + (c): exactly these (file, record, field), each with its message.
    assert sorted(map(_where, result.issues)) == sorted(e.where for e in wanted), report
    for want in wanted:
        issue = next(i for i in result.issues if _where(i) == want.where)
        assert want.fragment in issue.message, f"{want.fragment!r} not in {issue}"
    # (b): left out, counted, and everything else still loaded.
    left = dict.fromkeys(DATA_FILES, 0)
    left[expected.file] += dropped
    left[CLAIMS_FILE] += len({c.record for c in cascade})
    assert result.left_out() == left, report
    before = sizes(baseline)
    after = sizes(result)
    for name in DATA_FILES:
        extra = appended if name == expected.file else 0
        assert after[name] == before[name] - left[name] + extra, (name, report)
    if dropped and not appended and not expected.record.startswith(("#", "-")):
        assert expected.record not in kept(result, expected.file)
    for c in cascade:
        assert c.record not in result.catalog.claims


def _where(issue: ValidationIssue) -> tuple[str, str, str]:
    return (issue.file, issue.record, issue.field)


def allowed(vocab: type[Enum]) -> str:
    return ", ".join(str(m.value) for m in vocab)


# ---------------------------------------------------------- the real data


def test_real_geodata_loads_with_zero_issues(real_load: LoadResult) -> None:
    assert real_load.ok
    assert real_load.issues == ()
    assert real_load.left_out() == dict.fromkeys(DATA_FILES, 0)
    assert sizes(real_load) == real_load.records_read
    assert sizes(real_load) == {PLACES_FILE: 21, CLAIMS_FILE: 26, SOURCES_FILE: 22}
    assert real_load.report().startswith("0 error(s)")


def test_untouched_copy_loads_like_the_original(data: Data, real_load: LoadResult) -> None:
    # Guards the harness: re-serialising the JSON must not change anything.
    result = data.load()
    assert result.ok, result.report()
    assert sizes(result) == sizes(real_load)


def test_issue_str_names_file_record_and_field() -> None:
    issue = ValidationIssue(CLAIMS_FILE, QUIET_CLAIM, "status", "unknown value 'x'")
    text = str(issue)
    assert CLAIMS_FILE in text
    assert f"'{QUIET_CLAIM}'" in text
    assert "'status'" in text
    assert "unknown value 'x'" in text


def test_issue_str_of_a_real_issue(data: Data) -> None:
    data.set(CLAIMS_FILE, QUIET_CLAIM, "status", "rumoured")
    result = data.load()
    (issue,) = result.issues
    assert str(issue).startswith(f"{CLAIMS_FILE}: record '{QUIET_CLAIM}', field 'status': ")
    assert str(issue) in result.report()


def test_optional_fields_may_be_left_out(data: Data, real_load: LoadResult) -> None:
    for name in ("name_ar", "name_ru", "alt_names", "note"):
        data.set(PLACES_FILE, QUIET_PLACE, name, DELETE)
    data.set(CLAIMS_FILE, QUIET_CLAIM, "role", DELETE)
    data.set(SOURCES_FILE, SOURCE, "url", DELETE)
    result = data.load()
    assert result.ok, result.report()
    assert sizes(result) == sizes(real_load)
    assert result.catalog.claims[QUIET_CLAIM].role is Role.REPORT
    assert result.catalog.places[QUIET_PLACE].alt_names == ()
    assert result.catalog.places[QUIET_PLACE].off_map is False
    assert result.catalog.sources[SOURCE].url is None


# ------------------------------------------------------- field by field

MISSING_CASES = [
    (CLAIMS_FILE, "id", "is missing or empty"),
    (CLAIMS_FILE, "places", "is missing"),
    (CLAIMS_FILE, "actors", "is missing"),
    (CLAIMS_FILE, "claimant", "is missing or empty"),
    (CLAIMS_FILE, "status", f"is missing; allowed: {allowed(ClaimStatus)}"),
    (CLAIMS_FILE, "posture", f"is missing; allowed: {allowed(Posture)}"),
    (CLAIMS_FILE, "reported", "is missing or empty"),
    (CLAIMS_FILE, "summary", "is missing or empty"),
    (CLAIMS_FILE, "attribution", "is missing or empty"),
    (CLAIMS_FILE, "sources", "is missing"),
    (PLACES_FILE, "id", "is missing or empty"),
    (PLACES_FILE, "name_en", "is missing or empty"),
    (PLACES_FILE, "kind", f"is missing; allowed: {allowed(PlaceKind)}"),
    (PLACES_FILE, "precision", f"is missing; allowed: {allowed(Precision)}"),
    (PLACES_FILE, "geometry", "is missing or not a GeoJSON geometry object"),
    (SOURCES_FILE, "id", "is missing or empty"),
    (SOURCES_FILE, "outlet", "is missing or empty"),
    (SOURCES_FILE, "date", "is missing or empty"),
]


def _break_field(data: Data, file: str, field: str, value: Any) -> tuple[str, list[Expected]]:
    """Break one field of the default record; return its name in issues and the cascade."""
    rid = DEFAULT_RECORD[file]
    name = data.position(file, rid) if field == "id" else rid
    cascade = data.cascade(file, rid, id_gone=field == "id")
    data.set(file, rid, field, value)
    return name, cascade


@pytest.mark.parametrize(("file", "field", "fragment"), MISSING_CASES)
def test_missing_required_field(
    data: Data, real_load: LoadResult, file: str, field: str, fragment: str
) -> None:
    record, cascade = _break_field(data, file, field, DELETE)
    result = data.load()
    assert_only(result, real_load, Expected(file, record, field, fragment), cascade=cascade)


EMPTY_CASES = [
    (CLAIMS_FILE, "id", "", "is missing or empty"),
    (CLAIMS_FILE, "claimant", "", "is missing or empty"),
    (CLAIMS_FILE, "claimant", "   ", "is missing or empty"),
    (CLAIMS_FILE, "summary", "", "is missing or empty"),
    (CLAIMS_FILE, "attribution", "\t", "is missing or empty"),
    (CLAIMS_FILE, "sources", [], "must name at least one value"),
    (CLAIMS_FILE, "sources", [""], "must be a list of non-empty text values"),
    (CLAIMS_FILE, "reported", "", "is missing or empty"),
    (CLAIMS_FILE, "places", [], "must name at least one value"),
    (CLAIMS_FILE, "actors", [], "must name at least one value"),
    (CLAIMS_FILE, "places", [""], "must be a list of non-empty text values"),
    (CLAIMS_FILE, "actors", ["russia", " "], "must be a list of non-empty text values"),
    (PLACES_FILE, "id", "", "is missing or empty"),
    (PLACES_FILE, "name_en", "", "is missing or empty"),
    (PLACES_FILE, "alt_names", ["Jablah", ""], "must be a list of non-empty text values"),
    (SOURCES_FILE, "id", " ", "is missing or empty"),
    (SOURCES_FILE, "outlet", "", "is missing or empty"),
    (SOURCES_FILE, "date", "", "is missing or empty"),
]


@pytest.mark.parametrize(("file", "field", "value", "fragment"), EMPTY_CASES)
def test_empty_value(
    data: Data, real_load: LoadResult, file: str, field: str, value: Any, fragment: str
) -> None:
    record, cascade = _break_field(data, file, field, value)
    result = data.load()
    assert_only(result, real_load, Expected(file, record, field, fragment), cascade=cascade)


WRONG_TYPE_CASES = [
    # number (or other non-text) where text is wanted
    (CLAIMS_FILE, "id", 7, "must be text, got int"),
    (CLAIMS_FILE, "claimant", 42, "must be text, got int"),
    (CLAIMS_FILE, "summary", True, "must be text, got bool"),
    (CLAIMS_FILE, "attribution", ["on the record"], "must be text, got list"),
    (CLAIMS_FILE, "sources", 7, "must be a list of non-empty text values"),
    (CLAIMS_FILE, "sources", "news_report_2025_10_15", "must be a list of non-empty text values"),
    (CLAIMS_FILE, "reported", 20251015, "must be text, got int"),
    (PLACES_FILE, "id", 5, "must be text, got int"),
    (PLACES_FILE, "name_en", 42, "must be text, got int"),
    (PLACES_FILE, "name_ar", 1, "must be text, got int"),
    (PLACES_FILE, "note", {"text": "x"}, "must be text, got dict"),
    (SOURCES_FILE, "outlet", 3.5, "must be text, got float"),
    (SOURCES_FILE, "date", 20251015, "must be text, got int"),
    (SOURCES_FILE, "url", 5, "must be text, got int"),
    # a string (or other non-list) where a list is wanted
    (CLAIMS_FILE, "places", "tartus_naval_facility", "must be a list of non-empty text values"),
    (CLAIMS_FILE, "actors", "russia", "must be a list of non-empty text values"),
    (CLAIMS_FILE, "actors", {"russia": True}, "must be a list of non-empty text values"),
    (CLAIMS_FILE, "actors", ["russia", 5], "must be a list of non-empty text values"),
    (PLACES_FILE, "alt_names", "Jablah", "must be a list of non-empty text values"),
]


@pytest.mark.parametrize(("file", "field", "value", "fragment"), WRONG_TYPE_CASES)
def test_wrong_type(
    data: Data, real_load: LoadResult, file: str, field: str, value: Any, fragment: str
) -> None:
    record, cascade = _break_field(data, file, field, value)
    result = data.load()
    assert_only(result, real_load, Expected(file, record, field, fragment), cascade=cascade)


def test_wrong_type_for_origin(data: Data, real_load: LoadResult) -> None:
    data.set(CLAIMS_FILE, PROPOSED_CLAIM, "origin", 5)
    result = data.load()
    expected = Expected(CLAIMS_FILE, PROPOSED_CLAIM, "origin", "must be text, got int")
    assert_only(result, real_load, expected)


VOCAB_CASES = [
    (CLAIMS_FILE, "status", "rumoured", "rumoured", ClaimStatus),
    (CLAIMS_FILE, "status", "Confirmed", "Confirmed", ClaimStatus),  # values are lower case
    (CLAIMS_FILE, "status", 1, 1, ClaimStatus),
    (CLAIMS_FILE, "posture", "planned", "planned", Posture),
    (CLAIMS_FILE, "role", "background", "background", Role),
    (PLACES_FILE, "kind", "port", "port", PlaceKind),
    (PLACES_FILE, "precision", "exact", "exact", Precision),
]


@pytest.mark.parametrize(("file", "field", "value", "bad", "vocab"), VOCAB_CASES)
def test_unknown_vocabulary_value(
    data: Data,
    real_load: LoadResult,
    file: str,
    field: str,
    value: Any,
    bad: Any,
    vocab: type[Enum],
) -> None:
    record, cascade = _break_field(data, file, field, value)
    result = data.load()
    fragment = f"unknown value {bad!r}; allowed: {allowed(vocab)}"
    assert_only(result, real_load, Expected(file, record, field, fragment), cascade=cascade)
    (issue,) = (i for i in result.issues if i.file == file)
    for member in vocab:
        assert str(member.value) in issue.message


def test_unknown_actor(data: Data, real_load: LoadResult) -> None:
    # Actors are the data's own (briefmap.json), not an enum: the same kind of message.
    record, cascade = _break_field(data, CLAIMS_FILE, "actors", ["russia", "rusia"])
    result = data.load()
    allowed_ids = ", ".join(real_load.catalog.meta.actor_ids)
    fragment = f"unknown value 'rusia'; allowed: {allowed_ids}"
    assert_only(
        result, real_load, Expected(CLAIMS_FILE, record, "actors", fragment), cascade=cascade
    )


UNKNOWN_FIELD_CASES = [
    # (file, record, the real field renamed, to this misspelling)
    (CLAIMS_FILE, "ctx-2024-israel-buffer-zone", "history", "histroy"),
    (CLAIMS_FILE, QUIET_CLAIM, "role", "roll"),
    (PLACES_FILE, QUIET_PLACE, "note", "notes"),
    (SOURCES_FILE, SOURCE, "url", "link"),
]


@pytest.mark.parametrize(("file", "record", "real", "misspelt"), UNKNOWN_FIELD_CASES)
def test_misspelt_field(
    data: Data, real_load: LoadResult, file: str, record: str, real: str, misspelt: str
) -> None:
    fields = data.fields(file, record)
    fields[misspelt] = fields.pop(real)
    cascade = data.cascade(file, record)
    result = data.load()
    expected = Expected(file, record, misspelt, "unknown field; known fields: ")
    assert_only(result, real_load, expected, cascade=cascade)
    issue = next(i for i in result.issues if i.file == file)
    assert real in issue.message  # the list of known fields shows the right spelling


def test_unknown_extra_field(data: Data, real_load: LoadResult) -> None:
    data.set(CLAIMS_FILE, QUIET_CLAIM, "confidence", "high")
    result = data.load()
    assert_only(
        result, real_load, Expected(CLAIMS_FILE, QUIET_CLAIM, "confidence", "unknown field")
    )


@pytest.mark.parametrize(
    ("file", "changed", "value"),
    [
        (PLACES_FILE, "name_en", "Jableh (second copy)"),
        (CLAIMS_FILE, "summary", "A second claim under the same id."),
        (SOURCES_FILE, "outlet", "A second source under the same id"),
    ],
)
def test_duplicate_id(
    data: Data, real_load: LoadResult, file: str, changed: str, value: str
) -> None:
    rid = DEFAULT_RECORD[file]
    copy = json.loads(json.dumps(data.item(file, rid)))
    (copy["properties"] if file == PLACES_FILE else copy)[changed] = value
    data.items(file).append(copy)
    result = data.load()
    expected = Expected(file, rid, "id", "duplicate id; ids must be unique within the file")
    assert_only(result, real_load, expected, appended=1)
    # The first record with the id is the one kept.
    kept_record = kept(result, file)[rid]
    assert getattr(kept_record, changed) == data.fields(file, rid)[changed]
    assert getattr(kept_record, changed) != value


# ------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("record", "field", "value", "fragment"),
    [
        (
            QUIET_CLAIM,
            "places",
            ["tartus_naval_facility", "no_such_place"],
            f"'no_such_place' does not exist in {PLACES_FILE}",
        ),
        (
            QUIET_CLAIM,
            "sources",
            ["news_report_2025_10_15", "no_such_source"],
            f"'no_such_source' does not exist in {SOURCES_FILE}",
        ),
        (
            PROPOSED_CLAIM,
            "origin",
            "no_such_place",
            f"'no_such_place' does not exist in {PLACES_FILE}",
        ),
    ],
)
def test_dangling_reference(
    data: Data, real_load: LoadResult, record: str, field: str, value: Any, fragment: str
) -> None:
    if field == "origin":
        name_the_origin(data, record, value)
    data.set(CLAIMS_FILE, record, field, value)
    result = data.load()
    assert_only(result, real_load, Expected(CLAIMS_FILE, record, field, fragment))


def test_reference_to_a_place_left_out_for_its_own_error(data: Data, real_load: LoadResult) -> None:
    data.set(PLACES_FILE, "kobani", "kind", "fortress")
    result = data.load()
    assert_only(
        result,
        real_load,
        Expected(PLACES_FILE, "kobani", "kind", "unknown value 'fortress'"),
        cascade=[
            Expected(
                CLAIMS_FILE,
                "ctx-2019-kobani-military-police",
                "places",
                f"'kobani' was left out of {PLACES_FILE} {LEFT_OUT}",
            )
        ],
    )


def test_reference_to_a_source_left_out_for_its_own_error(
    data: Data, real_load: LoadResult
) -> None:
    data.set(SOURCES_FILE, "defense_post_2018_08_02", "date", "August 2018")
    result = data.load()
    assert_only(
        result,
        real_load,
        Expected(SOURCES_FILE, "defense_post_2018_08_02", "date", "is not a date"),
        cascade=[
            Expected(
                CLAIMS_FILE,
                "ctx-2018-bravo-line-posts",
                "sources",
                f"'defense_post_2018_08_02' was left out of {SOURCES_FILE} {LEFT_OUT}",
            )
        ],
    )


def test_origin_left_out_for_its_own_error(data: Data, real_load: LoadResult) -> None:
    name_the_origin(data, "c07-qamishli-oversight", QUIET_PLACE)
    data.set(PLACES_FILE, QUIET_PLACE, "precision", "exact")
    result = data.load()
    assert_only(
        result,
        real_load,
        Expected(PLACES_FILE, QUIET_PLACE, "precision", "unknown value 'exact'"),
        cascade=[
            Expected(
                CLAIMS_FILE,
                "c07-qamishli-oversight",
                "origin",
                f"'{QUIET_PLACE}' was left out of {PLACES_FILE} {LEFT_OUT}",
            )
        ],
    )


@pytest.mark.parametrize("record", [QUIET_CLAIM, "ctx-2019-kobani-military-police"])
def test_origin_on_a_claim_that_is_not_proposed(
    data: Data, real_load: LoadResult, record: str
) -> None:
    assert data.fields(CLAIMS_FILE, record)["posture"] != Posture.PROPOSED.value
    name_the_origin(data, record, "khmeimim_air_base")
    result = data.load()
    expected = Expected(CLAIMS_FILE, record, "origin", "only proposed deployments have an origin")
    assert_only(result, real_load, expected)


# ------------------------------------------------------------ dates, urls

BAD_DATES = [
    "15/10/2025",
    "2025-13-01",
    "2025-02-30",
    "2025-10",
    "October 15, 2025",
    "2025-10-15T12:00",
    # Python 3.11's date.fromisoformat also takes these ISO 8601 forms; the
    # data format is YYYY-MM-DD only (dates are compared and sorted as text).
    "20251015",
    "2025-W42-3",
]


@pytest.mark.parametrize("value", BAD_DATES)
@pytest.mark.parametrize(("file", "field"), [(CLAIMS_FILE, "reported"), (SOURCES_FILE, "date")])
def test_bad_date_format(
    data: Data, real_load: LoadResult, file: str, field: str, value: str
) -> None:
    record, cascade = _break_field(data, file, field, value)
    result = data.load()
    fragment = f"{value!r} is not a date in the form YYYY-MM-DD"
    assert_only(result, real_load, Expected(file, record, field, fragment), cascade=cascade)


@pytest.mark.parametrize("value", ["26/01/2026", "20260126"])
def test_bad_as_of_date(data: Data, real_load: LoadResult, value: str) -> None:
    data.payloads[CLAIMS_FILE]["as_of"] = value
    result = data.load()
    fragment = f"{value!r} is not a date in the form YYYY-MM-DD"
    assert_only(result, real_load, Expected(CLAIMS_FILE, "-", "as_of", fragment), dropped=0)
    assert result.catalog.as_of is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "  javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/report.pdf",
        "//example.org/report",
        "example.org/report",
    ],
)
def test_source_url_scheme_not_http(data: Data, real_load: LoadResult, url: str) -> None:
    record, cascade = _break_field(data, SOURCES_FILE, "url", url)
    result = data.load()
    expected = Expected(SOURCES_FILE, record, "url", "only http:// and https:// links are allowed")
    assert_only(result, real_load, expected, cascade=cascade)


@pytest.mark.parametrize("url", ["https://www.reuters.com/world/", "HTTP://example.org/x"])
def test_source_url_http_or_https_is_accepted(data: Data, real_load: LoadResult, url: str) -> None:
    data.set(SOURCES_FILE, SOURCE, "url", url)
    result = data.load()
    assert result.ok, result.report()
    assert result.catalog.sources[SOURCE].url == url


# --------------------------------------------------------------- geometry


def _point(data: Data, pid: str, coordinates: list[Any]) -> None:
    data.set(PLACES_FILE, pid, "geometry", {"type": "Point", "coordinates": coordinates})


@pytest.mark.parametrize("coordinates", [[200.0, 35.3], [35.9, 95.0], [-181.0, 0.0], [35.9, -90.5]])
def test_point_outside_wgs84(data: Data, real_load: LoadResult, coordinates: list[float]) -> None:
    _point(data, QUIET_PLACE, coordinates)
    result = data.load()
    fragment = f"position {coordinates!r} is outside WGS84"
    assert_only(result, real_load, Expected(PLACES_FILE, QUIET_PLACE, "geometry", fragment))


def test_polygon_vertex_outside_wgs84(data: Data, real_load: LoadResult) -> None:
    pid = "golan_heights"
    data.item(PLACES_FILE, pid)["geometry"]["coordinates"][0][1] = [335.6613, 33.2129]
    cascade = data.cascade(PLACES_FILE, pid)
    result = data.load()
    expected = Expected(PLACES_FILE, pid, "geometry", "[335.6613, 33.2129] is outside WGS84")
    assert_only(result, real_load, expected, cascade=cascade)


def test_swapped_lat_lon_tartus(data: Data, real_load: LoadResult) -> None:
    pid = "tartus_naval_facility"
    assert data.item(PLACES_FILE, pid)["geometry"]["coordinates"] == [35.8745, 34.915]
    _point(data, pid, [34.915, 35.8745])  # latitude first: the classic mistake
    result = data.load()
    fragment = f"{LEFT_OUT}"
    assert_only(
        result,
        real_load,
        Expected(PLACES_FILE, pid, "geometry", "lies outside the region of interest"),
        cascade=[
            Expected(CLAIMS_FILE, "c02-tartus-access", "places", fragment),
            Expected(CLAIMS_FILE, "ctx-2025-lavrov-presence", "places", fragment),
        ],
    )
    (issue,) = (i for i in result.issues if i.file == PLACES_FILE)
    assert "are longitude and latitude swapped?" in issue.message
    assert "[longitude, latitude]" in issue.message


def test_swapped_lat_lon_inland(data: Data, real_load: LoadResult) -> None:
    lon, lat = data.item(PLACES_FILE, QUIET_PLACE)["geometry"]["coordinates"]
    _point(data, QUIET_PLACE, [lat, lon])
    result = data.load()
    expected = Expected(PLACES_FILE, QUIET_PLACE, "geometry", "are longitude and latitude swapped?")
    assert_only(result, real_load, expected)


# What a tool writes (Python's json NaN and Infinity; 1e400, a float no double
# holds, which Python's json reads as inf) -> the message's value and its words.
NON_FINITE = {
    "NaN": ("nan", "NaN (not a number)"),
    "Infinity": ("inf", "infinite (inf)"),
    "-Infinity": ("-inf", "infinite (-inf)"),
    "1e400": ("inf", "infinite (inf)"),
}
# A number no place has, replaced in the file's text by the literal.
_STAND_IN = 12345.678


@pytest.mark.parametrize("literal", list(NON_FINITE))
def test_non_finite_coordinate(data: Data, real_load: LoadResult, literal: str) -> None:
    lat = data.item(PLACES_FILE, QUIET_PLACE)["geometry"]["coordinates"][1]
    _point(data, QUIET_PLACE, [_STAND_IN, lat])
    data.save()
    path = data.root / PLACES_FILE
    text = path.read_text(encoding="utf-8")
    assert text.count(str(_STAND_IN)) == 1
    path.write_text(text.replace(str(_STAND_IN), literal), encoding="utf-8")
    result = load_catalog(data.root)
    shown, said = NON_FINITE[literal]
    # Named as not finite, with the coordinate that is not: never "[None, 33.0]".
    fragment = f"position [{shown}, {lat}] is not finite: its longitude is {said}"
    assert_only(result, real_load, Expected(PLACES_FILE, QUIET_PLACE, "geometry", fragment))


def test_non_finite_latitude_in_a_polygon_names_its_ring_and_position(
    data: Data, real_load: LoadResult
) -> None:
    pid = "golan_heights"
    ring = data.item(PLACES_FILE, pid)["geometry"]["coordinates"][0]
    ring[1] = [ring[1][0], math.nan]
    cascade = data.cascade(PLACES_FILE, pid)
    result = data.load()
    fragment = "(ring 1, position 2) is not finite: its latitude is NaN (not a number)"
    assert_only(
        result, real_load, Expected(PLACES_FILE, pid, "geometry", fragment), cascade=cascade
    )


@pytest.mark.parametrize(
    ("altitude", "said"),
    [(math.inf, "infinite (inf)"), (10**400, "too large for a number")],
    ids=["inf", "400-digits"],
)
def test_an_altitude_must_be_finite_too(
    data: Data, real_load: LoadResult, altitude: float, said: str
) -> None:
    # shapely kept an infinite altitude; a 400-digit one overflowed it (a traceback).
    lon, lat = data.item(PLACES_FILE, QUIET_PLACE)["geometry"]["coordinates"]
    _point(data, QUIET_PLACE, [lon, lat, altitude])
    result = data.load()
    fragment = f"is not finite: its altitude is {said}"
    assert_only(result, real_load, Expected(PLACES_FILE, QUIET_PLACE, "geometry", fragment))


BOW_TIE = [[[36.0, 33.0], [36.2, 33.2], [36.2, 33.0], [36.0, 33.2], [36.0, 33.0]]]


def test_self_intersecting_polygon(data: Data, real_load: LoadResult) -> None:
    data.set(PLACES_FILE, QUIET_PLACE, "geometry", {"type": "Polygon", "coordinates": BOW_TIE})
    result = data.load()
    expected = Expected(
        PLACES_FILE, QUIET_PLACE, "geometry", "is not a valid Polygon: Self-intersection[36.1 33.1]"
    )
    assert_only(result, real_load, expected)


@pytest.mark.parametrize(
    ("geometry", "fragment"),
    [
        ({"type": "Point", "coordinates": []}, "is empty"),
        ({"type": "Polygon", "coordinates": []}, "is empty"),
        ({"type": "Polygon", "coordinates": [[]]}, "is empty"),
        ({"type": "Point", "coordinates": [36.0]}, "is not a pair of numbers"),
        ({"type": "Point", "coordinates": ["35.9", "35.3"]}, "is not a pair of numbers"),
        ({"type": "Polygon", "coordinates": [[[36, 33], [36.1, 33], [36, 33]]]}, "not a valid"),
        ({"type": "Point", "coordinates": 5}, "has no coordinates list"),
        # no "coordinates" member at all
        ({"type": "Polygon"}, "coordinates"),
        ({"type": "Point"}, "coordinates"),
        ("POINT (35.93 35.36)", "is missing or not a GeoJSON geometry object"),
    ],
    ids=[
        "point-empty",
        "polygon-empty",
        "polygon-empty-ring",
        "point-one-number",
        "point-strings",
        "polygon-three-positions",
        "coordinates-number",
        "polygon-no-coordinates",
        "point-no-coordinates",
        "wkt-string",
    ],
)
def test_empty_or_malformed_geometry(
    data: Data, real_load: LoadResult, geometry: Any, fragment: str
) -> None:
    data.set(PLACES_FILE, QUIET_PLACE, "geometry", geometry)
    result = data.load()
    assert_only(result, real_load, Expected(PLACES_FILE, QUIET_PLACE, "geometry", fragment))


@pytest.mark.parametrize(
    "geometry",
    [
        {
            "type": "MultiPolygon",
            "coordinates": [[[[36.0, 33.0], [36.1, 33.0], [36.1, 33.1], [36.0, 33.0]]]],
        },
        {"type": "MultiPoint", "coordinates": [[36.0, 33.0]]},
        {"type": "GeometryCollection", "geometries": []},
    ],
    ids=lambda g: g["type"],
)
def test_unsupported_geometry_type(
    data: Data, real_load: LoadResult, geometry: dict[str, Any]
) -> None:
    data.set(PLACES_FILE, QUIET_PLACE, "geometry", geometry)
    result = data.load()
    fragment = f"type {geometry['type']!r} is not supported; use Point, LineString, MultiLineString, Polygon"
    assert_only(result, real_load, Expected(PLACES_FILE, QUIET_PLACE, "geometry", fragment))


# ------------------------------------------------- places: off_map, crs, ...


@pytest.mark.parametrize("value", ["true", "yes", 1, 0, None])
def test_off_map_not_boolean(data: Data, real_load: LoadResult, value: Any) -> None:
    data.set(PLACES_FILE, QUIET_PLACE, "off_map", value)
    result = data.load()
    fragment = f"must be true or false, got {value!r}"
    assert_only(result, real_load, Expected(PLACES_FILE, QUIET_PLACE, "off_map", fragment))


def test_kremlin_off_map_is_accepted_outside_region(real_load: LoadResult) -> None:
    kremlin = real_load.catalog.places["moscow_kremlin"]
    assert kremlin.off_map is True
    _, min_lat, _, max_lat = SHIPPED_META.region.box
    assert not (min_lat <= kremlin.geometry.y <= max_lat)  # really outside the region
    assert kremlin.geometry.x == pytest.approx(37.6178)
    assert kremlin.geometry.y == pytest.approx(55.7517)


@pytest.mark.parametrize("off_map", [False, DELETE])
def test_kremlin_without_off_map_is_rejected(
    data: Data, real_load: LoadResult, off_map: Any
) -> None:
    pid = "moscow_kremlin"
    data.set(PLACES_FILE, pid, "off_map", off_map)
    cascade = data.cascade(PLACES_FILE, pid)
    assert len({c.record for c in cascade}) == 8
    result = data.load()
    expected = Expected(PLACES_FILE, pid, "geometry", "lies outside the region of interest")
    assert_only(result, real_load, expected, cascade=cascade)
    (issue,) = (i for i in result.issues if i.file == PLACES_FILE)
    assert '"off_map": true' in issue.message


@pytest.mark.parametrize("properties", [DELETE, None])
def test_feature_without_properties(data: Data, real_load: LoadResult, properties: Any) -> None:
    record = data.position(PLACES_FILE, QUIET_PLACE)
    feature = data.item(PLACES_FILE, QUIET_PLACE)
    if properties is DELETE:
        del feature["properties"]
    else:
        feature["properties"] = properties
    result = data.load()
    fragment = "is missing; each feature needs a properties object"
    assert_only(result, real_load, Expected(PLACES_FILE, record, "properties", fragment))


@pytest.mark.parametrize("properties", ["jableh", ["jableh"], 5], ids=repr)
def test_feature_properties_not_an_object(
    data: Data, real_load: LoadResult, properties: Any
) -> None:
    record = data.position(PLACES_FILE, QUIET_PLACE)
    data.item(PLACES_FILE, QUIET_PLACE)["properties"] = properties
    result = data.load()
    assert_only(result, real_load, Expected(PLACES_FILE, record, "properties", "properties object"))


@pytest.mark.parametrize("value", ["oops", 42, None, ["a", "list"]], ids=repr)
@pytest.mark.parametrize("file", DATA_FILES)
def test_non_object_item_in_list(data: Data, real_load: LoadResult, file: str, value: Any) -> None:
    rid = DEFAULT_RECORD[file]
    record = data.position(file, rid)
    cascade = data.cascade(file, rid, id_gone=True)
    items = data.items(file)
    items[int(record[1:]) - 1] = value
    result = data.load()
    assert_only(
        result, real_load, Expected(file, record, "-", "must be a JSON object"), cascade=cascade
    )


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:EPSG::3857", "EPSG:32637"])
def test_declared_projected_crs_is_reprojected(
    data: Data, real_load: LoadResult, name: str
) -> None:
    from pyproj import Transformer

    to_projected = Transformer.from_crs(
        "EPSG:4326", name.replace("urn:ogc:def:crs:EPSG::", "EPSG:"), always_xy=True
    )

    def project(node: Any) -> Any:
        if isinstance(node[0], (int, float)):
            return list(to_projected.transform(node[0], node[1]))
        return [project(child) for child in node]

    for feature in data.payloads[PLACES_FILE]["features"]:
        feature["geometry"]["coordinates"] = project(feature["geometry"]["coordinates"])
    data.payloads[PLACES_FILE]["crs"] = {"type": "name", "properties": {"name": name}}
    result = data.load()
    assert result.ok, result.report()
    for pid, place in real_load.catalog.places.items():
        assert result.catalog.places[pid].geometry.equals_exact(place.geometry, 1e-6), pid


def test_unknown_crs_is_rejected_and_counts_every_feature_as_left_out(
    data: Data, real_load: LoadResult
) -> None:
    data.payloads[PLACES_FILE]["crs"] = {"type": "name", "properties": {"name": "EPSG:999999"}}
    result = data.load()
    crs_issues = [i for i in result.issues if i.file == PLACES_FILE]
    assert [_where(i) for i in crs_issues] == [(PLACES_FILE, "-", "crs")]
    assert "unknown coordinate reference system 'EPSG:999999'" in crs_issues[0].message
    # Not one place is read in a projection we cannot draw ...
    assert result.catalog.places == {}
    # ... so the claims go too, each saying why; sources are untouched.
    others = [i for i in result.issues if i.file != PLACES_FILE]
    assert {i.file for i in others} == {CLAIMS_FILE}
    assert all(i.field in ("places", "origin") for i in others)
    assert result.catalog.claims == {}
    assert len(result.catalog.sources) == len(real_load.catalog.sources)
    # left_out(): "how many records of each file did not make it into the catalog".
    assert result.left_out()[PLACES_FILE] == len(real_load.catalog.places)
    assert "from places.geojson" in result.report()


@pytest.mark.parametrize(
    "name", ["urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:EPSG::4326", "EPSG:4326"]
)
def test_wgs84_crs_is_accepted(data: Data, real_load: LoadResult, name: str) -> None:
    data.payloads[PLACES_FILE]["crs"] = {"type": "name", "properties": {"name": name}}
    result = data.load()
    assert result.ok, result.report()
    assert sizes(result) == sizes(real_load)


def test_places_file_not_a_feature_collection(data: Data, real_load: LoadResult) -> None:
    data.payloads[PLACES_FILE]["type"] = "Feature"
    result = data.load()
    issue = next(i for i in result.issues if i.file == PLACES_FILE)
    assert _where(issue) == (PLACES_FILE, "-", "type")
    assert "FeatureCollection" in issue.message


def test_file_without_its_list(data: Data, real_load: LoadResult) -> None:
    data.payloads[CLAIMS_FILE] = data.payloads[CLAIMS_FILE]["claims"]  # a bare list
    result = data.load()
    assert [_where(i) for i in result.issues] == [(CLAIMS_FILE, "-", "claims")]
    assert "the file must be a JSON object with a list under 'claims'" in result.issues[0].message
    assert result.catalog.claims == {}
    assert len(result.catalog.places) == len(real_load.catalog.places)
    assert len(result.catalog.sources) == len(real_load.catalog.sources)


# ----------------------------------------------------------- whole files


def _assert_file_level(
    result: LoadResult, real_load: LoadResult, file: str, fragment: str
) -> ValidationIssue:
    """One issue for ``file`` as a whole; that file's records gone, the rest intact."""
    own = [i for i in result.issues if i.file == file]
    assert [_where(i) for i in own] == [(file, "-", "-")], result.report()
    assert fragment in own[0].message
    assert kept(result, file) == {}
    # Only claims can suffer from another file's loss; other files are intact.
    for name in DATA_FILES:
        if name not in (file, CLAIMS_FILE):
            assert len(kept(result, name)) == len(kept(real_load, name))
    others = [i for i in result.issues if i.file != file]
    if file == CLAIMS_FILE:
        assert others == []
    else:
        assert {i.file for i in others} == {CLAIMS_FILE}
    return own[0]


@pytest.mark.parametrize("file", DATA_FILES)
def test_truncated_json(data: Data, real_load: LoadResult, file: str) -> None:
    path = data.root / file
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    result = load_catalog(data.root)
    issue = _assert_file_level(result, real_load, file, "not valid JSON")
    assert "line" in issue.message  # tells where the JSON breaks off


@pytest.mark.parametrize("file", DATA_FILES)
def test_missing_file(data: Data, real_load: LoadResult, file: str) -> None:
    (data.root / file).unlink()
    result = load_catalog(data.root)
    issue = _assert_file_level(result, real_load, file, "file not found")
    assert file in issue.message


@pytest.mark.parametrize("file", DATA_FILES)
def test_non_utf8_file(data: Data, real_load: LoadResult, file: str) -> None:
    # A latin-1 file: "é" written as the single byte 0xE9.
    field = {PLACES_FILE: "note", CLAIMS_FILE: "summary", SOURCES_FILE: "outlet"}[file]
    data.set(file, DEFAULT_RECORD[file], field, "Café")
    text = json.dumps(data.payloads[file], ensure_ascii=True, indent=2)
    raw = text.replace("\\u00e9", "\u00e9").encode("latin-1")
    (data.root / file).write_bytes(raw)
    result = load_catalog(data.root)
    issue = _assert_file_level(result, real_load, file, "not UTF-8 text")
    offset = raw.index(b"\xe9")
    assert f"(byte {offset})" in issue.message
    assert "save the file as UTF-8" in issue.message


@pytest.mark.parametrize("file", DATA_FILES)
def test_utf8_bom_file_loads_fine(data: Data, real_load: LoadResult, file: str) -> None:
    path = data.root / file
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = load_catalog(data.root)
    assert result.ok, result.report()
    assert sizes(result) == sizes(real_load)


def test_id_with_spaces_is_reported(data_copy: Path) -> None:
    claims = json.loads((data_copy / "claims.json").read_text(encoding="utf-8"))
    claims["claims"][0]["id"] = " c01 honour "
    (data_copy / "claims.json").write_text(json.dumps(claims), encoding="utf-8")
    result = load_catalog(data_copy)
    assert [(i.file, i.field) for i in result.issues] == [("claims.json", "id")]
    assert "contains spaces" in result.issues[0].message


def test_nested_point_coordinates_are_reported(data_copy: Path) -> None:
    places = json.loads((data_copy / "places.geojson").read_text(encoding="utf-8"))
    feature = next(f for f in places["features"] if f["properties"]["id"] == "jableh")
    feature["geometry"]["coordinates"] = [feature["geometry"]["coordinates"]]
    (data_copy / "places.geojson").write_text(json.dumps(places), encoding="utf-8")
    result = load_catalog(data_copy)
    assert [(i.file, i.record, i.field) for i in result.issues] == [
        ("places.geojson", "jableh", "geometry")
    ]
    assert "one [longitude, latitude] pair" in result.issues[0].message
