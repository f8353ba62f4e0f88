"""The actions form does not trip a reviewer: a date that is not a date is named, a past due date
is queried once, the form starts afresh after Add, the table shows every column in full at 1366
pixels wide, and an overdue action says so at the follow-up."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.review import Priority
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.field_widgets import show_date
from support import fixture_trust
from support.fixture_trust import CEDAR, SAFEGUARDING_LEAD, WILLOW

LEAD = SAFEGUARDING_LEAD
SCHOOL = WILLOW


def _page(drive, shell):
    from reviewer_app.domain.visits import VisitStatus

    visit = drive.visit(shell, SCHOOL, "safeguarding-audit", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    page = editor.show_page("__actions__")
    assert isinstance(page, ActionsPage)
    return visit, editor, page


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    if hasattr(widget, "selectAll"):
        widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_the_action_form_names_bad_dates_and_starts_afresh_after_add(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    _visit, editor, page = _page(drive, shell)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id
    before = len(records.actions(review_id))

    _type(qtbot, page.text_edit, "Record the annual review of filtering.")
    _type(qtbot, page.owner_edit, "DSL")
    _type(qtbot, page.due_edit, "31/02/2027")
    page.priority_box.setCurrentIndex(page.priority_box.findData(Priority.HIGH.value))
    page.criterion_box.setCurrentIndex(2)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.problem.isVisible()
    assert page.problem.text().startswith("“31/02/2027” is not a date: February 2027 has 28 days.")
    assert page.due_edit.property("invalid") == "true"
    assert page.due_edit.text() == "31/02/2027", "what was typed stays, to be corrected"
    assert len(records.actions(review_id)) == before

    # A date already past is queried; Add again keeps it on purpose.
    past = date.today() - timedelta(days=3)
    _type(qtbot, page.due_edit, past.strftime("%d/%m/%Y"))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    assert page.problem.text() == (
        f"The due date, {show_date(past)}, has already passed. Press Add again to keep it, "
        "or change the date."
    )
    assert len(records.actions(review_id)) == before
    criterion_id = page.criterion_box.currentData()
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    drive.wait_saved(editor)
    added = records.actions(review_id)
    assert len(added) == before + 1
    action = next(a for a in added if a.text == "Record the annual review of filtering.")
    assert (action.due, action.priority, action.criterion_id) == (past, Priority.HIGH, criterion_id)

    # The form is fresh for the next action: nothing carried over from the last.
    assert page.text_edit.toPlainText() == ""
    assert page.owner_edit.text() == ""
    assert page.due_edit.chosen_date() is None
    assert page.priority_box.currentData() == Priority.MEDIUM.value
    assert page.criterion_box.currentIndex() == 0
    assert not page.problem.isVisible()
    assert QApplication.focusWidget() is page.text_edit


def test_the_actions_table_shows_every_column_in_full_at_1366_wide(drive, qtbot, tmp_path) -> None:
    shell = drive.start(LEAD)
    _visit, editor, page = _page(drive, shell)
    editor.resize(1366, 728)
    long_title = max(
        (page.criterion_box.itemText(i) for i in range(page.criterion_box.count())), key=len
    )
    page.fill(
        "Make sure every new member of staff reads Part one of Keeping children safe in "
        "education before their first day, and keep a signed record of it.",
        "Designated safeguarding lead and business manager",
        date.today() + timedelta(days=30),
        Priority.HIGH,
        page.criterion_box.itemData(page.criterion_box.findText(long_title)),
    )
    page.add_button.click()
    drive.wait_saved(editor)
    qtbot.wait(50)
    view, model = page.view, page.view.model()
    header = view.horizontalHeader()
    assert header.length() <= view.viewport().width(), "no column off the right edge"
    assert not view.horizontalScrollBar().isVisible()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            text = model.index(row, column).data()
            # the cell padding of 20_lists.qss and the delegate's margins either side
            width = header.sectionSize(column) - 2 * 8 - 8
            needed = view.fontMetrics().boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            assert needed.width() <= width, (
                model.headerData(column, Qt.Orientation.Horizontal),
                text,
            )
            assert needed.height() <= view.rowHeight(row), (text, view.rowHeight(row))
    for column in range(model.columnCount()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column), "headings whole"
    page.grab().save(str(tmp_path / "actions-1366.png"))


def test_an_overdue_action_is_flagged_at_the_follow_up(drive, qtbot) -> None:
    shell = drive.start(fixture_trust.LEAD)
    visit = drive.visit(shell, CEDAR, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    page = editor.show_page("__actions__")
    late, soon = date.today() - timedelta(days=10), date.today() + timedelta(days=10)
    for text, due in (("Share the routine", late), ("Plan the next walk", soon)):
        page.fill(text, "Maths lead", due, Priority.LOW, None)
        page.add_button.click()
        if page.problem.isVisible():  # the past date is queried once
            page.add_button.click()
        drive.wait_saved(editor)
    actions = {a.text: a for a in shell.workspace.reviews.actions(editor.ctx.review.id)}
    editor.close()

    follow = drive.open(shell, drive.plan_next_visit(shell, visit, days_later=0))
    follow_page = follow.show_page("__follow_up__")
    assert isinstance(follow_page, FollowUpPage)
    overdue = follow_page.rows[actions["Share the routine"].id].overdue
    assert overdue is not None
    assert overdue.isVisibleTo(follow_page)
    assert overdue.text() == f"Overdue: it was due {show_date(late)}, 10 days ago."
    assert follow_page.rows[actions["Plan the next walk"].id].overdue is None


def test_an_action_on_a_criterion_is_one_record_in_two_views(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    _visit, editor, page = _page(drive, shell)
    records = shell.workspace.reviews
    review_id = editor.ctx.review.id

    # From the criterion's card: the plan's form opens with the criterion chosen.
    card = editor.go_to_criterion("fm-review")
    actions_on_card = card.criterion_actions
    assert actions_on_card is not None
    assert not actions_on_card.list_label.isVisibleTo(card)
    qtbot.mouseClick(actions_on_card.add_button, Qt.MouseButton.LeftButton)
    assert editor.stack.currentWidget() is page
    assert page.criterion_box.currentData() == "fm-review"
    assert QApplication.focusWidget() is page.text_edit
    qtbot.keyClicks(page.text_edit, "Record the annual review of filtering.")
    _type(qtbot, page.owner_edit, "DSL")
    _type(qtbot, page.due_edit, "+30")
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    drive.wait_saved(editor)
    stored = [a for a in records.actions(review_id) if a.criterion_id == "fm-review"]
    assert [a.text for a in stored] == ["Record the annual review of filtering."]

    # The same record shows on the card, and in the plan's table once.
    assert actions_on_card.isVisibleTo(card)
    assert "Record the annual review of filtering." in actions_on_card.list_label.text()
    assert "DSL" in actions_on_card.list_label.text()
    table = [page.view.model().index(r, 0).data() for r in range(page.view.model().rowCount())]
    assert table.count("Record the annual review of filtering.") == 1

    # Withdrawn in the plan (Delete on its row): gone from the card too.
    row = table.index("Record the annual review of filtering.")
    page.view.setFocus()
    page.view.setCurrentIndex(page.view.model().index(row, 0))
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    drive.wait_saved(editor)
    assert "Record the annual review" not in actions_on_card.list_label.text()


def test_an_audit_on_version_1_warns_of_a_past_due_date_in_its_action_fields(drive, qtbot) -> None:
    """A review begun on the safeguarding audit's version 1 keeps its action fields; a past
    date typed in "Action due by" is kept, with a warning under it, as the plan's form warns."""
    import json

    from reviewer_app.domain.visits import VisitStatus

    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "safeguarding-audit", status=VisitStatus.PLANNED)
    first = shell.workspace.library().get("safeguarding-audit", "1")
    shell.workspace.reviews.start_review(
        visit.id,
        framework_id=first.id,
        framework_version=first.version,
        framework_hash=first.content_hash,
        framework_snapshot=json.dumps(first.to_snapshot(), ensure_ascii=False),
    )
    editor = drive.open(shell, visit)
    assert editor.ctx.framework.version == "1"
    drive.rate(editor, "fm-review", 2, agreed=True)  # Partially met shows the action fields
    last_year = date.today() - timedelta(days=365)
    due = drive.set_field(editor, "fm-review.due", last_year.strftime("%d/%m/%Y"))
    assert due.problem_label is not None
    assert due.problem_label.isVisibleTo(due)
    assert "has already passed" in due.problem_label.text()
    drive.wait_saved(editor)
    stored = shell.workspace.reviews.field_values(editor.ctx.review.id)["fm-review.due"]
    assert stored.value == last_year.isoformat()  # kept: a warning, not a refusal
    next_month = date.today() + timedelta(days=30)
    drive.set_field(editor, "fm-review.due", next_month.strftime("%d/%m/%Y"))
    assert not due.problem_label.isVisibleTo(due)
