"""The trust certificate authority: root, reviewer certificates, self-issued, revocation."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtendedKeyUsageOID

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.reports import ca
from reviewer_app.reports.keys import certificate_request, generate_signing_key


def test_root_is_a_ca_with_a_unique_name() -> None:
    first, second = (
        ca.create_root("Oakwood Learning Trust"),
        ca.create_root("Oakwood Learning Trust"),
    )
    constraints = first.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.value.ca is True
    assert first.name == "Oakwood Learning Trust Root CA"
    assert first.certificate.subject != second.certificate.subject


def test_reviewer_certificate_names_person_email_and_roles() -> None:
    root = ca.create_root("Oakwood Learning Trust")
    key = generate_signing_key()
    cert = ca.issue_certificate(
        root,
        key.public_key(),
        name="Amira Hussain",
        email="amira@oakwood.example",
        roles=["Peer reviewer", "Lead reviewer"],
    )
    cert.verify_directly_issued_by(root.certificate)
    assert ca.common_name(cert) == "Amira Hussain"
    assert ca.certificate_email(cert) == "amira@oakwood.example"
    assert ca.certificate_roles(cert) == ("Peer reviewer", "Lead reviewer")
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ca.DOCUMENT_SIGNING in eku
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert not ca.is_self_issued(cert)


def test_issue_from_a_laptop_request() -> None:
    root = ca.create_root("Oakwood Learning Trust")
    key = generate_signing_key()
    request = certificate_request(key, name="Tom Fletcher", email="tom@oakwood.example")
    asked = ca.read_certificate_request(request.public_bytes(serialization.Encoding.PEM))
    assert (asked.name, asked.email) == ("Tom Fletcher", "tom@oakwood.example")
    cert = ca.issue_certificate(
        root, asked.public_key, name=asked.name, email=asked.email, roles=["Peer reviewer"]
    )
    assert cert.public_key() == key.public_key()
    assert ca.common_name(cert) == "Tom Fletcher"
    assert ca.certificate_email(cert) == "tom@oakwood.example"


def test_a_request_that_is_not_one_is_refused_in_words() -> None:
    with pytest.raises(ValidationError, match="not a certificate request"):
        ca.read_certificate_request(b"-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n")


def test_self_issued_certificate_is_recognised() -> None:
    key = generate_signing_key()
    cert = ca.self_issued_certificate(
        key, name="Sam Patel", email="sam@example.org", roles=["Peer reviewer"]
    )
    assert ca.is_self_issued(cert)
    assert ca.certificate_roles(cert) == ("Peer reviewer",)


def test_certificate_needs_a_name() -> None:
    root = ca.create_root("Oakwood Learning Trust")
    with pytest.raises(ValidationError, match="reviewer's name"):
        ca.issue_certificate(
            root, generate_signing_key().public_key(), name=" ", email="", roles=[]
        )


def test_ca_folder_issues_revokes_and_publishes_a_crl(tmp_path: Path) -> None:
    folder = ca.CaFolder.create(tmp_path / "ca", "Oakwood Learning Trust", b"correct horse")
    assert (tmp_path / "ca" / "root-key.pem").stat().st_mode & 0o077 == 0
    first_crl = x509.load_pem_x509_crl(folder.crl_path.read_bytes())
    assert len(list(first_crl)) == 0
    cert = folder.issue(
        b"correct horse",
        generate_signing_key().public_key(),
        name="Helen Marsh",
        email="helen@oakwood.example",
        roles=["Trust safeguarding lead"],
    )
    assert folder.issued_certificate(f"{cert.serial_number:x}") == cert
    crl = folder.revoke(b"correct horse", f"{cert.serial_number:x}", reason="key_compromise")
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    assert entry is not None
    assert crl.is_signature_valid(folder.root_certificate().public_key())  # type: ignore[arg-type]
    on_disk = x509.load_pem_x509_crl(folder.crl_path.read_bytes())
    assert on_disk.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    assert on_disk.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 2


def test_ca_folder_refuses_a_wrong_passphrase_and_a_second_root(tmp_path: Path) -> None:
    folder = ca.CaFolder.create(tmp_path / "ca", "Oakwood Learning Trust", b"right")
    with pytest.raises(ca.CertificateAuthorityError, match="passphrase"):
        folder.unlock(b"wrong")
    with pytest.raises(ca.CertificateAuthorityError, match="already holds"):
        ca.CaFolder.create(tmp_path / "ca", "Oakwood Learning Trust", b"right")


def test_revoking_an_unknown_serial_says_so(tmp_path: Path) -> None:
    folder = ca.CaFolder.create(tmp_path / "ca", "Oakwood Learning Trust", b"right")
    with pytest.raises(NotFoundError, match="abc123"):
        folder.revoke(b"right", "abc123")


def test_missing_folder_is_a_sentence(tmp_path: Path) -> None:
    with pytest.raises(ca.CertificateAuthorityError, match="ca init"):
        ca.CaFolder(tmp_path / "nothing").root_certificate()
