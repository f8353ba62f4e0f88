"""Retention reaches laptops (issue 20, items 2 and 3): a review the trust purged under its
retention schedule leaves the laptop at its next sync, photos and visit included; a review
synced and fully signed longer ago than the trust's period for laptop copies is dropped from
the laptop while the server keeps it. Real server on loopback, real SQLCipher stores, real
signatures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select
from sync_world import Laptop, LiveServer, World

from reviewer_app.server import administration as adm
from reviewer_app.server import app as server_app
from reviewer_app.server import models
from reviewer_app.server import retention as schedule
from reviewer_app.server import retention_purge as purge
from reviewer_app.server.database import write_session
from reviewer_app.services.local_expiry import DATA_REMOVED
from reviewer_app.services.report_service import ReportService
from reviewer_app.storage.tables import (
    AttachmentRow,
    AuditEntryRow,
    BlobRow,
    ReviewRow,
    SignedReportRow,
    VisitRow,
)
from support.photos import photo_bytes


def test_a_purged_review_leaves_the_laptop_at_its_next_sync(
    server: LiveServer, world: World, laptop: Callable[[str], Laptop], tmp_path: Path
) -> None:
    lead = laptop("lead")
    lead.enrol(world.lead)
    lead.sync.sync_now()
    photo = lead.reviews.add_attachment(world.review, "wall.jpg", "image/jpeg", photo_bytes("w"))
    lead.reviews.add_note(world.review, "Reading corner well used", attachment_ids=(photo.id,))
    assert lead.sync.sync_now().accepted == 2

    key = purge.TombstoneKey(tmp_path / "retention")
    with write_session(server.engine) as s:
        purged = purge.apply(s, world.trust, key, today=date(2032, 9, 2))
    assert [t.review_ids for t in purged.tombstones if t.kind == "visit"] == [[world.review]]

    lead.sync.sync_now()
    [removed] = lead.sync.applier.removed
    assert removed.startswith("Ash Primary: ")
    assert "(deleted by the trust's retention schedule: Reviews with Learning walk: 6 years" in (
        removed
    )
    assert lead.count(ReviewRow, id=world.review) == 0
    assert lead.count(VisitRow, id=world.visit) == 0
    assert lead.count(AttachmentRow) == 0
    assert lead.count(BlobRow, sha256=photo.sha256) == 0
    with lead.workspace.store.reading() as session:
        [entry] = session.exec(
            select(AuditEntryRow).where(AuditEntryRow.action == DATA_REMOVED)
        ).all()
    assert "retention schedule" in entry.summary

    # Said once: the next sync has nothing more to remove.
    lead.sync.sync_now()
    assert lead.sync.applier.removed == []


def test_a_signed_and_synced_review_is_dropped_after_the_trusts_period(
    ca_server: LiveServer,
    team: tuple[World, Laptop, Laptop, Laptop],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world, lee, pat, sam = team
    for device in (pat, sam, lee):  # the sign-off order
        device.sync.sync_now()
        ReportService(device.workspace, device.paths).sign(world.visit, "school_facing")
        device.sync.sync_now()
    pat.sync.sync_now()  # receives the last signature and the trust's long-term version
    assert pat.count(SignedReportRow, review_id=world.review) == 4
    with write_session(ca_server.engine) as s:
        schedule.set_rule(s, world.trust, schedule.LAPTOP_COPIES, 30)
    pat.sync.sync_now()
    assert pat.sync.applier.removed == []  # signed today: kept

    # Forty days on (the server's clock, which the laptop goes by).
    later = datetime.now(UTC) + timedelta(days=40)
    monkeypatch.setattr(server_app, "utc_now", lambda: later)
    pat.sync.sync_now()
    [removed] = pat.sync.applier.removed
    assert removed.startswith("Ash Primary: ")
    assert removed.endswith("kept on the trust server)")
    assert pat.count(ReviewRow, id=world.review) == 0
    assert pat.count(SignedReportRow) == 0
    assert pat.count(VisitRow, id=world.visit) == 0
    with Session(ca_server.engine) as s:
        assert s.get(models.Review, world.review) is not None
    pat.sync.sync_now()
    assert pat.sync.applier.removed == []  # gone for good: not pulled back
    assert pat.count(ReviewRow, id=world.review) == 0
    assert pat.count(VisitRow, id=world.visit) == 0
    # Another change of the trust's (a new colleague) brings no copy back either.
    with write_session(ca_server.engine) as s:
        newcomer = adm.create_person(
            s, world.trust, name="Nia New", email="nia@oak.example", roles=["peer_reviewer"]
        ).id
        adm.assign(s, newcomer, world.school)
    pat.sync.sync_now()
    assert pat.count(ReviewRow, id=world.review) == 0
    assert pat.count(VisitRow, id=world.visit) == 0
