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
from reviewer_app.gui.tasks import TaskRunner
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
    from support.fixture_trust import SCHOOLS, FixtureTrust

    workspace = open_workspace(paths, demo=True, built_in=FixtureTrust())
    assert workspace is not None
    try:
        assert workspace.demo
        assert len(workspace.list_schools()) == len(SCHOOLS)
    finally:
        workspace.close()


def test_the_store_opens_in_the_background_and_asks_on_the_gui_thread(
    qtbot: QtBot, paths: AppPaths, reader_tasks: TaskRunner
) -> None:
    import threading

    from reviewer_app.app import settings_path
    from reviewer_app.gui.store_opening import StoreOpener

    asked_on: list[threading.Thread] = []
    seen: list[tuple] = []

    def answer(dialog: PassphraseDialog) -> None:
        asked_on.append(threading.current_thread())
        _type(PASSPHRASE, confirm=True)(dialog)

    _answer_dialogs([answer], seen)
    opener = StoreOpener(paths, settings_path(paths), demo=False, tasks=reader_tasks)
    with qtbot.waitSignal(opener.opened, timeout=20_000) as opened:
        opener.start()
    workspace, settings = opened.args
    try:
        assert asked_on == [threading.main_thread()]
        assert seen == [(PassphraseMode.CREATE, "")]
        assert workspace.store_path == paths.store_file
        assert settings.ui_scale_percent == 100
        assert opener.wait() is workspace
    finally:
        workspace.close()


def test_a_bad_store_is_reported_by_the_background_opener(
    qtbot: QtBot, paths: AppPaths, reader_tasks: TaskRunner
) -> None:
    from reviewer_app.app import settings_path
    from reviewer_app.domain.errors import ReviewerError
    from reviewer_app.gui.store_opening import StoreOpener

    paths.demo_store_file.write_bytes(b"not a database at all" * 100)
    opener = StoreOpener(paths, settings_path(paths), demo=True, tasks=reader_tasks)
    with qtbot.waitSignal(opener.failed, timeout=20_000) as failed:
        opener.start()
    error = failed.args[0]
    assert isinstance(error, ReviewerError)
    assert str(paths.demo_store_file) in str(error)
    assert opener.wait() is None


def test_nothing_typed_lands_in_the_window_before_the_store_is_open(
    qtbot: QtBot, paths: AppPaths
) -> None:
    """The window is on screen while the store opens (and its passphrase is asked): a
    passphrase typed too early must not land in the school search box, in plain text."""
    from PySide6.QtCore import Qt

    from reviewer_app.app import start_shell
    from reviewer_app.settings import Settings
    from support.fixture_trust import open_fixture_workspace

    shell = start_shell(paths, demo=True)
    try:
        window = shell.window
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.keyClicks(window.filter_edit, PASSPHRASE)
        qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(window.filter_edit, PASSPHRASE)
        assert window.filter_edit.text() == ""
        assert not window.filter_edit.isEnabled()

        shell.attach(open_fixture_workspace(paths), Settings())
        qtbot.waitUntil(lambda: window.schools_model.rowCount() > 0, timeout=10_000)
        qtbot.keyClicks(window.filter_edit, "Oak")
        assert window.filter_edit.text() == "Oak"
    finally:
        shell.close()
