"""Escape in the editor's actions form and in the quick-capture bar asks before throwing away
what was typed (as a dialog does, discard_guard): Keep editing is the default and what a
second Escape answers; Discard empties the form or the bar; with nothing typed Escape asks
nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.discard_guard import DISCARD_QUESTION
from reviewer_app.gui.review_editor.actions_page import ActionsPage
from support.fixture_trust import SAFEGUARDING_LEAD, WILLOW

LEAD = SAFEGUARDING_LEAD
SCHOOL = WILLOW


def _question(qtbot, owner) -> QMessageBox:
    qtbot.waitUntil(
        lambda: owner.discard_question is not None and owner.discard_question.isVisible(),
        timeout=3_000,
    )
    box = owner.discard_question
    assert box.text() == DISCARD_QUESTION
    assert box.defaultButton().text() == "&Keep editing"
    return box


def _button(box: QMessageBox, text: str):
    return next(b for b in box.buttons() if b.text().replace("&", "") == text)


def test_escape_in_the_actions_form_asks_before_clearing_it(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "safeguarding-audit", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    drive.activate(editor)
    criterion = next(iter(editor.ctx.framework.criteria()))
    # From a criterion's card: the criterion chosen is not typed input, so Escape asks nothing.
    page = editor.add_action_on(criterion.id)
    assert isinstance(page, ActionsPage)
    assert page.text_edit.hasFocus()
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Escape)
    assert page.discard_question is None
    assert page.criterion_box.currentData() == criterion.id

    qtbot.keyClicks(page.text_edit, "Record the annual filtering review")
    page.owner_edit.setFocus()
    qtbot.keyClicks(page.owner_edit, "DSL")
    qtbot.keyClick(page.owner_edit, Qt.Key.Key_Escape)
    box = _question(qtbot, page)
    # Escape on the question keeps what was typed.
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible(), timeout=3_000)
    assert page.text_edit.toPlainText() == "Record the annual filtering review"
    assert page.owner_edit.text() == "DSL"
    assert page.criterion_box.currentData() == criterion.id

    # Escape again, Discard: the form is as it first opened; nothing was added.
    page.owner_edit.setFocus()
    qtbot.keyClick(page.owner_edit, Qt.Key.Key_Escape)
    box = _question(qtbot, page)
    _button(box, "Discard").click()
    assert page.text_edit.toPlainText() == ""
    assert page.owner_edit.text() == ""
    assert page.criterion_box.currentIndex() == 0
    assert not page.has_typed_input()
    drive.wait_saved(editor)
    assert shell.workspace.reviews.actions(editor.ctx.review.id) == []


def test_escape_in_the_capture_bar_asks_before_clearing_the_note(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "safeguarding-audit", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    capture = editor.evidence.capture
    drive.activate(editor)
    capture.setFocus()
    qtbot.keyClick(capture, Qt.Key.Key_Escape)  # nothing typed: nothing asked
    assert capture.discard_question is None

    qtbot.keyClicks(capture, "Visitors signed in and badged #site")
    qtbot.keyClick(capture, Qt.Key.Key_Escape)
    box = _question(qtbot, capture)
    _button(box, "Keep editing").click()
    assert capture.text() == "Visitors signed in and badged #site"

    qtbot.keyClick(capture, Qt.Key.Key_Escape)
    box = _question(qtbot, capture)
    _button(box, "Discard").click()
    assert capture.text() == ""
    assert capture.hasFocus()
    drive.wait_saved(editor)
    assert shell.workspace.reviews.notes(editor.ctx.review.id) == []
