"""The crash report dialog: what happened in plain words, with the details to copy.

Apart from :mod:`reviewer_app.gui.crash` because the crash handler is installed at start-up and
the dialog is rarely shown: its Qt classes are not set up before the first screen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox

from reviewer_app.gui import theme
from reviewer_app.gui.forms.ui_crash_report import Ui_CrashReportDialog
from reviewer_app.gui.screen_fit import fit_window


class CrashReportDialog(QDialog):
    """Shows a crash report: what happened in plain words, with the details to copy."""

    def __init__(
        self, heading: str, explanation: str, report: str, log_path: Path, parent=None
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_CrashReportDialog()
        self.ui.setupUi(self)
        self.ui.warningIcon.setPixmap(theme.pixmap("warning", 32))
        self.ui.heading.setText(heading)
        self.ui.explanation.setText(explanation)
        self.ui.reportText.setPlainText(report)
        self.ui.reportText.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.ui.logLocation.setText(f"The full log is in {log_path}")
        self.ui.copyButton.clicked.connect(self._copy)
        self.ui.buttonBox.rejected.connect(self.reject)
        close = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Close)
        close.setDefault(True)
        fit_window(self, "crashReportDialog")

    @property
    def report(self) -> str:
        return self.ui.reportText.toPlainText()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report)
