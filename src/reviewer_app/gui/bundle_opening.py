"""A ``.reviewer`` bundle opened with the app: the file association on Windows, macOS and Linux.

Double-clicking a bundle (reviews exported from another laptop with ``reviewer-app export``)
starts ``Reviewer PATH``; once the store is open its reviews are imported with the same service
as ``reviewer-app import``, and the person is told in one sentence what arrived, or why nothing
did. On macOS a bundle opened while the app runs arrives as a ``FileOpen`` event instead
(:class:`FileOpenFilter`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from reviewer_app.gui.failures import failure_sentence

if TYPE_CHECKING:
    from reviewer_app.gui.main_window import MainWindow
    from reviewer_app.services.review_bundles import ImportSummary


#: The extension the installers associate with Reviewer.
BUNDLE_SUFFIX = ".reviewer"


def summary_sentence(path: Path, summary: ImportSummary) -> str:
    """What an import added, in words."""
    if not (summary.reviews or summary.records or summary.files or summary.signed_reports):
        return f"Everything in {path.name} was already on this laptop."
    text = (
        f"From {path.name}: {summary.reviews} new review(s), {summary.records} record(s), "
        f"{summary.files} file(s) and {summary.signed_reports} signed report(s); "
        f"{summary.queued} change(s) will be sent at the next sync."
    )
    if summary.not_queued:
        text += (
            f" {summary.not_queued} change(s) belong to another reviewer and will reach the "
            "trust from their own laptop."
        )
    return text


def import_bundle_file(window: MainWindow, path: Path, passphrase: str | None = None) -> None:
    """Import the bundle at ``path`` into the window's store, off the GUI thread, then say how
    it went in a message box (and the status bar). An encrypted bundle asks for its passphrase
    (again, when the one typed does not open it)."""
    workspace = window.workspace
    if workspace is None:
        raise RuntimeError("the store is not open yet")

    def work() -> ImportSummary:
        from reviewer_app.services.review_bundles import import_bundle, read_bundle

        bundle = read_bundle(path, passphrase=passphrase)
        return import_bundle(
            workspace.store,
            workspace.lane,
            bundle,
            workspace.current_person,
            restore=workspace.needs_setup,
        )

    def done(summary: ImportSummary) -> None:
        sentence = summary_sentence(path, summary)
        window.reload()
        window.notify(sentence)
        _tell(window, QMessageBox.Icon.Information, "Reviews imported", sentence)

    def failed(error: BaseException) -> None:
        from reviewer_app.sync.bundle_sealing import BundleLockedError

        if isinstance(error, BundleLockedError) and error.wants_passphrase:
            _ask_passphrase(window, path, error.message if passphrase is not None else "")
            return
        sentence = failure_sentence(
            error, f"{path.name} could not be imported; the details are in the log."
        )
        _tell(window, QMessageBox.Icon.Warning, "Nothing was imported", sentence)

    window.tasks.run(work, on_done=done, on_failed=failed, context=window)


def _ask_passphrase(window: MainWindow, path: Path, problem: str) -> None:
    """Ask for the bundle's passphrase (without blocking), then import again with it."""
    dialog = QInputDialog(window)
    dialog.setObjectName("bundlePassphrase")
    dialog.setWindowTitle("Encrypted bundle")
    question = f"{path.name} is encrypted. Enter the passphrase chosen when it was exported:"
    dialog.setLabelText(f"{problem}\n\n{question}" if problem else question)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
    dialog.setOkButtonText("Import")
    dialog.textValueSelected.connect(lambda text: import_bundle_file(window, path, text))
    window.bundle_passphrase = dialog  # type: ignore[attr-defined]
    dialog.open()


def _tell(window: MainWindow, icon: QMessageBox.Icon, title: str, text: str) -> None:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, window)
    box.setObjectName("bundleImportMessage")
    window.bundle_message = box  # type: ignore[attr-defined]
    box.open()


class FileOpenFilter(QObject):
    """Bundles opened in Finder while the app runs (macOS sends them as ``FileOpen`` events)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = Path(event.file())
            if path.suffix.lower() == BUNDLE_SUFFIX and self._window.workspace is not None:
                import_bundle_file(self._window, path)
                return True
        return super().eventFilter(watched, event)
