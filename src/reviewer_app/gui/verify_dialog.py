"""The Verify report dialog: choose a signed PDF, see who signed it and what is wrong.

Verification (``services.report_checking``) runs on one of the app's reader threads
(``gui/tasks.py``: it reads the file and checks every signature, 50-200 ms); the result comes
back on the GUI thread, and is dropped if the dialog has closed meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.wording import readable_key
from reviewer_app.gui.screen_fit import fit_window
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.services.report_checking import CheckedReport, StoredHash, check_report_file

_GOOD = "#2E7D4F"
_BAD = "#B3261E"

CHECKED_AGAINST_STORE = "Checked against the review in the local store."


class VerifyReportDialog(QDialog):
    """Checks a signed report against the trust root and shows the verdict in sentences.

    Signals:
        verification_finished(object): a :class:`ReportVerification` is shown.
        verification_failed(str): the file could not be checked (not a PDF, unreadable).
    """

    verification_finished = Signal(object)
    verification_failed = Signal(str)

    def __init__(
        self,
        trust_roots: Sequence[x509.Certificate],
        crls: Sequence[x509.CertificateRevocationList] = (),
        *,
        expected_data_hash: str | None = None,
        stored_hash: StoredHash | None = None,
        tasks: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Verify report")
        fit_window(self, "verifyReportDialog", (640, 420))
        self._roots = list(trust_roots)
        self._crls = list(crls)
        self._expected_hash = expected_data_hash
        self._stored_hash = stored_hash
        self._tasks = tasks

        self.file_label = QLabel("Choose a signed report (PDF) to check.", self)
        self.choose_button = QPushButton("Choose file…", self)
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QListWidget(self)
        self.details.setWordWrap(True)
        self.details.setSpacing(3)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(self.file_label, 1)
        top.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.headline)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.choose_button.clicked.connect(self._choose)

    def verify_file(self, path: Path) -> None:
        """Start checking ``path``; the verdict arrives via ``verification_finished``."""
        self.file_label.setText(str(path))
        self.headline.setText("Checking…")
        self.headline.setStyleSheet("")
        self.details.clear()
        self.choose_button.setEnabled(False)
        roots, crls, expected, stored = (
            self._roots,
            self._crls,
            self._expected_hash,
            self._stored_hash,
        )

        def shown(outcome: CheckedReport | str) -> None:
            if isinstance(outcome, str):
                self._show_failure(outcome)
            else:
                self._show_result(outcome)

        # The dialog may close while the check runs: the runner then drops the outcome.
        self._tasks.run(
            lambda: check_report_file(path, roots, crls, expected, stored),
            on_done=shown,
            context=self,
        )

    def _choose(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, "Verify report", "", "PDF files (*.pdf);;All files (*)"
        )
        if path:
            self.verify_file(Path(path))

    def _show_result(self, outcome: CheckedReport) -> None:
        result, checked_against_store = outcome.verification, outcome.checked_against_store
        self.choose_button.setEnabled(True)
        self.headline.setText(result.headline)
        colour = _GOOD if result.passed else _BAD
        self.headline.setStyleSheet(f"font-weight: bold; color: {colour};")
        for signature in result.signatures:
            mark = "✓" if signature.ok else "✗"
            item = QListWidgetItem(f"{mark}  {signature.sentence}")
            item.setForeground(Qt.GlobalColor.darkGreen if signature.ok else Qt.GlobalColor.red)
            self.details.addItem(item)
        for problem in result.problems:
            item = QListWidgetItem(f"✗  {problem}")
            item.setForeground(Qt.GlobalColor.red)
            self.details.addItem(item)
        if result.data_hash:
            framework_id, _, version = result.framework.partition(" ")
            made_with = f"Made with the {readable_key(framework_id)} framework" + (
                f", version {version}. " if version else ". "
            )
            self.details.addItem(f"{made_with}Fingerprint of its data: {result.data_hash}")
        if checked_against_store:
            self.details.addItem(CHECKED_AGAINST_STORE)
        self.verification_finished.emit(result)

    def _show_failure(self, message: str) -> None:
        self.choose_button.setEnabled(True)
        self.headline.setText(message)
        self.headline.setStyleSheet(f"font-weight: bold; color: {_BAD};")
        self.verification_failed.emit(message)
