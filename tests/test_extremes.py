"""Nested and numeric extremes, lone surrogates: a located error, never a traceback.

Each hostile file is made here, put in a copy of the real data folder and, the
same bytes, uploaded: the folder, the upload and ``python -m briefmap validate``
must all report it by file, record and field and keep the valid rest.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import run_validate

from briefmap.data.loader import load_catalog
from briefmap.data.readers import parse_json
from briefmap.data.schema import Catalog
from briefmap.data.uploads import load_upload
from briefmap.data.validate import MAX_DEPTH, Collector

REPO = Path(__file__).resolve().parent.parent
GEODATA = REPO / "geodata"
PLACES, CLAIMS, META = "places.geojson", "claims.json", "briefmap.json"


def _places_with(edit: Callable[[dict], None]) -> bytes:
    payload = json.loads((GEODATA / PLACES).read_text(encoding="utf-8"))
    edit(payload)
    return json.dumps(payload).encode()


def _set_geometry(place_id: str, geometry: dict) -> Callable[[dict], None]:
    def edit(payload: dict) -> None:
        (feature,) = [f for f in payload["features"] if f["properties"]["id"] == place_id]
        feature["geometry"] = geometry

    return edit


def _nested(depth: int) -> list:
    value: list = [36.0, 35.0]
    for _ in range(depth):
        value = [value]
    return value


def _huge_int_point(crs: str | None) -> bytes:
    def edit(payload: dict) -> None:
        _set_geometry("jableh", {"type": "Point", "coordinates": [1, 2]})(payload)
        if crs:
            payload["crs"] = {"type": "name", "properties": {"name": crs}}

    text = _places_with(edit).decode()
    # json.dumps cannot write a 400-digit integer into a float's place; the text can.
    return text.replace("[1, 2]", "[" + "9" * 400 + ", 2]", 1).encode()


def _surrogate_name() -> bytes:
    def edit(payload: dict) -> None:
        (feature,) = [f for f in payload["features"] if f["properties"]["id"] == "jableh"]
        feature["properties"]["name_en"] = "Jableh SURROGATE"

    return _places_with(edit).replace(b"SURROGATE", b"\\ud800")


# file -> (bytes, (record, field) of the one issue, part of its message)
HOSTILE: dict[str, tuple[str, Callable[[], bytes], tuple[str, str], str]] = {
    "claims-nested-100000": (CLAIMS, lambda: b"[" * 100_000, ("-", "-"), "nested more than"),
    "claims-nested-40": (CLAIMS, lambda: json.dumps({"claims": _nested(40)}).encode(), ("-", "-"), "nested more than"),
    "polygon-nested-600": (
        PLACES,
        lambda: (GEODATA / PLACES).read_bytes().replace(
            b'"features": [', b'"features": [' + (b"[" * 600) + (b"]" * 600) + b",", 1
        ),
        ("-", "-"),
        "nested more than",
    ),
    "polygon-nested-20": (
        PLACES,
        lambda: _places_with(_set_geometry("daraa_governorate", {"type": "Polygon", "coordinates": _nested(20)})),
        ("daraa_governorate", "geometry"),
        "position",
    ),
    "point-400-digits": (PLACES, lambda: _huge_int_point(None), ("jableh", "geometry"), "not finite"),
    "point-400-digits-3857": (
        PLACES,
        lambda: _huge_int_point("EPSG:3857"),
        ("jableh", "geometry"),
        "not finite",
    ),
    "lone-surrogate": (PLACES, _surrogate_name, ("jableh", "name_en"), "not text (U+D800)"),
    "region-400-digits": (
        META,
        lambda: (GEODATA / META).read_bytes().replace(b'"west": ', b'"west": ' + b"9" * 400 + b", \"x\": ", 1),
        ("-", "region_of_interest.west"),
        "outside",
    ),
}  # fmt: skip


@pytest.fixture(scope="module")
def made() -> dict[str, bytes]:
    return {name: make() for name, (_, make, _, _) in HOSTILE.items()}


def _folder(tmp_path: Path, target: str, raw: bytes) -> Path:
    root = tmp_path / "geodata"
    shutil.copytree(GEODATA, root)
    (root / target).write_bytes(raw)
    return root


def _located(issues: list, target: str, where: tuple[str, str], fragment: str) -> None:
    mine = [i for i in issues if i.file == target]
    assert mine, issues
    assert any((i.record, i.field) == where and fragment in i.message for i in mine), mine


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_data_folder_reports_it_and_keeps_the_rest(
    tmp_path: Path, made: dict[str, bytes], real_catalog: Catalog, case: str
) -> None:
    target, _, where, fragment = HOSTILE[case]
    result = load_catalog(_folder(tmp_path, target, made[case]))
    _located(result.issues, target, where, fragment)
    # The valid rest still loads: the sources are untouched by every case.
    assert result.catalog.sources == real_catalog.sources


@pytest.mark.parametrize("case", sorted(k for k in HOSTILE if HOSTILE[k][0] != META))
def test_an_upload_reports_it(made: dict[str, bytes], real_catalog: Catalog, case: str) -> None:
    target, _, where, fragment = HOSTILE[case]
    result = load_upload({target: made[case]}, real_catalog)
    _located(result.issues, target, where, fragment)


@pytest.mark.parametrize(
    "case",
    ["claims-nested-100000", "polygon-nested-600", "point-400-digits-3857", "lone-surrogate"],
)
def test_validate_reports_it_without_a_traceback(
    tmp_path: Path, made: dict[str, bytes], case: str
) -> None:
    target, _, _, fragment = HOSTILE[case]
    done = run_validate(str(_folder(tmp_path, target, made[case])))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert target in done.stdout and fragment in done.stdout


@settings(max_examples=60, deadline=None)
@given(
    depth=st.integers(0, 3000),
    inner=st.sampled_from(["1", "1e400", "-1e400", "9" * 500, '"x"', "{}", "null", "NaN"]),
    kind=st.sampled_from("[{"),
)
def test_any_nesting_parses_or_is_one_issue(depth: int, inner: str, kind: str) -> None:
    opening = "[" * depth if kind == "[" else '{"a":' * depth
    closing = "]" * depth if kind == "[" else "}" * depth
    out = Collector("x.json")
    payload = parse_json((opening + inner + closing).encode(), out)
    # Each container is a level, a scalar is not: `{}` inside adds one.
    levels = depth + (inner == "{}")
    if levels > MAX_DEPTH:
        assert payload is None
        assert len(out.issues) == 1
    else:
        assert not out.issues
