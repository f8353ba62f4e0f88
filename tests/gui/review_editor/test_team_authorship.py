"""Several reviewers: every note and judgement shows its author, only the lead reviewer sets
the agreed judgement, and a peer reviewer's own view is a proposal the lead sees."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from reviewer_app.domain.visits import VisitStatus

LEAD = "David Brennan"
PEER = "Priya Natarajan"
SCHOOL = "Northfield Academy"


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
    assert "David Brennan</b>: Expected standard" in card.proposals.text()
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
    assert "Priya Natarajan</b>: Exceptional" in card.proposals.text()
    assert card.rating.level() == "expected_standard"
    authors = {editor.ctx.name_of(n.author_id) for n in editor.notes_model.notes()}
    assert {LEAD, PEER} <= authors
