"""Visits planned on a laptop reach the trust and the team's laptops (SQLite and PostgreSQL).

Laptops are separate encrypted stores with their own keyrings, syncing with the real server on
loopback. A visit is saved the way the New visit dialog saves it (``Workspace.save_visit``); its
review is opened and written in as the editor does. A visit the server refuses is said once
(Needs attention, with the server's reason) and never becomes a sync error; its review stays on
the laptop. A visit made by an app that did not sync visits goes on the first sync after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlmodel import select
from sync_world import Laptop, LiveServer, World, build_world, serve_on

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.visits import Visit, VisitReviewer
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.services.review_session import open_review
from reviewer_app.services.visit_sync import VISITS_QUEUED
from reviewer_app.storage.local_settings import delete_setting
from reviewer_app.storage.outbox import OpState, pending_ops
from reviewer_app.storage.visit_repository import VisitRepository
from support.throwaway_postgres import BACKENDS

MakeLaptop = Callable[[str], Laptop]
WALK = "learning-walk"  # installed on every laptop (frameworks/learning-walk.yaml)


@pytest.fixture(scope="module", params=BACKENDS)
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The real server on SQLite and on PostgreSQL (this module's tests run on both)."""
    yield from serve_on(request.param, tmp_path_factory.mktemp("visit-server"))


@pytest.fixture
def world(server: LiveServer) -> World:
    """Lee (lead reviewer), Pat and Sam (peer reviewers), all assigned to Ash Primary, and a
    visit the console planned (so each laptop meets the others at its first sync)."""
    return build_world(server, framework_id=WALK, framework_title="Learning walk")


def _enrolled(laptop: MakeLaptop, name: str, person: str) -> Laptop:
    device = laptop(name)
    device.enrol(person)
    device.sync.sync_now()
    return device


def _plan(device: Laptop, world: World, *team: tuple[str, Role], day: int = 11) -> Visit:
    visit = Visit(
        id=new_id(),
        school_id=world.school,
        framework_id=WALK,
        planned_start=date(2026, 5, day),
        planned_end=date(2026, 5, day + 1),
        reviewers=tuple(VisitReviewer(p, r) for p, r in team),
    )
    return device.workspace.save_visit(visit)


def _server_visit(server: LiveServer, visit_id: str) -> models.Visit | None:
    with write_session(server.engine) as session:
        return session.get(models.Visit, visit_id)


def test_a_visit_planned_on_the_leads_laptop_reaches_the_team_with_its_review(
    server: LiveServer, world: World, laptop: MakeLaptop
) -> None:
    lee = _enrolled(laptop, "lee", world.lead)
    pat = _enrolled(laptop, "pat", world.peer)
    visit = _plan(lee, world, (world.lead, Role.LEAD_REVIEWER), (world.peer, Role.PEER_REVIEWER))
    review = open_review(lee.workspace, visit.id, with_notes=False).review
    lee.reviews.add_note(review.id, "Year 4 pupils explained their reasoning")

    result = lee.sync.sync_now()  # the visit first, then its review
    assert result.rejected == 0
    held = _server_visit(server, visit.id)
    assert held is not None
    assert held.planned_by == world.lead
    assert (held.planned_start, held.planned_end) == (date(2026, 5, 11), date(2026, 5, 12))
    with lee.workspace.store.reading() as session:
        assert pending_ops(session) == []

    pat.sync.sync_now()
    assert pat.workspace.get_visit(visit.id).reviewers == visit.reviewers
    received = pat.reviews.review_for_visit(visit.id)
    assert received is not None
    assert received.id == review.id
    notes = pat.reviews.notes(review.id)
    assert [n.text for n in notes] == ["Year 4 pupils explained their reasoning"]

    # Lee moves the visit a week on and adds Sam: the team's laptops follow.
    moved = Visit(
        id=visit.id,
        school_id=visit.school_id,
        framework_id=WALK,
        planned_start=date(2026, 5, 18),
        planned_end=date(2026, 5, 18),
        reviewers=(*visit.reviewers, VisitReviewer(world.peer2, Role.PEER_REVIEWER)),
    )
    lee.workspace.save_visit(moved)
    lee.sync.sync_now()
    pat.sync.sync_now()
    assert pat.workspace.get_visit(visit.id).planned_start == date(2026, 5, 18)
    sam = _enrolled(laptop, "sam", world.peer2)
    assert sam.reviews.review_for_visit(visit.id) is not None


def test_a_refused_visit_is_said_once_and_its_review_stays_on_the_laptop(
    server: LiveServer, world: World, laptop: MakeLaptop
) -> None:
    pat = _enrolled(laptop, "pat", world.peer)  # a peer reviewer: may not plan visits
    visit = _plan(pat, world, (world.peer, Role.LEAD_REVIEWER))
    review = open_review(pat.workspace, visit.id, with_notes=False).review
    pat.reviews.add_note(review.id, "Kept safe while the visit waits")

    first = pat.sync.sync_now()  # no exception: the refusal is an answer, not an error
    assert first.rejected == 1
    assert "Only a lead reviewer or improvement partner" in first.rejections[0].message
    assert _server_visit(server, visit.id) is None
    attention = pat.sync.needs_attention()
    assert [op.entity for op in attention] == [Entity.VISIT]
    assert "ask your lead reviewer or trust admin" in (attention[0].last_error or "")

    again = pat.sync.sync_now()
    assert again.rejected == 0
    assert again.pushed == 0  # the review's changes wait; nothing is sent again
    assert len(pat.sync.needs_attention()) == 1
    notes = pat.reviews.notes(review.id)
    assert [n.text for n in notes] == ["Kept safe while the visit waits"]
    assert pat.workspace.get_visit(visit.id) == visit


def test_visits_made_before_the_upgrade_go_on_the_first_sync_after_it(
    server: LiveServer, world: World, laptop: MakeLaptop
) -> None:
    lee = _enrolled(laptop, "lee", world.lead)
    # As the earlier app left the store: a visit with no outbox row, never marked as queued.
    old = Visit(
        id=new_id(),
        school_id=world.school,
        framework_id=WALK,
        planned_start=date(2026, 4, 20),
        planned_end=date(2026, 4, 20),
        reviewers=(VisitReviewer(world.lead, Role.LEAD_REVIEWER),),
    )
    with lee.workspace.store.writing() as session:
        VisitRepository(session).save_visit(old)
        delete_setting(session, VISITS_QUEUED)
    review = open_review(lee.workspace, old.id, with_notes=False).review

    result = lee.sync.sync_now()
    assert result.rejected == 0
    assert _server_visit(server, old.id) is not None
    with write_session(server.engine) as session:
        assert session.get(models.Review, review.id) is not None
        # The console's visit, which the server listed, was not sent back to it.
        applied = session.exec(select(models.AppliedVisitOp.visit_id)).all()
    assert applied == [old.id]
    with lee.workspace.store.reading() as session:
        assert {op.state for op in pending_ops(session)} <= {OpState.PENDING}
        assert pending_ops(session) == []
    assert lee.sync.sync_now().pushed == 0  # queued once only
