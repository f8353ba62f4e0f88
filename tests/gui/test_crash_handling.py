"""A crash is logged, shown in a dialog, written to crash.log, and shown again at the next start."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from reviewer_app import debug
from reviewer_app.gui.crash import PREVIOUS_SUFFIX, CrashHandler
from reviewer_app.gui.crash_report_dialog import CrashReportDialog
from reviewer_app.gui.startup_probe import PREFIX
from reviewer_app.paths import AppPaths


def _raise_and_capture() -> tuple[type[BaseException], BaseException, object]:
    try:
        {}["missing visit"]
    except KeyError:
        return sys.exc_info()  # type: ignore[return-value]
    raise AssertionError("unreachable")


def test_an_uncaught_exception_is_logged_written_and_shown_once(
    qtbot: QtBot, paths: AppPaths, expected_log
) -> None:
    expected_log(logging.CRITICAL, "Uncaught exception (KeyError)")
    handler = CrashHandler(paths.crash_log, paths.log_file, show_dialogs=True)
    dialogs: list[CrashReportDialog] = []
    handler.dialog_opened.connect(dialogs.append)
    exc_type, exc, tb = _raise_and_capture()
    with qtbot.waitSignal(handler.dialog_opened, timeout=20_000):
        handler.handle_exception(exc_type, exc, tb)
    # The same failure again is logged and written, but opens no second dialog.
    handler.handle_exception(exc_type, exc, tb)
    qtbot.wait(50)
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.isVisible()
    assert "KeyError: 'missing visit'" in dialog.report
    assert dialog.ui.heading.text() == "Reviewer hit a problem it did not expect"
    assert str(paths.log_file) in dialog.ui.logLocation.text()
    text = paths.crash_log.read_text(encoding="utf-8")
    # Two reports, each with the failure. (Counting the failure's text itself would also count
    # the copies in each report's "Recent log" when an in-memory log buffer is installed.)
    assert text.count("\nRecent log:\n") == 2
    assert all("KeyError: 'missing visit'" in part for part in text.split("\nRecent log:\n")[:2])
    dialog.close()


def test_exceptions_in_worker_threads_reach_the_handler(
    qtbot: QtBot, paths: AppPaths, expected_log
) -> None:
    expected_log(logging.CRITICAL, "Uncaught exception (RuntimeError)")
    handler = CrashHandler(paths.crash_log, paths.log_file, show_dialogs=True)
    handler.install()
    try:
        with qtbot.waitSignal(handler.dialog_opened, timeout=20_000) as opened:
            worker = threading.Thread(target=lambda: (_ for _ in ()).throw(RuntimeError("boom")))
            worker.start()
            worker.join()
    finally:
        handler.uninstall()
    dialog = opened.args[0]
    assert "RuntimeError: boom" in dialog.report
    dialog.close()
    assert sys.excepthook is not handler.handle_exception, "uninstall gives the hooks back"


def test_no_crash_dialog_still_logs_and_writes(qtbot: QtBot, paths: AppPaths, expected_log) -> None:
    expected_log(logging.CRITICAL, "Uncaught exception (KeyError)")
    handler = CrashHandler(paths.crash_log, paths.log_file, show_dialogs=False)
    reported: list[str] = []
    handler.crash_reported.connect(reported.append)
    handler.dialog_opened.connect(lambda d: pytest.fail("no dialog with --no-crash-dialog"))
    handler.handle_exception(*_raise_and_capture())
    qtbot.wait(50)
    assert len(reported) == 1
    assert "missing visit" in paths.crash_log.read_text(encoding="utf-8")


def test_the_previous_crash_report_is_shown_once_at_the_next_start(
    qtbot: QtBot, paths: AppPaths
) -> None:
    paths.crash_log.write_text("Fatal Python error: Segmentation fault\n", encoding="utf-8")
    handler = CrashHandler(paths.crash_log, paths.log_file, show_dialogs=True)
    report = handler.take_previous_report()
    assert report == "Fatal Python error: Segmentation fault"
    assert not paths.crash_log.exists()
    kept = paths.crash_log.with_name(paths.crash_log.stem + PREVIOUS_SUFFIX)
    assert kept.read_text(encoding="utf-8").startswith("Fatal Python error")
    dialog = handler.show_previous_report(report)
    assert dialog is not None
    assert dialog.ui.heading.text() == "Reviewer closed unexpectedly last time"
    assert dialog.report == report
    dialog.close()
    # A second start finds nothing to show, and a clean run's empty crash.log keeps the last
    # real report available (Help > Show last crash report).
    assert CrashHandler(paths.crash_log, paths.log_file).take_previous_report() == ""
    paths.crash_log.write_text("", encoding="utf-8")
    assert CrashHandler(paths.crash_log, paths.log_file).take_previous_report() == ""
    assert kept.read_text(encoding="utf-8").startswith("Fatal Python error")


def test_a_hard_crash_is_caught_by_faulthandler_and_reported_at_the_next_start(
    paths: AppPaths, data_dir: Path
) -> None:
    # A real process that dies of a fatal signal with the crash handler installed.
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from reviewer_app.gui.crash import CrashHandler\n"
        "app = QApplication([])\n"
        f"handler = CrashHandler(Path({str(paths.crash_log)!r}), Path({str(paths.log_file)!r}))\n"
        "handler.install()\n"
        "os.kill(os.getpid(), signal.SIGSEGV)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    died = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, timeout=60)
    assert died.returncode != 0
    assert "Segmentation fault" in paths.crash_log.read_text(encoding="utf-8")

    # The next start of the real app reports it (logged, as --no-crash-dialog is given).
    env[debug.ENV] = debug.EXIT_AFTER_SHOW
    started = subprocess.run(
        [
            sys.executable,
            "-m",
            "reviewer_app",
            "--demo",
            "--no-crash-dialog",
            "--data-dir",
            str(data_dir),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert started.returncode == 0, started.stderr
    assert any(line.startswith(PREFIX) for line in started.stdout.splitlines())
    log_text = paths.log_file.read_text(encoding="utf-8")
    assert "The previous session left a crash report" in log_text
    previous = paths.crash_log.with_name(paths.crash_log.stem + PREVIOUS_SUFFIX)
    assert "Segmentation fault" in previous.read_text(encoding="utf-8")


def test_help_menu_shows_the_last_crash_report(qtbot: QtBot, shell, paths: AppPaths) -> None:
    window = shell.window
    assert window.show_last_crash_report() is None, "nothing to show before any crash"
    previous = paths.crash_log.with_name(paths.crash_log.stem + PREVIOUS_SUFFIX)
    previous.write_text("Fatal Python error: Aborted\n", encoding="utf-8")
    dialog = window.show_last_crash_report()
    assert dialog is not None
    assert dialog.report == "Fatal Python error: Aborted\n"
    assert dialog.ui.heading.text() == "The last crash report"
    dialog.close()
