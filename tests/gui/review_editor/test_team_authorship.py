"""Several reviewers: every note and judgement shows its author, only the lead reviewer sets
the agreed judgement, and a peer reviewer's own view is a proposal the lead sees."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.visits import VisitStatus
from support.fixture_trust import CEDAR, LEAD, PEER

SCHOOL = CEDAR


def test_the_lead_agrees_and_everyone_sees_who_wrote_what(drive, qtbot) -> None:
    # The lead: an own view and the agreed judgement, both by number keys.
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "two-day-peer-review", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    review_id = editor.ctx.review.id
    drive.rate(editor, "inclusion", 3)
    drive.rate(editor, "inclusion", 4, agreed=True)
    drive.capture(editor, "Case sample traced through three lessons #day-1 @inclusion")
    drive.wait_saved(editor)
    card = editor.card("inclusion")
    assert card.agreed.isEnabled()
    assert card.agreed_by.isVisible()
    assert card.agreed_by.text().startswith(f"Agreed by {LEAD} at ")
    assert f"Agreed by {LEAD}" in card.agreed.accessibleDescription()
    drive.close_all()

    # A peer reviewer on their laptop: the agreed row is the lead's, shown with its author;
    # their number keys make a proposal in their name.
    shell = drive.start(PEER)
    editor = drive.open(shell, visit)
    assert not editor.ctx.is_lead
    card = editor.go_to_criterion("inclusion")
    assert card.agreed.level() == "strong_standard"
    assert not card.agreed.isEnabled()
    assert card.agreed_by.text().startswith(f"Agreed by {LEAD} at ")
    assert card.rating.level() is None  # the lead's own view is not hers
    assert f"{LEAD}</b>: Expected standard" in card.proposals.text()
    assert QApplication.focusWidget() is card.rating
    qtbot.keyClick(card.rating, Qt.Key.Key_2)
    # Alt+number never reaches the agreed row for her: it rates her own view.
    drive.activate(editor)
    qtbot.keyClick(editor, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    drive.capture(editor, "SENCO meeting: register reviewed termly #day-1 @inclusion")
    drive.wait_saved(editor)
    records = shell.workspace.reviews
    mine = [j for j in records.judgements(review_id) if j.author_id == editor.ctx.me.id]
    assert [(j.level_key, j.agreed) for j in mine] == [
        ("needs_attention", False),
        ("exceptional", False),
    ]
    agreed = [j for j in records.judgements(review_id) if j.agreed]
    assert {j.author_id for j in agreed} == {visit.lead.person_id}
    editor.show_evidence_for("inclusion")
    metas = [editor.notes_model.meta(n) for n in editor.notes_model.notes()]
    assert any(m.endswith(LEAD) for m in metas)
    assert any(m.endswith(PEER) for m in metas)
    drive.close_all()

    # The lead sees her proposal by name and the notes of both.
    shell = drive.start(LEAD)
    editor = drive.open(shell, visit)
    card = editor.go_to_criterion("inclusion")
    assert f"{PEER}</b>: Exceptional" in card.proposals.text()
    assert card.rating.level() == "expected_standard"
    authors = {editor.ctx.name_of(n.author_id) for n in editor.notes_model.notes()}
    assert {LEAD, PEER} <= authors


def test_a_peer_withdraws_only_their_own_actions(drive, qtbot) -> None:
    from datetime import date, timedelta

    from reviewer_app.domain.review import Priority
    from reviewer_app.gui.review_editor.actions_page import ActionsPage

    # The lead agrees a next step on their laptop.
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "two-day-peer-review", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    review_id = editor.ctx.review.id
    page = editor.show_page("__actions__")
    assert isinstance(page, ActionsPage)
    page.fill(
        "Audit reading", "English lead", date.today() + timedelta(days=14), Priority.HIGH, None
    )
    page.add_button.click()
    drive.wait_saved(editor)
    drive.close_all()

    # A peer adds one of their own, then presses Delete on each: the lead's stays, with the
    # reason said under the form (the trust server would refuse it); their own goes.
    shell = drive.start(PEER)
    editor = drive.open(shell, visit)
    page = editor.show_page("__actions__")
    assert isinstance(page, ActionsPage)
    page.fill(
        "Share the routine", "Maths lead", date.today() + timedelta(days=7), Priority.LOW, None
    )
    page.add_button.click()
    drive.wait_saved(editor)
    assert not page.problem.isVisible()
    shown = page.view.model()
    texts = [shown.index(r, 0).data() for r in range(shown.rowCount())]
    page.view.setFocus()
    page.view.selectRow(texts.index("Audit reading"))
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    drive.wait_saved(editor)
    assert page.problem.isVisible()
    assert page.problem.text() == (
        f"Not withdrawn: only {LEAD}, who added it, or the lead reviewer can withdraw this action."
    )
    records = shell.workspace.reviews
    assert sorted(a.text for a in records.actions(review_id)) == [
        "Audit reading",
        "Share the routine",
    ]
    page.view.selectRow(texts.index("Share the routine"))
    qtbot.keyClick(page.view, Qt.Key.Key_Delete)
    drive.wait_saved(editor)
    assert [a.text for a in records.actions(review_id)] == ["Audit reading"]
    drive.close_all()
