"""Session state: every key in one place, and the one converter of the filter's forms.

The filter is held three ways: as widget values in ``st.session_state`` (under
the keys below), as a :class:`~briefmap.engine.state.BriefingState` (what they mean,
with its :class:`~briefmap.engine.query.ClaimFilter`), and as link parameters (named in
``briefmap/engine/state.py``). :class:`Form` converts between them for one catalog,
whose place kinds and reporting dates bound the widgets. A run reads the state
once (``view.build_view``) and writes the link once (``view.end_of_run``).

The functions at the end only write state, so callbacks may call them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import streamlit as st

from briefmap.data.schema import Actor, Catalog, ClaimStatus, PlaceKind
from briefmap.data.validate import real_day
from briefmap.engine.briefings import Briefing
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame
from briefmap.engine.query import ClaimFilter, Deployments
from briefmap.engine.state import BriefingState, MapArea, MapView, parse, to_params

# The sidebar's widgets: the filter, the days, presentation view, the briefing.
KEY_ACTORS = "filter_actors"
KEY_STATUSES = "filter_statuses"
KEY_DEPLOYMENTS = "filter_deployments"
KEY_KINDS = "filter_kinds"
KEY_SEARCH = "filter_search"
KEY_DATES = "filter_dates"
KEY_AS_OF = "as_of_day"
KEY_SINCE = "since_day"
KEY_PRESENT = "presentation"
KEY_TIMELINE = "show_timeline"  # the timeline chart is drawn only when asked for
KEY_BRIEFING = "briefing"
# Widgets that own their value: never set before they are drawn (Streamlit
# refuses to set an uploader's, and the card resets its own place).
KEY_SELECTED_PLACE = "selected_place"  # the claim card's place
KEY_CARD_SEARCH = "card_search"
KEY_UPLOAD_FILES = "upload_files"
KEY_UPLOAD_LAYER = "upload_layer"  # an uploaded GeoPackage's layer of places
# Set by the app.
KEY_SCENE = "scene"  # the running briefing's scene number, 1-based
KEY_VIEW_REQUEST = (
    "map_view_request"  # what the app last asked the map for: a Frame, or an old link's MapView
)
KEY_FRAME_SERIAL = "map_frame_serial"  # how many frames the app has asked for
KEY_MAP_VIEW = "map_view_now"  # the view for the link: only the user's own (or a link's)
KEY_LAST_REPORTED_VIEW = "map_view_reported"  # the map's last report of an area the user moved to
KEY_LAST_CLICK = "last_handled_click"
KEY_RUN = "run_number"  # counts the session's runs
KEY_SIDEBAR_RUN = "sidebar_run"  # the run that last laid out the sidebar (view.sidebar_first)
KEY_MAP_DRAWN = "map_drawn"  # (run, presentation) of the last run that drew the map
KEY_URL_READ = "url_read"
# Set on a session's first run when the page on screen sent the sidebar's values:
# a page that outlived its server (app/link.py, read_link_once).
KEY_PAGE_KEPT = "page_kept"
# Set on a session's first run when the server read no link: the page checks for
# one too long for Streamlit (app/link.py, check_link_in_browser).
KEY_LINK_CHECK = "link_check"
KEY_CLICK_RAN = "click_ran"  # the button whose callback Streamlit ran before this run (button)
KEY_CLICK_HELD = "click_held"  # a click a new session's first run got, for the next run
KEY_NOTICES = "link_notices"
KEY_PNG = "png_snapshot"  # (what it draws, the Future of the PNG being drawn)
KEY_UPLOAD = "upload_result"
KEY_DESK_PREVIEW = "desk_preview"  # the desk's reviewed drafts, shown as the session's own data
KEY_UPLOAD_LAYERS = "upload_layers"  # (content hash, layers) of the uploaded GeoPackage
KEY_VIEW = "briefing_view"  # the view app.py computed, for the page

FILTER_KEYS = (KEY_ACTORS, KEY_STATUSES, KEY_DEPLOYMENTS, KEY_KINDS, KEY_SEARCH, KEY_DATES)
# The sidebar's widgets whose values the session sets (init, a link, a scene).
SIDEBAR_KEYS = (KEY_PRESENT, KEY_BRIEFING, *FILTER_KEYS, KEY_AS_OF, KEY_SINCE)

# The map frame's height in pixels before the page's CSS sizes it to the window
# (briefmap/drawing/web/map-columns.css).
MAP_HEIGHT = 640


@dataclass(frozen=True)
class Form:
    """The sidebar for one catalog: widget values <-> state <-> link parameters."""

    first: dt.date  # the reporting dates the slider spans
    last: dt.date
    kinds: tuple[PlaceKind, ...]  # the place kinds present
    actors: tuple[Actor, ...]  # the data's actors (catalog.meta), in its order

    @classmethod
    def of(cls, catalog: Catalog) -> Form:
        span = catalog.index.date_span or ("2000-01-01", dt.date.today().isoformat())
        first, last = (dt.date.fromisoformat(iso) for iso in span)
        return cls(first, last, tuple(catalog.index.kinds), catalog.meta.actors)

    @cached_property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    def actor_label(self, actor_id: str) -> str:
        """The sidebar's label for an actor id."""
        return next((a.label for a in self.actors if a.id == actor_id), actor_id)

    @cached_property
    def defaults(self) -> ClaimFilter:
        """What a fresh visitor sees: everything."""
        return ClaimFilter(
            actors=frozenset(self.actor_ids),
            statuses=frozenset(ClaimStatus),
            deployments=Deployments.INCLUDE_PROPOSED,
            kinds=frozenset(self.kinds),
        )

    def filter_values(self, flt: ClaimFilter) -> dict[str, object]:
        """The filter widgets' values for a filter (``None``, or every option: empty)."""
        first, last = self.first, self.last
        start = dt.date.fromisoformat(flt.reported_from) if flt.reported_from else first
        end = dt.date.fromisoformat(flt.reported_to) if flt.reported_to else last
        return {
            KEY_ACTORS: _chips(self.actor_ids, flt.actors),
            KEY_STATUSES: _chips(tuple(ClaimStatus), flt.statuses),
            KEY_DEPLOYMENTS: flt.deployments,
            KEY_KINDS: _chips(self.kinds, flt.kinds),
            KEY_SEARCH: flt.search,
            KEY_DATES: (max(first, min(start, last)), min(last, max(end, first))),
        }

    def read(self, values: Mapping[str, Any], briefings: Mapping[str, Briefing]) -> BriefingState:
        """The state the widget values (and the map's last report) hold."""
        start, end = values.get(KEY_DATES, (self.first, self.last))
        # An empty choice is everything (the widgets start empty: "All ...").
        flt = ClaimFilter(
            actors=frozenset(values.get(KEY_ACTORS) or self.actor_ids),
            statuses=frozenset(values.get(KEY_STATUSES) or ClaimStatus),
            deployments=values.get(KEY_DEPLOYMENTS, Deployments.INCLUDE_PROPOSED),
            kinds=frozenset(values.get(KEY_KINDS) or self.kinds),
            search=values.get(KEY_SEARCH) or "",
            reported_from=start.isoformat() if start > self.first else None,
            reported_to=end.isoformat() if end < self.last else None,
        )
        briefing = briefings.get(values.get(KEY_BRIEFING) or "")
        number = values.get(KEY_SCENE)
        if briefing is None or not number:
            briefing_id, scene = None, None
        else:
            briefing_id, scene = briefing.id, min(max(number, 1), len(briefing.scenes))
        return BriefingState(
            claim_filter=flt,
            as_of=self.typed_day(values.get(KEY_AS_OF), "As of")[0],
            since=self.typed_day(values.get(KEY_SINCE), "What changed since")[0],
            view=values.get(KEY_MAP_VIEW),
            place=values.get(KEY_SELECTED_PLACE),
            present=bool(values.get(KEY_PRESENT)),
            briefing=briefing_id,
            scene=scene,
        )

    def day_value(self, iso: str | None, what: str, notices: list[str]) -> str:
        """A day field's text for a link's or scene's day, inside the data's dates.

        A day outside them is moved in, with a notice; no day is ``""``.
        """
        if real_day(iso) is None:
            return ""
        value = dt.date.fromisoformat(iso)
        inside = min(max(value, self.first), self.last)
        if inside != value:
            notices.append(
                f"The {what} {iso} is outside the data's dates ({self.first} to {self.last}); "
                f"showing {inside}."
            )
        return inside.isoformat()

    def typed_day(self, text: object, field: str) -> tuple[str | None, str | None]:
        """A typed day field: the day it holds, or what is wrong with it, naming ``field``.

        The fields are text, typed as YYYY-MM-DD (Streamlit applies a text
        field on Enter; its date field only on blur). Empty is no day; a
        day that is not one, or outside the data's dates, is not used.
        """
        typed = text.strip() if isinstance(text, str) else ""
        if not typed:
            return None, None
        # Untrusted: quoted back cut short; the sidebar escapes it for Markdown.
        shown = f"“{typed[:20]}{'…' if len(typed) > 20 else ''}”"
        if real_day(typed) is None:
            return None, (
                f"{field}: {shown} is not a day. Type it as YYYY-MM-DD, e.g. {self.last}."
            )
        if not self.first.isoformat() <= typed <= self.last.isoformat():
            return None, (
                f"{field}: {typed} is outside the data's dates; "
                f"type a day from {self.first} to {self.last}."
            )
        return typed, None

    def params(self, state: BriefingState) -> dict[str, str]:
        """The link's parameters for a state; what a fresh visitor sees is left out."""
        return to_params(state, defaults=self.defaults, actor_ids=self.actor_ids)

    def parse(self, params: Mapping[str, str | list[str]]) -> tuple[BriefingState, list[str]]:
        """A link's state, sets it leaves out at their defaults, and notices of what was ignored."""
        state, notices = parse(params, self.actor_ids)
        flt, base = state.claim_filter, self.defaults
        flt = replace(
            flt,
            actors=base.actors if flt.actors is None else flt.actors,
            statuses=base.statuses if flt.statuses is None else flt.statuses,
            kinds=base.kinds if flt.kinds is None else flt.kinds,
        )
        return replace(state, claim_filter=flt), notices


def _chips(options: tuple[Any, ...], picked: frozenset[Any] | None) -> list[Any]:
    """A multiselect's value for a set: empty for all of ``options`` ("empty means all").

    Six actors, five statuses and a dozen kinds as chips pushed the time
    controls below the fold; empty, each filter is one line.
    """
    if picked is None or set(options) <= picked:
        return []
    return [o for o in options if o in picked]


def init(form: Form) -> None:
    """At the top of every run: the sidebar's widgets start at "everything, today"."""
    defaults: dict[str, object] = {
        **form.filter_values(form.defaults),
        KEY_AS_OF: "",
        KEY_SINCE: "",
        KEY_PRESENT: False,
        KEY_BRIEFING: None,
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    st.session_state[KEY_RUN] = int(st.session_state.get(KEY_RUN) or 0) + 1


def map_drawn_afresh(present: bool) -> bool:
    """Whether this run draws the map anew (the last run drew another page, or the other view).

    Streamlit drops a component that a run does not draw, so coming back to
    the Map page, or switching presentation view (another base map), mounts a
    new map: it frames again what it is asked for.
    """
    run = int(st.session_state.get(KEY_RUN) or 0)
    afresh = st.session_state.get(KEY_MAP_DRAWN) != (run - 1, present)
    st.session_state[KEY_MAP_DRAWN] = (run, present)
    return afresh


# ------------------------------------------------------ writers (callback-safe)


def set_values(values: Mapping[str, object]) -> None:
    for key, value in values.items():
        st.session_state[key] = value


def reset_filters() -> None:
    """Callback: back to showing everything, today."""
    for key in (*FILTER_KEYS, KEY_AS_OF, KEY_SINCE):
        st.session_state.pop(key, None)


def select_place(place_id: str) -> None:
    """Callback: open a place's claim card."""
    st.session_state[KEY_SELECTED_PLACE] = place_id


def exit_presentation() -> None:
    """Callback: leave presentation view."""
    st.session_state[KEY_PRESENT] = False


def request_view(view: MapView, *, in_link: bool = True) -> None:
    """Ask the map for a centre and zoom on the next run (``st_folium`` sets it).

    An old link's view stays in the link (``in_link``); a scene's does not:
    its link names the scene.
    """
    previous = st.session_state.get(KEY_VIEW_REQUEST)
    # st_folium only moves the map when centre or zoom differ from the last
    # request, so asking for the same view twice nudges the centre invisibly.
    if previous is not None and previous == view:
        lat, lng = view.center
        view = MapView(center=(lat + 1e-7, lng), zoom=view.zoom)
    st.session_state[KEY_VIEW_REQUEST] = view
    st.session_state[KEY_MAP_VIEW] = view if in_link else None


def request_fit(
    bounds: list[list[float]],
    *,
    max_zoom: int | None = PLACES_MAX_ZOOM,
    area: MapArea | None = None,
) -> None:
    """Ask the map to frame ``[[south, west], [north, east]]`` in its own size, on the next run.

    The browser fits it (``briefmap/drawing/web/fit-when-sized.js``): only it knows
    the map's size. A frame the app asks for is not a view for the link,
    unless it is a link's own ``area`` (framed exactly, and kept in the link).
    """
    serial = int(st.session_state.get(KEY_FRAME_SERIAL) or 0) + 1
    st.session_state[KEY_FRAME_SERIAL] = serial
    exact = area is not None
    st.session_state[KEY_VIEW_REQUEST] = Frame.of(
        bounds, serial, None if exact else max_zoom, exact=exact
    )
    st.session_state[KEY_MAP_VIEW] = area


def button(where: Any, label: str, *, on_click: Any, args: tuple = (), **options: Any) -> bool:
    """``where.button(label, on_click=..., args=...)`` whose callback runs for a new session too.

    A page that outlived its server sends its next click as the first run of a
    new session (issue 25, finding 7), and Streamlit calls only callbacks the
    session has registered: in a new one the button returned True and did
    nothing. Then the callback is kept and the app reruns at once:
    :func:`run_held_click`, before any widget of the next run, does what the
    callback would have done before this one (a callback may set widgets' keys,
    which a script may not once those widgets are drawn).
    """
    token = options.get("key") or label

    def callback(*given: Any) -> None:
        st.session_state[KEY_CLICK_RAN] = token
        on_click(*given)

    clicked = bool(where.button(label, on_click=callback, args=args, **options))
    if clicked and st.session_state.pop(KEY_CLICK_RAN, None) != token:
        st.session_state[KEY_CLICK_HELD] = (on_click, args)
        st.rerun()
    return clicked


def run_held_click() -> None:
    """At the top of a run, before any widget: the click :func:`button` held for it, if any."""
    held = st.session_state.pop(KEY_CLICK_HELD, None)
    if held is not None:
        on_click, args = held
        on_click(*args)
