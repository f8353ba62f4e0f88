"""Escape (or the close button) asks before a dialog throws away what someone typed.

:class:`AsksBeforeDiscarding` goes first in a dialog's bases. It notes what the dialog's fields
hold when it is first shown (:func:`form_values`); when the dialog is rejected with something
different in them, it asks "Discard what you typed?" (Keep editing is the default, and what
Escape answers) instead of closing. The question is opened without blocking, so background work
and tests carry on. A dialog that fills its fields after it is shown (an answer read in the
background) calls :meth:`AsksBeforeDiscarding.mark_unchanged` once they are filled.
Forms that are not dialogs (the editor's actions form, the quick-capture bar) ask the same
question through :func:`ask_to_discard` when Escape would clear what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTextEdit,
    QWidget,
)

DISCARD_QUESTION = "Discard what you typed?"


def form_values(root: QWidget) -> list[tuple[str, Any]]:
    """What the fields under ``root`` hold: text, choices, dates, ticks (in lists too), table
    rows."""
    values: list[tuple[str, Any]] = []
    for widget in root.findChildren(QWidget):
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QLineEdit) and not widget.isReadOnly():
            if widget.parent() is not None and isinstance(widget.parent(), QAbstractSpinBox):
                continue  # a spin box's own line: the spin box is read below
            values.append((name, widget.text()))
        elif isinstance(widget, QPlainTextEdit | QTextEdit) and not widget.isReadOnly():
            values.append((name, widget.toPlainText()))
        elif isinstance(widget, QComboBox):
            values.append((name, (widget.currentIndex(), widget.currentText())))
        elif isinstance(widget, QDateTimeEdit):
            values.append((name, widget.dateTime().toString()))
        elif isinstance(widget, QAbstractSpinBox):
            values.append((name, widget.text()))
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            values.append((name, widget.isChecked()))
        elif isinstance(widget, QListWidget):
            ticks = tuple(widget.item(r).checkState() for r in range(widget.count()))
            values.append((name, ticks))
        elif isinstance(widget, QTableWidget):
            cells = [
                item.text() if (item := widget.item(r, c)) is not None else ""
                for r in range(widget.rowCount())
                for c in range(widget.columnCount())
            ]
            values.append((name, (widget.rowCount(), tuple(cells))))
    return values


def ask_to_discard(parent: QWidget, detail: str, discard: Callable[[], None]) -> QMessageBox:
    """Open (without blocking) the "Discard what you typed?" question over ``parent``; Keep
    editing is the default and what Escape answers; Discard calls ``discard``."""
    box = QMessageBox(parent)
    box.setObjectName("discardQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(DISCARD_QUESTION)
    box.setText(DISCARD_QUESTION)
    box.setInformativeText(detail)
    throw_away = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("&Keep editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.buttonClicked.connect(lambda button: discard() if button is throw_away else None)
    box.open()
    return box


class AsksBeforeDiscarding:
    """Mixin for a QDialog (first in its bases): reject asks before losing typed input.

    Attributes:
        discard_question: the open "Discard what you typed?" box, if any (for tests).
    """

    discard_question: QMessageBox | None = None
    _shown_values: list[tuple[str, Any]] | None = None
    _discarding = False

    def showEvent(self, event: QShowEvent) -> None:
        if self._shown_values is None:
            self.mark_unchanged()
        super().showEvent(event)  # type: ignore[misc]

    def mark_unchanged(self) -> None:
        """What the fields hold now is what nobody typed (called when first shown)."""
        self._shown_values = form_values(self)  # type: ignore[arg-type]

    def has_typed_input(self) -> bool:
        """True when a field holds something other than what it held when shown."""
        shown = self._shown_values
        return shown is not None and form_values(self) != shown  # type: ignore[arg-type]

    def reject(self) -> None:
        if self._discarding or not self.has_typed_input():
            super().reject()  # type: ignore[misc]
            return
        if self.discard_question is not None and self.discard_question.isVisible():
            return
        self.discard_question = ask_to_discard(
            self,  # type: ignore[arg-type]
            "What you typed in this window has not been saved.",
            self._discard,
        )

    def _discard(self) -> None:
        self._discarding = True
        try:
            self.reject()
        finally:
            self._discarding = False
