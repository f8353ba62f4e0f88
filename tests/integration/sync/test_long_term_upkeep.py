"""The long-term versions the server owes (issue 19): a report fully signed while the server ran
without the CA passphrase is listed as waiting for long-term data and completed when the
server next runs with it; a long-term version whose time-stamping certificate is about to
expire gets a new document timestamp with fresh validation data (``admin renew-timestamps``).
Real server on loopback, real laptops, real pyHanko signatures and verification."""

from __future__ import annotations

import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlmodel import Session, select
from sync_world import CA_PASSPHRASE, Laptop, LiveServer, World

from console_support import ConsoleServer, enrol_staff, signed_in
from reviewer_app.reports.ca import CaFolder, issue_tsa_certificate
from reviewer_app.reports.keys import generate_signing_key
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import models
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.cli import main as server_main
from reviewer_app.server.long_term_upkeep import keep_up_in_background, timestamp_expiry
from reviewer_app.server.trust_authority import TrustAuthority
from reviewer_app.services.report_service import ReportService

AUDIENCE = "school_facing"


def _versions(server: LiveServer, review: str) -> list[tuple[dict[str, object], bytes]]:
    """The server's signed versions of the review (payload, file), in arrival order."""
    with Session(server.engine) as session:
        rows = session.exec(
            select(models.Record)
            .where(models.Record.review_id == review, models.Record.entity == "signed_report")
            .order_by(models.Record.server_seq)  # type: ignore[arg-type]
        ).all()
        return [
            (
                dict(r.payload),
                (server.folder / "blobs" / r.blob_sha256[:2] / r.blob_sha256).read_bytes(),
            )
            for r in rows
        ]


def _admin(server: LiveServer, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    status = server_main(["--data-dir", str(server.folder), "admin", *args])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    return captured.out


def _restart(server: LiveServer, authority: TrustAuthority) -> None:
    server.stop()
    server.authority = authority
    server.start()


def _console_says_waiting(server: LiveServer, world: World) -> None:
    """The trust console's signed reports page, on the same database, says which report
    waits for long-term data and why."""
    server.stop()
    console = ConsoleServer(
        database_url=f"sqlite:///{server.folder / 'server.sqlite3'}",
        folder=server.folder,
        authority=server.authority,
    ).start()
    try:
        ada = enrol_staff(console, "ada@oak.example", ["trust_admin"], trust_id=world.trust)
        with closing(signed_in(console, ada)) as http:
            page = http.get("/console/reports")
        assert page.status_code == 200, page.text
        assert page.text.count("Waiting for long-term data") == 1, page.text
        assert "running without the trust CA's passphrase" in page.text
    finally:
        console.stop()
        server.start()


def test_waiting_for_long_term_data_then_completed_then_renewed(
    ca_server: LiveServer,
    team: tuple[World, Laptop, Laptop, Laptop],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    world, lee, pat, sam = team
    original = ca_server.authority
    assert original is not None
    ca_folder = original.folder
    passphrase_file = tmp_path / "ca-passphrase"
    passphrase_file.write_bytes(CA_PASSPHRASE)
    root = CaFolder(ca_folder).root_certificate()
    try:
        ReportService(pat.workspace, pat.paths).sign(world.visit, AUDIENCE)
        pat.sync.sync_now()
        sam.sync.sync_now()
        ReportService(sam.workspace, sam.paths).sign(world.visit, AUDIENCE)
        sam.sync.sync_now()
        lee.sync.sync_now()

        # The server now runs without the CA passphrase: it checks signed reports, but cannot
        # time-stamp, so the last signature brings no long-term version.
        _restart(ca_server, TrustAuthority(ca_folder, None))
        ReportService(lee.workspace, lee.paths).sign(world.visit, AUDIENCE)
        lee.sync.sync_now()
        versions = _versions(ca_server, world.review)
        assert [p["signer_count"] for p, _pdf in versions] == [1, 2, 3]
        assert not any(p.get("long_term") for p, _pdf in versions)
        listed = _admin(ca_server, capsys, "reports")
        assert "fully signed, waiting for long-term data" in listed, listed
        dry = _admin(ca_server, capsys, "renew-timestamps", "--dry-run")
        assert "(waiting for long-term data): would get a new long-term version." in dry, dry
        capsys.readouterr()
        refused = server_main(
            ["--data-dir", str(ca_server.folder), "admin", "renew-timestamps",
             "--ca-dir", str(ca_folder)]
        )  # fmt: skip
        assert refused == 1
        assert "needs the trust CA and its key's passphrase" in capsys.readouterr().err
        assert len(_versions(ca_server, world.review)) == 3  # nothing lost, nothing added
        _console_says_waiting(ca_server, world)

        # A short-lived time-stamping certificate (45 days), as a trust would have near the
        # end of its certificate's life.
        key = generate_signing_key()
        folder = CaFolder(ca_folder)
        short = issue_tsa_certificate(folder.unlock(CA_PASSPHRASE), key.public_key(), valid_days=45)
        (ca_folder / CaFolder.TSA_CERT).write_bytes(short.public_bytes(serialization.Encoding.PEM))
        (ca_folder / CaFolder.TSA_KEY).write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(CA_PASSPHRASE),
            )
        )

        # The server runs with the passphrase again: its housekeeping (what ``serve`` starts)
        # completes the waiting report.
        with_key = TrustAuthority(ca_folder, CA_PASSPHRASE)
        _restart(ca_server, with_key)
        stop = keep_up_in_background(
            ca_server.engine, BlobStore(ca_server.folder / "blobs"), with_key
        )
        try:
            deadline = time.monotonic() + 120
            while len(_versions(ca_server, world.review)) < 4:
                assert time.monotonic() < deadline, "the waiting report was not completed"
                time.sleep(0.2)
        finally:
            stop.set()
        payload, long_term = _versions(ca_server, world.review)[-1]
        assert payload["long_term"] is True
        assert payload["signer_count"] == 3
        assert long_term.startswith(versions[-1][1])
        expires = timestamp_expiry(long_term)
        assert expires == short.not_valid_after_utc
        assert "fully signed, long-term" in _admin(ca_server, capsys, "reports")
        for device in (lee, pat, sam):
            device.sync.sync_now()
            verdict = ReportService(device.workspace, device.paths).verify_stored(
                world.visit, AUDIENCE
            )
            assert verdict.passed, verdict.sentences()
            latest = ReportService(device.workspace, device.paths).latest_signed(
                world.visit, AUDIENCE
            )
            assert latest is not None
            assert latest.pdf == long_term

        # 45 days left: renewing within 60 days adds a new document timestamp over fresh
        # validation data, from a certificate that outlives the old one.
        assert "No signed report is owed" in _admin(ca_server, capsys, "renew-timestamps",
                                                    "--dry-run", "--within-days", "30")  # fmt: skip
        dry = _admin(ca_server, capsys, "renew-timestamps", "--dry-run", "--within-days", "60")
        assert f"its timestamp's certificate expires on {expires.strftime('%-d %B %Y')}" in dry
        done = _admin(
            ca_server, capsys, "renew-timestamps", "--within-days", "60",
            "--ca-dir", str(ca_folder), "--ca-passphrase-file", str(passphrase_file),
        )  # fmt: skip
        assert "a new long-term version was added" in done, done
        payload, renewed = _versions(ca_server, world.review)[-1]
        assert payload["long_term"] is True
        assert renewed.startswith(long_term)
        renewed_expiry = timestamp_expiry(renewed)
        assert renewed_expiry is not None
        assert renewed_expiry - datetime.now(UTC) > timedelta(days=60 + 30)
        with Session(ca_server.engine) as session:
            events = session.exec(
                select(models.AuditEvent).where(
                    models.AuditEvent.action == "report.long_term_added"
                )
            ).all()
        assert [(e.via, e.trust_id) for e in events] == [
            ("server", world.trust),
            ("command line", world.trust),
        ]
        verdict = verify_report(renewed, trust_roots=[root])
        assert verdict.passed, verdict.sentences()
        assert len(verdict.document_timestamps) == 2
        assert "No signed report is owed" in _admin(
            ca_server, capsys, "renew-timestamps", "--within-days", "60",
            "--ca-dir", str(ca_folder), "--ca-passphrase-file", str(passphrase_file),
        )  # fmt: skip
        pat.sync.sync_now()
        latest = ReportService(pat.workspace, pat.paths).latest_signed(world.visit, AUDIENCE)
        assert latest is not None
        assert latest.pdf == renewed
    finally:
        _restart(ca_server, original)
