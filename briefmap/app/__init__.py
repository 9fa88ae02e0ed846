"""The Streamlit side of Briefmap: the only package that imports Streamlit.

Everything it shows is computed by the pure modules of ``briefmap``; here it is
loaded, held in the session, laid out and linked:

- ``data``: loading and caching the data and briefings (one copy per version of
  the files, shared by every session), and the session's own uploads;
- ``session``: every session-state key, and :class:`~briefmap.app.session.Form`,
  the one converter between widget values, the state and the link's parameters;
- ``link``: reading the link once, writing it, Copy link, the link's notices;
- ``view``: the view of one run (state, selection, changes), built once by
  ``app.py`` and handed to the page;
- ``sidebar``: the shared sidebar;
- ``search_results``: what the sidebar's search finds, listed under its box;
- ``scenes``: briefings' scenes and presentation view;
- ``map_panel``: the map and its footer;
- ``layer_files``: a large map's layers as files under ``static/layers/``, which
  the map's frame fetches instead of receiving them through Streamlit;
- ``playback``: time playback's tape for the map's frame, and the day it
  rests on taken as the sidebar's "As of";
- ``card``: the claim card;
- ``panels``: data problems, the upload, changes, the timeline chart, downloads;
- ``own_claims_panel``: the upload panel's "Turn rows into claims" (a column per
  field, a live preview, Apply);
- ``desk``: the desk page: a report drafted into claims (``briefmap.desk``),
  reviewed card by card, the accepted ones previewed as the session's own data;
- ``store``: the store this server reads and edits (a shared database when
  one is configured, else the files), opened once per process;
- ``editors``: who may edit: the server's editing setting, the visitor's
  sign-in, and the rules between;
- ``editor``: the editor page's shared parts (who edits, the store, a save and
  its refusals), every change saved through the store; its forms:
  ``editor_claim`` (a claim's every field), ``editor_places`` (a new place or
  source), ``editor_briefing`` (a briefing's scenes), ``editor_history``
  (the audit trail and undo) and ``editor_map`` (a small map whose clicks
  pick a claim's place or a new place's pin);
- ``pack_panel``: Export briefing, the briefing picked as an offline HTML pack
  and a PDF handout;
- ``png_panel``: the PNG snapshot, drawn on request by the server's Chromium,
  and a drawn file offered once done (the PDF handout's too);
- ``page_style``: the pages' stylesheets, sent first in every run, and the
  content held out of sight until they apply;
- ``streamlit_internals``: the Streamlit internals the app relies on (its
  ``pages/`` folder mode, its elements' test ids), in one place.

``app.py`` and ``pages/`` use only the names below.
"""

from briefmap.app.card import claim_card
from briefmap.app.link import link_notices
from briefmap.app.map_panel import briefing_map, map_columns, map_footer
from briefmap.app.page_style import held, sidebar_state, style_pages
from briefmap.app.panels import (
    changes_panel,
    claims_panel,
    data_problems,
    deferred_download,
    empty_result_notice,
    timeline_chart,
    upload_claims,
    upload_panel,
)
from briefmap.app.scenes import page_heading, presentation_frame, scene_text, talking_points
from briefmap.app.view import (
    BriefingView,
    build_view,
    current_view,
    embedded,
    end_of_run,
    publish,
)

__all__ = [
    "BriefingView",
    "briefing_map",
    "build_view",
    "changes_panel",
    "claim_card",
    "claims_panel",
    "current_view",
    "data_problems",
    "deferred_download",
    "embedded",
    "empty_result_notice",
    "end_of_run",
    "held",
    "link_notices",
    "map_columns",
    "map_footer",
    "page_heading",
    "presentation_frame",
    "publish",
    "scene_text",
    "sidebar_state",
    "style_pages",
    "talking_points",
    "timeline_chart",
    "upload_claims",
    "upload_panel",
]
