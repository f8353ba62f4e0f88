"""Readable at 150% scaling: the editor on each framework, in a 1920 x 1080 laptop screen's
window at 150% (1280 x 720 logical pixels), with nothing cut off, squeezed or needing a
sideways scroll on any page. Qt reads ``QT_SCALE_FACTOR`` once, so each check is a separate
process (``scaled_editor.py``), on the tests' own trust."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).with_name("scaled_editor.py")


@pytest.mark.parametrize(
    "framework_id", ["learning-walk", "safeguarding-audit", "two-day-peer-review"]
)
def test_nothing_is_clipped_at_150_percent(tmp_path: Path, framework_id: str) -> None:
    env = dict(os.environ, QT_SCALE_FACTOR="1.5", QT_QPA_PLATFORM="offscreen")
    command = [sys.executable, str(SCRIPT), str(tmp_path), framework_id, "--shot", "editor"]
    result = subprocess.run(
        [*command, "--fixture-trust"],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["device_pixel_ratio"] == 1.5
    assert report["size"] == [1280, 720]
    assert report["pages"] >= 8
    assert report["clipped"] == []
    assert (tmp_path / "editor.png").stat().st_size > 50_000
