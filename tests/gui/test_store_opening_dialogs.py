"""Opening the real (not demo) store from the GUI: the passphrase comes from the dialog.

Tests run with the null keyring (tests/conftest.py), so the store always needs a passphrase.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from reviewer_app.gui.dialogs.passphrase import PassphraseDialog, PassphraseMode
from reviewer_app.gui.store_opening import open_workspace
from reviewer_app.paths import AppPaths

PASSPHRASE = "a long walk by the river"


def _answer_dialogs(answers: list[Callable[[PassphraseDialog], None]], seen: list[tuple]) -> None:
    """Answer each passphrase dialog, in turn, as it opens (they are modal)."""

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, PassphraseDialog) and dialog.isVisible():
            seen.append((dialog.mode, dialog.ui.errorLabel.text()))
            answers.pop(0)(dialog)
        if answers:
            QTimer.singleShot(10, poll)

    QTimer.singleShot(10, poll)


def _type(passphrase: str, confirm: bool = False) -> Callable[[PassphraseDialog], None]:
    def answer(dialog: PassphraseDialog) -> None:
        dialog.ui.passphraseEdit.setText(passphrase)
        if confirm:
            dialog.ui.confirmEdit.setText(passphrase)
        dialog.accept()

    return answer


def test_a_new_store_asks_for_a_passphrase_then_unlocks_with_it(
    qtbot: QtBot, paths: AppPaths
) -> None:
    seen: list[tuple] = []
    _answer_dialogs([_type(PASSPHRASE, confirm=True)], seen)
    workspace = open_workspace(paths, demo=False)
    assert workspace is not None
    workspace.close()
    assert seen == [(PassphraseMode.CREATE, "")]

    # Next start: a wrong passphrase is explained, and the right one opens the store.
    seen.clear()
    _answer_dialogs([_type("not the passphrase"), _type(PASSPHRASE)], seen)
    workspace = open_workspace(paths, demo=False)
    assert workspace is not None
    workspace.close()
    assert seen == [
        (PassphraseMode.UNLOCK, ""),
        (
            PassphraseMode.UNLOCK,
            "That passphrase does not open your reviews. Check Caps Lock and try again.",
        ),
    ]


def test_cancelling_the_passphrase_opens_nothing_and_changes_nothing(
    qtbot: QtBot, paths: AppPaths
) -> None:
    seen: list[tuple] = []
    _answer_dialogs([lambda dialog: dialog.reject()], seen)
    assert open_workspace(paths, demo=False) is None
    assert seen == [(PassphraseMode.CREATE, "")]
    assert not paths.store_file.exists()


def test_the_demo_store_needs_no_passphrase(qtbot: QtBot, paths: AppPaths) -> None:
    workspace = open_workspace(paths, demo=True)
    assert workspace is not None
    try:
        assert workspace.demo
        assert len(workspace.list_schools()) >= 6
    finally:
        workspace.close()
