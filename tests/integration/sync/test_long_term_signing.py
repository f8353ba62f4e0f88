"""Trusted time through sync (issue 19 item 2), against the real server on loopback.

A signature made offline gets the trust's document timestamp when its laptop next syncs; after
the last signature the server keeps a long-term version (the trust's certificates and
revocation list, then a document timestamp: PAdES B-LT, B-LTA) that reaches every laptop, and
that version still verifies with the server stopped and every revocation list expired.
Real pyHanko signatures, checked by Reviewer's verifier, pyHanko's AdES validator and poppler's
``pdfsig``.
"""

from __future__ import annotations

import asyncio
import io
import logging
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlmodel import Session, select
from sync_world import (
    CA_PASSPHRASE,
    Laptop,
    LiveServer,
    World,
)

from reviewer_app.reports.ca import CaFolder, build_crl
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import models
from reviewer_app.server.report_signers import signers_of
from reviewer_app.services.report_service import ReportService
from reviewer_app.services.sync_service import summarise

if TYPE_CHECKING:
    from conftest import ExpectedLog

AUDIENCE = "school_facing"


def _service(device: Laptop) -> ReportService:
    return ReportService(device.workspace, device.paths)


def _held(server: LiveServer, review: str) -> list[tuple[int, bytes]]:
    """The server's signed versions of the review: (signatures, file), in arrival order."""
    with Session(server.engine) as session:
        rows = session.exec(
            select(models.Record)
            .where(models.Record.review_id == review, models.Record.entity == "signed_report")
            .order_by(models.Record.server_seq)  # type: ignore[arg-type]
        ).all()
        return [
            (
                int(r.payload["signer_count"]),
                (server.folder / "blobs" / r.blob_sha256[:2] / r.blob_sha256).read_bytes(),
            )
            for r in rows
        ]


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pdfsig-input.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfsig", "-no-ocsp", str(path)], capture_output=True, text=True, check=False
    ).stdout


def test_offline_signature_is_time_stamped_at_sync_and_the_last_brings_the_long_term_version(
    ca_server: LiveServer,
    team: tuple[World, Laptop, Laptop, Laptop],
    tmp_path: Path,
    expected_log: ExpectedLog,
) -> None:
    world, lee, pat, sam = team
    # pyHanko says so when the version without the long-term data fails in three years.
    expected_log(logging.WARNING, "Unable to construct plausible past validation path")
    expected_log(logging.WARNING, "Document timestamp chain failed to validate")
    # Pat signs with no connection: the signature has only Pat's clock.
    ca_server.stop()
    try:
        _service(pat).sign(world.visit, AUDIENCE)
    finally:
        ca_server.start()
    before = _service(pat).verify_stored(world.visit, AUDIENCE).signatures[0]
    assert before.time_source == "signer_clock"
    assert before.existed_by is None

    # The next sync asks the trust for a document timestamp before sending the signature.
    result = pat.sync.sync_now()
    assert result.time_stamped == 1
    assert "1 signature made offline time-stamped by the trust" in summarise(result)
    held = _held(ca_server, world.review)
    assert [count for count, _pdf in held] == [1, 1]
    signed, stamped = held[0][1], held[1][1]
    assert stamped.startswith(signed)
    assert len(stamped) > len(signed)
    pats = _service(pat).latest_signed(world.visit, AUDIENCE)
    assert pats is not None
    assert pats.pdf == stamped
    pat_now = _service(pat).verify_stored(world.visit, AUDIENCE).signatures[0]
    assert pat_now.ok, pat_now.sentence
    assert pat_now.time_source == "signer_clock"
    assert pat_now.existed_by is not None
    assert "the trust's timestamp shows it existed by" in pat_now.sentence
    assert pat.sync.sync_now().time_stamped == 0  # once only

    # Sam receives the time-stamped version and signs it online; no second timestamp needed.
    sam.sync.sync_now()
    sams = _service(sam).latest_signed(world.visit, AUDIENCE)
    assert sams is not None
    assert sams.pdf == stamped
    _service(sam).sign(world.visit, AUDIENCE)
    assert sam.sync.sync_now().time_stamped == 0
    assert [count for count, _pdf in _held(ca_server, world.review)] == [1, 1, 2]

    # Lee signs last; the server adds the long-term version, which reaches every laptop.
    lee.sync.sync_now()
    last = _service(lee).sign(world.visit, AUDIENCE)
    assert last.locked
    lee.sync.sync_now()
    held = _held(ca_server, world.review)
    assert [count for count, _pdf in held] == [1, 1, 2, 3, 3]
    long_term = held[-1][1]
    assert long_term.startswith(last.version.pdf)
    assert len(long_term) > len(last.version.pdf)
    for device in (lee, pat, sam):
        device.sync.sync_now()
        latest = _service(device).latest_signed(world.visit, AUDIENCE)
        assert latest is not None
        assert latest.pdf == long_term
        verdict = _service(device).verify_stored(world.visit, AUDIENCE)
        assert verdict.passed, verdict.sentences()
        assert len(verdict.document_timestamps) == 2
        assert all(s.existed_by is not None for s in verdict.signatures)

    # The console's list of signed reports names the signers and the trust's two timestamps.
    listed = signers_of("long-term", long_term)
    assert [(s.name, s.timestamp) for s in listed] == [
        ("Pat Peer", False),
        ("Oak Learning Trust Time-Stamping Authority", True),
        ("Sam Second", False),
        ("Lee Lead", False),
        ("Oak Learning Trust Time-Stamping Authority", True),
    ]

    # poppler checks each signature's digest independently. Its 22.12 cannot check RFC 3161
    # document timestamps ("Unable to validate this type of signature"), so for the two
    # timestamps it only confirms they are there and that the server's covers the whole
    # file; Reviewer's verifier and pyHanko's (below) check their tokens.
    report = _pdfsig(long_term, tmp_path)
    assert report.count("Signature Validation: Signature is Valid.") == 3, report
    assert report.count("Common Name: Oak Learning Trust Time-Stamping Authority") == 2, report
    assert report.count("  - Total document signed") == 1, report
    whole = report.split("  - Total document signed")[0].rsplit("Signature #", 1)[1]
    assert "Time-Stamping Authority" in whole, report

    _verifies_without_the_server_and_with_expired_revocation_lists(
        ca_server, lee, long_term, last.version.pdf, tmp_path
    )


def _verifies_without_the_server_and_with_expired_revocation_lists(
    server: LiveServer, lee: Laptop, long_term: bytes, without_long_term: bytes, tmp_path: Path
) -> None:
    """Years later: the server is gone and every revocation list has long expired."""
    from reviewer_app.cli import main

    folder = CaFolder(server.folder / "ca")
    root = folder.root_certificate()
    expired = build_crl(
        folder.unlock(CA_PASSPHRASE), [], number=1, now=datetime.now(UTC) - timedelta(days=30)
    )
    assert expired.next_update_utc is not None
    assert expired.next_update_utc < datetime.now(UTC)
    crl_file = tmp_path / "expired-crl.pem"
    crl_file.write_bytes(expired.public_bytes(serialization.Encoding.PEM))
    report = tmp_path / "long-term.pdf"
    report.write_bytes(long_term)
    lee.close()
    server.stop()
    try:
        # Reviewer's verifier, as a school would run it, given only an expired list.
        verdict = verify_report(long_term, trust_roots=[root], crls=[expired])
        assert verdict.passed, verdict.sentences()
        assert main(["verify", str(report), "--crl", str(crl_file),
                     "--data-dir", str(lee.folder)]) == 0  # fmt: skip
        # pyHanko's AdES long-term validation three years on (every certificate and list
        # expired by then), from what the file carries: the signatures made online (with a
        # timestamp token) pass in the long-term version and not without it.
        later = _ades_lta_in_three_years(long_term, root)
        assert later == {
            "SignOff01": "SIG_CONSTRAINTS_FAILURE",
            "SignOff02": "OK",
            "SignOff03": "OK",
        }, later
        before = _ades_lta_in_three_years(without_long_term, root)
        assert before["SignOff03"] != "OK", before
        # Pat's offline signature has no timestamp token of its own, and pyHanko's AdES
        # algorithm stops there ("No signature timestamp present" in ades.py, marked "TODO
        # conditionally enforce this based on policy params"). PAdES baseline (ETSI EN
        # 319 142-1, B-T) accepts a document timestamp over the signature instead of a
        # signature timestamp, which is what the sync added. With that document timestamp as
        # the signature's proof of existence, pyHanko's own past-signature validation passes
        # it: Reviewer's verdict ("existed by" the trust's timestamp) is pyHanko's too.
        assert _ades_past_validation_from_document_timestamps(long_term, root, "SignOff01") == (
            "OK"
        )
    finally:
        server.start()


def _lta_spec(root: x509.Certificate) -> Any:
    """pyHanko's PDF signature validation settings: the trust root, CRLs required, nothing
    fetched (only what the file carries)."""
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from pyhanko.sign.validation.policy_decl import (
        PdfSignatureValidationSpec,
        RevinfoOnlineFetchingRule,
        RevocationInfoGatheringSpec,
        SignatureValidationSpec,
    )
    from pyhanko_certvalidator.context import CertValidationPolicySpec
    from pyhanko_certvalidator.policy_decl import (
        CertRevTrustPolicy,
        RevocationCheckingPolicy,
        RevocationCheckingRule,
    )
    from pyhanko_certvalidator.registry import SimpleTrustManager

    anchor = asn1_x509.Certificate.load(root.public_bytes(serialization.Encoding.DER))
    crl_required = RevocationCheckingRule.CRL_REQUIRED
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=[anchor]),
                revinfo_policy=CertRevTrustPolicy(
                    RevocationCheckingPolicy(
                        ee_certificate_rule=crl_required, intermediate_ca_cert_rule=crl_required
                    )
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )


def _three_years_on() -> Any:
    from pyhanko_certvalidator.ltv.types import ValidationTimingInfo

    future = datetime.now(UTC) + timedelta(days=3 * 365)
    return ValidationTimingInfo(
        validation_time=future, best_signature_time=future, point_in_time_validation=True
    )


def _ades_lta_in_three_years(pdf: bytes, root: x509.Certificate) -> dict[str, str]:
    """pyHanko's PAdES long-term validation (ETSI EN 319 102-1) of each signature three years
    on, from what the file carries (no fetching): field name to its indication."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation.ades import ades_lta_validation

    spec, timing = _lta_spec(root), _three_years_on()
    found = {}
    for sig in PdfFileReader(io.BytesIO(pdf)).embedded_regular_signatures:
        outcome = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
        found[sig.field_name] = outcome.ades_subindic.name
    return found


def _ades_past_validation_from_document_timestamps(
    pdf: bytes, root: x509.Certificate, field_name: str
) -> str:
    """pyHanko's long-term validation steps of ETSI EN 319 102-1 5.6.3 three years on, with the
    oldest document timestamp after the signature as its proof of existence (the role a
    signature timestamp has in step 4): pyHanko validates the document timestamp chain and
    the validation data it covers (step 1), then runs its past-signature validation (step 6).
    Returns pyHanko's indication. Uses pyHanko's internal helpers for steps 1 and 4 (its
    public ``ades_lta_validation`` runs the same ones)."""
    import dataclasses

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.ades.report import AdESIndeterminate
    from pyhanko.sign.validation import ades
    from pyhanko_certvalidator.ltv.poe import POEType

    timing = _three_years_on()
    reader = PdfFileReader(io.BytesIO(pdf))
    sig = next(s for s in reader.embedded_regular_signatures if s.field_name == field_name)
    spec = _lta_spec(root).signature_validation_spec
    spec = dataclasses.replace(spec, local_knowledge=ades._dss_to_local_knowledge(reader=reader))
    evidence = ades._build_prima_facie_poe_index_from_pdf_timestamps(
        reader, include_content_ts=True, diff_policy=None
    )
    proofs = asyncio.run(
        ades._validate_prima_facie_poe(evidence, validation_spec=spec, cur_timing_info=timing)
    )
    covering = [poe for poe in evidence if poe.pdf_revision > sig.signed_revision]
    if not covering:
        return "NO_DOCUMENT_TIMESTAMP_AFTER_THE_SIGNATURE"
    oldest = min(covering, key=lambda poe: poe.pdf_revision)
    proofs.register(
        sig.signer_info["signature"].native, poe_type=POEType.VALIDATION, dt=oldest.timestamp_dt
    )
    outcome = asyncio.run(
        ades.ades_past_signature_validation(
            sig.signed_data,
            spec,
            proofs,
            # Three years on, every certificate has expired: "out of bounds, no POE" before
            # the proofs of existence are taken into account.
            AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
            init_control_time=timing.validation_time,
        )
    )
    return str(outcome.name)
