"""Who may read and write which review: the one place the server decides.

* **Read** a review: the person is assigned to the review's school, and, when the review's
  framework is a safeguarding framework, holds a safeguarding role
  (:data:`reviewer_app.domain.organisation.SAFEGUARDING_ROLES`).
* **Write** a review: read access, and the person is on the visit's team.
* **Lead-only** operations (the agreed judgement, resolving a conflict): the person is the
  visit's lead reviewer, and may write.
* **Oversight**: a trust admin (the central team) not assigned to the school reads the
  *fully signed* reviews of every school of their trust (the server locks a review when its
  last planned signature arrives), as their judgement summary and signed reports only
  (:mod:`.report_sharing` says which reports), so the trust can export and check what it was
  promised. The framework rule above holds: a safeguarding audit is for safeguarding roles.

A person who is not active (left the trust) may do nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, col, select

from reviewer_app.domain.organisation import SAFEGUARDING_ROLES, Role
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.server import models


@dataclass(frozen=True, slots=True)
class ReviewAccess:
    """What one person may do with one review."""

    may_read: bool
    may_write: bool
    is_lead: bool
    #: Read as the trust's central team, not assigned to the school: the fully signed reviews
    #: of the visit only, as their judgement summary and signed reports.
    oversight: bool = False

    @classmethod
    def none(cls) -> ReviewAccess:
        return cls(may_read=False, may_write=False, is_lead=False)


def roles_of(session: Session, person_id: str) -> frozenset[Role]:
    """The trust-wide roles a person holds."""
    rows = session.exec(
        select(models.PersonRole.role).where(models.PersonRole.person_id == person_id)
    ).all()
    return frozenset(Role(r) for r in rows if r in Role._value2member_map_)


def may_see_framework(session: Session, roles: frozenset[Role], framework_id: str) -> bool:
    """Safeguarding frameworks are for safeguarding roles; every other framework is open."""
    framework = session.get(models.Framework, framework_id)
    if framework is None:
        return False
    return not framework.safeguarding or bool(roles & SAFEGUARDING_ROLES)


def visit_access(session: Session, person: models.Person, visit: models.Visit) -> ReviewAccess:
    """Access to a visit (and so to every review of it)."""
    if not person.active:
        return ReviewAccess.none()
    assigned = session.get(models.Assignment, (person.id, visit.school_id)) is not None
    roles = roles_of(session, person.id)
    if not may_see_framework(session, roles, visit.framework_id):
        return ReviewAccess.none()
    if not assigned:
        if Role.TRUST_ADMIN in roles and _oversees(session, person, visit):
            return ReviewAccess(may_read=True, may_write=False, is_lead=False, oversight=True)
        return ReviewAccess.none()
    member = session.get(models.VisitReviewer, (visit.id, person.id))
    on_team = member is not None
    is_lead = member is not None and member.role == Role.LEAD_REVIEWER.value
    return ReviewAccess(may_read=True, may_write=on_team, is_lead=is_lead)


def _oversees(session: Session, person: models.Person, visit: models.Visit) -> bool:
    """Whether a trust admin oversees ``visit``: a school of their trust, a review signed."""
    school = session.get(models.School, visit.school_id)
    if school is None or school.trust_id != person.trust_id:
        return False
    signed = select(models.Review.id).where(
        models.Review.visit_id == visit.id, col(models.Review.locked).is_(True)
    )
    return session.exec(signed).first() is not None


def within_visit(access: ReviewAccess, review: models.Review) -> ReviewAccess:
    """Access to one review of a visit the person has ``access`` to (oversight reads only
    the fully signed ones)."""
    if access.oversight and not review.locked:
        return ReviewAccess.none()
    return access


def review_access(session: Session, person: models.Person, review: models.Review) -> ReviewAccess:
    """Access to one review, through its visit."""
    visit = session.get(models.Visit, review.visit_id)
    if visit is None:
        return ReviewAccess.none()
    return within_visit(visit_access(session, person, visit), review)


def readable_visits(session: Session, person: models.Person) -> list[models.Visit]:
    """Every visit the person may read, in a stable order: those of the schools they are
    assigned to and, for a trust admin, those of their trust with a fully signed review."""
    if not person.active:
        return []
    roles = roles_of(session, person.id)
    readable: sa.ColumnElement[bool] = col(models.Visit.school_id).in_(
        select(models.Assignment.school_id).where(models.Assignment.person_id == person.id)
    )
    if Role.TRUST_ADMIN in roles:
        overseen = sa.and_(
            col(models.Visit.school_id).in_(
                select(models.School.id).where(models.School.trust_id == person.trust_id)
            ),
            col(models.Visit.id).in_(
                select(models.Review.visit_id).where(col(models.Review.locked).is_(True))
            ),
        )
        readable = sa.or_(readable, overseen)
    visits = session.exec(
        select(models.Visit)
        .where(readable)
        .order_by(col(models.Visit.planned_start), col(models.Visit.id))
    ).all()
    return [v for v in visits if may_see_framework(session, roles, v.framework_id)]


@dataclass(frozen=True, slots=True)
class Restriction:
    """The parts of a framework only safeguarding roles may see (criteria and fields).

    A change is hidden when it is a field of a restricted criterion (``<criterion>.<field>``)
    or a restricted section field, or a judgement, action or note about a restricted criterion
    (a note about several criteria is hidden if any of them is restricted).
    """

    criteria: frozenset[str] = frozenset()
    fields: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.criteria or self.fields)

    def hides_field(self, field: str | None) -> bool:
        if not field:
            return False
        return field in self.fields or field.split(".", 1)[0] in self.criteria

    def hides(self, entity: str, field: str | None, payload: object) -> bool:
        """Whether a change (entity, field, payload) touches a restricted part."""
        if not self:
            return False
        if entity == Entity.FIELD_VALUE.value:
            return self.hides_field(field)
        if not isinstance(payload, dict):
            return False
        criterion = payload.get("criterion_id")
        if isinstance(criterion, str) and criterion in self.criteria:
            return True
        criteria = payload.get("criterion_ids")
        return isinstance(criteria, list) and any(c in self.criteria for c in criteria)


#: The criterion of the safeguarding judgement an open framework may carry (a peer review's
#: "safeguarding: met"): the console's safeguarding view, for safeguarding roles.
SAFEGUARDING_CRITERION = "safeguarding"


def restriction_for(
    session: Session, person: models.Person, framework_id: str, *, oversight: bool = False
) -> Restriction:
    """What this person may not see of a framework (nothing, for safeguarding roles). Read as
    oversight, the safeguarding judgement too, as the console leaves it out."""
    if roles_of(session, person.id) & SAFEGUARDING_ROLES:
        return Restriction()
    rows = session.exec(
        select(models.RestrictedItem).where(models.RestrictedItem.framework_id == framework_id)
    ).all()
    criteria = frozenset(r.item_id for r in rows if r.kind == "criterion")
    return Restriction(
        criteria=criteria | {SAFEGUARDING_CRITERION} if oversight else criteria,
        fields=frozenset(r.item_id for r in rows if r.kind == "field"),
    )
