"""What a briefing marks on the map over the claims: highlight rings and change badges.

Both renderers (the markers of ``mapping``, the canvas of ``bulk``) draw these
the same way. Where the badges go once drawn is the browser's business: they
take part in ``web/label-room.js``, which stacks badges that would overlap and
gives them priority over place labels.
"""

from __future__ import annotations

import folium

from briefmap.data.schema import Catalog, Place
from briefmap.drawing.line_places import line_paths
from briefmap.drawing.map_elements import SafeFeatureGroup
from briefmap.engine.query import Selection
from briefmap.engine.timeline import Change, ChangeKind
from briefmap.safe import map_text

HIGHLIGHT_LAYER = "Highlighted in this scene"
CHANGES_LAYER = "Changes since"
CHANGE_BADGES: dict[ChangeKind, str] = {
    ChangeKind.NEW: "NEW",
    ChangeKind.UPGRADED: "▲ UP",
    ChangeKind.DOWNGRADED: "▼ DOWN",
    ChangeKind.RETIRED: "✕ GONE",
}


def rings(polygon: object) -> list[list[tuple[float, float]]]:
    """(lat, lon) rings of a Polygon, outer ring first, as folium wants them."""
    return [[(y, x) for x, y in ring.coords] for ring in (polygon.exterior, *polygon.interiors)]


def anchor(place: Place) -> tuple[float, float]:
    """(lat, lon) where an arrow or a badge should touch a place."""
    point = place.geometry if place.is_point else place.geometry.representative_point()
    return point.y, point.x


def highlight(place: Place, drawn: bool) -> folium.Element:
    """A scene's highlighted place, ringed; ``drawn``: whether a claim of it is shown."""
    # A thick black-and-white ring reads on any basemap and in greyscale.
    tip = map_text(f"Highlighted: {place.name_en}" + ("" if drawn else " (no claim shown here)"))
    if place.is_point:
        return folium.CircleMarker(
            location=(place.geometry.y, place.geometry.x),
            radius=22,
            color="#000000",
            weight=4,
            fill=False,
            dash_array="1 0",
            class_name="bm-highlight",
            tooltip=folium.Tooltip(tip, class_name="bm-tooltip"),
        )
    if place.is_line:
        return folium.PolyLine(
            line_paths(place),
            color="#000000",
            weight=12,
            opacity=0.6,
            class_name="bm-highlight",
            tooltip=folium.Tooltip(tip, class_name="bm-tooltip"),
        )
    return folium.Polygon(
        locations=rings(place.geometry),
        color="#000000",
        weight=5,
        fill=False,
        class_name="bm-highlight",
        tooltip=folium.Tooltip(tip, class_name="bm-tooltip"),
    )


def changes_group(
    catalog: Catalog, selection: Selection, changes: tuple[Change, ...], since: str | None
) -> folium.FeatureGroup:
    """One badge per shown place with changes since ``since``, its kinds merged in one badge."""
    group = SafeFeatureGroup(name=f"{CHANGES_LAYER} {since or ''}".strip(), show=True)
    shown = {c.id: selection.places_of[c.id] for c in selection.claims}
    by_place: dict[str, list[Change]] = {}
    for change in changes:
        for place_id in shown.get(change.claim.id, ()):
            by_place.setdefault(place_id, []).append(change)
    for place_id, place_changes in by_place.items():
        place = catalog.places[place_id]
        lat, lon = anchor(place)
        kinds = sorted({c.kind for c in place_changes}, key=list(ChangeKind).index)
        badge = " ".join(CHANGE_BADGES[k] for k in kinds)
        tip = "<br>".join(
            map_text(f"{c.describe(catalog, place=False)}: {c.claim.summary}")
            for c in place_changes
        )
        # data-badge-of, not data-place: a click on a badge is found by position, as before.
        folium.Marker(
            location=(lat, lon),
            icon=folium.DivIcon(
                html=(
                    f'<span class="bm-change" data-badge-of="{map_text(place.id)}">'
                    f"{map_text(badge)}</span>"
                ),
                icon_size=(1, 1),
                icon_anchor=(-14, 26),
                class_name="bm-change-icon",
            ),
            tooltip=folium.Tooltip(tip, class_name="bm-tooltip"),
        ).add_to(group)
    return group
