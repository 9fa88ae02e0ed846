"""The store tests' fixtures: a small data set, and each store kind to run the contract on.

``STORE_FACTORIES`` names each kind of store the contract suite
(``test_store_contract.py``) runs on. A factory is given a data folder to start
from (the store's files; a database imports them) and yields ``open_store``, a
function that opens one more store on the same backing: two calls are two
servers sharing one folder or one database. ``postgis_support`` adds
``"postgis"`` when it is importable.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest

from briefmap.store.base import Store
from briefmap.store.canonical import canonical_json
from briefmap.store.files import FileStore

OpenStore = Callable[[], Store]
StoreFactory = Callable[[Path], AbstractContextManager[OpenStore]]

# ------------------------------------------------------------ a small data set
# Two places, two sources, two claims and a briefing: every kind, and enough
# references between them to retire something that is still cited.

SEED_META: dict[str, Any] = {
    "title": "Store test data",
    "subtitle": "Made by the tests",
    "region_of_interest": {"west": 35.0, "south": 32.0, "east": 43.0, "north": 38.0},
    "actors": [
        {"id": "north", "name_en": "Northern force", "colour": "#9E4600"},
        {"id": "south", "name_en": "Southern force", "colour": "#005A42"},
    ],
}


def place(pid: str, lon: float = 36.2, lat: float = 33.5, **extra: Any) -> dict[str, Any]:
    """A valid place, as ``places.geojson`` holds it."""
    return {
        "type": "Feature",
        "properties": {
            "id": pid,
            "name_en": f"Place {pid}",
            "kind": "town",
            "precision": "town",
            **extra,
        },
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def source(sid: str, **extra: Any) -> dict[str, Any]:
    """A valid source, as ``sources.json`` holds it."""
    return {"id": sid, "outlet": "Reuters", "date": "2025-10-15", **extra}


def claim(cid: str, place_id: str = "p-harbour", source_id: str = "s-wire", **extra: Any) -> dict:
    """A valid claim, as ``claims.json`` holds it."""
    return {
        "id": cid,
        "places": [place_id],
        "actors": ["north"],
        "claimant": "A wire service",
        "status": "reported",
        "posture": "current",
        "reported": "2025-10-15",
        "summary": f"Claim {cid}: a force keeps its post.",
        "attribution": "the wire's own reporting",
        "sources": [source_id],
        **extra,
    }


def briefing(bid: str, **extra: Any) -> dict[str, Any]:
    """A valid briefing, as ``briefings/<id>.json`` holds it."""
    return {
        "id": bid,
        "title": f"Briefing {bid}",
        "scenes": [{"title": "Where it stands", "talking_points": ["The post is held."]}],
        **extra,
    }


SEED_PLACES = [place("p-harbour"), place("p-hill", lon=37.0, lat=34.0)]
SEED_SOURCES = [source("s-wire"), source("s-paper", outlet="A daily paper")]
SEED_CLAIMS = [claim("c-harbour"), claim("c-hill", place_id="p-hill", source_id="s-paper")]
SEED_BRIEFINGS = [briefing("b-overview")]
SEED_AS_OF = "2025-10-20"


def write_seed(folder: Path) -> Path:
    """The small data set as a data folder, in the canonical format."""
    files = {
        "briefmap.json": SEED_META,
        "places.geojson": {"type": "FeatureCollection", "features": SEED_PLACES},
        "claims.json": {"as_of": SEED_AS_OF, "claims": SEED_CLAIMS},
        "sources.json": {"sources": SEED_SOURCES},
        **{f"briefings/{b['id']}.json": b for b in SEED_BRIEFINGS},
    }
    for name, payload in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(canonical_json(name, json.loads(json.dumps(payload))), encoding="utf-8")
    return folder


# ------------------------------------------------------------ the stores


@contextmanager
def files_backing(seed: Path) -> Iterator[OpenStore]:
    """A copy of the seed folder; every store opened is a FileStore on it."""
    folder = seed.parent / "files-store"
    shutil.copytree(seed, folder)
    yield lambda: FileStore(folder)


STORE_FACTORIES: dict[str, StoreFactory] = {"files": files_backing}

try:  # the PostGIS helper's factory, where its support module offers one
    from postgis_support import postgis_backing  # type: ignore[attr-defined]
except ImportError:
    pass
else:
    STORE_FACTORIES["postgis"] = postgis_backing


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    return write_seed(tmp_path / "seed")


@pytest.fixture(params=sorted(STORE_FACTORIES))
def open_store(request: pytest.FixtureRequest, seed_dir: Path) -> Iterator[OpenStore]:
    """Opens stores of one kind, all on one backing seeded with the small data set."""
    with STORE_FACTORIES[request.param](seed_dir) as opener:
        yield opener


@pytest.fixture
def store(open_store: OpenStore) -> Store:
    """A store of each kind, seeded with the small data set."""
    return open_store()
