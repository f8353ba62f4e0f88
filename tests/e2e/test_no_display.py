"""``reviewer-app`` started where there is no screen: one sentence and a non-zero exit, not Qt's
abort; and the README's way round it (``xvfb-run -a``) opens the window."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer_app import debug
from reviewer_app.gui.startup_probe import PREFIX

pytestmark = pytest.mark.e2e

APP = [sys.executable, "-m", "reviewer_app", "--no-crash-dialog", "--demo"]


def _environment(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE"}
    }
    return {**env, **extra}


@pytest.mark.parametrize(
    ("extra", "said"),
    [({}, "DISPLAY is not set"), ({"DISPLAY": ":4094"}, "cannot reach the display :4094")],
    ids=["no DISPLAY", "unreachable DISPLAY"],
)
def test_without_a_display_it_says_so_and_exits_non_zero(
    data_dir: Path, extra: dict[str, str], said: str
) -> None:
    result = subprocess.run(
        [*APP, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        env=_environment(**extra),
        check=False,
    )
    assert result.returncode == 1  # not -6 (SIGABRT), Qt's way out
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("reviewer-app: ")
    assert said in lines[0]
    assert "xcb-cursor0" not in result.stderr
    assert "plugin" not in result.stderr


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (Debian's xvfb)")
def test_under_xvfb_run_the_window_opens_on_a_real_x_server(data_dir: Path) -> None:
    result = subprocess.run(
        ["xvfb-run", "-a", *APP, "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(**{debug.ENV: debug.EXIT_AFTER_SHOW}),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert any(line.startswith(PREFIX) for line in result.stdout.splitlines())
