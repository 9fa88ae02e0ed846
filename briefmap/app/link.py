"""The link: read once when a session opens, written when what is on screen changes.

A link is untrusted input: what in it cannot be used is dropped with a notice
(:func:`link_notices`), never an exception. The parameters' names live in
``briefmap/engine/state.py``; :class:`~briefmap.app.session.Form` converts them.
A link too long for Streamlit reaches the server empty; the page reads it again
(:func:`check_link_in_browser`).
"""

from __future__ import annotations

import html
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from briefmap.app import streamlit_internals
from briefmap.app.data import Data
from briefmap.app.scenes import apply_scene
from briefmap.app.session import (
    KEY_AS_OF,
    KEY_LINK_CHECK,
    KEY_NOTICES,
    KEY_PAGE_KEPT,
    KEY_PRESENT,
    KEY_SELECTED_PLACE,
    KEY_SINCE,
    KEY_URL_READ,
    SIDEBAR_KEYS,
    Form,
    request_fit,
    request_view,
    set_values,
)
from briefmap.drawing.assets import web_style, web_text
from briefmap.engine.state import FILTER_PARAMS, KNOWN, P_DROPPED, MapArea
from briefmap.safe import markdown_text, script_json

# The container of the script that reads a link too long for Streamlit; it takes no room.
LINK_CHECK_KEY = "bm-link-check"
# The longest value the page keeps of each parameter of such a link: longer than
# any the app writes (a search is cut at 200 characters).
KEPT_VALUE = 1000
# Streamlit's own parameters, kept too: an embedded app stays embedded.
STREAMLIT_PARAMS = ("embed", "embed_options")


def read_link_once(data: Data, form: Form) -> None:
    """On a session's first run, take filters, view, place, scene from the URL.

    Except what the page on screen holds in its sidebar. A page that outlived
    its server opens a new session with its next change, sending the values of
    all its widgets, that change among them; its URL is the link of the state
    before it. Set from the link (or to the defaults), the sidebar's widgets
    would take the old values and the change would be lost (issue 25, finding
    7). So the values the page sent stand, and this run lays the sidebar out
    first (``view.sidebar_first``), so that the state is read from them.
    """
    if st.session_state.get(KEY_URL_READ):
        return
    st.session_state[KEY_URL_READ] = True
    kept = streamlit_internals.keys_the_page_sent() & set(SIDEBAR_KEYS)
    try:
        _read_link(data, form)
    finally:
        for key in kept:
            st.session_state.pop(key, None)
        st.session_state[KEY_PAGE_KEPT] = bool(kept)


def _read_link(data: Data, form: Form) -> None:
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    st.session_state[KEY_LINK_CHECK] = not params
    state, notices = form.parse(params)
    if state.briefing is not None:
        briefing = data.briefings.get(state.briefing)
        if briefing is not None:
            apply_scene(data, briefing.id, state.scene)
            if state.scene and state.scene > len(briefing.scenes):
                notices.append(f"The briefing has {len(briefing.scenes)} scenes; showing the last.")
        else:
            notices.append(f"Ignored briefing {state.briefing!r}: there is no such briefing.")
    # A scene's filters hold unless the link sets some of its own.
    if set(params) & set(FILTER_PARAMS):
        set_values(form.filter_values(state.claim_filter))
    if state.as_of:
        st.session_state[KEY_AS_OF] = form.day_value(state.as_of, "'as of' date", notices)
    if state.since:
        st.session_state[KEY_SINCE] = form.day_value(state.since, "comparison date", notices)
    if isinstance(state.view, MapArea):
        request_fit(state.view.bounds, area=state.view)
    elif state.view is not None:
        request_view(state.view)
    if state.place is not None:
        if state.place in data.loaded.catalog.places:
            st.session_state[KEY_SELECTED_PLACE] = state.place
        else:
            notices.append(f"Ignored place {state.place!r}: there is no such place.")
    if state.present:
        st.session_state[KEY_PRESENT] = True
    # After any scene's own notices (apply_scene above).
    st.session_state[KEY_NOTICES] = [*(st.session_state.get(KEY_NOTICES) or []), *notices]


def link_check_html() -> str:
    """The page's script that opens a link too long for Streamlit again, cut to what the app reads.

    With Streamlit's limits (``streamlit_internals.query_string_limits``) and the
    app's parameter names (``briefmap/drawing/web/link-too-long.js``).
    """
    fields, length = streamlit_internals.query_string_limits()
    limits = {
        "fields": fields,
        "length": length,
        "known": [*(k for k in KNOWN if k != P_DROPPED), *STREAMLIT_PARAMS],
        "marker": P_DROPPED,
        "value": KEPT_VALUE,
    }
    return (
        f"<style>.st-key-{LINK_CHECK_KEY} {{ display: none; }}</style>"
        f"<script>window.__bmLinkLimits = {script_json(limits)};\n"
        f"{web_text('link-too-long.js')}</script>"
    )


def check_link_in_browser() -> None:
    """At the end of a session's first run, when the server read no link: the page checks its own.

    Streamlit drops a query over its limits whole before the script runs, so
    the server cannot tell that link from a bare one. The page can: it opens
    the link again with only the app's parameters and ``dropped``, which the
    link's notice reports. At the end of the run, so that no element after it moves.
    """
    if not st.session_state.pop(KEY_LINK_CHECK, False):
        return
    with st.container(key=LINK_CHECK_KEY):
        st.html(link_check_html(), unsafe_allow_javascript=True)


def write_link(params: dict[str, str]) -> None:
    """Keep the URL in step with what is on screen, so a copied link reproduces it.

    Compared with the URL as it is, not as last written: moving to another
    page empties the URL's query, and the link must come back.
    """
    if params != st.query_params.to_dict():
        st.query_params.from_dict(params)


def link_notices() -> None:
    """Say what in the link was ignored, and why."""
    notices = st.session_state.get(KEY_NOTICES) or []
    if notices:
        st.warning(
            "Parts of the link could not be used:\n\n"
            + "\n".join(f"- {markdown_text(n)}" for n in notices),
            icon=":material/link_off:",
        )


def copy_link_html(url: str) -> str:
    """The "Copy link" box: the link's text, a button that copies it in one tap, and a status line.

    Streamlit's code box shows its copy button only while a mouse hovers over
    it: none on a phone or tablet (issue 25, finding 10). The button's script is
    ``briefmap/drawing/web/copy-link.js``. The link holds the user's search text,
    so it is escaped both where it is shown and in the attribute the script reads.
    """
    shown = html.escape(url, quote=True)
    return (
        f"{web_style('copy-link.css')}"
        f'<div class="bm-copy-link" data-link="{shown}">'
        f'<code class="bm-copy-link-url">{shown}</code>'
        '<button type="button" class="bm-copy-link-button">Copy link</button>'
        '<p class="bm-copy-link-status" role="status" aria-live="polite"></p>'
        f"</div><script>{web_text('copy-link.js')}</script>"
    )


def copy_link(params: dict[str, str]) -> None:
    """A "Copy link" control: the link, shown and copied by a button that works on touch screens."""
    current = urlsplit(str(st.context.url or ""))
    url = urlunsplit((current.scheme, current.netloc, current.path or "/", urlencode(params), ""))
    with st.popover("Copy link", icon=":material/link:", width="content"):
        st.caption("Anyone with the link sees these filters, this view and this scene.")
        st.html(copy_link_html(url), unsafe_allow_javascript=True)
