"""Visits planned or changed on laptops: accepted or refused, exactly once.

Who may send a visit for a school (the rule the New visit dialog shows before capture):

* a **trust admin** of the school's trust;
* a **lead reviewer** or **improvement partner** assigned to the school.

Anyone else is refused with a reason that says what to do. The visit itself must hold together
on the server as it did on the laptop: a framework the trust uses, team members of the school's
trust who are assigned to the school (their laptops receive the visit only then; a trust admin's
visit assigns them, as the console offers to), a lead reviewer, and, for a safeguarding
framework, a lead and a team who hold the safeguarding lead role. A changed visit keeps its
school, and keeps its framework once its review has started; a signed visit never changes.

Every answer except a replay is stored in ``applied_visit_op``: sending an ``op_id`` again
returns the stored answer and changes nothing; the same ``op_id`` with other content is refused.
Team members' laptops receive accepted visits with the handshake (``HandshakeResponse.visits``).
"""

from __future__ import annotations

import logging
from typing import Any

from sqlmodel import Session, col, select

from reviewer_app.domain.organisation import SAFEGUARDING_ROLES, Role
from reviewer_app.server import audit, models
from reviewer_app.server.access import roles_of
from reviewer_app.server.audit import Actor
from reviewer_app.server.enrolment import Caller
from reviewer_app.server.school_op_push import SchoolOpPush, rejected
from reviewer_app.sync.protocol import (
    Colleague,
    OpResult,
    PlannableSchool,
    RejectReason,
    ResultStatus,
    VisitOperation,
    VisitPushRequest,
    VisitPushResponse,
    VisitRecord,
)

log = logging.getLogger(__name__)

#: Roles that may plan visits for the schools they are assigned to.
PLANNING_ROLES = frozenset({Role.LEAD_REVIEWER, Role.IMPROVEMENT_PARTNER})


class VisitRefusedError(Exception):
    """A visit the server will not take, with the reason (``RejectReason``) and what to do."""

    def __init__(self, reason: RejectReason, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def may_plan_for(session: Session, person: models.Person, school: models.School) -> str | None:
    """None when ``person`` may plan visits for ``school``; otherwise why not (a sentence)."""
    if not person.active:
        return f"{person.name} has left the trust, so cannot plan visits."
    roles = roles_of(session, person.id)
    if Role.TRUST_ADMIN in roles and person.trust_id == school.trust_id:
        return None
    assigned = session.get(models.Assignment, (person.id, school.id)) is not None
    if not assigned:
        return (
            f"You are not assigned to {school.name}, so you cannot plan its visits; ask your "
            "trust admin to assign you, or to plan the visit on the trust console."
        )
    if not roles & PLANNING_ROLES:
        return (
            f"Only a lead reviewer or improvement partner assigned to {school.name} (or a trust "
            "admin) can plan its visits; ask your lead reviewer or trust admin to plan it."
        )
    return None


def check_visit(
    session: Session, person: models.Person, record: VisitRecord
) -> tuple[models.School, list[models.Person]]:
    """The school and the team members that are not yet assigned to it (a trust admin's visit
    assigns them); raises :class:`VisitRefusedError` with the reason otherwise."""
    school = session.get(models.School, record.school_id)
    admin = Role.TRUST_ADMIN in roles_of(session, person.id)
    if school is None or (
        session.get(models.Assignment, (person.id, school.id)) is None
        and not (admin and person.trust_id == school.trust_id)
    ):
        # The same answer for "absent" and "not yours": existence is not disclosed.
        raise VisitRefusedError(
            RejectReason.NOT_ALLOWED,
            f"There is no school {record.school_id} that you review, so the visit was not "
            "recorded; ask your trust admin to assign you to the school.",
        )
    problem = may_plan_for(session, person, school)
    if problem is not None:
        raise VisitRefusedError(RejectReason.NOT_ALLOWED, problem)
    framework = session.get(models.Framework, record.framework_id)
    if framework is None:
        raise VisitRefusedError(
            RejectReason.INVALID_PAYLOAD,
            f"The trust server does not know the framework '{record.framework_id}'; ask your "
            "trust admin to add it, or plan the visit with a framework the trust uses.",
        )
    leads = [m for m in record.team if m.role == Role.LEAD_REVIEWER.value]
    if not leads:
        raise VisitRefusedError(
            RejectReason.INVALID_PAYLOAD,
            "The visit has no lead reviewer; open it, make someone on the team its lead, and save.",
        )
    unassigned: list[models.Person] = []
    for member in record.team:
        teammate = session.get(models.Person, member.person_id)
        if teammate is None or teammate.trust_id != school.trust_id or not teammate.active:
            raise VisitRefusedError(
                RejectReason.INVALID_PAYLOAD,
                f"Someone on the team ({member.person_id}) is not a reviewer of this trust; take "
                "them off the team.",
            )
        member_roles = roles_of(session, teammate.id)
        if framework.safeguarding and not member_roles & SAFEGUARDING_ROLES:
            what = "lead" if member.role == Role.LEAD_REVIEWER.value else "team member"
            raise VisitRefusedError(
                RejectReason.NOT_ALLOWED,
                f"A {framework.title or framework.id} needs a designated safeguarding lead as its "
                f"lead and on every place of its team; {teammate.name} (the {what}) is not one.",
            )
        if member.role == Role.SAFEGUARDING_LEAD.value and not member_roles & SAFEGUARDING_ROLES:
            raise VisitRefusedError(
                RejectReason.INVALID_PAYLOAD,
                f"{teammate.name} is not a designated safeguarding lead, so cannot take that role "
                "on the visit.",
            )
        if session.get(models.Assignment, (teammate.id, school.id)) is None:
            unassigned.append(teammate)
    if unassigned and not admin:
        names = ", ".join(p.name for p in unassigned)
        raise VisitRefusedError(
            RejectReason.NOT_ALLOWED,
            f"{names} {'is' if len(unassigned) == 1 else 'are'} not assigned to {school.name}, so "
            "their laptops could not receive the visit; ask your trust admin to assign them, "
            "then save the visit again.",
        )
    return school, unassigned


def plannable_schools(session: Session, person: models.Person) -> list[PlannableSchool]:
    """The schools ``person`` may plan visits for (:func:`may_plan_for`), by name: every school
    of the trust for a trust admin, the assigned ones for a lead reviewer or improvement
    partner, none for anyone else."""
    if not person.active:
        return []
    roles = roles_of(session, person.id)
    query = select(models.School).order_by(col(models.School.name), col(models.School.id))
    if Role.TRUST_ADMIN in roles:
        query = query.where(models.School.trust_id == person.trust_id)
    elif roles & PLANNING_ROLES:
        query = query.join(
            models.Assignment, col(models.Assignment.school_id) == col(models.School.id)
        ).where(models.Assignment.person_id == person.id)
    else:
        return []
    return [
        PlannableSchool(
            school_id=s.id,
            name=s.name,
            urn=s.urn,
            phase=s.phase,
            local_authority=s.local_authority,
        )
        for s in session.exec(query)
    ]


def colleagues(session: Session, person: models.Person) -> list[Colleague]:
    """The active people assigned to the schools ``person`` is assigned to (every school of the
    trust for a trust admin), with their trust roles and which of those schools they review."""
    if not person.active:
        return []
    if Role.TRUST_ADMIN in roles_of(session, person.id):
        schools = set(
            session.exec(select(models.School.id).where(models.School.trust_id == person.trust_id))
        )
    else:
        schools = set(
            session.exec(
                select(models.Assignment.school_id).where(models.Assignment.person_id == person.id)
            )
        )
    if not schools:
        return []
    rows = session.exec(
        select(models.Assignment.person_id, models.Assignment.school_id).where(
            col(models.Assignment.school_id).in_(sorted(schools))
        )
    ).all()
    school_ids: dict[str, set[str]] = {}
    for person_id, school_id in rows:
        school_ids.setdefault(person_id, set()).add(school_id)
    people = session.exec(
        select(models.Person)
        .where(col(models.Person.id).in_(sorted(school_ids)), col(models.Person.active))
        .order_by(col(models.Person.id))
    ).all()
    roles: dict[str, list[str]] = {}
    for person_id, role in session.exec(
        select(models.PersonRole.person_id, models.PersonRole.role).where(
            col(models.PersonRole.person_id).in_(sorted(school_ids))
        )
    ):
        roles.setdefault(person_id, []).append(role)
    return [
        Colleague(
            person_id=p.id,
            name=p.name,
            roles=sorted(roles.get(p.id, [])),
            school_ids=sorted(school_ids[p.id]),
        )
        for p in people
    ]


class _VisitPush(SchoolOpPush[VisitOperation, models.AppliedVisitOp]):
    """One push of visits by one caller, inside the caller's write transaction."""

    applied_model = models.AppliedVisitOp
    noun = "visit"

    def school_of(self, op: VisitOperation) -> str:
        return op.visit.school_id

    def applied_row(self, op: VisitOperation, **answered: Any) -> models.AppliedVisitOp:
        return models.AppliedVisitOp(visit_id=op.visit.id, **answered)

    def answer(self, op: VisitOperation) -> OpResult:
        try:
            return self._apply_new(op)
        except VisitRefusedError as refused:
            log.info("Visit %s refused (%s)", op.visit.id, refused.reason.value)
            return rejected(op, refused.reason, refused.message)

    def _apply_new(self, op: VisitOperation) -> OpResult:
        record = op.visit
        person = self.caller.person
        visit = self.session.get(models.Visit, record.id)
        if visit is not None:
            self._check_change(visit, record)
        school, unassigned = check_visit(self.session, person, record)
        actor = Actor.person(person, via="laptop")
        from reviewer_app.server import administration as adm

        for teammate in unassigned:
            adm.assign(self.session, teammate.id, school.id, actor=actor)
        if visit is None:
            adm.create_visit(
                self.session,
                school.id,
                record.framework_id,
                start=record.planned_start,
                end=record.planned_end,
                team=[(m.person_id, m.role) for m in record.team],
                visit_id=record.id,
                actor=actor,
            )
            visit = self.session.get(models.Visit, record.id)
            assert visit is not None
            visit.planned_by = person.id
            self.session.add(visit)
            log.info("Visit %s planned from a laptop by person %s", record.id, person.id)
        else:
            self._change(visit, record, actor)
        return OpResult(op_id=op.op_id, status=ResultStatus.ACCEPTED)

    def _check_change(self, visit: models.Visit, record: VisitRecord) -> None:
        if visit.school_id != record.school_id:
            raise VisitRefusedError(
                RejectReason.ALREADY_EXISTS,
                f"Visit {record.id} is a visit to another school; a visit cannot move to another "
                "school (plan a new visit instead).",
            )
        reviews = self.session.exec(
            select(models.Review).where(models.Review.visit_id == visit.id)
        ).all()
        if any(r.locked for r in reviews):
            raise VisitRefusedError(
                RejectReason.REVIEW_LOCKED,
                "This visit's report is signed, so the visit can no longer change.",
            )
        if reviews and visit.framework_id != record.framework_id:
            raise VisitRefusedError(
                RejectReason.INVALID_PAYLOAD,
                "This visit's review has started, so its framework cannot change; plan a new "
                "visit for the other framework.",
            )

    def _change(self, visit: models.Visit, record: VisitRecord, actor: Actor) -> None:
        team = {(m.person_id, m.role) for m in record.team}
        held = self.session.exec(
            select(models.VisitReviewer).where(models.VisitReviewer.visit_id == visit.id)
        ).all()
        same = (
            visit.framework_id == record.framework_id
            and visit.planned_start == record.planned_start
            and visit.planned_end == record.planned_end
            and {(m.person_id, m.role) for m in held} == team
        )
        if same:
            return
        visit.framework_id = record.framework_id
        visit.planned_start = record.planned_start
        visit.planned_end = record.planned_end
        self.session.add(visit)
        for member in held:
            self.session.delete(member)
        self.session.flush()
        for person_id, role in sorted(team):
            self.session.add(
                models.VisitReviewer(visit_id=visit.id, person_id=person_id, role=role)
            )
        school = self.session.get(models.School, visit.school_id)
        audit.record(
            self.session,
            actor,
            "visit.changed",
            f"Changed the visit to {school.name if school else visit.school_id} "
            f"({record.planned_start.isoformat()} to {record.planned_end.isoformat()})",
            trust_id=school.trust_id if school else None,
            subject_id=visit.id,
        )
        log.info("Visit %s changed from a laptop by person %s", visit.id, actor.person_id)


def apply_visit_push(
    session: Session, caller: Caller, request: VisitPushRequest
) -> VisitPushResponse:
    """Apply a batch of visits in the caller's write transaction; one result each."""
    return VisitPushResponse(results=_VisitPush(session, caller).push(request.operations))
