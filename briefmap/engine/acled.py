"""ACLED's exports as a ready mapping: their public columns read as Briefmap's fields.

An export from ACLED (the Armed Conflict Location & Event Data project) is a
spreadsheet of events with a fixed set of columns (:data:`ACLED_COLUMNS`). A
file that has them all is read by :func:`acled_mapping` without the user
saying which column is which:

- ``location`` is the place's name; ``geo_precision`` 1, 2, 3 its precision
  (site, town, region) and its kind (town, town, region: ACLED places are
  populated places or the area around them);
- ``event_date`` is the day reported (``15 October 2025`` or ISO);
- ``source`` is split at ``;`` into one source per outlet, dated by the event
  (no link is invented); ACLED's words for an outlet it does not name
  ("Local Source", "Other"...) are sources whose outlet is not identified,
  and count as no outlet;
- ``actor1`` and ``actor2`` are the actors, matched to the data's actor table
  by name, spelling folded, or kept as new actors;
- the status is the one the sources allow (:data:`~briefmap.engine.own_claims.STATUS_FROM_SOURCES`):
  confirmed for two independent outlets, else reported, never more;
- ``notes`` is the summary; the claimant is ACLED; the attribution says the
  event type and the outlets; the posture is current; the claim's id is
  ``event_id_cnty``'s.
"""

from __future__ import annotations

from collections.abc import Mapping

from briefmap.data.own_layer import OwnLayer
from briefmap.engine.own_claims import STATUS_FROM_SOURCES, ColumnMapping, items, name_key

ACLED_PRESET = "acled"
ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
)
# geo_precision: 1 the place itself, 2 near it (its town or district), 3 its region.
PRECISION_OF = {"1": "site", "2": "town", "3": "region"}
KIND_OF = {"1": "town", "2": "town", "3": "region"}
# ACLED's names for an outlet it does not identify (folded): no outlet.
UNNAMED_OUTLETS = frozenset(
    name_key(name)
    for name in (
        "Local Source",
        "Local Sources",
        "Local Media",
        "Other",
        "Social Media",
        "Residents",
        "Unknown",
    )
)


def is_acled(columns: tuple[str, ...]) -> bool:
    """The file has every one of ACLED's public columns (case aside)."""
    have = {column.strip().lower() for column in columns}
    return all(column in have for column in ACLED_COLUMNS)


def layer_columns(layer: OwnLayer) -> tuple[str, ...]:
    """Every column of the layer's rows, in first-seen order."""
    seen: dict[str, None] = {}
    for feature in layer.features:
        seen.update(dict.fromkeys(feature.properties))
    return tuple(seen)


def acled_fields(row: Mapping[str, str]) -> dict[str, str]:
    """One ACLED row's cells as Briefmap's field values (empty where the row gives nothing)."""
    # Columns by their lower-case name, the first of two alike but for case.
    lower = {key.strip().lower(): value for key, value in reversed(row.items())}

    def cell(column: str) -> str:
        return (lower.get(column) or "").strip()

    precision = cell("geo_precision")
    precision = precision[:-2] if precision.endswith(".0") else precision
    outlets = items(cell("source"))
    event = " / ".join(t for t in (cell("event_type"), cell("sub_event_type")) if t)
    actors = [a for a in (cell("actor1"), cell("actor2")) if a]
    return {
        "name_en": cell("location"),
        "precision": PRECISION_OF.get(precision, precision),
        "kind": KIND_OF.get(precision, ""),
        "reported": cell("event_date"),
        "sources": "; ".join(outlets),
        "unknown_outlets": "|".join(name_key(o) for o in outlets if name_key(o) in UNNAMED_OUTLETS),
        "actors": "; ".join(a.replace(";", ",") for a in actors),
        "summary": cell("notes"),
        "attribution": (
            f"ACLED event ({event or 'type not given'}), from {', '.join(outlets)}"
            if outlets
            else ""
        ),
    }


def acled_mapping() -> ColumnMapping:
    """ACLED's ready mapping (see the module's docstring)."""
    return ColumnMapping(
        fixed={"claimant": "ACLED", "posture": "current", "status": STATUS_FROM_SOURCES},
        name="ACLED's columns",
        reading=acled_fields,
        id_column="event_id_cnty",
    )


def ready_mapping(layer: OwnLayer) -> ColumnMapping | None:
    """The ready mapping for a layer whose columns are a known export's (ACLED's); else ``None``."""
    return acled_mapping() if is_acled(layer_columns(layer)) else None
