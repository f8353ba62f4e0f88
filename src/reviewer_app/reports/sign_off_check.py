"""Check a report part-way through its sign-off: what the trust server and each laptop ask of a
signed version before keeping it.

:func:`check_partial_report` accepts a report that still waits for later signatures, but every
signature it has must be intact, certified by the trust, unrevoked, by the planned person, and
the signatures so far must be the plan's first ones, in order (where the plan lets signers sign in
any order among themselves, they may, but all of them before the next step). It returns what the
report says about itself (id, data hash, plan, signatures) so the caller can compare it with
the review and with the versions it already holds; anything wrong is a :class:`ReportRefusedError`
with one sentence naming the problem.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography import x509

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.reports.document import signed_too_early
from reviewer_app.reports.verification import SignatureResult


class ReportRefusedError(ReviewerError):
    """The signed report cannot be kept; the message says why (without a final full stop)."""


@dataclass(frozen=True, slots=True)
class CheckedReport:
    """A signed version that passed :func:`check_partial_report`."""

    report_id: str
    data_hash: str
    #: The planned signers' names, in the plan's order.
    planned: tuple[str, ...]
    #: The signatures present (each checked), in the order they were made (the newest last;
    #: signers sharing a step may have signed in any order among themselves).
    signed: tuple[SignatureResult, ...]
    #: How many of the trust's document timestamps (each checked) the file carries.
    document_timestamps: int = 0

    @property
    def signer_count(self) -> int:
        return len(self.signed)

    @property
    def complete(self) -> bool:
        return len(self.signed) == len(self.planned)

    @property
    def newest(self) -> SignatureResult:
        return self.signed[-1]


def check_partial_report(
    pdf: bytes,
    *,
    trust_roots: Sequence[x509.Certificate],
    crls: Iterable[x509.CertificateRevocationList] = (),
    source: str = "The report",
) -> CheckedReport:
    """What a signed version says about itself, or :class:`ReportRefusedError` with the reason."""
    from reviewer_app.reports.verification import UnusableReportError, verify_report

    if not pdf.startswith(b"%PDF-"):
        raise ReportRefusedError("the file is not a PDF")
    if not trust_roots:
        raise ReportRefusedError(
            "this computer does not know the trust's root certificate, so no signature can be "
            "checked"
        )
    try:
        verdict = verify_report(pdf, trust_roots=trust_roots, crls=crls, source=source)
    except UnusableReportError as exc:
        raise ReportRefusedError(exc.message.rstrip(".")) from None
    if not verdict.report_id:
        raise ReportRefusedError("it does not carry Reviewer's sign-off plan")
    signed = [s for s in verdict.signatures if s.signed]
    if not signed:
        raise ReportRefusedError("nobody has signed it")
    for signature in signed:
        if not signature.ok:
            raise ReportRefusedError(signature.sentence.rstrip("."))
    if verdict.problems:
        raise ReportRefusedError(verdict.problems[0].rstrip("."))
    planned = [s for s in verdict.signatures if s.order]
    waiting = signed_too_early(planned, {s.field_name for s in signed})
    if waiting is not None:
        raise ReportRefusedError(
            f"it is signed out of order: {waiting.expected_person} "
            f"({waiting.expected_role.lower()}) has not signed before later signers"
        )
    return CheckedReport(
        report_id=verdict.report_id,
        data_hash=verdict.data_hash,
        planned=tuple(s.expected_person for s in planned),
        signed=tuple(sorted(signed, key=lambda s: s.revision)),
        document_timestamps=len(verdict.document_timestamps),
    )
