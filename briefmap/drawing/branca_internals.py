"""branca's element tree where it has no public API, in one place.

folium builds every map as a tree of branca ``Element`` objects. branca 0.8 makes
public how to build the tree (``add_child``, ``add_to``) and how to render it
(``get_name``, ``get_root``, ``render``), but not how to read it: an element's
children, its parent, its id and its template's macros are the attributes
``_children``, ``_parent``, ``_id`` and ``_template`` (folium's own templates
write ``this._parent.get_name()``). Briefmap needs them to give elements ids
that survive a rerun, to name an element's layer and map in its script, and
to render scripts without compiling them again as templates
(:class:`briefmap.drawing.map_elements.SafeFeatureGroup`). Every such access
is in this module, marked ``# noqa: SLF001``; ruff's SLF rule fails any other
module that reaches for one.

``SafeFeatureGroup`` also repeats what folium's ``Layer.render`` and
``Marker.render`` do before rendering, so folium's release is pinned here too.
``tests/test_branca_internals.py`` fails when the installed branca or folium is
not the release in :data:`WRITTEN_AGAINST`, and exercises each name, so an
upgrade that moves one fails there first.
"""

from __future__ import annotations

from collections.abc import Callable

from branca.element import Element, MacroElement

# The releases this module (and SafeFeatureGroup's copy of folium's render steps)
# was written against and checked with.
WRITTEN_AGAINST = {"branca": "0.8.2", "folium": "0.20.0"}

# The macros a branca MacroElement's template may define, in the figure part each fills.
MACRO_PARTS = ("header", "html", "script")


def children_of(element: Element) -> list[Element]:
    """An element's children, in the order they were added (and are rendered)."""
    return list(element._children.values())  # noqa: SLF001


def parent_of(element: Element) -> Element | None:
    """The element ``element`` was added to, or ``None`` before it is added."""
    return element._parent  # noqa: SLF001


def remove_child(element: Element, child: Element) -> None:
    """Take ``child`` out of ``element`` before it is rendered (the briefing pack's tiles)."""
    element._children.pop(child.get_name(), None)  # noqa: SLF001


def set_id(element: Element, element_id: str) -> None:
    """Give an element the id its name ends with (``get_name()``), in place of a random one."""
    element._id = element_id  # noqa: SLF001


def template_macros(element: MacroElement) -> dict[str, Callable[..., str]]:
    """The macros of a ``MacroElement``'s template, by :data:`MACRO_PARTS` name.

    Each is called as ``macro(element, kwargs)``, as branca's
    ``MacroElement.render`` calls it; a part the template leaves out is absent.
    (A plain ``Element``'s template is no set of macros: it needs ``this`` to load.)
    """
    module = vars(element._template.module)  # noqa: SLF001
    return {part: module[part] for part in MACRO_PARTS if part in module}
