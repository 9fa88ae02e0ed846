"""Briefings: ordered scenes, each a filter, a map view, highlighted places and talking points.

One JSON file per briefing in ``<data>/briefings/``; validated like the rest of
the data, with errors that name the file, the scene and the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefmap.data.readers import read_json
from briefmap.data.schema import RETIRED_FIELD, Catalog, ClaimStatus, PlaceKind
from briefmap.data.validate import Collector, Record, ValidationIssue, real_day, short
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame, places_bounds
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.state import SLUG, ZOOM_RANGE, MapView

BRIEFINGS_DIR = "briefings"
BRIEFING_FIELDS = ("id", "title", "summary", "scenes")
SCENE_FIELDS = (
    "title",
    "talking_points",
    "filters",
    "as_of",
    "since",
    "view",
    "highlight",
    "playback",
)
PLAYBACK_FIELDS = ("from", "to", "per_second")
# A scene's playback speed, named as the timeline's speed list names it
# (web/playback-frame.js): the days played in a second.
PER_SECOND = {"month": 30.44, "quarter": 91.31, "half-year": 182.62, "year": 365.25}
FILTER_FIELDS = ("actors", "statuses", "deployments", "kinds", "search", "from", "to")


@dataclass(frozen=True)
class ScenePlayback:
    """A scene's time playback: the map played from one day to another, at a speed.

    Presentation view plays it on the first Next on the scene
    (web/scene-keys.js); the second Next goes on to the next scene.
    """

    start: str
    end: str
    per_second: str

    @property
    def days_per_second(self) -> float:
        return PER_SECOND[self.per_second]


@dataclass(frozen=True)
class Scene:
    """One step of a briefing."""

    title: str
    talking_points: tuple[str, ...]
    claim_filter: ClaimFilter
    as_of: str | None = None
    since: str | None = None
    view: MapView | None = None
    highlight: tuple[str, ...] = ()
    playback: ScenePlayback | None = None


def scene_frame(catalog: Catalog, scene: Scene) -> Frame | MapView:
    """What the map frames when a scene opens, in the app and in the briefing pack alike.

    The highlighted places drawn on the map, fitted in the map's own size no
    closer than the scene's zoom (its centre and zoom were written for one
    screen); else the scene's centre and zoom as they are; else every place.
    """
    bounds = places_bounds(catalog, scene.highlight)
    if bounds is not None:
        return Frame.of(bounds, max_zoom=scene.view.zoom if scene.view else PLACES_MAX_ZOOM)
    if scene.view is not None:
        return scene.view
    return Frame.of(catalog.index.map_bounds, max_zoom=PLACES_MAX_ZOOM)


@dataclass(frozen=True)
class Briefing:
    """An ordered list of scenes on one subject."""

    id: str
    title: str
    scenes: tuple[Scene, ...]
    summary: str | None = None


def _filter(rec: Record, raw: Any, actor_ids: tuple[str, ...]) -> ClaimFilter:
    if raw is None:
        return ClaimFilter()
    if not isinstance(raw, dict):
        rec.fail("filters", "must be an object")
        return ClaimFilter()
    sub = Record(raw, rec.rid, rec.out, prefix=f"{rec.prefix}filters.")
    sub.no_unknown_fields(FILTER_FIELDS)
    actors = frozenset(sub.id_choices("actors", actor_ids)) if "actors" in raw else None
    statuses = frozenset(sub.choices("statuses", ClaimStatus)) if "statuses" in raw else None
    kinds = frozenset(sub.choices("kinds", PlaceKind)) if "kinds" in raw else None
    deployments = sub.choice("deployments", Deployments, default=Deployments.INCLUDE_PROPOSED)
    search = sub.text("search", required=False) or ""
    reported_from = sub.date("from") if "from" in raw else None
    reported_to = sub.date("to") if "to" in raw else None
    rec.failed = rec.failed or sub.failed
    return ClaimFilter(
        actors=actors,
        statuses=statuses,
        deployments=deployments or Deployments.INCLUDE_PROPOSED,
        kinds=kinds,
        search=search,
        reported_from=reported_from,
        reported_to=reported_to,
    )


def _view(rec: Record, raw: Any) -> MapView | None:
    if raw is None:
        return None
    center = raw.get("center") if isinstance(raw, dict) else None
    zoom = raw.get("zoom") if isinstance(raw, dict) else None
    numbers = (
        isinstance(center, list)
        and len(center) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in center)
    )
    if not numbers or not isinstance(zoom, int) or not ZOOM_RANGE[0] <= zoom <= ZOOM_RANGE[1]:
        rec.fail(
            "view",
            f"must be {{'center': [lat, lon], 'zoom': {ZOOM_RANGE[0]}..{ZOOM_RANGE[1]}}}",
        )
        return None
    lat, lon = center
    if not (-85 <= lat <= 85 and -180 <= lon <= 180):
        rec.fail("view", "centre is outside WGS84 (latitude first, then longitude)")
        return None
    return MapView(center=(float(lat), float(lon)), zoom=zoom)


def _playback(rec: Record, raw: Any, span: tuple[str, str] | None) -> ScenePlayback | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        rec.fail("playback", 'must be an object: {"from": day, "to": day, "per_second": unit}')
        return None
    sub = Record(raw, rec.rid, rec.out, prefix=f"{rec.prefix}playback.")
    sub.no_unknown_fields(PLAYBACK_FIELDS)
    start, end = sub.date("from"), sub.date("to")
    per_second = raw.get("per_second")
    if per_second not in PER_SECOND:
        wrong = "is missing" if per_second is None else f"unknown value {short(per_second)}"
        sub.fail("per_second", f"{wrong}; allowed: {', '.join(PER_SECOND)} (played a second)")
    for name, day in (("from", start), ("to", end)):
        # The timeline runs over the data's dates and no further.
        if day is not None and span is not None and not span[0] <= day <= span[1]:
            sub.fail(name, f"{day} is outside the data's dates ({span[0]} to {span[1]})")
    if start is not None and end is not None and start >= end:
        sub.fail("to", f"{end} is not after 'from' ({start}): nothing would play")
    rec.failed = rec.failed or sub.failed
    if sub.failed or start is None or end is None:
        return None
    return ScenePlayback(start, end, str(per_second))


def _scene(rec: Record, catalog: Catalog) -> Scene:
    rec.no_unknown_fields(SCENE_FIELDS)
    title = rec.text("title") or ""
    points = rec.texts("talking_points")
    claim_filter = _filter(rec, rec.data.get("filters"), catalog.meta.actor_ids)
    as_of = rec.date("as_of") if "as_of" in rec.data else None
    since = rec.date("since") if "since" in rec.data else None
    span = catalog.index.date_span
    for name, day in (("as_of", as_of), ("since", since)):
        # The app's date widgets only take days inside the data's dates.
        if day is not None and span is not None and not span[0] <= day <= span[1]:
            rec.fail(name, f"{day} is outside the data's dates ({span[0]} to {span[1]})")
    view = _view(rec, rec.data.get("view"))
    playback = _playback(rec, rec.data.get("playback"), _playable_span(catalog))
    highlight = rec.texts("highlight", required=False)
    for place_id in highlight:
        place = catalog.places.get(place_id)
        if place is None:
            rec.fail("highlight", f"{place_id!r} is not a place in the data")
        elif place.off_map:
            # A scene frames its highlighted places (scene_frame); one drawn
            # off the map would be left out of the frame while the scene speaks of it.
            rec.fail(
                "highlight",
                f"{place_id!r} is marked off_map (outside the map's region), so the "
                "scene's map cannot show it: name it in the talking points instead",
            )
    return Scene(title, points, claim_filter, as_of, since, view, highlight, playback)


def _playable_span(catalog: Catalog) -> tuple[str, str] | None:
    """The days the timeline plays: the data's dates, up to the data's own day if later."""
    span = catalog.index.date_span
    if span is None:
        return None
    return span[0], max(span[1], catalog.as_of or span[1])


def _briefing(payload: Any, stem: str, catalog: Catalog, out: Collector) -> Briefing | None:
    if payload is None:
        return None
    if not isinstance(payload, dict):
        out.add("-", "-", "a briefing file is a JSON object with id, title and scenes")
        return None
    rid = payload.get("id") if isinstance(payload.get("id"), str) else stem
    rec = Record(payload, rid, out)
    rec.no_unknown_fields(BRIEFING_FIELDS)
    briefing_id = rec.text("id")
    if briefing_id is not None and not SLUG.fullmatch(briefing_id):
        # A link names the briefing by its id: one a link cannot carry is no use.
        rec.fail("id", "use only letters, digits, '-' and '_' (at most 80), so a link can name it")
        briefing_id = None
    title = rec.text("title")
    summary = rec.text("summary", required=False)
    raw_scenes = payload.get("scenes")
    if not isinstance(raw_scenes, list) or not raw_scenes:
        rec.fail("scenes", "must be a non-empty list of scenes")
        return None
    scenes = []
    for number, raw in enumerate(raw_scenes, start=1):
        if not isinstance(raw, dict):
            rec.fail(f"scenes[{number}]", "must be an object")
            continue
        scene_rec = Record(raw, rid, out, prefix=f"scenes[{number}].")
        scene = _scene(scene_rec, catalog)
        rec.failed = rec.failed or scene_rec.failed
        scenes.append(scene)
    if rec.failed or briefing_id is None or title is None:
        return None
    return Briefing(id=briefing_id, title=title, scenes=tuple(scenes), summary=summary)


def load_briefings(
    data_dir: Path, catalog: Catalog
) -> tuple[dict[str, Briefing], list[ValidationIssue]]:
    """Every valid briefing in ``<data_dir>/briefings/``, and the issues of the rest.

    A briefing with any error is left out whole: a briefer should not walk into
    a meeting with a scene missing from the middle of the story.
    """
    folder = Path(data_dir) / BRIEFINGS_DIR
    if not folder.is_dir():
        return {}, []
    payloads = []
    for path in sorted(folder.glob("*.json")):
        out = Collector(briefing_file(path.stem))
        payloads.append((path.stem, read_json(path, out), out.issues))
    return briefings_of(payloads, catalog)


def briefing_file(stem: str) -> str:
    """A briefing's file in the data folder, as errors name it: ``briefings/<stem>.json``."""
    return f"{BRIEFINGS_DIR}/{stem}.json"


def briefings_of(
    payloads: Iterable[tuple[str, Any, Sequence[ValidationIssue]]], catalog: Catalog
) -> tuple[dict[str, Briefing], list[ValidationIssue]]:
    """Every valid briefing of ``(file stem, parsed JSON, issues reading it)``, and the issues.

    What :func:`load_briefings` does with a folder's files, for briefings held
    elsewhere (a store's records). A retired briefing (``"retired":
    "YYYY-MM-DD"``, issue 27) is left out without an error.
    """
    briefings: dict[str, Briefing] = {}
    issues: list[ValidationIssue] = []
    for stem, payload, read_issues in payloads:
        out = Collector(briefing_file(stem))
        issues += read_issues
        if isinstance(payload, dict) and real_day(payload.get(RETIRED_FIELD)) is not None:
            continue
        if isinstance(payload, dict) and RETIRED_FIELD in payload:
            rid = payload.get("id")
            out.add(
                short(rid, quote=False) if isinstance(rid, str) else stem,
                RETIRED_FIELD,
                'is not a day: a retired briefing says when it was retired, "YYYY-MM-DD"',
            )
            issues += out.issues
            continue
        briefing = _briefing(payload, stem, catalog, out)
        if briefing is not None and briefing.id in briefings:
            out.add(briefing.id, "id", "duplicate briefing id")
            briefing = None
        issues += out.issues
        if briefing is not None:
            briefings[briefing.id] = briefing
    return briefings, issues
