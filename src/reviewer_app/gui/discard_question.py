"""Escape (or Cancel, or the window's close button) on a form with typed input asks first.

One question for every form, so the words and the safe default are the same everywhere: the
default button keeps the form, and Escape on the question keeps it too. The question is opened
window-modal and answered through a callback (no nested event loop), so a form closed by the
program while the question is up is never stuck waiting.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_to_discard(
    parent: QWidget, what: str, details: str, on_discard: Callable[[], None]
) -> QMessageBox:
    """Ask whether to throw away ``what`` (``"this visit"``); ``on_discard`` runs only if the
    person chooses Discard. ``details`` says what would be lost, in the person's words."""
    box = QMessageBox(parent)
    box.setObjectName("discardQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Discard changes?")
    box.setText(f"Discard {what}?")
    box.setInformativeText(f"{details} will not be kept.")
    discard = box.addButton(f"&Discard {what}", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.setWindowModality(Qt.WindowModality.WindowModal)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def answered(_result: int) -> None:
        if box.clickedButton() is discard:
            on_discard()

    box.finished.connect(answered)
    box.open()
    return box
