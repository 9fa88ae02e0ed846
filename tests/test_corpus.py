"""The adversarial corpus in ``tests/corpus/``: one small file per case, each with its outcome.

Each case copies the real ``geodata/`` to a temporary directory, puts one corpus
file in place of (or into) one data file, loads it and checks the specific
outcome: exactly which (file, record, field) issues, with a telling message,
and how many records of each file are kept. ``tests/corpus/README.md`` says how
a file is applied ("merge", "append" or "replace").

The payload cases are then drawn: the rendered map must hold the text escaped
(shown literally by the browser) and nothing that could run, and the claims
table and its CSV must keep the text exactly as written.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from expectations import Expected

from briefmap.data.loader import LoadResult, ValidationIssue, load_catalog
from briefmap.data.schema import CLAIM_LIST_COLUMNS, CLAIM_REQUIRED_FIELDS, Catalog
from briefmap.drawing import mapping
from briefmap.engine import tables
from briefmap.engine.query import ClaimFilter, select
from briefmap.safe import map_text, markdown_text

TESTS = Path(__file__).resolve().parent
CORPUS = TESTS / "corpus"
GEODATA = TESTS.parent / "geodata"

PLACES, CLAIMS, SOURCES, CLAIMS_CSV = "places.geojson", "claims.json", "sources.json", "claims.csv"
JSON_FILES = (PLACES, CLAIMS, SOURCES)
LIST_KEY = {PLACES: "features", CLAIMS: "claims", SOURCES: "sources"}
CATALOG_PART = {PLACES: "places", CLAIMS: "claims", CLAIMS_CSV: "claims", SOURCES: "sources"}
ALL = -1  # every record of a file

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
UPLOAD_MAX_FEATURES = 50_000


# ------------------------------------------------------------------ applying a case


def target_of(case_file: str) -> str:
    """The data file a corpus file stands in for, from its name."""
    for data_file in (PLACES, CLAIMS, SOURCES, CLAIMS_CSV):
        if case_file.endswith("." + data_file):
            return data_file
    raise ValueError(f"corpus file {case_file!r} does not name a data file")


def _rid(target: str, item: Any) -> Any:
    if not isinstance(item, dict):
        return None
    if target == PLACES:
        props = item.get("properties")
        return props.get("id") if isinstance(props, dict) else None
    return item.get("id")


def materialise(case_file: str, mode: str, root: Path) -> Path:
    """A copy of the real data at ``root`` with the corpus file applied."""
    shutil.copytree(GEODATA, root)
    target = target_of(case_file)
    raw = (CORPUS / case_file).read_bytes()
    if target == CLAIMS_CSV:
        (root / CLAIMS).unlink()
        (root / CLAIMS_CSV).write_bytes(raw)
        return root
    if mode == "replace":
        (root / target).write_bytes(raw)
        return root
    assert mode in ("merge", "append"), mode
    base = json.loads((root / target).read_text(encoding="utf-8"))
    patch = json.loads(raw.decode("utf-8"))
    key = LIST_KEY[target]
    items = base[key]
    for name, value in patch.items():
        if name != key:
            base[name] = value
    for item in patch[key]:
        index = next(
            (n for n, old in enumerate(items) if _rid(target, old) == _rid(target, item)), None
        )
        if mode == "merge" and index is not None:
            items[index] = item
        else:
            items.append(item)
    # json.dumps writes NaN and Infinity as the bare literals other tools emit.
    (root / target).write_text(json.dumps(base, ensure_ascii=False, indent=2), encoding="utf-8")
    return root


def data_files(root: Path) -> dict[str, bytes]:
    """The data directory as an upload: file name to bytes."""
    return {p.name: p.read_bytes() for p in sorted(root.iterdir()) if p.is_file()}


# ------------------------------------------------------------------ expectations


@dataclass(frozen=True)
class Case:
    """One corpus file and what loading it must give."""

    file: str
    mode: str  # merge | append | replace (see tests/corpus/README.md)
    issues: tuple[Expected, ...] = ()
    # Ids of the target file whose loss makes the real claims citing them fail
    # (each such claim is then named, on places/origin/sources); ALL for every id.
    cascade_from: tuple[str, ...] | int = ()
    # Records of the target file left out; None: one per record named in ``issues``.
    dropped: int | None = None
    appended: int = 0  # records the case adds to the target file

    @property
    def target(self) -> str:
        return target_of(self.file)

    def __str__(self) -> str:
        return self.file


def _json(name: str) -> Any:
    return json.loads((GEODATA / name).read_text(encoding="utf-8"))


REAL = {name: _json(name) for name in JSON_FILES}


def _real_ids(file: str) -> list[str]:
    return [_rid(file, item) for item in REAL[file][LIST_KEY[file]]]


def cascade(case: Case) -> list[Expected]:
    """The claim issues that follow from the case's places or sources being left out."""
    ids = set(_real_ids(case.target) if case.cascade_from == ALL else case.cascade_from)
    out: list[Expected] = []
    for claim in REAL[CLAIMS]["claims"]:
        if case.target == PLACES:
            out += [
                Expected(CLAIMS, claim["id"], "places", repr(p))
                for p in claim["places"]
                if p in ids
            ]
            if claim.get("origin") in ids:
                out.append(Expected(CLAIMS, claim["id"], "origin", repr(claim["origin"])))
        elif case.target == SOURCES:
            out += [
                Expected(CLAIMS, claim["id"], "sources", repr(sid))
                for sid in claim["sources"]
                if sid in ids
            ]
    return out


def _csv_rows(case_file: str) -> int:
    text = (CORPUS / case_file).read_text(encoding="utf-8-sig")
    return sum(1 for _ in csv.DictReader(io.StringIO(text)))


def expected_sizes(case: Case) -> dict[str, int]:
    sizes = {
        "places": len(REAL[PLACES]["features"]),
        "claims": len(REAL[CLAIMS]["claims"]),
        "sources": len(REAL[SOURCES]["sources"]),
    }
    part = CATALOG_PART[case.target]
    if case.target == CLAIMS_CSV:
        sizes["claims"] = _csv_rows(case.file)
    dropped = case.dropped
    if dropped is None:
        dropped = len({e.record for e in case.issues if e.record != "-"})
    sizes[part] = 0 if dropped == ALL else sizes[part] + case.appended - dropped
    sizes["claims"] -= len({e.record for e in cascade(case)})
    return sizes


def sizes_of(catalog: Catalog) -> dict[str, int]:
    return {
        "places": len(catalog.places),
        "claims": len(catalog.claims),
        "sources": len(catalog.sources),
    }


def where(issue: ValidationIssue) -> tuple[str, str, str]:
    return (issue.file, issue.record, issue.field)


def plain(message: str) -> str:
    """A message with digit grouping taken out: "100,000" reads as "100000"."""
    return re.sub(r"(?<=\d),(?=\d{3}\b)", "", message)


def assert_issues(result: LoadResult, wanted: Iterable[Expected]) -> None:
    """Exactly these (file, record, field), each with its message fragment."""
    wanted = list(wanted)
    report = result.report()
    assert sorted(map(where, result.issues)) == sorted(e.where for e in wanted), report
    for want in wanted:
        messages = [plain(i.message) for i in result.issues if where(i) == want.where]
        assert any(want.fragment in m for m in messages), f"{want.fragment!r} not in {messages}"


def assert_outcome(result: LoadResult, case: Case) -> None:
    assert_issues(result, [*case.issues, *cascade(case)])
    assert sizes_of(result.catalog) == expected_sizes(case), result.report()
    # A clear message is a short one: never the whole offending value.
    for issue in result.issues:
        assert 0 < len(issue.message) < 1000, issue
    if case.mode in ("merge", "append") and case.target != CLAIMS_CSV:
        dropped = case.dropped
        if dropped is None:
            dropped = len({e.record for e in case.issues if e.record != "-"})
        left = result.left_out()
        assert left[case.target] == dropped, result.report()
        if case.target != CLAIMS:
            assert left[CLAIMS] == len({e.record for e in cascade(case)}), result.report()


# ------------------------------------------------------------------ the cases

TARTUS, GOLAN = "tartus_naval_facility", "golan_heights"
LATIN1_BYTE = next(
    n for n, b in enumerate((CORPUS / "latin1.sources.json").read_bytes()) if b >= 0x80
)
HTTP_ONLY = "only http:// and https:// links are allowed"
BAD_LINKS = (
    "kremlin_readout_2025_10_15",  # javascript:
    "defense_post_2018_08_02",  # data:
    "reuters_2019_10_kobani",  # "  JaVaScRiPt:"
    "iswnews_2019_11_14",  # protocol-relative //host
)

CASES = [
    # Script payloads: all load clean; what matters is how they are drawn (below).
    Case("script-payload-names.places.geojson", "merge"),
    Case("script-payload-text.claims.json", "merge"),
    Case("script-payload-outlet.sources.json", "merge"),
    Case(
        "javascript-link.sources.json",
        "merge",
        tuple(Expected(SOURCES, sid, "url", HTTP_ONLY) for sid in BAD_LINKS),
        cascade_from=BAD_LINKS,
    ),
    Case("bidi-override-names.places.geojson", "merge"),
    Case(
        "100kb-name.places.geojson",
        "merge",
        (Expected(PLACES, "jableh", "name_en", "is 100000 characters long; at most 200"),),
    ),
    Case(
        "nan-infinity.places.geojson",
        "merge",
        tuple(
            Expected(PLACES, pid, "geometry", "is not finite")
            for pid in ("jableh", "daraa_city", "suwayda_city")
        ),
    ),
    Case(
        "self-intersecting-polygon.places.geojson",
        "merge",
        (Expected(PLACES, "jableh", "geometry", "is not a valid Polygon: Self-intersection"),),
    ),
    Case(
        "empty-polygon.places.geojson",
        "merge",
        tuple(Expected(PLACES, pid, "geometry", "is empty") for pid in ("jableh", "daraa_city")),
    ),
    # Declared projected CRSs: reprojected to WGS84, everything loads.
    Case("epsg3857.places.geojson", "replace"),
    Case("utm37n.places.geojson", "replace"),
    Case(
        "unknown-crs.places.geojson",
        "replace",
        (Expected(PLACES, "-", "crs", "EPSG:999999"),),
        cascade_from=ALL,
        dropped=ALL,
    ),
    # A crs member that is malformed, on another planet, or not a horizontal
    # (map) CRS: one issue on "crs", no place loaded at a made-up position.
    Case(
        "crs-null-properties.places.geojson",
        "replace",
        (Expected(PLACES, "-", "crs", ""),),
        cascade_from=ALL,
        dropped=ALL,
    ),
    Case(
        "crs-moon.places.geojson",
        "replace",
        (Expected(PLACES, "-", "crs", "IAU_2015:30100"),),
        cascade_from=ALL,
        dropped=ALL,
    ),
    Case(
        "crs-geocentric.places.geojson",
        "replace",
        (Expected(PLACES, "-", "crs", "EPSG:4978"),),
        cascade_from=ALL,
        dropped=ALL,
    ),
    Case(
        "undeclared-projected.places.geojson",
        "merge",
        tuple(
            Expected(PLACES, pid, "geometry", "outside WGS84") for pid in ("jableh", "daraa_city")
        ),
    ),
    Case(
        "duplicate-ids.places.geojson",
        "append",
        (Expected(PLACES, "jableh", "id", "duplicate id"),),
        appended=1,
    ),
    Case(
        "duplicate-ids.claims.json",
        "append",
        (Expected(CLAIMS, "c02-tartus-access", "id", "duplicate id"),),
        appended=1,
    ),
    Case(
        "duplicate-ids.sources.json",
        "append",
        (Expected(SOURCES, "kremlin_readout_2025_10_15", "id", "duplicate id"),),
        appended=1,
    ),
    Case(
        "dangling-refs.claims.json",
        "merge",
        (
            Expected(
                CLAIMS,
                "c02-tartus-access",
                "places",
                "'no_such_place' does not exist in places.geojson",
            ),
            Expected(
                CLAIMS,
                "c05-military-police-south",
                "origin",
                "'nowhere_air_base' does not exist in places.geojson",
            ),
            Expected(
                CLAIMS,
                "c09-summit-postponed",
                "sources",
                "'no_such_source' does not exist in sources.json",
            ),
        ),
    ),
    Case(
        "wrong-types.claims.json",
        "merge",
        (
            Expected(CLAIMS, "c02-tartus-access", "claimant", "must be text, got int"),
            Expected(
                CLAIMS, "c03-khmeimim-access", "actors", "must be a list of non-empty text values"
            ),
            Expected(
                CLAIMS, "c04-reconstruction-counterterrorism", "reported", "must be text, got int"
            ),
            Expected(CLAIMS, "c09-summit-postponed", "summary", "must be text, got dict"),
        ),
    ),
    Case(
        "wrong-types.places.geojson",
        "merge",
        (
            Expected(PLACES, "jableh", "name_en", "must be text, got int"),
            Expected(PLACES, "daraa_city", "off_map", "must be true or false, got 'yes'"),
            Expected(
                PLACES, "suwayda_city", "alt_names", "must be a list of non-empty text values"
            ),
            Expected(PLACES, "quneitra_town", "geometry", "is not a pair of numbers"),
        ),
    ),
    # Encodings: a UTF-8 byte-order mark is fine; anything not UTF-8 is named.
    Case("bom.sources.json", "replace"),
    Case(
        "utf16.sources.json",
        "replace",
        (Expected(SOURCES, "-", "-", "not UTF-8 text"),),
        cascade_from=ALL,
        dropped=ALL,
    ),
    Case(
        "latin1.sources.json",
        "replace",
        (Expected(SOURCES, "-", "-", f"not UTF-8 text (byte {LATIN1_BYTE})"),),
        cascade_from=ALL,
        dropped=ALL,
    ),
    Case(
        "truncated.claims.json",
        "replace",
        (Expected(CLAIMS, "-", "-", "not valid JSON"),),
        dropped=ALL,
    ),
    # The sourcing rules (briefmap.data.sourcing): each broken once.
    Case(
        "confirmed-one-outlet.claims.json",
        "merge",
        (
            Expected(
                CLAIMS,
                "ctx-2026-qamishli-airport-withdrawal",
                "status",
                "one identified outlet (Reuters)",
            ),
        ),
    ),
    Case(
        "former-without-end.claims.json",
        "merge",
        (
            Expected(
                CLAIMS,
                "ctx-2024-tell-al-hara-withdrawal",
                "posture",
                "no history entry says when it ended",
            ),
        ),
    ),
    Case(
        "origin-unnamed.claims.json",
        "merge",
        (Expected(CLAIMS, "c05-military-police-south", "origin", "needs a source that names it"),),
    ),
    Case(
        "legacy-source-field.claims.json",
        "merge",
        (Expected(CLAIMS, "c02-tartus-access", "source", 'the field is now "sources"'),),
    ),
    Case(
        "guessed-outlet.sources.json",
        "merge",
        (Expected(SOURCES, "news_report_2025_10_15", "outlet", "never guess an outlet"),),
        cascade_from=("news_report_2025_10_15",),
    ),
    # Claims as CSV.
    Case("valid.claims.csv", "replace"),
    Case(
        "bad-rows.claims.csv",
        "replace",
        (
            Expected(CLAIMS_CSV, "csv-bad-status", "status", "unknown value 'rumoured'"),
            Expected(CLAIMS_CSV, "csv-bad-actor", "actors", "unknown value 'martians'"),
            Expected(CLAIMS_CSV, "csv-bad-date", "reported", "'15/10/2025' is not a date"),
            Expected(
                CLAIMS_CSV,
                "csv-dangling-place",
                "places",
                "'atlantis' does not exist in places.geojson",
            ),
        ),
    ),
    # missing-columns.claims.csv has its own test: the field may be "-" or the columns.
]
SPECIAL = {"missing-columns.claims.csv"}


def test_every_corpus_file_has_a_case() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    assert on_disk == {c.file for c in CASES} | SPECIAL
    for path in CORPUS.iterdir():
        # Small files, except the one that is a 100 kB string on purpose.
        limit = 110_000 if path.name.startswith("100kb") else 16_000
        assert path.stat().st_size < limit, path.name
    for case in CASES:
        target_of(case.file)  # names a data file


@pytest.fixture
def load_case(tmp_path: Path):
    def load(case: Case) -> LoadResult:
        return load_catalog(materialise(case.file, case.mode, tmp_path / "geodata"))

    return load


@pytest.mark.parametrize("case", CASES, ids=str)
def test_corpus_case(load_case, case: Case) -> None:
    assert_outcome(load_case(case), case)


# ------------------------------------------------------------------ payloads on the map

PAYLOAD_FILES = (
    "script-payload-names.places.geojson",
    "script-payload-text.claims.json",
    "script-payload-outlet.sources.json",
)
CASE_BY_FILE = {c.file: c for c in CASES}


def corpus_values(case_file: str) -> dict[tuple[str, str], Any]:
    """Every text value of a corpus file, by (record id, field)."""
    target = target_of(case_file)
    payload = json.loads((CORPUS / case_file).read_text(encoding="utf-8"))
    out: dict[tuple[str, str], Any] = {}
    for item in payload[LIST_KEY[target]]:
        fields = item["properties"] if target == PLACES else item
        for name, value in fields.items():
            if name in ("id", "places", "actors"):
                continue
            if isinstance(value, str) or (
                isinstance(value, list) and all(isinstance(v, str) for v in value)
            ):
                out[(_rid(target, item), name)] = value
    return out


# Fields whose text the map shows (tooltips, labels, arrows, the footnote).
MAP_SHOWS = {
    "script-payload-names.places.geojson": [
        (pid, name) for pid in (TARTUS, GOLAN) for name in ("name_en", "name_ar", "name_ru")
    ],
    "script-payload-text.claims.json": [
        ("c02-tartus-access", "summary"),  # lead claim at Tartus: its tooltip
        ("c05-military-police-south", "summary"),  # proposed: the regions' tooltips
    ],
    "script-payload-outlet.sources.json": [("reuters_dawn_2025_10_15", "outlet")],
}

# (claim id, column of the claims table, (record, field) whose text the cell holds)
TABLE_SHOWS = {
    "script-payload-names.places.geojson": [
        ("c02-tartus-access", "Places", (TARTUS, "name_en")),
        ("c06-israeli-activity-golan", "Places", (GOLAN, "name_en")),
    ],
    "script-payload-text.claims.json": [
        (cid, column, (cid, column.lower()))
        for cid in ("c02-tartus-access", "c05-military-police-south")
        for column in ("Summary", "Claimant", "Attribution")
    ],
    "script-payload-outlet.sources.json": [
        ("c01-honour-agreements", "Source", ("reuters_dawn_2025_10_15", "outlet")),
        ("c01-honour-agreements", "Source", ("reuters_dawn_2025_10_15", "via")),
    ],
}


MODES = {"normal": False, "presentation": True}


def render(catalog: Catalog, presentation: bool = False) -> str:
    selection = select(catalog, ClaimFilter())
    return mapping.build_map(catalog, selection, presentation=presentation).get_root().render()


@pytest.fixture(scope="module")
def baseline_pages(real_catalog: Catalog) -> dict[str, str]:
    """The real data's map in each mode, to compare a payload map's structure with."""
    return {mode: render(real_catalog, flag) for mode, flag in MODES.items()}


TOOLTIP = re.compile(r"\.bindTooltip\(\s*`([^`]*)`\s*,")


def assert_nothing_runs(page: str, baseline: str) -> None:
    """No payload markup or script survives; the page has the real map's structure."""
    assert "<img" not in page
    assert "<script>window" not in page
    assert "</script><script>" not in page
    assert "${" not in page
    assert "`;alert(" not in page
    # The only "onerror=" left is inside escaped text (HTML, or HTML inside JSON).
    assert re.search(r"(?<!&lt;img src=x )(?<!\\u0026lt;img src=x )onerror=", page) is None
    # The same features as the real map: as many script tags, tooltips and backticks.
    assert page.count("<script") == baseline.count("<script")
    assert page.count("</script") == baseline.count("</script")
    assert page.count(".bindTooltip(") == baseline.count(".bindTooltip(")
    # Every backtick opens or closes a tooltip's template literal: none from data.
    assert len(TOOLTIP.findall(page)) == page.count(".bindTooltip(")
    assert page.count("`") == baseline.count("`")


@pytest.mark.parametrize("case_file", PAYLOAD_FILES)
def test_payload_map_shows_text_escaped_and_runs_nothing(
    load_case, baseline_pages: dict[str, str], case_file: str
) -> None:
    result = load_case(CASE_BY_FILE[case_file])
    assert result.ok, result.report()
    pages = {mode: render(result.catalog, flag) for mode, flag in MODES.items()}
    for mode, page in pages.items():
        assert_nothing_runs(page, baseline_pages[mode])
    values = corpus_values(case_file)
    for key in MAP_SHOWS[case_file]:
        escaped = map_text(values[key])
        assert "&lt;img src=x onerror=alert(" in escaped  # really a payload
        if key[1] == "outlet":
            # In the footnote, which names outlets in at least one of the modes.
            assert any(escaped in page for page in pages.values()), f"{key} not on the map"
        else:
            for mode, page in pages.items():
                assert escaped in "".join(TOOLTIP.findall(page)), f"{key} not in a {mode} tooltip"


@pytest.mark.parametrize("case_file", PAYLOAD_FILES)
def test_payload_tables_and_csv_keep_literal_text(load_case, case_file: str) -> None:
    result = load_case(CASE_BY_FILE[case_file])
    catalog = result.catalog
    frame = tables.claims_table(catalog, select(catalog, ClaimFilter()))
    rows = frame.set_index("Claim id")
    from_csv = {
        row["Claim id"]: row
        for row in csv.DictReader(io.StringIO(tables.to_csv(frame).decode("utf-8")))
    }
    values = corpus_values(case_file)
    for claim_id, column, key in TABLE_SHOWS[case_file]:
        text = values[key]
        for cell in (rows.loc[claim_id, column], from_csv[claim_id][column]):
            if column in ("Places", "Source"):  # lists: the text is one item, whole
                assert text in cell, (claim_id, column)
            else:
                assert cell == text, (claim_id, column)


@pytest.mark.parametrize("case_file", PAYLOAD_FILES)
def test_payload_kept_literally_and_escaped_for_markdown(load_case, case_file: str) -> None:
    result = load_case(CASE_BY_FILE[case_file])
    catalog = result.catalog
    part = getattr(catalog, CATALOG_PART[target_of(case_file)])
    values = corpus_values(case_file)
    assert values, f"{case_file} has no text to check"
    for (rid, name), value in values.items():
        kept = getattr(part[rid], name)
        assert kept == (tuple(value) if isinstance(value, list) else value), (rid, name)
        for text in value if isinstance(value, list) else [value]:
            shown = markdown_text(text)
            for special in "<>`$[]()*_":
                assert re.search(rf"(?<!\\){re.escape(special)}", shown) is None, (rid, name)


def test_sources_table_links_are_only_http(load_case) -> None:
    result = load_case(CASE_BY_FILE["javascript-link.sources.json"])
    sources = result.catalog.sources
    assert sources["syriatoday_2019_12_03"].url == "https://example.org/syriatoday?a=1&b=<2>"
    assert sources["sohr_2024_10_07"].url == "http://example.org/sohr"
    # Missing links are None or NaN in the frames; every present one is http(s):
    # the two the case sets, and the two the real data has (Dawn, EADaily).
    links = [u for u in tables.sources_table(result.catalog)["Link"] if isinstance(u, str)]
    assert len(links) == 4
    assert all(u.startswith(("http://", "https://")) for u in links)
    frame = tables.claims_table(result.catalog, select(result.catalog, ClaimFilter()))
    assert any(isinstance(link, str) for link in frame["Link"]), "no claim row has a link"
    for link in frame["Link"]:
        assert not isinstance(link, str) or link.startswith(("http://", "https://"))


def test_bidi_controls_never_reach_the_map_or_markdown(
    load_case, baseline_pages: dict[str, str]
) -> None:
    case_file = "bidi-override-names.places.geojson"
    result = load_case(CASE_BY_FILE[case_file])
    assert result.ok, result.report()
    pages = {mode: render(result.catalog, flag) for mode, flag in MODES.items()}
    for mode, one in pages.items():
        assert_nothing_runs(one, baseline_pages[mode])
    page = "".join(pages.values())
    for ch in BIDI_CONTROLS:
        assert ch not in page, f"U+{ord(ch):04X} on the map"
    names = {
        key: value for key, value in corpus_values(case_file).items() if key[1].startswith("name_")
    }
    assert names, f"{case_file} has no names to check"
    for (rid, name), value in names.items():
        assert any(ch in value for ch in BIDI_CONTROLS)  # the corpus really has them
        visible = value.translate(dict.fromkeys(map(ord, BIDI_CONTROLS)))
        assert map_text(visible) in page, (rid, name)
        shown = markdown_text(getattr(result.catalog.places[rid], name))
        assert not any(ch in shown for ch in BIDI_CONTROLS), (rid, name)


def test_100kb_string_is_a_short_clear_length_error(load_case) -> None:
    result = load_case(CASE_BY_FILE["100kb-name.places.geojson"])
    (issue,) = result.issues
    assert plain(issue.message).startswith("is 100000 characters long; at most 200"), issue
    assert len(str(issue)) < 300
    assert "jableh" not in result.catalog.places


# ------------------------------------------------------------------ coordinates


def _real_geometries(real_catalog: Catalog) -> dict[str, Any]:
    return {pid: place.geometry for pid, place in real_catalog.places.items()}


@pytest.mark.parametrize("case_file", ["epsg3857.places.geojson", "utm37n.places.geojson"])
def test_declared_crs_is_reprojected_onto_the_real_places(
    load_case, real_catalog: Catalog, case_file: str
) -> None:
    result = load_case(CASE_BY_FILE[case_file])
    assert result.ok, result.report()
    real = _real_geometries(real_catalog)
    assert set(result.catalog.places) == set(real)
    for pid, place in result.catalog.places.items():
        assert place.geometry.geom_type == real[pid].geom_type
        # Millimetre-rounded metres come back within 1e-6 degrees (about 0.1 m).
        assert place.geometry.equals_exact(real[pid], tolerance=1e-6), pid


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:EPSG::3857", "EPSG:3857"])
def test_crs_name_spellings(tmp_path: Path, real_catalog: Catalog, name: str) -> None:
    root = materialise("epsg3857.places.geojson", "replace", tmp_path / "geodata")
    payload = json.loads((root / PLACES).read_text(encoding="utf-8"))
    payload["crs"] = {"type": "name", "properties": {"name": name}}
    (root / PLACES).write_text(json.dumps(payload), encoding="utf-8")
    result = load_catalog(root)
    assert result.ok, result.report()
    assert sizes_of(result.catalog) == sizes_of(real_catalog)


def test_projected_file_without_its_crs_is_an_error_per_place(tmp_path: Path) -> None:
    root = materialise("epsg3857.places.geojson", "replace", tmp_path / "geodata")
    payload = json.loads((root / PLACES).read_text(encoding="utf-8"))
    del payload["crs"]
    (root / PLACES).write_text(json.dumps(payload), encoding="utf-8")
    result = load_catalog(root)
    case = Case("epsg3857.places.geojson", "replace", cascade_from=ALL, dropped=ALL)
    own = [Expected(PLACES, pid, "geometry", "outside WGS84") for pid in _real_ids(PLACES)]
    assert_issues(result, [*own, *cascade(case)])
    assert result.catalog.places == {} and result.catalog.claims == {}


def test_long_crs_name_gives_a_short_message(data_copy: Path) -> None:
    payload = json.loads((data_copy / PLACES).read_text(encoding="utf-8"))
    payload["crs"] = {"type": "name", "properties": {"name": "EPSG:" + "9" * 100_000}}
    (data_copy / PLACES).write_text(json.dumps(payload), encoding="utf-8")
    result = load_catalog(data_copy)
    own = [i for i in result.issues if i.file == PLACES]
    assert [where(i) for i in own] == [(PLACES, "-", "crs")]
    assert len(own[0].message) < 1000
    assert result.catalog.places == {}


# ------------------------------------------------------------------ 100 kB in any field

BIG = "x" * 100_000
# (file, record, where the value goes, field named in the issue, value)
BIG_VALUES = [
    (PLACES, "jableh", "kind", "kind", BIG),
    (PLACES, "jableh", "precision", "precision", BIG),
    (PLACES, "jableh", "off_map", "off_map", BIG),
    (PLACES, "jableh", "geometry", "geometry", {"type": "Point", "coordinates": [BIG, 35.0]}),
    (PLACES, "jableh", "geometry", "geometry", {"type": BIG, "coordinates": [36.0, 35.0]}),
    (CLAIMS, "c02-tartus-access", "status", "status", BIG),
    (CLAIMS, "c02-tartus-access", "posture", "posture", BIG),
    (CLAIMS, "c02-tartus-access", "role", "role", BIG),
    (CLAIMS, "c02-tartus-access", "actors", "actors", ["russia", BIG]),
    (CLAIMS, "c02-tartus-access", "reported", "reported", BIG),
    (
        CLAIMS,
        "ctx-2024-israel-buffer-zone",
        "history",
        "history[1].status",
        [{"date": "2024-12-09", "status": BIG, "posture": "current"}],
    ),
    (SOURCES, "syriatoday_2019_12_03", "url", "url", "https://example.org/" + BIG),
    (SOURCES, "syriatoday_2019_12_03", "date", "date", BIG),
]


@pytest.mark.parametrize(
    ("file", "rid", "name", "field", "value"),
    BIG_VALUES,
    ids=[
        f"{f}-{n}-{'list' if isinstance(v, list) else type(v).__name__}"
        for f, _, n, _, v in BIG_VALUES
    ],
)
def test_100kb_value_in_any_field_gives_a_short_message(
    data_copy: Path, file: str, rid: str, name: str, field: str, value: Any
) -> None:
    """An issue names what is wrong; it never repeats a 100 kB value back."""
    payloads = {f: json.loads((data_copy / f).read_text(encoding="utf-8")) for f in JSON_FILES}
    item = next(i for i in payloads[file][LIST_KEY[file]] if _rid(file, i) == rid)
    holder = item["properties"] if file == PLACES and name != "geometry" else item
    holder[name] = value
    (data_copy / file).write_text(json.dumps(payloads[file]), encoding="utf-8")
    result = load_catalog(data_copy)
    own = [i for i in result.issues if i.file == file]
    assert [where(i) for i in own] == [(file, rid, field)], [str(i)[:200] for i in own]
    assert len(str(own[0])) < 1000, f"{len(str(own[0]))} characters: {str(own[0])[:200]}"


def test_100kb_unknown_field_name_gives_a_short_issue(data_copy: Path) -> None:
    payload = json.loads((data_copy / CLAIMS).read_text(encoding="utf-8"))
    payload["claims"][0][BIG] = "x"
    (data_copy / CLAIMS).write_text(json.dumps(payload), encoding="utf-8")
    result = load_catalog(data_copy)
    (issue,) = result.issues
    assert (issue.file, issue.record) == (CLAIMS, payload["claims"][0]["id"])
    assert len(str(issue)) < 1000, f"{len(str(issue))} characters"


# ------------------------------------------------------------------ claims as CSV


def test_valid_csv_is_the_real_claims(real_load: LoadResult) -> None:
    """Guards the corpus: valid.claims.csv is claims.json, row for row."""
    text = (CORPUS / "valid.claims.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["id"] for r in rows] == _real_ids(CLAIMS)
    for row, claim in zip(rows, REAL[CLAIMS]["claims"], strict=True):
        for name in CLAIM_LIST_COLUMNS:
            assert row[name].split(";") == claim[name]
        for name in CLAIM_REQUIRED_FIELDS:
            if name not in ("id", *CLAIM_LIST_COLUMNS):
                assert row[name] == claim[name]
        for name in ("role", "origin", "origin_source", "origin_note"):
            assert row[name] == (claim.get(name) or "")
        # A former claim's end, the one part of its history a CSV row holds.
        ends = [h["date"] for h in claim.get("history", []) if h.get("posture") == "former"]
        assert row["ended"] == (ends[-1] if claim["posture"] == "former" else "")


def _without_history(catalog: Catalog) -> dict[str, Any]:
    return {cid: replace(c, history=()) for cid, c in catalog.claims.items()}


@pytest.mark.parametrize("flavour", ["as-is", "excel"])
def test_valid_claims_csv_loads_the_same_claims_as_json(
    tmp_path: Path, real_catalog: Catalog, flavour: str
) -> None:
    root = materialise("valid.claims.csv", "replace", tmp_path / "geodata")
    if flavour == "excel":
        # Excel's "CSV UTF-8": a byte-order mark and CRLF line ends.
        text = (root / CLAIMS_CSV).read_text(encoding="utf-8")
        (root / CLAIMS_CSV).write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = load_catalog(root)
    assert result.ok, result.report()
    # A CSV has no history column; everything else is the same.
    assert _without_history(result.catalog) == _without_history(real_catalog)
    assert result.catalog.places == real_catalog.places
    assert result.catalog.sources == real_catalog.sources


def test_claims_csv_missing_columns(tmp_path: Path, real_catalog: Catalog) -> None:
    root = materialise("missing-columns.claims.csv", "replace", tmp_path / "geodata")
    result = load_catalog(root)
    report = result.report()
    (issue,) = result.issues
    assert (issue.file, issue.record) == (CLAIMS_CSV, "-"), report
    missing = ("posture", "reported", "attribution")
    assert issue.field == "-" or all(m in issue.field for m in missing), report
    for column in missing:
        assert column in issue.message, report
    assert result.catalog.claims == {}
    assert result.catalog.places == real_catalog.places
    assert result.catalog.sources == real_catalog.sources


# ------------------------------------------------------------------ text length limits

LIMITS = [
    (PLACES, "jableh", "id", 100),
    (PLACES, "jableh", "name_en", 200),
    (PLACES, "jableh", "name_ar", 200),
    (PLACES, "jableh", "name_ru", 200),
    (PLACES, "jableh", "alt_names", 200),
    (PLACES, "jableh", "note", 1000),
    (CLAIMS, "c02-tartus-access", "id", 100),
    (CLAIMS, "c02-tartus-access", "claimant", 300),
    (CLAIMS, "c02-tartus-access", "summary", 1000),
    (CLAIMS, "c02-tartus-access", "attribution", 500),
    (SOURCES, "syriatoday_2019_12_03", "id", 100),
    (SOURCES, "syriatoday_2019_12_03", "outlet", 300),
    (SOURCES, "syriatoday_2019_12_03", "title", 500),
    (SOURCES, "syriatoday_2019_12_03", "via", 300),
    (CLAIMS, "c05-military-police-south", "claimant", 300),
]


def _set_length(root: Path, file: str, rid: str, name: str, length: int) -> str:
    """Make one field ``length`` characters long; return the record's new id."""
    payloads = {f: json.loads((root / f).read_text(encoding="utf-8")) for f in JSON_FILES}
    item = next(i for i in payloads[file][LIST_KEY[file]] if _rid(file, i) == rid)
    fields = item["properties"] if file == PLACES else item
    text = ("x" * length) if name != "id" else ("id-" + "x" * (length - 3))
    fields[name] = [text] if name == "alt_names" else text
    new_id = text if name == "id" else rid
    if file == SOURCES and name == "id":  # keep its claims pointing at it
        for claim in payloads[CLAIMS]["claims"]:
            claim["sources"] = [new_id if sid == rid else sid for sid in claim["sources"]]
    for f, payload in payloads.items():
        (root / f).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return new_id


@pytest.mark.parametrize(("file", "rid", "name", "limit"), LIMITS)
def test_text_at_its_length_limit_loads(
    data_copy: Path, real_load: LoadResult, file: str, rid: str, name: str, limit: int
) -> None:
    _set_length(data_copy, file, rid, name, limit)
    result = load_catalog(data_copy)
    assert result.ok, result.report()
    assert sizes_of(result.catalog) == sizes_of(real_load.catalog)


@pytest.mark.parametrize(("file", "rid", "name", "limit"), LIMITS)
def test_text_over_its_length_limit_is_left_out(
    data_copy: Path, real_load: LoadResult, file: str, rid: str, name: str, limit: int
) -> None:
    new_id = _set_length(data_copy, file, rid, name, limit + 1)
    result = load_catalog(data_copy)
    own = [i for i in result.issues if i.file == file]
    report = result.report()
    assert len(own) == 1, report
    (issue,) = own
    assert issue.field == name, report
    index = _real_ids(file).index(rid) + 1
    # An over-long id names its record by a shortened form of itself.
    shortened = issue.record.endswith("…") and new_id.startswith(issue.record[:-1])
    assert issue.record in (new_id, f"#{index}") or shortened, report
    assert len(issue.record) <= 100
    assert f"is {limit + 1} characters long; at most {limit}" in plain(issue.message), report
    assert len(issue.message) < 300
    part = getattr(result.catalog, CATALOG_PART[file])
    assert (
        new_id not in part and len(part) == len(getattr(real_load.catalog, CATALOG_PART[file])) - 1
    )
    # Only the claims that cite a left-out source or place follow it out.
    others = [i for i in result.issues if i.file != file]
    if file == SOURCES:
        assert {(i.file, i.field) for i in others} == {(CLAIMS, "sources")}
    else:
        assert others == [], report


# ------------------------------------------------------------------ uploads


@pytest.fixture
def uploads():
    return importlib.import_module("briefmap.data.uploads")


UPLOAD_CASES = [*CASES, Case("missing-columns.claims.csv", "replace")]


@pytest.mark.parametrize("case", UPLOAD_CASES, ids=str)
def test_upload_gives_what_the_directory_gives(uploads, tmp_path: Path, case: Case) -> None:
    root = materialise(case.file, case.mode, tmp_path / "geodata")
    from_dir = load_catalog(root)
    from_upload = uploads.load_upload(data_files(root), None)
    assert isinstance(from_upload, LoadResult)
    # Same validator, same messages.
    assert sorted(from_upload.issues, key=str) == sorted(from_dir.issues, key=str)
    assert from_upload.catalog == from_dir.catalog


def _padded(name: str) -> bytes:
    """The real file, still valid JSON, padded with spaces past the size limit."""
    raw = (GEODATA / name).read_bytes()
    return raw + b" " * (UPLOAD_MAX_BYTES + 1 - len(raw) + 1024)


@pytest.mark.parametrize("name", JSON_FILES)
def test_upload_over_the_size_limit(uploads, real_catalog: Catalog, name: str) -> None:
    files = {n: (GEODATA / n).read_bytes() for n in JSON_FILES}
    files[name] = _padded(name)
    assert len(files[name]) > UPLOAD_MAX_BYTES
    result = uploads.load_upload(files, None)
    own = [i for i in result.issues if i.file == name]
    assert len(own) == 1, result.report()
    assert re.search(r"20\s*MB", own[0].message), own[0]
    assert getattr(result.catalog, CATALOG_PART[name]) == {}
    for other in JSON_FILES:
        if other not in (name, CLAIMS):
            part = CATALOG_PART[other]
            assert getattr(result.catalog, part) == getattr(real_catalog, part)
    assert {i.file for i in result.issues} <= {name, CLAIMS}


def test_upload_over_the_feature_limit(uploads, real_catalog: Catalog) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"id": f"p{n}", "name_en": f"P{n}", "kind": "town", "precision": "town"},
            "geometry": {"type": "Point", "coordinates": [36.0 + n * 1e-6, 33.0]},
        }
        for n in range(UPLOAD_MAX_FEATURES + 1)
    ]
    places = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    assert len(places) < UPLOAD_MAX_BYTES  # it is the count that is too much, not the size
    files = {PLACES: places, SOURCES: (GEODATA / SOURCES).read_bytes()}
    result = uploads.load_upload(files, None)
    own = [i for i in result.issues if i.file == PLACES]
    assert len(own) == 1, own[:3]
    assert re.search(r"50[,. ]?000", own[0].message), own[0]
    assert result.catalog.places == {}
    assert result.catalog.sources == real_catalog.sources


def test_upload_with_a_base_catalog_never_raises(uploads, real_catalog: Catalog) -> None:
    for case_file in PAYLOAD_FILES:
        files = {target_of(case_file): (CORPUS / case_file).read_bytes()}
        result = uploads.load_upload(files, real_catalog)
        assert isinstance(result, LoadResult)
        assert all(i.file and i.record and i.field and i.message for i in result.issues)


@pytest.mark.parametrize(
    "filename",
    [
        "<img src=x onerror=alert(1)>.geojson",
        '"><svg onload=alert(1)>.csv',
        "</script><script>alert(1)</script>.json",
        "\u202egnp.json",
    ],
)
def test_upload_layer_name_from_file_names_is_escaped(real_catalog: Catalog, filename: str) -> None:
    """The upload layer is labelled with the uploaded file names, which are untrusted.

    Leaflet's layer control puts a layer's name into the page with innerHTML, so
    the name must arrive as escaped text.
    """
    import folium

    fmap = mapping.build_base_map(real_catalog)
    selection = select(real_catalog, ClaimFilter())
    mapping.build_upload_layer(real_catalog, selection, filename).add_to(fmap)
    folium.LayerControl().add_to(fmap)
    page = fmap.get_root().render()
    names = [
        json.loads(m.group(1))
        for m in re.finditer(r'("(?:[^"\\]|\\.)*")\s*:\s*feature_group_', page)
    ]
    (label,) = [n for n in names if n.startswith(mapping.UPLOAD_LAYER)]
    # A JSON string, not a template literal: markup and bidi controls are what matter.
    for bad in ("<", ">", *BIDI_CONTROLS):
        assert bad not in label, f"{bad!r} reaches the layer control's innerHTML: {label!r}"
