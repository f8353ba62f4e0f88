"""The New visit dialog: school, visit kind, planned dates and the team, validated inline.

Saving goes through the Workspace on a background thread (the write itself through the
writer lane); the dialog closes only once the visit is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QTableWidgetItem, QWidget

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person, Role, School
from reviewer_app.domain.visits import VISIT_ROLES, Visit, VisitReviewer, VisitStatus
from reviewer_app.gui import theme
from reviewer_app.gui.discard_guard import AsksBeforeDiscarding
from reviewer_app.gui.failures import failure_sentence
from reviewer_app.gui.forms.ui_new_visit import Ui_NewVisitDialog
from reviewer_app.gui.models.schools import school_facts
from reviewer_app.gui.screen_fit import fit_window
from reviewer_app.gui.tasks import TaskRunner
from reviewer_app.services.framework_catalogue import VisitKind
from reviewer_app.services.visit_planning import PlanningFacts, Verdict

log = logging.getLogger(__name__)


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def _pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class NewVisitDialog(AsksBeforeDiscarding, QDialog):
    """Plans a visit and saves it through ``save_visit`` (run off the GUI thread).

    Signals:
        visit_saved(Visit): the visit is stored; the dialog has closed.
    """

    visit_saved = Signal(object)

    def __init__(
        self,
        *,
        schools: Sequence[School],
        kinds: Sequence[VisitKind],
        people: Sequence[Person],
        save_visit: Callable[[Visit], Any],
        tasks: TaskRunner,
        school_id: str | None = None,
        lead: Person | None = None,
        today: date | None = None,
        planning: PlanningFacts | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ui = Ui_NewVisitDialog()
        self.ui.setupUi(self)
        fit_window(self, "newVisitDialog")
        self._save_visit = save_visit
        self._tasks = tasks
        self._people = {person.id: person for person in people}
        self._team: list[VisitReviewer] = []
        self._saving = False
        #: What this laptop knows to say whether the trust will accept the visit.
        self._planning = planning

        for school in schools:
            self.ui.schoolCombo.addItem(f"{school.name} ({school_facts(school)})", school.id)
        self.ui.schoolCombo.setCurrentIndex(-1)
        if school_id is not None:
            self.ui.schoolCombo.setCurrentIndex(self.ui.schoolCombo.findData(school_id))
        self.ui.schoolCombo.setPlaceholderText("Choose a school")

        self._schools = {school.id: school for school in schools}
        self._kinds = list(kinds)
        self.ui.kindCombo.setPlaceholderText("Choose the kind of visit")
        self._fill_kinds()

        # Today: most visits are planned on the day or entered as they happen; a later day is
        # one Up-arrow or a typed date away, and the end follows the start.
        start = today or date.today()
        self.ui.startDate.setDate(_qdate(start))
        self.ui.endDate.setDate(_qdate(start))
        self._start_shown = self.ui.startDate.date()

        for role in VISIT_ROLES:
            self.ui.roleCombo.addItem(role.label, role.value)
        header = self.ui.teamTable.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.ui.teamTable.verticalHeader().setDefaultSectionSize(30)
        self.ui.addReviewerButton.setIcon(theme.icon("add"))
        self.ui.removeReviewerButton.setIcon(theme.icon("remove"))

        self._save_button = self.ui.buttonBox.button(QDialogButtonBox.StandardButton.Save)
        self._save_button.setText("&Save visit")
        self._save_button.setDefault(True)
        self._save_button.setAccessibleName("Save visit")
        self.ui.buttonBox.accepted.connect(self.save)
        self.ui.buttonBox.rejected.connect(self.reject)
        self.ui.addReviewerButton.clicked.connect(self.add_selected_reviewer)
        self.ui.removeReviewerButton.clicked.connect(self.remove_selected_reviewer)
        self.ui.teamTable.installEventFilter(self)
        self.ui.startDate.dateChanged.connect(self._start_changed)
        self.ui.endDate.dateChanged.connect(lambda _d: self._clear_error("dates"))
        self.ui.schoolCombo.currentIndexChanged.connect(self._school_changed)
        self.ui.kindCombo.currentIndexChanged.connect(self._kind_changed)

        if lead is not None and lead.id in self._people:
            self._team.append(VisitReviewer(person_id=lead.id, role=Role.LEAD_REVIEWER))
        self._refresh_team()
        for name in ("school", "kind", "dates", "team", "form"):
            self._clear_error(name)
        self._update_verdict()
        first_empty = self.ui.kindCombo if school_id is not None else self.ui.schoolCombo
        first_empty.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Delete or Backspace on the team list takes the selected reviewer off the team.
        if (
            watched is self.ui.teamTable
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        ):
            self.remove_selected_reviewer()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ school and kind

    def _chosen_school(self) -> School | None:
        school_id = self.ui.schoolCombo.currentData()
        return self._schools.get(school_id) if school_id is not None else None

    def _team_may_use(self, kind: VisitKind) -> bool:
        return self._planning is None or self._planning.team_may_use(self._team, kind.visible_to)

    def _fill_kinds(self) -> None:
        """Offer the kinds of visit that suit the chosen school's phase and that everyone on the
        team may use (a safeguarding audit: safeguarding leads only), keeping the choice."""
        chosen = self.ui.kindCombo.currentData()
        school = self._chosen_school()
        self.ui.kindCombo.blockSignals(True)
        self.ui.kindCombo.clear()
        for kind in self._kinds:
            if kind.suits(school) and self._team_may_use(kind):
                self.ui.kindCombo.addItem(kind.title, kind.framework_id)
        self.ui.kindCombo.setCurrentIndex(self.ui.kindCombo.findData(chosen) if chosen else -1)
        self.ui.kindCombo.blockSignals(False)
        lost = next((k for k in self._kinds if k.framework_id == chosen), None)
        if (
            lost is not None
            and self.ui.kindCombo.currentData() is None
            and not self._team_may_use(lost)
        ):
            self._show_error(
                "kind",
                f"A {lost.title.lower()} needs a designated safeguarding lead as its lead and "
                "on every place of its team; choose another kind of visit or change the team.",
            )

    def _school_changed(self, _index: int) -> None:
        self._clear_error("school")
        self._fill_kinds()
        self._update_verdict()

    def _kind_changed(self, _index: int) -> None:
        self._clear_error("kind")
        self._update_verdict()

    # ------------------------------------------------------------------ will the trust accept it

    def verdict(self) -> Verdict | None:
        """Whether the trust will accept the visit as it stands (None without planning facts)."""
        if self._planning is None:
            return None
        kind = next(
            (k for k in self._kinds if k.framework_id == self.ui.kindCombo.currentData()), None
        )
        return self._planning.verdict(
            self._chosen_school(),
            self._team,
            kind.title if kind is not None else "visit",
            kind.visible_to if kind is not None else (),
            kind.framework_id if kind is not None else None,
        )

    def _update_verdict(self) -> None:
        verdict = self.verdict()
        label = self.ui.verdictLabel
        if verdict is None or not verdict.message:
            label.clear()
            label.setVisible(False)
            return
        state = {True: "accepted", False: "refused", None: "unknown"}[verdict.accepted]
        label.setProperty("verdict", state)
        label.style().unpolish(label)
        label.style().polish(label)
        label.setText(verdict.message)
        label.setVisible(True)

    # ------------------------------------------------------------------ team

    @property
    def team(self) -> tuple[VisitReviewer, ...]:
        return tuple(self._team)

    def _refresh_team(self) -> None:
        table = self.ui.teamTable
        table.setRowCount(len(self._team))
        for row, reviewer in enumerate(self._team):
            person = self._people.get(reviewer.person_id)
            name = QTableWidgetItem(person.name if person else "Unknown reviewer")
            role = QTableWidgetItem(reviewer.role.label)
            table.setItem(row, 0, name)
            table.setItem(row, 1, role)
        on_team = {r.person_id for r in self._team}
        self.ui.personCombo.clear()
        for person in sorted(self._people.values(), key=lambda p: p.name):
            if person.id not in on_team:
                self.ui.personCombo.addItem(person.name, person.id)
        has_lead = any(r.role is Role.LEAD_REVIEWER for r in self._team)
        default_role = Role.PEER_REVIEWER if has_lead else Role.LEAD_REVIEWER
        self.ui.roleCombo.setCurrentIndex(self.ui.roleCombo.findData(default_role.value))
        available = self.ui.personCombo.count() > 0
        self.ui.personCombo.setEnabled(available)
        self.ui.roleCombo.setEnabled(available)
        self.ui.addReviewerButton.setEnabled(available)
        self.ui.removeReviewerButton.setEnabled(bool(self._team))
        self._fill_kinds()
        self._update_verdict()

    def add_selected_reviewer(self) -> None:
        """Put the person chosen in the reviewer box on the team, in the chosen role."""
        person_id = self.ui.personCombo.currentData()
        if person_id is None:
            return
        role = Role(self.ui.roleCombo.currentData())
        if role is Role.LEAD_REVIEWER:
            lead = next((r for r in self._team if r.role is Role.LEAD_REVIEWER), None)
            if lead is not None:
                lead_name = self._people[lead.person_id].name
                self._show_error(
                    "team",
                    f"{lead_name} is already the lead reviewer. Choose another role, or take "
                    f"{lead_name} off the team first.",
                    self.ui.roleCombo,
                )
                return
        self._team.append(VisitReviewer(person_id=person_id, role=role))
        self._clear_error("team")
        self._refresh_team()
        self.ui.teamTable.selectRow(len(self._team) - 1)

    def remove_selected_reviewer(self) -> None:
        """Take the selected reviewer (or the last one) off the team."""
        if not self._team:
            return
        row = self.ui.teamTable.currentRow()
        if not 0 <= row < len(self._team):
            row = len(self._team) - 1
        del self._team[row]
        self._refresh_team()
        if self._team:
            self.ui.teamTable.selectRow(min(row, len(self._team) - 1))

    # ------------------------------------------------------------------ validation

    def _start_changed(self, start: QDate) -> None:
        # The end follows the start, keeping the visit's length (a two-day review moved a week
        # stays two days); an end already before the start becomes the start.
        days = max(0, self._start_shown.daysTo(self.ui.endDate.date()))
        self._start_shown = start
        self.ui.endDate.setDate(start.addDays(days))
        self._clear_error("dates")

    def _labels(self) -> dict[str, tuple[Any, QWidget | None]]:
        return {
            "school": (self.ui.schoolError, self.ui.schoolCombo),
            "kind": (self.ui.kindError, self.ui.kindCombo),
            "dates": (self.ui.datesError, self.ui.endDate),
            "team": (self.ui.teamError, self.ui.personCombo),
            "form": (self.ui.formError, None),
        }

    def _show_error(self, name: str, message: str, field: QWidget | None = None) -> None:
        label, default_field = self._labels()[name]
        label.setText(message)
        label.setVisible(True)
        target = field or default_field
        if target is not None:
            theme.set_invalid(target, True)
            target.setAccessibleDescription(message)

    def _clear_error(self, name: str) -> None:
        label, field = self._labels()[name]
        label.clear()
        label.setVisible(False)
        if field is not None:
            theme.set_invalid(field, False)
        if name == "team":
            theme.set_invalid(self.ui.roleCombo, False)

    def errors(self) -> dict[str, str]:
        """The inline messages currently shown, by field (tests and accessibility)."""
        return {name: label.text() for name, (label, _f) in self._labels().items() if label.text()}

    def validate(self) -> Visit | None:
        """Check every field, show what is wrong beside it, and build the visit if all is well."""
        for name in ("school", "kind", "dates", "team", "form"):
            self._clear_error(name)
        problems: list[QWidget] = []
        school_id = self.ui.schoolCombo.currentData()
        if school_id is None:
            self._show_error("school", "Choose the school this visit is to.")
            problems.append(self.ui.schoolCombo)
        kind = self.ui.kindCombo.currentData()
        if kind is None:
            self._show_error("kind", "Choose what kind of visit this is.")
            problems.append(self.ui.kindCombo)
        start = _pydate(self.ui.startDate.date())
        end = _pydate(self.ui.endDate.date())
        if end < start:
            self._show_error(
                "dates",
                f"The visit ends ({end:%d %B %Y}) before it starts ({start:%d %B %Y}). "
                "Change the end date.",
            )
            problems.append(self.ui.endDate)
        if not self._team:
            self._show_error(
                "team", "Add at least one reviewer: choose a person and a role, then Add to team."
            )
            problems.append(self.ui.personCombo)
        if problems:
            problems[0].setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        try:
            return Visit(
                id=new_id(),
                school_id=school_id,
                framework_id=kind,
                planned_start=start,
                planned_end=end,
                reviewers=tuple(self._team),
                status=VisitStatus.PLANNED,
            )
        except ReviewerError as error:
            self._show_error("form", str(error))
            return None

    # ------------------------------------------------------------------ saving

    @property
    def saving(self) -> bool:
        return self._saving

    def save(self) -> None:
        """Validate; if all is well, store the visit in the background and close when stored."""
        if self._saving:
            return
        visit = self.validate()
        if visit is None:
            return
        self._set_saving(True)
        self._tasks.run(
            lambda: self._save_visit(visit),
            on_done=lambda _result: self._saved(visit),
            on_failed=self._save_failed,
            context=self,
        )

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._save_button.setEnabled(not saving)
        self._save_button.setText("Saving…" if saving else "&Save visit")

    def _saved(self, visit: Visit) -> None:
        self._set_saving(False)
        log.info("Visit %s saved", visit.id)
        self.visit_saved.emit(visit)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._set_saving(False)
        self._show_error(
            "form",
            failure_sentence(
                error,
                "Reviewer could not save this visit. Nothing was changed; try again, and if it "
                "keeps happening send the log file (Help > Show log folder) to your support "
                "contact.",
            ),
        )

    def reject(self) -> None:
        if self._saving:
            return  # closing mid-write would hide whether the visit was stored
        super().reject()
