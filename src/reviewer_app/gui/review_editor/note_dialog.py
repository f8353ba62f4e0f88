"""Change an evidence note after capture: its words and the criteria it supports.

The change is stored as a correction (a new note that supersedes the old one), so the note's
history stays in the store and travels to the team through sync like any note.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.review import EvidenceNote
from reviewer_app.gui import theme
from reviewer_app.gui.discard_guard import AsksBeforeDiscarding
from reviewer_app.gui.screen_fit import fit_window


class NoteDialog(AsksBeforeDiscarding, QDialog):
    """The note's text and a tick list of the framework's criteria (titles, never ids)."""

    def __init__(
        self,
        note: EvidenceNote,
        criteria: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noteDialog")
        self.setWindowTitle("Change the note")
        self.note = note
        layout = QVBoxLayout(self)
        text_label = QLabel("&Note")
        self.text_edit = QPlainTextEdit(note.text)
        self.text_edit.setObjectName("noteText")
        self.text_edit.setAccessibleName("The note's words")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setFixedHeight(6 * self.text_edit.fontMetrics().lineSpacing())
        text_label.setBuddy(self.text_edit)
        layout.addWidget(text_label)
        layout.addWidget(self.text_edit)
        criteria_label = QLabel("Supports these &criteria")
        self.criteria_list = QListWidget()
        self.criteria_list.setObjectName("noteCriteria")
        self.criteria_list.setAccessibleName("Criteria the note supports")
        self.criteria_list.setAccessibleDescription("Space ticks or unticks the chosen criterion.")
        criteria_label.setBuddy(self.criteria_list)
        for criterion_id, title in criteria:
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, criterion_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            linked = criterion_id in note.criterion_ids
            item.setCheckState(Qt.CheckState.Checked if linked else Qt.CheckState.Unchecked)
            self.criteria_list.addItem(item)
        layout.addWidget(criteria_label)
        layout.addWidget(self.criteria_list, 1)
        hint = QLabel(
            "The note is replaced by the changed one; the earlier wording is kept in the "
            "review's history, and Ctrl+Z in the review brings it back.",
            wordWrap=True,
        )
        theme.set_role(hint, "muted")
        layout.addWidget(hint)
        self.problem = QLabel()
        self.problem.setProperty("role", "hint")
        self.problem.setProperty("problem", True)
        self.problem.hide()
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save changes")
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_window(self, "noteDialog", (520, 460))

    def text(self) -> str:
        return self.text_edit.toPlainText().strip()

    def criterion_ids(self) -> tuple[str, ...]:
        """The ticked criteria, in the framework's order."""
        items = (self.criteria_list.item(row) for row in range(self.criteria_list.count()))
        return tuple(
            item.data(Qt.ItemDataRole.UserRole)
            for item in items
            if item.checkState() == Qt.CheckState.Checked
        )

    def changed(self) -> bool:
        return self.text() != self.note.text.strip() or set(self.criterion_ids()) != set(
            self.note.criterion_ids
        )

    def _save(self) -> None:
        if not self.text():
            self.problem.setText("A note needs some words; to remove it, press Delete on it.")
            self.problem.show()
            return
        self.accept()
