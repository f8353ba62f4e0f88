"""Dialogs keep the keys people know: Enter presses the main button, Escape closes, and Escape
asks first when something was typed (Keep editing is the default answer)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.gui.discard_guard import DISCARD_QUESTION


def _question(qtbot: QtBot, dialog) -> QMessageBox:
    qtbot.waitUntil(
        lambda: dialog.discard_question is not None and dialog.discard_question.isVisible(),
        timeout=3_000,
    )
    box = dialog.discard_question
    assert box.text() == DISCARD_QUESTION
    return box


def _button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def test_escape_closes_an_untouched_dialog_and_asks_when_something_was_typed(
    qtbot: QtBot, shell: Shell
) -> None:
    window = shell.window
    window.select_school(window.schools_model.schools()[0].id)
    dialog = window.open_new_visit()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3_000)

    dialog = window.open_new_visit()
    qtbot.waitExposed(dialog)
    kinds = dialog.ui.kindCombo
    kinds.setFocus()
    qtbot.keyClick(kinds, Qt.Key.Key_Down)
    chosen = kinds.currentText()
    qtbot.keyClick(kinds, Qt.Key.Key_Escape)
    box = _question(qtbot, dialog)
    assert box.defaultButton() is _button(box, "Keep editing")
    # Escape in the question keeps editing: nothing is lost.
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3_000)
    assert dialog.isVisible()
    assert kinds.currentText() == chosen

    # The close button asks too; Discard closes.
    dialog.close()
    box = _question(qtbot, dialog)
    assert dialog.isVisible()
    _button(box, "Discard").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3_000)


def test_enter_in_a_field_presses_the_dialogs_main_button(qtbot: QtBot, shell: Shell) -> None:
    dialog = shell.window.open_settings()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=3_000)
    field = dialog.ui.serverEdit
    field.setFocus()
    qtbot.keyClicks(field, "https://reviews.trust.example")
    with qtbot.waitSignal(dialog.settings_saved, timeout=20_000) as saved:
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert saved.args[0].server_url == "https://reviews.trust.example"


def test_a_ticked_list_item_counts_as_typed_input(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QDialog, QListWidget, QListWidgetItem, QVBoxLayout

    from reviewer_app.gui.discard_guard import AsksBeforeDiscarding

    class Ticks(AsksBeforeDiscarding, QDialog):
        pass

    dialog = Ticks()
    qtbot.addWidget(dialog)
    ticks = QListWidget()
    item = QListWidgetItem("Reading")
    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    item.setCheckState(Qt.CheckState.Unchecked)
    ticks.addItem(item)
    QVBoxLayout(dialog).addWidget(ticks)
    dialog.show()
    assert not dialog.has_typed_input()
    item.setCheckState(Qt.CheckState.Checked)
    assert dialog.has_typed_input()
    dialog.reject()
    _question(qtbot, dialog)
    assert dialog.isVisible()


def test_escape_on_the_conflicts_panel_asks_before_losing_a_merged_text(
    qtbot: QtBot, shell: Shell
) -> None:
    window = shell.window
    qtbot.waitUntil(lambda: window.sync is not None, timeout=10_000)
    dialog = window.sync.open_conflicts()
    qtbot.waitExposed(dialog)
    # Nothing written: Escape closes.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3_000)

    dialog = window.sync.open_conflicts()
    qtbot.waitExposed(dialog)
    # The merged text as the lead writes it for a conflict (the demo-free store has none, so
    # the box is filled directly).
    dialog.panel.merged.setPlainText("Phonics is strong in every class")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = _question(qtbot, dialog)
    _button(box, "Keep editing").click()
    assert dialog.isVisible()
    assert dialog.panel.merged.toPlainText() == "Phonics is strong in every class"
    dialog.reject()  # the Close button
    box = _question(qtbot, dialog)
    _button(box, "Discard").click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3_000)
