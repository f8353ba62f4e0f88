"""Painting for list and table items: two-line school entries and visit status chips."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from reviewer_app.gui import theme
from reviewer_app.gui.models.schools import FactsRole
from reviewer_app.gui.models.visits import StatusRole, YourTurnRole

_Index = QModelIndex | QPersistentModelIndex


class SchoolItemDelegate(QStyledItemDelegate):
    """A school as a card-like row: name in bold, facts (URN, phase, authority) beneath."""

    PADDING_X = 12
    PADDING_Y = 8
    GAP = 2

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() - 1)
        height = (
            QFontMetrics(bold).height()
            + self.GAP
            + QFontMetrics(small).height()
            + 2 * self.PADDING_Y
        )
        return QSize(220, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect.adjusted(6, 2, -6, -2)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        if selected:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.TOKENS["surface"]))
            painter.drawRoundedRect(QRectF(rect), 8, 8)
            painter.setBrush(QColor(theme.TOKENS["accent"]))
            painter.drawRoundedRect(
                QRectF(rect.left(), rect.top() + 8, 3, rect.height() - 16), 1.5, 1.5
            )
        elif hovered:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.TOKENS["hover"]))
            painter.drawRoundedRect(QRectF(rect), 8, 8)
        bold = QFont(option.font)
        bold.setWeight(QFont.Weight.DemiBold)
        small = QFont(option.font)
        small.setPointSizeF(option.font.pointSizeF() - 1)
        text_rect = rect.adjusted(self.PADDING_X, self.PADDING_Y, -self.PADDING_X, -self.PADDING_Y)
        name_height = QFontMetrics(bold).height()
        painter.setFont(bold)
        painter.setPen(QColor(theme.TOKENS["accent_dark"] if selected else theme.TOKENS["text"]))
        name = QFontMetrics(bold).elidedText(
            str(index.data()), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(
            QRect(text_rect.left(), text_rect.top(), text_rect.width(), name_height),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            name,
        )
        painter.setFont(small)
        painter.setPen(QColor(theme.TOKENS["muted"]))
        facts = QFontMetrics(small).elidedText(
            str(index.data(FactsRole) or ""), Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(
            QRect(
                text_rect.left(),
                text_rect.top() + name_height + self.GAP,
                text_rect.width(),
                QFontMetrics(small).height(),
            ),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            facts,
        )
        if option.state & QStyle.StateFlag.State_HasFocus and selected:
            pen = QPen(QColor(theme.TOKENS["accent"]))
            pen.setWidthF(1.0)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.restore()


class StatusChipDelegate(QStyledItemDelegate):
    """Paints a visit status as a coloured rounded chip ("Planned", "Signed"...)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        base = super().sizeHint(option, index)
        metrics = QFontMetrics(self._font(option))
        return QSize(
            metrics.horizontalAdvance(str(index.data())) + 40,
            max(base.height(), metrics.height() + 14),
        )

    @staticmethod
    def _font(option: QStyleOptionViewItem) -> QFont:
        font = QFont(option.font)
        font.setPointSizeF(option.font.pointSizeF() - 1)
        font.setWeight(QFont.Weight.DemiBold)
        return font

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        # Background (selection, alternate rows) as usual, then the chip instead of the text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        status = "your_turn" if index.data(YourTurnRole) else index.data(StatusRole)
        text = str(index.data())
        fg, bg = theme.STATUS_COLOURS.get(str(status), ("#333333", "#eeeeee"))
        font = self._font(option)
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(text) + 20
        height = metrics.height() + 6
        rect = option.rect
        chip = QRectF(rect.left() + 8, rect.center().y() - height / 2 + 1, width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(bg))
        painter.drawRoundedRect(chip, height / 2, height / 2)
        painter.setPen(QColor(fg))
        painter.setFont(font)
        painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
