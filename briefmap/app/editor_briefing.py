"""The editor page's briefing form: each scene's title, talking points, highlights, view, filters, playback.

Saved through the store as every change is (:mod:`briefmap.app.editor`). The
form's values go into the record as typed (:mod:`briefmap.engine.edit_scenes`):
the loader's own check refuses what it refuses, each issue shown beside its
scene's field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

import streamlit as st

from briefmap.app.editor import (
    KEY_BRIEFING_DONE,
    KEY_BRIEFING_LOADED,
    KEY_BRIEFING_PICK,
    KEY_DONE,
    KEY_STALE,
    Loaded,
    field_issues,
    issues_where,
    said_once,
    save,
    stale_panel,
)
from briefmap.app.editor_claim import place_labels, place_options
from briefmap.app.editor_map import KEY_MAP_VIEW
from briefmap.app.view import BriefingView
from briefmap.data.schema import ClaimStatus, PlaceKind
from briefmap.engine.briefings import PER_SECOND
from briefmap.engine.edit_scenes import (
    FilterDraft,
    PlaybackDraft,
    SceneDraft,
    ViewDraft,
    briefing_record,
    talking_points_of,
)
from briefmap.engine.query import Deployments
from briefmap.engine.state import MapView
from briefmap.safe import plain_text
from briefmap.store.base import (
    WHY_FIELD,
    Edit,
    Editor,
    Store,
)

# A scene's fields as the loader's issues name them (``scenes[2].filters.from``),
# each shown beside its widget; the widget's session key is "edit_scene_<i>_<key>".
SCENE_FIELD_KEYS = {
    "title": "title",
    "talking_points": "points",
    "highlight": "highlight",
    "view": "view",
    "filters.actors": "actors",
    "filters.statuses": "statuses",
    "filters.kinds": "kinds",
    "filters.deployments": "deployments",
    "filters.search": "search",
    "filters.from": "from",
    "filters.to": "to",
    "playback.from": "play_from",
    "playback.to": "play_to",
    "playback.per_second": "per_second",
}
VIEW_KEYS = ("view_lat", "view_lon", "view_zoom")


def scene_key(index: int, name: str) -> str:
    """The session key of a scene's field (scenes counted from 0)."""
    return f"edit_scene_{index}_{name}"


def _fill_scenes(record: Mapping[str, Any] | None) -> None:
    """Set the scenes' widgets from the stored briefing (before they are drawn in this run)."""
    st.session_state["edit_briefing_title"] = (record or {}).get("title", "")
    for index, scene in enumerate((record or {}).get("scenes") or []):
        draft = SceneDraft.of(scene if isinstance(scene, dict) else {})
        view = draft.view or ViewDraft()
        filters = draft.filters or FilterDraft()
        playback = draft.playback or PlaybackDraft()
        values: dict[str, Any] = {
            "title": draft.title,
            "points": "\n".join(draft.talking_points),
            "highlight": list(draft.highlight or ()),
            "view_lat": view.lat,
            "view_lon": view.lon,
            "view_zoom": view.zoom,
            "actors": list(filters.actors),
            "statuses": list(filters.statuses),
            "kinds": list(filters.kinds),
            "deployments": filters.deployments,
            "search": filters.search,
            "from": filters.reported_from,
            "to": filters.reported_to,
            "play_from": playback.start,
            "play_to": playback.end,
            "per_second": playback.per_second,
        }
        for name, value in values.items():
            st.session_state[scene_key(index, name)] = value


def _scene_draft(index: int) -> SceneDraft:
    def value(name: str) -> Any:
        return st.session_state.get(scene_key(index, name))

    def text(name: str) -> str:
        return value(name) or ""

    def chosen(name: str) -> tuple[str, ...]:
        return tuple(value(name) or ())

    zoom = value("view_zoom")
    return SceneDraft(
        title=text("title"),
        talking_points=talking_points_of(text("points")),
        highlight=chosen("highlight"),
        view=ViewDraft(value("view_lat"), value("view_lon"), None if zoom is None else int(zoom)),
        filters=FilterDraft(
            actors=chosen("actors"),
            statuses=chosen("statuses"),
            kinds=chosen("kinds"),
            deployments=value("deployments") or Deployments.INCLUDE_PROPOSED.value,
            search=text("search"),
            reported_from=text("from"),
            reported_to=text("to"),
        ),
        playback=PlaybackDraft(text("play_from"), text("play_to"), value("per_second")),
    )


def _beside(field: str, number: int, name: str) -> bool:
    """Whether a loader's issue field (``scenes[2].filters.from``) is scene ``number``'s ``name``."""
    own = f"scenes[{number}].{name}"
    return field == own or field.startswith((own + ".", own + "["))


def _unplaced(field: str, number: int) -> bool:
    """A scene's issue that no field of the form shows (its as_of, an unknown field)."""
    inside = field == f"scenes[{number}]" or field.startswith(f"scenes[{number}].")
    return inside and not any(_beside(field, number, name) for name in SCENE_FIELD_KEYS)


def _choices(values: Iterable[str], chosen: Sequence[str] | str | None) -> list[str]:
    """A widget's options: the vocabulary, and what the record holds besides (for the check to name)."""
    held = [chosen] if isinstance(chosen, str) else list(chosen or ())
    return list(dict.fromkeys([*values, *held]))


def _vocab_label(vocab: type[Enum]) -> Callable[[str], str]:
    def label(value: str) -> str:
        try:
            return str(vocab(value).label)  # type: ignore[attr-defined]
        except ValueError:
            return f"{plain_text(value)} (not a value the data knows)"

    return label


def _take_map_view(index: int) -> None:
    """Callback: the small map's centre and zoom become scene ``index``'s view."""
    shown: MapView | None = st.session_state.get(KEY_MAP_VIEW)
    if shown is None:
        return
    lat, lon = shown.center
    st.session_state[scene_key(index, "view_lat")] = lat
    st.session_state[scene_key(index, "view_lon")] = lon
    st.session_state[scene_key(index, "view_zoom")] = shown.zoom


def _scene_form(view: BriefingView, what: str, index: int, *, disabled: bool) -> None:
    """One scene's fields, each with the last refused save's issues beside it."""
    number = index + 1
    catalog = view.loaded.catalog

    def field(widget: Callable[..., Any], label: str, name: str, **options: Any) -> Any:
        key = SCENE_FIELD_KEYS[name]
        shown = widget(label, key=scene_key(index, key), disabled=disabled, **options)
        issues_where(what, lambda f: _beside(f, number, name))
        return shown

    def held(name: str) -> Any:
        return st.session_state.get(scene_key(index, name))

    field(st.text_input, f"Scene {number}: title", "title")
    field(st.text_area, f"Scene {number}: talking points, one a line", "talking_points")
    field(
        st.multiselect,
        f"Scene {number}: highlighted places",
        "highlight",
        options=place_options(view, held("highlight") or [], scene_key(index, "highlight_find")),
        format_func=place_labels(view),
        help="The places the scene frames and rings on the map.",
    )
    lat_column, lon_column, zoom_column = st.columns(3)
    lat_column.number_input(
        f"Scene {number}: view, latitude", key=scene_key(index, "view_lat"), value=None,
        format="%.4f", disabled=disabled,
    )  # fmt: skip
    lon_column.number_input(
        f"Scene {number}: view, longitude", key=scene_key(index, "view_lon"), value=None,
        format="%.4f", disabled=disabled,
    )  # fmt: skip
    zoom_column.number_input(
        f"Scene {number}: view, zoom", key=scene_key(index, "view_zoom"), value=None, step=1,
        disabled=disabled,
    )  # fmt: skip
    issues_where(what, lambda f: _beside(f, number, "view"))
    st.button(
        "Use the map's current view",
        key=scene_key(index, "take_view"),
        on_click=_take_map_view,
        args=(index,),
        disabled=disabled or st.session_state.get(KEY_MAP_VIEW) is None,
        help="The small map's centre and zoom, once you have moved it; used when the scene "
        "highlights no place on the map.",
    )
    with st.expander(f"Scene {number}: filters"):
        actors = catalog.meta.actor_ids
        field(
            st.multiselect,
            "Actors",
            "filters.actors",
            options=_choices(actors, held("actors")),
            format_func=lambda a: plain_text(catalog.meta.actor(a).label if a in actors else a),
            placeholder="Every actor",
        )
        for label, name, vocab, every in (
            ("Statuses", "filters.statuses", ClaimStatus, "Every status"),
            ("Kinds of place", "filters.kinds", PlaceKind, "Every kind"),
        ):
            field(
                st.multiselect,
                label,
                name,
                options=_choices([m.value for m in vocab], held(SCENE_FIELD_KEYS[name])),
                format_func=_vocab_label(vocab),
                placeholder=every,
            )
        field(
            st.selectbox,
            "Proposed deployments",
            "filters.deployments",
            options=_choices([d.value for d in Deployments], held("deployments")),
            format_func=_vocab_label(Deployments),
        )
        field(st.text_input, "Search", "filters.search")
        field(st.text_input, "Reported from", "filters.from", placeholder="YYYY-MM-DD")
        field(st.text_input, "Reported to", "filters.to", placeholder="YYYY-MM-DD")
    with st.expander(f"Scene {number}: playback"):
        field(st.text_input, "Played from", "playback.from", placeholder="YYYY-MM-DD")
        field(st.text_input, "Played to", "playback.to", placeholder="YYYY-MM-DD")
        field(
            st.selectbox,
            "Speed: played a second",
            "playback.per_second",
            options=[None, *_choices(PER_SECOND, held("per_second"))],
            format_func=lambda p: "No playback" if p is None else plain_text(f"a {p}"),
        )
    issues_where(what, lambda f: _unplaced(f, number))


def briefing_form(view: BriefingView, store: Store, editor: Editor | None) -> None:
    """A briefing's title, and each scene's every field."""
    briefings = view.data.briefings
    if not briefings:
        st.caption("The data has no briefings.")
        return
    picked = st.selectbox(
        "Briefing",
        list(briefings),
        key=KEY_BRIEFING_PICK,
        format_func=lambda b: plain_text(briefings[b].title),
    )
    loaded: Loaded | None = st.session_state.get(KEY_BRIEFING_LOADED)
    if loaded is None or loaded.id != picked:
        record, revision = store.get("briefing", picked)
        loaded = Loaded("briefing", picked, record, revision)
        st.session_state[KEY_BRIEFING_LOADED] = loaded
        _fill_scenes(record)
    what = f"briefing {picked}"
    said_once(KEY_BRIEFING_DONE)
    stale_panel("briefing", picked, _keep_mine_briefing)
    issues_where(what, lambda f: not f.startswith("scenes[") and f not in ("title", WHY_FIELD))
    disabled = editor is None
    st.text_input("Title", key="edit_briefing_title", disabled=disabled)
    field_issues(what, "title")
    scenes = (loaded.record or {}).get("scenes") or []
    for index, _ in enumerate(scenes):
        with st.container(border=True, key=f"edit_scene_{index}"):
            _scene_form(view, what, index, disabled=disabled)
    st.text_area("Why change this briefing (required)", key="edit_briefing_why", disabled=disabled)
    field_issues(what, WHY_FIELD)
    if editor is None or not st.button("Save briefing", key="edit_briefing_save"):
        return
    drafts = [_scene_draft(i) for i in range(len(scenes))]
    record = briefing_record(
        loaded.record or {}, st.session_state.get("edit_briefing_title") or "", drafts
    )
    if save(
        what,
        store,
        [Edit("briefing", picked, record, loaded.revision)],
        editor,
        st.session_state.get("edit_briefing_why") or "",
    ):
        st.session_state.pop(KEY_BRIEFING_LOADED, None)
        st.session_state.pop(KEY_DONE, None)  # said in this tab, not the claim's
        st.session_state[KEY_BRIEFING_DONE] = f"Saved briefing {picked}."
        st.rerun()


def _keep_mine_briefing(revision: int) -> None:
    loaded: Loaded | None = st.session_state.get(KEY_BRIEFING_LOADED)
    if loaded is not None:
        st.session_state[KEY_BRIEFING_LOADED] = Loaded(
            loaded.kind, loaded.id, loaded.record, revision
        )
    st.session_state.pop(KEY_STALE, None)
