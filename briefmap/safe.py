"""Escaping for text that reaches the map.

folium writes tooltip and popup text straight into HTML that sits inside a
JavaScript template literal (`` `...` ``), so data needs more than HTML
escaping: a backtick would end the literal and ``${...}`` would be evaluated.
"""

from __future__ import annotations

import html
import json
import re

# Characters that mean something to a JS template literal or to HTML,
# replaced by numeric character references that the browser shows literally.
_TEMPLATE_LITERAL = str.maketrans(
    # Braces too: folium compiles each rendered script as a Jinja template once
    # more, so "{{ ... }}" or "{% ... %}" in data would be evaluated (or fail to
    # compile and crash the page).
    # Line and paragraph separators: raw, an older JavaScript parser ends a string at them.
    {
        "`": "&#96;",
        "$": "&#36;",
        "\\": "&#92;",
        "{": "&#123;",
        "}": "&#125;",
        "\u2028": "&#8232;",
        "\u2029": "&#8233;",
    }
)

# Bidirectional controls can make text display in an order other than the
# one it is stored in (a "Trojan source" trick); they are dropped.
_BIDI_CONTROLS = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None
)


def plain_text(value: object) -> str:
    """Text for widgets that show it as plain text (select options): bidi controls dropped."""
    return "" if value is None else str(value).translate(_BIDI_CONTROLS)


def markup_free_text(value: object) -> str:
    """Text for a field a viewer may show as plain text or render as HTML (KML names, data).

    ``<``, ``>`` and ``&`` become character references and bidi controls are
    dropped, so a viewer that renders the text as HTML shows the characters,
    never markup. Quotes are kept: the text is never an attribute value, and
    transliterated names are full of apostrophes that a plain-text viewer
    would otherwise show as ``&#x27;``.

    Parameters
    ----------
    value
        Any value; ``None`` becomes an empty string.

    Returns
    -------
    str
        The text with no tag, no entity and no bidi control left in it.
    """
    return html.escape(plain_text(value), quote=False)


def map_text(value: object) -> str:
    """Escape a value from data or from a user for HTML inside a JS template literal.

    Parameters
    ----------
    value
        Any value; ``None`` becomes an empty string.

    Returns
    -------
    str
        Text with no markup, no backtick, no ``$`` and no backslash left in it.
    """
    if value is None:
        return ""
    text = str(value).translate(_BIDI_CONTROLS)
    return html.escape(text, quote=True).translate(_TEMPLATE_LITERAL)


# Markdown (and Streamlit's LaTeX `$`) control characters, escaped with a
# backslash so data shows literally in st.markdown and friends.
_MARKDOWN_SPECIALS = set("\\`*_{}[]()<>#+-.!|~$:&")


# Escaping stops Markdown's own syntax, but Streamlit still turns bare
# addresses into links (http://, www. and e-mail addresses, GFM's autolinks)
# and renders :icon: and :colour[...] syntax. A word joiner (U+2060: no width,
# no line break, nothing a reader sees) after each '@', after each ':' that
# something other than a space follows, and between "www" and its dot, breaks
# every one of those patterns ("Note: ..." is left as it is).
WORD_JOINER = "\u2060"
_WWW_DOT = re.compile(r"(www)(?=\\?\.)", re.IGNORECASE)
_COLON_OR_AT = re.compile(r"(\\:)(?=\S)|(@)")


def markdown_text(value: object) -> str:
    """Escape a value for Streamlit Markdown: no links, autolinks, icons, emphasis, HTML or LaTeX."""
    if value is None:
        return ""
    text = str(value).translate(_BIDI_CONTROLS)
    escaped = "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIALS else ch for ch in text)
    escaped = _COLON_OR_AT.sub(lambda m: m.group(0) + WORD_JOINER, escaped)
    escaped = _WWW_DOT.sub(r"\1" + WORD_JOINER, escaped)
    # Any line break could start a heading or a list: keep the text on one line.
    return " ".join(escaped.splitlines())


def script_json(value: object) -> str:
    """Compact JSON that is also safe inside a ``<script>`` and as a JavaScript expression."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # No "<" at all (so no "</script>" or "<!--") and no raw line separators.
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
