"""A report's text: read safely, stripped of markup, split into sentences.

A report arrives as plain text or as an HTML page saved from a browser. The
page is read with the standard library's :class:`html.parser.HTMLParser`,
which only tokenises: nothing in it is run, fetched or rendered. Script,
style and other non-text elements are dropped with their content; block
elements end a paragraph. Every sentence keeps its character span in the
cleaned text, so a draft can point at the words it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser

MAX_BYTES = 1_000_000  # about 150,000 words: far past any report, short of a paste gone wrong
MIN_WORDS = 3

# Elements whose content is never text of the report.
_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "head", "nav", "footer", "form", "button", "select", "aside"}
)  # fmt: skip
# Page chrome by its class, id or role: lists of other stories, sharing, sign-up boxes.
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:most-?read|most-?popular|popular|trending|related|read-?more|recommended|"
    r"share|sharing|social|newsletter|subscribe|signup|sign-up|promo|advert|ad-slot|breadcrumbs?|"
    r"comments?|footer|nav|navigation|menu|sidebar|cookie|banner|complementary|contentinfo)"
    r"(?:$|[\s_-])",
    re.I,
)
_STORY = re.compile(r"article|story|body|main|headline|byline", re.I)


def _is_chrome(value: str) -> bool:
    """A class, id or role that names page chrome, and none that names the story itself."""
    return any(_CHROME.search(t) and not _STORY.search(t) for t in value.split())


_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "col", "area"})
# Elements that end a paragraph.
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "blockquote", "tr", "table", "header", "figcaption", "pre", "hr", "dd", "dt"}
)  # fmt: skip
_MARKUP = re.compile(
    r"<\s*(!doctype|html|head|body|p|div|script|style|span|a|br|article|meta)\b", re.I
)
_TAG = re.compile(r"<[^<>]{1,200}>")


class ReportError(ValueError):
    """A report that cannot be drafted from, with a message for the person who gave it."""


@dataclass(frozen=True)
class Sentence:
    """One sentence of the cleaned text, with its span there."""

    index: int
    text: str
    start: int
    end: int
    paragraph: int


@dataclass(frozen=True)
class ReportText:
    """A report read and cleaned: its text, its sentences and what was done to it."""

    text: str
    sentences: tuple[Sentence, ...]
    was_html: bool
    scripts: dict[str, int]  # letters per script: "latin", "arabic", "cyrillic", "other"
    notes: tuple[str, ...] = ()

    @property
    def main_script(self) -> str:
        return (
            max(self.scripts, key=self.scripts.__getitem__)
            if any(self.scripts.values())
            else "latin"
        )


class _TextOnly(HTMLParser):
    """Collects a page's text; drops what lies inside :data:`_DROPPED` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.dropped: set[str] = set()
        self.open: list[str] = []  # elements open now, outermost first
        self.chrome: int | None = None  # depth in ``open`` where page chrome began

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self.open.append(tag)
            if (
                self.chrome is None
                and tag not in ("article", "main", "body")
                and any(k in ("class", "id", "role") and v and _is_chrome(v) for k, v in attrs)
            ):
                # "most read", "related", share and newsletter blocks: not the report.
                self.chrome = len(self.open) - 1
                self.dropped.add("page chrome")
        if tag in _DROPPED:
            self.skipping += 1
            self.dropped.add(tag)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:  # closes the elements left open inside it too
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag) :]
            if self.chrome is not None and len(self.open) <= self.chrome:
                self.chrome = None
        if tag in _DROPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping and self.chrome is None:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """The text is markup: it opens with a tag, or carries several of a page's tags."""
    head = text.lstrip()[:200].lower()
    return (
        head.startswith(("<!doctype", "<html", "<?xml", "<body", "<head"))
        or len(_MARKUP.findall(text[:20_000])) >= 3
    )


def strip_html(page: str) -> tuple[str, set[str]]:
    """A page's visible text, paragraphs kept, and the non-text elements dropped (never run)."""
    parser = _TextOnly()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts), parser.dropped


def script_counts(text: str) -> dict[str, int]:
    """Letters of ``text`` per script (Latin, Arabic, Cyrillic, other)."""
    counts = {"latin": 0, "arabic": 0, "cyrillic": 0, "other": 0}
    for ch in text:
        if not ch.isalpha():
            continue
        if ch.isascii():
            counts["latin"] += 1
            continue
        name = unicodedata.name(ch, "")
        key = name.split(" ", 1)[0].lower()
        counts[key if key in counts else "other"] += 1
    return counts


def read_report(raw: bytes | str, name: str = "report") -> ReportText:
    """A report's bytes or text, checked, cleaned and split; :class:`ReportError` when unusable.

    Parameters
    ----------
    raw
        The file's bytes (UTF-8, with or without a byte-order mark) or pasted text.
    name
        What to call it in a message: the file's name, or "the pasted text".
    """
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > MAX_BYTES:
        raise ReportError(
            f"{name}: {size:,} bytes is more than the desk reads ({MAX_BYTES:,} bytes, "
            "about 150,000 words); paste one report at a time"
        )
    if isinstance(raw, bytes):
        if b"\x00" in raw[:8192]:
            raise ReportError(
                f"{name}: this is not text (it holds NUL bytes); give a .txt or a saved .html page"
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ReportError(
                f"{name}: not UTF-8 text (byte {exc.start:,} cannot be read); save the report as UTF-8"
            ) from None
    else:
        text = raw
    notes: list[str] = []
    was_html = looks_like_html(text)
    if was_html:
        text, dropped = strip_html(text)
        if dropped:
            notes.append(
                "read as an HTML page: "
                + ", ".join(sorted(dropped))
                + " dropped unread (never run)"
            )
    elif _TAG.search(text) and re.search(r"<\s*script\b", text, re.I):
        text, dropped = strip_html(text)
        was_html = True
        notes.append("markup found in the text: script dropped unread (never run)")
    text = unescape(text) if not was_html else text
    text = _tidy(text)
    words = text.split()
    if len(words) < MIN_WORDS:
        what = "only markup or script" if was_html else "empty"
        raise ReportError(f"{name}: no report text to draft from (the text is {what})")
    counts = script_counts(text)
    return ReportText(
        text=text,
        sentences=split_sentences(text),
        was_html=was_html,
        scripts=counts,
        notes=tuple(notes),
    )


def _tidy(text: str) -> str:
    """Line ends unified, runs of spaces single, paragraphs kept.

    Where blank lines part the paragraphs, a single line end is a wrap
    inside one (a hard-wrapped text file) and becomes a space; without any,
    each line is a paragraph.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[ \t\f\v]+", " ", text)
    text = re.sub(r" ?\n ?", "\n", text)
    if "\n\n" in text:
        text = re.sub(r"(?<!\n)\n(?!\n)", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


# Words that end with a full stop without ending a sentence.
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "cpt", "sgt", "adm", "brig",
    "cmdr", "gov", "sen", "rep", "st", "ft", "mt", "no", "nos", "vs", "etc", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "est", "inc", "ltd",
    "co", "corp", "dept", "govt", "e.g", "i.e", "u.s", "u.k", "u.n", "u.a.e", "a.m", "p.m", "al",
})  # fmt: skip
# A weekday cut short ends a sentence ("on Sun. Iraqi troops ...") unless its date follows.
WEEKDAY_ABBREVIATIONS = frozenset(
    {"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun"}
)
_DATE_NEXT = re.compile(r"\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
# A sentence ends at . ! ? … (and Arabic ؟ and ۔), after any closing quotes or
# brackets, before a space and a capital, a digit, a quote or a letter of
# another script; or at a paragraph break.
_END = re.compile(
    r"([.!?\u2026\u061f\u06d4]+)([\"'\u201d\u2019\u00bb)\]]*)(\s+)(?=[\"'\u201c\u2018\u00ab(\[]?[^\sa-z])"
)
_PARAGRAPH = re.compile(r"\n\s*\n|\n")


def _ends_here(text: str, match: re.Match[str]) -> bool:
    if match.group(1) != ".":
        return True
    before = text[: match.start(1)]
    word = re.search(r"([\w.]+)$", before)
    if word is None:
        return True
    token = word.group(1).lower().rstrip(".")
    if token in ABBREVIATIONS:
        return False
    if token in WEEKDAY_ABBREVIATIONS and _DATE_NEXT.match(text, match.end()):
        return False  # "on Tue. 4 Nov.", "on Thu. Nov. 6": a weekday before its date
    # A single capital letter: an initial ("George W. Bush"), not an end.
    return not (len(token) == 1 and token.isalpha())


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of a cleaned text, each with its span; paragraph breaks always end one."""
    sentences: list[Sentence] = []
    for paragraph, block in enumerate(_paragraphs(text)):
        start, end = block
        cut = start
        for match in _END.finditer(text, start, end):
            if _ends_here(text, match):
                _add(sentences, text, cut, match.end(2), paragraph)
                cut = match.end()
        _add(sentences, text, cut, end, paragraph)
    return tuple(sentences)


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for match in _PARAGRAPH.finditer(text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


def _add(sentences: list[Sentence], text: str, start: int, end: int, paragraph: int) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    chunk = chunk.strip()
    if chunk:
        sentences.append(
            Sentence(len(sentences), chunk, start + lead, start + lead + len(chunk), paragraph)
        )
