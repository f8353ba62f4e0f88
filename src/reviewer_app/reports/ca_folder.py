"""A trust CA kept in a folder, as ``reviewer-app ca`` runs it on the trust admin's machine."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from reviewer_app.domain.errors import NotFoundError, ValidationError
from reviewer_app.reports.ca import (
    REVOCATION_REASONS,
    CertificateAuthorityError,
    Revocation,
    TrustCA,
    build_crl,
    create_root,
    issue_certificate,
    now_utc,
)


class CaFolder:
    """A trust CA kept in a folder, as ``reviewer-app ca`` uses it.

    Layout: ``root-cert.pem`` (share it: verifiers need it), ``root-key.pem`` (PKCS#8, encrypted
    with the admin's passphrase), ``issued/<serial>.pem``, ``revocations.json`` and ``crl.pem``
    (publish it; laptops cache it and signing embeds it).
    """

    ROOT_CERT = "root-cert.pem"
    ROOT_KEY = "root-key.pem"
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
        if reason not in REVOCATION_REASONS:
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
