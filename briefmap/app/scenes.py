"""Briefings and presentation view: stepping through scenes, and the page around the map."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import streamlit as st

from briefmap.app.data import Data
from briefmap.app.session import (
    KEY_AS_OF,
    KEY_BRIEFING,
    KEY_CLICK_HELD,
    KEY_NOTICES,
    KEY_PAGE_KEPT,
    KEY_RUN,
    KEY_SCENE,
    KEY_SELECTED_PLACE,
    KEY_SINCE,
    Form,
    button,
    exit_presentation,
    request_fit,
    request_view,
    set_values,
)
from briefmap.drawing.assets import web_style, web_text
from briefmap.engine.briefings import scene_frame
from briefmap.engine.interaction import Frame
from briefmap.engine.state import P_BRIEFING
from briefmap.safe import markdown_text

if TYPE_CHECKING:
    from briefmap.app.view import BriefingView

# The containers of presentation view's heading row on the Map page, and of its
# way back to the map on the others: streamlit-dom.css restyles Streamlit's page
# (sidebar, header, background) where either is present.
PRESENT_HEAD_KEY = "bm-present-head"
PRESENT_NAV_KEY = "bm-present-nav"
# The container of the Map page's header outside presentation view, compact
# (map-page.css, sent first in every run by app/page_style.py).
MAP_HEAD_KEY = "bm-map-head"
# The Map page as app.py registers it with st.navigation (for st.page_link).
MAP_PAGE = "pages/map.py"
# Presentation view's page around the map (briefmap/drawing/web/presentation-page.css).
PRESENTATION_PAGE_CSS = web_style("presentation-page.css")
# The Map page's compact header (briefmap/drawing/web/map-page.css), sent with
# the app's other page stylesheets (app/page_style.py).
MAP_PAGE_CSS = web_style("map-page.css")
# The container of the script that answers a presentation clicker's keys
# (briefmap/drawing/web/scene-keys.js); it takes no room (presentation-page.css).
SCENE_KEYS_KEY = "bm-scene-keys"
SCENE_KEYS_SCRIPT = f"<script>{web_text('scene-keys.js')}</script>"
# The container of a scene's text in presentation view (its talking points and its
# change list), which presentation-page.css sets to fit beside the map.
SCENE_TEXT_KEY = "bm-scene-text"


def apply_scene(data: Data, briefing_id: str | None, number: int | None) -> None:
    """Callback-safe: set filters, day, view and scene number from a briefing's scene."""
    briefing = data.briefings.get(briefing_id or "")
    if briefing is None:
        set_values({KEY_BRIEFING: None, KEY_SCENE: None})
        return
    number = min(max(number or 1, 1), len(briefing.scenes))
    scene = briefing.scenes[number - 1]
    catalog = data.loaded.catalog
    form = Form.of(catalog)
    notices: list[str] = []
    set_values(
        {
            KEY_BRIEFING: briefing.id,
            KEY_SCENE: number,
            **form.filter_values(scene.claim_filter),
            KEY_AS_OF: form.day_value(scene.as_of, "scene's 'as of' date", notices),
            KEY_SINCE: form.day_value(scene.since, "scene's comparison date", notices),
            KEY_SELECTED_PLACE: None,
        }
    )
    if notices:
        st.session_state[KEY_NOTICES] = [*(st.session_state.get(KEY_NOTICES) or []), *notices]
    # The browser fits a frame in the map's own size; a centre and zoom are set.
    framing = scene_frame(catalog, scene)
    if isinstance(framing, Frame):
        request_fit([list(corner) for corner in framing.bounds], max_zoom=framing.max_zoom)
    else:
        request_view(framing, in_link=False)


def on_briefing_change(data: Data) -> None:
    """Callback: a briefing picked in the sidebar starts at its first scene."""
    apply_scene(data, st.session_state.get(KEY_BRIEFING), 1)


def briefing_pick_unheard(data: Data, picked: str | None) -> None:
    """After the briefing picker is drawn: a pick its callback never heard is made, in a rerun.

    A page that outlived its server sends its next change as a new session's
    first run, and Streamlit calls only callbacks a session has registered: a
    briefing picked first after a restart showed as picked, and no scene of it
    ran (issue 25, finding 7). Then the page's pick differs from its link's
    (the link of the state before it), and :func:`on_briefing_change` is held
    for the next run, as ``session.button`` holds a click: it sets widgets'
    keys, which this run, having drawn them, may not.
    """
    if not st.session_state.get(KEY_PAGE_KEPT) or int(st.session_state.get(KEY_RUN) or 0) != 1:
        return
    linked = st.query_params.get(P_BRIEFING)
    if picked != (linked if linked in data.briefings else None):
        st.session_state[KEY_CLICK_HELD] = (on_briefing_change, (data,))
        st.rerun()


def presentation_frame(view: BriefingView, *, map_page: bool = True) -> None:
    """In presentation view: hide the sidebar, enlarge type, offer a way out.

    The sidebar and its page list are hidden there, so a page other than the
    map offers the way back to it itself (the map page's own row has Exit).
    """
    if not view.state.present:
        return
    # Our own constant CSS. Style only: st.html puts it in the event container,
    # taking no room, and unlike Markdown with HTML needs no HTML parser's code
    # in the page (190 KB the first map waited behind).
    st.html(PRESENTATION_PAGE_CSS)
    if not map_page:
        with st.container(key=PRESENT_NAV_KEY):
            back, leave, _ = st.columns([1.4, 1.4, 4], vertical_alignment="center")
            with back:
                st.page_link(MAP_PAGE, label="Back to the map", icon=":material/map:")
            button(
                leave,
                "Exit presentation view",
                on_click=exit_presentation,
                width="stretch",
                key="exit_presentation_page",
            )


def page_heading(view: BriefingView, title: str, caption: str) -> None:
    """The page title, or in presentation view one compact row with the controls."""
    if not view.state.present:
        with st.container(key=MAP_HEAD_KEY):
            st.title(markdown_text(title))
            st.caption(markdown_text(caption))
            scene_bar(view)
        return
    briefing, scene = view.briefing, view.scene
    heading = (
        f"{view.state.scene}/{len(briefing.scenes)} · {scene.title}"
        if briefing and scene
        else title
    )
    # Keyed, so that on a phone streamlit-dom.css keeps the buttons in one row
    # under the title rather than stacked full-width above the map.
    with st.container(key=PRESENT_HEAD_KEY):
        text, back, forward, leave = st.columns([5, 1.3, 1.3, 1], vertical_alignment="center")
        text.markdown(f"#### {markdown_text(heading)}")
        _scene_buttons(view, back, forward)
        button(
            leave,
            "Exit",
            on_click=exit_presentation,
            width="stretch",
            help="Leave presentation view",
        )
    # PageDown/PageUp, the arrow keys and Space press the buttons above, as a
    # clicker sends them; Home and End the First/Last pair here, which the row has
    # no room to show (the container is hidden, and with it the pair, from screen
    # readers too: Previous/Next do their work). The script registers itself once per page.
    with st.container(key=SCENE_KEYS_KEY):
        st.html(SCENE_KEYS_SCRIPT, unsafe_allow_javascript=True)
        _scene_playback(view)
        _scene_ends(view)


def _scene_playback(view: BriefingView) -> None:
    """The running scene's playback range, for the keys script to play on Next."""
    scene = view.scene
    if view.briefing is None or scene is None or scene.playback is None:
        return
    playback = scene.playback
    # Validated days, a slug and a number: nothing here comes raw from the file.
    st.html(
        f'<div class="bm-scene-playback" data-scene="{view.briefing.id}/{view.state.scene}" '
        f'data-from="{playback.start}" data-to="{playback.end}" '
        f'data-per-second="{playback.days_per_second}"></div>'
    )


def scene_bar(view: BriefingView) -> None:
    """Scene title, number and previous/next buttons, when a briefing is running."""
    briefing, scene = view.briefing, view.scene
    if briefing is None or scene is None:
        return
    st.markdown(
        f"**{markdown_text(briefing.title)}** · scene {view.state.scene} of "
        f"{len(briefing.scenes)}: **{markdown_text(scene.title)}**"
    )
    back, forward, _ = st.columns([1, 1, 4])
    _scene_buttons(view, back, forward)


def _scene_buttons(view: BriefingView, back: Any, forward: Any) -> None:
    briefing, number = view.briefing, view.state.scene
    if briefing is None or number is None:
        return
    # Words, not only arrows: a button's label is its name for a screen reader.
    button(
        back,
        "◀ Previous",
        on_click=apply_scene,
        args=(view.data, briefing.id, number - 1),
        disabled=number <= 1,
        width="stretch",
        key="scene_previous",
        help="Previous scene",
    )
    last = number >= len(briefing.scenes)
    # A last scene with a playback range keeps Next: its first press (key, clicker
    # or click) plays the range (scene-keys.js); after that there is nowhere to go.
    plays = view.scene is not None and view.scene.playback is not None
    button(
        forward,
        "Next ▶",
        on_click=_stay if last else apply_scene,
        args=() if last else (view.data, briefing.id, number + 1),
        disabled=last and not plays,
        width="stretch",
        key="scene_next",
        help="Play the scene's range" if last and plays else "Next scene",
    )


def _stay() -> None:
    """Next on a last scene that plays: the range played, the briefing stays where it is."""


def _scene_ends(view: BriefingView) -> None:
    briefing, number = view.briefing, view.state.scene
    if briefing is None or number is None:
        return
    last = len(briefing.scenes)
    for label, key, to in (("First scene", "scene_first", 1), ("Last scene", "scene_last", last)):
        button(
            st,
            label,
            on_click=apply_scene,
            args=(view.data, briefing.id, to),
            disabled=number == to,
            key=key,
        )


def scene_text(view: BriefingView) -> None:
    """Presentation view's text beside the map: the talking points, then what changed.

    Both are what the briefer speaks to, so both come before the claim card; at
    1280x720 scene 4's change list was under the card, below the fold (issue 25,
    finding 5). presentation-page.css sizes the type to keep them on the screen.
    """
    # Imported here: panels imports view, which imports this module (for links' scenes).
    from briefmap.app.panels import changes_panel

    with st.container(key=SCENE_TEXT_KEY):
        talking_points(view)
        changes_panel(view)


def talking_points(view: BriefingView) -> None:
    """The running scene's talking points, as a list."""
    if view.scene is None:
        return
    st.markdown("**Talking points**")
    st.markdown("\n".join(f"- {markdown_text(p)}" for p in view.scene.talking_points))
