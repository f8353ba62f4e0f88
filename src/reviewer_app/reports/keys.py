"""A reviewer's signing key and certificate, made and kept on the laptop.

The key is EC P-256 (about 4x faster to sign with than RSA-2048, and Acrobat validates it). It
never leaves the laptop unencrypted: either in a file as PKCS#8 encrypted with the reviewer's
passphrase, or in the operating system's keyring. For enrolment the laptop sends a certificate
signing request (:func:`certificate_request`); the trust's CA returns the certificate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from reviewer_app.domain.errors import NotFoundError, ReviewerError

#: Service name under which signing keys are kept in the OS keyring.
KEYRING_SERVICE = "uk.reviewer.signing-key"


class SigningKeyError(ReviewerError):
    """The signing key cannot be read: wrong passphrase, damaged file, or not in the keyring."""


@dataclass(frozen=True, slots=True)
class SigningCredentials:
    """What signing needs: the private key, its certificate, and the issuing chain (no root)."""

    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...] = ()


def generate_signing_key() -> ec.EllipticCurvePrivateKey:
    """A new EC P-256 signing key."""
    return ec.generate_private_key(ec.SECP256R1())


def certificate_request(
    key: ec.EllipticCurvePrivateKey, *, name: str, email: str | None = None
) -> x509.CertificateSigningRequest:
    """A certificate signing request the trust's CA turns into the reviewer's certificate."""
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    subject = x509.Name(attributes)
    return x509.CertificateSigningRequestBuilder().subject_name(subject).sign(key, hashes.SHA256())


def encrypted_key_pem(key: ec.EllipticCurvePrivateKey, passphrase: bytes) -> bytes:
    """The key as PKCS#8 PEM encrypted with ``passphrase``."""
    if not passphrase:
        raise SigningKeyError(
            "A signing key kept in a file needs a passphrase.",
            hint="Choose a passphrase, or keep the key in the system keyring instead.",
        )
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )


def load_key_pem(
    data: bytes, passphrase: bytes | None, *, source: str
) -> ec.EllipticCurvePrivateKey:
    """Decrypt a PKCS#8 PEM key; ``source`` names where it came from in error messages."""
    try:
        key = serialization.load_pem_private_key(data, password=passphrase or None)
    except TypeError:
        raise SigningKeyError(
            f"The signing key in {source} needs its passphrase.",
            hint="Enter the passphrase you chose when the key was made.",
        ) from None
    except ValueError:
        raise SigningKeyError(
            f"The passphrase does not unlock the signing key in {source}, or the file is damaged.",
            hint="Check the passphrase and try again.",
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SigningKeyError(f"The key in {source} is not an elliptic-curve signing key.")
    return key


def save_key(key: ec.EllipticCurvePrivateKey, path: Path, passphrase: bytes) -> None:
    """Write the key to ``path`` encrypted with ``passphrase``, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encrypted_key_pem(key, passphrase))
    path.chmod(0o600)


def load_key(path: Path, passphrase: bytes) -> ec.EllipticCurvePrivateKey:
    """Read a key written by :func:`save_key`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(
            f"There is no signing key at {path}.",
            hint="Create your signing key in Settings, or enrol this laptop with the trust.",
        ) from None
    return load_key_pem(data, passphrase, source=str(path))


def store_key_in_keyring(key: ec.EllipticCurvePrivateKey, account: str) -> None:
    """Keep the key in the OS keyring under ``account`` (the keyring encrypts it at rest)."""
    import keyring
    from keyring.errors import KeyringError

    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    try:
        keyring.set_password(KEYRING_SERVICE, account, pem)
        # Some backends (the null keyring, locked stores) accept a secret and keep nothing.
        kept = keyring.get_password(KEYRING_SERVICE, account) == pem
    except KeyringError:
        kept = False
    if not kept:
        raise SigningKeyError(
            "The system keyring would not store the signing key.",
            hint="Keep the key in a file protected by a passphrase instead.",
        )


def load_key_from_keyring(account: str) -> ec.EllipticCurvePrivateKey:
    """The key kept by :func:`store_key_in_keyring` for ``account``."""
    import keyring
    from keyring.errors import KeyringError

    try:
        pem = keyring.get_password(KEYRING_SERVICE, account)
    except KeyringError as exc:
        raise SigningKeyError(
            "The system keyring could not be read.", hint="Unlock the keyring and try again."
        ) from exc
    if pem is None:
        raise SigningKeyError(
            f"The system keyring holds no signing key for {account}.",
            hint="Create your signing key in Settings, or enrol this laptop with the trust.",
        )
    return load_key_pem(pem.encode("ascii"), None, source="the system keyring")


def certificate_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def load_certificates(data: bytes, *, source: str) -> list[x509.Certificate]:
    """Every certificate in PEM (one or more) or DER ``data``."""
    try:
        if b"-----BEGIN" in data:
            return list(x509.load_pem_x509_certificates(data))
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise ReviewerError(
            f"{source} does not hold a certificate.",
            hint="Use the .pem file the trust gave you (for example root-cert.pem).",
        ) from None


def load_crl(data: bytes, *, source: str) -> x509.CertificateRevocationList:
    """A certificate revocation list from PEM or DER ``data``."""
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise ReviewerError(
            f"{source} is not a certificate revocation list.",
            hint="Use the crl.pem the trust publishes.",
        ) from None


def credentials(
    key: ec.EllipticCurvePrivateKey,
    certificate: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
) -> SigningCredentials:
    """Bundle a key with its certificate, refusing a certificate made for another key."""
    if certificate.public_key() != key.public_key():
        raise SigningKeyError(
            f"The certificate for {certificate.subject.rfc4514_string()} belongs to another key.",
            hint="Use the certificate the trust issued for this laptop's key.",
        )
    return SigningCredentials(private_key=key, certificate=certificate, chain=tuple(chain))
