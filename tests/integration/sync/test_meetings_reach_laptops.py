"""Meetings recorded on the trust console (a CEO 1:1) reach the laptops of the people who see
the school, through the real server on loopback: a reviewer's My work counts them towards the
school's support cadence as the console's Cadence board does (the same figures for the same
data), and a school she is not assigned to sends her nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from sqlmodel import Session
from sync_world import Laptop, LiveServer, World

from reviewer_app.domain.organisation import Trust
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server.cadence import cadence_board, record_meeting
from reviewer_app.server.database import write_session
from reviewer_app.server.trust_picture import Viewer
from reviewer_app.services import meetings_held
from reviewer_app.services.my_work import my_work
from reviewer_app.storage.organisation_repository import OrganisationRepository

CEO = "CEO 1:1"


def _on_tiers(device: Laptop) -> Laptop:
    """The laptop's trust on the four school improvement tiers (a CEO 1:1 every 4 weeks in
    'grow')."""
    workspace = device.workspace
    trust = workspace.trust
    with workspace.store.writing() as session:
        OrganisationRepository(session).save_trust(
            Trust(id=trust.id, name=trust.name, profile_id="four-tier-trust")
        )
    workspace.reload_identity()
    return device


def _ready(laptop: Callable[[str], Laptop], name: str, person_id: str) -> Laptop:
    device = laptop(name)
    device.enrol(person_id)
    device.sync.sync_now()
    return _on_tiers(device)


def _laptop_overdue(device: Laptop, today: date) -> set[tuple[str, str]]:
    return {(i.school.id, i.due.item.activity) for i in my_work(device.workspace, today).support}


def _console_overdue(server: LiveServer, person_id: str, today: date) -> set[tuple[str, str]]:
    with Session(server.engine) as session:
        person = session.get(models.Person, person_id)
        assert person is not None
        board = cadence_board(session, Viewer.of(session, person), today)
    return {(r.school.id, i.activity) for r in board.rows for i in r.items if i.state == "overdue"}


def _note(server: LiveServer, author_id: str, school_id: str, held_on: date, today: date) -> None:
    with write_session(server.engine) as session:
        author = session.get(models.Person, author_id)
        assert author is not None
        record_meeting(
            session, Viewer.of(session, author), school_id=school_id, activity="ceo 1:1",
            held_on=held_on, notes="Agreed the reading plan; next steps with the head.",
            today=today,
        )  # fmt: skip


def test_a_ceo_one_to_one_recorded_on_the_console_reaches_my_work(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    today = date.today()
    with write_session(server.engine) as s:
        other = adm.create_school(s, world.trust, urn="100009", name="Elm Junior", phase="primary")
        admin = adm.create_person(
            s, world.trust, name="Ada Admin", email="ada@oak.example", roles=["trust_admin"]
        ).id
    lead = _ready(laptop, "lead", world.lead)
    lead.workspace.categories.agree(
        world.school, "grow", "Reading needs a push", agreed_on=today - timedelta(weeks=10)
    )
    lead.sync.sync_now()
    pat = _ready(laptop, "pat", world.peer)  # a peer reviewer assigned to Ash Primary
    assert pat.workspace.categories.current(world.school) is not None

    # Synced, before any meeting: the CEO 1:1 the category asks for is overdue, never held, on
    # her laptop as on the console.
    before = _laptop_overdue(pat, today)
    assert (world.school, CEO) in before
    assert before == _console_overdue(server, world.peer, today)
    work = my_work(pat.workspace, today)
    assert work.meetings_as_of is not None
    (ceo,) = (i for i in work.support if i.due.item.activity == CEO)
    assert ceo.due.last_done is None
    assert ceo.due.describe(today).endswith("(none yet)")

    # The lead records a CEO 1:1 on the console (typed in lower case: kept under the
    # cadence's name); the admin records one with a school Pat is not assigned to.
    held = today - timedelta(weeks=1)
    _note(server, world.lead, world.school, held, today)
    _note(server, admin, other.id, today - timedelta(days=2), today)
    pat.sync.sync_now()

    after = _laptop_overdue(pat, today)
    assert (world.school, CEO) not in after
    assert after == before - {(world.school, CEO)}
    assert after == _console_overdue(server, world.peer, today)
    due = next(
        d for d in pat.workspace.categories.support_due(world.school, today)
        if d.item.activity == CEO
    )  # fmt: skip
    assert (due.last_done, due.due) == (held, held + timedelta(weeks=4))
    assert f"(last {held.day} " in due.describe(today)
    with pat.workspace.store.reading() as session:
        stored = meetings_held.stored(session)
    assert stored is not None
    assert stored.by_school == {world.school: {CEO: [held]}}  # not Elm Junior's

    # The admin sees every school: both meetings come to her laptop.
    ada = _ready(laptop, "ada", admin)
    with ada.workspace.store.reading() as session:
        theirs = meetings_held.stored(session)
    assert theirs is not None
    assert set(theirs.by_school) == {world.school, other.id}
