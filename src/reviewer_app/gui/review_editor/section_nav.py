"""The editor's list of sections: long titles wrap onto a second line instead of being cut.

The style sheet pads each item (``30_editor.qss``) and shows the chosen one in bold, which
Qt's own size hint does not allow for when it wraps text, so a title that only just fits was
painted cut off at 150% scaling. :class:`SectionNavDelegate` measures with the padding and the
bold font.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QListWidget, QStyledItemDelegate, QStyleOptionViewItem

#: Horizontal and vertical padding, margin and border of an item in ``30_editor.qss``.
ITEM_PADDING_X = 2 * 10 + 2 * 2
ITEM_PADDING_Y = 2 * 8 + 2 * 1


class SectionNavDelegate(QStyledItemDelegate):
    """Sizes each section's row for its title wrapped in the width the style leaves it."""

    def __init__(self, view: QListWidget) -> None:
        super().__init__(view)
        self.view = view

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        width = max(40, self.view.viewport().width() - ITEM_PADDING_X)
        font = QFont(option.font)
        font.setWeight(QFont.Weight.DemiBold)  # the chosen section is bold
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bounds = QFontMetrics(font).boundingRect(
            QRect(0, 0, width, 100_000), int(Qt.TextFlag.TextWordWrap), text
        )
        return QSize(width + ITEM_PADDING_X, bounds.height() + ITEM_PADDING_Y)
