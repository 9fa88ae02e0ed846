"""scripts/playback_strip.py: a mistyped argument is said with the usage, never a traceback.

Its arguments are read before anything is drawn, so each case here returns at
once, without Chromium. (Found walking issue 29 from a fresh clone: ``--help``
drew the whole strip, then failed in Pillow with a traceback.)
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "playback_strip.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("playback_strip", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_help_prints_the_usage_and_draws_nothing(
    script: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as done:
        script.main(["--help"])
    assert done.value.code == 0
    assert "--webp OUT.webp [FRAMES]" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--webp",), "--webp takes the file to write"),
        (("--webp", "OUT/a.webp", "many"), "'many': FRAMES is a whole number"),
        (("--webp", "OUT/a.webp", "0"), "'0': FRAMES is a whole number"),
        (("--webp", "OUT/a.gif"), "'OUT/a.gif': an animation is written as a .webp file"),
        (("OUT/strip",), "'OUT/strip': the strip is written as a .png file"),
        (("--frames", "3"), "is not understood"),
    ],
)
def test_a_bad_argument_is_said_with_the_usage_before_anything_is_drawn(
    script: ModuleType,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    args: tuple[str, ...],
    said: str,
) -> None:
    def no_drawing() -> None:
        raise AssertionError("drew the map before reading its arguments")

    monkeypatch.setattr(script, "shipped_export", no_drawing)
    with pytest.raises(SystemExit) as done:
        script.main([a.replace("OUT", str(tmp_path)) for a in args])
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert said.replace("OUT", str(tmp_path)) in err
    assert "usage: playback_strip.py" in err
    assert not list(tmp_path.iterdir())  # nothing written
