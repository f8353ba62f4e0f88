"""A one-line label that shows as much of its text as fits and ends it with an ellipsis.

A plain QLabel asks for its whole text's width as its minimum, so one long school name made the
main window wider than a laptop's screen. This one asks for its whole text's width as its
preferred size but only a few characters as its minimum; the whole text is in its tooltip and
accessible description.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QWidget

#: The least a label shows of a long text before its ellipsis (characters, roughly).
_LEAST_SHOWN = "Wwwwwwww…"


class ElidedLabel(QLabel):
    """A QLabel for one line of plain text, elided on the right to the width it is given."""

    _full_text = ""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full_text = text
        self.setToolTip(text)
        self.setAccessibleDescription(text)
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(self._width_for(self._full_text), hint.height())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        least = min(self._width_for(self._full_text), self._width_for(_LEAST_SHOWN))
        return QSize(least, hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._elide()  # a style sheet or font change alters what fits

    def _width_for(self, text: str) -> int:
        margins = self.contentsMargins()
        extra = margins.left() + margins.right() + 2 * max(self.margin(), 0)
        return self.fontMetrics().horizontalAdvance(text) + extra + 1

    def _elide(self) -> None:
        width = self.contentsRect().width() - 2 * max(self.margin(), 0)
        shown = self.fontMetrics().elidedText(
            self._full_text, Qt.TextElideMode.ElideRight, max(width, 0)
        )
        if shown != super().text():
            super().setText(shown)
