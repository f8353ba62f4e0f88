"""The console's list of signed reports received: real reports (reportlab, pyHanko, the server's
own trust CA) pushed by a laptop and verified on arrival, listed with their signers and times
for those who may see them, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.server import models
from reviewer_app.server import trust_picture as tp
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.report_signers import signers_of

if TYPE_CHECKING:
    from conftest import Device, Harness, ServerTrust, World

SIGNERS = ("Amira Hussain", "Tom Fletcher")


@pytest.fixture(scope="module")
def signed_twice(server_trust: ServerTrust, peer_document: ReportDocument) -> list[bytes]:
    versions = [prepare_and_render(peer_document)]
    for name in SIGNERS:
        versions.append(
            sign_report(
                versions[-1],
                server_trust.signers[name],
                trust_roots=[server_trust.root],
                crls=[server_trust.crl],
            )
        )
    return versions[1:]


def _send(device: Device, review: str, pdf: bytes, report_id: str) -> None:
    sha = hashlib.sha256(pdf).hexdigest()
    assert device.http.put(f"/blobs/{sha}", content=pdf).status_code in (200, 201)
    op = device.op(review, "append", "signed_report", report_id,
                   {"sha256": sha, "audience": "school", "size": len(pdf)})  # fmt: skip
    assert device.push(review, [op]).json()["results"][0]["status"] == "accepted"


def test_signed_reports_are_listed_with_signers_for_those_who_may_see_them(
    server: Harness, world: World, signed_twice: list[bytes]
) -> None:
    lead = server.enrol(world.lead)
    dsl = server.enrol(world.dsl)
    _send(lead, world.walk_review, signed_twice[0], "walk-1")
    _send(lead, world.walk_review, signed_twice[1], "walk-2")
    _send(dsl, world.audit_review, signed_twice[1], "audit-1")
    with server.session() as session:
        people = {p.id: p for p in session.exec(select(models.Person)).all()}
        as_lead = tp.signed_reports(session, tp.Viewer.of(session, people[world.lead]))
        as_dsl = tp.signed_reports(session, tp.Viewer.of(session, people[world.dsl]))
        as_outsider = tp.signed_reports(session, tp.Viewer.of(session, people[world.outsider]))
    # The lead sees both copies of the walk's report, not the safeguarding audit's.
    assert sorted(r.record_id for r in as_lead) == ["walk-1", "walk-2"]
    assert sorted(r.record_id for r in as_dsl) == ["audit-1", "walk-1", "walk-2"]
    assert [r.safeguarding for r in as_dsl if r.record_id == "audit-1"] == [True]
    assert as_outsider == []  # another school's reviewer
    for entry in as_lead:
        assert entry.received_at is not None  # when the server verified and kept it
        assert entry.sent_by == "Lee Lead"
        assert entry.school.name == "Ash Primary"
    second = next(r for r in as_lead if r.record_id == "walk-2")
    pdf = BlobStore(server.live.blob_root).read(second.sha256)
    assert pdf == signed_twice[1]  # kept as it arrived
    signers = signers_of(second.sha256, pdf)
    assert [s.name for s in signers] == list(SIGNERS)
    assert all(s.signed_at is not None for s in signers)
