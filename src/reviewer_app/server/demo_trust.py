"""The demo trust on the server (``reviewer-app-server serve --demo``): the same schools, people
and visits as the desktop demo (:mod:`reviewer_app.demo.trust_data`), the installed frameworks,
team members assigned to the schools they visit, the reviews and tiers its laptops would have
synced (:mod:`.demo_history`), and console sign-ins for three of the people.

The demo's sign-in details are shown on the console's sign-in page, and only in demo mode.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session, select

from reviewer_app.demo.trust_data import (
    DEMO_PEOPLE,
    DEMO_TRUST_NAME,
    demo_email,
    demo_meeting_days,
    demo_people,
    demo_schools,
    demo_trust,
    demo_visits,
)
from reviewer_app.domain.frameworks import load_library
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.visits import VisitStatus
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.audit import Actor
from reviewer_app.server.console.settings import DemoAccount
from reviewer_app.server.demo_history import seed_demo_history
from reviewer_app.server.staff_accounts import new_totp_secret, set_demo_password

log = logging.getLogger(__name__)

#: The password of every demo console account (shown on the demo's sign-in page).
DEMO_PASSWORD = "northfield-demo-2026"  # noqa: S105 (published: demo trust only)
_DEMO = Actor(name="Demo set-up", via="server")
#: Demo people who sign in to the console: (key, label on the sign-in page).
_CONSOLE_PEOPLE = (
    ("mark", "Trust admin"),
    ("rachel", "Trust safeguarding lead"),
    ("sarah", "Lead reviewer"),
)


def seed_demo_trust(session: Session, frameworks_folder: Path, today: date | None = None) -> bool:
    """Seed the demo trust unless the database already holds a trust. True if it seeded now."""
    if session.exec(select(models.Trust)).first() is not None:
        return False
    today = today or date.today()
    trust = demo_trust()
    adm.create_trust(session, trust.name, trust_id=trust.id, actor=_DEMO)
    adm.import_frameworks(session, frameworks_folder, actor=_DEMO)
    schools = demo_schools(trust.id)
    for school in schools.values():
        adm.create_school(
            session,
            trust.id,
            urn=school.urn,
            name=school.name,
            phase=school.phase.value,
            local_authority=school.local_authority,
            school_id=school.id,
            actor=_DEMO,
        )
    people = demo_people(trust.id)
    for person in people.values():
        adm.create_person(
            session,
            trust.id,
            name=person.name,
            email=person.email,
            roles=[r.value for r in person.roles],
            person_id=person.id,
            actor=_DEMO,
        )
    session.flush()
    registered = {f.id for f in session.exec(select(models.Framework))}
    # A visit cancelled on a laptop is not one the server holds: it would count as held.
    visits = [
        v
        for v in demo_visits(today, schools, people)
        if v.framework_id in registered and v.status is not VisitStatus.CANCELLED
    ]
    for visit in visits:
        team = [(r.person_id, r.role.value) for r in visit.reviewers]
        for person_id, _role in team:
            adm.assign(session, person_id, visit.school_id, actor=_DEMO)
        adm.create_visit(
            session,
            visit.school_id,
            visit.framework_id,
            start=visit.planned_start,
            end=visit.planned_end,
            team=team,
            visit_id=visit.id,
            actor=_DEMO,
        )
    session.flush()
    library = load_library(frameworks_folder)
    reviews = seed_demo_history(session, library, schools, people, visits, today)
    log.info("Demo history: %d reviews and the schools' tiers", reviews)
    _seed_demo_meetings(session, people["mark"].id, today)
    for key, _label in _CONSOLE_PEOPLE:
        row = session.get(models.Person, people[key].id)
        assert row is not None
        set_demo_password(session, row, DEMO_PASSWORD)
        if Role.TRUST_ADMIN in people[key].roles or Role.SAFEGUARDING_LEAD in people[key].roles:
            row.totp_secret = new_totp_secret()
            session.add(row)
    log.info("Demo trust %s seeded on the server", DEMO_TRUST_NAME)
    return True


_MEETING_NOTES = (
    "Reviewed progress on the improvement plan's priorities; the head teacher to bring "
    "attendance figures by year group to the next meeting.",
    "Discussed staffing for next term and the outcome of the last health check's actions.",
    "Agreed the focus of the next visit and the support the trust will broker.",
)


def _seed_demo_meetings(session: Session, author_id: str, today: date) -> None:
    """CEO 1:1s as meeting notes, at each school's tier cadence (a few schools lapsed)."""
    from reviewer_app.server.cadence import cadence_board
    from reviewer_app.server.trust_picture import Viewer

    author = session.get(models.Person, author_id)
    assert author is not None
    board = cadence_board(session, Viewer.of(session, author), today)
    n = 0
    for row in board.rows:
        for item in row.items:
            if item.due.item.framework is not None or row.category is None:
                continue
            for day in demo_meeting_days(
                row.school.urn, row.category.agreed_on, item.due.item.every_weeks, today
            ):
                n += 1
                session.add(
                    models.MeetingNote(
                        id=f"demo-meeting-{row.school.urn}-{day.isoformat()}",
                        school_id=row.school.id,
                        activity=item.activity,
                        held_on=day,
                        notes=_MEETING_NOTES[n % len(_MEETING_NOTES)],
                        author_id=author_id,
                        recorded_at=datetime.combine(day, datetime.min.time(), UTC),
                    )
                )


def demo_accounts(session: Session) -> tuple[DemoAccount, ...]:
    """The demo's console sign-ins, as the sign-in page shows them."""
    accounts = []
    names = {key: name for key, name, _roles in DEMO_PEOPLE}
    for key, label in _CONSOLE_PEOPLE:
        email = demo_email(names[key])
        row = session.exec(select(models.Person).where(models.Person.email == email)).first()
        if row is None or row.password_hash is None:
            continue
        accounts.append(
            DemoAccount(
                label=f"{label} ({row.name})",
                email=row.email,
                password=DEMO_PASSWORD,
                totp_secret=row.totp_secret,
            )
        )
    return tuple(accounts)
