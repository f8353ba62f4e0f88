"""Strict verification (issue 19 item 1): each rule on a file the test builds, and what poppler's
``pdfsig`` and pyHanko's own validator say about the same file.

Where they disagree with ours, the test says why ours is right. ``pdfsig`` checks each
signature's digest and (with an NSS database we do not give it) its certificate; pyHanko's
validator checks the signature, the chain and the kinds of later change. Neither looks at the
parts of the file no digest covers, which is where these cases live.
"""

from __future__ import annotations

import io
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reviewer_app.reports import ca
from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.reports.verification import ReportVerification, verify_report
from support import tampered_reports as tampered
from support.sample_reports import SampleTrust
from support.verification_corpus import (
    change_title,
    expired_by_its_timestamp,
    sign_outside_the_plan,
    signed_with_certificate_dated,
)


def _ours(pdf: bytes, trust: SampleTrust) -> ReportVerification:
    return verify_report(pdf, trust_roots=[trust.root], crls=[trust.crl])


def _pdfsig(pdf: bytes, tmp_path: Path) -> list[str]:
    """pdfsig's verdict on each signature's digest ("Signature is Valid." and so on)."""
    path = tmp_path / "case.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    return re.findall(r"Signature Validation: (.*)", out)


def _pdfsig_whole_file(pdf: bytes, tmp_path: Path) -> bool:
    """Whether pdfsig says the last signature covers the whole file."""
    path = tmp_path / "case.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True).stdout
    signed = [block for block in out.split("Signature #") if "Signed Ranges" in block]
    return "Not total document signed" not in signed[-1]


def _pyhanko(pdf: bytes, trust: SampleTrust) -> list[bool]:
    """pyHanko's own bottom line for each signature, validated now against the trust."""
    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    verdicts = []
    for sig in reader.embedded_regular_signatures:
        context = ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(trust.root.public_bytes(Encoding.DER))],
            crls=[asn1_crl.CertificateList.load(trust.crl.public_bytes(Encoding.DER))],
            allow_fetching=False,
        )
        try:
            status = validate_pdf_signature(sig, signer_validation_context=context)
        except Exception:
            verdicts.append(False)
            continue
        verdicts.append(bool(status.bottom_line))
    return verdicts


@pytest.fixture(scope="module")
def first_signed(oakwood: SampleTrust, peer_document: ReportDocument) -> bytes:
    """The peer review with its first signature: what the server receives mid-sign-off."""
    return sign_report(
        prepare_and_render(peer_document),
        oakwood.signers["Amira Hussain"],
        trust_roots=[oakwood.root],
        crls=[oakwood.crl],
    )


def test_the_untouched_file_passes_every_checker(
    first_signed: bytes, oakwood: SampleTrust, tmp_path: Path
) -> None:
    amira = _ours(first_signed, oakwood).signatures[0]
    assert amira.ok, amira.sentence
    assert _pyhanko(first_signed, oakwood) == [True]
    assert _pdfsig(first_signed, tmp_path) == ["Signature is Valid."]
    assert _pdfsig_whole_file(first_signed, tmp_path)


# ---------------------------------------------------------------- certificate validity


def test_a_certificate_expired_at_signing_time_fails(
    peer_document: ReportDocument, oakwood: SampleTrust, tmp_path: Path
) -> None:
    pdf = signed_with_certificate_dated(
        peer_document, oakwood, now=datetime.now(UTC) - timedelta(days=60), valid_days=30
    )
    amira = _ours(pdf, oakwood).signatures[0]
    assert not amira.ok
    assert not amira.certified_by_trust
    assert "had expired when the signature says it was made" in amira.sentence
    assert "revocation list" not in amira.sentence  # the reason, not a side effect of it
    assert _pyhanko(pdf, oakwood) == [False]  # agrees (it says "not trusted", not why)
    # pdfsig checks the digest only (the trust root is not in its NSS database): it cannot tell.
    assert _pdfsig(pdf, tmp_path) == ["Signature is Valid."]


def test_a_certificate_not_yet_valid_at_signing_time_fails(
    peer_document: ReportDocument, oakwood: SampleTrust, tmp_path: Path
) -> None:
    pdf = signed_with_certificate_dated(
        peer_document, oakwood, now=datetime.now(UTC) + timedelta(days=3), valid_days=30
    )
    amira = _ours(pdf, oakwood).signatures[0]
    assert not amira.ok
    assert "was not yet valid when the signature says it was made" in amira.sentence
    assert _pyhanko(pdf, oakwood) == [False]
    assert _pdfsig(pdf, tmp_path) == ["Signature is Valid."]


def test_a_certificate_expired_by_the_time_its_timestamp_attests_fails(
    peer_document: ReportDocument, tmp_path: Path
) -> None:
    """The signer's clock (set back) says the certificate was still valid; the trust's
    timestamp token says the signature was made after it expired. The token wins (rule 3)."""
    backdated = expired_by_its_timestamp(peer_document)
    pdf, trust, cert = backdated.pdf, backdated.trust, backdated.certificate
    amira = _ours(pdf, trust).signatures[0]
    assert amira.intact
    assert amira.signed_at is not None
    assert amira.signed_at < cert.not_valid_after_utc  # by the signer's clock: still valid
    assert amira.timestamp_at is not None  # the token is the trust's, and sound
    assert amira.timestamp_at > cert.not_valid_after_utc
    assert not amira.ok
    assert "had expired when the signature says it was made" in amira.sentence
    # pyHanko's validator also finds the certificate expired at the token's time; pdfsig
    # checks the digest only (no trust store), so it cannot tell.
    assert _pyhanko(pdf, trust) == [False]
    assert _pdfsig(pdf, tmp_path) == [VALID]


# ---------------------------------------------------------------- after the last signature


def test_a_metadata_only_update_after_the_last_signature_fails(
    first_signed: bytes, oakwood: SampleTrust, tmp_path: Path
) -> None:
    changed = change_title(first_signed)
    result = _ours(changed, oakwood)
    amira = result.signatures[0]
    assert amira.intact  # the signed bytes are untouched...
    assert not amira.ok  # ...but the file is not the one signed
    assert "changed after the last signature" in amira.sentence
    assert "document information (title, author, dates)" in amira.sentence
    assert any("changed after the last signature" in p for p in result.problems)
    # pyHanko's difference analysis allows a metadata update, and pdfsig calls the signature
    # valid (noting only that it does not cover the whole file). Ours refuses: nobody signed
    # the new title, and a reader sees it as the report's.
    assert _pyhanko(changed, oakwood) == [True]
    assert _pdfsig(changed, tmp_path) == ["Signature is Valid."]
    assert not _pdfsig_whole_file(changed, tmp_path)


def test_bytes_appended_after_the_last_signature_fail(
    first_signed: bytes, oakwood: SampleTrust, tmp_path: Path
) -> None:
    changed = first_signed + b"\n% appended\n"
    amira = _ours(changed, oakwood).signatures[0]
    assert not amira.ok
    assert "bytes that are not a PDF update were added" in amira.sentence
    assert _pyhanko(changed, oakwood) == [True]  # it ignores bytes that are not a revision
    assert _pdfsig(changed, tmp_path) == ["Signature is Valid."]
    assert not _pdfsig_whole_file(changed, tmp_path)


def test_the_server_refuses_a_report_changed_after_its_last_signature(
    first_signed: bytes, oakwood: SampleTrust, tmp_path: Path
) -> None:
    """Mid-sign-off reports are accepted on arrival; a changed title is not."""
    from cryptography.hazmat.primitives.serialization import Encoding

    from reviewer_app.reports.ca import CaFolder
    from reviewer_app.server.trust_authority import TrustAuthority

    folder = CaFolder(tmp_path / "ca")
    folder.root_cert_path.parent.mkdir()
    folder.root_cert_path.write_bytes(oakwood.root.public_bytes(Encoding.PEM))
    folder.crl_path.write_bytes(oakwood.crl.public_bytes(Encoding.PEM))
    authority = TrustAuthority(folder.folder)
    assert authority.verify_report(first_signed) is None
    reason = authority.verify_report(change_title(first_signed))
    assert reason is not None
    assert "changed after the last signature" in reason


# ---------------------------------------------------------------- the signature container


VALID = "Signature is Valid."


@pytest.mark.parametrize(
    ("change", "words", "pdfsig_says"),
    [
        (tampered.add_unsigned_attribute, "unsigned attribute (signing_time)", VALID),
        (tampered.add_foreign_certificate, "not part of the signer's chain", VALID),
        (tampered.junk_in_padding, "data after its end", VALID),
        # pdfsig takes the digest algorithm from the altered list, so it agrees with us here.
        (tampered.wrong_digest_list, "signs with sha256", "Digest Mismatch."),
        (tampered.revocation_list_inside, "revocation lists outside the signature", VALID),
        (tampered.ber_not_der, "not a well-formed DER structure", VALID),
    ],
    ids=[
        "unsigned-attribute",
        "foreign-certificate",
        "junk-after-container",
        "digest-list",
        "revocation-list-inside",
        "ber-not-der",
    ],
)
def test_a_container_altered_outside_the_signed_digest_fails(
    first_signed: bytes,
    oakwood: SampleTrust,
    tmp_path: Path,
    change: Any,
    words: str,
    pdfsig_says: str,
) -> None:
    altered = tampered.rewrite_container(first_signed, change)
    assert len(altered) == len(first_signed)
    amira = _ours(altered, oakwood).signatures[0]
    assert amira.intact  # the digest and signature still check out...
    assert not amira.ok  # ...but the container is not what was signed
    assert words in amira.sentence
    # pyHanko's validator (and pdfsig, but for the digest list it reads) does not look at the
    # container's unsigned parts: the signature value covers only the signed attributes, so
    # they call the file valid. An altered container means someone wrote into the one unsigned
    # gap in the file, which a report as signed never has.
    assert _pdfsig(altered, tmp_path) == [pdfsig_says]
    assert _pyhanko(altered, oakwood) == [True]


# ---------------------------------------------------------------- revocation


def test_a_container_with_a_second_signer_is_refused_as_damaged(
    first_signed: bytes, oakwood: SampleTrust
) -> None:
    """pyHanko's reader refuses a container with two signers, and so do we: the report is
    unusable ("damaged", the CLI's exit status 2), never "valid". (``strict_checks`` also
    names the case, for a reader that would accept it.)"""
    from pyhanko.sign.general import CMSExtractionError

    from reviewer_app.reports.verification import UnusableReportError

    altered = tampered.rewrite_container(first_signed, tampered.second_signer)
    with pytest.raises(UnusableReportError, match="damaged"):
        _ours(altered, oakwood)
    with pytest.raises(CMSExtractionError, match="exactly one"):
        _pyhanko(altered, oakwood)


def test_the_freshest_revocation_list_decides_and_is_named(
    first_signed: bytes, oakwood: SampleTrust
) -> None:
    """The list embedded at signing says nothing against Amira; a newer one passed as with
    ``--crl`` revokes her certificate, and the verdict names that list as the one used."""
    amira = oakwood.signers["Amira Hussain"].certificate
    newer = ca.build_crl(
        oakwood.ca,
        [ca.Revocation(amira.serial_number, datetime.now(UTC).replace(microsecond=0))],
        number=7,
        now=max(datetime.now(UTC), oakwood.crl.last_update_utc + timedelta(seconds=1)),
    )
    embedded_only = verify_report(first_signed, trust_roots=[oakwood.root])
    assert embedded_only.signatures[0].ok
    assert embedded_only.revocation_list_issued == oakwood.crl.last_update_utc
    verdict = verify_report(first_signed, trust_roots=[oakwood.root], crls=[newer])
    assert verdict.signatures[0].revoked
    assert not verdict.passed
    assert verdict.revocation_list_issued == newer.last_update_utc
    assert verdict.to_json()["revocation_list_issued"] == newer.last_update_utc.isoformat()


def test_a_later_signer_signing_first_is_named_out_of_order(
    peer_versions: list[bytes], oakwood: SampleTrust
) -> None:
    """Tom's signature (made past sign_report's checks, as another program could) while
    Amira's field is empty: verify says so, not only that her field is empty."""
    from reviewer_app.reports.sign_off_check import ReportRefusedError, check_partial_report

    pdf = sign_outside_the_plan(
        peer_versions[0], oakwood.signers["Tom Fletcher"], "SignOff02", certify=True
    )
    result = _ours(pdf, oakwood)
    tom = result.signatures[1]
    assert tom.ok, tom.sentence  # his signature itself holds...
    expected = (
        "The report was signed out of order: Amira Hussain (peer reviewer) has not signed, but "
        "a signer the plan puts later has."
    )
    assert expected in result.problems  # ...but not in its turn
    with pytest.raises(ReportRefusedError, match="signed out of order: Amira Hussain"):
        check_partial_report(pdf, trust_roots=[oakwood.root], crls=[oakwood.crl])
