"""Imported by the fork server of GIS reads only: GDAL and PROJ warmed once, for every child.

A child forked from the fork server (:mod:`briefmap.data.budget`) inherits
what the server has opened. GDAL opens its GeoPackage driver and PROJ its
database on first use, so the server reads one small GeoPackage, made here in
memory, when it starts: a 10-row GeoPackage then took its child about 60 ms
to read instead of 100 ms.
"""

from __future__ import annotations

import io

import geopandas as gpd
from shapely.geometry import Point

from briefmap.data.gis_files import _read_here


def _warm_up() -> None:
    sample = io.BytesIO()
    frame = gpd.GeoDataFrame({"id": ["warm"]}, geometry=[Point(0, 0)], crs="EPSG:4326")
    try:
        frame.to_file(sample, driver="GPKG", layer="warm", engine="pyogrio")
        _read_here("warm.gpkg", sample.getvalue(), None, None)
    except Exception:  # only a head start: a fork server that raised here would serve no read
        return


_warm_up()
