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
import re
import shutil
from collections.abc import Callable
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

# An image Leaflet's stylesheet names (relative to the stylesheet), and its comments.
_CSS_IMAGE = re.compile(r"url\(\s*(['\"]?)(images/[^'\")\s]+)\1\s*\)")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def leaflet_source_dir() -> Path:
    """Where the installed XStatic-Leaflet keeps its files."""
    return Path(xleaflet.BASE_DIR)


def install_static_assets(static_dir: Path) -> Path:
    """Copy Leaflet's script and images into ``static_dir`` (idempotent); return the target folder.

    Its stylesheet is not among them: the map carries it inline (:func:`leaflet_style`).
    """
    source = leaflet_source_dir()
    target = static_dir / VENDOR_SUBDIR
    for relative in (
        LEAFLET_JS,
        *(f"images/{p.name}" for p in (source / "images").iterdir()),
    ):
        src, dst = source / relative, target / relative
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    return target


def leaflet_script(base: str = COMPONENT_RELATIVE_BASE) -> list[tuple[str, str]]:
    """folium-style ``(name, url)`` list of the map's one script, Leaflet, under ``base``."""
    return [("leaflet", f"{base}/{VENDOR_SUBDIR.as_posix()}/{LEAFLET_JS}")]


def leaflet_css(image_url: Callable[[str], str]) -> str:
    """Leaflet's stylesheet as text to inline, each image it names at ``image_url(images/...)``."""
    css = (leaflet_source_dir() / LEAFLET_CSS).read_text(encoding="utf-8")
    css = _CSS_COMMENT.sub("", css)  # comments carry bug-tracker links, nothing else
    css = _CSS_IMAGE.sub(lambda m: f'url("{image_url(m.group(2))}")', css)
    return re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)


@functools.cache
def leaflet_style(base: str = COMPONENT_RELATIVE_BASE) -> str:
    """Leaflet's stylesheet as a ``<style>`` element, its images under ``base``.

    The map's frame gets it inline rather than as a link: streamlit-folium adds
    stylesheet links only after every script has loaded and draws the map
    without waiting for them, so the map was laid out unstyled and could not
    be framed (its corners unmeasurable) until the file came, by which time
    100,000 claims had been drawn once at the wrong zoom (BENCHMARKS.md,
    "Issue 12: the whole app's first map, continued").
    """
    prefix = f"{base}/{VENDOR_SUBDIR.as_posix()}"
    return f"<style>\n{leaflet_css(lambda image: f'{prefix}/{image}')}</style>\n"


@functools.cache
def web_text(name: str) -> str:
    """The text of ``briefmap/drawing/web/<name>``, one of Briefmap's own JS or CSS files, read once."""
    # importlib.resources, not a path beside this file: also right from a zipped install.
    return (resources.files("briefmap.drawing.web") / name).read_text(encoding="utf-8")


def web_style(name: str) -> str:
    """A CSS file of ``briefmap/drawing/web/`` as a ``<style>`` element, to inline in a page."""
    return f"<style>\n{web_text(name)}</style>\n"
