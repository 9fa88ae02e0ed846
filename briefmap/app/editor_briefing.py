"""The editor page's briefing form: a briefing's scenes, a filter, view and day each.

Saved through the store as every change is (:mod:`briefmap.app.editor`).
"""

from __future__ import annotations

import streamlit as st

from briefmap.app.editor import (
    KEY_BRIEFING_LOADED,
    KEY_BRIEFING_PICK,
    KEY_DONE,
    KEY_STALE,
    Loaded,
    field_issues,
    other_issues,
    save,
    stale_panel,
)
from briefmap.app.view import BriefingView
from briefmap.engine.edit_forms import (
    SceneDraft,
    briefing_record,
    talking_points_of,
)
from briefmap.safe import plain_text
from briefmap.store.base import (
    WHY_FIELD,
    Edit,
    Editor,
    Store,
)


def briefing_form(view: BriefingView, store: Store, editor: Editor | None) -> None:
    """A briefing's title, and each scene's title and talking points (one a line)."""
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
        st.session_state["edit_briefing_title"] = (record or {}).get("title", "")
        for index, scene in enumerate((record or {}).get("scenes") or []):
            st.session_state[f"edit_scene_{index}_title"] = scene.get("title", "")
            st.session_state[f"edit_scene_{index}_points"] = "\n".join(
                scene.get("talking_points") or []
            )
    what = f"briefing {picked}"
    stale_panel("briefing", picked, _keep_mine_briefing)
    other_issues(what, ("title", WHY_FIELD))
    disabled = editor is None
    st.text_input("Title", key="edit_briefing_title", disabled=disabled)
    field_issues(what, "title")
    scenes = (loaded.record or {}).get("scenes") or []
    for index, _ in enumerate(scenes):
        with st.container(border=True):
            st.text_input(
                f"Scene {index + 1}: title", key=f"edit_scene_{index}_title", disabled=disabled
            )
            st.text_area(
                f"Scene {index + 1}: talking points, one a line",
                key=f"edit_scene_{index}_points",
                disabled=disabled,
            )
            field_issues(what, f"scenes[{index + 1}]", f"scene {index + 1}")
    st.text_area("Why change this briefing (required)", key="edit_briefing_why", disabled=disabled)
    field_issues(what, WHY_FIELD)
    if editor is None or not st.button("Save briefing", key="edit_briefing_save"):
        return
    drafts = [
        SceneDraft(
            st.session_state.get(f"edit_scene_{i}_title") or "",
            talking_points_of(st.session_state.get(f"edit_scene_{i}_points") or ""),
        )
        for i in range(len(scenes))
    ]
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
        st.session_state[KEY_DONE] = f"Saved briefing {picked}."
        st.rerun()


def _keep_mine_briefing(revision: int) -> None:
    loaded: Loaded | None = st.session_state.get(KEY_BRIEFING_LOADED)
    if loaded is not None:
        st.session_state[KEY_BRIEFING_LOADED] = Loaded(
            loaded.kind, loaded.id, loaded.record, revision
        )
    st.session_state.pop(KEY_STALE, None)
