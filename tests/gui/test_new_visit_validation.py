"""The New visit dialog explains what is missing beside each field and saves nothing until fixed."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from pytestqt.qtbot import QtBot

from reviewer_app.app import Shell
from reviewer_app.domain.organisation import Phase, Role
from reviewer_app.gui.dialogs.new_visit import NewVisitDialog, next_working_day
from reviewer_app.services.framework_catalogue import VisitKind


def _dialog(qtbot: QtBot, shell: Shell, **overrides) -> NewVisitDialog:
    window = shell.window
    options = {
        "schools": window.schools_model.schools(),
        "kinds": window.kinds,
        "people": list(window.people.values()),
        "save_visit": lambda v: shell.workspace.submit(shell.workspace.save_visit, v),
        "tasks": shell.tasks,
        "lead": None,
    }
    options.update(overrides)
    dialog = NewVisitDialog(**options)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitActive(dialog)
    return dialog


def test_an_empty_form_names_every_missing_thing(qtbot: QtBot, shell: Shell) -> None:
    dialog = _dialog(qtbot, shell)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    errors = dialog.errors()
    assert errors["school"] == "Choose the school this visit is to."
    assert errors["kind"] == "Choose what kind of visit this is."
    assert errors["team"].startswith("Add at least one reviewer")
    assert dialog.isVisible()
    assert not dialog.saving
    assert dialog.focusWidget() is dialog.ui.schoolCombo, "the first problem gets the focus"
    assert dialog.ui.schoolCombo.property("invalid") == "true"
    assert dialog.ui.schoolError.isVisible()
    # Choosing a school clears its message at once.
    dialog.ui.schoolCombo.setCurrentIndex(0)
    assert "school" not in dialog.errors()


def test_end_before_start_is_explained_with_both_dates(qtbot: QtBot, shell: Shell) -> None:
    school = shell.window.schools_model.schools()[0]
    dialog = _dialog(qtbot, shell, school_id=school.id, lead=shell.workspace.current_person)
    dialog.ui.kindCombo.setCurrentIndex(0)
    dialog.ui.startDate.setDate(QDate(2026, 3, 12))
    dialog.ui.endDate.setDate(QDate(2026, 3, 10))
    dialog.save()
    assert dialog.errors() == {
        "dates": "The visit ends (10 March 2026) before it starts (12 March 2026). "
        "Change the end date."
    }
    assert dialog.focusWidget() is dialog.ui.endDate


def test_moving_the_start_past_the_end_moves_the_end_too(qtbot: QtBot, shell: Shell) -> None:
    dialog = _dialog(qtbot, shell)
    start = next_working_day(date.today())
    assert dialog.ui.startDate.date() == QDate(start.year, start.month, start.day)
    dialog.ui.startDate.setDate(dialog.ui.startDate.date().addDays(5))
    assert dialog.ui.endDate.date() == dialog.ui.startDate.date()


def test_a_second_lead_reviewer_is_refused_with_a_reason(qtbot: QtBot, shell: Shell) -> None:
    me = shell.workspace.current_person
    dialog = _dialog(qtbot, shell, lead=me)
    assert [r.role for r in dialog.team] == [Role.LEAD_REVIEWER]
    assert dialog.ui.roleCombo.currentData() == Role.PEER_REVIEWER.value
    dialog.ui.roleCombo.setCurrentIndex(dialog.ui.roleCombo.findData(Role.LEAD_REVIEWER.value))
    dialog.add_selected_reviewer()
    assert len(dialog.team) == 1
    assert dialog.errors()["team"].startswith(f"{me.name} is already the lead reviewer.")
    # Taking the lead off with the Delete key makes room for another lead.
    dialog.ui.teamTable.setFocus()
    dialog.ui.teamTable.selectRow(0)
    qtbot.keyClick(dialog.ui.teamTable, Qt.Key.Key_Delete)
    assert dialog.team == ()
    assert dialog.ui.personCombo.findText(me.name) >= 0, "a person off the team is offered again"


def test_people_already_on_the_team_are_not_offered_again(qtbot: QtBot, shell: Shell) -> None:
    me = shell.workspace.current_person
    dialog = _dialog(qtbot, shell, lead=me)
    offered = [dialog.ui.personCombo.itemText(i) for i in range(dialog.ui.personCombo.count())]
    assert me.name not in offered
    assert len(offered) == len(shell.window.people) - 1


def test_kinds_follow_the_school_phase(qtbot: QtBot, shell: Shell) -> None:
    schools = shell.window.schools_model.schools()
    primary = next(s for s in schools if s.phase is Phase.PRIMARY)
    secondary = next(s for s in schools if s.phase is Phase.SECONDARY)
    kinds = [
        VisitKind("early-years-walk", "Early years learning walk", ("primary",)),
        VisitKind("learning-walk", "Learning walk"),
    ]
    dialog = _dialog(qtbot, shell, kinds=kinds, school_id=primary.id)
    titles = [dialog.ui.kindCombo.itemText(i) for i in range(dialog.ui.kindCombo.count())]
    assert titles == ["Early years learning walk", "Learning walk"]
    dialog.ui.kindCombo.setCurrentIndex(1)
    dialog.ui.schoolCombo.setCurrentIndex(dialog.ui.schoolCombo.findData(secondary.id))
    titles = [dialog.ui.kindCombo.itemText(i) for i in range(dialog.ui.kindCombo.count())]
    assert titles == ["Learning walk"]
    assert dialog.ui.kindCombo.currentText() == "Learning walk", "a choice that still fits stays"


def test_a_refusal_from_the_workspace_shows_in_the_dialog(qtbot: QtBot, shell: Shell) -> None:
    # Only a designated safeguarding lead may take that role: the Workspace enforces it.
    people = list(shell.window.people.values())
    not_dsl = next(p for p in people if not p.may_see_safeguarding)
    school = shell.window.schools_model.schools()[0]
    dialog = _dialog(qtbot, shell, school_id=school.id)
    dialog.ui.kindCombo.setCurrentIndex(0)
    dialog.ui.personCombo.setCurrentIndex(dialog.ui.personCombo.findData(not_dsl.id))
    dialog.ui.roleCombo.setCurrentIndex(dialog.ui.roleCombo.findData(Role.SAFEGUARDING_LEAD.value))
    dialog.add_selected_reviewer()
    before = len(shell.workspace.visits_for_school(school.id))
    dialog.save()
    assert dialog.saving
    qtbot.waitUntil(lambda: not dialog.saving, timeout=5_000)
    assert "is not a designated safeguarding lead" in dialog.errors()["form"]
    assert dialog.isVisible()
    assert len(shell.workspace.visits_for_school(school.id)) == before
