"""Plan a visit with the keyboard alone; it shows in the school's visits and survives a restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app import debug
from reviewer_app.app import Shell
from reviewer_app.domain.visits import Visit
from reviewer_app.gui.dialogs.new_visit import NewVisitDialog
from reviewer_app.gui.models.visits import format_dates
from reviewer_app.gui.startup_probe import PREFIX
from reviewer_app.paths import AppPaths
from support.fixture_trust import ALDER, PEER

SCHOOL = ALDER


def _focused():
    return QApplication.focusWidget()


def _key(qtbot: QtBot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key where the keyboard focus is, as a person would."""
    widget = _focused()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, key, modifier)


def _tab_to(qtbot: QtBot, target, most: int = 6) -> None:
    """Press Tab until ``target`` has the focus (date fields take one Tab per date part)."""
    for _ in range(most):
        _key(qtbot, Qt.Key.Key_Tab)
        if _focused() is target:
            return
    raise AssertionError(f"Tab never reached {target.objectName()}; focus is on {_focused()}")


def _type(qtbot: QtBot, text: str) -> None:
    widget = _focused()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClicks(widget, text)


def _plan_visit_by_keyboard(qtbot: QtBot, shell: Shell) -> tuple[date, date, Visit, str]:
    window = shell.window
    window.activateWindow()
    # Find the school: Ctrl+F, type part of its name, Enter picks the first match.
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert _focused() is window.filter_edit
    _type(qtbot, "alder")
    _key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current_school() is not None and window.tasks.pending == 0)
    assert window.current_school().name == SCHOOL

    # Ctrl+N opens the New visit dialog on that school, with the focus on the visit kind.
    with qtbot.waitSignal(window.visit_saved, timeout=10_000) as saved:
        _key(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        dialog = window.findChild(NewVisitDialog)
        assert dialog is not None
        assert dialog.isVisible()
        qtbot.waitUntil(lambda: _focused() is dialog.ui.kindCombo)
        assert dialog.ui.schoolCombo.currentText().startswith(SCHOOL)
        _key(qtbot, Qt.Key.Key_Down)  # the first kind of visit on offer
        kind_title = dialog.ui.kindCombo.currentText()
        assert kind_title

        _tab_to(qtbot, dialog.ui.startDate)  # start: two days from today (Up on the day)
        _key(qtbot, Qt.Key.Key_Up)
        _key(qtbot, Qt.Key.Key_Up)
        _tab_to(qtbot, dialog.ui.endDate)  # end: one day after the start
        _key(qtbot, Qt.Key.Key_Up)

        _tab_to(qtbot, dialog.ui.personCombo)  # the person to add
        _type(qtbot, PEER.split()[0])
        assert dialog.ui.personCombo.currentText() == PEER
        _key(qtbot, Qt.Key.Key_Tab)  # their role: peer reviewer is offered once a lead exists
        assert dialog.ui.roleCombo.currentText() == "Peer reviewer"
        _key(qtbot, Qt.Key.Key_Tab)
        assert _focused() is dialog.ui.addReviewerButton
        _key(qtbot, Qt.Key.Key_Space)
        assert dialog.ui.teamTable.rowCount() == 2
        _key(qtbot, Qt.Key.Key_Return)  # Save, the dialog's default button
    visit = saved.args[0]
    start = date.today() + timedelta(days=2)
    return start, start + timedelta(days=1), visit, kind_title


def _rows(shell: Shell) -> list[list[str]]:
    model = shell.window.school_page.visits_model
    return [
        [model.index(r, c).data() for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def test_plan_a_visit_with_the_keyboard_alone_and_find_it_after_restarts(
    qtbot: QtBot, paths: AppPaths, start_app
) -> None:
    shell = start_app()
    start, end, visit, kind_title = _plan_visit_by_keyboard(qtbot, shell)
    assert shell.workspace.get_visit(visit.id) == visit
    assert (visit.planned_start, visit.planned_end) == (start, end)
    me = shell.workspace.current_person
    expected_row = [
        format_dates(start, end),
        kind_title,
        "Planned",
        f"{me.name} (lead), {PEER}",
    ]

    qtbot.waitUntil(
        lambda: visit.id in [v.id for v in shell.window.school_page.visits_model.visits()],
        timeout=10_000,
    )
    assert expected_row in _rows(shell), (expected_row, _rows(shell))
    selected = shell.window.school_page.visits_view.selectionModel().selectedRows()
    assert [i.data() for i in selected] == [expected_row[0]]
    assert shell.window.activity_status.text().startswith("Visit saved at")
    shell.close()

    # Restart in-process on the same data folder: the window reopens on the same school.
    again = start_app()
    qtbot.waitUntil(lambda: expected_row in _rows(again), timeout=10_000)
    assert again.window.current_school().name == SCHOOL
    again.close()

    # And a second real start of the app, as a separate process on the same data folder.
    env = {**os.environ, debug.ENV: debug.EXIT_AFTER_SHOW, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "reviewer_app",
            "--demo",
            "--no-crash-dialog",
            "--data-dir",
            str(paths.data.parent),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = next(line for line in result.stdout.splitlines() if line.startswith(PREFIX))
    shown = json.loads(probe.removeprefix(PREFIX))
    assert shown["school"]["name"] == SCHOOL
    assert expected_row in shown["school"]["visits"]
