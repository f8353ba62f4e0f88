"""A laptop under the trust server's limits (issue 14, items 5-6), real stores on a real server:
a file the server will not take waits with the reason and is not tried again at every sync; a
server asking for a pause is waited for, not hammered; the device token rotates at every sync;
a laptop whose access lapsed enrols again and sends everything it kept."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select
from sync_world import Laptop, LiveServer, World, build_world

from reviewer_app.domain.errors import ValidationError
from reviewer_app.server import models
from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.enrolment import secret_sha256, utc_now
from reviewer_app.services import enrolment, upload_waits
from reviewer_app.storage.local_settings import get_setting, set_setting
from reviewer_app.sync.client import ReEnrolRequiredError, RetryPolicy, ServerBusyError

MakeLaptop = Callable[[str], Laptop]


@pytest.fixture
def small_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server that keeps at most 40 KB of unused files per laptop and takes two pushes a
    minute from each."""
    server = LiveServer(
        tmp_path / "small-server",
        limits=DeviceLimits(
            device_quota_bytes=40_000, pushes_per_minute=2, enrolments_per_minute=100
        ),
    )
    (tmp_path / "small-server").mkdir()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _puts_of(device: Laptop, sha: str) -> int:
    return sum(1 for method, path, _ in device.transport.sent if method == "PUT" and sha in path)


def _token(device: Laptop) -> str:
    server = enrolment.enrolled_server(device.workspace.store)
    assert server is not None
    token = enrolment.device_token(*server, device.workspace.store)
    assert token is not None
    return token


def test_a_file_over_the_quota_waits_with_the_reason_and_is_not_tried_at_every_sync(
    small_server: LiveServer, tmp_path: Path
) -> None:
    world = build_world(small_server)
    peer = Laptop(tmp_path / "peer", small_server)
    try:
        peer.enrol(world.peer)
        peer.sync.sync_now()
        big = b"%PDF-1.4\n" + os.urandom(60_000)  # a scanned plan, larger than the quota
        attachment = peer.reviews.add_attachment(world.review, "plan.pdf", "application/pdf", big)
        peer.reviews.add_note(world.review, "Pupils' work on the wall")
        first = peer.sync.sync_now()
        assert [sha for sha, _ in first.files_waiting] == [attachment.sha256]
        assert "no record uses yet" in first.files_waiting[0][1]
        assert first.accepted == 1  # the note went; the attachment waits for its file
        assert first.retry_later == 1
        status = peer.sync.status()
        (waiting,) = status.files_waiting
        assert waiting.name == "plan.pdf"
        assert "may hold 39 KB" in waiting.reason
        assert status.pending == 1

        # The next sync leaves the file alone while its pause lasts.
        puts = _puts_of(peer, attachment.sha256)
        peer.sync.sync_now()
        assert _puts_of(peer, attachment.sha256) == puts

        # The pause over and the trust's limit raised, it goes, and nothing waits any more.
        small_server.stop()
        small_server.limits = DeviceLimits(enrolments_per_minute=100)
        small_server.start()
        with peer.workspace.store.writing() as session:
            entries = json.loads(get_setting(session, upload_waits.FILES_WAITING) or "{}")
            past = (utc_now() - timedelta(minutes=1)).isoformat()
            entries[attachment.sha256]["next_try"] = past
            set_setting(session, upload_waits.FILES_WAITING, json.dumps(entries))
        done = peer.sync.sync_now()
        assert (done.blobs_uploaded, done.accepted, done.files_waiting) == (1, 1, [])
        assert peer.sync.status().files_waiting == ()
        assert peer.sync.status().pending == 0
    finally:
        peer.close()


def test_a_server_asking_for_a_long_pause_is_not_hammered_and_nothing_is_lost(
    small_server: LiveServer, tmp_path: Path
) -> None:
    world = build_world(small_server)
    lead = Laptop(
        tmp_path / "lead",
        small_server,
        retry=RetryPolicy(attempts=3, initial_wait=0.01, max_wait=0.05, longest_retry_after=1),
    )
    try:
        lead.enrol(world.lead)
        lead.sync.sync_now()  # brings the review
        for text in ("First", "Second", "Third"):
            lead.reviews.add_note(world.review, text)
            try:
                lead.sync.sync_now()
            except ServerBusyError as busy:
                refused = busy
                break
        else:
            pytest.fail("the third push within a minute was not refused")
        assert 1 < refused.retry_after <= 60
        assert "asked this laptop to wait" in refused.message
        pushes = [p for m, p, _ in lead.transport.sent if m == "POST" and p.endswith("/push")]
        assert len(pushes) == 3  # the refused push was not sent again within the sync
        assert lead.sync.status().pending == 1  # kept for the next sync
    finally:
        lead.close()


def test_the_device_token_rotates_at_every_sync(world: World, laptop: MakeLaptop) -> None:
    lead = laptop("lead")
    lead.enrol(world.lead)
    enrolled_with = _token(lead)
    lead.sync.sync_now()
    second = _token(lead)
    lead.sync.sync_now()
    third = _token(lead)
    assert len({enrolled_with, second, third}) == 3
    enrolled = enrolment.enrolled_server(lead.workspace.store)
    assert enrolled is not None
    with Session(lead.server.engine) as session:
        device = session.get(models.Device, enrolled[1])
    assert device is not None
    assert device.token_sha256 == secret_sha256(third)
    # The enrolment token works no more; the laptop syncs on.
    stale = httpx.post(
        f"{lead.server.base_url}/handshake",
        json={"protocol_version": 1, "client_schema_version": 1},
        headers={"Authorization": f"Bearer {enrolled_with}"},
    )
    assert stale.status_code == 401
    lead.reviews.add_note(world.review, "Still syncing")
    assert lead.sync.sync_now().accepted == 1


def test_a_laptop_whose_access_lapsed_enrols_again_and_sends_what_it_kept(
    world: World, laptop: MakeLaptop, server: LiveServer
) -> None:
    peer = laptop("peer")
    peer.enrol(world.peer)
    peer.sync.sync_now()
    note = peer.reviews.add_note(world.review, "Written while away")
    with Session(server.engine) as session:
        for device in session.exec(select(models.Device)).all():
            device.last_seen_at = utc_now() - timedelta(days=120)
            session.add(device)
        session.commit()
    with pytest.raises(ReEnrolRequiredError) as lapsed:
        peer.sync.sync_now()
    assert lapsed.value.code == "token_expired"
    assert "nothing on this laptop is lost" in lapsed.value.message
    assert peer.sync.status().pending == 1  # kept: a lapse is not a revocation
    assert [n.id for n in peer.reviews.notes(world.review)] == [note.id]

    peer.enrol(world.peer)
    done = peer.sync.sync_now()
    assert done.accepted == 1
    assert peer.sync.status().pending == 0
    lead = laptop("lead")
    lead.enrol(world.lead)
    lead.sync.sync_now()
    assert [n.text for n in lead.reviews.notes(world.review)] == ["Written while away"]


def test_a_file_past_the_reviews_total_is_refused_when_attached(tmp_path: Path) -> None:
    folder = tmp_path / "review-limit-server"
    folder.mkdir()
    server = LiveServer(folder, limits=DeviceLimits(review_file_bytes=50_000))
    server.start()
    lead = Laptop(tmp_path / "lead", server)
    try:
        world = build_world(server)
        lead.enrol(world.lead)
        first = b"%PDF-1.4\n" + os.urandom(30_000)
        lead.sync.sync_now()  # brings the review, and the trust's limits
        lead.reviews.add_attachment(world.review, "plan.pdf", "application/pdf", first)
        second = b"%PDF-1.4\n" + os.urandom(30_000)
        with pytest.raises(ValidationError) as refused:
            lead.reviews.add_attachment(world.review, "timetable.pdf", "application/pdf", second)
        assert refused.value.message == (
            "timetable.pdf (29 KB) was not attached: this review's files already take 29 KB of "
            "the 49 KB the trust server keeps for one review."
        )
        # The same file again (for another note) takes no more room.
        lead.reviews.add_attachment(world.review, "plan-copy.pdf", "application/pdf", first)
        done = lead.sync.sync_now()
        assert (done.accepted, done.rejected) == (2, 0)
    finally:
        lead.close()
        server.stop()
