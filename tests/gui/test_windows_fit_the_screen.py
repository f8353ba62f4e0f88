"""Every window fits the laptops reviewers use: a 1366 x 768 screen at 100% and a 1920 x 1080
screen at 150% (1280 x 720 logical pixels). Each window and dialog opens inside the screen's
available area and can be made smaller than it, on every page (``windows_on_screen.py``, one
process per screen: Qt reads the screen and the scale once). Sizes are remembered per screen.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from reviewer_app.gui import screen_fit

SCRIPT = Path(__file__).with_name("windows_on_screen.py")

#: Every top-level window and dialog of the app, its message boxes, input dialogs and file
#: dialogs included (opened as the app opens them; those it opens with exec are looked at while
#: open).
WINDOWS = {
    "discard what you typed",
    "attach photos or files",
    "export report",
    "export report failed",
    "choose a report to verify",
    "export a signed report",
    "amendment reason",
    "write the merged text first",
    "enrol again",
    "sync notice",
    "files waiting",
    "records set aside",
    "bundle passphrase",
    "bundle imported",
    "cannot open",
    "main window",
    "review editor",
    "report preview",
    "sign report",
    "photo viewer",
    "new visit",
    "visit kinds drop-down",
    "settings",
    "categorise",
    "verify report",
    "conflicts",
    "connect to trust server",
    "choose a passphrase",
    "enter the passphrase",
    "about",
    "crash report",
    "locked",
    "keyboard shortcuts",
    "safeguarding audit",
    "sign the safeguarding audit",
    "change a note",
    "my work",
}


def _walk(screen: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "QT_SCALE_FACTOR")}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), screen, "--fixture-trust"],
        capture_output=True,
        text=True,
        timeout=400,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


#: The walks are slow (a process opening every window): the tests that read them run on one
#: xdist worker (``--dist loadgroup``), so each screen is walked once, not once a worker.
pytestmark = pytest.mark.xdist_group("windows-on-screen")


@pytest.fixture(scope="module", params=["1366x768", "1920x1080@150"])
def walked(request: pytest.FixtureRequest) -> dict:
    """Every window opened on one screen, as ``windows_on_screen.py`` reports them."""
    return _walk(request.param)


def test_every_window_opens_inside_the_screen_and_can_be_made_small(walked: dict) -> None:
    width, height = (1366, 768) if walked["screen"] == "1366x768" else (1280, 720)
    assert walked["available"][2:] == [width, height]
    assert set(walked["windows"]) >= WINDOWS
    problems = [
        f"{name}: {problem}"
        for name, window in walked["windows"].items()
        for problem in window["problems"]
    ]
    assert problems == []
    # The editor and the report preview asked for more than the screen has: they got the
    # screen, not what they asked for.
    assert walked["windows"]["review editor"]["opened"][3] <= height
    assert walked["windows"]["report preview"]["opened"][3] <= height


def test_no_window_has_two_controls_on_one_key(walked: dict) -> None:
    """Alt+letter reaches one control (menus included, on every page of the editor), each
    menu's letters differ, and no key sequence is on two actions."""
    clashes = [
        f"{name}: {clash}"
        for name, window in walked["windows"].items()
        for clash in window["key_clashes"]
    ]
    assert clashes == []


def test_enter_presses_a_main_button_in_every_dialog(walked: dict) -> None:
    windows = {"main window", "my work", "review editor", "safeguarding audit"}
    without = [
        name
        for name, window in walked["windows"].items()
        if name not in windows and not window["default_button"]
    ]
    assert without == []
    assert walked["windows"]["new visit"]["default_button"] == "Save visit"


def test_no_window_shows_an_internal_id_or_key(walked: dict) -> None:
    leaks = [
        f"{name}: {word}"
        for name, window in walked["windows"].items()
        for word in window["internal_words"]
    ]
    assert leaks == []


def test_help_lists_exactly_the_shortcuts_the_windows_have(walked: dict) -> None:
    from reviewer_app.gui.dialogs.keyboard_shortcuts import (
        EDITOR,
        EVERY_WINDOW,
        MAIN_WINDOW,
        SHORTCUTS,
    )

    def listed(*where: str) -> set[str]:
        return {QKeySequence(k).toString() for s in SHORTCUTS if s.where in where for k in s.keys}

    windows = walked["windows"]
    assert set(windows["main window"]["shortcuts"]) == listed(MAIN_WINDOW, EVERY_WINDOW)
    # The editor's own keys; F9 and Ctrl+Shift+H are the main window's, for every window.
    assert set(windows["review editor"]["shortcuts"]) == listed(EDITOR)
    assert "Alt+Down" not in windows["review editor"]["shortcuts"]


class _Dialog(QDialog):
    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        layout.addWidget(QWidget())
        screen_fit.fit_window(self, "testDialog", (600, 400))


def _open(qtbot: QtBot) -> _Dialog:
    dialog = _Dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_a_window_comes_back_at_the_size_it_was_given_on_this_screen(
    qtbot: QtBot, tmp_path: Path
) -> None:
    ini = tmp_path / "window-state.ini"
    screen_fit.remember_in(ini)
    try:
        first = _open(qtbot)
        assert first.size() == QSize(600, 400)
        first.resize(520, 330)
        first.close()
        again = _open(qtbot)
        assert again.size() == QSize(520, 330)
        again.close()
        key = screen_fit.screen_key(again.screen())
        stored = QSettings(str(ini), QSettings.Format.IniFormat)
        assert stored.value(f"windows/{key}/testDialog/geometry") is not None

        # A size remembered on a bigger monitor is for that monitor only...
        stored.setValue("windows/Dock-2560x1440-100/testDialog/geometry", [0, 0, 2400, 1300])
        stored.remove(f"windows/{key}/testDialog")
        stored.sync()
        screen_fit.remember_in(ini)
        fresh = _open(qtbot)
        assert fresh.size() == QSize(600, 400)
        fresh.close()
        # ...and one too big for this screen (a resolution changed) is cut to fit it.
        stored.setValue(f"windows/{key}/testDialog/geometry", [0, 0, 9000, 9000])
        stored.sync()
        screen_fit.remember_in(ini)
        big = _open(qtbot)
        area = big.screen().availableGeometry()
        assert area.contains(big.frameGeometry())
        big.close()
    finally:
        screen_fit.remember_in(None)
