"""Preview a rendered report inside the app (QtPdf) before signing, and export it.

The preview shows the PDF bytes it is given; it does not render or sign. The services layer (or
the window that owns this widget) renders the report and calls :meth:`ReportPreview.show_pdf`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Signal
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class ReportPreview(QWidget):
    """A PDF report on screen, with page count, zoom and an Export button.

    Signals:
        exported(str): the report was written to this path.
        export_failed(str): writing failed; the sentence says why.
    """

    exported = Signal(str)
    export_failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pdf = b""
        self._suggested_name = "report.pdf"
        self._buffer: QBuffer | None = None
        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.title_label = QLabel(self)
        self.pages_label = QLabel(self)
        self.zoom_out_button = QPushButton("Zoom out", self)
        self.zoom_in_button = QPushButton("Zoom in", self)
        self.fit_button = QPushButton("Fit width", self)
        self.export_button = QPushButton("Export PDF…", self)
        self.export_button.setEnabled(False)

        bar = QHBoxLayout()
        bar.addWidget(self.title_label, 1)
        bar.addWidget(self.pages_label)
        for button in (self.zoom_out_button, self.zoom_in_button, self.fit_button):
            bar.addWidget(button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.zoom_in_button.clicked.connect(lambda: self._zoom(1.25))
        self.zoom_out_button.clicked.connect(lambda: self._zoom(0.8))
        self.fit_button.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.export_button.clicked.connect(self._choose_export_path)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    def show_pdf(self, pdf: bytes, *, title: str, suggested_name: str = "report.pdf") -> None:
        """Show ``pdf`` (the bytes stay with the widget for export)."""
        self.document.close()
        self._pdf = pdf
        self._suggested_name = suggested_name
        buffer = QBuffer(self)
        buffer.setData(QByteArray(pdf))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        if self._buffer is not None:
            self._buffer.deleteLater()
        self._buffer = buffer  # QPdfDocument reads lazily: the buffer must outlive it
        self.document.load(buffer)
        ok = self.document.status() == QPdfDocument.Status.Ready
        self.title_label.setText(title if ok else f"{title}: the PDF could not be shown")
        count = self.document.pageCount() if ok else 0
        self.pages_label.setText(f"{count} page{'s' if count != 1 else ''}")
        self.export_button.setEnabled(ok)

    def export_to(self, path: Path) -> bool:
        """Write the shown report to ``path``; emits ``exported`` or ``export_failed``."""
        try:
            path.write_bytes(self._pdf)
        except OSError as exc:
            message = f"The report could not be saved to {path} ({exc.strerror})."
            self.export_failed.emit(message)
            return False
        self.exported.emit(str(path))
        return True

    def _choose_export_path(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Export report", self._suggested_name, "PDF files (*.pdf)"
        )
        if path and not self.export_to(Path(path)):
            self.tell_export_failed(path)

    def tell_export_failed(self, path: str) -> None:
        """Say (and wait for the person to read) that the report was not saved to ``path``."""
        QMessageBox.warning(self, "Export report", f"The report could not be saved to {path}.")

    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(4.0, self.view.zoomFactor() * factor)))
