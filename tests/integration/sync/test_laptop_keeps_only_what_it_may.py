"""A laptop keeps only what its person may still read: unassigned from a school, the person's
laptop removes that school's review (records, photos, answers) at its next sync, after sending
what it still may, and says what it removed; work on a school still assigned stays. Real
server on loopback, real SQLCipher store."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlmodel import select
from sync_world import PEER_REVIEW, Laptop, LiveServer, World, build_world_with_framework

from reviewer_app.cli import main
from reviewer_app.server import administration as adm
from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import revoke_device
from reviewer_app.services.local_expiry import DATA_REMOVED
from reviewer_app.storage.tables import (
    AttachmentRow,
    AuditEntryRow,
    BlobRow,
    EvidenceNoteRow,
    OutboxRow,
    ReviewRow,
)
from reviewer_app.sync.client import ReEnrolRequiredError
from support.photos import photo_bytes


def test_unassigned_from_a_school_the_laptop_removes_its_review_at_the_next_sync(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    photo = peer.reviews.add_attachment(world.review, "display.jpg", "image/jpeg", photo_bytes("d"))
    peer.reviews.add_note(world.review, "Sent before the change", attachment_ids=(photo.id,))
    assert peer.sync.sync_now().accepted == 2
    assert peer.count(ReviewRow, id=world.review) == 1

    # Written offline after the trust unassigned Pat: no longer Pat's to send.
    with write_session(server.engine) as s:
        adm.unassign(s, world.peer, world.school)
    peer.reviews.add_note(world.review, "Written after the unassignment")

    result = peer.sync.sync_now()
    [removed] = peer.sync.applier.removed
    assert removed.startswith("Ash Primary: ")
    assert removed.endswith("(no longer assigned to the school)")
    assert result is not None
    assert peer.count(ReviewRow, id=world.review) == 0
    assert peer.count(EvidenceNoteRow, review_id=world.review) == 0
    assert peer.count(AttachmentRow, review_id=world.review) == 0
    assert peer.count(BlobRow, sha256=photo.sha256) == 0
    assert peer.count(OutboxRow, review_id=world.review) == 0
    with peer.workspace.store.reading() as session:
        entries = session.exec(
            select(AuditEntryRow).where(AuditEntryRow.action == DATA_REMOVED)
        ).all()
    assert len(entries) == 1
    assert world.review in entries[0].detail

    # The server kept everything Pat sent while still assigned.
    lead = laptop("lead")
    lead.enrol(world.lead)
    lead.sync.sync_now()
    notes = [n.text for n in lead.reviews.notes(world.review)]
    assert "Sent before the change" in notes
    assert "Written after the unassignment" not in notes


def test_a_review_still_readable_is_kept(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    peer.reviews.add_note(world.review, "Still mine")
    peer.sync.sync_now()
    peer.sync.sync_now()
    assert peer.sync.applier.removed == []
    assert peer.count(ReviewRow, id=world.review) == 1


def test_the_sync_command_says_what_it_removed(
    server: LiveServer,
    world: World,
    laptop: Callable[[str], Laptop],
    capsys: pytest.CaptureFixture[str],
) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    with write_session(server.engine) as s:
        adm.unassign(s, world.peer, world.school)
    peer.workspace.close()  # the command opens the store itself
    assert main(["sync", "--data-dir", str(peer.folder)]) == 0
    out = capsys.readouterr().out
    assert "Removed from this laptop: Ash Primary: " in out
    assert "(no longer assigned to the school)." in out


def test_a_revoked_laptop_removes_every_review_at_its_next_contact(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop]
) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    photo = peer.reviews.add_attachment(world.review, "wall.jpg", "image/jpeg", photo_bytes("w"))
    assert peer.sync.sync_now().accepted == 1
    with write_session(server.engine) as s:
        [device] = adm.list_devices(s, world.peer)
        revoke_device(s, device.id)

    with pytest.raises(ReEnrolRequiredError) as refused:
        peer.sync.sync_now()
    assert refused.value.code == "device_revoked"
    [removed] = peer.sync.applier.removed
    assert removed.endswith("(this laptop was revoked)")
    assert peer.count(ReviewRow) == 0
    assert peer.count(AttachmentRow) == 0
    assert peer.count(BlobRow, sha256=photo.sha256) == 0


def test_losing_the_safeguarding_role_removes_the_restricted_parts_of_an_open_review(
    server: LiveServer, laptop: Callable[[str], Laptop], tmp_path: Path
) -> None:
    """A peer reviewer who was the visit's safeguarding lead keeps the peer review but not its
    single central record sample: the restricted answers and notes (sent or not) leave the
    laptop at the next sync; the rest stays and is sent."""
    world = build_world_with_framework(server, tmp_path / "starter", PEER_REVIEW)
    with write_session(server.engine) as s:
        adm.grant_role(s, world.peer, "safeguarding_lead")
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    peer.reviews.set_field(world.review, "scr-sample.records-sampled", 12)
    peer.reviews.add_note(world.review, "SCR sample: two gaps", criterion_ids=("scr-sample",))
    peer.reviews.add_note(
        world.review, "Pupils spoke warmly of the DSL", criterion_ids=("safeguarding",)
    )
    assert peer.sync.sync_now().accepted == 3

    with write_session(server.engine) as s:
        adm.revoke_role(s, world.peer, "safeguarding_lead")
    # Written offline, before the laptop hears of it.
    peer.reviews.add_note(world.review, "SCR: gaps closed", criterion_ids=("scr-sample",))
    peer.reviews.add_note(
        world.review, "Assembly on online safety", criterion_ids=("safeguarding",)
    )

    peer.sync.sync_now()
    [removed] = peer.sync.applier.removed
    assert removed == (
        "Ash Primary: 3 restricted record(s), answer(s) and signed report(s) of the Two-day "
        "peer review (for safeguarding roles only)"
    )
    texts = {n.text for n in peer.reviews.notes(world.review)}
    assert texts == {"Pupils spoke warmly of the DSL", "Assembly on online safety"}
    assert "scr-sample.records-sampled" not in peer.reviews.field_values(world.review)
    assert peer.count(ReviewRow, id=world.review) == 1
    assert not peer.sync.needs_attention()
    assert peer.count(OutboxRow, state="pending") == 0

    # What the peer may still send reached the server; the restricted note written offline did not.
    lead = laptop("lead")
    lead.enrol(world.lead)
    lead.sync.sync_now()
    sent = {n.text for n in lead.reviews.notes(world.review)}
    assert "Assembly on online safety" in sent
    assert "SCR: gaps closed" not in sent
