"""Photos and files into the review: the non-blocking file dialog (Ctrl+Shift+A) and files
dragged onto the window, including onto a text box (attached, not pasted in as their path).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit, QPlainTextEdit, QWidget


class FileDrops(QObject):
    """Attaches chosen or dropped files through ``attach`` while ``may_attach()`` is true."""

    def __init__(
        self,
        window: QWidget,
        may_attach: Callable[[], bool],
        attach: Callable[[Path], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._may_attach = may_attach
        self._attach = attach
        self._folder = str(Path.home())  # the file dialog opens where it was last used

    def choose(self) -> QFileDialog | None:
        """The file dialog, opened without blocking (the editor keeps saving)."""
        if not self._may_attach():
            return None
        dialog = QFileDialog(self._window, "Attach photos or files", self._folder)
        dialog.setObjectName("attachDialog")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(
            ["Photos (*.png *.jpg *.jpeg *.heic *.webp *.gif)", "Photos and files (*)"]
        )
        dialog.selectNameFilter("Photos and files (*)")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(self._chosen)
        dialog.open()
        return dialog

    def _chosen(self, names: list[str]) -> None:
        for name in names:
            path = Path(name)
            self._folder = str(path.parent)
            self._attach(path)

    def files_of(self, event) -> list[Path]:
        """The local files a drag carries, if the review can take them."""
        if not self._may_attach() or not event.mimeData().hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]

    def accept_drag(self, event) -> None:
        """A drag entering or moving over the window: accepted when it carries files."""
        if self.files_of(event):
            event.acceptProposedAction()

    def drop(self, event) -> None:
        """Files dropped on the window: each is attached."""
        files = self.files_of(event)
        for path in files:
            self._attach(path)
        if files:
            event.acceptProposedAction()

    def route(self, root: QWidget) -> None:
        """Files dropped on a text box under ``root`` are attached, not pasted in as their path."""
        for widget in root.findChildren(QLineEdit) + root.findChildren(QPlainTextEdit):
            target = widget.viewport() if isinstance(widget, QPlainTextEdit) else widget
            target.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        drag = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        if kind in drag and self.files_of(event):
            if kind == QEvent.Type.Drop:
                self.drop(event)
            else:
                event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)
