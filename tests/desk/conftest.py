"""One desk (the shipped data's tables and gazetteer) for every desk test module."""

from __future__ import annotations

import pytest

from briefmap.data.loader import DEFAULT_DATA_DIR, load_catalog
from briefmap.data.schema import Catalog
from briefmap.desk.draft import Desk


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(DEFAULT_DATA_DIR).catalog


@pytest.fixture(scope="session")
def desk(catalog: Catalog) -> Desk:
    return Desk.for_catalog(catalog, DEFAULT_DATA_DIR)
