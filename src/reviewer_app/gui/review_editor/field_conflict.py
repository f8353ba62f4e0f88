"""The box under a shared answer when a colleague changed it while the person was typing.

Both texts are shown, read-only, side by side with the person's own first; the person keeps
theirs (written as the successor of the colleague's version) or uses the colleague's. Nothing
is written until they choose, and their typing stays in the field meanwhile.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def _text_box(name: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setReadOnly(True)
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)
    box.setMaximumHeight(96)
    return box


class FieldConflict(QFrame):
    """Signals:
    keep_mine_requested(): write the person's text over the colleague's newer version.
    use_theirs_requested(): show and keep the colleague's text.
    """

    keep_mine_requested = Signal()
    use_theirs_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fieldConflict")
        self.setProperty("role", "notice")
        self.setAccessibleName("Changed by a colleague while you were typing")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.setSpacing(6)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        texts = QGridLayout()
        texts.setHorizontalSpacing(10)
        self.mine_label = QLabel("Yours")
        self.theirs_label = QLabel("Theirs")
        self.mine = _text_box("Your text")
        self.theirs = _text_box("Their text")
        texts.addWidget(self.mine_label, 0, 0)
        texts.addWidget(self.theirs_label, 0, 1)
        texts.addWidget(self.mine, 1, 0)
        texts.addWidget(self.theirs, 1, 1)
        layout.addLayout(texts)
        buttons = QHBoxLayout()
        self.keep_mine = QPushButton("Keep mine")
        self.use_theirs = QPushButton("Use theirs")
        self.keep_mine.clicked.connect(self.keep_mine_requested)
        self.use_theirs.clicked.connect(self.use_theirs_requested)
        buttons.addWidget(self.keep_mine)
        buttons.addWidget(self.use_theirs)
        buttons.addStretch(1)
        layout.addLayout(buttons)

    def show_texts(self, who: str, mine: str, theirs: str) -> None:
        self.heading.setText(
            f"{who} changed this answer while you were typing. Keep yours, or use theirs."
        )
        self.theirs_label.setText(f"{who}'s")
        if self.mine.toPlainText() != mine:
            self.mine.setPlainText(mine)
        if self.theirs.toPlainText() != theirs:
            self.theirs.setPlainText(theirs)
