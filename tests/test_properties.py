"""Property-based tests: any input gives a valid result or a clean error, never a crash.

(a) the loader, on arbitrary bytes, arbitrary JSON and mutated real records;
(b) the link parser, on arbitrary query parameters, and its round trip;
(c) the escaping for the map and for Markdown.

Hypothesis does not mix with function-scoped fixtures, so file-based properties
write into a fresh temporary directory per example.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import importlib
import json
import math
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shipped import SHIPPED_META

from briefmap.data import sourcing
from briefmap.data.loader import LoadResult, load_catalog
from briefmap.data.schema import ClaimStatus, PlaceKind, Posture
from briefmap.engine import state as links
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.state import KNOWN, BriefingState, MapView
from briefmap.safe import WORD_JOINER, map_text, markdown_text, markup_free_text

GEODATA = Path(__file__).resolve().parent.parent / "geodata"
PLACES, CLAIMS, SOURCES, CLAIMS_CSV = "places.geojson", "claims.json", "sources.json", "claims.csv"
JSON_FILES = (PLACES, CLAIMS, SOURCES)
LIST_KEY = {PLACES: "features", CLAIMS: "claims", SOURCES: "sources"}
REAL_BYTES = {name: (GEODATA / name).read_bytes() for name in JSON_FILES}
REAL = {name: json.loads(raw) for name, raw in REAL_BYTES.items()}

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(SETTINGS, max_examples=40)


# Links are read against a data set's actors: here the shipped data's.
def parse(params: dict[str, Any]) -> tuple[BriefingState, list[str]]:
    return links.parse(params, SHIPPED_META.actor_ids)


def to_params(state: BriefingState) -> dict[str, str]:
    return links.to_params(state, actor_ids=SHIPPED_META.actor_ids)


# ------------------------------------------------------------------ strategies

# Names the loader looks for, so random objects reach the deeper checks.
FIELD_NAMES = sorted(
    {
        "id", "name_en", "name_ar", "name_ru", "alt_names", "kind", "precision", "off_map",
        "note", "places", "actors", "claimant", "status", "posture", "reported", "summary",
        "attribution", "sources", "role", "origin", "origin_source", "origin_note", "ended",
        "history", "date", "outlet", "outlet_known", "via", "title", "official_of", "url",
        "type", "properties", "geometry", "coordinates", "features", "claims",
        "as_of", "crs", "name",
    }
)  # fmt: skip
VOCAB = [
    "russia", "syria", "stated", "confirmed", "current", "proposed", "report", "context",
    "town", "site", "region", "air_base", "Point", "Polygon", "FeatureCollection",
    "Feature", "2025-10-15", "2025-02-30", "jableh", "tartus_naval_facility",
    "reuters_dawn_2025_10_15", "https://example.org", "javascript:alert(1)", "unknown",
    "former", "news_report_2025_10_15", "outlet not identified", "kremlin_readout_2025_10_15",
]  # fmt: skip
CRS_NAMES = [
    "EPSG:4326", "urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:3857", "urn:ogc:def:crs:EPSG::3857",
    "EPSG:32637", "EPSG:4978", "EPSG:5703", "IAU_2015:30100", "+proj=geocent", "EPSG:999999",
    "", "4326", "CRS84",
]  # fmt: skip

text = st.text(max_size=30)
keys = st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=8))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),  # NaN and infinities too: json.dumps writes them as literals
    text,
    st.sampled_from(VOCAB),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=6),
        st.dictionaries(keys, children, max_size=6),
    ),
    max_leaves=25,
)
numbers = st.one_of(
    st.floats(),
    st.floats(min_value=35.0, max_value=43.0),
    st.floats(min_value=32.0, max_value=38.0),
    st.integers(min_value=-(10**9), max_value=10**9),
)
positions = st.lists(numbers, min_size=0, max_size=4)
geometries = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["Point", "Polygon", "LineString", "MultiPolygon", "x"]),
            "coordinates": st.one_of(
                positions,
                st.lists(st.lists(positions, max_size=6), max_size=3),
                json_values,
            ),
        }
    ),
)
crs_values = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["name", "EPSG", "link"]),
            "properties": st.one_of(
                json_values,
                st.fixed_dictionaries({"name": st.one_of(st.sampled_from(CRS_NAMES), text)}),
            ),
        }
    ),
)


def _record_holder(file: str, item: dict[str, Any], feature_level: bool) -> dict[str, Any]:
    if file == PLACES and not feature_level and isinstance(item.get("properties"), dict):
        return item["properties"]
    return item


@st.composite
def mutated_payloads(draw: st.DrawFn) -> tuple[str, Any]:
    """One real data file with a few records broken: fields dropped, replaced or added."""
    file = draw(st.sampled_from(JSON_FILES))
    payload = copy.deepcopy(REAL[file])
    items = payload[LIST_KEY[file]]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        index = draw(st.integers(min_value=0, max_value=len(items) - 1))
        item = items[index]
        if not isinstance(item, dict):
            continue
        action = draw(st.sampled_from(["drop", "replace", "add", "geometry", "item"]))
        holder = _record_holder(file, item, draw(st.booleans()))
        names = sorted(holder)
        if action == "drop" and names:
            del holder[draw(st.sampled_from(names))]
        elif action == "replace" and names:
            holder[draw(st.sampled_from(names))] = draw(json_values)
        elif action == "geometry" and file == PLACES:
            item["geometry"] = draw(geometries)
        elif action == "item":
            items[index] = draw(json_values)
        else:
            holder[draw(keys)] = draw(json_values)
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        member = draw(st.sampled_from(["crs", "as_of", "type", LIST_KEY[file], "extra"]))
        payload[member] = draw(crs_values if member == "crs" else json_values)
    return file, payload


# ------------------------------------------------------------------ (a) the loader


@contextmanager
def data_dir(files: dict[str, bytes]) -> Iterator[Path]:
    """A fresh data directory: the real files, with ``files`` written over them."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "geodata"
        shutil.copytree(GEODATA, root)
        for name, raw in files.items():
            if name == CLAIMS_CSV:
                (root / CLAIMS).unlink(missing_ok=True)
            (root / name).write_bytes(raw)
        yield root


def assert_valid_result(result: Any) -> None:
    """A LoadResult whose issues are each located and explained, and whose catalog is sound."""
    assert isinstance(result, LoadResult)
    for issue in result.issues:
        for part in (issue.file, issue.record, issue.field, issue.message):
            assert isinstance(part, str) and part, issue
        str(issue)  # printable
    catalog = result.catalog
    for place in catalog.places.values():
        geometry = place.geometry
        assert geometry.geom_type in ("Point", "Polygon"), place.id
        assert not geometry.is_empty and geometry.is_valid, place.id
        min_x, min_y, max_x, max_y = geometry.bounds
        assert all(math.isfinite(v) for v in geometry.bounds), place.id
        assert -180 <= min_x <= max_x <= 180 and -90 <= min_y <= max_y <= 90, place.id
    for claim in catalog.claims.values():
        # Nothing dangles: what a claim cites is in the catalog.
        assert claim.places and claim.actors, claim.id
        assert all(p in catalog.places for p in claim.places), claim.id
        assert claim.origin is None or claim.origin in catalog.places, claim.id
        assert claim.sources and all(s in catalog.sources for s in claim.sources), claim.id
        # The sourcing rules hold for every claim admitted, whatever the input.
        if sourcing.needs_confirmation_check(claim):
            assert sourcing.support(claim, catalog.sources).confirms, claim.id
        if claim.posture is Posture.FORMER:
            assert sourcing.ended_on_record(claim), claim.id
        if claim.origin is not None:
            assert claim.origin_source in claim.sources and claim.origin_note, claim.id
    for source in catalog.sources.values():
        assert source.url is None or source.url.lower().startswith(("http://", "https://"))
    assert all(n >= 0 for n in result.left_out().values()), result.left_out()
    result.report()
    if not result.issues:
        assert all(n == 0 for n in result.left_out().values())


@SETTINGS
@given(file=st.sampled_from([*JSON_FILES, CLAIMS_CSV]), raw=st.binary(max_size=300))
def test_loader_survives_arbitrary_bytes(file: str, raw: bytes) -> None:
    with data_dir({file: raw}) as root:
        result = load_catalog(root)
    assert_valid_result(result)
    assert result.issues  # arbitrary bytes are never a valid data file


@SETTINGS
@given(
    file=st.sampled_from([*JSON_FILES, CLAIMS_CSV]),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe"]),
    body=st.text(max_size=200),
)
def test_loader_survives_arbitrary_text(file: str, prefix: bytes, body: str) -> None:
    with data_dir({file: prefix + body.encode("utf-8", "surrogatepass")}) as root:
        assert_valid_result(load_catalog(root))


@SETTINGS
@given(file=st.sampled_from(JSON_FILES), value=json_values)
def test_loader_survives_arbitrary_json(file: str, value: Any) -> None:
    with data_dir({file: json.dumps(value).encode()}) as root:
        assert_valid_result(load_catalog(root))


@SETTINGS
@given(file=st.sampled_from(JSON_FILES), records=st.lists(json_values, max_size=5))
def test_loader_survives_arbitrary_records(file: str, records: list[Any]) -> None:
    payload = {**REAL[file], LIST_KEY[file]: records}
    with data_dir({file: json.dumps(payload).encode()}) as root:
        assert_valid_result(load_catalog(root))


@SETTINGS
@given(mutation=mutated_payloads())
def test_loader_survives_mutated_real_records(mutation: tuple[str, Any]) -> None:
    file, payload = mutation
    with data_dir({file: json.dumps(payload).encode()}) as root:
        result = load_catalog(root)
    assert_valid_result(result)


CSV_COLUMNS = [
    "id", "places", "actors", "claimant", "status", "posture", "reported", "summary",
    "attribution", "sources", "role", "origin", "origin_source", "origin_note", "ended",
    "history", "",
]  # fmt: skip


@SETTINGS
@given(
    header=st.lists(st.sampled_from(CSV_COLUMNS), max_size=14),
    rows=st.lists(st.lists(st.one_of(text, st.sampled_from(VOCAB)), max_size=14), max_size=5),
)
def test_loader_survives_arbitrary_claims_csv(header: list[str], rows: list[list[str]]) -> None:
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    with data_dir({CLAIMS_CSV: buffer.getvalue().encode("utf-8", "surrogatepass")}) as root:
        assert_valid_result(load_catalog(root))


@FEW
@given(mutation=mutated_payloads())
def test_whatever_loads_can_be_drawn(mutation: tuple[str, Any]) -> None:
    """What the loader accepts, the map, the tables and the CSV export can take."""
    from briefmap.drawing import mapping
    from briefmap.engine import tables
    from briefmap.engine.query import select

    file, payload = mutation
    with data_dir({file: json.dumps(payload).encode()}) as root:
        result = load_catalog(root)
    catalog = result.catalog
    selection = select(catalog, ClaimFilter())
    page = mapping.build_map(catalog, selection).get_root().render()
    assert "${" not in page
    tables.to_csv(tables.claims_table(catalog, selection))
    tables.to_csv(tables.sources_table(catalog))


@pytest.fixture(scope="module")
def uploads():
    return importlib.import_module("briefmap.data.uploads")


@SETTINGS
@given(
    files=st.dictionaries(
        st.sampled_from([PLACES, CLAIMS, SOURCES, CLAIMS_CSV, "notes.txt"]),
        st.one_of(
            st.binary(max_size=200),
            json_values.map(lambda v: json.dumps(v).encode()),
            st.sampled_from(list(REAL_BYTES.values())),
        ),
        max_size=4,
    ),
    with_base=st.booleans(),
)
def test_upload_survives_arbitrary_files(uploads, real_catalog, files, with_base) -> None:
    result = uploads.load_upload(files, real_catalog if with_base else None)
    assert_valid_result(result)


@SETTINGS
@given(mutation=mutated_payloads())
def test_upload_survives_mutated_real_records(uploads, real_catalog, mutation) -> None:
    file, payload = mutation
    files = dict(REAL_BYTES)
    files[file] = json.dumps(payload).encode()
    assert_valid_result(uploads.load_upload(files, None))
    assert_valid_result(uploads.load_upload({file: files[file]}, real_catalog))


# ------------------------------------------------------------------ (b) link parameters

PARAM_SAMPLES = [
    "", "1", "0", "true", "2025-10-15", "2025-13-45", "0999-01-01", "nan", "inf", "-inf",
    "1e308", "35.5", "-200", "russia,syria", "russia,,martians", "include", "proposed",
    "a" * 500, "tartus_naval_facility", "moscow-meeting", "3", "2.5", "\u202e",
]  # fmt: skip
param_values = st.one_of(
    text,
    st.sampled_from(PARAM_SAMPLES),
    st.floats().map(repr),
    st.integers().map(str),
)
params = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN), text),
    st.one_of(
        param_values,
        st.lists(param_values, max_size=3),
        st.none(),
        st.integers(),
        st.lists(st.integers(), max_size=2),
    ),
    max_size=10,
)


@SETTINGS
@given(params)
def test_parse_never_raises(raw: dict[str, Any]) -> None:
    state, notices = parse(raw)
    assert isinstance(state, BriefingState)
    assert isinstance(notices, list) and all(isinstance(n, str) and n for n in notices)
    # Whatever came in, what came out is a state a link can carry: written once,
    # the link reads back without a notice and writes back the same.
    written = to_params(state)
    again, more = parse(written)
    assert more == []
    assert to_params(again) == written


def _subset(vocab: type) -> st.SearchStrategy[frozenset | None]:
    return st.one_of(st.none(), st.frozensets(st.sampled_from(list(vocab))))


days = st.dates(min_value=dt.date(1900, 1, 1)).map(lambda d: d.isoformat())
slugs = st.from_regex(r"[A-Za-z0-9_-]{1,80}", fullmatch=True)
claim_filters = st.builds(
    ClaimFilter,
    actors=_subset(SHIPPED_META.actor_ids),
    statuses=_subset(ClaimStatus),
    deployments=st.sampled_from(list(Deployments)),
    kinds=_subset(PlaceKind),
    search=st.text(max_size=200),
    reported_from=st.one_of(st.none(), days),
    reported_to=st.one_of(st.none(), days),
)
views = st.builds(
    lambda lat, lng, zoom: MapView(center=(lat / 10_000, lng / 10_000), zoom=zoom),
    st.integers(min_value=-850_000, max_value=850_000),
    st.integers(min_value=-1_800_000, max_value=1_800_000),
    st.integers(min_value=2, max_value=18),
)


@st.composite
def states(draw: st.DrawFn) -> BriefingState:
    briefing = draw(st.one_of(st.none(), slugs))
    return BriefingState(
        claim_filter=draw(claim_filters),
        as_of=draw(st.one_of(st.none(), days)),
        since=draw(st.one_of(st.none(), days)),
        view=draw(st.one_of(st.none(), views)),
        place=draw(st.one_of(st.none(), slugs)),
        present=draw(st.booleans()),
        briefing=briefing,
        scene=draw(st.integers(min_value=1, max_value=999)) if briefing else None,
    )


@SETTINGS
@given(states())
def test_link_round_trip(state: BriefingState) -> None:
    written = to_params(state)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in written.items())
    again, notices = parse(written)
    assert again == state
    assert notices == []


# ------------------------------------------------------------------ (c) escaping

# Text rich in the characters that matter, mixed with anything else.
dangerous_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(list("<>&\"'`$\\{}/;:=()[]*_#+-.!|~\n\r\t") + list(BIDI_CONTROLS)),
    ),
    max_size=80,
)
DANGEROUS_TEXT = st.one_of(
    dangerous_text,
    st.sampled_from(
        [
            "<img src=x onerror=alert(1)>",
            "${alert(1)}",
            "`;alert(1);`",
            "</script><script>alert(1)</script>",
            "&lt;script&gt;",
            "&#36;{x}",
            "\\`${x}",
            "$$x$$",
            "[x](javascript:alert(1))",
        ]
    ),
)


@SETTINGS
@given(DANGEROUS_TEXT)
def test_map_text_is_inert_and_lossless(value: str) -> None:
    out = map_text(value)
    for bad in ("<", ">", "`", "${", "\\", '"', "'"):
        assert bad not in out, bad
    assert not any(ch in out for ch in BIDI_CONTROLS)
    # Shown literally: the browser decodes the references back to the text.
    assert html.unescape(out) == value.translate(NO_BIDI)


@SETTINGS
@given(DANGEROUS_TEXT)
def test_markup_free_text_is_inert_and_lossless(value: str) -> None:
    out = markup_free_text(value)
    assert "<" not in out and ">" not in out
    assert not any(ch in out for ch in BIDI_CONTROLS)
    # Every "&" starts a reference this function wrote: the text's own entities are text.
    assert re.sub(r"&(amp|lt|gt);", "", out).count("&") == 0
    assert html.unescape(out) == value.translate(NO_BIDI)


@SETTINGS
@given(st.one_of(st.none(), st.integers(), st.floats(), DANGEROUS_TEXT))
def test_map_text_takes_any_value(value: Any) -> None:
    out = map_text(value)
    assert isinstance(out, str)
    assert "<" not in out and "`" not in out and "${" not in out


# What Markdown (and Streamlit's extensions: LaTeX $, :colour[...] and :icons:)
# gives a meaning to.
MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:&")


def _markdown_unescape(out: str, *, keep_joiners: bool = False) -> str:
    """Undo the backslash escapes; fail on any special character left bare."""
    plain: list[str] = []
    index = 0
    while index < len(out):
        ch = out[index]
        if ch == WORD_JOINER and not keep_joiners:  # breaks autolinks and icons; unseen
            index += 1
            continue
        if ch == "\\":
            assert index + 1 < len(out) and out[index + 1] in MARKDOWN_SPECIALS, out
            plain.append(out[index + 1])
            index += 2
            continue
        assert ch not in MARKDOWN_SPECIALS, f"bare {ch!r} in {out!r}"
        plain.append(ch)
        index += 1
    return "".join(plain)


@SETTINGS
@given(DANGEROUS_TEXT)
def test_markdown_text_escapes_every_special(value: str) -> None:
    out = markdown_text(value)
    assert not any(ch in out for ch in BIDI_CONTROLS)
    # One line: a line break would let text start a heading, list or table row.
    assert "\n" not in out and "\r" not in out, repr(out)
    plain = _markdown_unescape(out)
    assert " ".join(plain.split()) == " ".join(value.translate(NO_BIDI).split())


# Streamlit's Markdown makes links of bare addresses (GFM's autolink literals:
# http(s)://, www., e-mail addresses, and in newer versions mailto: and xmpp:)
# and renders :icon:, :material/...: and :colour[...] syntax. Looked for in the
# text Markdown sees once the backslash escapes are resolved.
AUTOLINK_OR_ICON = re.compile(
    r"(?i)(?:https?|mailto|xmpp)://?"
    r"|www\."
    r"|[\w.+-]@[A-Za-z0-9_-]"
    r"|:[\w/-]+:"
    r"|:(?:red|orange|yellow|green|blue|violet|gray|grey|rainbow|primary)(?:-background)?\["
)
ADDRESSES = st.lists(
    st.sampled_from(
        ["https://", "http://", "HTTPS://", "www.", "WWW.", "@", "user", "evil", ".example",
         "/login", ":material/home:", ":streamlit:", ":red[", "]", "mailto:", " ", "x"]
    ),
    max_size=12,
).map("".join)  # fmt: skip


@SETTINGS
@given(st.one_of(ADDRESSES, DANGEROUS_TEXT, st.text(alphabet=":/@.wW ex-_mail", max_size=40)))
def test_markdown_text_leaves_no_autolink_or_icon(value: str) -> None:
    seen = _markdown_unescape(markdown_text(value), keep_joiners=True)
    assert not AUTOLINK_OR_ICON.search(seen), (value, seen)
    # ...and the reader sees the text itself: the joiners are invisible.
    assert seen.replace(WORD_JOINER, "") == " ".join(value.translate(NO_BIDI).splitlines())
