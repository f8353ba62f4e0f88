"""Follow-up at the next visit: an earlier action marked met stays on that visit's follow-up
page (to be read again or corrected), and drops out only for the visits after it."""

from __future__ import annotations

from datetime import date, timedelta

from reviewer_app.domain.review import FollowUpOutcome, Priority
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.navigation import NAV_SEPARATOR
from support.fixture_trust import CEDAR, LEAD

SCHOOL = CEDAR


def test_an_action_marked_met_stays_on_the_visit_that_marked_it(drive, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    page = editor.show_page("__actions__")
    assert isinstance(page, ActionsPage)
    page.fill(
        "Share the routine", "Maths lead", date.today() + timedelta(days=7), Priority.LOW, None
    )
    page.add_button.click()
    drive.wait_saved(editor)
    action = shell.workspace.reviews.actions(editor.ctx.review.id)[0]
    editor.close()

    next_visit = drive.plan_next_visit(shell, visit)
    follow = drive.open(shell, next_visit)
    follow_page = follow.show_page("__follow_up__")
    assert isinstance(follow_page, FollowUpPage)
    row = follow_page.rows[action.id]
    row.outcome.setCurrentIndex(row.outcome.findData(FollowUpOutcome.MET.value))
    row.evidence.setFocus()
    qtbot.keyClicks(row.evidence, "Routine seen in every maths room.")
    drive.wait_saved(follow)
    follow.close()

    # Opened again: the action is still there, shown as met with its evidence, counted done.
    follow = drive.open(shell, next_visit)
    follow_page = follow.show_page("__follow_up__")
    assert list(follow_page.rows) == [action.id]
    row = follow_page.rows[action.id]
    assert row.outcome.currentData() == FollowUpOutcome.MET.value
    assert row.evidence.toPlainText() == "Routine seen in every maths room."
    row_index = follow.nav_keys.index("__follow_up__")
    assert follow.nav.item(row_index).text().endswith(f"{NAV_SEPARATOR}1/1")
    # The visit after that no longer lists it.
    later = drive.plan_next_visit(shell, next_visit)
    assert shell.workspace.reviews.open_actions_before(later.id) == []
