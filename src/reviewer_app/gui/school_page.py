"""The school page: a header with the school's facts, then its visits (newest first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from reviewer_app.domain.organisation import School
from reviewer_app.domain.visits import Visit, VisitStatus
from reviewer_app.gui import theme
from reviewer_app.gui.delegates import StatusChipDelegate
from reviewer_app.gui.empty_state import EmptyState
from reviewer_app.gui.models.schools import school_facts
from reviewer_app.gui.models.visits import (
    KIND,
    STATUS,
    TEAM,
    WHEN,
    VisitTableModel,
    format_dates,
)


def visits_summary(visits: Sequence[Visit], today: date) -> str:
    """'10 visits · next on 30 Nov 2026' (or '· last on …' when none is coming up)."""
    count = len(visits)
    text = "1 visit" if count == 1 else f"{count} visits"
    live = [v for v in visits if v.status is not VisitStatus.CANCELLED]
    coming = [v for v in live if v.start >= today]
    if coming:
        soonest = min(v.start for v in coming)
        return f"{text} · next on {format_dates(soonest, soonest)}"
    if live:
        last = max(v.start for v in live)
        return f"{text} · last on {format_dates(last, last)}"
    return text


def _label(text: str = "", *, role: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    if role:
        label.setProperty("role", role)
    if name:
        label.setObjectName(name)
    return label


class SchoolPage(QWidget):
    """One school: its header and its visits, or an empty state saying how to plan one.

    Signals:
        new_visit_requested(): the person asked to plan a visit to this school.
    """

    new_visit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schoolPage")
        self.school: School | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        header = QWidget()
        header.setObjectName("schoolHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(28, 20, 28, 18)
        header_layout.setSpacing(16)
        badge = QLabel()
        badge.setPixmap(theme.pixmap("school", 40))
        badge.setFixedSize(40, 40)
        header_layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(4)
        self.name_label = _label(name="schoolName")
        self.name_label.setAccessibleName("School name")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts_label = _label(role="muted")
        self.facts_label.setAccessibleName("School facts")
        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        titles.addWidget(self.name_label)
        titles.addWidget(self.facts_label)
        titles.addLayout(self.chips)
        header_layout.addLayout(titles, 1)
        self.new_visit_button = QPushButton(theme.icon("new-visit-light"), "New visit")
        self.new_visit_button.setProperty("primary", True)
        self.new_visit_button.setAccessibleName("Plan a new visit to this school")
        self.new_visit_button.setToolTip("Plan a new visit to this school (Ctrl+N)")
        self.new_visit_button.clicked.connect(self.new_visit_requested)
        header_layout.addWidget(self.new_visit_button, 0, Qt.AlignmentFlag.AlignTop)
        outer.addWidget(header)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(28, 20, 28, 24)
        body_layout.setSpacing(10)
        title_row = QHBoxLayout()
        self.visits_title = _label("Visits", role="subheading")
        self.visits_count = _label(role="muted")
        title_row.addWidget(self.visits_title)
        title_row.addWidget(self.visits_count)
        title_row.addStretch(1)
        body_layout.addLayout(title_row)

        self.visits_model = VisitTableModel(self)
        self.visits_view = QTableView()
        self.visits_view.setObjectName("visitsTable")
        self.visits_view.setAccessibleName("Visits to this school, newest first")
        self.visits_view.setModel(self.visits_model)
        self.visits_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.visits_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.visits_view.setAlternatingRowColors(True)
        self.visits_view.setShowGrid(False)
        self.visits_view.setWordWrap(False)
        self.visits_view.verticalHeader().setVisible(False)
        self.visits_view.verticalHeader().setDefaultSectionSize(40)
        self.visits_view.setTabKeyNavigation(False)
        self.visits_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.visits_view.setItemDelegateForColumn(STATUS, StatusChipDelegate(self.visits_view))
        hh = self.visits_view.horizontalHeader()
        hh.setHighlightSections(False)
        hh.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        hh.setSectionResizeMode(WHEN, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(KIND, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.ResizeToContents)
        hh.setSectionResizeMode(TEAM, QHeaderView.ResizeMode.Stretch)

        self.empty = EmptyState(
            "empty-visits",
            "No visits yet",
            "Plan the first visit to this school: choose New visit or press Ctrl+N.",
        )
        plan = QPushButton(theme.icon("new-visit"), "Plan the first visit")
        plan.setAccessibleName("Plan the first visit to this school")
        plan.clicked.connect(self.new_visit_requested)
        self.empty.add_button(plan)

        self.visits_stack = QStackedWidget()
        self.visits_stack.addWidget(self.visits_view)
        self.visits_stack.addWidget(self.empty)
        body_layout.addWidget(self.visits_stack, 1)
        outer.addWidget(body, 1)

    def show_school(self, school: School) -> None:
        """Fill the header; the visits follow with :meth:`set_visits` once loaded."""
        self.school = school
        self.name_label.setText(school.name)
        self.facts_label.setText(school_facts(school))
        while self.chips.count():
            item = self.chips.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        chips = []
        if school.has_early_years:
            chips.append("Early years")
        if school.has_sixth_form:
            chips.append("Sixth form")
        for text in chips:
            chip = _label(text, role="chip")
            self.chips.addWidget(chip)
        self.chips.addStretch(1)

    def show_loading(self) -> None:
        """Blank the visits while the chosen school's are read (never show another school's)."""
        self.visits_model.set_visits([], kind_titles={}, people={})
        self.visits_count.setText("")
        self.visits_stack.setCurrentWidget(self.visits_view)

    def set_visits(
        self,
        visits: Sequence[Visit],
        *,
        kind_titles: Mapping[str, str],
        people: Mapping[str, str],
    ) -> None:
        """Show the school's visits (already newest first)."""
        self.visits_model.set_visits(visits, kind_titles=kind_titles, people=people)
        self.visits_count.setText(visits_summary(visits, date.today()))
        count = len(visits)
        self.visits_stack.setCurrentWidget(self.visits_view if count else self.empty)
        if self.school is not None:
            self.empty.hint.setText(
                f"Plan the first visit to {self.school.name}: choose New visit or press Ctrl+N."
            )

    def select_visit(self, visit_id: str) -> None:
        for row, visit in enumerate(self.visits_model.visits()):
            if visit.id == visit_id:
                self.visits_view.selectRow(row)
                return

    def visit_at(self, row: int) -> Visit:
        """The visit shown in ``row`` of the list."""
        return self.visits_model.visits()[row]

    def current_visit(self) -> Visit | None:
        """The visit chosen in the list, or ``None``."""
        index = self.visits_view.currentIndex()
        if not index.isValid() or self.visits_stack.currentWidget() is not self.visits_view:
            return None
        return self.visit_at(index.row())
