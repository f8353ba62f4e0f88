"""A two-day peer review signed by three reviewers in order, verified offline, and every way
we know of to spoil it: revoked, foreign and self-issued certificates, and tampering."""

from __future__ import annotations

import io
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reviewer_app.reports import ca
from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.keys import credentials, generate_signing_key
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.reports.verification import ReportVerification, verify_report
from support.sample_reports import SampleTrust, sample_trust
from support.verification_corpus import add_annotation, rewrite_first_body_page


def _verify(pdf: bytes, trust: SampleTrust, **kwargs: object) -> ReportVerification:
    return verify_report(pdf, trust_roots=[trust.root], **kwargs)  # type: ignore[arg-type]


def _pdfsig(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    return result.stdout


# ---------------------------------------------------------------- the good path


def test_three_reviewers_in_order_make_a_valid_report(
    fully_signed: bytes,
    oakwood: SampleTrust,
    peer_document: ReportDocument,
    peer_signed_between: tuple[datetime, datetime],
) -> None:
    result = _verify(fully_signed, oakwood, expected_data_hash=peer_document.data_hash())
    assert result.passed, result.sentences()
    assert result.report_id == peer_document.report_id
    assert result.data_hash == peer_document.data_hash()
    assert [s.signer_name for s in result.signatures] == [
        "Amira Hussain",
        "Tom Fletcher",
        "Dr Sarah Whitfield",
    ]
    assert [s.expected_role for s in result.signatures] == [
        "Peer reviewer",
        "Peer reviewer",
        "Lead reviewer",
    ]
    first, *rest = result.signatures
    assert first.certification
    assert not any(s.certification for s in rest)
    for signature in result.signatures:
        assert signature.certified_by_trust
        assert signature.intact
        assert signature.signed_at is not None
        first, last = peer_signed_between
        assert first <= signature.signed_at <= last
    assert result.sentences()[1].startswith("Amira Hussain signed as peer reviewer on ")
    assert "valid and certified by the trust" in result.sentences()[3]


def test_pdfsig_accepts_each_signature_and_the_last_covers_the_whole_file(
    fully_signed: bytes, tmp_path: Path
) -> None:
    out = _pdfsig(fully_signed, tmp_path)
    blocks = out.split("Signature #")[1:]
    assert len(blocks) == 3, out
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block, out
    assert "Not total document signed" in blocks[0]
    assert "Not total document signed" not in blocks[2], out
    assert "SignOff03" in blocks[2]
    assert "Dr Sarah Whitfield" in blocks[2]


def test_safeguarding_audit_signed_by_two_is_valid(tmp_path: Path) -> None:
    from support.sample_reports import safeguarding_audit_draft

    trust = sample_trust("Oakwood Learning Trust")
    document = safeguarding_audit_draft().for_audience("full_internal")
    pdf = prepare_and_render(document)
    for name in ("Helen Marsh", "Jamal Okafor"):
        pdf = sign_report(pdf, trust.signers[name], trust_roots=[trust.root], crls=[trust.crl])
    assert _verify(pdf, trust).passed
    assert "Signature is Valid" in _pdfsig(pdf, tmp_path)


def test_data_hash_is_checked_against_the_review(fully_signed: bytes, oakwood: SampleTrust) -> None:
    result = _verify(fully_signed, oakwood, expected_data_hash="0" * 64)
    assert not result.passed
    assert any("different data" in p for p in result.problems)


# ---------------------------------------------------------------- certificates


def test_revoked_certificate_fails(peer_versions: list[bytes], oakwood: SampleTrust) -> None:
    tom = oakwood.signers["Tom Fletcher"].certificate
    revoked_later = ca.build_crl(
        oakwood.ca,
        [ca.Revocation(tom.serial_number, datetime.now(UTC).replace(microsecond=0))],
        number=2,
    )
    result = verify_report(peer_versions[-1], trust_roots=[oakwood.root], crls=[revoked_later])
    assert not result.passed
    tom_result = result.signatures[1]
    assert tom_result.revoked
    assert not tom_result.certified_by_trust
    assert "Tom Fletcher's certificate was revoked" in tom_result.sentence
    assert result.signatures[0].ok
    assert result.signatures[2].ok


def test_a_revoked_reviewer_cannot_sign(peer_versions: list[bytes], oakwood: SampleTrust) -> None:
    from reviewer_app.reports.signing import SigningError

    tom = oakwood.signers["Tom Fletcher"].certificate
    crl = ca.build_crl(
        oakwood.ca, [ca.Revocation(tom.serial_number, datetime.now(UTC).replace(microsecond=0))]
    )
    with pytest.raises(SigningError, match="Tom Fletcher"):
        sign_report(
            peer_versions[1],
            oakwood.signers["Tom Fletcher"],
            trust_roots=[oakwood.root],
            crls=[crl],
        )


def test_certificate_from_another_ca_is_foreign(
    peer_versions: list[bytes], oakwood: SampleTrust
) -> None:
    other = sample_trust("Oakwood Learning Trust")  # same trust name, different CA
    pdf = sign_report(
        peer_versions[1], other.signers["Tom Fletcher"], trust_roots=[other.root], crls=[other.crl]
    )
    result = _verify(pdf, oakwood)
    tom = result.signatures[1]
    assert tom.signed
    assert tom.intact
    assert not tom.certified_by_trust
    assert not tom.self_issued
    assert "not issued by the trust you checked against" in tom.sentence
    assert not result.passed


def test_self_issued_certificate_is_labelled_not_certified_by_the_trust(
    peer_versions: list[bytes], oakwood: SampleTrust
) -> None:
    key = generate_signing_key()
    cert = ca.self_issued_certificate(
        key, name="Tom Fletcher", email="tom@example.org", roles=["Peer reviewer"]
    )
    pdf = sign_report(
        peer_versions[1], credentials(key, cert), trust_roots=[oakwood.root], crls=[oakwood.crl]
    )
    result = _verify(pdf, oakwood)
    tom = result.signatures[1]
    assert tom.self_issued
    assert tom.intact
    assert not tom.certified_by_trust
    assert "not certified by the trust" in tom.sentence
    assert not result.passed


# ---------------------------------------------------------------- tampering


def test_byte_flipped_inside_the_signed_range_breaks_every_signature(
    fully_signed: bytes, oakwood: SampleTrust
) -> None:
    data = bytearray(fully_signed)
    offset = data.index(b"stream", 2000) + 40  # inside page content of the first revision
    data[offset] ^= 0x01
    result = _verify(bytes(data), oakwood)
    assert not result.passed
    assert all(not s.intact for s in result.signatures)
    assert "signed content has been changed" in result.signatures[0].sentence


def test_appended_update_rewriting_a_page_fails_though_pdfsig_accepts_it(
    fully_signed: bytes, oakwood: SampleTrust, tmp_path: Path
) -> None:
    tampered = rewrite_first_body_page(fully_signed)
    result = _verify(tampered, oakwood)
    assert not result.passed
    last = result.signatures[-1]
    assert last.intact  # the signed bytes are untouched...
    assert "changed after the last signature" in last.sentence  # ...but the file is not
    # Why our own policy matters: poppler still calls every signature valid.
    assert _pdfsig(tampered, tmp_path).count("Signature is Valid") == 3


def test_file_cut_back_before_the_last_signature_reports_it_missing(
    fully_signed: bytes, oakwood: SampleTrust
) -> None:
    end_of_second = fully_signed.rstrip().rfind(b"%%EOF", 0, len(fully_signed.rstrip()) - 1)
    truncated = fully_signed[: end_of_second + len(b"%%EOF\n")]
    result = _verify(truncated, oakwood)
    assert not result.passed
    missing = result.signatures[2]
    assert not missing.signed
    assert "Dr Sarah Whitfield (lead reviewer) has not signed" in missing.sentence
    assert "cut back" in missing.sentence
    assert result.signatures[0].ok
    assert result.signatures[1].ok


def test_unsigned_expected_field_fails(peer_versions: list[bytes], oakwood: SampleTrust) -> None:
    result = _verify(peer_versions[1], oakwood)
    assert not result.passed
    assert [s.signed for s in result.signatures] == [True, False, False]
    assert "Tom Fletcher (peer reviewer) has not signed" in result.sentences()[2]


def test_unsigned_prepared_report_says_nobody_signed(
    peer_versions: list[bytes], oakwood: SampleTrust
) -> None:
    result = _verify(peer_versions[0], oakwood)
    assert not result.passed
    assert "Nobody has signed this report yet." in result.problems


def test_not_a_pdf_is_unusable(oakwood: SampleTrust) -> None:
    from reviewer_app.reports.verification import UnusableReportError

    with pytest.raises(UnusableReportError, match="not a PDF"):
        _verify(b"hello, this is a text file", oakwood)
    with pytest.raises(UnusableReportError, match="damaged"):
        _verify(b"%PDF-1.7\n garbage", oakwood)


def test_sign_off_order_and_people_are_enforced(
    peer_versions: list[bytes], oakwood: SampleTrust, peer_document: ReportDocument
) -> None:
    from reviewer_app.reports.signing import SigningError

    with pytest.raises(SigningError, match=r"Amira Hussain \(peer reviewer\) must sign"):
        sign_report(peer_versions[0], oakwood.signers["Tom Fletcher"], field_name="SignOff02")
    with pytest.raises(SigningError, match="belongs to Tom Fletcher"):
        sign_report(peer_versions[0], oakwood.signers["Tom Fletcher"])
    with pytest.raises(SigningError, match="already carries every signature"):
        sign_report(peer_versions[-1], oakwood.signers["Dr Sarah Whitfield"])
    # Amira's certificate names her a peer reviewer; a slot for a lead reviewer is refused.
    lead_slot = replace(peer_document.sign_off[0], role_label="Lead reviewer")
    odd = replace(peer_document, sign_off=(lead_slot, *peer_document.sign_off[1:]))
    with pytest.raises(SigningError, match="not lead reviewer"):
        sign_report(prepare_and_render(odd), oakwood.signers["Amira Hussain"])


def test_a_pdf_not_prepared_by_reviewer_cannot_be_signed(oakwood: SampleTrust) -> None:
    from reportlab.pdfgen.canvas import Canvas

    from reviewer_app.reports.signing import SigningError

    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.drawString(100, 700, "Some other PDF")
    canvas.save()
    with pytest.raises(SigningError, match="not prepared for signing"):
        sign_report(buffer.getvalue(), oakwood.signers["Amira Hussain"])


def test_without_any_revocation_list_a_trust_signature_is_not_accepted(
    peer_document: ReportDocument,
) -> None:
    trust = sample_trust("Oakwood Learning Trust")
    pdf = sign_report(prepare_and_render(peer_document), trust.signers["Amira Hussain"])
    amira = _verify(pdf, trust).signatures[0]
    assert amira.intact
    assert not amira.certified_by_trust
    assert "revocation list" in amira.sentence
    with_crl = verify_report(pdf, trust_roots=[trust.root], crls=[trust.crl])
    assert with_crl.signatures[0].ok


def test_appended_annotation_covering_text_fails(fully_signed: bytes, oakwood: SampleTrust) -> None:
    result = _verify(add_annotation(fully_signed), oakwood)
    assert not result.passed
    assert "changed after the last signature" in result.signatures[-1].sentence


def test_report_still_verifies_after_the_embedded_crl_has_expired(
    peer_document: ReportDocument,
) -> None:
    """Reports are read months later; the CRL embedded at signing is long past its next update."""
    import time

    trust = sample_trust("Oakwood Learning Trust")
    short_lived = ca.build_crl(trust.ca, [], valid_for=timedelta(seconds=5))
    pdf = sign_report(
        prepare_and_render(peer_document),
        trust.signers["Amira Hussain"],
        trust_roots=[trust.root],
        crls=[short_lived],
    )
    time.sleep(max(0.0, (short_lived.next_update_utc - datetime.now(UTC)).total_seconds()) + 1.1)
    assert datetime.now(UTC) > short_lived.next_update_utc
    amira = _verify(pdf, trust).signatures[0]
    assert amira.ok, amira.sentence
