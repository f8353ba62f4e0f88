"""The actions on one criterion, shown on its card: the same records as the framework's action
plan (one record, two views). An action added on the plan with this criterion shows here at
once; "Add an action on this criterion" opens the plan's form with the criterion chosen.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from reviewer_app.domain.review import Action
from reviewer_app.gui.review_editor.actions_page import ActionsModel
from reviewer_app.gui.review_editor.field_widgets import show_date


class CriterionActions(QWidget):
    """The criterion's actions (from the editor's ``ActionsModel``) and a button to add one.

    Signals:
        add_requested(str): the person wants to add an action on this criterion (its id).
    """

    add_requested = Signal(str)

    def __init__(
        self, model: ActionsModel, criterion_id: str, plan_label: str, parent=None
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"criterionActions:{criterion_id}")
        self.model = model
        self.criterion_id = criterion_id
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.setSpacing(4)
        self.list_label = QLabel()
        self.list_label.setWordWrap(True)
        self.list_label.setObjectName("criterionActionList")
        layout.addWidget(self.list_label)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add an action on this criterion")
        self.add_button.setAccessibleName("Add an action on this criterion")
        self.add_button.setAccessibleDescription(
            f"Opens the {plan_label.lower()} with this criterion chosen."
        )
        self.add_button.clicked.connect(lambda: self.add_requested.emit(self.criterion_id))
        row.addWidget(self.add_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._plan_label = plan_label
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self.refresh)
        self.refresh()

    def linked_actions(self) -> list[Action]:
        return [a for a in self.model.actions() if a.criterion_id == self.criterion_id]

    def refresh(self, *_args) -> None:
        actions = self.linked_actions()
        self.list_label.setVisible(bool(actions))
        lines = []
        for action in actions:
            due = f", due {show_date(action.due)}" if action.due else ""
            owner = (
                f" ({escape(action.owner)}{due})"
                if action.owner
                else (f" ({due[2:]})" if due else "")
            )
            lines.append(f"• {escape(action.text)}{owner}")
        self.list_label.setText(
            f"<b>In the {escape(self._plan_label.lower())}:</b><br>" + "<br>".join(lines)
            if lines
            else ""
        )
