"""Drop-downs and the New visit dialog do not trip a reviewer: every option in view (up to
twelve rows), type-ahead that lands on the closest match, and Escape that asks before throwing
away what was chosen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from reviewer_app.app import Shell
from reviewer_app.gui.dialogs.new_visit import NewVisitDialog
from reviewer_app.gui.drop_downs import VISIBLE_ROWS, closest_match


def _dialog(qtbot: QtBot, shell: Shell, **overrides) -> NewVisitDialog:
    window = shell.window
    options = {
        "schools": window.schools_model.schools(),
        "kinds": window.kinds,
        "people": list(window.people.values()),
        "save_visit": lambda v: shell.workspace.submit(shell.workspace.save_visit, v),
        "tasks": shell.tasks,
        "lead": None,
    }
    options.update(overrides)
    dialog = NewVisitDialog(**options)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def test_closest_match_prefers_the_shortest_option_that_begins_with_the_text() -> None:
    options = ["Learning environment check", "Learning walk", "Lesson enquiry"]
    assert closest_match(options, "learn") == 1
    assert closest_match(options, "Learning e") == 0
    assert closest_match(options, "les") == 2
    assert closest_match(options, "x") is None


def test_typing_in_the_visit_kind_lands_on_the_closest_match(qtbot: QtBot, shell: Shell) -> None:
    dialog = _dialog(qtbot, shell)
    kinds = dialog.ui.kindCombo
    titles = [kinds.itemText(i) for i in range(kinds.count())]
    # The real list has the longer title first, which Qt's own type-ahead would pick.
    assert titles.index("Learning environment check") < titles.index("Learning walk")
    kinds.setFocus()
    qtbot.keyClicks(kinds, "Learn")
    assert kinds.currentText() == "Learning walk"
    qtbot.wait(QApplication.keyboardInputInterval() + 50)  # a pause starts a new search
    qtbot.keyClicks(kinds, "Learning e")
    assert kinds.currentText() == "Learning environment check"
    qtbot.wait(QApplication.keyboardInputInterval() + 50)
    # One letter again and again steps through the options that begin with it.
    picked = []
    for _ in range(3):
        qtbot.keyClicks(kinds, "s")
        picked.append(kinds.currentText())
    assert len(set(picked)) == 3
    assert all(text.lower().startswith("s") for text in picked)


# The offscreen platform cannot raise a popup or give it the keyboard; it says so on opening.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "does not support grabbing")
def test_every_drop_down_list_shows_twelve_rows_or_all_of_them(qtbot: QtBot, shell: Shell) -> None:
    dialog = _dialog(qtbot, shell)
    for combo, rows in ((dialog.ui.kindCombo, VISIBLE_ROWS), (dialog.ui.roleCombo, None)):
        assert combo.maxVisibleItems() == VISIBLE_ROWS
        combo.showPopup()
        view = combo.view()
        qtbot.waitUntil(view.isVisible)
        wanted = rows if rows is not None else combo.count()
        assert combo.count() >= wanted
        row_height = view.sizeHintForRow(0)
        assert row_height >= 20, "rows tall enough to read and click"
        shown = view.viewport().height() // row_height
        assert shown >= wanted, f"{combo.objectName()}: {shown} rows shown of {wanted}"
        if rows is None:
            assert not view.verticalScrollBar().isVisible()
        combo.hidePopup()


def _question(qtbot: QtBot, dialog: NewVisitDialog) -> QMessageBox:
    """The discard question on screen now (an answered one may linger until deleted)."""

    def shown() -> list[QMessageBox]:
        boxes = dialog.findChildren(QMessageBox, "discardQuestion")
        return [b for b in boxes if isValid(b) and b.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    return shown()[0]


def _press(qtbot: QtBot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _gone(box))


def _gone(box: QMessageBox) -> bool:
    """The question was answered: it closed (and deletes itself)."""
    return not isValid(box) or not box.isVisible()


def test_escape_asks_before_discarding_what_was_chosen(qtbot: QtBot, shell: Shell) -> None:
    # Nothing chosen yet: Escape closes at once, with no question.
    dialog = _dialog(qtbot, shell)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = _dialog(qtbot, shell)
    dialog.ui.schoolCombo.setFocus()
    qtbot.keyClicks(dialog.ui.schoolCombo, "Oak")
    assert dialog.ui.schoolCombo.currentText().startswith("Oak")
    qtbot.keyClick(dialog.ui.schoolCombo, Qt.Key.Key_Escape)
    box = _question(qtbot, dialog)
    assert box.text() == "Discard what you typed?"
    assert box.defaultButton().text().replace("&", "") == "Keep editing"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape on the question keeps the form
    qtbot.waitUntil(lambda: _gone(box))
    assert dialog.isVisible()
    assert dialog.ui.schoolCombo.currentText().startswith("Oak")

    dialog.ui.buttonBox.button(dialog.ui.buttonBox.StandardButton.Cancel).click()
    _press(qtbot, _question(qtbot, dialog), "Keep editing")
    assert dialog.isVisible()

    qtbot.keyClick(dialog.ui.schoolCombo, Qt.Key.Key_Escape)
    _press(qtbot, _question(qtbot, dialog), "Discard")
    assert not dialog.isVisible()
    assert dialog.result() == dialog.DialogCode.Rejected
