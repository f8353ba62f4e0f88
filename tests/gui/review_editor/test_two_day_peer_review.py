"""A complete two-day peer review through the generated editor with a team of three: school
facts decide the early years and sixth form areas, role decides the record sample, everyone's
proposals and notes show their author, the lead agrees each judgement, the day plan table, tagged
evidence and a photo, next steps, the sign-off check, an amendment and the follow-up."""

from __future__ import annotations

from datetime import date, timedelta

from reviewer_app.domain.review import FollowUpOutcome, Priority, ReviewState
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.gui.review_editor.actions_page import ActionsPage, FollowUpPage
from reviewer_app.gui.review_editor.criterion_card import RatingControl
from support.fixture_trust import CEDAR, LEAD, PEER, SECOND_PEER

SCHOOL = CEDAR


def shown_sections(editor) -> list[str]:
    return [
        editor.nav_keys[i] for i in range(editor.nav.count()) if not editor.nav.item(i).isHidden()
    ]


def test_a_complete_two_day_peer_review_through_the_generated_editor(drive, photo, qtbot) -> None:
    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "two-day-peer-review", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    ctx = editor.ctx
    records = shell.workspace.reviews
    assert visit.lead.person_id == ctx.me.id

    # School facts: a secondary with a sixth form and no early years.
    sections = shown_sections(editor)
    assert "area-sixth-form" in sections
    assert "area-early-years" not in sections
    # The single central record sample is for safeguarding leads only.
    editor.card("safeguarding")
    assert "scr-sample" not in editor.progress.visibility.criteria

    # The scale's colours and labels, with the not-an-Ofsted-grade note.
    card = editor.go_to_criterion("inclusion")
    assert [b.text() for b in card.rating.buttons.values()] == [
        "1  Urgent improvement",
        "2  Needs attention",
        "3  Expected standard",
        "4  Strong standard",
        "5  Exceptional",
    ]
    assert "#3C9A5F" in card.rating.buttons["expected_standard"].styleSheet()
    assert any(
        "not an Ofsted grade" in label.text() for label in card.findChildren(type(editor.banner))
    )

    # The team: two peer reviewers propose and capture notes on their laptops (synced here).
    priya = drive.records_as(shell, PEER)
    tom = drive.records_as(shell, SECOND_PEER)
    priya.propose_judgement(ctx.review.id, "inclusion", "strong_standard")
    tom.propose_judgement(ctx.review.id, "inclusion", "expected_standard")
    tom.add_note(
        ctx.review.id,
        "SENCO tracks every pupil on the SEND register",
        criterion_ids=("inclusion",),
        tags={"day": "Day 1", "area": "Inclusion"},
    )
    editor.load()
    drive.wait_loaded(editor, after=ctx)
    ctx = editor.ctx
    drive.activate(editor)
    card = editor.go_to_criterion("inclusion")
    assert f"{PEER}</b>: Strong standard" in card.proposals.text()
    assert f"{SECOND_PEER}</b>: Expected standard" in card.proposals.text()
    editor.show_evidence_for("inclusion")
    assert editor.evidence.filter.rowCount() == 1
    assert SECOND_PEER in editor.notes_model.meta(editor.notes_model.notes()[0])
    drive.rate(editor, "inclusion", 3)  # the lead's own view
    drive.rate(editor, "inclusion", 4, agreed=True)  # the agreed judgement
    drive.wait_saved(editor)
    agreed = [j for j in records.judgements(ctx.review.id) if j.agreed]
    assert [(j.criterion_id, j.level_key, j.author_id) for j in agreed] == [
        ("inclusion", "strong_standard", ctx.me.id)
    ]

    # The day plan table and the documents received.
    drive.set_field(
        editor,
        "day-plan",
        [
            {
                "day": "day-1",
                "time": "08:45",
                "activity": "Meeting with the headteacher",
                "area": "leadership-and-governance",
            },
            {
                "day": "day-1",
                "time": "10:00",
                "activity": "Learning walk with the SENCO",
                "area": "inclusion",
            },
            {
                "day": "day-2",
                "time": "09:00",
                "activity": "Work review with subject leaders",
                "area": "curriculum-and-teaching",
            },
        ],
    )
    drive.set_field(editor, "documents-received", ["improvement-plan", "timetable"])
    drive.wait_saved(editor)
    plan = records.field_values(ctx.review.id)["day-plan"].value
    assert [(r["day"], r["time"], r["activity"]) for r in plan][1] == (
        "day-1",
        "10:00",
        "Learning walk with the SENCO",
    )
    assert records.field_values(ctx.review.id)["documents-received"].value == [
        "improvement-plan",
        "timetable",
    ]

    # Evidence captured by the lead, tagged by day and area, with a photo.
    drive.capture(editor, "Year 12 students explain their study plans #day-2 #sixth @sixth-form")
    drive.drop(editor, [photo("library.png", "#1F5FAD")])
    drive.wait_saved(editor)
    drive.capture(editor, "Library used well at lunch #day-2 @personal-development-and-wellbeing")
    drive.wait_saved(editor)
    mine = {n.text: n for n in records.notes(ctx.review.id) if n.author_id == ctx.me.id}
    assert dict(mine["Year 12 students explain their study plans"].tags) == {
        "day": "Day 2",
        "area": "Sixth form",
    }
    assert len(mine["Library used well at lunch"].attachment_ids) == 1

    # Agreed next steps.
    page = editor.show_page("__actions__")
    assert isinstance(page, ActionsPage)
    page.fill(
        "Share the SEND tracking approach with partner schools",
        "SENCO",
        date.today() + timedelta(days=60),
        Priority.LOW,
        "inclusion",
    )
    page.add_button.click()
    drive.wait_saved(editor)
    action = records.actions(ctx.review.id)[0]

    # Everything else from the sign-off check.
    def answer(target: str, widget) -> object:
        if isinstance(widget, RatingControl):
            return min(3, len(widget.scale.levels))
        return {
            "feedback-agreed": True,
            "report-sharing": "school-and-trust",
            "safeguarding.child-concern-passed-on": False,
            "child-concern-passed-on": False,
        }.get(target, f"Agreed by the team ({target}).")

    filled = drive.complete_from_check(editor, answer)
    assert any("Sixth form" in m for m in filled)
    assert not any("Early years" in m for m in filled)
    drive.wait_saved(editor)
    page = drive.sign_off_page(editor)
    page.ready_button.click()
    drive.wait_saved(editor)
    assert records.get_review(ctx.review.id).state is ReviewState.READY_FOR_SIGN_OFF

    # Signed, then amended by the lead; the signed version opens read-only beside it.
    records.set_state(ctx.review.id, ReviewState.SIGNED)
    editor.close()
    editor = drive.open(shell, visit)
    assert not editor.card("inclusion").agreed.isEnabled()
    editor.changes.start_amendment("The sixth form view was agreed after the feedback meeting.")
    qtbot.waitUntil(
        lambda: editor.ctx is not None and editor.ctx.review.amends == ctx.review.id, timeout=10_000
    )
    drive.wait_loaded(editor)
    assert editor.card("inclusion").agreed.level() == "strong_standard"
    drive.rate(editor, "sixth-form", 4, agreed=True)
    drive.wait_saved(editor)
    signed = editor.open_signed_version()
    drive.wait_loaded(signed)
    assert signed.card("sixth-form").agreed.level() == "expected_standard"
    assert editor.card("sixth-form").agreed.level() == "strong_standard"
    signed.close()
    editor.close()

    # The next peer review: the open step is followed up.
    next_visit = drive.plan_next_visit(shell, visit, days_later=365)
    follow = drive.open(shell, next_visit)
    follow_page = follow.show_page("__follow_up__")
    assert isinstance(follow_page, FollowUpPage)
    row = follow_page.rows[action.id]
    row.outcome.setCurrentIndex(row.outcome.findData(FollowUpOutcome.MET.value))
    row.evidence.setFocus()
    qtbot.keyClicks(row.evidence, "Approach shared at the trust SEND network in March.")
    drive.wait_saved(follow)
    assert records.open_actions_before(drive.plan_next_visit(shell, next_visit).id) == []


def test_wording_caveats_are_on_screen_with_the_parts_they_are_about(drive) -> None:
    from PySide6.QtWidgets import QLabel

    shell = drive.start(LEAD)
    visit = drive.visit(shell, SCHOOL, "two-day-peer-review", status=VisitStatus.PLANNED)
    editor = drive.open(shell, visit)
    assert editor.ctx.framework.version == "3"
    notice = editor.findChild(QLabel, "frameworkNotice")
    assert "Wording to confirm: The area prompts and look-fors paraphrase" in notice.text()
    card = editor.go_to_criterion("achievement")
    page = card.parentWidget()
    while page is not None and not page.objectName().startswith("section:"):
        page = page.parentWidget()
    assert page is not None
    assert page.objectName() == "section:area-achievement"
    caveat = page.findChild(QLabel, "sectionCaveat")
    assert caveat is not None
    assert caveat.isVisibleTo(page)
    assert caveat.text().startswith("Wording to confirm: No reliable quotation")
    inclusion = editor.go_to_criterion("inclusion").parentWidget()
    while not inclusion.objectName().startswith("section:"):
        inclusion = inclusion.parentWidget()
    assert inclusion.findChild(QLabel, "sectionCaveat") is None
