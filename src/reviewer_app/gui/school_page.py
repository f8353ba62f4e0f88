"""The school page: a header with the school's facts and category, then its visits (newest
first)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

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
from reviewer_app.gui.elided_label import ElidedLabel
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
from reviewer_app.gui.school_category import CategoryPanel

if TYPE_CHECKING:
    from reviewer_app.domain.school_category import SchoolCategory
    from reviewer_app.gui.dialogs.categorise_dialog import CategoriseDialog
    from reviewer_app.gui.tasks import TaskRunner
    from reviewer_app.services.school_categorisation import CategoryOverview, SchoolSuggestion
    from reviewer_app.services.visit_progress import VisitTrack
    from reviewer_app.services.workspace import Workspace

log = logging.getLogger(__name__)


def visits_summary(
    visits: Sequence[Visit], today: date, done: Collection[str] = frozenset()
) -> str:
    """'10 visits · next on 30 Nov 2026' (or '· last on …' when none is coming up).

    A cancelled visit, or one in ``done`` (signed, by its review), is never the next one."""
    count = len(visits)
    text = "1 visit" if count == 1 else f"{count} visits"
    live = [v for v in visits if v.status is not VisitStatus.CANCELLED]
    coming = [
        v for v in live
        if v.start >= today and v.id not in done and v.status is not VisitStatus.SIGNED
    ]  # fmt: skip
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

    The category needs the Workspace and the task runner: :meth:`bind_services` gives them;
    unbound, the page takes the ``workspace`` and ``tasks`` of the window it sits in.

    Signals:
        new_visit_requested(): the person asked to plan a visit to this school.
        category_shown(str): the school's category has been read and shown (the school id).
        category_agreed(SchoolCategory): a category agreed in the Categorise dialog is stored.
    """

    new_visit_requested = Signal()
    category_shown = Signal(str)
    category_agreed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schoolPage")
        self.school: School | None = None
        self._services_source: Callable[[], tuple[Workspace | None, TaskRunner | None]] | None
        self._services_source = None
        self._category_generation = 0
        self.categorise_dialog: CategoriseDialog | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        header = QWidget()
        header.setObjectName("schoolHeader")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        header_rows = QVBoxLayout(header)
        header_rows.setContentsMargins(28, 20, 28, 18)
        header_rows.setSpacing(4)
        header_layout = QHBoxLayout()
        header_layout.setSpacing(16)
        header_rows.addLayout(header_layout)
        badge = QLabel()
        badge.setPixmap(theme.pixmap("school", 40))
        badge.setFixedSize(40, 40)
        header_layout.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(4)
        # Elided to the header's width, whole in their tooltips: a long school name or local
        # authority never makes the window wider than the screen.
        self.name_label = ElidedLabel()
        self.name_label.setObjectName("schoolName")
        self.name_label.setAccessibleName("School name")
        self.name_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.facts_label = ElidedLabel()
        self.facts_label.setProperty("role", "muted")
        self.facts_label.setAccessibleName("School facts")
        self.chips = QHBoxLayout()
        self.chips.setSpacing(6)
        self.category_panel = CategoryPanel()
        self.category_panel.categorise_requested.connect(self.open_categorise)
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
        # The category spans the header's width under the titles (indented to line up with
        # them), so its chip and cadence never make the page wider than the visits list.
        category_row = QHBoxLayout()
        category_row.setContentsMargins(40 + 16, 0, 0, 0)
        category_row.addWidget(self.category_panel, 1)
        header_rows.addLayout(category_row)
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
        self.load_category()

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
        tracks: Mapping[str, VisitTrack] | None = None,
    ) -> None:
        """Show the school's visits (already newest first) and how far each has got."""
        self.visits_model.set_visits(visits, kind_titles=kind_titles, people=people, tracks=tracks)
        self._show_summary()
        # Next-due dates follow the visits, worked out from the list (no second read).
        self.category_panel.show_visits(visits)
        count = len(visits)
        self.visits_stack.setCurrentWidget(self.visits_view if count else self.empty)
        if self.school is not None:
            self.empty.hint.setText(
                f"Plan the first visit to {self.school.name}: choose New visit or press Ctrl+N."
            )

    def show_tracks(self, tracks: Mapping[str, VisitTrack]) -> None:
        """New progress of some visits: their rows and the summary are redrawn."""
        if self.visits_model.set_tracks(tracks):
            self._show_summary()

    def _show_summary(self) -> None:
        model = self.visits_model
        visits = model.visits()
        done = {v.id for v in visits if model.progress(v).is_done}
        self.visits_count.setText(visits_summary(visits, date.today(), done))

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

    # ------------------------------------------------------------------ category

    def bind_services(
        self, source: Callable[[], tuple[Workspace | None, TaskRunner | None]]
    ) -> None:
        """Say where the Workspace and task runner come from (``None`` while the store opens)."""
        self._services_source = source

    def _services(self) -> tuple[Workspace, TaskRunner] | None:
        if self._services_source is not None:
            workspace, tasks = self._services_source()
        else:
            window = self.window()
            workspace = getattr(window, "workspace", None)
            tasks = getattr(window, "tasks", None)
        if workspace is None or tasks is None:
            return None
        return workspace, tasks

    def load_category(self) -> None:
        """Read the school's category off the GUI thread and show it when it arrives."""
        self._category_generation += 1
        generation = self._category_generation
        school = self.school
        services = self._services()
        if school is None or services is None:
            self.category_panel.clear()
            return
        workspace, tasks = services

        def arrived(overview: CategoryOverview) -> None:
            if generation != self._category_generation:
                return  # another school (or a newer read) took over meanwhile
            self.category_panel.show_overview(overview)
            self.category_shown.emit(school.id)

        def failed(error: BaseException) -> None:
            log.error("Reading the category of school %s failed", school.id, exc_info=error)
            if generation == self._category_generation:
                self.category_panel.clear()

        tasks.run(
            lambda: workspace.categories.overview(school.id),
            on_done=arrived,
            on_failed=failed,
            context=self,
        )

    def open_categorise(self) -> None:
        """Categorise…: read the scheme's suggestion, then open the dialog with it."""
        school = self.school
        services = self._services()
        overview = self.category_panel.overview
        if school is None or services is None or overview is None or overview.scheme is None:
            return
        workspace, tasks = services
        scheme = overview.scheme
        current_key = overview.current.level_key if overview.current is not None else None
        self.category_panel.categorise_button.setEnabled(False)

        def arrived(suggestion: SchoolSuggestion) -> None:
            from reviewer_app.gui.dialogs.categorise_dialog import CategoriseDialog

            self.category_panel.categorise_button.setEnabled(True)
            if self.school is None or self.school.id != school.id:
                return

            def save(level_key: str, rationale: str, agreed_on: date) -> SchoolCategory:
                return workspace.categories.agree(
                    school.id, level_key, rationale, agreed_on=agreed_on
                )

            dialog = CategoriseDialog(
                school.name,
                scheme,
                suggestion,
                current_key=current_key,
                save=save,
                tasks=tasks,
                parent=self,
            )
            dialog.category_saved.connect(self._category_saved)
            dialog.finished.connect(self._categorise_finished)
            self.categorise_dialog = dialog
            dialog.open()

        def failed(error: BaseException) -> None:
            self.category_panel.categorise_button.setEnabled(True)
            log.error("Working out the suggested category failed", exc_info=error)
            self.category_panel.agreed_label.setText(
                f"The suggested category for {school.name} could not be worked out; the "
                "details are in the log."
            )

        tasks.run(
            lambda: workspace.categories.suggestion(school.id),
            on_done=arrived,
            on_failed=failed,
            context=self,
        )

    def _categorise_finished(self) -> None:
        dialog, self.categorise_dialog = self.categorise_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def _category_saved(self, category: SchoolCategory) -> None:
        self.category_agreed.emit(category)
        if self.school is not None and self.school.id == category.school_id:
            self.load_category()
