"""Sync against the real server on loopback: two laptops with real encrypted stores."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select
from sync_world import Laptop, LiveServer, World

from reviewer_app.domain.review import current_judgements
from reviewer_app.server import models
from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import revoke_device
from reviewer_app.sync.client import ReEnrolRequiredError, ServerUnreachableError
from support.laptop_records import framework_snapshot
from support.photos import photo_bytes

FIELD = "quality_of_education.strengths"

MakeLaptop = Callable[[str], Laptop]


def test_records_travel_between_two_laptops(world: World, laptop: MakeLaptop) -> None:
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    first = peer.sync.sync_now()
    assert first.pushed == 0
    # The review started on the server arrives with its visit, school and team.
    review = peer.reviews.get_review(world.review)
    assert peer.workspace.get_visit(world.visit).is_team_member(world.peer)

    photo = photo_bytes("pupils' books", "PNG")
    attachment = peer.reviews.add_attachment(review.id, "books.png", "image/png", photo)
    note = peer.reviews.add_note(
        review.id, "Pupils explained their reasoning", attachment_ids=(attachment.id,)
    )
    peer.reviews.propose_judgement(review.id, "qoe", "good", "Strong phonics")
    peer.reviews.set_field(review.id, FIELD, "Phonics is strong")
    pushed = peer.sync.sync_now()
    assert (pushed.pushed, pushed.accepted, pushed.blobs_uploaded) == (4, 4, 1)
    assert peer.sync.status().pending == 0

    lead.sync.sync_now()
    (got,) = lead.reviews.notes(review.id)
    assert (got.id, got.text, got.author_id) == (note.id, note.text, world.peer)
    (got_attachment,) = lead.reviews.attachments(review.id)
    assert lead.reviews.attachment_data(got_attachment) == photo
    assert lead.reviews.field_values(review.id)[FIELD].value == "Phonics is strong"
    proposals = current_judgements(lead.reviews.judgements(review.id))
    assert proposals[("qoe", world.peer, False)].level_key == "good"

    # A second laptop uploading the same photo skips the upload.
    lead.reviews.add_attachment(review.id, "copy.png", "image/png", photo)
    again = lead.sync.sync_now()
    assert (again.blobs_uploaded, again.blobs_skipped) == (0, 1)


def test_a_sync_with_nothing_to_do_is_one_round_trip(world: World, laptop: MakeLaptop) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    for index in range(30):
        peer.reviews.add_note(world.review, f"note {index}")
    busy = peer.sync.sync_now()
    assert busy.round_trips == 3  # handshake, push, pull of our own changes
    quiet = peer.sync.sync_now()
    assert quiet.round_trips == 1
    assert quiet.nothing_to_do


def test_stale_edit_becomes_a_conflict_the_lead_resolves(world: World, laptop: MakeLaptop) -> None:
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    lead.sync.sync_now()
    peer.sync.sync_now()
    lead.reviews.set_field(world.review, FIELD, "Phonics is strong")
    peer.reviews.set_field(world.review, FIELD, "Reading for pleasure")
    assert lead.sync.sync_now().accepted == 1
    result = peer.sync.sync_now()
    assert result.conflicts == 1
    lead.sync.sync_now()
    (conflict,) = lead.sync.open_conflicts()
    values = {(c.value, c.author_id) for c in conflict.candidates}
    assert values == {("Phonics is strong", world.lead), ("Reading for pleasure", world.peer)}
    # Until resolved both laptops show the server's value; the peer's is kept in the conflict.
    assert peer.reviews.field_values(world.review)[FIELD].value == "Phonics is strong"
    assert peer.sync.status().open_conflicts == 1

    from reviewer_app.domain.errors import PermissionDeniedError

    with pytest.raises(PermissionDeniedError):
        peer.sync.resolve_conflict(conflict.id, "mine", world.peer)
    lead.sync.resolve_conflict(conflict.id, "Phonics and reading for pleasure", world.lead)
    assert lead.sync.sync_now().accepted == 1
    peer.sync.sync_now()
    for device in (lead, peer):
        assert device.sync.open_conflicts() == []
        value = device.reviews.field_values(world.review)[FIELD]
        assert (value.value, value.version) == ("Phonics and reading for pleasure", 2)


def test_a_refused_change_never_blocks_the_rest(world: World, laptop: MakeLaptop) -> None:
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    lead.sync.sync_now()
    peer.sync.sync_now()
    mine = lead.reviews.add_attachment(world.review, "plan.pdf", "application/pdf", b"%PDF-1 plan")
    lead.sync.sync_now()
    peer.sync.sync_now()
    # Only the author or the lead may withdraw an attachment: the server refuses the peer's.
    peer.reviews.retract_attachment(world.review, mine.id)
    later = peer.reviews.add_note(world.review, "Behaviour in corridors was calm")
    result = peer.sync.sync_now()
    assert (result.rejected, result.accepted) == (1, 1)
    (refused,) = peer.sync.needs_attention()
    assert refused.entity_id == mine.id
    assert "who added this record, or the lead reviewer" in (refused.last_error or "")
    lead.sync.sync_now()
    assert [n.id for n in lead.reviews.notes(world.review)] == [later.id]
    assert peer.sync.status().needs_attention == 1


def test_dropped_answers_and_duplicates_apply_once(world: World, laptop: MakeLaptop) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    for index in range(5):
        peer.reviews.add_note(world.review, f"observation {index}")
    peer.transport.inject("drop_response", "/push")
    peer.transport.inject("duplicate", "/push")
    result = peer.sync.sync_now()
    assert result.accepted == 5
    with Session(peer.server.engine) as session:
        logged = session.exec(
            select(models.ChangeLog).where(models.ChangeLog.review_id == world.review)
        ).all()
    assert len(logged) == 5
    assert len(peer.reviews.notes(world.review)) == 5


def test_offline_then_revoked(world: World, laptop: MakeLaptop) -> None:
    peer = laptop("peer")
    enrolled = peer.enrol(world.peer)
    for _ in range(3):
        peer.transport.inject("drop_request")
    with pytest.raises(ServerUnreachableError):
        peer.sync.sync_now()
    peer.sync.sync_now()
    with write_session(peer.server.engine) as session:
        revoke_device(session, enrolled.device_id)
    with pytest.raises(ReEnrolRequiredError) as caught:
        peer.sync.sync_now()
    assert "revoked" in str(caught.value)


def test_a_review_started_offline_reaches_the_team_with_its_framework(
    server: LiveServer, laptop: MakeLaptop
) -> None:
    from datetime import date

    from sync_world import WALK

    from reviewer_app.server import administration as adm

    with write_session(server.engine) as s:
        trust = adm.create_trust(s, "Elm Trust").id
        school = adm.create_school(s, trust, urn="200002", name="Elm Infants", phase="primary").id
        adm.add_framework(s, WALK)
        lead_id = adm.create_person(s, trust, name="Lee", email="lee@elm.example").id
        peer_id = adm.create_person(s, trust, name="Pat", email="pat@elm.example").id
        for person in (lead_id, peer_id):
            adm.assign(s, person, school)
        visit = adm.create_visit(
            s, school, WALK, start=date(2026, 6, 1), end=date(2026, 6, 2),
            team=[(lead_id, "lead_reviewer"), (peer_id, "peer_reviewer")],
        ).id  # fmt: skip
    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(lead_id)
    peer.enrol(peer_id)
    lead.sync.sync_now()
    peer.sync.sync_now()
    version, content_hash, snapshot = framework_snapshot(WALK)
    review = lead.reviews.start_review(
        visit, framework_id=WALK, framework_version=version, framework_hash=content_hash,
        framework_snapshot=snapshot,
    )  # fmt: skip
    lead.reviews.add_note(review.id, "Calm start to the day")
    assert lead.sync.sync_now().accepted == 2
    peer.sync.sync_now()
    arrived = peer.reviews.get_review(review.id)
    assert (arrived.framework_version, arrived.framework_hash) == (version, content_hash)
    assert peer.reviews.framework_snapshot(review.id) == snapshot
    assert [n.text for n in peer.reviews.notes(review.id)] == ["Calm start to the day"]


def test_pulled_pages_are_stored_in_order_and_a_failed_page_stops_the_rest(
    world: World, laptop: MakeLaptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages are stored on a helper thread while the next one is fetched: storing stays one
    # page at a time, in order, and a page that cannot be stored stops the pages after it.
    from reviewer_app.services.sync_apply import StoreApplier
    from reviewer_app.sync import engine
    from reviewer_app.sync.protocol import ChangesPage, ReviewSummary

    lead, peer = laptop("lead"), laptop("peer")
    lead.enrol(world.lead)
    peer.enrol(world.peer)
    peer.sync.sync_now()
    lead.sync.sync_now()
    texts = [f"Observation {n}" for n in range(5)]
    for text in texts:
        peer.reviews.add_note(world.review, text)
    peer.sync.sync_now()

    monkeypatch.setattr(engine, "MAX_PULL_LIMIT", 2)  # five notes: pages of 2, 2 and 1
    store_page = StoreApplier.apply_page
    pages: list[int] = []

    def second_page_fails(self: StoreApplier, review: ReviewSummary, page: ChangesPage) -> None:
        pages.append(len(page.changes))
        if len(pages) == 2:
            raise OSError("disk full")
        store_page(self, review, page)

    monkeypatch.setattr(StoreApplier, "apply_page", second_page_fails)
    with pytest.raises(OSError, match="disk full"):
        lead.sync.sync_now()
    assert pages == [2, 2]  # the third page was fetched, never stored
    assert [n.text for n in lead.reviews.notes(world.review)] == texts[:2]

    monkeypatch.setattr(StoreApplier, "apply_page", store_page)
    assert lead.sync.sync_now().pulled == 3  # resumes from the first page's cursor
    assert [n.text for n in lead.reviews.notes(world.review)] == texts
