"""What a review holds on the server, as its report needs it
(:class:`~reviewer_app.reports.review_report.ReviewContent`): read from the records and shared
answers its laptops pushed, in the shapes the shared record schema reads
(:mod:`reviewer_app.domain.record_schema`). The demo's signed reports are built from it
(:mod:`.demo_reports`), with the report builder the laptops use.
"""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.errors import NotFoundError
from reviewer_app.domain.frameworks import load_library
from reviewer_app.domain.organisation import Person, Phase, Role, School
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.record_schema import (
    ActionFollowUpRecord,
    ActionRecord,
    EvidenceNoteRecord,
    JudgementRecord,
    ReviewStart,
    framework_of_snapshot,
)
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    EvidenceNote,
    FieldValue,
    Review,
    ReviewState,
    current_notes,
)
from reviewer_app.domain.visits import Visit, VisitReviewer, VisitStatus
from reviewer_app.reports.review_report import ReviewContent, branding_for
from reviewer_app.server import models

#: The trust profile whose colours and logo the demo's reports carry (the desktop demo's).
DEMO_PROFILE = "four-tier-trust"


def _payload(record: models.Record) -> dict[str, Any]:
    payload = record.payload
    if isinstance(payload, str):
        payload = json.loads(payload)
    return payload if isinstance(payload, dict) else {}


def review_content(session: Session, review_id: str) -> ReviewContent:
    """The review's content as its signed reports show it (:class:`NotFoundError` when the
    server holds no such review, or not its framework text)."""
    row = session.get(models.Review, review_id)
    records = session.exec(
        select(models.Record)
        .where(models.Record.review_id == review_id, models.Record.retracted == False)  # noqa: E712
        .order_by(col(models.Record.server_seq))
    ).all()
    by_entity: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_entity.setdefault(record.entity, []).append(_payload(record))
    starts = by_entity.get(Entity.REVIEW.value, [])
    if row is None or not starts:
        raise NotFoundError(f"The server holds no review {review_id} with its framework.")
    start = ReviewStart.model_validate(starts[0])
    framework = framework_of_snapshot(start.framework_snapshot)
    if framework is None:
        raise NotFoundError(f"The framework text of review {review_id} cannot be read.")
    review = Review(**{**dict(start.review), "state": ReviewState.SIGNED})
    visit_row = session.get(models.Visit, row.visit_id)
    assert visit_row is not None
    school_row = session.get(models.School, visit_row.school_id)
    assert school_row is not None
    trust = session.get(models.Trust, school_row.trust_id)
    assert trust is not None
    team = session.exec(
        select(models.VisitReviewer)
        .where(models.VisitReviewer.visit_id == visit_row.id)
        .order_by(col(models.VisitReviewer.role) != Role.LEAD_REVIEWER.value)
    ).all()
    visit = Visit(
        id=visit_row.id,
        school_id=visit_row.school_id,
        framework_id=visit_row.framework_id,
        planned_start=visit_row.planned_start,
        planned_end=visit_row.planned_end,
        reviewers=tuple(VisitReviewer(m.person_id, Role(m.role)) for m in team),
        status=VisitStatus.SIGNED,
        actual_start=visit_row.planned_start,
        actual_end=visit_row.planned_end,
    )
    school = School(
        id=school_row.id,
        trust_id=school_row.trust_id,
        urn=school_row.urn,
        name=school_row.name,
        phase=Phase(school_row.phase),
        local_authority=school_row.local_authority,
    )
    follow_ups = [
        ActionFollowUpRecord.model_validate(p).to_domain()
        for p in by_entity.get(Entity.ACTION_FOLLOW_UP.value, [])
    ]
    return ReviewContent(
        review=review,
        visit=visit,
        school=school,
        framework=framework,
        trust_name=trust.name,
        branding=branding_for(trust.name, _profile()),
        people=_people(session, school_row.trust_id),
        field_values=_field_values(session, review_id),
        judgements=[
            JudgementRecord.model_validate(p).to_domain()
            for p in by_entity.get(Entity.JUDGEMENT.value, [])
        ],
        notes=_notes(by_entity.get(Entity.EVIDENCE_NOTE.value, [])),
        actions=_actions(by_entity.get(Entity.ACTION.value, [])),
        follow_ups=follow_ups,
        followed=_followed(session, follow_ups),
    )


def _profile() -> Any:
    from reviewer_app.paths import frameworks_dir

    try:
        return load_library(frameworks_dir()).profile(DEMO_PROFILE)
    except KeyError:
        return None


def _people(session: Session, trust_id: str) -> dict[str, Person]:
    roles: dict[str, set[Role]] = {}
    for person_id, role in session.exec(
        select(models.PersonRole.person_id, models.PersonRole.role)
    ).all():
        if role in Role._value2member_map_:
            roles.setdefault(person_id, set()).add(Role(role))
    return {
        p.id: Person(p.id, p.trust_id, p.name, p.email, frozenset(roles.get(p.id, ())))
        for p in session.exec(select(models.Person).where(models.Person.trust_id == trust_id))
    }


def _field_values(session: Session, review_id: str) -> dict[str, FieldValue]:
    rows = session.exec(
        select(models.FieldState).where(
            models.FieldState.review_id == review_id,
            models.FieldState.entity == Entity.FIELD_VALUE.value,
        )
    ).all()
    return {
        row.field: FieldValue(
            review_id=review_id,
            field_id=row.field,
            value=row.value,
            version=row.version,
            author_id=row.author_id,
            updated_at=row.device_time,  # type: ignore[arg-type]
        )
        for row in rows
    }


def _notes(payloads: list[dict[str, Any]]) -> list[EvidenceNote]:
    return current_notes(EvidenceNoteRecord.model_validate(p).to_domain() for p in payloads)


def _actions(payloads: list[dict[str, Any]]) -> list[Action]:
    actions = [ActionRecord.model_validate(p).to_domain() for p in payloads]
    return sorted((a for a in actions if not a.retracted), key=lambda a: (a.created_at, a.id))


def _followed(session: Session, follow_ups: list[ActionFollowUp]) -> dict[str, Action]:
    """The earlier actions the follow-ups are about (in the school's earlier reviews)."""
    ids = {f.action_id for f in follow_ups}
    if not ids:
        return {}
    rows = session.exec(
        select(models.Record).where(
            models.Record.entity == Entity.ACTION.value, col(models.Record.entity_id).in_(ids)
        )
    ).all()
    actions = (ActionRecord.model_validate(_payload(r)).to_domain() for r in rows)
    return {a.id: a for a in actions}
