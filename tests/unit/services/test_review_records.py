"""The review editor's service: capture, permissions, locking, amendments and open actions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from reviewer_app.domain.errors import (
    LockedError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import FollowUpOutcome, Priority, ReviewState, agreed_judgement
from reviewer_app.domain.visits import Visit, VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage import outbox
from reviewer_app.storage.errors import StaleWriteError
from support.fixture_trust import ALDER, open_fixture_workspace
from support.photos import photo_bytes

SNAPSHOT = "id: learning-walk\nversion: 1.0.0\n"


@pytest.fixture
def workspace(paths: AppPaths) -> Iterator[Workspace]:
    ws = open_fixture_workspace(paths)
    yield ws
    ws.close()


def _led_visits(ws: Workspace, school_name: str) -> list[Visit]:
    """Visits at the school that the current person leads, oldest first."""
    school = ws.list_schools(school_name)[0]
    visits = [
        v
        for v in ws.visits_for_school(school.id)
        if v.lead.person_id == ws.current_person.id and v.status is not VisitStatus.CANCELLED
    ]
    return sorted(visits, key=lambda v: v.start)


def _start(ws: Workspace, visit: Visit) -> Any:
    return ws.reviews.start_review(
        visit.id, framework_id=visit.framework_id, framework_version="1.0.0",
        framework_hash="cd" * 32, framework_snapshot=SNAPSHOT,
    )  # fmt: skip


def _pending(ws: Workspace) -> list[outbox.OutboxOp]:
    with ws.store.reading() as session:
        return outbox.pending_ops(session)


def test_capture_a_visit(workspace: Workspace) -> None:
    visit = _led_visits(workspace, ALDER)[-1]
    review = _start(workspace, visit)
    assert _start(workspace, visit) == review  # one current review per visit
    assert workspace.reviews.review_for_visit(visit.id) == review
    assert workspace.reviews.framework_snapshot(review.id) == SNAPSHOT

    photo = workspace.reviews.add_attachment(
        review.id, "display.jpg", "image/jpeg", photo_bytes("display")
    )
    note = workspace.reviews.add_note(
        review.id, "Phonics display used by pupils", criterion_ids=("reading.phonics",),
        tags={"year_group": "Reception"}, attachment_ids=(photo.id,), pupil_refs=("P-3",),
    )  # fmt: skip
    fixed = workspace.reviews.add_note(review.id, "Phonics display well used", supersedes=note.id)
    assert workspace.reviews.notes(review.id) == [fixed]
    assert len(workspace.reviews.notes(review.id, include_history=True)) == 2
    workspace.reviews.retract_note(review.id, fixed.id)
    assert workspace.reviews.notes(review.id) == []
    assert workspace.reviews.attachment_data(photo) == photo_bytes("display")

    workspace.reviews.propose_judgement(review.id, "reading.phonics", "secure", "Consistent")
    agreed = workspace.reviews.agree_judgement(review.id, "reading.phonics", "strong")
    assert agreed_judgement(workspace.reviews.judgements(review.id), "reading.phonics") == agreed
    assert workspace.reviews.may_agree(review.id)

    first = workspace.reviews.set_field(review.id, "strengths", "Early reading")
    workspace.reviews.set_field(review.id, "strengths", "Early reading and oracy",
                                expected_version=first.version)  # fmt: skip
    with pytest.raises(StaleWriteError):
        workspace.reviews.set_field(review.id, "strengths", "x", expected_version=first.version)
    assert workspace.reviews.field_values(review.id)["strengths"].value == "Early reading and oracy"

    action = workspace.reviews.add_action(
        review.id, "Extend phonics tracking to Year 2", owner="English lead",
        due=date.today() + timedelta(days=42), priority=Priority.HIGH,
    )  # fmt: skip
    assert workspace.reviews.actions(review.id) == [action]
    assert action.school_id == visit.school_id
    fields = {op.field for op in _pending(workspace) if op.entity is Entity.FIELD_VALUE}
    assert fields == {"strengths"}  # queued for the server
    kinds = [op.kind.value for op in _pending(workspace)]
    assert kinds.count("append") >= 6
    assert "retract" in kinds
    assert "set" in kinds


def test_open_actions_are_followed_up_at_later_visits(workspace: Workspace) -> None:
    earlier, later, after = _led_visits(workspace, ALDER)[-3:]
    first_review = _start(workspace, earlier)
    kept = workspace.reviews.add_action(first_review.id, "Reading audit", owner="Head", due=None)
    met = workspace.reviews.add_action(first_review.id, "Update SEF", owner="Head", due=None)
    dropped = workspace.reviews.add_action(first_review.id, "Typo", owner="Head", due=None)
    workspace.reviews.retract_action(first_review.id, dropped.id)

    second_review = _start(workspace, later)
    assert {a.id for a in workspace.reviews.open_actions_before(later.id)} == {kept.id, met.id}
    assert workspace.reviews.open_actions_before(earlier.id) == []  # its own actions don't count
    workspace.reviews.record_follow_up(second_review.id, met.id, FollowUpOutcome.MET, "Seen")
    workspace.reviews.record_follow_up(second_review.id, kept.id, FollowUpOutcome.PARTLY_MET, "")
    # The visit that marked it met still lists it (to read or correct); later visits do not.
    assert {a.id for a in workspace.reviews.open_actions_before(later.id)} == {kept.id, met.id}
    assert [a.id for a in workspace.reviews.open_actions_before(after.id)] == [kept.id]
    assert len(workspace.reviews.follow_ups(second_review.id)) == 2
    with pytest.raises(ValidationError):
        workspace.reviews.record_follow_up(first_review.id, kept.id, FollowUpOutcome.MET, "")


def test_only_the_team_writes_and_only_the_lead_agrees_and_signs(workspace: Workspace) -> None:
    me = workspace.current_person.id
    school = workspace.list_schools(ALDER)[0]
    visits = workspace.visits_for_school(school.id)
    not_mine = next(v for v in visits if not v.is_team_member(me))
    with pytest.raises(PermissionDeniedError):
        _start(workspace, not_mine)
    led = _led_visits(workspace, ALDER)[-1]
    review = _start(workspace, led)
    # Hand the lead to a colleague: I may still write as a peer, but not agree or sign.
    peer = next(p for p in workspace.list_people() if p.has_role(Role.LEAD_REVIEWER) and p.id != me)
    from dataclasses import replace

    from reviewer_app.domain.visits import VisitReviewer

    workspace.save_visit(replace(led, reviewers=(
        VisitReviewer(peer.id, Role.LEAD_REVIEWER), VisitReviewer(me, Role.PEER_REVIEWER),
    )))  # fmt: skip
    workspace.reviews.add_note(review.id, "Still allowed as a peer")
    with pytest.raises(PermissionDeniedError):
        workspace.reviews.agree_judgement(review.id, "c1", "secure")
    with pytest.raises(PermissionDeniedError):
        workspace.reviews.set_state(review.id, ReviewState.SIGNED)
    assert not workspace.reviews.may_agree(review.id)


def test_signed_review_is_locked_and_amended(workspace: Workspace) -> None:
    visit = _led_visits(workspace, ALDER)[-1]
    review = _start(workspace, visit)
    workspace.reviews.add_note(review.id, "Before signing")
    assert workspace.reviews.set_state(review.id, ReviewState.SIGNED).state is ReviewState.SIGNED
    with pytest.raises(LockedError):
        workspace.reviews.add_note(review.id, "After signing")
    with pytest.raises(ValidationError):
        workspace.reviews.start_amendment(review.id, "   ")
    amendment = workspace.reviews.start_amendment(review.id, "Wrong year group on one note")
    assert amendment.amends == review.id
    assert workspace.reviews.get_review(review.id).state is ReviewState.SUPERSEDED
    assert workspace.reviews.review_for_visit(visit.id) == amendment
    assert workspace.reviews.framework_snapshot(amendment.id) == SNAPSHOT
    assert [r.id for r in workspace.reviews.reviews_for_visit(visit.id)] == [
        review.id,
        amendment.id,
    ]
    workspace.reviews.add_note(amendment.id, "Corrected")


def test_bad_input_is_refused_with_a_sentence(workspace: Workspace) -> None:
    visit = _led_visits(workspace, ALDER)[-1]
    review = _start(workspace, visit)
    with pytest.raises(ValidationError):
        workspace.reviews.add_note(review.id, "   ")
    with pytest.raises(ValidationError, match="empty"):
        workspace.reviews.add_attachment(review.id, "blank.png", "image/png", b"")
    whole = photo_bytes("corridor display")
    with pytest.raises(ValidationError, match=r"^corridor\.jpg is not a photo Reviewer can show"):
        workspace.reviews.add_attachment(review.id, "corridor.jpg", "image/jpeg", whole[:-400])
    with pytest.raises(ValidationError, match=r"^notes\.png is not a photo"):
        workspace.reviews.add_attachment(review.id, "notes.png", "image/png", b"plain text")
    # A file that is no JPEG or PNG is kept as a file, never drawn in a report.
    workspace.reviews.add_attachment(review.id, "phone.heic", "image/heic", b"ftypheic...")
    with pytest.raises(NotFoundError):
        workspace.reviews.add_note(review.id, "x", attachment_ids=("nope",))
    with pytest.raises(NotFoundError):
        workspace.reviews.get_review("nope")
    cancelled = next(
        v
        for s in workspace.list_schools()
        for v in workspace.visits_for_school(s.id)
        if v.status is VisitStatus.CANCELLED
    )
    with pytest.raises(ValidationError, match="cancelled"):
        _start(workspace, cancelled)
    assert len(_pending(workspace)) == 2  # the review itself and the HEIC file


def test_an_action_is_withdrawn_only_by_its_author_or_the_lead(workspace: Workspace) -> None:
    # The trust server refuses any other withdrawal; refusing it here too means a peer is told
    # at once, rather than seeing the action vanish and come back as "needs attention".
    from dataclasses import replace

    from reviewer_app.domain.visits import VisitReviewer
    from reviewer_app.services.review_records import ReviewRecords

    me = workspace.current_person.id
    led = _led_visits(workspace, ALDER)[-1]
    review = _start(workspace, led)
    colleague = next(
        p for p in workspace.list_people() if p.has_role(Role.LEAD_REVIEWER) and p.id != me
    )
    workspace.save_visit(replace(led, reviewers=(
        VisitReviewer(colleague.id, Role.LEAD_REVIEWER), VisitReviewer(me, Role.PEER_REVIEWER),
    )))  # fmt: skip
    as_lead = ReviewRecords(workspace.store, workspace.lane, lambda: colleague)
    theirs = as_lead.add_action(review.id, "Reading audit", owner="Head", due=None)
    mine = workspace.reviews.add_action(review.id, "Update the SEF", owner="Head", due=None)

    with pytest.raises(PermissionDeniedError, match="who added this action"):
        workspace.reviews.retract_action(review.id, theirs.id)
    assert {a.id for a in workspace.reviews.actions(review.id)} == {theirs.id, mine.id}
    workspace.reviews.retract_action(review.id, mine.id)  # my own
    as_lead.retract_action(review.id, theirs.id)  # the lead's own
    again = workspace.reviews.add_action(review.id, "Share the plan", owner="Head", due=None)
    as_lead.retract_action(review.id, again.id)  # the lead may withdraw anyone's
    assert workspace.reviews.actions(review.id) == []
