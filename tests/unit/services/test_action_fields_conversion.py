"""Reviews begun on version 1 of the safeguarding audit held each criterion's action as three
fields; when the store opens (the upgrade), those written by this laptop's person become
actions on their criteria, once: the fields stay as they were, a second opening adds nothing,
another person's fields wait for their laptop, and a signed review is left as signed."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from reviewer_app.domain.action_fields import converted_action_id
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import Priority, ReviewState
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.paths import AppPaths
from reviewer_app.services.review_records import ReviewRecords
from reviewer_app.storage.outbox import pending_ops
from support.fixture_trust import (
    SAFEGUARDING_LEAD,
    SAFEGUARDING_PEER,
    WILLOW,
    open_fixture_workspace,
)
from support.identity import act_as

SCHOOL = WILLOW


def _start_on_version_1(workspace, person_name: str):
    school = next(s for s in workspace.list_schools() if s.name == SCHOOL)
    visit = next(
        v
        for v in workspace.visits_for_school(school.id)
        if v.framework_id == "safeguarding-audit" and v.status is VisitStatus.PLANNED
    )
    framework = workspace.library().get("safeguarding-audit", "1")
    review = workspace.reviews.start_review(
        visit.id,
        framework_id=framework.id,
        framework_version=framework.version,
        framework_hash=framework.content_hash,
        framework_snapshot=json.dumps(framework.to_snapshot(), ensure_ascii=False),
    )
    return visit, review


def _as(workspace, name: str) -> ReviewRecords:
    person = next(p for p in workspace.list_people() if p.name == name)
    return ReviewRecords(workspace.store, workspace.lane, lambda: person)


def test_action_fields_on_version_1_become_actions_once(data_dir: Path) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    workspace = open_fixture_workspace(paths)
    lead = next(p for p in workspace.list_people() if p.name == SAFEGUARDING_LEAD)
    act_as(workspace, lead)
    visit, review = _start_on_version_1(workspace, SAFEGUARDING_LEAD)
    assert review.framework_version == "1"
    records = workspace.reviews
    records.agree_judgement(review.id, "fm-review", "not_met")
    records.set_field(review.id, "fm-review.action", "Record the annual filtering review.")
    records.set_field(review.id, "fm-review.owner", "DSL")
    records.set_field(review.id, "fm-review.due", "2027-01-15")
    records.set_field(review.id, "site-security.action", "Badge every visitor at reception.")
    # The colleague's action on another criterion is hers to send: her laptop converts it.
    _as(workspace, SAFEGUARDING_PEER).set_field(
        review.id, "third-parties.action", "Hold agency confirmations."
    )
    fields_before = {k: v.value for k, v in records.field_values(review.id).items()}
    assert records.actions(review.id) == []
    workspace.close()

    workspace = open_fixture_workspace(paths)  # the upgrade: the store opens
    try:
        actions = {a.criterion_id: a for a in workspace.reviews.actions(review.id)}
        assert set(actions) == {"fm-review", "site-security"}
        filtering = actions["fm-review"]
        assert filtering.id == converted_action_id(review.id, "fm-review")
        assert (filtering.text, filtering.owner, filtering.due) == (
            "Record the annual filtering review.",
            "DSL",
            date(2027, 1, 15),
        )
        assert filtering.priority is Priority.HIGH  # agreed not met
        assert filtering.created_by == lead.id
        assert filtering.school_id == visit.school_id
        site = actions["site-security"]
        assert (site.owner, site.due, site.priority) == ("", None, Priority.MEDIUM)
        # Nothing lost: the fields are as they were.
        after = {k: v.value for k, v in workspace.reviews.field_values(review.id).items()}
        assert after == fields_before
        # The actions travel through the outbox like any action added in the editor.
        with workspace.store.reading() as session:
            queued = {op.entity_id for op in pending_ops(session) if op.entity is Entity.ACTION}
        assert queued >= {filtering.id, site.id}
        assert workspace.reviews.convert_action_fields() == []
        # They come back at the school's next audit to be followed up, as any action does.
        later = visit.start + timedelta(days=90)
        next_visit = workspace.save_visit(
            replace(visit, id=new_id(), planned_start=later, planned_end=later, actual_start=None)
        )
        open_ids = {a.id for a in workspace.reviews.open_actions_before(next_visit.id)}
        assert open_ids >= {filtering.id, site.id}
    finally:
        workspace.close()

    workspace = open_fixture_workspace(paths)  # opened again: nothing added twice
    try:
        assert len(workspace.reviews.actions(review.id)) == 2
        aisha = next(p for p in workspace.list_people() if p.name == SAFEGUARDING_PEER)
        act_as(workspace, aisha)
        added = workspace.reviews.convert_action_fields()  # the colleague's laptop
        assert [(a.criterion_id, a.created_by) for a in added] == [("third-parties", aisha.id)]
    finally:
        workspace.close()


def test_a_signed_review_on_version_1_keeps_its_fields_as_signed(data_dir: Path) -> None:
    paths = AppPaths.from_base(data_dir).ensure()
    workspace = open_fixture_workspace(paths)
    lead = next(p for p in workspace.list_people() if p.name == SAFEGUARDING_LEAD)
    act_as(workspace, lead)
    _visit, review = _start_on_version_1(workspace, SAFEGUARDING_LEAD)
    workspace.reviews.set_field(review.id, "fm-review.action", "Record the filtering review.")
    workspace.reviews.set_state(review.id, ReviewState.SIGNED)
    assert workspace.reviews.convert_action_fields() == []
    assert workspace.reviews.actions(review.id) == []
    workspace.close()
