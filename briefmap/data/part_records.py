"""Some records of a data set validated among the rest, already valid: a store's edit.

:func:`assemble_part` is :func:`briefmap.data.loader.assemble` for a few
records, with the same checks (the loader's own functions), so a store checks
an edit at 100,000 claims without validating them all again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefmap.data.claim_records import load_claims
from briefmap.data.loader import (
    LoadResult,
    collected,
    feature_properties,
    present_ids,
    record_itself,
    without_retired,
)
from briefmap.data.place_records import load_places, place_id
from briefmap.data.schema import Catalog, Place, Region, Source
from briefmap.data.source_records import load_sources


@dataclass(frozen=True)
class Surroundings:
    """What some records are checked against when the rest of the data is already validated.

    The region and actors of the data set; the valid places and sources the
    records may cite (beside their own); every place and source id in the
    data, valid or not, and the retired ones, so a reference to one is named
    as the whole data's load would name it.
    """

    region: Region | None
    actor_ids: tuple[str, ...]
    places: dict[str, Place]
    sources: dict[str, Source]
    known_place_ids: set[str]
    known_source_ids: set[str]
    retired_place_ids: set[str]
    retired_source_ids: set[str]


def assemble_part(named: list[tuple[str, Any]], around: Surroundings) -> LoadResult:
    """Validate some records of a data set (places, claims, sources) among the rest, already valid.

    What :func:`assemble` does for the whole, with the same checks, for a few
    records: a store checks an edit at 100,000 claims without validating them
    all again. The catalog holds the part's valid records only.
    """
    (place_out, places_payload), (claim_out, claims_payload), (source_out, sources_payload) = (
        collected(named)
    )
    active_places, retired_places, _ = without_retired(
        places_payload, "features", feature_properties, place_out
    )
    active_sources, retired_sources, _ = without_retired(
        sources_payload, "sources", record_itself, source_out
    )
    active_claims, _, _ = without_retired(claims_payload, "claims", record_itself, claim_out)
    sources, _ = load_sources(active_sources, source_out, around.actor_ids)
    places, _ = load_places(active_places, place_out, around.region)
    # The part's own records replace the rest's of the same id, valid or not.
    part_places = present_ids(places_payload, "features", place_id)
    part_sources = present_ids(sources_payload, "sources", lambda s: s.get("id"))
    usable_places = {
        **{k: v for k, v in around.places.items() if k not in part_places},
        **places,
    }
    usable_sources = {
        **{k: v for k, v in around.sources.items() if k not in part_sources},
        **sources,
    }
    retired_place_ids = (around.retired_place_ids - part_places) | retired_places
    retired_source_ids = (around.retired_source_ids - part_sources) | retired_sources
    claims, _, _ = load_claims(
        active_claims,
        claim_out,
        usable_places,
        usable_sources,
        around.known_place_ids | part_places,
        around.known_source_ids | part_sources,
        (place_out.file, source_out.file),
        around.actor_ids,
        retired_ids=(retired_place_ids, retired_source_ids),
    )
    catalog = Catalog(places=places, claims=claims, sources=sources)
    return LoadResult(
        catalog=catalog,
        issues=tuple(place_out.issues + source_out.issues + claim_out.issues),
    )
