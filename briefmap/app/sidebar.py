"""The shared sidebar: presentation view, briefing, filters, time and the user's own data."""

from __future__ import annotations

import hashlib

import streamlit as st

from briefmap.app.data import Data
from briefmap.app.pack_panel import briefing_export
from briefmap.app.scenes import briefing_pick_unheard, on_briefing_change
from briefmap.app.search_results import search_changed, search_results
from briefmap.app.session import (
    KEY_ACTORS,
    KEY_AS_OF,
    KEY_BRIEFING,
    KEY_DATES,
    KEY_DEPLOYMENTS,
    KEY_KINDS,
    KEY_PRESENT,
    KEY_SEARCH,
    KEY_SINCE,
    KEY_STATUSES,
    KEY_UPLOAD_FILES,
    KEY_UPLOAD_LAYER,
    KEY_UPLOAD_LAYERS,
    Form,
    button,
    reset_filters,
)
from briefmap.data.gis_files import (
    GIS_FORMATS,
    GeoPackageLayers,
    geopackage_layers,
    gis_format,
)
from briefmap.data.schema import ClaimStatus
from briefmap.data.uploads import MAX_FEATURES, MAX_UPLOAD_BYTES
from briefmap.engine.query import Deployments
from briefmap.engine.timeline import as_of
from briefmap.safe import markdown_text

NO_BRIEFING = "None: explore freely"


def sidebar(data: Data, form: Form) -> None:
    """Lay out the shared sidebar; the widgets hold their values in the session."""
    with st.sidebar:
        st.toggle(
            "Presentation view", key=KEY_PRESENT, help="Large type, high contrast, no sidebar."
        )
        if data.briefings:
            picked = st.selectbox(
                "Briefing",
                [None, *data.briefings],
                key=KEY_BRIEFING,
                format_func=lambda b: NO_BRIEFING if b is None else data.briefings[b].title,
                # Streamlit shows a None value as the placeholder, not as its option.
                placeholder=NO_BRIEFING,
                on_change=on_briefing_change,
                args=(data,),
            )
            briefing_pick_unheard(data, picked)
            # The briefing picked, every scene: an offline HTML pack and a PDF handout.
            briefing_export(data, st.session_state.get(KEY_BRIEFING))
        st.subheader("Filters")
        st.text_input(
            "Search places and claims",
            key=KEY_SEARCH,
            on_change=search_changed,  # the map frames what it finds
            placeholder="A place in any language, or a claim's words",
            help=(
                "Finds places by their English, Arabic and Russian names and other "
                "spellings, and claims by their summary, claimant and attribution; "
                "forgiving of case, accents, script and small misspellings."
            ),
        )
        # Listed against the day shown ("As of"), as the map is.
        day, _ = form.typed_day(st.session_state.get(KEY_AS_OF), "As of")
        search_results(as_of(data.loaded.catalog, day), st.session_state.get(KEY_SEARCH) or "")
        # Empty means all: a filter is one line until the user narrows it, so
        # the time controls stay in view (session.Form reads empty as everything).
        st.multiselect(
            "Actor",
            list(form.actor_ids),
            key=KEY_ACTORS,
            format_func=form.actor_label,
            placeholder="All actors",
        )
        st.multiselect(
            "Claim status",
            list(ClaimStatus),
            key=KEY_STATUSES,
            format_func=lambda s: s.label,
            placeholder="All statuses",
            help="How well sourced a claim is; see Sources & method for definitions.",
        )
        # One line, like the filters around it (a radio took four).
        st.selectbox(
            "Proposed deployments",
            list(Deployments),
            key=KEY_DEPLOYMENTS,
            format_func=lambda d: d.label,
        )
        st.multiselect(
            "Place kind",
            list(form.kinds),
            key=KEY_KINDS,
            format_func=lambda k: k.label,
            placeholder="All kinds of place",
        )
        st.subheader("Time")
        # Text fields, not st.date_input: Streamlit applies a text field on
        # Enter, its date field only when focus leaves it (issue 13, finding 8).
        _day_field(
            form,
            "As of",
            KEY_AS_OF,
            "The picture as it was known that day: later claims hidden, each at the "
            "status it had then. Type YYYY-MM-DD and press Enter; empty: today.",
        )
        _day_field(
            form,
            "What changed since",
            KEY_SINCE,
            "Marks claims that are new, upgraded, downgraded or retired since this day. "
            "Type YYYY-MM-DD and press Enter; empty: no comparison.",
        )
        # After the two days a briefer sets most, which stay above the fold at 1080p.
        # A range because the session holds one (session.init); but the range a page
        # that outlived its server sent is read as a range only with a range for
        # default (link.read_link_once), which the session must not hold as well.
        if form.first < form.last:
            dates = {} if KEY_DATES in st.session_state else {"value": (form.first, form.last)}
            st.slider(
                "Reported between",
                key=KEY_DATES,
                format="YYYY-MM-DD",
                min_value=form.first,
                max_value=form.last,
                **dates,
            )
        else:  # one day: nothing to narrow, and Streamlit's slider refuses equal ends
            st.caption(f"Reported between: every claim was reported on {form.first.isoformat()}.")
        button(st, "Reset filters", on_click=reset_filters, width="stretch")
        with st.expander("Your own data"):
            files = st.file_uploader(
                "Places (GeoJSON, KML, KMZ, GeoPackage or a zipped Shapefile), "
                "claims (JSON or CSV), sources (JSON)",
                type=["geojson", "json", "csv", *(s.lstrip(".") for s in GIS_FORMATS)],
                accept_multiple_files=True,
                key=KEY_UPLOAD_FILES,
                help=(
                    f"Checked like geodata/ and shown as their own layer, to you only. "
                    f"Up to {MAX_UPLOAD_BYTES // (1024 * 1024)} MB and {MAX_FEATURES:,} records a file. "
                    "Claims may cite the briefing's own places and sources by id. "
                    "GIS files: columns name, kind, precision, and for a claim status, "
                    "posture, actors... (the README's field convention)."
                ),
            )
            _layer_choice(files or [])


def _day_field(form: Form, label: str, key: str, help_text: str) -> None:
    """A day typed as YYYY-MM-DD, applied on Enter; what is wrong with it, named, below it."""
    st.text_input(
        label, key=key, placeholder=f"YYYY-MM-DD, e.g. {form.last}", max_chars=40, help=help_text
    )
    _, problem = form.typed_day(st.session_state.get(key), label)
    if problem:
        st.error(markdown_text(problem), icon=":material/event_busy:")


ALL_LAYERS = "All layers"


def _layer_choice(files: list) -> None:
    """A choice of layer when the uploaded GeoPackage has more than one layer of places.

    Its tables come first, the first the default; its views are marked and read
    only when chosen (a view may be a query without end). With no table, nothing
    is chosen until the user picks a view. Somebody else's GeoPackage (the
    user's own layer) has "All layers" first, the default.
    """
    upload = next((f for f in files if gis_format(f.name) == "GeoPackage"), None)
    layers = _geopackage_layers(upload.getvalue()) if upload is not None else GeoPackageLayers()
    if len(layers.names) > 1 or layers.views:
        views = set(layers.views)
        # Somebody else's GeoPackage is the user's own layer: all its tables by
        # default (None: no layer named), or one of them.
        every = layers.own and len(layers.tables) > 1
        st.selectbox(
            "GeoPackage layer of places",
            [None, *layers.names] if every else layers.names,
            index=0 if layers.tables else None,
            format_func=lambda name: (
                ALL_LAYERS if name is None else f"{name} (view)" if name in views else name
            ),
            placeholder="Choose a view to read",
            key=KEY_UPLOAD_LAYER,
        )
    else:
        st.session_state.pop(KEY_UPLOAD_LAYER, None)


def _geopackage_layers(raw: bytes) -> GeoPackageLayers:
    """The uploaded GeoPackage's layers, listed once per file (a listing is a budgeted read)."""
    digest = hashlib.sha256(raw).hexdigest()
    held = st.session_state.get(KEY_UPLOAD_LAYERS)
    if held is None or held[0] != digest:
        held = (digest, geopackage_layers(raw))
        st.session_state[KEY_UPLOAD_LAYERS] = held
    return held[1]
