"""The view of one run: the data, the state, what it selects; built once, handed to the page.

``app.py`` builds it (:func:`build_view`: load, read the link, lay out the
sidebar, read the state once) and publishes it; the page takes it with
:func:`current_view`; the map may hand on a view with its own report in it; at
the end of the run :func:`end_of_run` writes the link for the view the page
left (and, on a session's first run, lays out the sidebar: :func:`sidebar_first`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import streamlit as st

from briefmap.app import streamlit_internals
from briefmap.app.data import Data, Upload, current_upload, load
from briefmap.app.link import check_link_in_browser, read_link_once, write_link
from briefmap.app.playback import apply_played_day
from briefmap.app.search_results import frame_found
from briefmap.app.session import (
    KEY_PAGE_KEPT,
    KEY_RUN,
    KEY_SIDEBAR_RUN,
    KEY_VIEW,
    Form,
    init,
    run_held_click,
)
from briefmap.app.sidebar import sidebar
from briefmap.data.loader import LoadResult
from briefmap.data.own_layer import OwnLayer
from briefmap.data.schema import Catalog
from briefmap.drawing.html_export import Overlay
from briefmap.engine.briefings import Briefing, Scene
from briefmap.engine.query import ClaimFilter, Selection
from briefmap.engine.state import BriefingState
from briefmap.engine.timeline import Change, shown_on


@dataclass(frozen=True)
class BriefingView:
    """What every page needs: the data, the filters, and what they select."""

    data: Data
    form: Form
    state: BriefingState
    shown: Catalog  # the catalog as of the chosen day
    selection: Selection
    changes: tuple[Change, ...] = ()
    upload: Upload | None = None

    @property
    def loaded(self) -> LoadResult:
        return self.data.loaded

    @property
    def catalog(self) -> Catalog:
        return self.shown

    @property
    def claim_filter(self) -> ClaimFilter:
        return self.state.claim_filter

    @property
    def briefing(self) -> Briefing | None:
        """The briefing running, if any (its scene number is ``state.scene``)."""
        return self.data.briefings[self.state.briefing] if self.state.briefing else None

    @property
    def scene(self) -> Scene | None:
        briefing = self.briefing
        return briefing.scenes[self.state.scene - 1] if briefing and self.state.scene else None

    @property
    def own_layers(self) -> tuple[OwnLayer, ...]:
        """The user's own layers: the data's (a file of somebody else's as the data), the upload's."""
        return (*self.loaded.own_layers, *(self.upload.result.own_layers if self.upload else ()))

    @property
    def own_payloads(self) -> tuple[tuple[str, ...] | None, ...]:
        """:attr:`own_layers`' canvas payloads, as their owners keep them (app/data.py)."""
        return (*self.data.own_payloads, *(self.upload.own_payloads if self.upload else ()))

    @cached_property
    def params(self) -> dict[str, str]:
        """The link's parameters for this view (converted once, for the link and Copy link)."""
        return self.form.params(self.state)

    @cached_property
    def upload_selection(self) -> Selection | None:
        """The user's upload under the same filters (for its panel and its layer)."""
        if self.upload is None:
            return None
        mine, flt = self.upload.result.catalog, self.claim_filter
        # Actors the user's rows brought (own_claims' new actors) have no checkbox
        # in the sidebar's filter, so no filter leaves them out.
        theirs = set(mine.meta.actor_ids) - set(self.catalog.meta.actor_ids)
        if theirs and flt.actors is not None:
            flt = replace(flt, actors=flt.actors | theirs)
        return mine.index.select(flt)

    @cached_property
    def overlay(self) -> Overlay | None:
        """The upload as drawn beside the briefing (map, exports, Claims), if it has claims."""
        mine = self.upload_selection
        if self.upload is None or mine is None or not mine.total_claims:
            return None
        return Overlay(self.upload.result.catalog, mine, ", ".join(self.upload.names))


def sidebar_first() -> bool:
    """Whether this run lays out the sidebar before the page: every run but a session's first.

    On a visitor's first run the page goes first, so that the browser asks for
    the map's code and frame before the code of the sidebar's dozen kinds of
    widget: Streamlit fetches each kind's code as its first widget arrives,
    over six connections, and the map waited behind them (BENCHMARKS.md). The
    same run lays the sidebar out at its end (:func:`end_of_run`). No sidebar
    is on screen until then, so none of its widgets can be stale or clicked
    meanwhile. Later runs lay it out first: laid out last, the sidebar was the
    previous run's for the length of every run, and a click on it could be lost.
    The sidebar's values come from the session state either way (``init``).
    A page that outlived its server is no visitor's first run: its sidebar is
    on screen, its values are the ones it sent (``link.read_link_once``), and
    the state is read from them, so the sidebar goes first then too.
    """
    return int(st.session_state.get(KEY_RUN) or 0) > 1 or bool(st.session_state.get(KEY_PAGE_KEPT))


def embedded() -> bool:
    """Whether the page is embedded in another site's with Streamlit's ``?embed=true``.

    An embedded map has no sidebar: the link (its ``src``) sets its filters,
    view and scene, and the page list is hidden too (``app.py``).
    """
    return bool(st.context.is_embedded)


def _lay_out_sidebar(data: Data, form: Form) -> None:
    if not embedded():
        sidebar(data, form)
    st.session_state[KEY_SIDEBAR_RUN] = st.session_state.get(KEY_RUN)


def build_view() -> BriefingView:
    """Load data, read the link, lay out the sidebar (see :func:`sidebar_first`), apply filters and time."""
    data = load()
    form = Form.of(data.loaded.catalog)
    init(form)
    read_link_once(data, form)
    run_held_click()  # after the link: the click changes what the link set
    apply_played_day()  # the day time playback rests on, before the sidebar's day fields
    if sidebar_first():
        _lay_out_sidebar(data, form)
    state = form.read(st.session_state, data.briefings)
    shown, selection, changes = shown_on(
        data.loaded.catalog, state.claim_filter, state.as_of, state.since
    )
    state = frame_found(shown, selection, state)
    return BriefingView(data, form, state, shown, selection, changes, current_upload(data))


def publish(view: BriefingView) -> None:
    """Hand the view on: from ``app.py`` to the page, and from the map to the link."""
    st.session_state[KEY_VIEW] = view


def current_view() -> BriefingView:
    """The view ``app.py`` computed for this run."""
    if KEY_VIEW not in st.session_state:
        # Only in Streamlit's pages/ folder mode does a page run before app.py,
        # and app.py does not write the link after it.
        streamlit_internals.leave_pages_folder_mode()
        publish(build_view())
        end_of_run()
    return st.session_state[KEY_VIEW]


def end_of_run() -> None:
    """After the page: the sidebar if this run has not laid it out, then the link.

    The link is the view the page left (the map may have moved).
    """
    view: BriefingView = st.session_state[KEY_VIEW]
    if st.session_state.get(KEY_SIDEBAR_RUN) != st.session_state.get(KEY_RUN):
        _lay_out_sidebar(view.data, view.form)
    check_link_in_browser()
    write_link(view.params)
