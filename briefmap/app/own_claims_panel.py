"""The upload panel's "Turn rows into claims": a column per Briefmap field, a live preview, Apply.

The user's own layer is their data, not sourced claims; here they say, on
purpose, which column is which field (or one value for every row), see how
many rows would become claims and why the others would not (in
``python -m briefmap validate --mapping``'s words), and apply it: the claims
join the upload's, drawn beside the briefing with status styling. An ACLED
export starts from ACLED's ready mapping. The mapping itself is
:mod:`briefmap.engine.own_claims`; this module only lays out widgets.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from briefmap.app.data import Upload
from briefmap.app.session import KEY_UPLOAD
from briefmap.app.view import BriefingView
from briefmap.data.convention import field_of
from briefmap.data.own_layer import OwnLayer
from briefmap.data.validate import group_issues
from briefmap.data.wording import counted
from briefmap.engine.acled import acled_mapping, layer_columns, ready_mapping
from briefmap.engine.own_claims import (
    STATUS_FROM_SOURCES,
    TARGETS,
    ColumnMapping,
    claims_from_rows,
    describe_row_claims,
    with_row_claims,
)
from briefmap.safe import markdown_text

EXPANDER = "Turn rows into claims"
NONE = "none"
FIXED = "one value for every row"
# Groups of errors shown in the preview (the rest: validate --mapping lists them all).
PREVIEW_GROUPS = 10
LABELS = {
    "status": "Status",
    "actors": "Actors",
    "reported": "Reported (day)",
    "claimant": "Claimant",
    "sources": "Sources (outlets, ';' between)",
    "summary": "Summary",
    "attribution": "Attribution",
    "posture": "Posture",
    "role": "Role",
    "name_en": "Place name",
    "kind": "Place kind",
    "precision": "Precision",
    "off_map": "Off map",
}


def _key(number: int, part: str) -> str:
    return f"own_claims_{number}_{part}"


def _mapping_chosen(number: int, layer: OwnLayer) -> ColumnMapping:
    """The mapping the widgets say: a column, none, or one value for every row, per field."""
    columns = layer_columns(layer)
    if ready_mapping(layer) is not None and st.checkbox(
        "Use ACLED's ready mapping (its columns are recognised)",
        value=True,
        key=_key(number, "acled"),
    ):
        return acled_mapping()
    chosen: dict[str, str] = {}
    fixed: dict[str, str] = {}
    for target in TARGETS:
        options = [NONE, FIXED, *columns]
        if target == "status":
            options.insert(1, STATUS_FROM_SOURCES)
        guess = next((c for c in columns if field_of(c) == target), NONE)
        picked = st.selectbox(
            LABELS[target], options, index=options.index(guess), key=_key(number, target)
        )
        if picked == STATUS_FROM_SOURCES:
            fixed[target] = STATUS_FROM_SOURCES
        elif picked == FIXED:
            fixed[target] = st.text_input(
                f"{LABELS[target]}: one value for every row", key=_key(number, f"{target}_fixed")
            )
        elif picked != NONE:
            chosen[target] = picked
    return ColumnMapping(columns=chosen, fixed=fixed)


def _apply(upload: Upload, made_catalog_of: int, base_key: str) -> None:
    """Apply's callback: the session's upload with the mapped claims (state only)."""
    made = st.session_state.get(base_key)
    if made is None:
        return
    held: Upload = st.session_state.get(KEY_UPLOAD) or upload
    result = held.result
    st.session_state[KEY_UPLOAD] = dataclasses.replace(
        held,
        result=dataclasses.replace(result, catalog=with_row_claims(result.catalog, made)),
    )
    st.session_state[_key(made_catalog_of, "applied")] = made.claims


def rows_to_claims(view: BriefingView) -> None:
    """For each own layer of the upload: the mapping's widgets, its preview and Apply."""
    upload = view.upload
    if upload is None:
        return
    for number, layer in enumerate(upload.result.own_layers):
        if not layer.features:
            continue
        with st.expander(f"{EXPANDER}: {markdown_text(layer.source_file)}"):
            mapping = _mapping_chosen(number, layer)
            # Made again only when the file or the mapping changes (50,000 rows take
            # seconds), and kept for Apply's callback, which runs before the next run.
            wanted = (
                upload.digest,
                mapping.name,
                sorted(mapping.columns.items()),
                sorted(mapping.fixed.items()),
            )
            kept = st.session_state.get(_key(number, "made"))
            if kept is None or st.session_state.get(_key(number, "for")) != wanted:
                kept = claims_from_rows(layer, mapping, view.data.loaded.catalog)
                st.session_state[_key(number, "made")] = kept
                st.session_state[_key(number, "for")] = wanted
            made = kept
            st.caption(markdown_text(describe_row_claims(made)))
            groups = group_issues(made.issues)
            for group in groups[:PREVIEW_GROUPS]:
                st.markdown(f"- {markdown_text(str(group))}")
            if len(groups) > PREVIEW_GROUPS:
                st.caption(
                    f"And {len(groups) - PREVIEW_GROUPS:,} more groups: "
                    "`python -m briefmap validate FILE --mapping` lists every one."
                )
            st.button(
                f"Apply: add {made.claims:,} claim{'s' if made.claims != 1 else ''} to the map",
                key=_key(number, "apply"),
                disabled=not made.claims,
                on_click=_apply,
                args=(upload, number, _key(number, "made")),
            )
            applied = st.session_state.get(_key(number, "applied"))
            if applied:
                st.caption(
                    f"On the map: {counted(applied, 'claim')} from your rows, with the upload's "
                    "(your data, shown to you only)."
                )
