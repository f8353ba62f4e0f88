"""The signing key and certificate of the person using this laptop.

The key (EC P-256) is made on first need and kept encrypted: in the OS keyring when no
passphrase is given, else in ``signing-keys/<person id>.pem`` under the settings folder,
encrypted with the passphrase the caller supplies. The certificate is, in order of preference:

1. the one the trust issued at enrolment (kept in the store's settings by enrolment, or
   ``signing-keys/<person id>-cert.pem`` placed by the trust admin), when it is for this key;
2. a self-issued one, made once and kept beside the key, which every verifier labels as not
   certified by the trust.

``trust-root.pem`` in the settings folder (written at enrolment) and a cached ``trust-crl.pem``
in the cache folder are embedded when signing so reports verify offline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.organisation import Person
from reviewer_app.paths import AppPaths
from reviewer_app.reports.keys import (
    SigningCredentials,
    SigningKeyError,
    certificate_pem,
    credentials,
    generate_signing_key,
    load_certificates,
    load_crl,
    load_key,
    load_key_from_keyring,
    save_key,
    store_key_in_keyring,
)
from reviewer_app.storage.local_settings import get_setting
from reviewer_app.storage.store import Store

log = logging.getLogger(__name__)

#: Local settings written by enrolment (``services/enrolment.py`` on the sync side).
ENROLLED_CERTIFICATE = "sync.certificate_pem"
ENROLLED_CA_CERTIFICATE = "sync.ca_certificate_pem"
TRUST_ROOT_FILE = "trust-root.pem"
TRUST_CRL_FILE = "trust-crl.pem"
KEYS_FOLDER = "signing-keys"


@dataclass(frozen=True, slots=True)
class TrustMaterial:
    """The trust's root certificates and revocation lists known on this laptop."""

    roots: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()


def trust_material(paths: AppPaths) -> TrustMaterial:
    """``trust-root.pem`` from the settings folder and ``trust-crl.pem`` from the cache."""
    roots: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()
    root_file = paths.config / TRUST_ROOT_FILE
    if root_file.is_file():
        roots = tuple(load_certificates(root_file.read_bytes(), source=str(root_file)))
    crl_file = paths.cache / TRUST_CRL_FILE
    if crl_file.is_file():
        crls = (load_crl(crl_file.read_bytes(), source=str(crl_file)),)
    return TrustMaterial(roots, crls)


class SigningIdentity:
    """Where one person's signing key and certificate live on this laptop."""

    def __init__(self, paths: AppPaths, person: Person, store: Store | None = None) -> None:
        self.paths = paths
        self.person = person
        self.store = store

    @property
    def folder(self) -> Path:
        return self.paths.config / KEYS_FOLDER

    @property
    def key_file(self) -> Path:
        return self.folder / f"{self.person.id}.pem"

    @property
    def certificate_file(self) -> Path:
        return self.folder / f"{self.person.id}-cert.pem"

    @property
    def self_issued_file(self) -> Path:
        return self.folder / f"{self.person.id}-self-issued.pem"

    def credentials(self, passphrase: str | None = None) -> SigningCredentials:
        """The key (made now if there is none yet) with its best certificate."""
        key = self._key(passphrase)
        for cert, chain in self._trust_certificates():
            if cert.public_key() == key.public_key():
                return credentials(key, cert, chain)
        return credentials(key, self._self_issued(key))

    def is_certified_by_trust(self, creds: SigningCredentials) -> bool:
        """Whether ``creds`` carry a certificate from the trust rather than a self-issued one."""
        return creds.certificate.issuer != creds.certificate.subject

    # ------------------------------------------------------------ key

    def _key(self, passphrase: str | None) -> ec.EllipticCurvePrivateKey:
        if passphrase:
            secret = passphrase.encode("utf-8")
            if self.key_file.is_file():
                return load_key(self.key_file, secret)
            key = generate_signing_key()
            save_key(key, self.key_file, secret)
            log.info("signing key created in a passphrase-protected file")
            return key
        if self.key_file.is_file():
            raise SigningKeyError(
                f"Your signing key is kept in {self.key_file}, protected by a passphrase.",
                hint="Enter the passphrase you chose when the key was made.",
            )
        account = self.person.email
        try:
            return load_key_from_keyring(account)
        except SigningKeyError as missing:
            if "holds no signing key" not in str(missing):
                raise
        key = generate_signing_key()
        try:
            store_key_in_keyring(key, account)
        except SigningKeyError:
            raise SigningKeyError(
                "The system keyring would not keep a new signing key.",
                hint="Choose a passphrase to keep your signing key in a file instead.",
            ) from None
        log.info("signing key created in the system keyring")
        return key

    # ------------------------------------------------------------ certificates

    def _trust_certificates(
        self,
    ) -> list[tuple[x509.Certificate, tuple[x509.Certificate, ...]]]:
        found: list[tuple[x509.Certificate, tuple[x509.Certificate, ...]]] = []
        if self.certificate_file.is_file():
            certs = load_certificates(
                self.certificate_file.read_bytes(), source=str(self.certificate_file)
            )
            found.append((certs[0], tuple(certs[1:])))
        if self.store is not None:
            with self.store.reading() as session:
                cert_pem = get_setting(session, ENROLLED_CERTIFICATE)
            if cert_pem:
                try:
                    certs = load_certificates(cert_pem.encode("ascii"), source="enrolment")
                except ReviewerError:
                    log.warning("the certificate kept at enrolment cannot be read")
                else:
                    found.append((certs[0], tuple(certs[1:])))
        return found

    def _self_issued(self, key: ec.EllipticCurvePrivateKey) -> x509.Certificate:
        from reviewer_app.reports.ca import self_issued_certificate

        if self.self_issued_file.is_file():
            cert = load_certificates(
                self.self_issued_file.read_bytes(), source=str(self.self_issued_file)
            )[0]
            if cert.public_key() == key.public_key():
                return cert
        cert = self_issued_certificate(
            key, name=self.person.name, email=self.person.email, roles=()
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        self.self_issued_file.write_bytes(certificate_pem(cert))
        log.info("self-issued signing certificate made (not certified by the trust)")
        return cert
