"""Reading a canvas layer back, for tests: its payload, its counts, what it draws.

:func:`decode` builds each feature and tooltip the way ``briefmap/drawing/web/canvas.js``
does (``test_web_assets`` runs the script under Node and checks they agree),
so Python tests can compare what the canvas shows with what markers show.
"""

from __future__ import annotations

import json
from typing import Any

import folium

from briefmap.drawing.branca_internals import children_of
from briefmap.drawing.bulk import BulkLayer
from briefmap.drawing.canvas_payload import STYLE_TALLY
from briefmap.engine.catalog_arrays import SCALE


def layer_payload(group: folium.FeatureGroup) -> dict[str, Any] | None:
    """The payload of a canvas layer, parsed back from its JSON; ``None`` for other groups."""
    for child in children_of(group):
        if isinstance(child, BulkLayer):
            return json.loads(child.payload_json)
    return None


def drawn_counts(groups: list[folium.FeatureGroup]) -> dict[str, int]:
    """Layer name -> places drawn, as the browser publishes in ``window.__briefmapDrawn``."""
    out = {}
    for group in groups:
        payload = layer_payload(group)
        if payload is not None:
            out[group.layer_name] = len(payload["x"]) + len(payload["g"])
    return out


def tooltip(payload: dict[str, Any], recipe: int, style: int) -> str:
    """canvas.js ``tipHtml``: a recipe's lines from the string table, in the payload's tags."""
    strings, styles = payload["T"], payload["S"]
    lines = payload["P"][recipe]
    html = ""
    for i, tag in enumerate(payload["M"]):
        line = lines[i] if i < len(lines) else -1  # lines left out at the end are left off
        at = styles[style][5] if line == STYLE_TALLY else line
        if at >= 0:
            html += f"{tag}{strings[at]}</div>"
    return html + payload["tail"]


def decode(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The features a payload draws, as its script builds them: outlines, then points.

    Each is ``{"kind": "point" | "polygon", "lat", "lon" (points), "rings"
    (outlines), "style": [...], "tooltip": html}``.
    """
    styles = payload["S"]
    out: list[dict[str, Any]] = []
    for rings, s, t in zip(payload["g"], payload["gs"], payload["gt"], strict=True):
        out.append(
            {
                "kind": "polygon",
                "rings": rings,
                "style": styles[s],
                "tooltip": tooltip(payload, t, s),
            }
        )
    x0, y0 = payload["o"]
    m = max(len(styles), 1)
    for x, y, k in zip(payload["x"], payload["y"], payload["k"], strict=True):
        t, s = divmod(k, m)
        out.append(
            {
                "kind": "point",
                "lon": (x + x0) / SCALE,
                "lat": (y + y0) / SCALE,
                "style": styles[s],
                "tooltip": tooltip(payload, t, s),
            }
        )
    return out
