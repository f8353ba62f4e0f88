"""The server's use of the trust certificate authority of :mod:`reviewer_app.reports.ca`.

Two jobs, both delegated to the reports package (no second CA, no second verifier here):

* at enrolment, turn the laptop's certificate signing request into the reviewer's signing
  certificate. The name, e-mail and roles come from the trust's records, not from the request;
  the request only proves the laptop holds the private key;
* when a signed report arrives, verify it with
  :func:`reviewer_app.reports.verification.verify_report` against the trust root and the CA's
  current revocation list.

The CA folder is the one ``reviewer-app ca init`` creates. Verification needs only its public
parts; issuing needs the CA key's passphrase (without it, enrolment gives no certificate).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.domain.errors import ReviewerError, ValidationError
from reviewer_app.domain.organisation import Role
from reviewer_app.sync.protocol import PersonInfo

if TYPE_CHECKING:
    from cryptography import x509

    from reviewer_app.reports.sign_off_check import CheckedReport
    from reviewer_app.reports.timestamping import TimeStampAuthority

log = logging.getLogger(__name__)


class CertificateRequestError(ReviewerError):
    """The laptop's certificate request is unusable (damaged, or not an EC P-256 key)."""


@dataclass(frozen=True, slots=True)
class TrustAuthority:
    """The trust CA folder, and the passphrase of its key when the server may issue."""

    folder: Path
    passphrase: bytes | None = None
    #: The time-stamping authority, made on first use (its key needs the CA passphrase).
    _tsa: list[Any] = field(default_factory=list, compare=False, repr=False)
    _tsa_lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    @property
    def can_issue(self) -> bool:
        return self.passphrase is not None

    def issue(self, person: PersonInfo, request_pem: str) -> tuple[str, str]:
        """The reviewer's certificate and the trust root, both PEM, for a CSR in PEM."""
        from cryptography.hazmat.primitives import serialization

        from reviewer_app.reports.ca import CaFolder, read_certificate_request

        if self.passphrase is None:
            raise ReviewerError("This trust server is not set up to issue certificates.")
        try:
            request = read_certificate_request(request_pem.encode("ascii"))
        except UnicodeEncodeError:
            raise CertificateRequestError(
                "The laptop's certificate request cannot be read."
            ) from None
        except ValidationError as exc:
            raise CertificateRequestError(
                f"The laptop's certificate request cannot be used: {exc}"
            ) from exc
        folder = CaFolder(self.folder)
        labels = sorted(Role(r).label for r in person.roles if r in Role._value2member_map_)
        # The name and e-mail are the trust's, not the request's: the laptop only brings its key.
        certificate = folder.issue(
            self.passphrase, request.public_key, name=person.name, email=person.email, roles=labels
        )
        log.info("Issued certificate %x for person %s", certificate.serial_number, person.id)
        encoding = serialization.Encoding.PEM
        return (
            certificate.public_bytes(encoding).decode("ascii"),
            folder.root_certificate().public_bytes(encoding).decode("ascii"),
        )

    @property
    def can_timestamp(self) -> bool:
        """Whether this server runs the trust's time-stamping service (it needs the CA key)."""
        return self.passphrase is not None

    def timestamp(self, request_der: bytes) -> bytes:
        """The RFC 3161 response (DER) to a time-stamp request (DER).

        Raises :class:`~reviewer_app.reports.timestamping.TimeStampRequestError` for a request
        that cannot be answered, :class:`ReviewerError` when the server may not time-stamp.
        """
        return self._authority().respond(request_der)

    def _authority(self, fresh_for: timedelta = timedelta(days=30)) -> TimeStampAuthority:
        """The time-stamping authority, its certificate valid for more than ``fresh_for``
        (replaced by a new one otherwise, also in a server that runs for months)."""
        from datetime import UTC, datetime

        from reviewer_app.reports.ca import CaFolder
        from reviewer_app.reports.timestamping import TimeStampAuthority

        if self.passphrase is None:
            raise ReviewerError("This trust server is not set up to time-stamp.")
        with self._tsa_lock:
            current = self._tsa[0] if self._tsa else None
            if current is None or (
                current.certificate.not_valid_after_utc - datetime.now(UTC) <= fresh_for
            ):
                folder = CaFolder(self.folder)
                cert, key = folder.time_stamping_key(self.passphrase, fresh_for=fresh_for)
                self._tsa[:] = [TimeStampAuthority(cert, key, (folder.root_certificate(),))]
                log.info("Time-stamping authority ready (certificate %x)", cert.serial_number)
            authority: TimeStampAuthority = self._tsa[0]
        return authority

    def time_stamping_certificate(self, fresh_for: timedelta) -> x509.Certificate:
        """The time-stamping certificate, replaced first when it expires within ``fresh_for``
        (renewing reports' timestamps needs one that outlives those it renews)."""
        return self._authority(fresh_for).certificate

    def seal_long_term(self, pdf: bytes) -> bytes:
        """``pdf`` (a report with its last signature) with the trust's validation data and a
        document timestamp appended: PAdES B-LT, then B-LTA, so it verifies for years without
        this server. Raises :class:`~reviewer_app.reports.signing.SigningError` when it cannot.
        """
        from cryptography import x509

        from reviewer_app.reports.ca import CaFolder
        from reviewer_app.reports.signing import add_document_timestamp
        from reviewer_app.reports.timestamping import server_timestamper

        folder = CaFolder(self.folder)
        crls = []
        if folder.crl_path.is_file():
            crls.append(x509.load_pem_x509_crl(folder.crl_path.read_bytes()))
        return add_document_timestamp(
            pdf,
            server_timestamper(self.timestamp, service=f"trust-ca:{self.folder}"),
            trust_roots=[folder.root_certificate()],
            crls=crls,
        )

    def published(self) -> tuple[str, str | None]:
        """The trust root and its current revocation list, both PEM (the CRL may be absent)."""
        from cryptography.hazmat.primitives import serialization

        from reviewer_app.reports.ca import CaFolder

        folder = CaFolder(self.folder)
        root = folder.root_certificate().public_bytes(serialization.Encoding.PEM).decode("ascii")
        crl = folder.crl_path.read_text("ascii") if folder.crl_path.is_file() else None
        return root, crl

    def check_report(self, pdf: bytes) -> CheckedReport:
        """What a signed version (mid sign-off or complete) says about itself, once every
        signature it has is checked against the trust root and the CA's current revocation
        list; a :class:`~reviewer_app.reports.sign_off_check.ReportRefusedError` says what is
        wrong."""
        from cryptography import x509

        from reviewer_app.reports.ca import CaFolder
        from reviewer_app.reports.sign_off_check import check_partial_report

        folder = CaFolder(self.folder)
        crls = []
        if folder.crl_path.is_file():
            crls.append(x509.load_pem_x509_crl(folder.crl_path.read_bytes()))
        return check_partial_report(
            pdf, trust_roots=[folder.root_certificate()], crls=crls, source="The report"
        )

    def verify_report(self, pdf: bytes) -> str | None:
        """``None`` when the signed report may be kept, else the reason it is refused.

        A report in the middle of its sign-off is accepted (planned signatures still to come),
        but every signature it has must be intact, certified by the trust, unrevoked, by the
        planned person in the planned order, with nothing changed after it.
        """
        from reviewer_app.reports.sign_off_check import ReportRefusedError

        try:
            self.check_report(pdf)
        except ReportRefusedError as exc:
            return exc.message
        return None
