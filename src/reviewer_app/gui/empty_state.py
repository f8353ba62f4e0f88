"""An empty state: a centred illustration, a title and what to do next.

Its own module because the first screen ("Opening your schools…", "Choose a school") needs it
while the school page, which uses it too, is built only when a school is first chosen.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reviewer_app.gui import theme


def _label(text: str, role: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", role)
    return label


class EmptyState(QWidget):
    """A centred illustration, a title and what to do next, with an optional action button."""

    def __init__(self, illustration: str, title: str, hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        picture = QLabel()
        picture.setPixmap(theme.pixmap(illustration, 96))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture)
        layout.addSpacing(12)
        self.title = _label(title, role="subheading")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.title)
        self.hint = _label(hint, role="muted")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        self.button_row.addStretch(1)
        layout.addSpacing(8)
        layout.addLayout(self.button_row)
        layout.addStretch(3)

    def add_button(self, button: QPushButton) -> None:
        self.button_row.insertWidget(1, button)
