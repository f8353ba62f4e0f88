"""The signing key and certificate of the person using this laptop.

On an **enrolled** laptop there is one signing identity: the key made at enrolment (kept in the
OS keyring, or in the encrypted store where there is no keyring) with the certificate the trust
CA issued for it. Nothing else signs there: without that certificate, signing is refused with
what to do (enrol again), never done with a self-issued certificate.

On a laptop that was **never enrolled**, the key (EC P-256) is made on first need and kept
encrypted: in the OS keyring when no passphrase is given, else in
``signing-keys/<person id>.pem`` under the settings folder, encrypted with the passphrase the
caller supplies. The certificate is ``signing-keys/<person id>-cert.pem`` placed by the trust
admin when it is for this key, else a self-issued one, made once and kept beside the key, which
every verifier (and every screen showing the signature) labels as not certified by the trust.

``trust-root.pem`` in the settings folder (written at enrolment) and a cached ``trust-crl.pem``
in the cache folder are embedded when signing so reports verify offline.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

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
    load_key_pem,
    save_key,
    store_key_in_keyring,
)
from reviewer_app.services.enrolment import (
    CA_CERTIFICATE_PEM,
    CERTIFICATE_PEM,
    DEVICE_ID,
    SERVER_URL,
    SIGNING_KEY_ACCOUNT,
    SIGNING_KEY_PEM,
    TRUST_CRL_FILE,
    TRUST_CRL_PEM,
    TRUST_ROOT_FILE,
)
from reviewer_app.storage.local_settings import CURRENT_PERSON, get_setting
from reviewer_app.storage.store import Store

log = logging.getLogger(__name__)

KEYS_FOLDER = "signing-keys"


@dataclass(frozen=True, slots=True)
class TrustMaterial:
    """The trust's root certificates and revocation lists known on this laptop."""

    roots: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()


def trust_material(paths: AppPaths, store: Store | None = None) -> TrustMaterial:
    """``trust-root.pem`` from the settings folder and ``trust-crl.pem`` from the cache; where
    a file is missing, the copy kept in ``store`` at enrolment and sync."""
    root_pem = crl_pem = None
    if store is not None:
        with store.reading() as session:
            root_pem = get_setting(session, CA_CERTIFICATE_PEM)
            crl_pem = get_setting(session, TRUST_CRL_PEM)
    roots: tuple[x509.Certificate, ...] = ()
    crls: tuple[x509.CertificateRevocationList, ...] = ()
    root_file = paths.config / TRUST_ROOT_FILE
    if root_file.is_file():
        roots = tuple(load_certificates(root_file.read_bytes(), source=str(root_file)))
    elif root_pem:
        roots = tuple(load_certificates(root_pem.encode("ascii"), source="the enrolment"))
    crl_file = paths.cache / TRUST_CRL_FILE
    if crl_file.is_file():
        crls = (load_crl(crl_file.read_bytes(), source=str(crl_file)),)
    elif crl_pem:
        crls = (load_crl(crl_pem.encode("ascii"), source="the last sync"),)
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

    def enrolled(self) -> bool:
        """Whether this laptop is enrolled with a trust server (then only the trust signs)."""
        if self.store is None:
            return False
        with self.store.reading() as session:
            return bool(get_setting(session, SERVER_URL) and get_setting(session, DEVICE_ID))

    def credentials(self, passphrase: str | None = None) -> SigningCredentials:
        """The key with its certificate: the trust's on an enrolled laptop, else the best one
        (the key is made now if there is none yet)."""
        if self.enrolled():
            return self._enrolled_credentials()
        key = self._key(passphrase)
        for cert, chain in self._trust_certificates():
            if cert.public_key() == key.public_key():
                return credentials(key, cert, chain)
        return credentials(key, self._self_issued(key))

    @staticmethod
    def is_certified_by_trust(creds: SigningCredentials) -> bool:
        """Whether ``creds`` carry a certificate from the trust rather than a self-issued one."""
        return creds.certificate.issuer != creds.certificate.subject

    # ------------------------------------------------------------ enrolled

    def _enrolled_credentials(self) -> SigningCredentials:
        """The key made at enrolment with the certificate the trust issued for it."""
        assert self.store is not None
        with self.store.reading() as session:
            person_id = get_setting(session, CURRENT_PERSON)
            account = get_setting(session, SIGNING_KEY_ACCOUNT)
            key_pem = get_setting(session, SIGNING_KEY_PEM)
            cert_pem = get_setting(session, CERTIFICATE_PEM)
        again = "Enrol this laptop again with a new code from your trust admin."
        if person_id != self.person.id:
            raise SigningKeyError(
                f"This laptop is enrolled for someone else, so {self.person.name} cannot sign "
                "on it.",
                hint=f"{self.person.name} signs on their own laptop.",
            )
        if not cert_pem or not (account or key_pem):
            raise SigningKeyError(
                "This laptop is enrolled with the trust but holds no certificate from the trust "
                "for your signing key, so it cannot sign (a report signed here must be "
                "certified by the trust).",
                hint=again,
            )
        if key_pem:
            key = load_key_pem(key_pem.encode("ascii"), None, source="the encrypted store")
        else:
            assert account is not None
            key = load_key_from_keyring(account)
        certs = load_certificates(cert_pem.encode("ascii"), source="the enrolment certificate")
        if certs[0].public_key() != key.public_key():
            raise SigningKeyError(
                "The certificate the trust issued at enrolment is not for this laptop's "
                "signing key.",
                hint=again,
            )
        return credentials(key, certs[0], tuple(certs[1:]))

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
