"""Signing travels through sync (issue 13, item 3), in-process against the real server.

Three laptops (separate stores) enrolled with a server that has a real trust CA; each signer
signs on their own laptop with the certificate issued at enrolment, through the same
:class:`ReportService` the sign-off page and ``reviewer-app report sign`` use.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select
from sync_world import Laptop, LiveServer, World

from reviewer_app.domain.errors import LockedError
from reviewer_app.domain.review import ReviewState
from reviewer_app.reports.signing import SigningError
from reviewer_app.server import models
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.report_sign_off import sign_off_status

AUDIENCE = "school_facing"


def _service(device: Laptop) -> ReportService:
    return ReportService(device.workspace, device.paths)


def _server_versions(server: LiveServer, review: str) -> list[models.Record]:
    with Session(server.engine) as session:
        return list(
            session.exec(
                select(models.Record).where(
                    models.Record.review_id == review, models.Record.entity == "signed_report"
                )
            ).all()
        )


def _locked(server: LiveServer, review: str) -> bool:
    with Session(server.engine) as session:
        row = session.get(models.Review, review)
        assert row is not None
        return row.locked


def test_each_signer_signs_on_their_own_laptop_and_the_report_reaches_everyone(
    ca_server: LiveServer, team: tuple[World, Laptop, Laptop, Laptop], tmp_path: Path
) -> None:
    world, lee, pat, sam = team
    order = [s.person_name for s in sign_off_status(_service(pat), world.visit, AUDIENCE).slots]
    assert order == ["Pat Peer", "Sam Second", "Lee Lead"]
    assert sign_off_status(_service(pat), world.visit, AUDIENCE).my_turn
    # The peers sign in any order among themselves (version 3 of the framework); the lead last.
    assert sign_off_status(_service(sam), world.visit, AUDIENCE).my_turn
    lead_first = sign_off_status(_service(lee), world.visit, AUDIENCE)
    assert "Pat Peer and Sam Second (peer reviewers, in any order) sign" in lead_first.refusal

    first = _service(pat).sign(world.visit, AUDIENCE)
    assert first.certified_by_trust
    pat.sync.sync_now()
    assert len(_server_versions(ca_server, world.review)) == 1
    assert not _locked(ca_server, world.review)

    # Sam receives Pat's signature; it is Sam's turn. Sam signs offline, then syncs later.
    sam.sync.sync_now()
    status = sign_off_status(_service(sam), world.visit, AUDIENCE)
    assert status.my_turn, status.refusal
    assert status.signed_count == 1
    sam.transport.inject("drop_request")  # no connection in the hall
    sam.transport.inject("drop_request")
    sam.transport.inject("drop_request")
    second = _service(sam).sign(world.visit, AUDIENCE)
    with pytest.raises(Exception, match="cannot be reached"):
        sam.sync.sync_now()
    assert len(_server_versions(ca_server, world.review)) == 1
    sam.sync.sync_now()  # back online: pushed exactly once
    sam.sync.sync_now()
    assert len(_server_versions(ca_server, world.review)) == 2

    lee.sync.sync_now()
    assert sign_off_status(_service(lee), world.visit, AUDIENCE).my_turn
    last = _service(lee).sign(world.visit, AUDIENCE)
    assert last.locked
    lee.sync.sync_now()
    held = sorted(_server_versions(ca_server, world.review), key=lambda r: r.server_seq)
    assert [r.payload["signer_count"] for r in held] == [1, 2, 3, 3]
    assert _locked(ca_server, world.review)
    assert held[2].blob_sha256 == hashlib.sha256(last.version.pdf).hexdigest()
    assert second.version.pdf != last.version.pdf
    # The server's long-term version of the last one (its validation data and timestamp).
    long_term = ca_server.folder / "blobs" / held[3].blob_sha256[:2] / held[3].blob_sha256
    final_pdf = long_term.read_bytes()
    assert final_pdf.startswith(last.version.pdf)

    for device in (pat, sam, lee):
        device.sync.sync_now()
        latest = _service(device).latest_signed(world.visit, AUDIENCE)
        assert latest is not None
        assert latest.pdf == final_pdf
        assert latest.complete
        review = device.workspace.reviews.get_review(world.review)
        assert review.state is ReviewState.SIGNED
        with pytest.raises(LockedError):
            device.workspace.reviews.add_note(world.review, "Too late")
        assert not device.sync.needs_attention()

    _the_trust_gets_what_it_was_promised(ca_server, world, final_pdf, tmp_path)


def _the_trust_gets_what_it_was_promised(
    server: LiveServer, world: World, signed_pdf: bytes, tmp_path: Path
) -> None:
    """A trust admin's laptop syncs, exports the signed report and verifies it with no flags;
    the server's admin commands list and write it."""
    from reviewer_app.cli import main
    from reviewer_app.server import administration as adm
    from reviewer_app.server.cli import main as server_main
    from reviewer_app.server.database import write_session

    with write_session(server.engine) as s:
        admin = adm.create_person(
            s, world.trust, name="Ada Admin", email="ada@oak.example", roles=["trust_admin"]
        ).id
        adm.assign(s, admin, world.school)
    ada = Laptop(tmp_path / "ada", server)
    ada.enrol(admin)
    ada.close()
    data_dir = str(tmp_path / "ada")
    assert main(["sync", "--data-dir", data_dir, "--quiet"]) == 0
    out = tmp_path / "exported.pdf"
    assert main(["report", "export", world.visit, "--audience", AUDIENCE, "--out", str(out),
                 "--data-dir", data_dir]) == 0  # fmt: skip
    assert out.read_bytes() == signed_pdf
    assert main(["verify", str(out), "--data-dir", data_dir]) == 0

    server_dir = ["--data-dir", str(server.folder)]
    assert server_main([*server_dir, "admin", "reports"]) == 0
    written = tmp_path / "from-server.pdf"
    with write_session(server.engine) as s:
        from reviewer_app.server.report_admin import held_reports

        (report,) = held_reports(s)
    assert report.complete
    assert report.signers == ("Pat Peer", "Sam Second", "Lee Lead")
    assert server_main([*server_dir, "admin", "report-pdf", report.report_id,
                        "--out", str(written)]) == 0  # fmt: skip
    assert written.read_bytes() == signed_pdf


def test_a_signature_on_an_older_version_is_refused_and_withdrawn(
    ca_server: LiveServer, team: tuple[World, Laptop, Laptop, Laptop], tmp_path: Path
) -> None:
    world, _lee, pat, _sam = team
    # Pat has a second laptop; both sign the same (unsigned) version before either syncs.
    pat_two = Laptop(tmp_path / "pat-two", ca_server)
    try:
        pat_two.enrol(world.peer)
        pat_two.sync.sync_now()
        _service(pat).sign(world.visit, AUDIENCE)
        racing = _service(pat_two).sign(world.visit, AUDIENCE)
        pat.sync.sync_now()  # first to reach the server wins
        pat_two.sync.sync_now()
        (refused,) = pat_two.sync.needs_attention()
        assert "signed this report first" in (refused.last_error or "")
        assert "sync to receive the newer version" in (refused.last_error or "")
        # The Sign report dialog says it too (its status), until Pat signs again there.
        (why,) = sign_off_status(_service(pat_two), world.visit, AUDIENCE).sync_refusals
        assert why.startswith("Your signature of ")
        assert "was not kept by the trust server: Pat Peer signed this report first" in why
        assert len(_server_versions(ca_server, world.review)) == 1
        # Nothing wrong is kept: the racing version is gone, the winner's arrived.
        pat_two.sync.sync_now()
        kept = _service(pat_two).signed_versions(world.visit, AUDIENCE)
        assert [v.id for v in kept] != [racing.version.id]
        assert len(kept) == 1
        assert kept[0].pdf != racing.version.pdf
    finally:
        pat_two.close()


def test_one_signing_act_signs_every_audience_and_each_travels(
    ca_server: LiveServer, team: tuple[World, Laptop, Laptop, Laptop]
) -> None:
    world, _lee, pat, sam = team
    audiences = _service(pat).source(world.visit).audience_keys
    assert len(audiences) > 1
    signed = _service(pat).sign_every_audience(world.visit)
    assert sorted(r.version.audience for r in signed) == sorted(audiences)
    assert all(r.queued and r.version.signer_count == 1 for r in signed)
    # Nothing more to sign for Pat: the refusal of the first audience says why.
    with pytest.raises(SigningError, match="signs this report next, not Pat Peer"):
        _service(pat).sign_every_audience(world.visit)
    pat.sync.sync_now()
    held = _server_versions(ca_server, world.review)
    assert sorted(r.payload["audience"] for r in held) == sorted(audiences)
    sam.sync.sync_now()
    for audience in audiences:
        assert sign_off_status(_service(sam), world.visit, audience).my_turn


def test_a_pulled_version_failing_the_laptops_check_is_not_kept_then_kept_once_the_trust_is_fresh(
    ca_server: LiveServer,
    team: tuple[World, Laptop, Laptop, Laptop],
    tmp_path: Path,
    expected_log: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import logging

    from cryptography.hazmat.primitives import serialization

    from reviewer_app.reports.ca import CaFolder
    from reviewer_app.services import enrolment, signed_report_sync
    from reviewer_app.storage.local_settings import set_setting

    world, _lee, pat, sam = team
    # Sam's laptop trusts another CA's root (as if the trust root it kept were not this trust's).
    other = CaFolder.create(tmp_path / "other-ca", "Elsewhere Trust", b"other passphrase")
    foreign_root = other.root_certificate().public_bytes(serialization.Encoding.PEM).decode()
    with sam.workspace.store.writing() as session:
        set_setting(session, enrolment.CA_CERTIFICATE_PEM, foreign_root)
    _service(pat).sign(world.visit, AUDIENCE)
    pat.sync.sync_now()
    expected_log(logging.WARNING, "refused: Pat Peer signed as peer reviewer")
    # The pull checks Pat's version against the root Sam's laptop held: not kept, and why is
    # kept for the Sign report dialog.
    refused: list[list[str]] = []
    keep_pulled = signed_report_sync.keep_pulled

    def pulled(session: Any, review_id: str, version_id: str, payload: Any) -> bool:
        kept = keep_pulled(session, review_id, version_id, payload)
        refused.append(signed_report_sync.refusals(session, review_id))
        return kept

    monkeypatch.setattr(signed_report_sync, "keep_pulled", pulled)
    sam.sync.sync_now()
    assert refused
    assert "was not issued by the trust you checked against" in refused[0][0]
    assert "A signed report received from the trust server was not kept" in refused[0][0]
    # The same sync then kept the trust's root the server published and checked the version
    # again (its pull will not bring it twice): kept now, the note gone, and Sam's turn.
    (kept,) = _service(sam).signed_versions(world.visit, AUDIENCE)
    assert kept.signer_name == "Pat Peer"
    status = sign_off_status(_service(sam), world.visit, AUDIENCE)
    assert status.sync_refusals == ()
    assert status.signed_count == 1
    assert status.my_turn, status.refusal


def test_an_amendment_after_signing_goes_through_the_same_path(
    ca_server: LiveServer, team: tuple[World, Laptop, Laptop, Laptop]
) -> None:
    world, lee, pat, sam = team

    def everyone_signs(review_id: str) -> None:
        for device in (sam, pat, lee):  # the peers in any order, then the lead
            device.sync.sync_now()
            assert _service(device).sign(world.visit, AUDIENCE).queued
            device.sync.sync_now()
        assert _locked(ca_server, review_id)

    everyone_signs(world.review)
    lee.sync.sync_now()
    assert lee.workspace.reviews.get_review(world.review).state is ReviewState.SIGNED
    # A correction after signing: the lead amends, the team signs the new version again.
    amendment = lee.workspace.reviews.start_amendment(world.review, "The SEND figure was wrong.")
    lee.workspace.reviews.set_field(amendment.id, "inclusion-strengths", "Corrected figure.")
    lee.workspace.reviews.set_state(amendment.id, ReviewState.READY_FOR_SIGN_OFF)
    lee.sync.sync_now()
    for device in (pat, sam):
        device.sync.sync_now()
        current = device.workspace.reviews.review_for_visit(world.visit)
        assert current is not None
        assert current.id == amendment.id
        assert current.amendment_reason == "The SEND figure was wrong."
    everyone_signs(amendment.id)
    # Both signed reports stay on the server; every laptop holds the amendment fully signed.
    assert {r.review_id for r in _server_versions(ca_server, world.review)} == {world.review}
    amended = _server_versions(ca_server, amendment.id)
    assert max(r.payload["signer_count"] for r in amended) == 3
    for device in (pat, sam, lee):
        device.sync.sync_now()
        latest = _service(device).latest_signed(world.visit, AUDIENCE)
        assert latest is not None
        assert latest.review_id == amendment.id
        assert latest.complete
        assert device.workspace.reviews.get_review(amendment.id).state is ReviewState.SIGNED
        assert not device.sync.needs_attention()
