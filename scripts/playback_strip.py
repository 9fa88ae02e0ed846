"""The README's strip of time playback: the shipped data's map on five days, side by side.

Run: ``.venv/bin/python scripts/playback_strip.py [OUT.png]`` (default
``docs/playback-strip.png``); with ``--webp OUT.webp [FRAMES]`` it saves the
shipped data's playback from its first day to its last as an animated WebP
instead (:mod:`briefmap.drawing.animation`, bounded in frames and bytes). The
map is the offline HTML export's
(:func:`briefmap.drawing.html_export.standalone_html`, which carries the
playback tape), opened in the system Chromium with every outside request
refused (no tiles: the page draws on its blank background), its playback
moved to each day by the frame's own player (the timeline itself closed, so
it covers no place), and the map pictured each time. Pillow lays the frames in
a row, each under the day and the count of claims known that day.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from briefmap.data.loader import load_catalog  # noqa: E402
from briefmap.drawing.animation import (  # noqa: E402
    AnimationTooLarge,
    animated_webp,
    frame_days,
    playback_frames,
)
from briefmap.drawing.html_export import ExportView, standalone_html  # noqa: E402
from briefmap.drawing.playback import tape_json  # noqa: E402
from briefmap.engine.query import ClaimFilter, select  # noqa: E402
from briefmap.engine.timeline import date_span  # noqa: E402

# The shipped data's first report, the posts of late 2019, the fall of Assad's
# government, the Moscow meeting and the data's last day (Qamishli airport left).
DAYS = ("2018-08-02", "2019-12-31", "2024-12-31", "2025-10-15", "2026-01-26")
FRAME_SIZE = (600, 1000)
GAP_PX = 8
CAPTION_PX = 40
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def shipped_export() -> tuple[str, tuple[str, str]]:
    """The shipped data's offline HTML export with its playback tape, and its days."""
    catalog = load_catalog(REPO / "geodata").catalog
    claim_filter = ClaimFilter()
    view = ExportView(tape=tape_json(catalog, claim_filter))
    html = standalone_html(catalog, select(catalog, claim_filter), catalog.meta.title, view=view)
    first, last = date_span(catalog)
    return html, (first, max(last, catalog.as_of or last))


def caption(state: dict) -> str:
    year, month, day = state["day"].split("-")
    noun = "claim" if state["total"] == 1 else "claims"
    return f"{int(day)} {MONTHS[int(month) - 1]} {year}: {state['shown']} of {state['total']} {noun} known"


def strip(shots: list[tuple[Image.Image, dict]]) -> Image.Image:
    """The frames in a row on white, ``GAP_PX`` apart, each under its caption."""
    width = sum(s.width for s, _ in shots) + GAP_PX * (len(shots) - 1)
    height = max(s.height for s, _ in shots) + CAPTION_PX
    out = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(out)
    font = ImageFont.load_default(size=22)
    x = 0
    for shot, state in shots:
        pen.text((x + 10, 8), caption(state), fill="#111111", font=font)
        out.paste(shot, (x, CAPTION_PX))
        x += shot.width + GAP_PX
    return out


USAGE = (
    "usage: playback_strip.py [OUT.png]\n"
    "       playback_strip.py --webp OUT.webp [FRAMES]   (FRAMES: a whole number, default 40)"
)


def read_args(argv: list[str]) -> tuple[Path, int | None]:
    """The file to write and, for an animation, its number of frames (``None``: the strip).

    Raises
    ------
    SystemExit
        With the usage (code 0 for ``-h``/``--help``) or what is wrong (code 2), before
        anything is drawn: a mistyped argument is said, never a traceback.
    """
    if argv[:1] in (["-h"], ["--help"]):
        print(USAGE)
        raise SystemExit(0)

    def wrong(why: str) -> SystemExit:
        print(f"playback_strip.py: {why}\n{USAGE}", file=sys.stderr)
        return SystemExit(2)

    if argv[:1] == ["--webp"]:
        if len(argv) not in (2, 3):
            raise wrong("--webp takes the file to write and, optionally, a number of frames")
        out = Path(argv[1])
        if out.suffix.lower() != ".webp":
            raise wrong(f"{argv[1]!r}: an animation is written as a .webp file")
        if len(argv) == 2:
            return out, 40
        if not argv[2].isdigit() or int(argv[2]) < 1:
            raise wrong(f"{argv[2]!r}: FRAMES is a whole number of frames, at least 1")
        return out, int(argv[2])
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        raise wrong(f"{' '.join(argv)!r} is not understood")
    out = Path(argv[0]) if argv else REPO / "docs" / "playback-strip.png"
    if out.suffix.lower() != ".png":
        raise wrong(f"{str(out)!r}: the strip is written as a .png file")
    return out, None


def main(argv: list[str]) -> int:
    out, frames = read_args(argv)
    html, (first, last) = shipped_export()
    if frames is not None:
        try:
            days = frame_days(first, last, frames)
            data = animated_webp(
                [shot for shot, _ in playback_frames(html, days, width=800, height=600)]
            )
        except AnimationTooLarge as bound:
            print(f"Not saved: {bound}", file=sys.stderr)
            return 1
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
        print(f"{out} ({len(days)} frames, {len(data):,} bytes)")
        return 0
    image = strip(playback_frames(html, DAYS, width=FRAME_SIZE[0], height=FRAME_SIZE[1]))
    out.parent.mkdir(parents=True, exist_ok=True)
    image.save(out, optimize=True)
    print(f"{out} ({image.width}x{image.height}, {out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
