"""The map's JavaScript and CSS, served by the app itself.

Briefmap's own scripts and styles are files in ``briefmap/drawing/web/``, read once by
:func:`web_text` and inlined in the page (and in the standalone HTML export)
where they are used.

folium points at CDNs by default. Briefmap must draw in an air-gapped room, so
Leaflet comes from the installed XStatic-Leaflet package: at start-up its files
are copied into the app's ``static/`` folder, which Streamlit serves at
``app/static/`` when ``server.enableStaticServing`` is on. They are copied, not
linked, because Streamlit refuses static paths that resolve outside that folder.
"""

from __future__ import annotations

import filecmp
import functools
import shutil
from importlib import resources
from pathlib import Path

import xstatic.pkg.leaflet as xleaflet

VENDOR_SUBDIR = Path("vendor") / "leaflet"

# The map is drawn inside streamlit-folium's component iframe, served from
# ``<base>/component/streamlit_folium.st_folium/index.html``. A URL relative to
# that page reaches ``<base>/app/static/`` whatever the server's base path is
# (Streamlit Community Cloud and reverse proxies serve apps under a prefix).
COMPONENT_RELATIVE_BASE = "../../app/static"

LEAFLET_JS = "leaflet.js"
LEAFLET_CSS = "leaflet.css"


def leaflet_source_dir() -> Path:
    """Where the installed XStatic-Leaflet keeps its files."""
    return Path(xleaflet.BASE_DIR)


def install_static_assets(static_dir: Path) -> Path:
    """Copy Leaflet's files into ``static_dir`` (idempotent); return the target folder."""
    source = leaflet_source_dir()
    target = static_dir / VENDOR_SUBDIR
    for relative in (
        LEAFLET_JS,
        LEAFLET_CSS,
        *(f"images/{p.name}" for p in (source / "images").iterdir()),
    ):
        src, dst = source / relative, target / relative
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return target


def asset_links(
    base: str = COMPONENT_RELATIVE_BASE,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """folium-style ``(name, url)`` lists of the JS and CSS the map needs."""
    prefix = f"{base}/{VENDOR_SUBDIR.as_posix()}"
    return [("leaflet", f"{prefix}/{LEAFLET_JS}")], [("leaflet_css", f"{prefix}/{LEAFLET_CSS}")]


@functools.cache
def web_text(name: str) -> str:
    """The text of ``briefmap/drawing/web/<name>``, one of Briefmap's own JS or CSS files, read once."""
    # importlib.resources, not a path beside this file: also right from a zipped install.
    return (resources.files("briefmap.drawing.web") / name).read_text(encoding="utf-8")


def web_style(name: str) -> str:
    """A CSS file of ``briefmap/drawing/web/`` as a ``<style>`` element, to inline in a page."""
    return f"<style>\n{web_text(name)}</style>\n"
