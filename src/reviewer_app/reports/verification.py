# Longer than 600 lines because each check of the strict policy is small, and the policy reads as
# one list in one place.
"""Verify a signed report offline, by a policy stricter than "every signature is valid".

A report passes only when all of these hold:

1. every signature is intact (the signed bytes are unchanged) and cryptographically valid;
2. every signer's certificate chains to the trust root and is not revoked (CRLs embedded at
   signing and any newer CRLs the caller supplies; no network);
3. every signature the report expects (its sign-off plan, read from the signed revision) is
   present, in the planned field, by the planned person and role, in the planned order; a file
   cut back to an earlier revision is therefore reported as missing the later signatures;
4. nothing added after a signature goes beyond filling and signing the pre-made signature
   fields: pyHanko's difference analysis must rate every later revision at
   ``ModificationLevel.FORM_FILLING`` or below and find DocMDP respected. An appended update that
   rewrites a page fails here even though poppler's ``pdfsig`` calls such a file valid.
   Annotations also fail: our certification forbids them and a note can cover printed text;
5. optionally, the report's data hash equals an expected one (the review in the local store).

Self-issued certificates are named as such ("not certified by the trust") and fail rule 2.
Results are plain dataclasses with sentences a school reviewer can read.
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.reports.ca import (
    certificate_email,
    certificate_roles,
    common_name,
    is_self_issued,
)
from reviewer_app.reports.document import signed_too_early
from reviewer_app.reports.pyhanko_logging import demote_pyhanko_warnings
from reviewer_app.reports.signing import PlannedSignature, ReportPlan, read_plan, same_person
from reviewer_app.reports.strict_checks import cms_problems, signed_signer

log = logging.getLogger(__name__)

#: How far ahead of this computer's clock a signing time may be before it is "in the future".
CLOCK_TOLERANCE = timedelta(minutes=10)


class UnusableReportError(ReviewerError):
    """The file is not a PDF, or cannot be read at all (exit status 2 on the command line)."""


@dataclass(frozen=True, slots=True)
class SignatureResult:
    """What verification found for one expected (or unexpected) signature."""

    field_name: str
    order: int | None
    expected_role: str
    expected_person: str
    signed: bool
    signer_name: str = ""
    signer_email: str = ""
    signer_roles: tuple[str, ...] = ()
    signed_at: datetime | None = None
    certification: bool = False
    intact: bool = False
    certified_by_trust: bool = False
    self_issued: bool = False
    revoked: bool = False
    problems: tuple[str, ...] = ()
    #: The time in the signature's own timestamp token from the trust (``None``: no token).
    timestamp_at: datetime | None = None
    #: The earliest trust document timestamp over this signature: it existed by then.
    existed_by: datetime | None = None
    #: The planned step (signatures sharing one may be given in any order); 0: its own.
    step: int = 0
    #: The file revision the signature signed (later signatures have higher ones); 0: unsigned.
    revision: int = 0

    @property
    def turn(self) -> int:
        """When the plan lets this signature be given (0 for a signature it did not plan)."""
        return self.step or self.order or 0

    @property
    def time_source(self) -> str:
        """``trust_timestamp`` when the trust attests the signing time, else ``signer_clock``."""
        return "trust_timestamp" if self.timestamp_at is not None else "signer_clock"

    @property
    def ok(self) -> bool:
        return self.signed and not self.problems

    @property
    def sentence(self) -> str:
        """Who signed, as what, when, and whether it holds."""
        if not self.signed:
            return self.problems[0] if self.problems else f"{self.field_name} is not signed."
        role = self.expected_role or (", ".join(self.signer_roles) or "signer")
        head = f"{self.signer_name} signed as {role.lower()}"
        # Without a trusted timestamp the time is the signer's own claim; say so.
        if self.timestamp_at is not None:
            head += f" on {_when(self.timestamp_at)} (time attested by the trust's timestamp)"
        elif self.signed_at is not None:
            head += f" on {_when(self.signed_at)} (time by the signer's clock, no timestamp)"
            if self.existed_by is not None:
                head += f"; the trust's timestamp shows it existed by {_when(self.existed_by)}"
        if self.ok:
            return f"{head}: the signature is valid and certified by the trust."
        return f"{head}, but: " + " ".join(self.problems)

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field_name,
            "order": self.order,
            "expected_role": self.expected_role,
            "expected_person": self.expected_person,
            "signed": self.signed,
            "signer_name": self.signer_name,
            "signer_email": self.signer_email,
            "signer_roles": list(self.signer_roles),
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "time_source": self.time_source,
            "signer_clock_time": self.signed_at.isoformat() if self.signed_at else None,
            "timestamp_time": self.timestamp_at.isoformat() if self.timestamp_at else None,
            "existed_by": self.existed_by.isoformat() if self.existed_by else None,
            "certification": self.certification,
            "intact": self.intact,
            "certified_by_trust": self.certified_by_trust,
            "self_issued": self.self_issued,
            "revoked": self.revoked,
            "ok": self.ok,
            "problems": list(self.problems),
            "sentence": self.sentence,
        }


def _when(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%-d %B %Y at %H:%M UTC")


@dataclass(frozen=True, slots=True)
class ReportVerification:
    """The verdict on one report file."""

    source: str
    report_id: str
    data_hash: str
    framework: str
    signatures: tuple[SignatureResult, ...]
    problems: tuple[str, ...] = field(default=())
    #: When the freshest trust revocation list used was issued (``None``: none was available).
    revocation_list_issued: datetime | None = None
    #: The times of the trust's valid document timestamps over the file, oldest first.
    document_timestamps: tuple[datetime, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.problems and all(s.ok for s in self.signatures) and bool(self.signatures)

    @property
    def headline(self) -> str:
        name = f"Report {self.report_id}" if self.report_id else self.source
        if self.passed:
            count = len(self.signatures)
            return f"{name} is valid: all {count} signatures are present, intact and certified."
        return f"{name} is NOT valid."

    def sentences(self) -> list[str]:
        """The headline, then each signature, then document-level problems."""
        lines = [self.headline]
        lines.extend(s.sentence for s in self.signatures)
        lines.extend(self.problems)
        return lines

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "passed": self.passed,
            "report_id": self.report_id,
            "data_hash": self.data_hash,
            "framework": self.framework,
            "headline": self.headline,
            "signatures": [s.to_json() for s in self.signatures],
            "problems": list(self.problems),
            "revocation_list_issued": (
                self.revocation_list_issued.isoformat() if self.revocation_list_issued else None
            ),
            "document_timestamps": [moment.isoformat() for moment in self.document_timestamps],
        }


def _asn1_crl_from_der(data: bytes) -> Any:
    from asn1crypto import crl as asn1_crl  # type: ignore[import-untyped]

    return asn1_crl.CertificateList.load(data)


def _crypto_cert(asn1_cert: Any) -> x509.Certificate:
    return x509.load_der_x509_certificate(asn1_cert.dump())


def _asn1(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509

    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _asn1_crl(crl: x509.CertificateRevocationList) -> Any:
    from asn1crypto import crl as asn1_crl

    return asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))


def _open(pdf: bytes, source: str) -> Any:
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader

    if not pdf.lstrip()[:5] == b"%PDF-":
        raise UnusableReportError(
            f"{source} is not a PDF file.", hint="Check you chose the signed report (.pdf)."
        )
    try:
        return PdfFileReader(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, IndexError, TypeError) as exc:
        log.info("could not parse %s: %s", source, type(exc).__name__)
        raise UnusableReportError(
            f"{source} is damaged: it starts like a PDF but cannot be read.",
            hint="Ask the sender for the report again.",
        ) from exc


@dataclass(frozen=True, slots=True)
class _RevocationData:
    """Certificates and CRLs available offline: the report's DSS plus what the caller gave."""

    certs: tuple[Any, ...]
    crls: tuple[Any, ...]
    trust_crls: tuple[x509.CertificateRevocationList, ...]

    @property
    def freshest(self) -> x509.CertificateRevocationList | None:
        """The trust's most recent revocation list among those available."""
        if not self.trust_crls:
            return None
        return max(self.trust_crls, key=lambda crl: crl.last_update_utc)


def _revocation_data(
    reader: Any,
    trust_roots: Sequence[x509.Certificate],
    crls: Iterable[x509.CertificateRevocationList],
) -> _RevocationData:
    from pyhanko.sign.validation.dss import DocumentSecurityStore
    from pyhanko.sign.validation.errors import NoDSSFoundError

    given = list(crls)
    asn1_crls = [_asn1_crl(c) for c in given]
    certs: list[Any] = []
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        pass
    else:
        certs = list(dss.load_certs())
        for ref in dss.crls:
            data = ref.get_object().data
            asn1_crls.append(_asn1_crl_from_der(data))
            with contextlib.suppress(ValueError):
                given.append(x509.load_der_x509_crl(data))
    trust_crls = tuple(
        crl
        for crl in given
        if any(
            crl.issuer == root.subject and crl.is_signature_valid(root.public_key())  # type: ignore[arg-type]
            for root in trust_roots
        )
    )
    return _RevocationData(tuple(certs), tuple(asn1_crls), trust_crls)


def _validation_context(
    trust_roots: Sequence[x509.Certificate], data: _RevocationData, moment: datetime | None
) -> Any:
    """Validation as at ``moment``, the time the signature claims.

    A report is verified months after signing, long after the CRL embedded at signing has passed
    its next-update time; checking at the claimed signing time keeps that CRL usable. Revocation
    published later is caught separately by :func:`_revoked_at` (any revocation fails).
    """
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=[_asn1(r) for r in trust_roots],
        other_certs=list(data.certs),
        crls=list(data.crls),
        allow_fetching=False,
        revocation_mode="hard-fail",
        moment=moment,
    )


def _revoked_at(cert: x509.Certificate, data: _RevocationData) -> datetime | None:
    """When a trust CRL (embedded or supplied) says ``cert`` was revoked, if any does."""
    for crl in data.trust_crls:
        if crl.issuer != cert.issuer:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None:
            return entry.revocation_date_utc
    return None


def _plan_from_signed_revision(reader: Any, embedded: Sequence[Any]) -> ReportPlan | None:
    """The sign-off plan as the first signature covered it (later revisions cannot alter it)."""
    root = reader.get_historical_root(embedded[0].signed_revision) if embedded else reader.root
    try:
        return read_plan(root)
    except (KeyError, TypeError, ValueError):
        return None


def verify_report(
    pdf: bytes,
    *,
    trust_roots: Sequence[x509.Certificate],
    crls: Iterable[x509.CertificateRevocationList] = (),
    expected_data_hash: str | None = None,
    source: str = "The report",
) -> ReportVerification:
    """Verify ``pdf`` against the trust's root certificate(s); see the module for the policy.

    Raises :class:`UnusableReportError` for a file that is not a readable PDF; everything else
    (tampering, missing or untrusted signatures) comes back as problems in the result.
    """
    from pyhanko.sign.fields import enumerate_sig_fields

    demote_pyhanko_warnings()
    reader = _open(pdf, source)
    try:
        embedded = list(reader.embedded_regular_signatures)
        fields_present = {name: value for name, value, _ref in enumerate_sig_fields(reader)}
    except Exception as exc:
        log.info("could not read signatures of %s: %s", source, type(exc).__name__)
        raise UnusableReportError(
            f"{source} is damaged: its signature fields cannot be read.",
            hint="Ask the sender for the report again.",
        ) from exc
    plan = _plan_from_signed_revision(reader, embedded)
    problems: list[str] = []
    if plan is None:
        problems.append(
            "This PDF does not carry Reviewer's sign-off plan, so nobody can say which "
            "signatures it should have."
        )
        planned: tuple[PlannedSignature, ...] = tuple(
            PlannedSignature(name, i, "", "") for i, name in enumerate(sorted(fields_present), 1)
        )
    else:
        planned = plan.signatures
    if not trust_roots:
        problems.append("No trust root was given, so no signer can be checked against the trust.")
    revocation_data = _revocation_data(reader, trust_roots, crls)
    by_field = {sig.field_name: sig for sig in embedded}
    last = _last_signed(reader)
    document_timestamps, timestamp_problems = _document_timestamps(
        reader, trust_roots, revocation_data
    )
    problems.extend(timestamp_problems)
    results: list[SignatureResult] = []
    for slot in planned:
        sig = by_field.get(slot.field_name)
        if sig is None:
            results.append(_missing(slot))
            continue
        results.append(
            _check_signature(
                sig,
                slot,
                revocation_data,
                trust_roots,
                is_last=sig is embedded[-1],
                existed_by=_existed_by(sig, document_timestamps),
            )
        )
    planned_fields = {slot.field_name for slot in planned}
    for sig in embedded:
        if sig.field_name not in planned_fields:
            unplanned = PlannedSignature(sig.field_name, 0, "", "")
            result = _check_signature(
                sig, unplanned, revocation_data, trust_roots, is_last=sig is embedded[-1]
            )
            results.append(result)
            problems.append(
                f"{result.signer_name or 'Someone'} signed in a field ({sig.field_name}) the "
                "report did not plan for."
            )
    problems.extend(_order_problems(embedded, planned))
    after = _after_last_signature(pdf, reader)
    if after is not None:
        problems.append(after)
        results = [
            replace(r, problems=(*r.problems, after)) if r.signed and r.field_name == last else r
            for r in results
        ]
    if not embedded:
        problems.append("Nobody has signed this report yet.")
    data_hash = plan.data_hash if plan else ""
    if expected_data_hash is not None and plan is not None and data_hash != expected_data_hash:
        problems.append(
            "The report was made from different data than the review now holds (data hash "
            f"{data_hash[:12]}… in the report, {expected_data_hash[:12]}… in the review)."
        )
    return ReportVerification(
        source=source,
        report_id=plan.report_id if plan else "",
        data_hash=data_hash,
        framework=f"{plan.framework_id} {plan.framework_version}".strip() if plan else "",
        signatures=tuple(results),
        problems=tuple(problems),
        revocation_list_issued=(
            # ``is not None``: a list revoking nobody has no entries, so it is falsy.
            freshest.last_update_utc if (freshest := revocation_data.freshest) is not None else None
        ),
        document_timestamps=tuple(sorted(when for _revision, when in document_timestamps)),
    )


def _document_timestamps(
    reader: Any, trust_roots: Sequence[x509.Certificate], data: _RevocationData
) -> tuple[list[tuple[int, datetime]], list[str]]:
    """The trust's valid document timestamps as (revision covered, time), and problems."""
    from pyhanko.sign.validation import validate_pdf_timestamp

    found: list[tuple[int, datetime]] = []
    problems: list[str] = []
    for sig in reader.embedded_timestamp_signatures:
        try:
            info = sig.signed_data["encap_content_info"]["content"].parsed
            moment = info["gen_time"].native
            # No difference analysis here (it was the whole cost of checking a timestamp that
            # is not the last): a revision after a document timestamp is either covered by a
            # later signature or reviewed by an earlier one's own analysis (rule 6), and a
            # document timestamp's verdict rests on its token alone.
            status = validate_pdf_timestamp(
                sig,
                validation_context=_validation_context(trust_roots, data, moment),
                skip_diff=True,
            )
        except Exception as exc:
            log.info("document timestamp %s unreadable: %s", sig.field_name, type(exc).__name__)
            problems.append(f"The document timestamp in {sig.field_name} is damaged.")
            continue
        if not (status.intact and status.valid):
            problems.append(
                f"The document timestamp in {sig.field_name} does not match the file: the "
                "file was changed after it."
            )
        elif not status.trusted:
            problems.append(
                f"The document timestamp in {sig.field_name} is not from the trust's "
                "time-stamping service."
            )
        else:
            found.append((int(sig.signed_revision), status.timestamp))
    return found, problems


def _existed_by(sig: Any, document_timestamps: Sequence[tuple[int, datetime]]) -> datetime | None:
    """The earliest trusted document timestamp covering ``sig``'s revision."""
    times = [when for revision, when in document_timestamps if revision >= sig.signed_revision]
    return min(times) if times else None


def _last_signed(reader: Any) -> str | None:
    """The field name of the signature (or document timestamp) covering the most bytes."""
    signatures = list(reader.embedded_signatures)
    if not signatures:
        return None
    return str(max(signatures, key=_range_end).field_name)


def _range_end(sig: Any) -> int:
    start, length = sig.byte_range[-2], sig.byte_range[-1]
    return int(start) + int(length)


def _after_last_signature(pdf: bytes, reader: Any) -> str | None:
    """A sentence when any byte follows the last signature's range, else ``None``.

    Nothing after the last signature is accepted, not even a change only to the document's
    title or metadata: no signer vouched for it, and a reader cannot tell it apart from the
    signed report.
    """
    from reviewer_app.reports.strict_checks import changes_after

    signatures = list(reader.embedded_signatures)
    if not signatures:
        return None
    last = max(signatures, key=_range_end)
    end = _range_end(last)
    if end >= len(pdf):
        return None
    what = changes_after(reader, last.signed_revision, pdf[end:])
    return (
        f"The file was changed after the last signature ({what}); nothing added after the last "
        "signature is covered by any signature, so this copy is not the report as signed."
    )


def _issuer_name(cert: x509.Certificate) -> str:
    from cryptography.x509.oid import NameOID

    names = cert.issuer.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else cert.issuer.rfc4514_string()


def _missing(slot: PlannedSignature) -> SignatureResult:
    who = f"{slot.person_name} ({slot.role_label.lower()})" if slot.person_name else "Someone"
    return SignatureResult(
        field_name=slot.field_name,
        order=slot.order,
        step=slot.step,
        expected_role=slot.role_label,
        expected_person=slot.person_name,
        signed=False,
        problems=(
            f"{who} has not signed: signature field {slot.field_name} is empty. If they signed "
            "it before, this copy was cut back to an earlier version.",
        ),
    )


def _order_problems(embedded: Sequence[Any], planned: Sequence[PlannedSignature]) -> list[str]:
    # Signers sharing a step (any order among themselves) share a turn.
    turn = {slot.field_name: slot.turn for slot in planned}
    seen = [turn[s.field_name] for s in embedded if s.field_name in turn]
    if seen != sorted(seen):
        return ["The signatures were not made in the order the report sets out."]
    # A later signer signed while an earlier one's field is still empty.
    skipped = signed_too_early(planned, {s.field_name for s in embedded})
    if skipped is not None:
        return [
            f"The report was signed out of order: {skipped.person_name} "
            f"({skipped.role_label.lower()}) has not signed, but a signer the plan puts later "
            "has."
        ]
    return []


def _validity_problem(
    cert: x509.Certificate,
    claimed: datetime | None,
    signer_name: str,
    trust_roots: Sequence[x509.Certificate],
) -> str | None:
    """Why the certificate (or the root it chains to) was not valid at the claimed time."""
    if claimed is None:
        return (
            "The signature does not say when it was made, so nobody can tell whether the "
            f"certificate of {signer_name} was valid then."
        )
    if claimed > datetime.now(UTC) + CLOCK_TOLERANCE:
        return f"The signature claims to have been made on {_day(claimed)}, which is in the future."
    chain = [("certificate of " + signer_name, cert)] + [
        (f"trust root ({common_name(root)})", root)
        for root in trust_roots
        if root.subject == cert.issuer
    ]
    for what, item in chain:
        if claimed < item.not_valid_before_utc:
            return (
                f"The {what} was not yet valid when the signature says it was made "
                f"({_day(claimed)}): it became valid on {_day(item.not_valid_before_utc)}."
            )
        if claimed > item.not_valid_after_utc:
            return (
                f"The {what} had expired when the signature says it was made "
                f"({_day(claimed)}): it expired on {_day(item.not_valid_after_utc)}."
            )
    return None


def _day(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%-d %B %Y, %H:%M UTC")


def _issued_by_root(cert: x509.Certificate, trust_roots: Sequence[x509.Certificate]) -> bool:
    for root in trust_roots:
        try:
            cert.verify_directly_issued_by(root)
        except (ValueError, TypeError, InvalidSignature):
            continue
        return True
    return False


def _check_signature(
    sig: Any,
    slot: PlannedSignature,
    revocation_data: _RevocationData,
    trust_roots: Sequence[x509.Certificate],
    *,
    is_last: bool,
    existed_by: datetime | None = None,
) -> SignatureResult:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    cert: x509.Certificate | None
    try:
        cert = _crypto_cert(sig.signer_cert)
    except Exception:
        # Not found by the (unsigned) signer identifier: the signed attribute still names it.
        cert = signed_signer(bytes(sig.sig_object["/Contents"]))
    signer_name = common_name(cert) if cert else "An unknown signer"
    problems: list[str] = []
    try:
        claimed = sig.self_reported_timestamp
        context = _validation_context(trust_roots, revocation_data, claimed)
        status = validate_pdf_signature(
            sig, signer_validation_context=context, ts_validation_context=context
        )
    except Exception as exc:
        log.info("signature %s could not be validated: %s", sig.field_name, type(exc).__name__)
        # Say what is wrong with the container, when the strict parse can tell.
        return SignatureResult(
            field_name=sig.field_name,
            order=slot.order or None,
            expected_role=slot.role_label,
            expected_person=slot.person_name,
            signed=True,
            signer_name=signer_name,
            problems=(
                f"The signature in {sig.field_name} is damaged and cannot be checked.",
                *_container_problems(sig, cert, trust_roots),
            ),
            step=slot.step,
            revision=_revision(sig),
        )
    self_issued = cert is not None and is_self_issued(cert)
    intact = bool(status.intact and status.valid)
    container = _container_problems(sig, cert, trust_roots)
    problems.extend(container)
    validity = _validity_problem(cert, claimed, signer_name, trust_roots) if cert else None
    timestamp_at = None
    token = status.timestamp_validity
    if token is not None:
        if token.intact and token.valid and token.trusted:
            timestamp_at = token.timestamp
            if cert is not None and validity is None:
                validity = _validity_problem(cert, timestamp_at, signer_name, trust_roots)
        else:
            problems.append(
                "The signature's timestamp token is not intact or not from the trust's "
                "time-stamping service."
            )
    if not status.intact:
        problems.append("The signed content has been changed since this signature was made.")
    elif not status.valid:
        problems.append("The signature value does not match the signer's certificate.")
    revoked_on = _revoked_at(cert, revocation_data) if cert is not None else None
    details = status.revocation_details
    if revoked_on is None and status.revoked and details is not None:
        revoked_on = details.revocation_date
    revoked = bool(status.revoked) or revoked_on is not None
    if revoked:
        when = f" on {revoked_on.strftime('%-d %B %Y')}" if revoked_on else ""
        problems.append(
            f"{signer_name}'s certificate was revoked{when}; signatures made with it are not "
            "accepted."
        )
    elif validity is not None:
        problems.append(validity)
    elif self_issued:
        problems.append(
            f"{signer_name} signed with a self-issued certificate, which is not certified by "
            "the trust: nobody has vouched that the signer is who the name says."
        )
    elif not status.trusted and container and _algorithms_refused(status):
        pass  # pyHanko refused the container's algorithms, and rule 2 above says why
    elif not status.trusted and cert is not None and _issued_by_root(cert, trust_roots):
        problems.append(
            f"The trust's revocation list for {signer_name}'s certificate is not in the report "
            "or was not supplied, so nobody can tell whether the certificate was revoked. "
            "Verify again with the trust's current revocation list (crl.pem)."
        )
    elif not status.trusted:
        issuer = _issuer_name(cert) if cert else "an unknown issuer"
        problems.append(
            f"{signer_name}'s certificate was not issued by the trust you checked against "
            f"(it was issued by {issuer})."
        )
    if slot.person_name and not same_person(signer_name, slot.person_name):
        problems.append(
            f"This sign-off was meant for {slot.person_name}, but {signer_name} signed it."
        )
    roles = certificate_roles(cert) if cert else ()
    if slot.role_label and roles and all(r.casefold() != slot.role_label.casefold() for r in roles):
        problems.append(
            f"The certificate names {signer_name} as {', '.join(roles).lower()}, not "
            f"{slot.role_label.lower()}."
        )
    level = status.modification_level
    if status.docmdp_ok is False or (level is not None and level > ModificationLevel.FORM_FILLING):
        where = "after the last signature" if is_last else "after this signature"
        problems.append(
            f"The file was changed {where} in a way signing does not allow (pages or other "
            "content were added or rewritten)."
        )
    elif status.coverage is not None and status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        problems.append("The signature does not cover its whole revision of the file.")
    return SignatureResult(
        field_name=sig.field_name,
        order=slot.order or None,
        expected_role=slot.role_label,
        expected_person=slot.person_name,
        signed=True,
        signer_name=signer_name,
        signer_email=certificate_email(cert) if cert else "",
        signer_roles=roles,
        signed_at=status.signer_reported_dt,
        certification=sig.docmdp_level is not None,
        intact=intact,
        certified_by_trust=bool(status.trusted) and not revoked and not self_issued,
        self_issued=self_issued,
        revoked=revoked,
        problems=tuple(problems),
        timestamp_at=timestamp_at,
        existed_by=existed_by,
        step=slot.step,
        revision=_revision(sig),
    )


def _algorithms_refused(status: Any) -> bool:
    """Whether pyHanko found the signature untrusted for its algorithms, not its certificate."""
    from pyhanko.sign.ades.report import AdESIndeterminate

    return bool(status.trust_problem_indic == AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE)


def _container_problems(
    sig: Any, cert: x509.Certificate | None, trust_roots: Sequence[x509.Certificate]
) -> list[str]:
    """What the strict parse of the signature's container finds wrong (rule 2)."""
    problems = cms_problems(bytes(sig.sig_object["/Contents"]), cert, trust_roots)
    if cert is None:
        problems.append("The signature container does not carry the signer's certificate.")
    return problems


def _revision(sig: Any) -> int:
    try:
        return int(sig.signed_revision)
    except Exception:
        return 0
