"""The editor keeps the keys people know from other programs: Alt+Down opens a drop-down (F8
moves to the next criterion), and F9 syncs from the editor as from the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.sync_wiring import DEMO_EXPLANATION
from support.fixture_trust import CEDAR, LEAD

SCHOOL = CEDAR


# An open drop-down list is a popup: the offscreen platform cannot raise it or grab keys.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_alt_down_opens_a_drop_down_and_f8_moves_to_the_next_criterion(drive, qtbot: QtBot) -> None:
    shell = drive.start(LEAD)
    editor = drive.open(
        shell, drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    )
    # The walk looks at the climate strand: its criteria are shown, in order.
    drive.set_field(editor, "focus-strands", ["climate"])
    drive.wait_saved(editor)
    drive.activate(editor)
    editor.go_to_criterion("climate-routines")
    scope = editor.evidence.scope
    scope.setFocus()
    qtbot.keyClick(scope, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: scope.view().isVisible(), timeout=3_000)
    assert editor.current_criterion == "climate-routines"
    qtbot.keyClick(scope.view(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not scope.view().isVisible(), timeout=3_000)

    qtbot.keyClick(editor, Qt.Key.Key_F8)
    assert editor.current_criterion == "climate-planning"


def test_f9_syncs_and_f1_lists_the_keys_from_the_editor(drive, qtbot: QtBot) -> None:
    shell = drive.start(LEAD)
    qtbot.waitUntil(lambda: shell.window.sync is not None, timeout=10_000)
    editor = drive.open(
        shell, drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    )
    drive.activate(editor)
    assert QApplication.activeWindow() is editor
    qtbot.keyClick(editor.nav, Qt.Key.Key_F9)
    # The demo's store file (the tests' trust lives in it) never syncs, and says so: the same
    # answer as F9 in the main window.
    sync = shell.window.sync
    qtbot.waitUntil(lambda: sync.notice is not None and sync.notice.isVisible(), timeout=3_000)
    assert sync.notice.text() == DEMO_EXPLANATION
    sync.notice.close()

    # F1 lists the keys from the editor too.
    from reviewer_app.gui.dialogs.keyboard_shortcuts import KeyboardShortcutsDialog

    drive.activate(editor)
    qtbot.keyClick(editor.nav, Qt.Key.Key_F1)
    qtbot.waitUntil(
        lambda: any(
            isinstance(w, KeyboardShortcutsDialog) and w.isVisible()
            for w in QApplication.topLevelWidgets()
        ),
        timeout=3_000,
    )
    listed = next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, KeyboardShortcutsDialog)
    )
    assert ("F8", "Next criterion") in listed.rows
    listed.close()
