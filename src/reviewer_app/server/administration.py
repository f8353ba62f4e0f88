"""What a trust admin does to the server: trusts, schools, frameworks, people, visits, devices.

The command line and the trust console both call these (one place for each rule). Each works
inside the caller's session (the caller commits) and records who did it in the audit log
(``actor``; scripts and tests that name nobody act as :data:`~reviewer_app.server.audit.SYSTEM`).
Ids are new UUIDv7s unless given. Every refusal is a
:class:`~reviewer_app.domain.errors.ReviewerError` naming the thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sqlmodel import Session, col, select

from reviewer_app.domain import organisation
from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.visits import VISIT_ROLES
from reviewer_app.server import audit, models
from reviewer_app.server.audit import SYSTEM, Actor

if TYPE_CHECKING:
    from reviewer_app.domain.frameworks import Framework

T = TypeVar("T")


def _need(session: Session, model: type[T], key: str, what: str) -> T:
    row = session.get(model, key)
    if row is None:
        raise NotFoundError(f"There is no {what} with id {key}.", hint="Check the id and retry.")
    return row


def create_trust(
    session: Session, name: str, *, trust_id: str | None = None, actor: Actor = SYSTEM
) -> models.Trust:
    """Add a trust."""
    checked = organisation.Trust(id=trust_id or new_id(), name=name)
    trust = models.Trust(id=checked.id, name=checked.name)
    session.add(trust)
    session.flush()
    audit.record(
        session, actor, "trust.created", f"Created the trust {trust.name}", trust_id=trust.id
    )
    return trust


def create_school(
    session: Session,
    trust_id: str,
    *,
    urn: str,
    name: str,
    phase: str,
    local_authority: str = "",
    school_id: str | None = None,
    actor: Actor = SYSTEM,
) -> models.School:
    """Add a school to a trust (the URN and phase are checked by the domain rules; a trust
    holds each URN once)."""
    _need(session, models.Trust, trust_id, "trust")
    checked = _checked_school(school_id or new_id(), trust_id, urn, name, phase)
    _unique_urn(session, trust_id, checked.urn, checked.id)
    school = models.School(
        id=checked.id,
        trust_id=trust_id,
        urn=checked.urn,
        name=checked.name,
        phase=checked.phase.value,
        local_authority=local_authority.strip()[:100],
    )
    session.add(school)
    session.flush()
    audit.record(
        session,
        actor,
        "school.created",
        f"Added the school {school.name} (URN {school.urn})",
        trust_id=trust_id,
        subject_id=school.id,
    )
    return school


def _checked_school(
    school_id: str, trust_id: str, urn: str, name: str, phase: str
) -> organisation.School:
    try:
        phase_value = organisation.Phase(phase)
    except ValueError as exc:
        names = ", ".join(p.value for p in organisation.Phase)
        raise ValidationError(f"'{phase}' is not a school phase.", hint=f"Use {names}.") from exc
    return organisation.School(
        id=school_id, trust_id=trust_id, urn=urn.strip(), name=name.strip(), phase=phase_value
    )


def _unique_urn(session: Session, trust_id: str, urn: str, school_id: str) -> None:
    other = session.exec(
        select(models.School).where(models.School.trust_id == trust_id, models.School.urn == urn)
    ).first()
    if other is not None and other.id != school_id:
        raise ValidationError(f"The trust already has a school with URN {urn}: {other.name}.")


def update_school(
    session: Session,
    school_id: str,
    *,
    urn: str,
    name: str,
    phase: str,
    local_authority: str = "",
    actor: Actor = SYSTEM,
) -> models.School:
    """Change a school's URN, name, phase or local authority."""
    school = _need(session, models.School, school_id, "school")
    checked = _checked_school(school.id, school.trust_id, urn, name, phase)
    _unique_urn(session, school.trust_id, checked.urn, school.id)
    before = school.name
    school.urn, school.name, school.phase = checked.urn, checked.name, checked.phase.value
    school.local_authority = local_authority.strip()[:100]
    session.add(school)
    renamed = f" (was {before})" if before != school.name else ""
    audit.record(
        session,
        actor,
        "school.updated",
        f"Edited the school {school.name}{renamed}",
        trust_id=school.trust_id,
        subject_id=school.id,
    )
    return school


def add_framework(
    session: Session,
    framework_id: str,
    *,
    title: str = "",
    safeguarding: bool = False,
    actor: Actor = SYSTEM,
) -> models.Framework:
    """Register a framework (or update its title and safeguarding flag)."""
    framework = session.get(models.Framework, framework_id) or models.Framework(id=framework_id)
    framework.title = title or framework.title
    framework.safeguarding = safeguarding
    session.add(framework)
    access = "safeguarding roles only" if safeguarding else "everyone assigned to a school"
    audit.record(
        session,
        actor,
        "framework.registered",
        f"Registered the framework {framework.title or framework.id} ({access})",
        trust_id=None,
        subject_id=framework.id,
    )
    return framework


def import_frameworks(
    session: Session, folder: Path, *, actor: Actor = SYSTEM
) -> list[models.Framework]:
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
                actor=actor,
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
    actor: Actor = SYSTEM,
) -> models.Person:
    """Add a reviewer (or admin) to a trust with trust-wide roles."""
    _need(session, models.Trust, trust_id, "trust")
    role_set = frozenset(_role(r) for r in roles)
    checked = organisation.Person(
        id=person_id or new_id(), trust_id=trust_id, name=name, email=email, roles=role_set
    )
    email = email.strip()
    _unique_email(session, email, checked.id)
    person = models.Person(id=checked.id, trust_id=trust_id, name=checked.name, email=email)
    session.add(person)
    session.flush()
    for role in sorted(role_set):
        session.add(models.PersonRole(person_id=person.id, role=role.value))
    labels = ", ".join(role.label for role in sorted(role_set)) or "no roles"
    audit.record(
        session,
        actor,
        "person.created",
        f"Added {person.name} ({email}) with {labels}",
        trust_id=trust_id,
        subject_id=person.id,
    )
    return person


def _unique_email(session: Session, email: str, person_id: str) -> None:
    lowered = email.strip().lower()
    for other in session.exec(select(models.Person).where(models.Person.email.ilike(lowered))):  # type: ignore[attr-defined]
        if other.id != person_id and other.email.lower() == lowered:
            raise ValidationError(f"Someone with the email {email} already exists: {other.name}.")


def update_person(
    session: Session, person_id: str, *, name: str, email: str, actor: Actor = SYSTEM
) -> models.Person:
    """Change a person's name or email address (their sign-in name for the console)."""
    person = _need(session, models.Person, person_id, "person")
    checked = organisation.Person(
        id=person.id, trust_id=person.trust_id, name=name.strip(), email=email.strip()
    )
    _unique_email(session, checked.email, person.id)
    changes = []
    if checked.name != person.name:
        changes.append(f"name was {person.name}")
    if checked.email != person.email:
        changes.append(f"email was {person.email}")
    person.name, person.email = checked.name, checked.email
    session.add(person)
    if changes:
        audit.record(
            session,
            actor,
            "person.updated",
            f"Edited {person.name} ({'; '.join(changes)})",
            trust_id=person.trust_id,
            subject_id=person.id,
        )
    return person


def grant_role(session: Session, person_id: str, role: str, *, actor: Actor = SYSTEM) -> None:
    """Give a person a trust-wide role (idempotent)."""
    person = _need(session, models.Person, person_id, "person")
    checked = _role(role)
    if session.get(models.PersonRole, (person_id, checked.value)) is None:
        session.add(models.PersonRole(person_id=person_id, role=checked.value))
        audit.record(
            session,
            actor,
            "role.granted",
            f"Gave {person.name} the role {checked.label}",
            trust_id=person.trust_id,
            subject_id=person.id,
        )


def revoke_role(session: Session, person_id: str, role: str, *, actor: Actor = SYSTEM) -> None:
    """Take a trust-wide role away (idempotent)."""
    person = _need(session, models.Person, person_id, "person")
    checked = _role(role)
    row = session.get(models.PersonRole, (person_id, checked.value))
    if row is not None:
        session.delete(row)
        audit.record(
            session,
            actor,
            "role.revoked",
            f"Took the role {checked.label} away from {person.name}",
            trust_id=person.trust_id,
            subject_id=person.id,
        )


def set_roles(
    session: Session, person_id: str, roles: Iterable[str], *, actor: Actor = SYSTEM
) -> None:
    """Make a person's roles exactly ``roles`` (each grant and removal is logged)."""
    wanted = {_role(r) for r in roles}
    held = {
        Role(r)
        for r in session.exec(
            select(models.PersonRole.role).where(models.PersonRole.person_id == person_id)
        )
        if r in Role._value2member_map_
    }
    for role in sorted(wanted - held):
        grant_role(session, person_id, role.value, actor=actor)
    for role in sorted(held - wanted):
        revoke_role(session, person_id, role.value, actor=actor)


def assign(session: Session, person_id: str, school_id: str, *, actor: Actor = SYSTEM) -> None:
    """Let a person review a school (idempotent). Both must belong to the same trust."""
    person = _need(session, models.Person, person_id, "person")
    school = _need(session, models.School, school_id, "school")
    if person.trust_id != school.trust_id:
        raise ValidationError(f"{person.name} and school {school.name} belong to different trusts.")
    if session.get(models.Assignment, (person_id, school_id)) is None:
        session.add(models.Assignment(person_id=person_id, school_id=school_id))
        audit.record(
            session,
            actor,
            "assignment.added",
            f"Assigned {person.name} to {school.name}",
            trust_id=person.trust_id,
            subject_id=person.id,
        )


def unassign(session: Session, person_id: str, school_id: str, *, actor: Actor = SYSTEM) -> None:
    """Stop a person seeing a school (idempotent)."""
    row = session.get(models.Assignment, (person_id, school_id))
    if row is not None:
        person = _need(session, models.Person, person_id, "person")
        school = _need(session, models.School, school_id, "school")
        session.delete(row)
        audit.record(
            session,
            actor,
            "assignment.removed",
            f"Took {person.name} off {school.name}",
            trust_id=person.trust_id,
            subject_id=person.id,
        )


def create_visit(
    session: Session,
    school_id: str,
    framework_id: str,
    *,
    start: date,
    end: date,
    team: Iterable[tuple[str, str]],
    visit_id: str | None = None,
    actor: Actor = SYSTEM,
) -> models.Visit:
    """Plan a visit with its team as (person id, visit role) pairs; at most one lead reviewer."""
    school = _need(session, models.School, school_id, "school")
    framework = _need(session, models.Framework, framework_id, "framework")
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
    names = []
    for person_id, role_value in members:
        person = _need(session, models.Person, person_id, "person")
        if person.trust_id != school.trust_id:
            raise ValidationError(f"{person.name} is not in the trust {school.name} belongs to.")
        names.append(f"{person.name} ({role_value.label.lower()})")
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
    when = start.isoformat() if start == end else f"{start.isoformat()} to {end.isoformat()}"
    audit.record(
        session,
        actor,
        "visit.planned",
        f"Planned {framework.title or framework.id} at {school.name}, {when}, with "
        f"{', '.join(names) or 'no team'}",
        trust_id=school.trust_id,
        subject_id=visit.id,
    )
    return visit


def create_review(
    session: Session,
    visit_id: str,
    *,
    review_id: str | None = None,
    framework_version: str = "",
    framework_hash: str = "",
    actor: Actor = SYSTEM,
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
    school = _need(session, models.School, visit.school_id, "school")
    audit.record(
        session,
        actor,
        "review.created",
        f"Started the review of the {visit.planned_start.isoformat()} visit to {school.name}",
        trust_id=school.trust_id,
        subject_id=review.id,
    )
    return review


def deactivate_person(session: Session, person_id: str, *, actor: Actor = SYSTEM) -> int:
    """A person who leaves the trust, in one action: every device of theirs is revoked, their
    unused enrolment codes and console sign-in links stop working, their console sessions end.
    Returns how many devices were revoked."""
    from reviewer_app.server.enrolment import revoke_device, revoke_unused_codes
    from reviewer_app.server.staff_accounts import end_sessions_of, utc_now

    person = _need(session, models.Person, person_id, "person")
    person.active = False
    session.add(person)
    revoked = 0
    for device in list_devices(session, person_id):
        if device.revoked_at is None:
            revoke_device(session, device.id, actor=None)
            revoked += 1
    revoke_unused_codes(session, person_id)
    for link in session.exec(
        select(models.ConsoleLink).where(
            models.ConsoleLink.person_id == person_id, col(models.ConsoleLink.used_at).is_(None)
        )
    ):
        link.used_at = utc_now()
        session.add(link)
    end_sessions_of(session, person_id)
    devices = f"{revoked} device{'s' if revoked != 1 else ''}"
    audit.record(
        session,
        actor,
        "person.deactivated",
        f"Deactivated {person.name} (left the trust): {devices} revoked, unused codes withdrawn",
        trust_id=person.trust_id,
        subject_id=person.id,
    )
    return revoked


def list_devices(session: Session, person_id: str | None = None) -> list[models.Device]:
    """Enrolled devices, newest first, optionally of one person."""
    statement = select(models.Device)
    if person_id is not None:
        statement = statement.where(models.Device.person_id == person_id)
    return sorted(session.exec(statement).all(), key=lambda d: d.enrolled_at, reverse=True)
