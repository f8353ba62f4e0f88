"""Checking a signed report offline: the one road the Verify report dialog and
``reviewer-app verify`` take to ``reports.verification``.

A report is checked against the trust roots and revocation lists given. When no data hash is
expected and the review it was made from is in the local store, what that review holds now
must be what was signed: the report is checked a second time against the store's hash, so a
review changed since it was signed shows as such.

The verification stack (pyHanko) is imported inside the functions, when a report is checked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.errors import ReviewerError

if TYPE_CHECKING:
    from cryptography import x509

    # Re-exported: the GUI names the verdict's type through this module.
    from reviewer_app.reports.verification import ReportVerification as ReportVerification

log = logging.getLogger(__name__)

#: The data hash the local store's review now holds for a report id (None: not there).
StoredHash = Callable[[str], "str | None"]


@dataclass(frozen=True, slots=True)
class CheckedReport:
    """A report's verdict, and whether it was checked against the review in the local store."""

    verification: ReportVerification
    checked_against_store: bool


def check_report(
    pdf: bytes,
    roots: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    *,
    source: str,
    expected_hash: str | None = None,
    stored_hash: StoredHash | None = None,
) -> CheckedReport:
    """Check ``pdf`` (named ``source`` in the verdict's sentences). ``stored_hash`` says what
    the local store's review holds now; a :class:`ReviewerError` from it skips that check (the
    signatures are still checked). Raises :class:`ReviewerError` for a file that is no report."""
    from reviewer_app.reports.verification import verify_report

    def verify(expected: str | None) -> ReportVerification:
        return verify_report(
            pdf, trust_roots=roots, crls=crls, expected_data_hash=expected, source=source
        )

    result = verify(expected_hash)
    if expected_hash is None and stored_hash is not None and result.report_id:
        try:
            stored = stored_hash(result.report_id)
        except ReviewerError as exc:
            log.info("report not checked against the local store: %s", type(exc).__name__)
            stored = None
        if stored is not None:
            if stored != result.data_hash:
                result = verify(stored)
            return CheckedReport(result, checked_against_store=True)
    return CheckedReport(result, checked_against_store=False)


def check_report_file(
    path: Path,
    roots: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    expected_hash: str | None = None,
    stored_hash: StoredHash | None = None,
) -> CheckedReport | str:
    """Check the report at ``path`` (on a reader thread): the verdict, or why the file could
    not be checked, in a sentence naming it."""
    try:
        pdf = path.read_bytes()
        return check_report(
            pdf,
            roots,
            crls,
            source=path.name,
            expected_hash=expected_hash,
            stored_hash=stored_hash,
        )
    except ReviewerError as exc:
        return str(exc)
    except OSError as exc:
        return f"{path} cannot be read ({exc.strerror})."
    except Exception:
        log.exception("verifying a report failed unexpectedly")
        return (
            f"{path.name} could not be checked because of an internal error; the details are "
            "in the log."
        )
