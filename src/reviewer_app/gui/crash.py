"""Crash handling: log it, tell the person, and show what happened at the next start.

* Uncaught Python exceptions (any thread) go through :meth:`CrashHandler.handle_exception`: the
  traceback is logged, appended to ``crash.log``, and a dialog is shown on the GUI thread (once
  per kind of problem, so a failing timer cannot open a hundred dialogs).
* Hard crashes (segfaults in Qt or a C extension) cannot run Python code, so ``faulthandler``
  writes their stacks into ``crash.log`` directly.
* At the next start, a non-empty ``crash.log`` is shown once and renamed to ``crash.previous.log``.

``--no-crash-dialog`` (CI, automated runs) keeps the logging and the file, without dialogs.
"""

from __future__ import annotations

import faulthandler
import logging
import sys
import threading
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot

from reviewer_app import __version__
from reviewer_app.logging_setup import recent_log

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QWidget

log = logging.getLogger(__name__)

PREVIOUS_SUFFIX = ".previous.log"


class CrashHandler(QObject):
    """Installs the excepthooks and faulthandler; shows crash dialogs on the GUI thread.

    Signals:
        crash_reported(str): an uncaught exception was logged; the argument is the report.
        dialog_opened(QDialog): a crash dialog was shown (tests and screenshots use this).
    """

    crash_reported = Signal(str)
    dialog_opened = Signal(object)
    _report_ready = Signal(str, str)

    def __init__(
        self,
        crash_log: Path,
        log_file: Path,
        *,
        show_dialogs: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.crash_log = crash_log
        self.log_file = log_file
        self.show_dialogs = show_dialogs
        self.dialog_parent: QWidget | None = None
        self._seen: set[str] = set()
        self._fault_file: IO[str] | None = None
        self._previous_hooks: tuple | None = None
        self._report_ready.connect(self._show_dialog, Qt.ConnectionType.QueuedConnection)

    # ------------------------------------------------------------------ installation

    def install(self) -> None:
        """Take over ``sys.excepthook``, ``threading.excepthook`` and ``faulthandler``."""
        self.crash_log.parent.mkdir(parents=True, exist_ok=True)
        self._fault_file = self.crash_log.open("a", encoding="utf-8")
        faulthandler.enable(file=self._fault_file, all_threads=True)
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.handle_exception
        threading.excepthook = self._handle_thread_exception

    def uninstall(self) -> None:
        """Give back the hooks (on clean exit and in tests)."""
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None
        if self._fault_file is not None:
            faulthandler.disable()
            self._fault_file.close()
            self._fault_file = None

    # ------------------------------------------------------------------ reporting

    def _handle_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:
            return
        self.handle_exception(args.exc_type, args.exc_value, args.exc_traceback)

    def handle_exception(
        self,
        exc_type: type[BaseException],
        exc_value: BaseException,
        exc_traceback: TracebackType | None,
    ) -> None:
        """Log an uncaught exception, append it to ``crash.log`` and show the dialog."""
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc_value, exc_traceback)
            return
        log.critical(
            "Uncaught exception (%s)",
            exc_type.__name__,
            exc_info=(exc_type, exc_value, exc_traceback),
        )
        details = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
        report = (
            f"Reviewer {__version__}, {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC\n\n{details}"
            f"\nRecent log:\n{recent_log()}\n"
        )
        try:
            with self.crash_log.open("a", encoding="utf-8") as out:
                out.write(report + "\n")
        except OSError:
            log.exception("Could not write the crash log %s", self.crash_log)
        self.crash_reported.emit(report)
        # One dialog per place of failure: the last frame identifies the kind of problem.
        frames = traceback.extract_tb(exc_traceback)
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else ""
        key = f"{exc_type.__name__}@{where}"
        if self.show_dialogs and key not in self._seen:
            self._seen.add(key)
            self._report_ready.emit(key, report)

    @Slot(str, str)
    def _show_dialog(self, key: str, report: str) -> None:
        from reviewer_app.gui.crash_report_dialog import CrashReportDialog

        dialog = CrashReportDialog(
            "Reviewer hit a problem it did not expect",
            "Your saved work is safe: every change is stored as you make it. If something "
            "looks wrong, close Reviewer and open it again, and please send the details below "
            "to your trust's support contact.",
            report,
            self.log_file,
            self.dialog_parent,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog_opened.emit(dialog)

    # ------------------------------------------------------------------ next start

    def take_previous_report(self) -> str:
        """The crash report left by the previous run, if any; renamed so it shows only once.

        Call before :meth:`install` (which opens a fresh ``crash.log``).
        """
        try:
            text = self.crash_log.read_text(encoding="utf-8", errors="replace").strip()
        except FileNotFoundError:
            return ""
        if not text:
            return ""  # a clean exit leaves an empty crash.log; keep the last real report
        previous = self.crash_log.with_name(self.crash_log.stem + PREVIOUS_SUFFIX)
        self.crash_log.replace(previous)
        return text

    def show_previous_report(self, report: str, parent: QWidget | None = None) -> QDialog | None:
        """Tell the person the last session ended with a problem, and show its report."""
        if not report or not self.show_dialogs:
            if report:
                log.info("The previous session left a crash report (%d characters)", len(report))
            return None
        from reviewer_app.gui.crash_report_dialog import CrashReportDialog

        dialog = CrashReportDialog(
            "Reviewer closed unexpectedly last time",
            "Your saved work is safe. Below is what Reviewer recorded about the problem; please "
            "send it to your trust's support contact.",
            report,
            self.log_file,
            parent,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog
