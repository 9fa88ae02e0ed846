"""The naive ways to put N claims on a folium map, for comparison.

- :func:`marker_layers`: one ``folium.Marker`` (default icon) with a ``Tooltip``
  per claim, at its place (an outline's representative point).
- :func:`geojson_layers`: one ``folium.GeoJson`` of every claim as a feature
  (its place's geometry; name, actor, status, posture, summary as properties)
  with a default ``folium.GeoJsonTooltip`` over those fields.

Both carry what a briefer hovers for (name, status, summary), escaped with
``map_text`` like the app's own tooltips.
"""

from __future__ import annotations

import folium
from shapely.geometry import mapping as shapely_mapping

from briefmap.data.schema import Catalog
from briefmap.engine.query import Selection
from briefmap.safe import map_text

TOOLTIP_FIELDS = ["name", "actor", "status", "posture", "summary"]


def _anchor(catalog: Catalog, place_id: str) -> tuple[float, float]:
    place = catalog.places[place_id]
    point = place.geometry if place.is_point else place.geometry.representative_point()
    return point.y, point.x


def marker_layers(catalog: Catalog, selection: Selection) -> list[folium.FeatureGroup]:
    group = folium.FeatureGroup(name="Claims (one marker each)")
    for claim in selection.claims:
        place_id = selection.places_of[claim.id][0]
        place = catalog.places[place_id]
        tip = map_text(f"{place.name_en} · {claim.status.label}: {claim.summary}")
        folium.Marker(location=_anchor(catalog, place_id), tooltip=tip).add_to(group)
    return [group]


def geojson_collection(catalog: Catalog, selection: Selection) -> dict:
    features = []
    geometry_of: dict[str, dict] = {}
    for claim in selection.claims:
        place_id = selection.places_of[claim.id][0]
        place = catalog.places[place_id]
        if place_id not in geometry_of:
            geometry_of[place_id] = shapely_mapping(place.geometry)
        features.append(
            {
                "type": "Feature",
                "geometry": geometry_of[place_id],
                "properties": {
                    "name": map_text(place.name_en),
                    "actor": catalog.meta.actor(claim.actors[0]).label,
                    "status": claim.status.label,
                    "posture": claim.posture.label,
                    "summary": map_text(claim.summary),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_layers(catalog: Catalog, selection: Selection) -> list[folium.FeatureGroup]:
    group = folium.FeatureGroup(name="Claims (folium.GeoJson)")
    folium.GeoJson(
        geojson_collection(catalog, selection),
        name="claims",
        tooltip=folium.GeoJsonTooltip(fields=TOOLTIP_FIELDS),
    ).add_to(group)
    return [group]


def map_bounds(catalog: Catalog) -> list[list[float]]:
    """[[south, west], [north, east]] of every on-map place, place by place (none: the region)."""
    bounds = [p.geometry.bounds for p in catalog.places.values() if not p.off_map]
    if not bounds:
        return catalog.meta.region.bounds
    west = min(b[0] for b in bounds)
    south = min(b[1] for b in bounds)
    east = max(b[2] for b in bounds)
    north = max(b[3] for b in bounds)
    return [[south, west], [north, east]]
