"""The data fingerprint the app's cache is keyed on: content, read again only when a file changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from briefmap.data import fingerprint
from briefmap.data.loader import data_fingerprint

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(REPO / "geodata", target)
    return target


def test_an_edit_changes_the_fingerprint(data: Path) -> None:
    before = data_fingerprint(data)
    claims = data / "claims.json"
    claims.write_text(claims.read_text(encoding="utf-8").replace("Khmeimim", "Hmeimim", 1))
    assert data_fingerprint(data) != before


def test_an_edit_of_the_same_size_changes_the_fingerprint(data: Path) -> None:
    before = data_fingerprint(data)
    claims = data / "claims.json"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("Khmeimim", "KHMEIMIM", 1), encoding="utf-8")
    assert claims.stat().st_size == len(text.encode("utf-8"))
    # A later save has a later modification time; the kernel's clock ticks in
    # milliseconds, so within the same tick it is set here explicitly.
    later = claims.stat().st_mtime_ns + 1_000_000_000
    os.utime(claims, ns=(later, later))
    assert data_fingerprint(data) != before


def test_a_briefing_edit_changes_the_fingerprint(data: Path) -> None:
    before = data_fingerprint(data)
    (data / "briefings" / "extra.json").write_text("{}", encoding="utf-8")
    assert data_fingerprint(data) != before


def test_saving_the_same_content_keeps_the_fingerprint(data: Path) -> None:
    before = data_fingerprint(data)
    for path in data.rglob("*.json*"):
        path.write_bytes(path.read_bytes())
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    assert data_fingerprint(data) == before


def test_unchanged_files_are_not_read_again(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = data_fingerprint(data)
    reads: list[Path] = []
    original = Path.read_bytes

    def counting(self: Path) -> bytes:
        reads.append(self)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    assert data_fingerprint(data) == first
    assert reads == []
    (data / "sources.json").write_text('{"sources": []}', encoding="utf-8")
    assert data_fingerprint(data) != first
    assert reads == [data / "sources.json"]


def test_a_missing_file_has_a_fingerprint_of_its_own(data: Path) -> None:
    before = data_fingerprint(data)
    (data / "sources.json").unlink()
    assert data_fingerprint(data) != before


def test_a_bundle_file_is_fingerprinted_by_content(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.geojson"
    bundle.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    before = data_fingerprint(bundle)
    bundle.write_text('{"type": "FeatureCollection", "features": [ ]}', encoding="utf-8")
    assert data_fingerprint(bundle) != before
    assert fingerprint._DIGESTS  # held between calls
