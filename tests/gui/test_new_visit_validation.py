"""The New visit dialog explains what is missing beside each field and saves nothing until fixed;
its drop-downs show every option (up to twelve rows) with type-ahead that lands on the closest
match, it starts today with the end following the start, and Escape asks before discarding."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from shiboken6 import isValid

from reviewer_app.app import Shell
from reviewer_app.domain.organisation import Phase, Role
from reviewer_app.gui.dialogs.new_visit import NewVisitDialog
from reviewer_app.gui.drop_downs import VISIBLE_ROWS, closest_match
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


def test_a_visit_starts_today_and_its_end_follows_the_start(qtbot: QtBot, shell: Shell) -> None:
    dialog = _dialog(qtbot, shell)
    today = date.today()
    assert dialog.ui.startDate.date() == QDate(today.year, today.month, today.day)
    assert dialog.ui.endDate.date() == dialog.ui.startDate.date()
    # Up on the start's day, as a person moves it: the end comes along.
    dialog.ui.startDate.setFocus()
    dialog.ui.startDate.setCurrentSection(dialog.ui.startDate.Section.DaySection)
    for _ in range(5):
        qtbot.keyClick(dialog.ui.startDate, Qt.Key.Key_Up)
    assert dialog.ui.startDate.date() == QDate(today.year, today.month, today.day).addDays(5)
    assert dialog.ui.endDate.date() == dialog.ui.startDate.date()
    # A two-day visit moved a week later stays two days long.
    dialog.ui.endDate.setDate(dialog.ui.startDate.date().addDays(1))
    dialog.ui.startDate.setDate(dialog.ui.startDate.date().addDays(7))
    assert dialog.ui.startDate.date().daysTo(dialog.ui.endDate.date()) == 1


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
    qtbot.waitUntil(lambda: not dialog.saving, timeout=20_000)
    assert "is not a designated safeguarding lead" in dialog.errors()["form"]
    assert dialog.isVisible()
    assert len(shell.workspace.visits_for_school(school.id)) == before


def test_the_trusts_frameworks_are_offered_and_a_draft_says_so(qtbot: QtBot, shell: Shell) -> None:
    import hashlib

    from reviewer_app.sync.library_protocol import FrameworkLibraryPage, LibraryEntry

    text = (
        'kind: framework\nid: our-walk\nversion: "1"\ntitle: Our walk\nowner: Our trust\n'
        "default_scale: observation-lookfor\nsections:\n  - id: one\n    title: One\n"
        "    criteria: [{id: alpha, title: Alpha}]\n"
    )
    entry = LibraryEntry(
        kind="framework", id="our-walk", version="1", state="draft", title="Our walk",
        sha256=hashlib.sha256(text.encode()).hexdigest(), text=text,
    )  # fmt: skip
    # As the library stage of a sync stores it, then the window reloads as after a sync.
    shell.workspace.frameworks.apply_library(FrameworkLibraryPage(digest="d1", documents=[entry]))
    shell.window.reload()
    qtbot.waitUntil(
        lambda: any(k.framework_id == "our-walk" for k in shell.window.kinds), timeout=10_000
    )
    dialog = _dialog(qtbot, shell)
    titles = [dialog.ui.kindCombo.itemText(i) for i in range(dialog.ui.kindCombo.count())]
    assert "Our walk (draft)" in titles
    assert "Learning walk" in titles


# ---------------------------------------------------------------- drop-downs and Escape


def test_closest_match_prefers_the_shortest_option_that_begins_with_the_text() -> None:
    options = ["Learning environment check", "Learning walk", "Lesson enquiry"]
    assert closest_match(options, "learn") == 1
    assert closest_match(options, "Learning e") == 0
    assert closest_match(options, "les") == 2
    assert closest_match(options, "x") is None


@pytest.fixture
def patient_typing() -> Iterator[int]:
    """Keys typed within 1.5 s of each other are one search, not Qt's 0.4 s: a loaded machine
    (CI, or several engineers on two cores) can stall that long between two synthetic key
    presses, and the search would begin again half-way through a word."""
    hints = QGuiApplication.styleHints()
    usual = hints.keyboardInputInterval()
    hints.setKeyboardInputInterval(1_500)
    yield hints.keyboardInputInterval()
    hints.setKeyboardInputInterval(usual)


def test_typing_in_the_visit_kind_lands_on_the_closest_match(
    qtbot: QtBot, shell: Shell, patient_typing: int
) -> None:
    assert QApplication.keyboardInputInterval() == patient_typing
    dialog = _dialog(qtbot, shell)
    kinds = dialog.ui.kindCombo
    titles = [kinds.itemText(i) for i in range(kinds.count())]
    # The real list has the longer title first, which Qt's own type-ahead would pick.
    assert titles.index("Learning environment check") < titles.index("Learning walk")
    kinds.setFocus()
    qtbot.keyClicks(kinds, "Learn")
    assert kinds.currentText() == "Learning walk"
    # A pause starts a new search. Half as long again as the interval: qtbot.wait's timer is
    # coarse, and may fire 5 % early.
    qtbot.wait(patient_typing * 3 // 2)
    qtbot.keyClicks(kinds, "Learning e")
    assert kinds.currentText() == "Learning environment check"
    qtbot.wait(patient_typing * 3 // 2)
    # One letter again and again steps through the options that begin with it.
    picked = []
    for _ in range(3):
        qtbot.keyClicks(kinds, "s")
        picked.append(kinds.currentText())
    assert len(set(picked)) == 3
    assert all(text.lower().startswith("s") for text in picked)


# The offscreen platform cannot raise a popup or give it the keyboard; it says so on opening.
@pytest.mark.qt_log_ignore("This plugin does not support raise", "does not support grabbing")
def test_every_drop_down_list_shows_twelve_rows_or_all_of_them(qtbot: QtBot, shell: Shell) -> None:
    dialog = _dialog(qtbot, shell)
    for combo, rows in ((dialog.ui.kindCombo, VISIBLE_ROWS), (dialog.ui.roleCombo, None)):
        assert combo.maxVisibleItems() == VISIBLE_ROWS
        combo.showPopup()
        view = combo.view()
        qtbot.waitUntil(view.isVisible)
        wanted = rows if rows is not None else combo.count()
        assert combo.count() >= wanted
        row_height = view.sizeHintForRow(0)
        assert row_height >= 20, "rows tall enough to read and click"
        shown = view.viewport().height() // row_height
        assert shown >= wanted, f"{combo.objectName()}: {shown} rows shown of {wanted}"
        if rows is None:
            assert not view.verticalScrollBar().isVisible()
        combo.hidePopup()


def _question(qtbot: QtBot, dialog: NewVisitDialog) -> QMessageBox:
    """The discard question on screen now (an answered one may linger until deleted)."""

    def shown() -> list[QMessageBox]:
        boxes = dialog.findChildren(QMessageBox, "discardQuestion")
        return [b for b in boxes if isValid(b) and b.isVisible()]

    qtbot.waitUntil(lambda: len(shown()) == 1)
    return shown()[0]


def _press(qtbot: QtBot, box: QMessageBox, text: str) -> None:
    button = next(b for b in box.buttons() if b.text().replace("&", "") == text)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _gone(box))


def _gone(box: QMessageBox) -> bool:
    """The question was answered: it closed (and deletes itself)."""
    return not isValid(box) or not box.isVisible()


def test_escape_asks_before_discarding_what_was_chosen(qtbot: QtBot, shell: Shell) -> None:
    # Nothing chosen yet: Escape closes at once, with no question.
    dialog = _dialog(qtbot, shell)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()

    dialog = _dialog(qtbot, shell)
    dialog.ui.schoolCombo.setFocus()
    qtbot.keyClicks(dialog.ui.schoolCombo, "Ald")
    assert dialog.ui.schoolCombo.currentText().startswith("Ald")
    qtbot.keyClick(dialog.ui.schoolCombo, Qt.Key.Key_Escape)
    box = _question(qtbot, dialog)
    assert box.text() == "Discard what you typed?"
    assert box.defaultButton().text().replace("&", "") == "Keep editing"
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Escape on the question keeps the form
    qtbot.waitUntil(lambda: _gone(box))
    assert dialog.isVisible()
    assert dialog.ui.schoolCombo.currentText().startswith("Ald")

    dialog.ui.buttonBox.button(dialog.ui.buttonBox.StandardButton.Cancel).click()
    _press(qtbot, _question(qtbot, dialog), "Keep editing")
    assert dialog.isVisible()

    qtbot.keyClick(dialog.ui.schoolCombo, Qt.Key.Key_Escape)
    _press(qtbot, _question(qtbot, dialog), "Discard")
    assert not dialog.isVisible()
    assert dialog.result() == dialog.DialogCode.Rejected
