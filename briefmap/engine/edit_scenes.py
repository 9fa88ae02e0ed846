"""The editor's briefing form as a briefing's raw record: each scene's every field.

Pure: no Streamlit. A scene's form holds its title and talking points, its
highlighted places, its view (centre and zoom), its filters and its playback;
:func:`briefing_record` writes them into the briefing as
``briefings/<id>.json`` holds it, and the store judges the result with the
loader's own rules (:mod:`briefmap.engine.briefings`). Nothing here checks a
value: what is typed goes into the record as it is, so the validator, the one
judge, names what it refuses (a day that is not one, a zoom out of range, a
playback that ends before it starts), beside its field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from briefmap.engine.briefings import FILTER_FIELDS, PLAYBACK_FIELDS
from briefmap.engine.query import Deployments
from briefmap.engine.state import ZOOM_RANGE, MapView

# A centre taken from the editor's map keeps 4 decimals (about 10 m): a scene's
# view is a framing, not a position.
VIEW_DECIMALS = 4


@dataclass(frozen=True)
class FilterDraft:
    """A scene's filters as the form holds them: an empty choice is no filter on that field."""

    actors: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    deployments: str = Deployments.INCLUDE_PROPOSED.value
    search: str = ""
    reported_from: str = ""
    reported_to: str = ""


@dataclass(frozen=True)
class ViewDraft:
    """A scene's view: a centre (latitude, longitude) and a zoom; all empty is no view."""

    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None


@dataclass(frozen=True)
class PlaybackDraft:
    """A scene's playback: from a day to a day at a speed; all empty is no playback."""

    start: str = ""
    end: str = ""
    per_second: str | None = None


@dataclass(frozen=True)
class SceneDraft:
    """What the briefing form edits of a scene.

    ``None`` for a part: the form did not edit it, and the scene keeps what it had.
    """

    title: str
    talking_points: tuple[str, ...] = field(default_factory=tuple)
    highlight: tuple[str, ...] | None = None
    view: ViewDraft | None = None
    filters: FilterDraft | None = None
    playback: PlaybackDraft | None = None

    @classmethod
    def of(cls, scene: Mapping[str, Any]) -> SceneDraft:
        """The form for a raw scene (values of the wrong type shown as text or left empty)."""
        raw_filters = _mapping(scene.get("filters"))
        raw_view = _mapping(scene.get("view"))
        raw_playback = _mapping(scene.get("playback"))
        center = raw_view.get("center")
        lat, lon = center if isinstance(center, list) and len(center) == 2 else (None, None)
        zoom = raw_view.get("zoom")
        per_second = raw_playback.get("per_second")
        return cls(
            title=_text(scene.get("title")),
            talking_points=_texts(scene.get("talking_points")),
            highlight=_texts(scene.get("highlight")),
            view=ViewDraft(_number(lat), _number(lon), zoom if _whole(zoom) else None),
            filters=FilterDraft(
                actors=_texts(raw_filters.get("actors")),
                statuses=_texts(raw_filters.get("statuses")),
                kinds=_texts(raw_filters.get("kinds")),
                deployments=_text(raw_filters.get("deployments"))
                or Deployments.INCLUDE_PROPOSED.value,
                search=_text(raw_filters.get("search")),
                reported_from=_text(raw_filters.get("from")),
                reported_to=_text(raw_filters.get("to")),
            ),
            playback=PlaybackDraft(
                start=_text(raw_playback.get("from")),
                end=_text(raw_playback.get("to")),
                per_second=per_second if isinstance(per_second, str) else None,
            ),
        )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> float | None:
    # A whole number stays one, so that an unchanged scene saves byte for byte.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value if math.isfinite(value) else None


def talking_points_of(text: str) -> tuple[str, ...]:
    """Talking points typed one a line (blank lines and bullets dropped)."""
    lines = (line.strip().lstrip("-•*").strip() for line in text.splitlines())
    return tuple(line for line in lines if line)


def filters_record(draft: FilterDraft, before: Mapping[str, Any]) -> dict[str, Any]:
    """A scene's ``filters`` object: only the fields that filter (what it held unknown, kept).

    The deployments choice is written when it is not the default, or when the
    scene named it before (so an unchanged scene saves as it was).
    """
    record = {k: v for k, v in before.items() if k not in FILTER_FIELDS}
    chosen: dict[str, Any] = {
        "actors": list(draft.actors),
        "statuses": list(draft.statuses),
        "kinds": list(draft.kinds),
        "search": draft.search.strip(),
        "from": draft.reported_from.strip(),
        "to": draft.reported_to.strip(),
    }
    if draft.deployments != Deployments.INCLUDE_PROPOSED.value or "deployments" in before:
        chosen["deployments"] = draft.deployments
    record.update({k: v for k, v in chosen.items() if v not in ("", [])})
    return {k: record[k] for k in (*FILTER_FIELDS, *record) if k in record}


def view_record(draft: ViewDraft) -> dict[str, Any] | None:
    """A scene's ``view``, or ``None`` when the form's view is empty.

    Half a view is written as it is (a missing number as null), for the
    validator to refuse by name rather than the form to drop silently.
    """
    if draft.lat is None and draft.lon is None and draft.zoom is None:
        return None
    return {"center": [draft.lat, draft.lon], "zoom": draft.zoom}


def playback_record(draft: PlaybackDraft) -> dict[str, Any] | None:
    """A scene's ``playback``, or ``None`` when the form's playback is empty."""
    start, end = draft.start.strip(), draft.end.strip()
    if not start and not end and draft.per_second is None:
        return None
    values = {"from": start, "to": end, "per_second": draft.per_second}
    return {k: values[k] for k in PLAYBACK_FIELDS}


def _with(scene: dict[str, Any], name: str, value: Any) -> None:
    """Set a scene's optional field, or leave it out when empty."""
    if value in (None, [], {}):
        scene.pop(name, None)
    else:
        scene[name] = value


def scene_record(before: Mapping[str, Any], draft: SceneDraft) -> dict[str, Any]:
    """The raw scene a draft saves as: every part it edits, every other field kept."""
    scene = {**before, "title": draft.title.strip(), "talking_points": list(draft.talking_points)}
    if draft.filters is not None:
        _with(scene, "filters", filters_record(draft.filters, _mapping(before.get("filters"))))
    if draft.view is not None:
        _with(scene, "view", view_record(draft.view))
    if draft.highlight is not None:
        _with(scene, "highlight", list(dict.fromkeys(draft.highlight)))
    if draft.playback is not None:
        _with(scene, "playback", playback_record(draft.playback))
    return scene


def briefing_record(
    before: Mapping[str, Any], title: str, scenes: Sequence[SceneDraft]
) -> dict[str, Any]:
    """The briefing with its scenes as the form has them; every other field of it kept."""
    old_scenes = before.get("scenes") if isinstance(before.get("scenes"), list) else []
    new_scenes = []
    for index, scene in enumerate(scenes):
        old = (
            old_scenes[index]
            if index < len(old_scenes) and isinstance(old_scenes[index], dict)
            else {}
        )
        new_scenes.append(scene_record(old, scene))
    return {**before, "title": title.strip(), "scenes": new_scenes}


def map_view(payload: Any) -> MapView | None:
    """The centre and zoom ``st_folium`` reports (``center``, ``zoom``), or ``None``.

    The report is untrusted: a centre outside WGS84 or a zoom out of the
    scenes' range is no view.
    """
    if not isinstance(payload, Mapping):
        return None
    center, zoom = payload.get("center"), payload.get("zoom")
    if not isinstance(center, Mapping) or not _whole(zoom):
        return None
    lat, lng = _number(center.get("lat")), _number(center.get("lng"))
    if lat is None or lng is None or not (-85 <= lat <= 85 and -180 <= lng <= 180):
        return None
    if not ZOOM_RANGE[0] <= zoom <= ZOOM_RANGE[1]:
        return None
    return MapView(center=(round(lat, VIEW_DECIMALS), round(lng, VIEW_DECIMALS)), zoom=zoom)
