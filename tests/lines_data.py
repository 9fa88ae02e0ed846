"""A generated data set with line places: a route and a line of contact per status.

Its actors, places and sources are made up here (none of the shipped data's),
for the tests of line places (``test_lines.py``, ``browser/test_browser_lines.py``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Status -> the sources a claim of it cites (the sourcing rules: confirmed
# needs two independent outlets, a statement its claimant's own record).
STATUSES = ("confirmed", "stated", "reported", "unverified", "denied")
ACTORS = [
    {"id": "blue", "name_en": "Blue force", "colour": "#1F4E9E"},
    {"id": "red", "name_en": "Red force", "colour": "#9E1F1F"},
]
REGION = {"west": 10.0, "south": 40.0, "east": 14.0, "north": 44.0}


def line_feature(pid: str, name: str, geometry: dict[str, Any], kind: str = "route") -> dict:
    """A line place's feature (precision region: a drawn line, not a survey)."""
    return {
        "type": "Feature",
        "properties": {"id": pid, "name_en": name, "kind": kind, "precision": "region"},
        "geometry": geometry,
    }


def _line(i: int) -> dict[str, Any]:
    # One line per status, side by side across the region, far enough apart
    # that a click on one never lands on another.
    lon = 10.5 + i * 0.7
    return {"type": "LineString", "coordinates": [[lon, 41.0], [lon + 0.2, 42.0], [lon, 43.0]]}


def _depot(i: int) -> dict[str, Any]:
    # Depots in a grid in the region's north-east corner, clear of the lines.
    lon, lat = 12.6 + (i % 40) * 0.03, 43.2 + (i // 40) * 0.03
    return {
        "type": "Feature",
        "properties": {
            "id": f"depot_{i}",
            "name_en": f"Depot {i}",
            "kind": "town",
            "precision": "town",
        },
        "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
    }


def places(depots: int = 0) -> dict[str, Any]:
    """Places: a line per status, a two-part line of contact and a point beside them.

    ``depots``: as many more points (a data set the app draws on its canvas).
    """
    features = [line_feature(f"route_{s}", f"Route {s}", _line(i)) for i, s in enumerate(STATUSES)]
    features.append(
        line_feature(
            "contact_line",
            "Line of contact",
            {
                "type": "MultiLineString",
                "coordinates": [[[10.2, 40.3], [11.5, 40.4]], [[11.7, 40.4], [13.8, 40.3]]],
            },
            kind="line",
        )
    )
    features.append(
        {
            "type": "Feature",
            "properties": {"id": "depot", "name_en": "Depot", "kind": "town", "precision": "town"},
            "geometry": {"type": "Point", "coordinates": [13.6, 43.6]},
        }
    )
    features += [_depot(i) for i in range(depots)]
    return {"type": "FeatureCollection", "features": features}


def sources() -> dict[str, Any]:
    """Two independent outlets and each actor's own record."""
    return {
        "sources": [
            {"id": "wire_a", "outlet": "Wire A", "date": "2025-03-01"},
            {"id": "wire_b", "outlet": "Wire B", "date": "2025-03-02"},
            {
                "id": "blue_record",
                "outlet": "Blue ministry",
                "date": "2025-03-01",
                "official_of": "blue",
            },
            {
                "id": "red_record",
                "outlet": "Red ministry",
                "date": "2025-03-01",
                "official_of": "red",
            },
        ]
    }


SOURCES_BY_STATUS = {
    "confirmed": ["wire_a", "wire_b"],
    "stated": ["blue_record"],
    "reported": ["wire_a"],
    "unverified": ["wire_b"],
    "denied": ["red_record"],
}


def _claim(cid: str, place: str, status: str, posture: str, actor: str = "blue") -> dict:
    return {
        "id": cid,
        "places": [place],
        "actors": [actor],
        "claimant": "Blue ministry" if status == "stated" else "Wire A",
        "status": status,
        "posture": posture,
        "reported": "2025-03-02",
        "summary": f"A {status} {posture} line.",
        "attribution": "made up for a test",
        "sources": SOURCES_BY_STATUS[status],
        "role": "report",
    }


def claims(depots: int = 0) -> dict[str, Any]:
    """A current claim on each route by status, the line of contact, and the depot(s)."""
    rows = [_claim(f"c_{s}", f"route_{s}", s, "current") for s in STATUSES]
    rows.append(_claim("c_contact", "contact_line", "reported", "current", actor="red"))
    # Another day: the sidebar's date slider wants two (one day alone fails it).
    depot = {**_claim("c_depot", "depot", "reported", "current"), "reported": "2025-03-03"}
    depot["places"] += [f"depot_{i}" for i in range(depots)]
    rows.append(depot)
    return {"as_of": "2025-03-03", "claims": rows}


def meta() -> dict[str, Any]:
    return {
        "title": "Lines test data",
        "subtitle": "Generated for the tests of line places.",
        "region_of_interest": REGION,
        "actors": ACTORS,
    }


def write_lines_data(folder: Path, depots: int = 0) -> Path:
    """Write the data set into ``folder`` (made if missing); returns it.

    ``depots``: more points, so many that the app draws them on its canvas.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, payload in (
        ("briefmap.json", meta()),
        ("places.geojson", places(depots)),
        ("sources.json", sources()),
        ("claims.json", claims(depots)),
    ):
        (folder / name).write_text(json.dumps(payload, indent=1), encoding="utf-8")
    return folder
