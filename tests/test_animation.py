"""Time playback saved as an animated WebP (issue 29): its days, and its bounds."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from briefmap.drawing import animation
from briefmap.drawing.animation import AnimationTooLarge, animated_webp, frame_days


def test_frame_days_run_evenly_from_first_to_last() -> None:
    days = frame_days("2018-08-02", "2026-01-26", 5)
    assert days[0] == "2018-08-02" and days[-1] == "2026-01-26"
    assert days == sorted(days) and len(days) == 5
    # Fewer days in the range than frames: each day once.
    assert frame_days("2020-01-01", "2020-01-03", 10) == ["2020-01-01", "2020-01-02", "2020-01-03"]


def test_frames_past_the_bound_are_refused_saying_so() -> None:
    with pytest.raises(AnimationTooLarge, match=f"at most {animation.MAX_FRAMES} frames; 500"):
        frame_days("2018-08-02", "2026-01-26", 500)
    with pytest.raises(ValueError, match="two frames or more"):
        frame_days("2020-01-01", "2019-01-01", 3)


def test_an_animated_webp_holds_every_frame() -> None:
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "green", "blue")]
    data = animated_webp(frames, frame_ms=100)
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP" and image.n_frames == 3 and image.is_animated
    image.seek(2)
    assert image.convert("RGB").getpixel((20, 15))[2] > 200  # blue last


def test_an_animation_over_the_byte_bound_is_refused_saying_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(animation, "MAX_BYTES", 100)
    noisy = [Image.effect_noise((200, 200), 80).convert("RGB") for _ in range(2)]
    with pytest.raises(AnimationTooLarge, match="over its bound of 100 bytes"):
        animated_webp(noisy)
