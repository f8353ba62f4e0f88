"""What a trust admin does to the server: trusts, schools, frameworks, people, visits, devices.

Each function works inside the caller's session (the CLI commits); ids are new UUIDv7s unless
given. Every refusal is a :class:`~reviewer_app.domain.errors.ReviewerError` naming the thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlmodel import Session, select

from reviewer_app.domain import organisation
from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.visits import VISIT_ROLES
from reviewer_app.server import models

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks import Framework

T = TypeVar("T")


def _need(session: Session, model: type[T], key: str, what: str) -> T:
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"There is no {what} with id {key}.", hint="Check the id and retry.")
    return row


def create_trust(session: Session, name: str, *, trust_id: str | None = None) -> models.Trust:
    """Add a trust."""
    checked = organisation.Trust(id=trust_id or new_id(), name=name)
    trust = models.Trust(id=checked.id, name=checked.name)
    session.add(trust)
    return trust


def create_school(
    session: Session,
    trust_id: str,
    *,
    urn: str,
    name: str,
    phase: str,
    school_id: str | None = None,
) -> models.School:
    """Add a school to a trust (the URN and phase are checked by the domain rules)."""
    _need(session, models.Trust, trust_id, "trust")
    try:
        phase_value = organisation.Phase(phase)
    except ValueError as exc:
        names = ", ".join(p.value for p in organisation.Phase)
        raise ValidationError(f"'{phase}' is not a school phase.", hint=f"Use {names}.") from exc
    checked = organisation.School(
        id=school_id or new_id(), trust_id=trust_id, urn=urn, name=name, phase=phase_value
    )
    school = models.School(
        id=checked.id, trust_id=trust_id, urn=checked.urn, name=checked.name, phase=phase_value
    )
    session.add(school)
    return school


def add_framework(
    session: Session, framework_id: str, *, title: str = "", safeguarding: bool = False
) -> models.Framework:
    """Register a framework (or update its title and safeguarding flag)."""
    framework = session.get(models.Framework, framework_id) or models.Framework(id=framework_id)
    framework.title = title or framework.title
    framework.safeguarding = safeguarding
    session.add(framework)
    return framework


def import_frameworks(session: Session, folder: Path) -> list[models.Framework]:
    """Register every framework in a frameworks folder, taking access from the files.

    A framework whose file restricts who may open it (``visible_to``) is registered as a
    safeguarding framework: only safeguarding roles may read its reviews. Sections and criteria
    restricted inside an open framework (a single central record check in a termly visit) are
    recorded, and the server withholds their data from everyone without a safeguarding role.
    (The server knows one restricted class; parts restricted to other roles are treated the
    same, which errs on the side of showing less.)
    """
    from reviewer_app.domain.frameworks import FrameworkLoadError, load_library

    try:
        library = load_library(folder)
    except FrameworkLoadError as exc:
        raise ValidationError(
            f"The frameworks in {folder} have problems, so none were registered.",
            hint="Run 'reviewer-app frameworks check' on the folder and fix what it reports.",
        ) from exc
    registered = []
    for framework_id in library.framework_ids:
        framework = library.latest(framework_id)
        registered.append(
            add_framework(
                session,
                framework_id,
                title=str(framework.title),
                safeguarding=bool(framework.visible_to),
            )
        )
        session.flush()
        register_restricted_parts(session, framework_id, library.versions(framework_id))
    return registered


def register_restricted_parts(
    session: Session, framework_id: str, versions: Sequence[Framework]
) -> None:
    """Record the restricted parts of every version (a review keeps the version it began
    with), so the server withholds their data from everyone without a safeguarding role."""
    items: set[tuple[str, str]] = set()
    for version in versions:
        for section in version.sections:
            hidden_section = bool(section.visible_to)
            if hidden_section:
                items.update(("field", spec.id) for spec in section.fields)
            for criterion in section.criteria:
                if hidden_section or criterion.visible_to:
                    items.add(("criterion", criterion.id))
    for row in session.exec(
        select(models.RestrictedItem).where(models.RestrictedItem.framework_id == framework_id)
    ).all():
        session.delete(row)
    session.flush()
    for kind, item_id in sorted(items):
        session.add(models.RestrictedItem(framework_id=framework_id, kind=kind, item_id=item_id))


def _role(value: str) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        names = ", ".join(r.value for r in Role)
        raise ValidationError(f"'{value}' is not a role.", hint=f"Use one of {names}.") from exc


def create_person(
    session: Session,
    trust_id: str,
    *,
    name: str,
    email: str,
    roles: Iterable[str] = (),
    person_id: str | None = None,
) -> models.Person:
    """Add a reviewer (or admin) to a trust with trust-wide roles."""
    _need(session, models.Trust, trust_id, "trust")
    role_set = frozenset(_role(r) for r in roles)
    checked = organisation.Person(
        id=person_id or new_id(), trust_id=trust_id, name=name, email=email, roles=role_set
    )
    existing = session.exec(select(models.Person).where(models.Person.email == email)).first()
    if existing is not None:
        raise ValidationError(f"Someone with the email {email} already exists.")
    person = models.Person(id=checked.id, trust_id=trust_id, name=checked.name, email=email)
    session.add(person)
    session.flush()
    for role in sorted(role_set):
        session.add(models.PersonRole(person_id=person.id, role=role.value))
    return person


def grant_role(session: Session, person_id: str, role: str) -> None:
    """Give a person a trust-wide role (idempotent)."""
    _need(session, models.Person, person_id, "person")
    value = _role(role).value
    if session.get(models.PersonRole, (person_id, value)) is None:
        session.add(models.PersonRole(person_id=person_id, role=value))


def revoke_role(session: Session, person_id: str, role: str) -> None:
    """Take a trust-wide role away (idempotent)."""
    row = session.get(models.PersonRole, (person_id, _role(role).value))
    if row is not None:
        session.delete(row)


def assign(session: Session, person_id: str, school_id: str) -> None:
    """Let a person review a school (idempotent). Both must belong to the same trust."""
    person = _need(session, models.Person, person_id, "person")
    school = _need(session, models.School, school_id, "school")
    if person.trust_id != school.trust_id:
        raise ValidationError(f"{person.name} and school {school.name} belong to different trusts.")
    if session.get(models.Assignment, (person_id, school_id)) is None:
        session.add(models.Assignment(person_id=person_id, school_id=school_id))


def unassign(session: Session, person_id: str, school_id: str) -> None:
    """Stop a person seeing a school (idempotent)."""
    row = session.get(models.Assignment, (person_id, school_id))
    if row is not None:
        session.delete(row)


def create_visit(
    session: Session,
    school_id: str,
    framework_id: str,
    *,
    start: date,
    end: date,
    team: Iterable[tuple[str, str]],
    visit_id: str | None = None,
) -> models.Visit:
    """Plan a visit with its team as (person id, visit role) pairs; at most one lead reviewer."""
    _need(session, models.School, school_id, "school")
    _need(session, models.Framework, framework_id, "framework")
    members = [(person_id, _role(role)) for person_id, role in team]
    for _person_id, role in members:
        if role not in VISIT_ROLES:
            raise ValidationError(f"'{role.value}' is not a role on a visit team.")
    from reviewer_app.domain.visits import Visit, VisitReviewer

    checked = Visit(
        id=visit_id or new_id(),
        school_id=school_id,
        framework_id=framework_id,
        planned_start=start,
        planned_end=end,
        reviewers=tuple(VisitReviewer(person_id=p, role=r) for p, r in members),
    )
    for person_id, _role_value in members:
        _need(session, models.Person, person_id, "person")
    visit = models.Visit(
        id=checked.id,
        school_id=school_id,
        framework_id=framework_id,
        planned_start=start,
        planned_end=end,
    )
    session.add(visit)
    session.flush()
    for person_id, role in members:
        session.add(models.VisitReviewer(visit_id=visit.id, person_id=person_id, role=role.value))
    return visit


def create_review(
    session: Session,
    visit_id: str,
    *,
    review_id: str | None = None,
    framework_version: str = "",
    framework_hash: str = "",
) -> models.Review:
    """Start a review of a visit on the server (laptops can also start it over the API)."""
    visit = _need(session, models.Visit, visit_id, "visit")
    review = models.Review(
        id=review_id or new_id(),
        visit_id=visit.id,
        framework_id=visit.framework_id,
        framework_version=framework_version,
        framework_hash=framework_hash,
    )
    session.add(review)
    return review


def deactivate_person(session: Session, person_id: str) -> None:
    """A person who leaves the trust: every device of theirs stops working."""
    person = _need(session, models.Person, person_id, "person")
    person.active = False
    session.add(person)


def list_devices(session: Session, person_id: str | None = None) -> list[models.Device]:
    """Enrolled devices, newest first, optionally of one person."""
    statement = select(models.Device)
    if person_id is not None:
        statement = statement.where(models.Device.person_id == person_id)
    return sorted(session.exec(statement).all(), key=lambda d: d.enrolled_at, reverse=True)
