"""branca's private element tree still works as ``briefmap/drawing/branca_internals.py`` reads it.

The first test fails when the installed branca or folium is not the release
the module was written against: re-read the module and ``SafeFeatureGroup``
against the new one (``test_bulk.py`` checks that the safe groups still render
what folium's own do), then update ``WRITTEN_AGAINST``. The others exercise
each private name the module relies on, so a rename fails here, not in a map.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path

import folium
import pytest
from branca.element import Figure, MacroElement
from jinja2 import Template

from briefmap.drawing import branca_internals
from briefmap.drawing.branca_internals import children_of, parent_of, set_id, template_macros

# The app's lock file (what Streamlit Community Cloud installs).
LOCK = Path(__file__).resolve().parent.parent / "requirements.txt"


def _locked(package: str) -> list[str]:
    """The versions the lock pins ``package`` to (``name==version`` lines)."""
    pin = re.compile(rf"{re.escape(package)}==([^\s;]+)", re.IGNORECASE)
    return [
        m[1] for line in LOCK.read_text(encoding="utf-8").splitlines() if (m := pin.match(line))
    ]


@pytest.mark.parametrize("package", sorted(branca_internals.WRITTEN_AGAINST))
def test_the_installed_release_is_the_one_the_module_was_written_against(package: str) -> None:
    written_against = branca_internals.WRITTEN_AGAINST[package]
    assert version(package) == written_against
    # Where the lock pins it, the pin is that release too.
    assert _locked(package) in ([], [written_against])


def test_children_come_in_the_order_they_were_added_and_rendered() -> None:
    fmap = folium.Map()
    group = folium.FeatureGroup(name="g").add_to(fmap)
    first = folium.Marker((1, 2)).add_to(group)
    second = folium.Marker((3, 4)).add_to(group)
    third = folium.Marker((5, 6))
    group.add_child(third, index=0)
    assert children_of(group) == [third, first, second]
    html = fmap.get_root().render()
    positions = [html.index(f"var {m.get_name()} = L.marker(") for m in (third, first, second)]
    assert positions == sorted(positions)
    assert children_of(first) == []


def test_each_element_knows_what_it_was_added_to() -> None:
    fmap = folium.Map()
    group = folium.FeatureGroup(name="g")
    marker = folium.Marker((1, 2))
    assert parent_of(marker) is None
    marker.add_to(group)
    group.add_to(fmap)
    assert parent_of(marker) is group
    assert parent_of(group) is fmap
    assert parent_of(fmap) is fmap.get_root()
    assert isinstance(fmap.get_root(), Figure)
    assert parent_of(fmap.get_root()) is None


def test_an_id_given_is_the_one_the_page_uses() -> None:
    fmap = folium.Map()
    marker = folium.Marker((1, 2)).add_to(fmap)
    set_id(marker, "0123abcd")
    assert marker.get_name() == "marker_0123abcd"
    assert "var marker_0123abcd = L.marker(" in fmap.get_root().render()


class _Parts(MacroElement):
    _template = Template(
        "{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}"
        "{% macro script(this, kwargs) %}var x = {{ kwargs.n }};{% endmacro %}"
    )

    def __init__(self) -> None:
        super().__init__()
        self.css = ".a{}"


def test_template_macros_are_the_ones_branca_renders() -> None:
    parts = _Parts()
    macros = template_macros(parts)
    assert sorted(macros) == ["header", "script"]
    assert str(macros["header"](parts, {})) == "<style>.a{}</style>"
    assert str(macros["script"](parts, {"n": 7})) == "var x = 7;"
    # What branca's own MacroElement.render puts in the figure, part by part.
    figure = Figure()
    figure.add_child(parts)
    parts.render(n=7)
    assert "<style>.a{}</style>" in figure.header.render()
    assert figure.script.render().strip() == "var x = 7;"
    # folium's elements define theirs the same way.
    marker = folium.Marker((1, 2)).add_to(folium.Map())
    assert "L.marker(" in str(template_macros(marker)["script"](marker, {}))
