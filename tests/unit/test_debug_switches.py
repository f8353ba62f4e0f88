"""The debug switches that automated runs use (``reviewer_app/debug.py``): named ones only,
from ``--debug`` or the environment, and a wrong one refused with a sentence naming it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from reviewer_app import debug


def test_switches_take_a_value_only_when_they_need_one() -> None:
    assert debug.parse(["exit-after-show", "editor-script=run.json", ""]) == {
        "exit-after-show": "",
        "editor-script": "run.json",
    }
    with pytest.raises(ValueError, match="'exit-after-shown' is not a debug switch"):
        debug.parse(["exit-after-shown"])
    with pytest.raises(ValueError, match="'editor-script' needs a value"):
        debug.parse(["editor-script"])
    with pytest.raises(ValueError, match="'editor-trace' takes no value"):
        debug.parse(["editor-trace=1"])


def test_the_command_line_and_the_environment_switch_them_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(debug.ENV, "editor-trace")
    debug.switch_on(["editor-script=drive.json"])
    try:
        assert debug.is_on(debug.EDITOR_TRACE)
        assert debug.value(debug.EDITOR_SCRIPT) == "drive.json"
        assert not debug.is_on(debug.EXIT_AFTER_SHOW)
    finally:
        monkeypatch.delenv(debug.ENV)
        debug.switch_on([])
    assert not debug.is_on(debug.EDITOR_TRACE)


def test_a_wrong_switch_on_the_command_line_is_named() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "reviewer_app",
            "--debug",
            "exit-after-shown",
            "frameworks",
            "check",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "'exit-after-shown' is not a debug switch" in done.stderr
