"""The user's own layer in exports: apart from the briefing's claims and named as the user's.

- :func:`own_geojson`: every own layer as one GeoJSON FeatureCollection named
  "your data — not sourced claims", each feature with its original columns and
  its folder. Uploaded again, it is read as the user's own layer again (it has
  none of Briefmap's fields), never as claims.

The offline HTML map and its PNG draw the own layer as the app does
(:func:`briefmap.drawing.html_export.standalone_html`, ``own_layers``).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from shapely.geometry import mapping

from briefmap.data.own_layer import OWN_LAYER_MARK, OwnLayer

# The column that carries a feature's folder path (outermost first, " / " between).
FOLDER_COLUMN = "folder"
# The column that carries the file a feature came from.
FILE_COLUMN = "source_file"


def own_geojson(layers: Sequence[OwnLayer]) -> str:
    """The user's own layers as one GeoJSON FeatureCollection named :data:`OWN_LAYER_MARK`.

    Parameters
    ----------
    layers
        The own layers on screen.

    Returns
    -------
    str
        A FeatureCollection: every feature with its geometry (WGS 84) and its
        original columns as text, plus its folder and file (under
        :data:`FOLDER_COLUMN` and :data:`FILE_COLUMN`, unless the file has
        columns of those names already).
    """
    features = []
    for layer in layers:
        for feature in layer.features:
            properties = dict(feature.properties)
            properties.setdefault("name", feature.name)
            properties.setdefault(FOLDER_COLUMN, " / ".join(feature.folder))
            properties.setdefault(FILE_COLUMN, layer.source_file)
            features.append(
                {"type": "Feature", "geometry": mapping(feature.geometry), "properties": properties}
            )
    return json.dumps(
        {"type": "FeatureCollection", "name": OWN_LAYER_MARK, "features": features},
        ensure_ascii=False,
    )
