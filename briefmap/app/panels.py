"""The panels around the map: problems, the upload, changes, the timeline, downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import Any

import streamlit as st

from briefmap.app.own_claims_panel import rows_to_claims
from briefmap.app.playback import tape_for
from briefmap.app.session import KEY_TIMELINE, KEY_VIEW_REQUEST, button, reset_filters
from briefmap.app.view import BriefingView
from briefmap.data.own_layer import OWN_LAYER_MARK, describe_own_layer
from briefmap.data.schema import Catalog, ClaimStatus
from briefmap.data.uploads import describe
from briefmap.data.validate import IssueGroup, ValidationIssue, examples_text
from briefmap.drawing.html_export import ExportView, whole_data_set
from briefmap.drawing.own_canvas import own_layer_drawn
from briefmap.engine.query import Selection
from briefmap.engine.tables import (
    CLAIM_COLUMNS,
    claims_table,
    issues_table,
    rows_for_screen,
    to_csv,
)
from briefmap.engine.timeline import Change
from briefmap.safe import markdown_text

# Groups of errors drawn in a panel, whatever their number: one element each
# was a flood (50,000 markdown elements kept a tab busy for over 200 s). The
# full list is one download away, and printed by `python -m briefmap validate`.
GROUPS_SHOWN = 20


def _group_line(group: IssueGroup) -> str:
    """A group of errors as one Markdown list item; every part from the data escaped."""
    where = f"- **{markdown_text(group.file)}**"
    field = f"field **{markdown_text(group.field)}**: {markdown_text(group.message)}"
    if group.count == 1:
        return f"{where}, record **{markdown_text(group.records[0])}**, {field}"
    records = (
        ""
        if group.records == ("-",)
        else f", in records {markdown_text(examples_text(group.records, group.count))}"
    )
    return f"{where}, {field} (**{group.count:,}** errors{records})"


def _issue_list(
    title: str,
    groups: Sequence[IssueGroup],
    every_issue: Callable[[], Iterable[ValidationIssue]],
    *,
    csv_name: str,
) -> None:
    """The first groups of errors, and the full list as a CSV made only when asked for."""
    with st.expander(title):
        for group in groups[:GROUPS_SHOWN]:
            st.markdown(_group_line(group))
        hidden = len(groups) - GROUPS_SHOWN
        if hidden > 0:
            st.caption(
                f"And {hidden:,} more group{'s' if hidden != 1 else ''} of errors: "
                "download the full list."
            )
        deferred_download(
            "Download every error (CSV)",
            lambda: to_csv(issues_table(every_issue())),
            file_name=csv_name,
            mime="text/csv",
            key=f"errors_{csv_name}",
        )


def data_problems(view: BriefingView) -> None:
    """The error panel: what failed validation and how much was left out."""
    data = view.data
    loaded = data.loaded
    # Counted, never copied: a rerun costs the same with 100,000 errors as with none.
    count = len(loaded.issues) + len(data.briefing_issues)
    if not count:
        return
    left = sum(loaded.left_out().values())
    briefings = len({group.file for group in data.briefing_groups})
    st.error(
        f"The data has {count:,} error(s); {left:,} record(s) were left out"
        + (f" and {briefings} briefing(s)" if briefings else "")
        + " and everything else is shown. Run `python -m briefmap validate` for the full report.",
        icon=":material/warning:",
    )
    _issue_list(
        "What failed validation",
        data.issue_groups,
        lambda: (*loaded.issues, *data.briefing_issues),
        csv_name="briefmap-errors.csv",
    )


def upload_panel(view: BriefingView) -> None:
    """What the user's upload holds and what in it failed, beside their layer."""
    upload, shown = view.upload, view.upload_selection
    if upload is None or shown is None:
        return
    result = upload.result
    label = markdown_text(", ".join(upload.names))
    if result.issues:
        # Its own layer's records too: a bad row of a CSV is left out like a bad claim.
        left = sum(result.left_out().values()) + sum(o.left_out for o in result.own_layers)
        st.error(
            f"Your upload ({label}) has {len(result.issues):,} error(s); "
            f"{left:,} record(s) were left out and the rest is on the map.",
            icon=":material/warning:",
        )
        for own in result.own_layers:  # what loaded of it, in validate's words
            st.caption(markdown_text(describe_own_layer(own)))
        _issue_list(
            "What in your upload failed",
            result.groups,
            lambda: result.issues,
            csv_name="briefmap-upload-errors.csv",
        )
    else:
        st.success(
            f"Your upload ({label}): {markdown_text(describe(result))}.",
            icon=":material/attach_file:",
        )
    for own in result.own_layers:
        drawn = own_layer_drawn(own)
        if drawn < len(own.features):
            st.caption(
                f"Your layer {markdown_text(own.name)}: the map draws the first {drawn:,} "
                f"of its {len(own.features):,} features."
            )
    if result.catalog.claims:
        st.caption(
            f"Your upload layer: {len(shown.claims)} of "
            f"{len(result.catalog.claims)} of its claims match the filters."
        )
    rows_to_claims(view)  # the own layer's rows as claims, on purpose (issue 26)


def empty_result_notice(selection: Selection) -> bool:
    """A friendly word and a way back when nothing matches; True if empty."""
    if selection.claims:
        return False
    st.info(
        "No claims match these filters. Widen the actor or status choices, clear the "
        "search, move the dates, or reset everything.",
        icon=":material/search_off:",
    )
    button(st, "Reset filters", on_click=reset_filters, key="reset_from_empty")
    return True


# Changes listed in full beside the map before the rest go into an expander.
CHANGES_SHOWN = 4


def changes_panel(view: BriefingView) -> None:
    """What changed since the comparison day, beside the map."""
    if not view.state.since:
        return
    later = view.state.as_of or view.data.loaded.catalog.as_of or "today"
    st.markdown(
        f"**What changed from {markdown_text(view.state.since)} to {markdown_text(later)}**"
    )
    if not view.changes:
        st.caption("Nothing among the claims shown.")
        return
    # The first few in full; the rest wait in an expander, so that a long list
    # does not run on for screens (issue 13, finding 9; the card comes first).
    first, rest = view.changes[:CHANGES_SHOWN], view.changes[CHANGES_SHOWN:]
    for change in first:
        _change_item(view, change)
    if rest:
        with st.expander(f"{len(rest)} more change{'s' if len(rest) != 1 else ''}"):
            for change in rest:
                _change_item(view, change)


def _change_item(view: BriefingView, change: Change) -> None:
    st.markdown(
        f"- **{markdown_text(change.describe(view.catalog))}**  \n"
        f"{markdown_text(change.claim.summary)}"
    )


# Status shades for the timeline: dark to light, so the ladder reads in greyscale too.
STATUS_SHADES = ["#08306b", "#2171b5", "#6baed6", "#c6dbef", "#969696"]


# The chart as a fixed Vega-Lite spec: building and validating an Altair chart
# on every rerun cost more than the rest of the map page (BENCHMARKS.md).
TIMELINE_SPEC: dict = {
    "mark": "bar",
    "height": 150,
    "encoding": {
        "x": {
            "field": "month",
            "timeUnit": "yearmonth",
            "type": "temporal",
            "title": "Reported (month)",
        },
        "y": {"aggregate": "sum", "field": "claims", "type": "quantitative", "title": "Claims"},
        "color": {
            "field": "status",
            "type": "nominal",
            "title": "Status",
            "sort": [s.label for s in ClaimStatus],
            "scale": {"domain": [s.label for s in ClaimStatus], "range": STATUS_SHADES},
        },
        "order": {"field": "rank", "type": "quantitative"},
        "tooltip": [
            {"field": "month", "timeUnit": "yearmonth", "type": "temporal"},
            {"field": "status", "type": "nominal"},
            {"aggregate": "sum", "field": "claims", "type": "quantitative"},
        ],
    },
}


TIMELINE_LABEL = "Claims by month and status"

# The claims table's columns on screen: CLAIM_COLUMNS with the places second.
SCREEN_COLUMNS = (
    "Reported",
    "Places",
    *(c for c in CLAIM_COLUMNS if c not in ("Reported", "Places")),
)


def timeline_chart(view: BriefingView) -> None:
    """Claims over time by status, for the claims shown (in step with every filter).

    Behind a switch, not in a closed expander: Streamlit loads a chart's scripts
    (about 20 files, 0.8 MB of Vega) for a chart in a closed expander too, and
    the page's six connections to the server fetched them ahead of the map's
    frame, holding the map back (BENCHMARKS.md, "The whole app in Chromium").
    """
    if not st.toggle(TIMELINE_LABEL, key=KEY_TIMELINE):
        return
    rows = view.catalog.index.monthly_counts(view.selection)
    if rows:
        st.vega_lite_chart(rows, TIMELINE_SPEC, width="stretch")
    else:
        st.caption("No dated claims among those shown.")


def deferred_download(
    label: str, make: Callable[[], bytes | str], *, file_name: str, mime: str, **options: Any
) -> None:
    """A download button whose file is made by ``make`` only when it is clicked.

    The click does not rerun the app. With Streamlit's default the click also reruns the
    script, which registers a new generator for the button and drops the old one while
    the click's request for the file is in flight; when the rerun wins, no file comes.
    CI lost the claims CSV that way, and a bare app with a fast script lost 7 of 15
    clicks (none with ``on_click="ignore"``). A download changes nothing on screen, so
    there is nothing to rerun for.
    """
    st.download_button(
        label, data=make, file_name=file_name, mime=mime, on_click="ignore", **options
    )


GEOJSON_MIME = "application/geo+json"
KMZ_MIME = "application/vnd.google-earth.kmz"
GPKG_MIME = "application/geopackage+sqlite3"
# The export menu's switch from the view on screen to the whole data set's area.
KEY_EXPORT_WHOLE = "export_whole_data_set"
WHOLE_DATA_SET_LABEL = "Map of the whole data set's area"


def export_view(view: BriefingView) -> ExportView:
    """Where the map on screen looks and what its scene marks, for the HTML and PNG exports.

    The user's own area if they moved the map (it is in the link), else what
    the app last asked the map to frame: a scene's highlighted places, the
    Fit map button's places, a link's area.
    """
    briefing, scene, number = view.briefing, view.scene, view.state.scene
    heading = (
        f"{briefing.title} · scene {number} of {len(briefing.scenes)}: {scene.title}"
        if briefing and scene
        else None
    )
    return ExportView.on_screen(
        view.state.view,
        st.session_state.get(KEY_VIEW_REQUEST),
        highlight=scene.highlight if scene else (),
        changes=view.changes,
        since=view.state.since,
        as_of=view.state.as_of,
        scene=heading,
    )


def export_menu(view: BriefingView) -> None:
    """Downloads of exactly what is on screen; each file is made only when asked for."""
    from briefmap.app.png_panel import png_snapshot
    from briefmap.drawing import exports, gis_exports, html_export, own_exports

    catalog, selection, overlay = view.catalog, view.selection, view.overlay
    own = view.own_layers
    stem = f"briefmap-{catalog.as_of or 'latest'}"
    title = catalog.meta.title
    # Not "shown": the upload's part below takes that name, and these makers
    # read their names when clicked.
    framing = export_view(view)
    if st.session_state.get(KEY_EXPORT_WHOLE):
        framing = whole_data_set(catalog, framing)
    # (label, the file's maker, its name's suffix, its type): made only when clicked.
    briefing = [
        (
            "GeoJSON of the claims (GIS: one feature per claim)",
            lambda: exports.claims_geojson(catalog, selection).encode("utf-8"),
            "-claims.geojson",
            GEOJSON_MIME,
        ),
        (
            "GeoJSON of their places (GIS)",
            lambda: exports.places_geojson(catalog, selection).encode("utf-8"),
            "-places.geojson",
            GEOJSON_MIME,
        ),
        (
            "GeoJSON (loads back into Briefmap)",
            lambda: exports.bundle_json(catalog, selection).encode("utf-8"),
            ".geojson",
            GEOJSON_MIME,
        ),
        ("CSV of the claims", lambda: exports.claims_csv(catalog, selection), ".csv", "text/csv"),
        (
            "HTML map (opens offline)",
            # It plays, too: the timeline with today's data's tape (not in the PNG).
            lambda: html_export.standalone_html(
                catalog,
                selection,
                title,
                overlay,
                replace(framing, tape=tape_for(view.loaded.catalog, view.claim_filter)),
                own_layers=own,
            ),
            ".html",
            "text/html",
        ),
        ("KMZ (Google Earth)", lambda: gis_exports.kmz(catalog, selection, own), ".kmz", KMZ_MIME),
        (
            "GeoPackage (QGIS; loads back into Briefmap)",
            lambda: gis_exports.geopackage(catalog, selection, own),
            ".gpkg",
            GPKG_MIME,
        ),
    ]
    with st.popover("Export", icon=":material/download:", width="content"):
        st.caption(f"{selection.summary_line}, as of {catalog.as_of or 'today'}.")
        for label, make, suffix, mime in briefing:
            deferred_download(label, make, file_name=f"{stem}{suffix}", mime=mime, width="stretch")
        if own:  # the user's own layers, apart and named as theirs
            deferred_download(
                f"GeoJSON of your layer ({OWN_LAYER_MARK})",
                lambda: own_exports.own_geojson(own).encode("utf-8"),
                file_name=f"{stem}-your-layer.geojson",
                mime=GEOJSON_MIME,
                width="stretch",
            )
        png_snapshot(
            view,
            framing,
            lambda: html_export.standalone_html(
                catalog, selection, title, overlay, framing, own_layers=own
            ),
        )
        st.toggle(
            WHOLE_DATA_SET_LABEL,
            key=KEY_EXPORT_WHOLE,
            help="The HTML map and the PNG frame every place of the data, "
            "not the view on screen (a scene's highlights stay).",
        )
        if overlay is None:
            return
        # The upload's own records, apart: ids may clash with the briefing's.
        st.caption(
            f"{markdown_text(overlay.heading)}: {overlay.selection.summary_line}. "
            "The HTML and PNG draw it as its own layer; its records come apart:"
        )
        mine, shown = overlay.catalog, overlay.selection
        upload = [
            (
                "Your upload: GeoJSON of its claims (GIS)",
                lambda: exports.claims_geojson(mine, shown).encode("utf-8"),
                "-claims.geojson",
                GEOJSON_MIME,
            ),
            (
                "Your upload: GeoJSON (loads back into Briefmap)",
                lambda: exports.bundle_json(mine, shown).encode("utf-8"),
                ".geojson",
                GEOJSON_MIME,
            ),
            (
                "Your upload: CSV of its claims",
                lambda: exports.claims_csv(mine, shown),
                ".csv",
                "text/csv",
            ),
            (
                "Your upload: GeoPackage",
                lambda: gis_exports.geopackage(mine, shown),
                ".gpkg",
                GPKG_MIME,
            ),
        ]
        for label, make, suffix, mime in upload:
            deferred_download(
                label, make, file_name=f"{stem}-upload{suffix}", mime=mime, width="stretch"
            )


def claims_panel(
    catalog: Catalog, selection: Selection, *, csv_name: str, label: str = "Download CSV"
) -> None:
    """A claims table (the latest rows on screen, every row in its CSV) and its download."""
    table = claims_table(catalog, selection)
    shown, note = rows_for_screen(table)
    if note:
        st.caption(note)
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        # Where before what: the places next to the date, not past the wide summary
        # (at 1280 px they were off-screen). The CSV keeps CLAIM_COLUMNS' order.
        column_order=SCREEN_COLUMNS,
        column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
        key=f"table_{csv_name}",
    )
    deferred_download(label, lambda: to_csv(table), file_name=csv_name, mime="text/csv")


def upload_claims(view: BriefingView) -> None:
    """The Claims page's second table: the user's upload, marked as theirs, with its own CSV."""
    overlay = view.overlay
    if overlay is None:
        return
    st.subheader(markdown_text(overlay.heading))
    st.caption(
        f"{overlay.selection.summary_line}. Your own data, shown to you only; not part of "
        "the briefing's sources."
    )
    claims_panel(
        overlay.catalog,
        overlay.selection,
        csv_name="briefmap-upload-claims.csv",
        label="Download your upload's CSV",
    )
