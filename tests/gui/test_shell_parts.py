"""Smaller parts of the shell: Qt log forwarding, background tasks, theme, menus, dialogs."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QtMsgType, qWarning
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from reviewer_app import __version__
from reviewer_app.app import Shell
from reviewer_app.gui import qtlog, theme
from reviewer_app.gui.dialogs.about import AboutDialog
from reviewer_app.gui.dialogs.passphrase import MIN_LENGTH, PassphraseDialog, PassphraseMode
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.paths import AppPaths, resources_dir
from support.fixture_trust import open_fixture_workspace


def test_qt_messages_are_forwarded_into_logging(expected_log, caplog) -> None:
    expected_log(logging.WARNING, "[default] a test warning from Qt")
    previous = qtlog.install()
    try:
        qWarning("a test warning from Qt")
    finally:
        qtlog.uninstall(previous)
    records = [r for r in caplog.records if r.name == "qt"]
    assert [(r.levelno, r.getMessage()) for r in records] == [
        (logging.WARNING, "[default] a test warning from Qt")
    ]
    assert qtlog._LEVELS[QtMsgType.QtCriticalMsg] == logging.ERROR


def test_tasks_deliver_results_and_failures_on_the_gui_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    seen: list[tuple[str, object, bool]] = []
    gui_thread = threading.current_thread()

    def work() -> str:
        assert threading.current_thread() is not gui_thread
        return "read"

    def failing() -> None:
        raise ValueError("no such visit")

    lane_result: Future[str] = Future()
    runner.run(
        work, on_done=lambda r: seen.append(("done", r, threading.current_thread() is gui_thread))
    )
    runner.run(
        failing,
        on_failed=lambda e: seen.append(
            ("failed", str(e), threading.current_thread() is gui_thread)
        ),
    )
    runner.run(lambda: lane_result, on_done=lambda r: seen.append(("lane", r, True)))
    lane_result.set_result("written")
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: busy is False):
        pass
    runner.shutdown()
    assert sorted(seen) == [
        ("done", "read", True),
        ("failed", "no such visit", True),
        ("lane", "written", True),
    ]
    assert runner.pending == 0
    with pytest.raises(RuntimeError):
        runner.run(work)


def test_callbacks_of_a_deleted_widget_are_skipped(qtbot: QtBot) -> None:
    runner = TaskRunner()
    dialog = QDialog()
    gate = threading.Event()
    called: list[object] = []
    runner.run(gate.wait, on_done=called.append, context=dialog)
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not __import__("shiboken6").isValid(dialog))
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0)
    runner.shutdown()
    assert called == []


def test_waiting_for_work_the_shutdown_took_off_the_queue_returns(qtbot: QtBot) -> None:
    # The sync controller closes after the reader threads in some teardowns: a probe still
    # queued when the pool shut down is cancelled, and must not hang whoever waits for it.
    runner = TaskRunner(readers=1)
    gate = threading.Event()
    running = runner.run(gate.wait, quiet=True)
    queued = runner.run(lambda: "never run", quiet=True)
    threading.Timer(0.2, gate.set).start()
    runner.shutdown()
    assert queued.cancelled()
    waiter = threading.Thread(target=runner.wait_for, args=([running, queued],), daemon=True)
    waiter.start()
    waiter.join(timeout=60)
    assert not waiter.is_alive()
    assert running.done()
    assert not running.cancelled()


def test_waiting_for_queued_work_returns_when_the_shutdown_takes_it_off_meanwhile(
    qtbot: QtBot,
) -> None:
    # The app closing waits for the store's opening while the reader threads shut down: the
    # cancelling comes after the waiting began, and must still end it.
    runner = TaskRunner(readers=1)
    gate = threading.Event()
    runner.run(gate.wait, quiet=True)
    queued = runner.run(lambda: "never run", quiet=True)
    waiter = threading.Thread(target=runner.wait_for, args=([queued],), daemon=True)
    waiter.start()
    threading.Timer(0.2, gate.set).start()
    runner.shutdown()
    waiter.join(timeout=60)
    assert queued.cancelled()
    assert not waiter.is_alive()


def test_style_sheet_fills_every_token_and_every_icon_exists() -> None:
    sheet = theme.stylesheet()
    assert "{{" not in sheet
    assert "}}" not in sheet
    used = {
        "reviewer",
        "school",
        "new-visit",
        "search",
        "settings",
        "about",
        "add",
        "remove",
        "warning",
        "lock",
        "quit",
        "refresh",
        "crash-report",
        "folder",
        "empty-visits",
        "empty-school",
    }
    for name in used:
        assert (resources_dir() / "icons" / f"{name}.svg").is_file(), name
        assert not theme.icon(name).pixmap(24, 24).isNull(), name


def test_an_unknown_style_token_is_refused(tmp_path: Path) -> None:
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "00.qss").write_text("QWidget { color: {{no_such}}; }", encoding="utf-8")
    with pytest.raises(KeyError, match="no_such"):
        theme.stylesheet(tmp_path)


def test_menus_offer_every_action_with_its_shortcut(shell: Shell) -> None:
    window = shell.window
    menus = {
        action.text().replace("&", ""): [
            a.text().replace("&", "") for a in action.menu().actions() if a.text()
        ]
        for action in window.menuBar().actions()
    }
    assert menus == {
        "File": ["Settings…", "Verify a report…", "Quit"],
        "Visit": ["New visit…", "Open visit"],
        "Sync": ["Sync now", "Conflicts…", "Connect to trust server…"],
        "View": ["My work", "Find school", "Reload", "Hide restricted content"],
        "Help": [
            "Keyboard shortcuts",
            "Show log folder",
            "Show last crash report",
            "About Reviewer",
        ],
    }
    assert window.new_visit_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert window.find_action.shortcut() == QKeySequence("Ctrl+F")
    assert window.my_work_action.shortcut() == QKeySequence("Ctrl+M")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert window.reload_action.shortcut() == QKeySequence("F5")
    assert window.privacy is not None
    assert window.privacy.hide_action.shortcut() == QKeySequence("Ctrl+Shift+H")
    assert window.sync is not None
    assert window.sync.sync_now_action.shortcut() == QKeySequence("F9")
    # F9 works from every window of the app, the review editors included.
    assert window.sync.sync_now_action.shortcutContext() == Qt.ShortcutContext.ApplicationShortcut
    assert window.shortcuts_action.shortcut() == QKeySequence("F1")
    assert window.new_visit_action.isEnabled()


def test_controls_have_accessible_names(shell: Shell) -> None:
    window = shell.window
    for widget in (
        window.filter_edit,
        window.schools_view,
        window.school_page.visits_view,
        window.school_page.new_visit_button,
    ):
        assert widget.accessibleName(), widget.objectName()


def test_about_shows_version_and_folders(qtbot: QtBot, paths: AppPaths) -> None:
    dialog = AboutDialog(paths)
    qtbot.addWidget(dialog)
    assert dialog.ui.version.text() == f"Version {__version__}"
    assert dialog.ui.dataPath.text() == str(paths.data)
    assert dialog.ui.logsPath.text() == str(paths.logs)


def test_passphrase_dialog_checks_a_new_passphrase(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PassphraseDialog(PassphraseMode.CREATE, tmp_path / "reviewer.db")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.ui.passphraseEdit, "short")
    dialog.accept()
    assert dialog.ui.errorLabel.text().startswith(f"Use at least {MIN_LENGTH} characters")
    dialog.ui.passphraseEdit.setText("correct horse battery")
    dialog.ui.confirmEdit.setText("correct horse battery staple")
    dialog.accept()
    assert dialog.ui.errorLabel.text().startswith("The two passphrases differ")
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.ui.confirmEdit.setText("correct horse battery")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.passphrase == "correct horse battery"


def test_passphrase_dialog_unlock_asks_once(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = PassphraseDialog(PassphraseMode.UNLOCK, tmp_path / "reviewer.db", problem="Wrong.")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.ui.confirmEdit.isVisible()
    assert dialog.ui.errorLabel.text() == "Wrong."
    assert str(tmp_path / "reviewer.db") in dialog.ui.explanation.text()


def test_broken_frameworks_leave_the_schools_usable_and_say_why(
    qtbot: QtBot, paths: AppPaths, tmp_path: Path, expected_log
) -> None:
    from reviewer_app.app import start_shell
    from reviewer_app.settings import Settings

    expected_log(logging.ERROR, "The review frameworks could not be loaded")
    broken = tmp_path / "frameworks"
    broken.mkdir()
    (broken / "learning-walk.yaml").write_text("kind: framework\nid: [unclosed\n", encoding="utf-8")
    workspace = open_fixture_workspace(paths)
    shell = start_shell(
        paths, demo=True, workspace=workspace, settings=Settings(), frameworks=broken
    )
    try:
        qtbot.addWidget(shell.window)
        shell.window.show()
        qtbot.waitUntil(
            lambda: shell.window.schools_model.rowCount() > 0 and shell.tasks.pending == 0
        )
        assert not shell.window.new_visit_action.isEnabled()
        assert "frameworks check" in shell.window.new_visit_action.toolTip()
        assert shell.window.activity_status.text() == (
            "Review frameworks could not be loaded (see the log)"
        )
        assert shell.window.open_new_visit() is None
    finally:
        shell.close()
