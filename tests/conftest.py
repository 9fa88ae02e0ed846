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
