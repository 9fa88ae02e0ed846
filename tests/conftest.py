"""Shared fixtures: the real data, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefmap.loader import LoadResult, load_catalog
from briefmap.schema import Catalog

REPO_ROOT = Path(__file__).resolve().parent.parent
GEODATA = REPO_ROOT / "geodata"


@pytest.fixture(scope="session")
def real_load() -> LoadResult:
    return load_catalog(GEODATA)


@pytest.fixture(scope="session")
def real_catalog(real_load: LoadResult) -> Catalog:
    return real_load.catalog


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of the real ``geodata/`` directory, free to break."""
    import shutil

    target = tmp_path / "geodata"
    shutil.copytree(GEODATA, target)
    return target
