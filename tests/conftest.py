"""Shared fixtures: the real data, loaded once."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from briefmap.data.loader import LoadResult, load_catalog
from briefmap.data.schema import Catalog
from briefmap.engine.stored import CACHE_ENV

REPO_ROOT = Path(__file__).resolve().parent.parent
GEODATA = REPO_ROOT / "geodata"

# The app stores validated data on disk (briefmap.engine.stored): the tests and
# the servers they start keep theirs apart from the user's, for this run only.
os.environ[CACHE_ENV] = tempfile.mkdtemp(prefix="briefmap-test-cache-")


@pytest.fixture(scope="session")
def real_load() -> LoadResult:
    result = load_catalog(GEODATA)
    # Never empty: the tests that check every place, claim or source then check some.
    assert result.catalog.places and result.catalog.claims and result.catalog.sources
    return result


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


# A proposed claim of the real data with an origin a source names, for the
# arrow and its round trips: no source on record names one for the real data.
NAMED_ORIGIN_CLAIM = "c05-military-police-south"
NAMED_ORIGIN = "khmeimim_air_base"


@pytest.fixture(scope="session")
def named_origin_catalog(real_catalog: Catalog) -> Catalog:
    from dataclasses import replace

    claim = real_catalog.claims[NAMED_ORIGIN_CLAIM]
    named = replace(
        claim,
        origin=NAMED_ORIGIN,
        origin_source=claim.sources[0],
        origin_note="a test note: the cited report names the base",
    )
    return replace(real_catalog, claims={**real_catalog.claims, claim.id: named})
