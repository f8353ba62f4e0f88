"""A complete learning walk through the generated editor: focus strands choose which sections
appear, evidence with tags, a photo, next steps, the sign-off check, undo, a second reviewer's
proposals, the follow-up at the school's next walk, and an amendment after signing."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from reviewer_app.domain.review import FollowUpOutcome, Priority, ReviewState
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.criterion_card import RatingControl
from reviewer_app.gui.review_editor.evidence_panel import AttachmentViewer
from reviewer_app.gui.review_editor.navigation import NAV_SEPARATOR
from reviewer_app.gui.review_editor.section_page import SectionPage
from support.fixture_trust import CEDAR, LEAD, PEER

SCHOOL = CEDAR


def nav_titles(editor) -> list[str]:
    return [
        editor.nav.item(i).text()
        for i in range(editor.nav.count())
        if not editor.nav.item(i).isHidden()
    ]


def test_a_complete_learning_walk_through_the_generated_editor(drive, photo, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "learning-walk", status=VisitStatus.IN_PROGRESS)
    editor = drive.open(shell, visit)
    ctx = editor.ctx
    assert ctx.framework.id == "learning-walk"
    assert ctx.is_team_visit
    assert ctx.is_lead

    # Generated from the framework: its notice, its sections, no strand sections until chosen.
    assert (
        "Do not grade or name individual teachers"
        in editor.findChild(type(editor.saved_indicator), "frameworkNotice").text()
    )
    titles = nav_titles(editor)
    assert not any(t.startswith("C: Climate") for t in titles)
    assert any(t.startswith("Inclusion across the walk") for t in titles)

    # Condition applied live: choosing two strands shows exactly their sections.
    drive.set_field(editor, "focus-strands", ["climate", "adaptive-and-responsive"])
    titles = nav_titles(editor)
    assert any(t.startswith(f"C: Climate for learning{NAV_SEPARATOR}0/4") for t in titles)
    assert any(t.startswith("A: Adaptive and responsive") for t in titles)
    assert not any(t.startswith("R: Review") for t in titles)

    # Rating by number keys on the scale's levels; the lead proposes, the peer proposes on
    # their laptop, the lead sets the agreed judgement.
    control = drive.rate(editor, "climate-routines", 2)
    assert control.level() == "partly_seen"
    assert control.buttons["partly_seen"].isChecked()
    assert "Partly seen" in control.buttons["partly_seen"].text()
    priya = drive.records_as(shell, PEER)
    priya.propose_judgement(ctx.review.id, "climate-routines", "seen")
    editor.load()
    drive.wait_loaded(editor, after=ctx)
    ctx = editor.ctx
    drive.activate(editor)
    card = editor.go_to_criterion("climate-routines")
    assert f"{PEER}</b>: Seen" in card.proposals.text()
    assert card.rating.level() == "partly_seen"
    drive.rate(editor, "climate-routines", 1, agreed=True)
    assert card.agreed.level() == "seen"

    # Next / previous criterion from the keyboard, and Alt+number rates the current one.
    qtbot.keyClick(editor, Qt.Key.Key_F8)
    assert editor.current_criterion == "climate-planning"
    qtbot.keyClick(editor, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert editor.current_criterion == "climate-routines"

    # Evidence from the capture bar: tags, several criteria, timestamp and author.
    drive.capture(
        editor,
        "Pupils settle within a minute of arriving #y5 #maths #room:14 "
        "@climate-routines @climate-relationships",
    )
    drive.capture(editor, "Mini-whiteboards used by every pupil #yr #send @adaptive-checking")
    drive.wait_saved(editor)
    notes = shell.workspace.reviews.notes(ctx.review.id)
    first = next(n for n in notes if n.text.startswith("Pupils settle"))
    assert dict(first.tags) == {"year_group": "Year 5", "subject": "Mathematics", "room": "14"}
    assert first.criterion_ids == ("climate-routines", "climate-relationships")
    assert first.author_id == ctx.me.id
    second = next(n for n in notes if n.text.startswith("Mini-whiteboards"))
    assert dict(second.tags) == {"year_group": "Reception", "pupil_group": "Pupils with SEND"}
    assert editor.card("climate-routines").evidence_button.text() == "1 note"
    assert f"{LEAD}" in editor.notes_model.meta(editor.notes_model.notes()[0])

    # Tab completes a tag token; a name where a pupil reference belongs is refused.
    capture = editor.evidence.capture
    drive.activate(editor)
    capture.setFocus()
    qtbot.keyClicks(capture, "Reading aloud #phon")
    qtbot.keyClick(capture, Qt.Key.Key_Tab)
    assert capture.text() == "Reading aloud #phonics "
    assert capture.hasFocus()
    qtbot.keyClick(capture, Qt.Key.Key_Escape)  # asks first (test_escape_asks.py)
    qtbot.waitUntil(lambda: capture.discard_question is not None, timeout=3_000)
    discard = next(b for b in capture.discard_question.buttons() if b.text() == "&Discard")
    discard.click()
    assert capture.text() == ""
    qtbot.keyClicks(capture, "Reading aloud #teacher-name")
    qtbot.keyClick(capture, Qt.Key.Key_Return)
    assert editor.evidence.hint.text().startswith("Not saved")
    assert capture.text() == "Reading aloud #teacher-name"
    capture.clear()

    # A photo, stored encrypted as a blob, linked to the next note, with a thumbnail and viewer.
    drive.drop(editor, [photo("whiteboards.png")])
    drive.wait_saved(editor)
    assert editor.attachments_model.rowCount() == 1
    drive.capture(editor, "Photo of the working wall @adaptive-access")
    drive.wait_saved(editor)
    attachment = shell.workspace.reviews.attachments(ctx.review.id)[0]
    assert attachment.media_type == "image/png"
    photo_note = next(
        n for n in shell.workspace.reviews.notes(ctx.review.id) if n.text.startswith("Photo")
    )
    assert photo_note.attachment_ids == (attachment.id,)
    index = editor.attachments_model.index(0, 0)
    index.data(Qt.ItemDataRole.DecorationRole)
    qtbot.waitUntil(lambda: index.data(Qt.ItemDataRole.DecorationRole) is not None, timeout=10_000)
    editor.open_attachment(attachment)
    qtbot.waitUntil(lambda: editor.findChild(AttachmentViewer) is not None, timeout=10_000)
    editor.findChild(AttachmentViewer).accept()

    # Undo and redo across the editor: a typed field, then a rating.
    drive.set_field(editor, "school-priority", "Reading for pleasure")
    drive.wait_saved(editor)
    editor.changes.undo()
    drive.wait_saved(editor)
    assert drive.field(editor, "school-priority").value() == ""
    assert shell.workspace.reviews.field_values(ctx.review.id)["school-priority"].value is None
    editor.changes.redo()
    drive.wait_saved(editor)
    assert drive.field(editor, "school-priority").value() == "Reading for pleasure"
    assert (
        shell.workspace.reviews.field_values(ctx.review.id)["school-priority"].value
        == "Reading for pleasure"
    )

    # Next steps with owner, due date and priority.
    actions_page = editor.show_page("__actions__")
    assert isinstance(actions_page, ActionsPage)
    due = date.today() + timedelta(days=30)
    actions_page.fill(
        "Share the Year 5 routine with the maths department",
        "Maths lead",
        due,
        Priority.HIGH,
        "climate-routines",
    )
    actions_page.add_button.click()
    actions_page.fill(
        "Plan adaptations for pupils with SEND in science", "SENCO", due, Priority.MEDIUM, None
    )
    actions_page.add_button.click()
    drive.wait_saved(editor)
    actions = shell.workspace.reviews.actions(ctx.review.id)
    assert [(a.owner, a.due, a.priority) for a in actions] == [
        ("Maths lead", due, Priority.HIGH),
        ("SENCO", due, Priority.MEDIUM),
    ]

    # The sign-off check lists every missing required item; Enter jumps to each to fill it.
    page = drive.sign_off_page(editor)
    missing = [page.missing_list.item(i).text() for i in range(page.missing_list.count())]
    assert any("Rooms visited" in m for m in missing)
    assert any("no judgement for “Positive relationships”" in m for m in missing)
    assert not page.ready_button.isEnabled()

    def answer(target: str, widget) -> object:
        if isinstance(widget, RatingControl):
            return 1
        return {"rooms-visited": 6, "agreed-with-leader": True}.get(
            target, f"Seen across the rooms ({target})."
        )

    filled = drive.complete_from_check(editor, answer)
    assert len(filled) >= 10
    drive.wait_saved(editor)
    page = drive.sign_off_page(editor)
    assert page.ready_button.isEnabled()
    page.ready_button.click()
    drive.wait_saved(editor)
    assert shell.workspace.reviews.get_review(ctx.review.id).state is ReviewState.READY_FOR_SIGN_OFF
    assert editor.state_chip.text() == "Ready for sign-off"

    # Signing is the reports helper's; here the lead signs through the store and the editor
    # shows the review locked.
    shell.workspace.reviews.set_state(ctx.review.id, ReviewState.SIGNED)
    editor.close()
    editor = drive.open(shell, visit)
    assert editor.ctx.review.state is ReviewState.SIGNED
    assert not editor.card("climate-routines").rating.isEnabled()
    assert not editor.evidence.capture.isEnabled()
    assert "Signed and locked" in editor.banner.text()

    # An amendment keeps the signed version intact and visible.
    signed_id = editor.ctx.review.id
    page = drive.sign_off_page(editor)
    assert page.amend_button.isVisible()
    editor.changes.start_amendment("The number of rooms visited was wrong.")
    qtbot.waitUntil(
        lambda: editor.ctx is not None and editor.ctx.review.amends == signed_id, timeout=10_000
    )
    drive.wait_loaded(editor)
    assert "Amendment of the review signed" in editor.banner.text()
    assert drive.field(editor, "rooms-visited").value() == 6
    drive.set_field(editor, "rooms-visited", 7)
    drive.wait_saved(editor)
    records = shell.workspace.reviews
    assert records.get_review(signed_id).state is ReviewState.SUPERSEDED
    assert records.field_values(editor.ctx.review.id)["rooms-visited"].value == 7
    signed = drive.open_signed = editor.open_signed_version()
    drive.wait_loaded(signed)
    assert signed.ctx.review.id == signed_id
    assert drive.field(signed, "rooms-visited").value() == 6
    assert not drive.field(signed, "rooms-visited").control.isEnabled()
    signed.close()
    editor.close()

    # The school's next learning walk: the open actions come back to be followed up.
    next_visit = drive.plan_next_visit(shell, visit)
    follow = drive.open(shell, next_visit)
    follow_page = follow.show_page("__follow_up__")
    assert isinstance(follow_page, FollowUpPage)
    texts = [row.action.text for row in follow_page.rows.values()]
    assert texts == [a.text for a in actions]
    first_row, second_row = follow_page.rows.values()
    assert "owner Maths lead" in first_row.findChildren(type(follow.banner))[1].text()
    first_row.outcome.setCurrentIndex(first_row.outcome.findData("met"))
    first_row.evidence.setFocus()
    qtbot.keyClicks(first_row.evidence, "Routine seen in all four maths rooms.")
    second_row.outcome.setCurrentIndex(second_row.outcome.findData("partly_met"))
    second_row.evidence.setFocus()
    qtbot.keyClicks(second_row.evidence, "Adaptations planned in Year 7 only.")
    drive.wait_saved(follow)
    recorded = records.follow_ups(follow.ctx.review.id)
    latest = {f.action_id: f for f in recorded}
    assert [latest[a.id].outcome for a in actions] == [
        FollowUpOutcome.MET,
        FollowUpOutcome.PARTLY_MET,
    ]
    assert latest[actions[1].id].evidence == "Adaptations planned in Year 7 only."
    assert not any(m.kind == "follow_up" for m in follow.progress.missing)
    # A third walk sees only the action not yet met.
    third = drive.plan_next_visit(shell, next_visit)
    assert [a.id for a in records.open_actions_before(third.id)] == [actions[1].id]
    assert isinstance(follow.pages.get("__follow_up__"), FollowUpPage)
    assert all(
        isinstance(p, SectionPage | FollowUpPage | ActionsPage) or p is not None
        for p in follow.pages.values()
    )
