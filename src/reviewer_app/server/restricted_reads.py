"""Reads of restricted safeguarding detail, recorded in the audit log.

A laptop's pull that hands a safeguarding role what others may not see (any part of a
safeguarding framework's review, or the restricted parts of an open framework, such as a single
central record check) is logged: who, which laptop, which review, how many items. The console
(issue 17's pages) records its own reads with :func:`record_restricted_read` as well.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reviewer_app.domain.organisation import SAFEGUARDING_ROLES
from reviewer_app.server import audit, models
from reviewer_app.server.access import Restriction, roles_of
from reviewer_app.server.audit import Actor
from reviewer_app.server.database import write_session
from reviewer_app.sync.protocol import ChangesPage


def _restriction(session: Session, framework_id: str) -> Restriction:
    rows = session.exec(
        select(models.RestrictedItem).where(models.RestrictedItem.framework_id == framework_id)
    ).all()
    return Restriction(
        criteria=frozenset(r.item_id for r in rows if r.kind == "criterion"),
        fields=frozenset(r.item_id for r in rows if r.kind == "field"),
    )


def restricted_items(session: Session, review: models.Review, page: ChangesPage) -> int:
    """How many changes of ``page`` only a safeguarding role may see."""
    framework = session.get(models.Framework, review.framework_id)
    if framework is None or not page.changes:
        return 0
    if framework.safeguarding:
        return len(page.changes)
    restriction = _restriction(session, review.framework_id)
    return sum(1 for c in page.changes if restriction.hides(c.entity.value, c.field, c.payload))


def record_restricted_read(
    session: Session, actor: Actor, review: models.Review, count: int, what: str
) -> None:
    """Log that ``actor`` read ``count`` restricted items of ``review`` (``what``: through
    which door, e.g. "laptop Sarah's ThinkPad")."""
    visit = session.get(models.Visit, review.visit_id)
    school = session.get(models.School, visit.school_id) if visit else None
    framework = session.get(models.Framework, review.framework_id)
    title = framework.title if framework and framework.title else review.framework_id
    where = f" at {school.name}" if school else ""
    when = f" ({visit.planned_start:%-d %b %Y})" if visit else ""
    audit.record(
        session,
        actor,
        "restricted.read",
        f"{actor.name} received {count} restricted safeguarding item{'s' if count != 1 else ''} "
        f"of the {title} review{where}{when} on {what}",
        trust_id=school.trust_id if school else None,
        subject_id=review.id,
    )


def log_pull(
    engine: Engine,
    person: models.Person,
    device: models.Device,
    review: models.Review,
    page: ChangesPage,
) -> None:
    """After a laptop's pull: log it if it carried restricted safeguarding detail."""
    if not page.changes:
        return
    with write_session(engine) as session:
        if not roles_of(session, person.id) & SAFEGUARDING_ROLES:
            return  # others' pulls leave restricted parts out (access.restriction_for)
        count = restricted_items(session, review, page)
        if count:
            record_restricted_read(
                session,
                Actor.person(person, via="laptop"),
                review,
                count,
                f"the laptop {device.name}",
            )
