"""The offline HTML export: the map on screen as one page that opens without a network.

- :func:`standalone_html`: one HTML file, Leaflet inlined, that opens offline at
  the view on screen (:class:`ExportView`), with a scene's highlights and the
  user's own layer beside the briefing (:class:`Overlay`).
- :data:`INLINE_BASE` and :func:`inline_leaflet`: how a rendered folium page
  gets Leaflet's script and stylesheet written into it, shared with the
  briefing pack (:mod:`briefmap.drawing.briefing_pack`).
- :func:`briefmap.drawing.png_export.png_snapshot`: that HTML drawn by the system Chromium.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import folium

from briefmap.data.own_layer import OWN_LAYER_MARK, OwnLayer
from briefmap.data.schema import Catalog
from briefmap.drawing.assets import (
    LEAFLET_CSS,
    LEAFLET_JS,
    leaflet_css,
    leaflet_script,
    leaflet_source_dir,
    leaflet_style,
    web_text,
)
from briefmap.drawing.bulk import build_layers_auto, build_upload_layer_auto
from briefmap.drawing.mapping import UPLOAD_LAYER, MapExtras, build_map
from briefmap.drawing.own_canvas import build_own_layers_auto
from briefmap.drawing.own_layer_map import OWN_LAYER_TITLE, own_legend_group
from briefmap.engine.interaction import PLACES_MAX_ZOOM, Frame
from briefmap.engine.query import Selection
from briefmap.engine.state import MapArea, MapView
from briefmap.engine.timeline import Change
from briefmap.safe import map_text

# The asset base a page to be inlined is rendered with: a base URL no real page
# uses, so :func:`inline_leaflet` finds the asset tags exactly.
INLINE_BASE = "briefmap-inline-assets"
_SOURCE_MAP = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_EXTERNAL_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=", re.IGNORECASE)
_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\bstylesheet\b", re.IGNORECASE)

# The offline page around the map (briefmap/drawing/web/export.css).
EXPORT_CSS = web_text("export.css")


def _leaflet_js() -> str:
    code = (leaflet_source_dir() / LEAFLET_JS).read_text(encoding="utf-8")
    # The source map is a file the offline page does not carry.
    code = _SOURCE_MAP.sub("", code)
    # Inside <script>, "</script" would end the element early.
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.IGNORECASE)


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _leaflet_css() -> str:
    # Every image as a data: URI, so the page needs no file beside it.
    return leaflet_css(lambda image: _data_uri(leaflet_source_dir() / image))


def _replace_once(html: str, pattern: str, replacement: str, what: str) -> str:
    new, count = re.subn(pattern, lambda _m: replacement, html, count=1)
    if count != 1:
        raise RuntimeError(f"could not find {what} in the rendered map to inline it")
    return new


def inline_leaflet(html: str) -> str:
    """A page rendered with :data:`INLINE_BASE` with Leaflet's script and stylesheet written into it.

    Raises
    ------
    RuntimeError
        If the page does not link Leaflet's script or stylesheet at that base.
    """
    js_url = leaflet_script(INLINE_BASE)[0][1]
    html = _replace_once(
        html,
        rf"<script\b[^>]*\bsrc=\"{re.escape(js_url)}\"[^>]*>\s*</script>",
        f"<script>{_leaflet_js()}</script>",
        LEAFLET_JS,
    )
    return _replace_once(
        html,
        re.escape(leaflet_style(INLINE_BASE)),
        f"<style>\n{_leaflet_css()}</style>\n",
        LEAFLET_CSS,
    )


# The frame's serial in an exported page: the page frames its one request once.
_EXPORT_FRAME_SERIAL = 1


@dataclass(frozen=True)
class ExportView:
    """Where an exported map looks, and what a briefing's scene marks on it.

    The same as the map on screen: the area the user moved to, or what the app
    last asked the map to frame (a scene's highlighted places, the fitted
    selection), fitted again in the exported page's own size (only the browser
    knows it). ``centre`` is an old link's centre and zoom, set as it is.
    Without either the page frames the places shown, as the map does at first.
    """

    frame: Frame | None = None
    centre: MapView | None = None
    highlight: tuple[str, ...] = ()  # a scene's highlighted places, ringed
    changes: tuple[Change, ...] = ()  # what changed since ``since``, as badges
    since: str | None = None
    as_of: str | None = None  # an "as of" day the user picked: the map's banner says so
    scene: str | None = None  # the scene's heading, for the page's header
    # Time playback's tape (briefmap.drawing.playback.tape_json) of today's data
    # under the filter: the page plays it offline, its scripts inlined as the rest.
    tape: str | None = None

    @classmethod
    def on_screen(
        cls,
        moved: MapArea | MapView | None,
        requested: Frame | MapView | None,
        **marks: Any,
    ) -> ExportView:
        """The view the map shows: the user's own area first, else the app's last request.

        Parameters
        ----------
        moved
            The area the user moved the map to (or a link's area or centre), if any.
        requested
            What the app last asked the map for (a scene's frame, the Fit map
            button's, a link's), if anything.
        **marks
            The other fields (``highlight``, ``changes``, ``since``, ``as_of``, ``scene``).
        """
        if isinstance(moved, MapArea):
            return cls(frame=Frame.of(moved.bounds, exact=True), **marks)
        if isinstance(moved, MapView):
            return cls(centre=moved, **marks)
        if isinstance(requested, MapView):
            return cls(centre=requested, **marks)
        return cls(frame=requested, **marks)

    def key(self) -> list[Any]:
        """Where the map looks, as plain values: a picture of another view is another picture."""
        frame = self.frame
        return [
            [frame.bounds, frame.max_zoom, frame.exact] if frame else None,
            [self.centre.center, self.centre.zoom] if self.centre else None,
            list(self.highlight),
            self.scene,
        ]

    def extras(self, catalog: Catalog, selection: Selection) -> MapExtras:
        """The map's extras for this view; no frame asked for: the places shown, as on screen."""
        frame = self.frame
        if frame is None and self.centre is None:
            shown = catalog.index.selection_bounds(selection) or catalog.index.map_bounds
            frame = Frame.of(shown, max_zoom=PLACES_MAX_ZOOM)
        if frame is not None:
            frame = Frame(frame.bounds, _EXPORT_FRAME_SERIAL, frame.max_zoom, frame.exact)
        return MapExtras(
            highlight=self.highlight,
            changes=self.changes,
            since=self.since,
            footnote=False,  # the page's own footer lists the sources in full
            as_of=self.as_of,
            frame=frame,
            tape=self.tape,
        )


def whole_data_set(catalog: Catalog, view: ExportView) -> ExportView:
    """``view`` framed around every on-map place of the data (the scene's marks kept)."""
    return replace(view, frame=Frame.of(catalog.index.map_bounds), centre=None)


@dataclass(frozen=True)
class Overlay:
    """A user's upload as it is shown beside the briefing: its own layer, under the same filters."""

    catalog: Catalog
    selection: Selection
    label: str  # the uploaded files' names, as the user gave them

    @property
    def heading(self) -> str:
        return f"{UPLOAD_LAYER}: {self.label}"


def _header(
    catalog: Catalog,
    selection: Selection,
    title: str,
    overlay: Overlay | None = None,
    scene: str | None = None,
    own_layers: Sequence[OwnLayer] = (),
) -> str:
    as_of = f"As of {catalog.as_of}" if catalog.as_of else "As of: date not stated"
    shown = f'<span class="bm-export-scene">{map_text(scene)}</span>' if scene else ""
    mine = (
        f'<span class="bm-export-count">{map_text(overlay.heading)}: '
        f"{map_text(overlay.selection.summary_line)}</span>"
        if overlay
        else ""
    )
    # The user's own layers, marked as theirs (issue 26).
    mine += "".join(
        f'<span class="bm-export-count">{map_text(OWN_LAYER_TITLE)}: {map_text(own.name)}, '
        f"{len(own.features):,} features ({map_text(OWN_LAYER_MARK)})</span>"
        for own in own_layers
    )
    return (
        '<header class="bm-export-head">'
        f'<h1 class="bm-export-title">{map_text(title)}</h1>'
        f'<span class="bm-export-asof">{map_text(as_of)}</span>'
        f"{shown}"
        f'<span class="bm-export-count">{map_text(selection.summary_line)}</span>'
        f"{mine}</header>"
    )


def _cited(heading: str, catalog: Catalog, selection: Selection) -> str:
    sources = catalog.index.cited_sources(selection)
    items = "".join(
        f"<li>{map_text(source.credit)}, {map_text(source.date)}</li>" for source in sources
    )
    listing = f"<ol>{items}</ol>" if items else " none (no claim selected)."
    return f"<strong>{map_text(heading)} ({len(sources)}):</strong>{listing}"


def _footer(catalog: Catalog, selection: Selection, overlay: Overlay | None = None) -> str:
    mine = (
        _cited(f"{overlay.heading}, sources cited", overlay.catalog, overlay.selection)
        if overlay
        else ""
    )
    return (
        '<footer class="bm-export-foot">'
        f"{_cited('Sources cited', catalog, selection)}{mine}"
        '<div class="bm-export-note">Exported from Briefmap. Everything but the basemap '
        "is in this file; without a network connection the layers draw on a blank "
        "background.</div>"
        "</footer>"
    )


def standalone_html(
    catalog: Catalog,
    selection: Selection,
    title: str,
    overlay: Overlay | None = None,
    view: ExportView | None = None,
    own_layers: Sequence[OwnLayer] = (),
) -> str:
    """The map as one HTML file that opens offline, with title, date and sources.

    The map is :func:`briefmap.drawing.mapping.build_map`'s, with Leaflet's JavaScript
    and CSS (from the installed XStatic-Leaflet, its images as ``data:`` URIs)
    written into the page. Above the map are the title, the "as of" date and
    the scene's heading, below it the sources the selection cites (outlet and
    date). The map opens at ``view``: the area on screen fitted in the page's
    own size, with the scene's highlights and change badges. Only basemap
    tiles are fetched from the network, when it is there.

    Parameters
    ----------
    catalog
        The catalog on screen (rewound to its "as of" day if one was picked).
    selection
        The claims drawn from it.
    title
        The map's title, as the user typed it (escaped here).
    overlay
        The user's upload, if one is on screen: drawn as its own layer, counted
        in the header and its sources listed apart in the footer.
    view
        Where the map looks and what the scene marks; by default the places
        shown, framed as the map frames them at first.
    own_layers
        The user's own layers on screen: drawn as the app draws them (a layer
        per folder, the legend's entry), named in the header as their data,
        not sourced claims.

    Returns
    -------
    str
        A complete HTML document.

    Raises
    ------
    RuntimeError
        If the rendered map links a script or stylesheet that could not be inlined.
    """

    # The page's own footer lists the sources in full, so no on-map footnote.
    # Markers up to a few hundred places, canvas layers beyond (as on screen):
    # a marker per place made 100,000 claims a 166 MB page.
    def layers(cat: Catalog, sel: Selection, extras: MapExtras) -> list[folium.FeatureGroup]:
        groups = build_layers_auto(cat, sel, extras)
        if overlay is not None:
            groups.append(
                build_upload_layer_auto(overlay.catalog, overlay.selection, overlay.label)
            )
        for own in own_layers:
            groups.extend(build_own_layers_auto(own))
        if own_layers:
            groups.append(own_legend_group(own_layers))
        return groups

    view = view or ExportView()
    fmap = build_map(
        catalog,
        selection,
        asset_base=INLINE_BASE,
        extras=view.extras(catalog, selection),
        layers=layers,
    )
    if view.centre is not None:
        # An old link's centre and zoom: set as they are, as st_folium sets them.
        fmap.location = list(view.centre.center)
        fmap.options["zoom"] = view.centre.zoom
    html = inline_leaflet(fmap.get_root().render())
    # folium's page puts <head>, <body> and </body> before any data-bearing
    # script, so the first of each is the template's own.
    html = html.replace(
        "<head>",
        f'<head>\n<meta charset="utf-8">\n<title>{map_text(title)}</title>\n'
        f"<style>{EXPORT_CSS}</style>",
        1,
    )
    html = html.replace(
        "<body>",
        f"<body>\n{_header(catalog, selection, title, overlay, view.scene, own_layers)}",
        1,
    )
    html = html.replace("</body>", f"{_footer(catalog, selection, overlay)}\n</body>", 1)
    if _EXTERNAL_SCRIPT.search(html) or _STYLESHEET_LINK.search(html):
        raise RuntimeError("the exported map still links an outside script or stylesheet")
    return html
