"""The review editor's Report menu: Preview report… (Ctrl+P) and Sign report….

The report service (and with it the reports and signing libraries) is imported on a reader
thread the first time a report is asked for, never when the editor opens.

It is given what it uses (the window the dialogs open over, the workspace, the reader threads,
the visit, how to name a file and how to queue typing not yet saved), never the editor itself;
a signature that locks the review is told by :attr:`ReportActions.review_locked`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence

from reviewer_app.gui.review_editor.report_windows import ReportPreviewDialog
from reviewer_app.gui.review_editor.sign_dialog import SignReportDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.paths import AppPaths
    from reviewer_app.services.report_service import ReportService, SignResult
    from reviewer_app.services.workspace import Workspace


class ReportActions(QObject):
    """Preview and sign the review open in ``window``; opens one window of each at a time.

    ``file_stem`` names an exported file ("School 2026-03-04"), None until the review is read;
    ``flush`` queues the typing not yet saved.

    Signals:
        review_locked(): the last signature locked the review.
    """

    review_locked = Signal()

    def __init__(
        self,
        window: QWidget,
        workspace: Workspace,
        tasks: TaskRunner,
        visit_id: str,
        paths: AppPaths | None,
        *,
        file_stem: Callable[[], str | None],
        flush: Callable[[], None],
    ) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.tasks = tasks
        self.visit_id = visit_id
        self.paths = paths
        self._file_stem = file_stem
        self._flush = flush
        self._service: ReportService | None = None
        self._lock = threading.Lock()
        self._preview: ReportPreviewDialog | None = None
        self._sign: SignReportDialog | None = None
        self.preview_action = self._action("&Preview report…", self.preview, "Ctrl+P")
        self.sign_action = self._action("&Sign report…", self.sign, None)
        self.set_enabled(False)

    def _action(self, text: str, slot, shortcut: str | None) -> QAction:
        act = QAction(text, self.window)
        if shortcut:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        act.triggered.connect(lambda _c=False: slot())
        self.window.addAction(act)
        return act

    @property
    def preview_dialog(self) -> ReportPreviewDialog | None:
        """The preview window, while it is open."""
        dialog = self._preview
        return dialog if dialog is not None and shiboken6.isValid(dialog) else None

    @property
    def sign_dialog(self) -> SignReportDialog | None:
        """The Sign report dialog, while it is open."""
        dialog = self._sign
        return dialog if dialog is not None and shiboken6.isValid(dialog) else None

    def close_windows(self) -> None:
        """Close the report windows (the editor is closing)."""
        for dialog in (self.preview_dialog, self.sign_dialog):
            if dialog is not None:
                dialog.close()
        self._preview = self._sign = None

    def set_enabled(self, loaded: bool) -> None:
        """Reports need the review on screen and the app's folders (for keys and the trust)."""
        usable = loaded and self.paths is not None
        for act in (self.preview_action, self.sign_action):
            act.setEnabled(usable)
            act.setToolTip(
                "" if self.paths is not None else "Reports are made from the full app only."
            )

    def service(self) -> ReportService:
        """The report service (made on a reader thread on first need)."""
        with self._lock:
            if self._service is None:
                from reviewer_app.services.report_service import ReportService

                assert self.paths is not None
                self._service = ReportService(self.workspace, self.paths)
            return self._service

    def _before_work(self) -> Callable[[], object]:
        """Typing not yet saved is queued now; the reader then waits for every queued write."""
        self._flush()
        workspace = self.workspace
        return lambda: workspace.submit(lambda: None).result()

    def preview(self, audience: str | None = None) -> ReportPreviewDialog | None:
        """Preview report… (Ctrl+P): the review as it stands, for a chosen audience."""
        file_stem = self._file_stem()
        if file_stem is None or not self.preview_action.isEnabled():
            return None
        if self.preview_dialog is not None:
            self.preview_dialog.close()  # one preview at a time: the new one replaces it
        dialog = ReportPreviewDialog(
            self.tasks,
            self.service,
            self.visit_id,
            file_stem=file_stem,
            audience=audience,
            before_work=self._before_work,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._preview = dialog
        dialog.show()
        return dialog

    def sign(self, audience: str | None = None) -> SignReportDialog | None:
        """Sign report…: the signing order, the person's signature, the signed versions."""
        file_stem = self._file_stem()
        if file_stem is None or not self.sign_action.isEnabled():
            return None
        if self.sign_dialog is not None:
            self.sign_dialog.close()
        dialog = SignReportDialog(
            self.tasks,
            self.service,
            self.visit_id,
            file_stem=file_stem,
            audience=audience,
            before_work=self._before_work,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.report_signed.connect(self._signed)
        self._sign = dialog
        dialog.show()
        return dialog

    def _signed(self, result: SignResult) -> None:
        if result.locked:
            self.review_locked.emit()  # the review is signed now: the editor shows it locked
