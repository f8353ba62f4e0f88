"""Next steps agreed at the visit, and the follow-up of open actions from earlier visits."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QRect, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.frameworks import Framework
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import Action, ActionFollowUp, FollowUpOutcome, Priority
from reviewer_app.gui.discard_guard import ask_to_discard, form_values
from reviewer_app.gui.review_editor.draft_signals import follow_records
from reviewer_app.gui.review_editor.field_widgets import (
    CELL_PADDING_X,
    CELL_PADDING_Y,
    DateLine,
    GrowingTextEdit,
    show_date,
)

if TYPE_CHECKING:
    from reviewer_app.services.review_draft import DraftChange, ReviewDraft

#: The item delegate's own margins either side of a cell's text, inside the style sheet padding.
_TEXT_MARGINS = 8


class ActionsModel(QAbstractTableModel):
    """The review's actions: what, owner, due, priority, criterion, author."""

    HEADERS = ("Action", "Owner", "Due", "Priority", "Criterion", "Added by")

    def __init__(self, name_of: Callable[[str], str], title_of: Callable[[str], str], parent=None):
        super().__init__(parent)
        self._actions: list[Action] = []
        self._name_of = name_of
        self._title_of = title_of

    def set_actions(self, actions: Sequence[Action]) -> None:
        self.beginResetModel()
        self._actions = list(actions)
        self.endResetModel()

    def add(self, action: Action) -> None:
        row = len(self._actions)
        self.beginInsertRows(QModelIndex(), row, row)
        self._actions.append(action)
        self.endInsertRows()

    def remove(self, action_id: str) -> None:
        for row, action in enumerate(self._actions):
            if action.id == action_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._actions[row]
                self.endRemoveRows()
                return

    def actions(self) -> list[Action]:
        return list(self._actions)

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """Add and remove the actions a change names."""
        if change.touches(Entity.ACTION):
            shown = {a.id for a in self._actions}
            follow_records(
                draft.ctx.actions,
                change,
                shown,
                add=self.add,
                remove=self.remove,
                reset=self.set_actions,
            )

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._actions)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.UserRole,
        ):
            return None
        action = self._actions[index.row()]
        if role == Qt.ItemDataRole.UserRole:
            return action
        column = index.column()
        if column == 0:
            return action.text
        if column == 1:
            return action.owner or "No owner yet"
        if column == 2:
            return show_date(action.due) if action.due else "No date yet"
        if column == 3:
            return action.priority.label
        if column == 4:
            return self._title_of(action.criterion_id) if action.criterion_id else "—"
        return self._name_of(action.created_by)


class ActionsPage(QScrollArea):
    """Add next steps (what, owner, due date, priority, criterion) and see those added.

    Signals:
        action_requested(str, str, object, object, object): text, owner, due date, priority,
            criterion id; the person pressed Add.
        retract_requested(object): withdraw the chosen ``Action``.
    """

    action_requested = Signal(str, str, object, object, object)
    retract_requested = Signal(object)

    def __init__(self, framework: Framework, model: ActionsModel, parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setObjectName("section:actions")
        settings = framework.actions
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(28, 20, 28, 28)
        layout.setSpacing(12)
        heading = QLabel(settings.label)
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        intro = QLabel(
            "Each next step has an owner (a role is enough), a due date and a priority. Open "
            "steps come back at the school's next visit to be followed up."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        layout.addWidget(intro)

        card = QFrame()
        card.setObjectName("actionForm")
        card.setProperty("role", "card")
        self.form_card = card
        form = QFormLayout(card)
        form.setContentsMargins(18, 14, 18, 14)
        self.text_edit = GrowingTextEdit()
        self.text_edit.setObjectName("actionText")
        self.text_edit.setAccessibleName("What is to be done")
        self.text_edit.setAccessibleDescription("The next step in a sentence or two.")
        self.owner_edit = QLineEdit()
        self.owner_edit.setObjectName("actionOwner")
        self.owner_edit.setPlaceholderText("For example: Deputy headteacher")
        self.owner_edit.setAccessibleName("Owner of the action")
        self.owner_edit.setAccessibleDescription("Who will do it; a role is enough.")
        self.due_edit = DateLine()
        self.due_edit.setObjectName("actionDue")
        self.due_edit.setAccessibleName("Due date of the action")
        self.due_edit.setAccessibleDescription(
            "When it is due: a date such as 23/11/2026, today or +30 (days from today)."
        )
        self.priority_box = QComboBox()
        self.priority_box.setObjectName("actionPriority")
        self.priority_box.setAccessibleName("Priority of the action")
        self.priority_box.setAccessibleDescription("High, medium or low.")
        for priority in (Priority.HIGH, Priority.MEDIUM, Priority.LOW):
            self.priority_box.addItem(priority.label, priority.value)
        self.priority_box.setCurrentIndex(1)
        self.criterion_box = QComboBox()
        self.criterion_box.setObjectName("actionCriterion")
        self.criterion_box.setAccessibleName("Criterion the action is about")
        self.criterion_box.setAccessibleDescription(
            "The criterion the action follows from, if it is about one."
        )
        self.criterion_box.addItem("Not about one criterion", None)
        # Criterion titles are long: the box must not widen the page past the window.
        self.criterion_box.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.criterion_box.setMinimumContentsLength(24)
        for criterion in framework.criteria():
            self.criterion_box.addItem(criterion.title, criterion.id)
        owner_label = "Owner *" if settings.require_owner else "Owner"
        due_label = "Due by *" if settings.require_due_date else "Due by"
        form.addRow("&What is to be done", self.text_edit)
        form.addRow(f"&{owner_label}", self.owner_edit)
        form.addRow(f"&{due_label}", self.due_edit)
        form.addRow("Pr&iority", self.priority_box)
        form.addRow("&Criterion", self.criterion_box)
        self.add_button = QPushButton(f"Add to {settings.label.lower()}")
        self.add_button.setObjectName("addAction")
        self.add_button.setProperty("primary", True)
        self.add_button.setAccessibleName("Add this action")
        self.add_button.setAccessibleDescription(
            "Adds the action to the list below; Ctrl+Z takes it back."
        )
        self.add_button.clicked.connect(self._add)
        self.problem = QLabel()
        self.problem.setProperty("role", "hint")
        self.problem.setProperty("problem", True)
        self.problem.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.problem, 1)
        buttons.addWidget(self.add_button)
        form.addRow(buttons)
        layout.addWidget(card)
        self.settings = settings

        self.view = QTableView()
        self.view.setObjectName("actionsTable")
        self.view.setAccessibleName(f"{settings.label} added at this visit")
        self.view.setAccessibleDescription(
            "Each action with its owner, due date, priority, criterion and who added it. "
            "Delete withdraws the chosen action; Ctrl+Z brings it back."
        )
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(True)
        self.view.setTabKeyNavigation(False)
        # Every column shows in full at 1366 pixels wide: the short ones (due, priority) fit
        # their contents, the rest share the width and wrap, and rows grow to the wrapped text.
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(False)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.view.setMinimumHeight(160)
        self.view.installEventFilter(self)
        self.view.viewport().installEventFilter(self)
        model.modelReset.connect(self._fit_columns)
        model.rowsInserted.connect(self._fit_columns)
        layout.addWidget(self.view, 1)
        self.setWidget(body)
        #: A past due date the person confirmed by pressing Add a second time.
        self._past_due_accepted: date | None = None
        self.due_edit.problem_changed.connect(self._date_problem)
        #: What the form held when it was last emptied or readied (nothing typed yet).
        self._untouched = form_values(card)
        #: The open "Discard what you typed?" question, if any (Escape in the form).
        self.discard_question: QMessageBox | None = None

    def has_typed_input(self) -> bool:
        """True when the form holds something typed or chosen since it was last emptied."""
        return form_values(self.form_card) != self._untouched

    def keyPressEvent(self, event) -> None:
        # Escape in the form clears it, after asking when something was typed (as a dialog
        # does); the boxes pass Escape on to here when they have nothing of their own to close.
        if event.key() == Qt.Key.Key_Escape and self.form_card.isAncestorOf(self.focusWidget()):
            if self.has_typed_input():
                self.discard_question = ask_to_discard(
                    self, "The action in the form has not been added.", self._discard
                )
            event.accept()
            return
        super().keyPressEvent(event)

    def _discard(self) -> None:
        self.clear_form()
        self.problem.hide()
        self.text_edit.setFocus()

    def _date_problem(self, problem: str) -> None:
        if problem:
            self.show_problem(problem)
        else:
            self.problem.hide()

    def show_problem(self, text: str) -> None:
        """Say, under the form, why the last request was not carried out."""
        self.problem.setText(text)
        self.problem.show()

    def _add(self) -> None:
        text = self.text_edit.toPlainText().strip()
        self.due_edit.finish()
        due = self.due_edit.chosen_date()
        problems = []
        if not text:
            problems.append("Say what is to be done.")
        if self.settings.require_owner and not self.owner_edit.text().strip():
            problems.append("Name an owner.")
        if self.due_edit.problem():
            problems.append(self.due_edit.problem())
        elif self.settings.require_due_date and due is None:
            problems.append("Give a due date.")
        if problems:
            self.show_problem(" ".join(problems))
            return
        if due is not None and due < date.today() and due != self._past_due_accepted:
            # Most often a slip (last year's date); a second Add keeps it on purpose.
            self._past_due_accepted = due
            self.show_problem(
                f"The due date, {show_date(due)}, has already passed. Press Add again to "
                "keep it, or change the date."
            )
            self.due_edit.setFocus()
            return
        self.problem.hide()
        self.action_requested.emit(
            text,
            self.owner_edit.text().strip(),
            due,
            Priority(self.priority_box.currentData()),
            self.criterion_box.currentData(),
        )
        self.clear_form()
        self.text_edit.setFocus()

    def clear_form(self) -> None:
        """Empty the form for the next action: every box back to how it first opened."""
        self.text_edit.set_text("")
        self.owner_edit.clear()
        self.due_edit.set_date(None)
        self.priority_box.setCurrentIndex(self.priority_box.findData(Priority.MEDIUM.value))
        self.criterion_box.setCurrentIndex(0)
        self._past_due_accepted = None
        self._untouched = form_values(self.form_card)

    def start_action(self, criterion_id: str | None) -> None:
        """Ready the form for an action on ``criterion_id`` (from a criterion's card)."""
        fresh = not self.has_typed_input()
        self.criterion_box.setCurrentIndex(max(0, self.criterion_box.findData(criterion_id)))
        if fresh:  # the criterion comes from the card: nothing typed yet
            self._untouched = form_values(self.form_card)
        self.ensureWidgetVisible(self.text_edit)
        self.text_edit.setFocus()

    def fill(
        self, text: str, owner: str, due: date | None, priority: Priority, criterion_id: str | None
    ) -> None:
        """Type an action into the form (used by scripts and tests through the real widgets)."""
        self.text_edit.set_text(text)
        self.owner_edit.setText(owner)
        self.due_edit.set_date(due)
        self.priority_box.setCurrentIndex(self.priority_box.findData(priority.value))
        self.criterion_box.setCurrentIndex(max(0, self.criterion_box.findData(criterion_id)))

    #: Share of the width left after the short columns, for the columns that wrap.
    _WRAPPING: ClassVar[dict[int, float]] = {0: 0.42, 1: 0.18, 4: 0.24, 5: 0.16}

    def _fit_columns(self, *_args) -> None:
        view, header, model = self.view, self.view.horizontalHeader(), self.view.model()
        metrics = view.fontMetrics()
        fixed = 0
        for column in range(header.count()):
            if column not in self._WRAPPING:
                wanted = max(view.sizeHintForColumn(column), header.sectionSizeHint(column))
                header.resizeSection(column, wanted)
                fixed += wanted
        room = max(0, view.viewport().width() - fixed)
        # A wrapping column is never narrower than its heading or its longest word; then
        # each takes its share, and any excess comes off the columns with room to spare.
        least = {}
        for column in self._WRAPPING:
            words = (
                word
                for row in range(model.rowCount())
                for word in str(model.index(row, column).data() or "").split()
            )
            longest = max((metrics.horizontalAdvance(w) for w in words), default=0)
            least[column] = max(
                header.sectionSizeHint(column), longest + CELL_PADDING_X + _TEXT_MARGINS
            )
        widths = {c: max(least[c], int(room * share)) for c, share in self._WRAPPING.items()}
        excess = sum(widths.values()) - room
        slack = {c: widths[c] - least[c] for c in widths}
        if excess > 0 and sum(slack.values()) > 0:
            total = sum(slack.values())
            for column in widths:
                widths[column] -= min(slack[column], -(-excess * slack[column] // total))
        for column, width in widths.items():
            header.resizeSection(column, width)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Each row as tall as its most wrapped cell (the delegate's own hint leaves out the
        style sheet's cell padding, which cut the last line off)."""
        view, model = self.view, self.view.model()
        metrics = view.fontMetrics()
        for row in range(model.rowCount()):
            tallest = 0
            for column in range(model.columnCount()):
                text = str(model.index(row, column).data() or "")
                width = max(1, view.columnWidth(column) - CELL_PADDING_X - _TEXT_MARGINS)
                bounds = metrics.boundingRect(
                    QRect(0, 0, width, 100_000), Qt.TextFlag.TextWordWrap, text
                )
                tallest = max(tallest, bounds.height())
            view.setRowHeight(row, tallest + CELL_PADDING_Y + 4)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.view.viewport() and event.type() == event.Type.Resize:
            self._fit_columns()
            return False
        if (
            watched is self.view
            and event.type() == event.Type.KeyPress
            and event.key() == Qt.Key.Key_Delete
        ):
            index = self.view.currentIndex()
            if index.isValid():
                self.retract_requested.emit(index.siblingAtColumn(0).data(Qt.ItemDataRole.UserRole))
                return True
        return super().eventFilter(watched, event)

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        if change.touches(Entity.REVIEW):
            self.set_read_only(draft.read_only)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (
            self.text_edit,
            self.owner_edit,
            self.due_edit,
            self.priority_box,
            self.criterion_box,
            self.add_button,
        ):
            widget.setEnabled(not read_only)


class FollowUpRow(QFrame):
    """One earlier action: what it was, its owner and due date, and how it stands now.

    Signals:
        changed(str, object, str): action id, outcome (None: not yet said), evidence text.
    """

    changed = Signal(str, object, str)

    def __init__(
        self, action: Action, origin: str, parent=None, *, today: date | None = None
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setObjectName(f"followup:{action.id}")
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 18, 12)
        title = QLabel(action.text)
        title.setProperty("role", "criterionTitle")
        title.setWordWrap(True)
        layout.addWidget(title)
        due = show_date(action.due) if action.due else "no date"
        meta = QLabel(
            f"From {origin} · owner {action.owner or 'not named'} · due {due} · "
            f"{action.priority.label} priority"
        )
        meta.setProperty("role", "muted")
        meta.setWordWrap(True)
        layout.addWidget(meta)
        #: Set when the action's due date had passed by the day of this follow-up.
        self.overdue: QLabel | None = None
        if action.due is not None and action.due < (today or date.today()):
            days = ((today or date.today()) - action.due).days
            self.overdue = QLabel(
                f"Overdue: it was due {show_date(action.due)}, "
                f"{days} day{'s' if days != 1 else ''} ago."
            )
            self.overdue.setObjectName("overdue")
            self.overdue.setProperty("role", "hint")
            self.overdue.setProperty("problem", True)
            layout.addWidget(self.overdue)
        row = QHBoxLayout()
        self.outcome = QComboBox()
        self.outcome.setAccessibleName(f"How the action stands: {action.text}")
        self.outcome.setAccessibleDescription(
            f"From {origin}, owner {action.owner or 'not named'}: met, partly met or not met."
        )
        self.outcome.addItem("Not yet checked", None)
        for outcome in FollowUpOutcome:
            self.outcome.addItem(outcome.label, outcome.value)
        row.addWidget(QLabel("Now:"))
        row.addWidget(self.outcome)
        row.addStretch(1)
        layout.addLayout(row)
        self.evidence = GrowingTextEdit()
        self.evidence.setAccessibleName(f"Evidence for the follow-up of: {action.text}")
        self.evidence.setAccessibleDescription("What you saw that shows how the action stands.")
        self.evidence.setPlaceholderText("What you saw that shows it (required with an outcome)")
        layout.addWidget(self.evidence)
        self._setting = False
        self.outcome.currentIndexChanged.connect(lambda _i: self._emit())
        self.evidence.text_edited.connect(self._emit)

    def _emit(self) -> None:
        if not self._setting:
            data = self.outcome.currentData()
            outcome = FollowUpOutcome(data) if data else None
            self.changed.emit(self.action.id, outcome, self.evidence.toPlainText())

    def show_follow_up(self, outcome: FollowUpOutcome | None, evidence: str) -> None:
        self._setting = True
        try:
            self.outcome.setCurrentIndex(
                max(0, self.outcome.findData(outcome.value)) if outcome else 0
            )
            self.evidence.set_text(evidence)
        finally:
            self._setting = False


class FollowUpPage(QScrollArea):
    """Open actions from the school's earlier visits, each to be marked met, partly met or not
    met with evidence."""

    def __init__(
        self,
        earlier: Sequence[tuple[Action, str]],
        follow_ups: Sequence[ActionFollowUp],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setObjectName("section:follow-up")
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(28, 20, 28, 28)
        layout.setSpacing(12)
        heading = QLabel("Follow-up of earlier actions")
        heading.setProperty("role", "heading")
        layout.addWidget(heading)
        intro = QLabel(
            "Actions from this school's earlier visits that were still open. Say how each "
            "stands now and what shows it."
            if earlier
            else "No open actions from this school's earlier visits."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        layout.addWidget(intro)
        latest = {f.action_id: f for f in follow_ups}
        self.rows: dict[str, FollowUpRow] = {}
        for action, origin in earlier:
            row = FollowUpRow(action, origin)
            found = latest.get(action.id)
            if found is not None:
                row.show_follow_up(found.outcome, found.evidence)
            self.rows[action.id] = row
            layout.addWidget(row)
        layout.addStretch(1)
        self.setWidget(body)

    def draft_changed(self, draft: ReviewDraft, change: DraftChange) -> None:
        """Show the outcomes a change names on their rows (not where the person is typing:
        the change leaves those out), and the lock."""
        for action_id in change.follow_ups & self.rows.keys():
            last = draft.last_follow_up(action_id)
            if last is not None:
                self.rows[action_id].show_follow_up(*last)
        if change.touches(Entity.REVIEW):
            for row in self.rows.values():
                row.setEnabled(not draft.read_only)
