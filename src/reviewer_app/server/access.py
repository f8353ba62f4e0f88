"""Who may read and write which review: the one place the server decides.

* **Read** a review: the person is assigned to the review's school, and, when the review's
  framework is a safeguarding framework, holds a safeguarding role
  (:data:`reviewer_app.domain.organisation.SAFEGUARDING_ROLES`).
* **Write** a review: read access, and the person is on the visit's team.
* **Lead-only** operations (the agreed judgement, resolving a conflict): the person is the
  visit's lead reviewer, and may write.

A person who is not active (left the trust) may do nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from reviewer_app.domain.organisation import SAFEGUARDING_ROLES, Role
from reviewer_app.server import models


@dataclass(frozen=True, slots=True)
class ReviewAccess:
    """What one person may do with one review."""

    may_read: bool
    may_write: bool
    is_lead: bool

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
    if not assigned or not may_see_framework(session, roles, visit.framework_id):
        return ReviewAccess.none()
    member = session.get(models.VisitReviewer, (visit.id, person.id))
    on_team = member is not None
    is_lead = member is not None and member.role == Role.LEAD_REVIEWER.value
    return ReviewAccess(may_read=True, may_write=on_team, is_lead=is_lead)


def review_access(session: Session, person: models.Person, review: models.Review) -> ReviewAccess:
    """Access to one review, through its visit."""
    visit = session.get(models.Visit, review.visit_id)
    if visit is None:
        return ReviewAccess.none()
    return visit_access(session, person, visit)


def readable_visits(session: Session, person: models.Person) -> list[models.Visit]:
    """Every visit the person may read, in a stable order."""
    if not person.active:
        return []
    visits = session.exec(
        select(models.Visit)
        .join(models.Assignment, col(models.Assignment.school_id) == col(models.Visit.school_id))
        .where(models.Assignment.person_id == person.id)
        .order_by(col(models.Visit.planned_start), col(models.Visit.id))
    ).all()
    roles = roles_of(session, person.id)
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
        if entity == "field_value":
            return self.hides_field(field)
        if not isinstance(payload, dict):
            return False
        criterion = payload.get("criterion_id")
        if isinstance(criterion, str) and criterion in self.criteria:
            return True
        criteria = payload.get("criterion_ids")
        return isinstance(criteria, list) and any(c in self.criteria for c in criteria)


def restriction_for(session: Session, person: models.Person, framework_id: str) -> Restriction:
    """What this person may not see of a framework (nothing, for safeguarding roles)."""
    if roles_of(session, person.id) & SAFEGUARDING_ROLES:
        return Restriction()
    rows = session.exec(
        select(models.RestrictedItem).where(models.RestrictedItem.framework_id == framework_id)
    ).all()
    return Restriction(
        criteria=frozenset(r.item_id for r in rows if r.kind == "criterion"),
        fields=frozenset(r.item_id for r in rows if r.kind == "field"),
    )
