"""A briefing pack: every scene of a briefing in one HTML file that needs no network.

:func:`briefing_pack` writes one page holding one map and, for each scene, its
title, talking points, and the claims it shows with their sources. The map is
the app's own (:func:`briefmap.drawing.mapping.build_base_map` and each scene's
layers from :func:`briefmap.drawing.bulk.build_layers_auto`), with Leaflet
inlined as :func:`briefmap.drawing.html_export.standalone_html` inlines it; a small
script (``web/pack.js``) swaps the scene's layers in and frames them as the app
frames a scene (``fit-when-sized.js``). The basemap's tiles are left out: the
pack must make no request at all, so the map draws the outline geography the
app shows offline (:mod:`briefmap.drawing.outlines`).

Each claim a scene shows is listed in its panel (those about the ringed places
first) and once more, numbered, in "Every claim shown" at the end, which only
the printed handout shows (:mod:`briefmap.drawing.pack_pdf`): a scene's page
there lists its ringed places' claims in full and the others by number.

Next/Previous answer a clicker's keys by the rules of ``web/scene-keys.js``
(the presentation view's file, loaded here as a module, not copied), plus Home
and End. Every text from the data is escaped with :func:`briefmap.safe.map_text`;
a source's link is kept only when it is ``http://`` or ``https://``.
Nothing here imports Streamlit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import folium

from briefmap.data.schema import Catalog, Claim, Source
from briefmap.data.validate import URL_SCHEMES
from briefmap.drawing.assets import web_text
from briefmap.drawing.branca_internals import children_of, remove_child
from briefmap.drawing.bulk import build_layers_auto, drawn_on_canvas
from briefmap.drawing.html_export import INLINE_BASE, inline_leaflet
from briefmap.drawing.mapping import MapExtras, build_base_map, stable_ids
from briefmap.drawing.outlines import OUTLINE_LAYER
from briefmap.drawing.scene_marks import CHANGE_BADGES
from briefmap.drawing.symbology import legend_strip_html
from briefmap.engine.briefings import Briefing, Scene
from briefmap.engine.briefings import scene_frame as frame_of_scene
from briefmap.engine.query import Selection
from briefmap.engine.state import MapView
from briefmap.engine.timeline import Change, shown_on
from briefmap.safe import map_text, script_json

# The pack's page around the map (briefmap/drawing/web/pack.css) and its script.
PACK_CSS = web_text("pack.css")
PACK_JS = web_text("pack.js")
SCENE_KEYS_JS = web_text("scene-keys.js")
# What the shipped briefing's pack must stay under (issue 25).
PACK_BUDGET_BYTES = 5 * 1024 * 1024
OFFLINE_NOTE = (
    "Exported from Briefmap. Everything is in this file and it makes no request: "
    "the map shows outline geography (coast, borders, cities), not a basemap."
)


@dataclass(frozen=True)
class SceneShown:
    """What one scene puts on screen, as the app computes it when the scene is applied."""

    number: int
    scene: Scene
    catalog: Catalog  # rewound to the scene's "as of" day, if it has one
    selection: Selection
    changes: tuple[Change, ...]


def scene_shown(catalog: Catalog, scene: Scene, number: int) -> SceneShown:
    """The scene's catalog, claims and changes: :func:`~briefmap.engine.timeline.shown_on`, as the app's."""
    shown, selection, changes = shown_on(catalog, scene.claim_filter, scene.as_of, scene.since)
    return SceneShown(number, scene, shown, selection, changes)


def scene_frame(catalog: Catalog, scene: Scene) -> dict[str, object]:
    """What ``web/pack.js`` frames for a scene: :func:`briefmap.engine.briefings.scene_frame`, as the app's."""
    framing = frame_of_scene(catalog, scene)
    if isinstance(framing, MapView):
        return {"center": list(framing.center), "zoom": framing.zoom}
    return {"bounds": [list(corner) for corner in framing.bounds], "maxZoom": framing.max_zoom}


# ------------------------------------------------------------------- the map


def _offline_map(catalog: Catalog, shown: list[SceneShown]) -> tuple[folium.Map, list[dict]]:
    """One map for every scene: no tiles, outlines on, each scene's layers hidden until asked."""
    fmap = build_base_map(catalog, INLINE_BASE, presentation=True)
    for child in children_of(fmap):
        if isinstance(child, folium.TileLayer):
            # No tile is ever asked for: the pack makes no request.
            remove_child(fmap, child)
        elif isinstance(child, folium.FeatureGroup) and child.layer_name == OUTLINE_LAYER:
            child.show = True
    scenes = []
    for item in shown:
        extras = MapExtras(
            highlight=item.scene.highlight,
            changes=item.changes,
            since=item.scene.since,
            footnote=False,  # the scene's panel lists the sources in full
            presentation=True,  # the key is beside the map, not on it
        )
        groups = build_layers_auto(item.catalog, item.selection, extras)
        names = []
        for group in groups:
            # Ids from the scene as well: the same layer in two scenes is two layers.
            stable_ids(group, f"scene {item.number}/{group.layer_name}")
            group.show = False  # pack.js adds the scene's layers
            group.add_to(fmap)
            names.append(group.get_name())
        scenes.append({"layers": names, **scene_frame(item.catalog, item.scene)})
    return fmap, scenes


# ----------------------------------------------------------------- the text


def _source_html(source: Source) -> str:
    credit = f"{source.credit}, {source.date}"
    title = f": {source.title}" if source.title else ""
    text = f"{map_text(credit)}{map_text(title)}"
    url = source.url or ""
    # The loader allows only these; a pack built from anything else keeps the text only.
    if url.lower().startswith(URL_SCHEMES) and not re.search(r"\s", url):
        return f'<a href="{map_text(url)}" rel="noopener noreferrer">{text}</a>'
    return text


def _claim_html(catalog: Catalog, claim: Claim) -> str:
    """A claim as shown: summary, status, posture, places, day, who says it, its sources."""
    places = ", ".join(catalog.places[p].name_en for p in claim.places if p in catalog.places)
    sources = "".join(
        f"<li>{_source_html(catalog.sources[s])}</li>"
        for s in claim.sources
        if s in catalog.sources
    )
    return (
        f'<span class="bm-pack-summary">{map_text(claim.summary)}</span>'
        f'<div class="bm-pack-meta">{map_text(claim.status.label)} · '
        f"{map_text(claim.posture.label)} · {map_text(places)} · reported {map_text(claim.reported)}"
        "</div>"
        f'<div class="bm-pack-meta">{map_text(claim.claimant)}: {map_text(claim.attribution)}</div>'
        f'<ul class="bm-pack-sources">{sources}</ul>'
    )


def _numbers(numbers: list[int]) -> str:
    """``[3, 5, 6, 7, 9]`` as ``"3, 5–7, 9"``."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else ", ".join(map(str, r)) for r in runs)


def _scene_html(item: SceneShown, count: int, briefing_title: str, appendix: dict[str, int]) -> str:
    """One scene's panel; each claim it shows is numbered in ``appendix`` (by its text)."""
    scene, catalog, selection = item.scene, item.catalog, item.selection
    when = []
    if scene.as_of:
        when.append(f"As of {scene.as_of}")
    if scene.since:
        when.append(f"Changes since {scene.since} marked")
    when.append(selection.summary_line)
    highlighted = [catalog.places[p].name_en for p in scene.highlight if p in catalog.places]
    if highlighted:
        when.append("Ringed: " + ", ".join(highlighted))
    points = "".join(f"<li>{map_text(p)}</li>" for p in scene.talking_points)
    badges: dict[str, str] = {}
    for change in item.changes:
        badges.setdefault(change.claim.id, CHANGE_BADGES[change.kind])

    def listed(claims: list[Claim]) -> tuple[str, list[int]]:
        items, numbers = [], []
        for claim in claims:
            text = _claim_html(catalog, claim)
            numbers.append(appendix.setdefault(text, len(appendix) + 1))
            badge = badges.get(claim.id)
            mark = f'<span class="bm-pack-change">{map_text(badge)}</span> ' if badge else ""
            items.append(
                f'<li class="bm-pack-claim" data-claim="{map_text(claim.id)}" '
                f'data-number="{numbers[-1]}">{mark}{text}</li>'
            )
        return "".join(items), numbers

    # The claims about the ringed places first, in full on the handout too: those
    # the scene speaks of. The others the handout lists once, at its end.
    ringed = set(scene.highlight)
    about = [c for c in selection.claims if not ringed.isdisjoint(c.places)]
    others = [c for c in selection.claims if ringed.isdisjoint(c.places)]
    parts = []
    if about:
        html, _ = listed(about)
        # Printed, the claims that do not fit the scene's page even in the
        # smallest type are left to "Every claim shown", and this line says which
        # (web/pack-handout.js): a scene is one page.
        parts.append(
            f"<h3>Claims about the ringed places ({len(about)})</h3>"
            f'<ol class="bm-pack-claims bm-pack-about">{html}</ol>'
            '<p class="bm-pack-continued" hidden></p>'
        )
    if others:
        html, numbers = listed(others)
        heading = "Other claims shown" if about else "Claims shown"
        parts.append(
            f'<h3 class="bm-pack-others">{heading} ({len(others)})</h3>'
            f'<ol class="bm-pack-claims bm-pack-others">{html}</ol>'
            f'<p class="bm-pack-others-print">{heading} on this map ({len(others)}), with '
            f"their sources: nos. {_numbers(numbers)} of “Every claim shown”, at the end.</p>"
        )
    used = {claim.actors[0] for claim in selection.claims}
    key = legend_strip_html(
        [actor for actor in catalog.meta.actors if actor.id in used],
        {claim.status for claim in selection.claims},
        {claim.posture for claim in selection.claims},
        crowded=drawn_on_canvas(catalog, selection),
    )
    # Scenes after the first start hidden, so the page never shows two at once.
    hidden = "" if item.number == 1 else " hidden"
    return (
        f'<section class="bm-pack-scene" id="scene-{item.number}" '
        f'data-scene="{item.number}"{hidden}>'
        f'<p class="bm-pack-number"><span class="bm-pack-of">{map_text(briefing_title)} · </span>'
        f"Scene {item.number} of {count}</p>"
        f'<h2 class="bm-pack-scene-title">{map_text(scene.title)}</h2>'
        f'<p class="bm-pack-when">{" · ".join(map_text(w) for w in when)}</p>'
        # The PDF handout puts the scene's map picture in the empty box.
        '<div class="bm-pack-body"><div class="bm-pack-picture"></div><div class="bm-pack-text">'
        f'<div class="bm-pack-key">{key}</div>'
        f'<h3>Talking points</h3><ul class="bm-pack-points">{points}</ul>'
        f"{''.join(parts)}"
        "</div></div></section>"
    )


def _appendix_html(appendix: dict[str, int]) -> str:
    """Every claim the scenes show, once each, numbered: printed after the scenes."""
    items = "".join(
        f'<li class="bm-pack-claim">{text}</li>'
        for text, _ in sorted(appendix.items(), key=lambda kv: kv[1])
    )
    return (
        '<section class="bm-pack-appendix">'
        f"<h2>Every claim shown ({len(appendix)}), with its sources</h2>"
        f'<ol class="bm-pack-claims">{items}</ol></section>'
    )


def _head_html(briefing: Briefing) -> str:
    count = len(briefing.scenes)
    summary = (
        f'<p class="bm-pack-subtitle">{map_text(briefing.summary)}</p>' if briefing.summary else ""
    )
    return (
        '<header class="bm-pack-head">'
        f'<div class="bm-pack-heading"><h1>{map_text(briefing.title)}</h1>{summary}</div>'
        '<nav class="bm-pack-nav" aria-label="Scenes">'
        '<button type="button" class="bm-pack-previous" title="Previous scene (PageUp)">'
        "◀ Previous</button>"
        f'<span class="bm-pack-count" aria-live="polite">1 / {count}</span>'
        '<button type="button" class="bm-pack-next" title="Next scene (PageDown)">Next ▶</button>'
        "</nav></header>"
    )


def _inline_script(code: str) -> str:
    # Inside <script>, "</script" would end the element early.
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def briefing_pack(catalog: Catalog, briefing: Briefing) -> str:
    """Every scene of ``briefing`` in one self-contained HTML page that makes no request.

    Parameters
    ----------
    catalog
        The data the briefing was validated against (not rewound: each scene
        rewinds it to its own "as of" day, as the app does).
    briefing
        A valid briefing (:func:`briefmap.engine.briefings.load_briefings`).

    Returns
    -------
    str
        A complete HTML document: one map, one panel per scene, Next/Previous
        buttons and keys; the page opens on the scene its address names
        (``#scene-3``), else the first.

    Raises
    ------
    RuntimeError
        If the rendered map links a script or stylesheet that could not be inlined.
    """
    shown = [scene_shown(catalog, s, n) for n, s in enumerate(briefing.scenes, start=1)]
    fmap, scenes = _offline_map(catalog, shown)
    html = inline_leaflet(fmap.get_root().render())
    count = len(briefing.scenes)
    appendix: dict[str, int] = {}
    panels = "".join(_scene_html(item, count, briefing.title, appendix) for item in shown)
    panels += _appendix_html(appendix)
    # folium's page puts <head>, <body> and </body> before any data-bearing
    # script, so the first of each is the template's own (as in standalone_html).
    html = html.replace(
        "<head>",
        f'<head>\n<meta charset="utf-8">\n<title>{map_text(briefing.title)}</title>\n'
        f"<style>{PACK_CSS}</style>",
        1,
    )
    html = html.replace("<body>", f'<body>\n{_head_html(briefing)}<main class="bm-pack-main">', 1)
    html = html.replace(
        "</body>",
        f'<aside class="bm-pack-scenes">{panels}'
        f'<p class="bm-pack-note">{map_text(OFFLINE_NOTE)}</p></aside></main>\n</body>',
        1,
    )
    # scene-keys.js run as a module (its Node branch): the pack takes its rules,
    # not its listener, which presses Streamlit's buttons.
    keys = (
        "<script>window.__bmSceneKeyRules = (function () {\n"
        "var module = {exports: {}}; var window;\n"
        f"{_inline_script(SCENE_KEYS_JS)}\n"
        "return module.exports;\n})();</script>"
    )
    pack = (
        f"<script>({_inline_script(PACK_JS)})({fmap.get_name()}, {script_json(scenes)}, "
        "window.__bmSceneKeyRules);</script>"
    )
    at = html.rindex("</html>")
    html = f"{html[:at]}{keys}\n{pack}\n{html[at:]}"
    if re.search(r"<script\b[^>]*\bsrc\s*=", html, re.IGNORECASE) or re.search(
        r"<link\b[^>]*\bstylesheet\b", html, re.IGNORECASE
    ):
        raise RuntimeError("the briefing pack still links an outside script or stylesheet")
    return html


__all__ = [
    "PACK_BUDGET_BYTES",
    "SceneShown",
    "briefing_pack",
    "scene_frame",
    "scene_shown",
]
