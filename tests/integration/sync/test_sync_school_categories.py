"""Agreed school categories travel through the real trust server on loopback: pushed exactly
once, pulled by every laptop of a person assigned to the school (and by no one else), refused
with a reason when the sender may not agree categories, never blocking the rest of the queue."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from sync_world import Laptop, LiveServer, World

from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Phase, School, Trust
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.school_category import SchoolCategory
from reviewer_app.server import administration as adm
from reviewer_app.server.database import write_session
from reviewer_app.services import enrolment
from reviewer_app.storage import outbox
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.tables import OutboxRow
from reviewer_app.sync.client import RequestRefusedError, SyncClient


def _on_oldham(device: Laptop) -> None:
    """Put the laptop's trust on a profile with a categorisation scheme."""
    workspace = device.workspace
    trust = workspace.trust
    with workspace.store.writing() as session:
        OrganisationRepository(session).save_trust(
            Trust(id=trust.id, name=trust.name, profile_id="oldham")
        )
    workspace.reload_identity()


def _ready(laptop: Callable[[str], Laptop], name: str, person_id: str) -> Laptop:
    device = laptop(name)
    device.enrol(person_id)
    device.sync.sync_now()
    _on_oldham(device)
    return device


def _server_count(server: LiveServer, table: str) -> int:
    with server.engine.connect() as connection:
        return int(connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def _client(device: Laptop) -> SyncClient:
    enrolled = enrolment.enrolled_server(device.workspace.store)
    assert enrolled is not None
    url, device_id = enrolled
    return device.client_for(url, enrolment.device_token(url, device_id))


def _other_school(server: LiveServer, world: World, device: Laptop) -> str:
    """A second school of the trust that ``device``'s person is not assigned to (known to the
    laptop all the same, as a school of its trust)."""
    with write_session(server.engine) as s:
        school = adm.create_school(
            s, world.trust, urn="100009", name="Elm Junior", phase="primary"
        ).id
    device.workspace.save_school(
        School(
            id=school, trust_id=device.workspace.trust.id, urn="100009", name="Elm Junior",
            phase=Phase.PRIMARY,
        )
    )  # fmt: skip
    return school


def test_a_category_agreed_on_one_laptop_is_current_on_another(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    lead = _ready(laptop, "lead", world.lead)
    category = lead.workspace.categories.agree(
        world.school, "amber", "Reading needs targeted support"
    )
    assert lead.sync.status().pending == 1

    result = lead.sync.sync_now()
    assert (result.pushed, result.accepted, result.rejected) == (1, 1, 0)
    assert lead.sync.status().pending == 0
    with lead.workspace.store.reading() as session:
        assert outbox.ops_needing_attention(session) == []
        assert outbox.pending_ops(session) == []
    assert _server_count(server, "school_category") == 1

    peer = _ready(laptop, "peer", world.peer)
    assert peer.workspace.categories.current(world.school) == category
    overview = peer.workspace.categories.overview(world.school)
    assert overview.current == category
    assert overview.agreed_by_name == "Lee Lead"
    assert overview.level is not None
    assert overview.level.key == "amber"
    assert peer.sync.status().pending == 0  # pulled, not queued to be sent back

    # Nothing new: one round trip, nothing applied again.
    again = peer.sync.sync_now()
    assert again.nothing_to_do
    assert again.round_trips == 1
    assert len(peer.workspace.categories.history(world.school)) == 1

    # The lead pulls its own category back once (already held), then is up to date too.
    lead.sync.sync_now()
    assert len(lead.workspace.categories.history(world.school)) == 1
    assert lead.sync.sync_now().round_trips == 1


def test_a_newer_category_agreed_elsewhere_becomes_current(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    with write_session(server.engine) as s:
        adm.grant_role(s, world.peer2, "trust_admin")  # the central team
    lead = _ready(laptop, "lead", world.lead)
    central = _ready(laptop, "central", world.peer2)
    first = lead.workspace.categories.agree(
        world.school, "amber", "Reading needs targeted support", agreed_on=date(2026, 9, 1)
    )
    lead.sync.sync_now()
    central.sync.sync_now()
    assert central.workspace.categories.current(world.school) == first

    second = central.workspace.categories.agree(
        world.school, "green", "Phonics recovered; secure at the spring visit"
    )
    central.sync.sync_now()
    result = lead.sync.sync_now()
    assert result.pulled >= 1
    assert lead.workspace.categories.current(world.school) == second
    assert [c.id for c in lead.workspace.categories.history(world.school)] == [first.id, second.id]
    assert lead.workspace.categories.overview(world.school).agreed_by_name == "Sam Second"


def test_a_person_not_assigned_to_the_school_never_receives_it(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    with write_session(server.engine) as s:
        elsewhere = adm.create_school(
            s, world.trust, urn="100007", name="Oak Infants", phase="primary"
        ).id
        outsider = adm.create_person(
            s, world.trust, name="Owen Out", email="owen@oak.example", roles=["lead_reviewer"]
        ).id
        adm.assign(s, outsider, elsewhere)
    lead = _ready(laptop, "lead", world.lead)
    lead.workspace.categories.agree(world.school, "red", "Safeguarding culture is weak")
    lead.sync.sync_now()

    other = _ready(laptop, "outsider", outsider)
    other.sync.sync_now()
    assert other.workspace.categories.history(world.school) == []
    with other.workspace.store.reading() as session:
        assert OrganisationRepository(session).get_school(world.school) is None
    client = _client(other)
    assert client.handshake(1).school_categories == []
    with pytest.raises(RequestRefusedError) as refused:
        client.pull_categories(world.school, 0)
    assert refused.value.status == 404
    assert f"no school {world.school}" in refused.value.message

    # Once unassigned, a person who saw it receives no newer category either.
    peer = _ready(laptop, "peer", world.peer)
    assert len(peer.workspace.categories.history(world.school)) == 1
    with write_session(server.engine) as s:
        adm.unassign(s, world.peer, world.school)
    lead.workspace.categories.agree(world.school, "amber", "Improving after the action plan")
    lead.sync.sync_now()
    peer.sync.sync_now()
    assert len(peer.workspace.categories.history(world.school)) == 1


def test_a_sender_without_the_role_is_refused_and_the_queue_still_goes(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    lead = _ready(laptop, "lead", world.lead)
    elsewhere = _other_school(server, world, lead)
    # Agreed offline while still a lead reviewer; the trust takes the role away before the sync.
    lead.workspace.categories.agree(world.school, "amber", "Reading needs targeted support")
    lead.reviews.add_note(world.review, "Phonics groups well matched")
    with write_session(server.engine) as s:
        adm.revoke_role(s, world.lead, "lead_reviewer")
        adm.grant_role(s, world.lead, "peer_reviewer")

    result = lead.sync.sync_now()
    assert (result.pushed, result.accepted, result.rejected) == (2, 1, 1)
    [refusal] = result.rejections
    assert refusal.reason == "not_allowed"
    assert "Only a lead reviewer or a trust admin" in refusal.message
    assert lead.sync.status().pending == 0
    [attention] = lead.sync.needs_attention()
    assert attention.entity is Entity.SCHOOL_CATEGORY
    assert attention.last_error is not None
    assert "lead reviewer" in attention.last_error
    assert _server_count(server, "school_category") == 0

    # With the role back: one category for an assigned school goes, one for a school the lead
    # does not review is refused; both in the same batch.
    with write_session(server.engine) as s:
        adm.grant_role(s, world.lead, "lead_reviewer")
    # The laptop learns the person's trust roles from the server at its next sync.
    lead.sync.sync_now()
    lead.workspace.reload_identity()
    kept = lead.workspace.categories.agree(world.school, "green", "Secure across the board")
    lead.workspace.categories.agree(elsewhere, "amber", "Not ours to categorise")
    result = lead.sync.sync_now()
    assert (result.pushed, result.accepted, result.rejected) == (2, 1, 1)
    assert "no school" in (result.rejections[0].message or "")
    assert lead.sync.status().pending == 0
    peer = _ready(laptop, "peer", world.peer)
    assert peer.workspace.categories.current(world.school) == kept


def test_replay_after_a_lost_answer_is_idempotent(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    lead = _ready(laptop, "lead", world.lead)
    category = lead.workspace.categories.agree(
        world.school, "amber", "Reading needs targeted support"
    )
    # The server commits, the answer is lost; the client sends the batch again.
    lead.transport.inject("drop_response", "/school-categories/push")
    result = lead.sync.sync_now()
    assert (result.accepted, result.rejected) == (1, 0)
    assert ("drop_response", "/school-categories/push") in lead.transport.injected
    assert _server_count(server, "school_category") == 1
    assert _server_count(server, "applied_category_op") == 1

    # The laptop forgets the answer (restored from a backup): sending again changes nothing.
    with lead.workspace.store.writing() as session:
        row = session.exec(sa.select(OutboxRow).where(OutboxRow.entity_id == category.id))
        queued = row.scalar_one()
        queued.state = outbox.OpState.PENDING.value
        session.add(queued)
    result = lead.sync.sync_now()
    assert (result.pushed, result.accepted, result.rejected) == (1, 1, 0)
    assert _server_count(server, "school_category") == 1
    assert lead.sync.status().pending == 0

    peer = _ready(laptop, "peer", world.peer)
    assert peer.workspace.categories.history(world.school) == [category]


def test_an_unsendable_category_is_set_aside_not_blocking(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop], expected_log: Any
) -> None:
    expected_log(logging.WARNING, "cannot be sent: rationale")
    lead = _ready(laptop, "lead", world.lead)
    broken = SchoolCategory(
        id=new_id(), school_id=world.school, scheme_id="oldham-support-levels",
        scheme_version="1", level_key="amber", level_label="Amber",
        agreed_on=date(2026, 3, 3), agreed_by=world.lead, rationale="x" * 30_000,
        recorded_at=lead.workspace.categories.agree(
            world.school, "green", "Secure"
        ).recorded_at,
    )  # fmt: skip
    from reviewer_app.storage.school_category_repository import SchoolCategoryRepository

    with lead.workspace.store.writing() as session:
        SchoolCategoryRepository(session).add(broken)
    result = lead.sync.sync_now()
    assert (result.pushed, result.accepted) == (1, 1)
    assert lead.sync.status().pending == 0
    [attention] = lead.sync.needs_attention()
    assert attention.entity_id == broken.id
    assert attention.last_error is not None
    assert "rationale" in attention.last_error
    assert "x" * 100 not in attention.last_error  # where and what, not the text itself
