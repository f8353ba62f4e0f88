# Longer than 600 lines because the CA folder, issuing, revoking and the CRL share one key
# handling and one folder layout (to move under reports/signatures/: structure review step 2).
"""The trust's certificate authority, built on ``cryptography``.

A trust admin creates the root once (``reviewer-app ca init``); the root then issues each
reviewer's signing certificate (the sync server calls :func:`issue_certificate` at enrolment),
revokes a certificate when a reviewer leaves or loses a laptop, and publishes a certificate
revocation list that laptops cache and signed reports embed.

Certificate profile (shared/reference/sync-and-signing.md, B4): key usage digitalSignature +
nonRepudiation (pyHanko's validator requires nonRepudiation), extended key usage document signing,
Adobe authentic documents and e-mail protection, the reviewer's e-mail as subject alternative name,
their roles as ``title`` attributes of the subject, subject and authority key identifiers.

The root signs reviewer certificates directly. A production deployment should keep the root
offline and issue from an intermediate; :func:`issue_certificate` accepts any :class:`TrustCA`, so
an intermediate is a second :class:`TrustCA` whose certificate the root issued.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from reviewer_app.domain.errors import NotFoundError, ReviewerError, ValidationError

#: Adobe "authentic documents" EKU and RFC 9336 id-kp-documentSigning.
ADOBE_AUTHENTIC_DOCUMENTS = ObjectIdentifier("1.2.840.113583.1.1.5")
DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

#: Organisational unit that marks a reviewer's own, self-issued certificate.
SELF_ISSUED_UNIT = "Self-issued (not certified by the trust)"


class CertificateAuthorityError(ReviewerError):
    """The CA folder is missing, incomplete, or its passphrase is wrong."""


@dataclass(frozen=True, slots=True)
class TrustCA:
    """A CA able to issue: its certificate and private key."""

    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey

    @property
    def name(self) -> str:
        return common_name(self.certificate)


@dataclass(frozen=True, slots=True)
class Revocation:
    """A revoked certificate: serial number, when, and why (a CRL reason name)."""

    serial_number: int
    revoked_at: datetime
    reason: str = "unspecified"


def now_utc(now: datetime | None = None) -> datetime:
    """``now`` (or the current time) in UTC, to the second, as certificates record it."""
    return (now or datetime.now(UTC)).replace(microsecond=0)


def common_name(cert: x509.Certificate) -> str:
    """The certificate subject's common name ('' when it has none)."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


def certificate_roles(cert: x509.Certificate) -> tuple[str, ...]:
    """The role labels named in the certificate subject's ``title`` attributes."""
    return tuple(str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.TITLE))


def certificate_email(cert: x509.Certificate) -> str:
    """The first e-mail address in the subject alternative name ('' when none)."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ""
    emails = san.get_values_for_type(x509.RFC822Name)
    return emails[0] if emails else ""


def is_self_issued(cert: x509.Certificate) -> bool:
    """True for a certificate its own key signed (a reviewer without a trust certificate)."""
    if cert.subject != cert.issuer:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, Exception):
        return False
    return True


def create_root(trust_name: str, *, valid_years: int = 20, now: datetime | None = None) -> TrustCA:
    """A new root CA for ``trust_name`` (EC P-384, ``valid_years`` years).

    The subject carries a random serial attribute so two roots made for the same trust name never
    share a distinguished name (a shared name confuses validators).
    """
    if not trust_name.strip():
        raise ValidationError("A certificate authority needs the trust's name.")
    start = now_utc(now)
    key = ec.generate_private_key(ec.SECP384R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"{trust_name} Root CA"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, trust_name),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, secrets.token_hex(8)),
        ]
    )
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(minutes=5))
        .not_valid_after(start + timedelta(days=365 * valid_years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .sign(key, hashes.SHA384())
    )
    return TrustCA(certificate=cert, private_key=key)


def _reviewer_subject(
    name: str, email: str, roles: Sequence[str], organisation: str, unit: str | None
) -> x509.Name:
    if not name.strip():
        raise ValidationError("A signing certificate needs the reviewer's name.")
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if organisation:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if unit:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit))
    attributes.extend(x509.NameAttribute(NameOID.TITLE, role) for role in roles)
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    return x509.Name(attributes)


#: Key usage of every end-entity certificate the trust issues (signers and its time-stamping
#: authority): signatures and non-repudiation, nothing else.
_SIGNING_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def _signing_extensions(
    builder: x509.CertificateBuilder, email: str, public: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    builder = (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNING_KEY_USAGE, critical=True)
        .add_extension(
            x509.ExtendedKeyUsage(
                [DOCUMENT_SIGNING, ADOBE_AUTHENTIC_DOCUMENTS, ExtendedKeyUsageOID.EMAIL_PROTECTION]
            ),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    return builder


def _issued_by(
    ca: TrustCA,
    subject: x509.Name,
    public_key: ec.EllipticCurvePublicKey,
    start: datetime,
    valid_days: int,
) -> x509.CertificateBuilder:
    """A certificate ``ca`` issues for ``public_key``: a fresh serial, valid from five minutes
    before ``start`` (clock skew) for ``valid_days``, naming the CA's key as its authority."""
    issuer_ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(minutes=5))
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(issuer_ski.value),
            critical=False,
        )
    )


def _with_crl(builder: x509.CertificateBuilder, crl_uri: str) -> x509.CertificateBuilder:
    """``builder`` with a CRL distribution point at ``crl_uri``."""
    point = x509.DistributionPoint(
        full_name=[x509.UniformResourceIdentifier(crl_uri)],
        relative_name=None,
        reasons=None,
        crl_issuer=None,
    )
    return builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)


def issue_tsa_certificate(
    ca: TrustCA,
    public_key: ec.EllipticCurvePublicKey,
    *,
    valid_days: int = 1825,
    now: datetime | None = None,
) -> x509.Certificate:
    """The certificate of the trust's time-stamping authority (RFC 3161 section 2.3).

    Its only extended key usage is ``timeStamping`` (critical), so the key can attest times and
    nothing else; it names the trust's CRL like every certificate the CA issues.
    """
    start = now_utc(now)
    organisation = _organisation(ca.certificate)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation or "Reviewer trust"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} Time-Stamping Authority"),
        ]
    )
    builder = (
        _issued_by(ca, subject, public_key, start, valid_days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNING_KEY_USAGE, critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    return _with_crl(builder, default_crl_uri(ca.certificate)).sign(ca.private_key, hashes.SHA256())


def default_crl_uri(ca_certificate: x509.Certificate) -> str:
    """The CRL pointer put in certificates when the trust publishes no CRL web address."""
    return f"urn:reviewer:crl:{ca_certificate.serial_number:x}"


def issue_certificate(
    ca: TrustCA,
    public_key: ec.EllipticCurvePublicKey,
    *,
    name: str,
    email: str,
    roles: Sequence[str],
    valid_days: int = 730,
    crl_url: str | None = None,
    now: datetime | None = None,
) -> x509.Certificate:
    """A reviewer's signing certificate, issued by ``ca`` for ``public_key``.

    ``roles`` are role labels ("Lead reviewer", "Peer reviewer"); a verifier checks that the
    person signing a sign-off slot holds the slot's role. ``crl_url`` becomes the CRL
    distribution point when the trust publishes its list on the web.
    """
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise ValidationError("Reviewer signing keys must be elliptic-curve (P-256) keys.")
    start = now_utc(now)
    subject = _reviewer_subject(name, email, roles, _organisation(ca.certificate), unit=None)
    builder = _signing_extensions(
        _issued_by(ca, subject, public_key, start, valid_days), email, public_key
    )
    # Validators look for revocation data only when a certificate points at some, so every
    # certificate names a CRL. Without a published web address the pointer is a URN naming the
    # CA; the CRL itself reaches verifiers embedded in reports or from the trust's sync server.
    builder = _with_crl(builder, crl_url or default_crl_uri(ca.certificate))
    return builder.sign(ca.private_key, hashes.SHA256())


@dataclass(frozen=True, slots=True)
class CertificateRequest:
    """What a reviewer's certificate signing request asks for: their key, name and e-mail."""

    public_key: ec.EllipticCurvePublicKey
    name: str
    email: str


def read_certificate_request(pem: bytes) -> CertificateRequest:
    """The key, name and e-mail a certificate signing request (PEM) asks a certificate for.

    Raises :class:`ValidationError` saying what is wrong: not a request, not signed by its own
    key, or not an elliptic-curve key.
    """
    try:
        request = x509.load_pem_x509_csr(pem)
    except ValueError:
        raise ValidationError("This is not a certificate request.") from None
    if not request.is_signature_valid:
        raise ValidationError("The certificate request's signature does not match its key.")
    public = request.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey):
        raise ValidationError("Reviewer signing keys must be elliptic-curve (P-256) keys.")
    names = request.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    emails = request.subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS)
    return CertificateRequest(
        public_key=public,
        name=str(names[0].value) if names else "",
        email=str(emails[0].value) if emails else "",
    )


def self_issued_certificate(
    private_key: ec.EllipticCurvePrivateKey,
    *,
    name: str,
    email: str,
    roles: Sequence[str],
    valid_days: int = 730,
    now: datetime | None = None,
) -> x509.Certificate:
    """A certificate a reviewer issues to themselves when the trust has not issued one.

    Signatures made with it are intact and tamper-evident, but every verifier labels them as not
    certified by the trust: nobody but the signer vouches for the name.
    """
    start = now_utc(now)
    public = private_key.public_key()
    subject = _reviewer_subject(name, email, roles, "", unit=SELF_ISSUED_UNIT)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start - timedelta(minutes=5))
        .not_valid_after(start + timedelta(days=valid_days))
    )
    return _signing_extensions(builder, email, public).sign(private_key, hashes.SHA256())


_REASONS: Mapping[str, x509.ReasonFlags] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key_compromise": x509.ReasonFlags.key_compromise,
    "affiliation_changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation_of_operation": x509.ReasonFlags.cessation_of_operation,
}

REVOCATION_REASONS: tuple[str, ...] = tuple(_REASONS)


def build_crl(
    ca: TrustCA,
    revocations: Iterable[Revocation],
    *,
    number: int = 1,
    valid_for: timedelta = timedelta(days=7),
    now: datetime | None = None,
) -> x509.CertificateRevocationList:
    """A certificate revocation list signed by ``ca`` listing ``revocations``."""
    start = now_utc(now)
    ski = ca.certificate.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.certificate.subject)
        .last_update(start)
        .next_update(start + valid_for)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski.value),
            critical=False,
        )
    )
    for revocation in revocations:
        reason = _REASONS.get(revocation.reason, x509.ReasonFlags.unspecified)
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(revocation.serial_number)
            .revocation_date(revocation.revoked_at)
        )
        if reason is not x509.ReasonFlags.unspecified:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    return builder.sign(ca.private_key, hashes.SHA256())


def _organisation(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
    return str(names[0].value) if names else ""


# ---------------------------------------------------------------- the CA folder


class CaFolder:
    """A trust CA kept in a folder, as ``reviewer-app ca`` uses it.

    Layout: ``root-cert.pem`` (share it: verifiers need it), ``root-key.pem`` (PKCS#8, encrypted
    with the admin's passphrase), ``issued/<serial>.pem``, ``revocations.json`` and ``crl.pem``
    (publish it; laptops cache it and signing embeds it).
    """

    ROOT_CERT = "root-cert.pem"
    ROOT_KEY = "root-key.pem"
    TSA_CERT = "tsa-cert.pem"
    TSA_KEY = "tsa-key.pem"
    REVOCATIONS = "revocations.json"
    CRL = "crl.pem"

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def root_cert_path(self) -> Path:
        return self.folder / self.ROOT_CERT

    @property
    def crl_path(self) -> Path:
        return self.folder / self.CRL

    @classmethod
    def create(
        cls, folder: Path, trust_name: str, passphrase: bytes, *, now: datetime | None = None
    ) -> CaFolder:
        """Create a new root in an empty (or new) ``folder`` and publish an empty CRL."""
        if not passphrase:
            raise ValidationError("The CA's private key needs a passphrase.")
        if (folder / cls.ROOT_KEY).exists():
            raise CertificateAuthorityError(
                f"{folder} already holds a certificate authority.",
                hint="Choose an empty folder, or keep using the existing CA.",
            )
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "issued").mkdir(exist_ok=True)
        ca = create_root(trust_name, now=now)
        ca_folder = cls(folder)
        (folder / cls.ROOT_CERT).write_bytes(
            ca.certificate.public_bytes(serialization.Encoding.PEM)
        )
        key_path = folder / cls.ROOT_KEY
        key_path.write_bytes(
            ca.private_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(passphrase),
            )
        )
        key_path.chmod(0o600)
        ca_folder._write_revocations([], crl_number=0)
        ca_folder.publish_crl(passphrase, now=now)
        return ca_folder

    def root_certificate(self) -> x509.Certificate:
        """The root certificate (no passphrase needed)."""
        try:
            return x509.load_pem_x509_certificate(self.root_cert_path.read_bytes())
        except FileNotFoundError:
            raise CertificateAuthorityError(
                f"{self.folder} holds no certificate authority ({self.ROOT_CERT} is missing).",
                hint="Create one with 'reviewer-app ca init'.",
            ) from None

    def unlock(self, passphrase: bytes) -> TrustCA:
        """The CA with its private key, decrypted with ``passphrase``."""
        cert = self.root_certificate()
        try:
            key = serialization.load_pem_private_key(
                (self.folder / self.ROOT_KEY).read_bytes(), password=passphrase
            )
        except FileNotFoundError:
            raise CertificateAuthorityError(
                f"{self.folder} has no CA private key ({self.ROOT_KEY}).",
                hint="Run CA commands on the machine that holds the key.",
            ) from None
        except (ValueError, TypeError):
            raise CertificateAuthorityError(
                f"The passphrase does not unlock the CA key in {self.folder}.",
                hint="Check the passphrase and try again.",
            ) from None
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise CertificateAuthorityError(f"The CA key in {self.folder} is not an EC key.")
        return TrustCA(certificate=cert, private_key=key)

    def time_stamping_key(
        self,
        passphrase: bytes,
        *,
        now: datetime | None = None,
        fresh_for: timedelta = timedelta(days=30),
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        """The trust's time-stamping certificate and key, made and kept here on first use.

        The key is encrypted with the CA's passphrase; a certificate within ``fresh_for`` of
        expiry (30 days unless told) is replaced by a new one (tokens it signed stay verifiable
        with the old certificate, which they carry). Renewing reports' timestamps asks for a
        certificate that outlives the ones it replaces.
        """
        cert_path, key_path = self.folder / self.TSA_CERT, self.folder / self.TSA_KEY
        if cert_path.is_file() and key_path.is_file():
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=passphrase)
            fresh = cert.not_valid_after_utc - now_utc(now) > fresh_for
            if fresh and isinstance(key, ec.EllipticCurvePrivateKey):
                return cert, key
        tsa_key = ec.generate_private_key(ec.SECP256R1())
        cert = issue_tsa_certificate(self.unlock(passphrase), tsa_key.public_key(), now=now)
        key_path.write_bytes(
            tsa_key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(passphrase),
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return cert, tsa_key

    def issue(
        self,
        passphrase: bytes,
        public_key: ec.EllipticCurvePublicKey,
        *,
        name: str,
        email: str,
        roles: Sequence[str],
        valid_days: int = 730,
        now: datetime | None = None,
    ) -> x509.Certificate:
        """Issue a reviewer certificate and keep a copy under ``issued/``."""
        cert = issue_certificate(
            self.unlock(passphrase),
            public_key,
            name=name,
            email=email,
            roles=roles,
            valid_days=valid_days,
            now=now,
        )
        issued = self.folder / "issued"
        issued.mkdir(exist_ok=True)
        (issued / f"{cert.serial_number:x}.pem").write_bytes(
            cert.public_bytes(serialization.Encoding.PEM)
        )
        return cert

    def issued_certificate(self, serial_hex: str) -> x509.Certificate:
        """A certificate this CA issued, by its serial number in hex."""
        path = self.folder / "issued" / f"{serial_hex.lower().removeprefix('0x')}.pem"
        try:
            return x509.load_pem_x509_certificate(path.read_bytes())
        except FileNotFoundError:
            raise NotFoundError(
                f"This CA has not issued a certificate with serial number {serial_hex}.",
                hint="List the files under 'issued' in the CA folder for the serial numbers.",
            ) from None

    def revocations(self) -> list[Revocation]:
        data = self._read_state()
        return [
            Revocation(int(r["serial"], 16), datetime.fromisoformat(r["at"]), r["reason"])
            for r in data["revoked"]
        ]

    def revoke(
        self,
        passphrase: bytes,
        serial_hex: str,
        *,
        reason: str = "unspecified",
        now: datetime | None = None,
    ) -> x509.CertificateRevocationList:
        """Revoke an issued certificate and publish a new CRL at once."""
        if reason not in _REASONS:
            raise ValidationError(
                f"'{reason}' is not a revocation reason.",
                hint=f"Use one of: {', '.join(REVOCATION_REASONS)}.",
            )
        self.unlock(passphrase)  # fail on a wrong passphrase before changing anything
        cert = self.issued_certificate(serial_hex)
        state = self._read_state()
        revoked = self.revocations()
        if all(r.serial_number != cert.serial_number for r in revoked):
            revoked.append(Revocation(cert.serial_number, now_utc(now), reason))
        self._write_revocations(revoked, crl_number=int(state["crl_number"]))
        return self.publish_crl(passphrase, now=now)

    def publish_crl(
        self, passphrase: bytes, *, now: datetime | None = None
    ) -> x509.CertificateRevocationList:
        """Sign a fresh CRL (next number, valid seven days) and write it to ``crl.pem``."""
        ca = self.unlock(passphrase)
        state = self._read_state()
        number = int(state["crl_number"]) + 1
        crl = build_crl(ca, self.revocations(), number=number, now=now)
        self._write_revocations(self.revocations(), crl_number=number)
        self.crl_path.write_bytes(crl.public_bytes(serialization.Encoding.PEM))
        return crl

    def _read_state(self) -> dict[str, Any]:
        try:
            data = json.loads((self.folder / self.REVOCATIONS).read_text("utf-8"))
        except FileNotFoundError:
            raise CertificateAuthorityError(
                f"{self.folder} holds no certificate authority ({self.REVOCATIONS} is missing).",
                hint="Create one with 'reviewer-app ca init'.",
            ) from None
        if not isinstance(data, dict):
            raise CertificateAuthorityError(f"{self.REVOCATIONS} in {self.folder} is damaged.")
        return data

    def _write_revocations(self, revoked: Sequence[Revocation], *, crl_number: int) -> None:
        payload = {
            "crl_number": crl_number,
            "revoked": [
                {
                    "serial": f"{r.serial_number:x}",
                    "at": r.revoked_at.isoformat(),
                    "reason": r.reason,
                }
                for r in revoked
            ],
        }
        (self.folder / self.REVOCATIONS).write_text(json.dumps(payload, indent=2), "utf-8")
