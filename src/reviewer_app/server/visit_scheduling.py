"""Planning visits: what to warn about before a visit is planned, and the year by half term.

Warnings (none of them stops a visit being planned; the admin confirms):

* a reviewer on the team is already on another visit on one of the days;
* the school already has a visit on one of the days;
* a day of the visit is a weekend, a holiday or a bank holiday (the usual pattern of term
  dates, :mod:`reviewer_app.domain.school_terms`);
* someone on the team is not assigned to the school, so their laptop would not receive the
  visit: the console offers to assign them as part of planning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, col, select

from reviewer_app.domain.errors import ValidationError
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.school_terms import SchoolYear, days_out_of_term, school_year
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.access import roles_of
from reviewer_app.server.audit import SYSTEM, Actor


def _day(value: date) -> str:
    return f"{value:%-d %b %Y}"


def _span(start: date, end: date) -> str:
    return _day(start) if start == end else f"{_day(start)} to {_day(end)}"


def framework_title(session: Session, framework_id: str) -> str:
    framework = session.get(models.Framework, framework_id)
    return (framework.title if framework and framework.title else framework_id) or framework_id


@dataclass
class PlanCheck:
    """What to tell the admin before planning: sentences, and who is not yet assigned."""

    clashes: list[str] = field(default_factory=list)
    unassigned: list[models.Person] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.clashes or self.unassigned)


def _overlapping(
    session: Session, start: date, end: date, exclude: str | None
) -> Sequence[tuple[models.Visit, models.School]]:
    statement = (
        select(models.Visit, models.School)
        .join(models.School, col(models.School.id) == col(models.Visit.school_id))
        .where(col(models.Visit.planned_start) <= end, col(models.Visit.planned_end) >= start)
    )
    if exclude:
        statement = statement.where(models.Visit.id != exclude)
    return session.exec(statement).all()


def check_plan(
    session: Session,
    school: models.School,
    start: date,
    end: date,
    team: Iterable[str],
    *,
    exclude_visit: str | None = None,
) -> PlanCheck:
    """The warnings for a visit to ``school`` from ``start`` to ``end`` with ``team``."""
    check = PlanCheck()
    team_ids = list(dict.fromkeys(team))
    for visit, other in _overlapping(session, start, end, exclude_visit):
        when = _span(visit.planned_start, visit.planned_end)
        what = framework_title(session, visit.framework_id)
        if other.id == school.id:
            check.clashes.append(f"{school.name} already has a visit then: {what}, {when}.")
        members = session.exec(
            select(models.Person)
            .join(
                models.VisitReviewer, col(models.VisitReviewer.person_id) == col(models.Person.id)
            )
            .where(
                models.VisitReviewer.visit_id == visit.id,
                col(models.Person.id).in_(team_ids),
            )
        ).all()
        for person in members:
            check.clashes.append(f"{person.name} is on {what} at {other.name}, {when}.")
    off = days_out_of_term(start, end)
    if off:
        days = ", ".join(_day(d) for d in off[:5]) + (" and more" if len(off) > 5 else "")
        check.clashes.append(
            f"{days} {'is' if len(off) == 1 else 'are'} not a school day in the usual term "
            "dates (a weekend, holiday or bank holiday). Check the school's own calendar."
        )
    for person_id in team_ids:
        member = session.get(models.Person, person_id)
        if member is not None and session.get(models.Assignment, (member.id, school.id)) is None:
            check.unassigned.append(member)
    return check


def plan_visit(
    session: Session,
    school: models.School,
    framework_id: str,
    *,
    start: date,
    end: date,
    lead_id: str,
    members: Sequence[str],
    assign_unassigned: bool,
    actor: Actor = SYSTEM,
) -> models.Visit:
    """Plan a visit with a lead and other members (peer reviewers, or safeguarding leads on a
    safeguarding framework); when asked, assign team members to the school first."""
    if end < start:
        raise ValidationError("The last day of the visit is before its first day.")
    if not lead_id:
        raise ValidationError("Choose the visit's lead.")
    framework = session.get(models.Framework, framework_id)
    if framework is None:
        raise ValidationError("Choose the framework the visit follows.")
    team: list[tuple[str, str]] = [(lead_id, "lead_reviewer")]
    for person_id in dict.fromkeys(members):
        if person_id == lead_id:
            continue
        person = session.get(models.Person, person_id)
        if person is None or person.trust_id != school.trust_id:
            raise ValidationError("Someone chosen for the team is not in this trust.")
        role = (
            Role.SAFEGUARDING_LEAD
            if framework.safeguarding and Role.SAFEGUARDING_LEAD in roles_of(session, person_id)
            else Role.PEER_REVIEWER
        )
        team.append((person_id, role.value))
    if assign_unassigned:
        for person_id, _role in team:
            adm.assign(session, person_id, school.id, actor=actor)
    return adm.create_visit(
        session, school.id, framework_id, start=start, end=end, team=team, actor=actor
    )


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    visit: models.Visit
    school: models.School
    framework: str
    team: list[tuple[str, str]]  # (name, role label)
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class CalendarSection:
    title: str
    start: date | None
    end: date | None
    entries: list[CalendarEntry]


def calendar(
    session: Session, trust_id: str, start_year: int, *, school_id: str | None = None
) -> tuple[SchoolYear, list[CalendarSection]]:
    """The trust's visits in a school year, by half term (visits in holidays on their own)."""
    year = school_year(start_year)
    first, last = date(start_year, 8, 1), date(start_year + 1, 7, 31)
    statement = (
        select(models.Visit, models.School)
        .join(models.School, col(models.School.id) == col(models.Visit.school_id))
        .where(
            models.School.trust_id == trust_id,
            col(models.Visit.planned_start) >= first,
            col(models.Visit.planned_start) <= last,
        )
        .order_by(col(models.Visit.planned_start), col(models.School.name))
    )
    if school_id:
        statement = statement.where(models.School.id == school_id)
    rows = session.exec(statement).all()
    sections = [CalendarSection(h.label, h.start, h.end, []) for h in year.half_terms]
    outside = CalendarSection("Outside term time", None, None, [])
    for visit, school in rows:
        team_rows = session.exec(
            select(models.VisitReviewer, models.Person)
            .join(models.Person, col(models.Person.id) == col(models.VisitReviewer.person_id))
            .where(models.VisitReviewer.visit_id == visit.id)
            .order_by(
                col(models.VisitReviewer.role) != Role.LEAD_REVIEWER.value, col(models.Person.name)
            )
        ).all()
        team = [
            (p.name, Role(m.role).label if m.role in Role._value2member_map_ else m.role)
            for m, p in team_rows
        ]
        warnings = check_plan(
            session,
            school,
            visit.planned_start,
            visit.planned_end,
            [p.id for _m, p in team_rows],
            exclude_visit=visit.id,
        )
        entry = CalendarEntry(
            visit=visit,
            school=school,
            framework=framework_title(session, visit.framework_id),
            team=team,
            warnings=warnings.clashes
            + [f"{p.name} is not assigned to {school.name}." for p in warnings.unassigned],
        )
        half = year.half_term_of(visit.planned_start)
        target = next((s for s in sections if half and s.title == half.label), outside)
        target.entries.append(entry)
    if outside.entries:
        sections.append(outside)
    return year, sections


def _role_label(value: str) -> str:
    return Role(value).label if value in Role._value2member_map_ else value
