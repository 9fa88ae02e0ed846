"""Map: the claims on one map, with a claim card for the place clicked."""

from __future__ import annotations

from briefmap import app

view = app.current_view()
# Held out of sight until the page's stylesheets apply (app/page_style.py): drawn
# before them, the map's column, the title and the map moved once they came.
with app.held("map-page"):
    app.presentation_frame(view)
    meta = view.catalog.meta  # the data's own title and subtitle (briefmap.json)
    app.page_heading(
        view,
        meta.title,
        f"{meta.subtitle} ".lstrip()
        + f"Data as of {view.catalog.as_of or 'not stated'}. Filled = current, hatched = proposed, "
        "hollow = former; solid lines are on the record, dashed and dotted ones only reported.",
    )
    app.link_notices()
    app.data_problems(view)
    app.upload_panel(view)
    app.empty_result_notice(view.selection)
    # The side column comes first in the page (the card before the map for Tab);
    # the map is drawn first, so the card shows the place just clicked.
    map_column, side_column = app.map_columns(presenting=view.state.present)
    with map_column:
        view = app.briefing_map(view)  # with the map's view and any click in it
        app.map_footer(view)
        app.timeline_chart(view)
    with side_column:
        if view.state.present:
            # What the briefer speaks to first: the scene's talking points and change list.
            app.scene_text(view)
            app.claim_card(view)
        else:
            app.talking_points(view)
            # The card before the change list: a long list pushed it below the fold.
            app.claim_card(view)
            app.changes_panel(view)
