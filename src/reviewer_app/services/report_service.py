"""Reports of reviews in the store: preview, export, sign in the framework's order, verify.

``ReportService(workspace, paths)`` is what the GUI and ``reviewer-app report`` call:

* :meth:`ReportService.render` renders the review as it stands for one audience (preview);
* :meth:`ReportService.export` writes the newest signed version of that audience if there is
  one, else the current state unsigned, and says which;
* :meth:`ReportService.sign` adds the current person's signature: only while the review is ready
  for sign-off (or signed, for an audience not yet fully signed), only when it is their turn, and
  only when the review still holds exactly the data the earlier signatures covered (the data hash
  is computed again before every signature). Every signed state is kept in the store; the last
  required signature locks the review and the visit (state signed);
* :meth:`ReportService.verify_stored` verifies the newest signed version against the review's
  current data hash.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer_app.domain.changes import ChangeOrigin, ReviewChanges
from reviewer_app.domain.errors import (
    LockedError,
    NotFoundError,
    PermissionDeniedError,
    ReviewerError,
    ValidationError,
)
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import ReviewState
from reviewer_app.domain.safeguarding_reports import ReportFramework, why_withheld
from reviewer_app.paths import AppPaths
from reviewer_app.reports.document import ReportDocument, SignOffSlot, next_to_sign, who_signs
from reviewer_app.reports.keys import SigningCredentials
from reviewer_app.reports.render import RenderedReport
from reviewer_app.reports.signing import SigningError, same_person
from reviewer_app.reports.verification import ReportVerification
from reviewer_app.services import signed_report_sync
from reviewer_app.services.local_expiry import held_as_summary
from reviewer_app.services.report_builder import (
    SCHOOL_ONLY,
    SHARING_FIELD,
    ReportSource,
    build_report_source,
)
from reviewer_app.services.signing_identity import SigningIdentity, TrustMaterial, trust_material
from reviewer_app.services.workspace import Workspace

if TYPE_CHECKING:
    from reviewer_app.sync.client import SyncClient
from reviewer_app.storage.signed_report_repository import (
    SignedReportRepository,
    SignedReportVersion,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What :meth:`ReportService.export` wrote."""

    path: Path
    report_id: str
    audience_label: str
    data_hash: str
    signed: bool
    signer_count: int
    required_count: int

    @property
    def sentence(self) -> str:
        if not self.signed:
            return (
                f"Wrote the {self.audience_label.lower()} as the review stands now, unsigned, "
                f"to {self.path}."
            )
        state = (
            "fully signed"
            if self.signer_count >= self.required_count
            else f"signed by {self.signer_count} of {self.required_count}"
        )
        return f"Wrote the {self.audience_label.lower()} ({state}) to {self.path}."


@dataclass(frozen=True, slots=True)
class SignResult:
    """One signature added: the version kept and whether it completed the report."""

    version: SignedReportVersion
    certified_by_trust: bool
    locked: bool
    #: Queued for the trust server (an enrolled laptop): it travels at the next sync.
    queued: bool = False


class ReportService:
    """Reports of the reviews in one open workspace."""

    def __init__(self, workspace: Workspace, paths: AppPaths) -> None:
        self.workspace = workspace
        self.paths = paths

    # ------------------------------------------------------------ content

    def source(self, visit_id: str) -> ReportSource:
        """The visit's report content as the person using this laptop may export it."""
        return build_report_source(self.workspace, visit_id)

    def document(
        self, visit_id: str, audience: str, signed: SignedReportVersion | None = None
    ) -> tuple[ReportSource, ReportDocument]:
        """One audience's document, refusing restricted content the person may not see (as
        ``signed`` was made, when given: see :func:`audience_document`)."""
        return audience_document(self.workspace, visit_id, audience, signed)

    def render(self, visit_id: str, audience: str) -> RenderedReport:
        """The review as it stands, rendered for ``audience`` (for the preview)."""
        from reviewer_app.reports.render import render_report

        _source, document = self.document(visit_id, audience)
        return render_report(document)

    # ------------------------------------------------------------ stored versions

    def signed_versions(
        self, visit_id: str, audience: str | None = None
    ) -> list[SignedReportVersion]:
        """Every signed version of the visit's current review, oldest first."""
        review = self.workspace.reviews.review_for_visit(visit_id)
        if review is None:
            return []
        if self.workspace.built_in is not None:
            self.workspace.built_in.before_signed_listing(self.workspace, review.id)
        with self.workspace.store.reading() as session:
            return SignedReportRepository(session).versions(review.id, audience)

    def latest_signed(self, visit_id: str, audience: str) -> SignedReportVersion | None:
        found = self.signed_versions(visit_id, audience)
        return found[-1] if found else None

    # ------------------------------------------------------------ export

    def withheld_here(self, source: ReportSource, audience: str, report_id: str) -> str:
        """Why the trust sends this laptop no signed copy of ``audience`` of a review it holds
        as its judgement summary, when the safeguarding rule is why (a sentence; ""
        otherwise: the school's sharing choice, or nothing withheld). See
        :mod:`reviewer_app.domain.safeguarding_reports`."""
        with self.workspace.store.reading() as session:
            if not held_as_summary(session, source.review.id):
                return ""
        sharing = self.workspace.reviews.field_values(source.review.id).get(SHARING_FIELD)
        if sharing is not None and sharing.value == SCHOOL_ONLY:
            return ""
        return why_withheld(
            audience,
            report_id,
            ReportFramework.of(source.framework),
            safeguarding_reader=self.workspace.current_person.may_see_safeguarding,
        )

    def export(self, visit_id: str, audience: str, out: Path) -> ExportResult:
        """Write the newest signed version of ``audience``, else the current state unsigned
        (not for a review held here as its judgement summary: that is not the report)."""
        latest = self.latest_signed(visit_id, audience)
        source, document = self.document(visit_id, audience, latest)
        if latest is None:
            with self.workspace.store.reading() as session:
                summary = held_as_summary(session, source.review.id)
            why = self.withheld_here(source, audience, document.report_id)
            if summary and why:
                raise PermissionDeniedError(
                    f"This laptop holds the judgement summary of the review of "
                    f"{source.school.name}, not its {document.audience.label.lower()}. {why}",
                    hint="Export the summary for the trust board instead, or ask a safeguarding "
                    "lead for this report.",
                )
            if summary:
                raise PermissionDeniedError(
                    f"This laptop holds the judgement summary of the review of "
                    f"{source.school.name}, not its {document.audience.label.lower()}: the "
                    "school chose to share the report with the school only, or the trust has "
                    "not shared that report with you.",
                    hint="Ask the visit's lead reviewer or the school for the report.",
                )
        if latest is not None:
            pdf, data_hash, signed = latest.pdf, latest.data_hash, True
            count, required = latest.signer_count, latest.required_count
        else:
            from reviewer_app.reports.render import render_report

            rendered = render_report(document)
            pdf, data_hash, signed = rendered.pdf, rendered.data_hash, False
            count, required = 0, len(document.sign_off)
        _write(out, pdf)
        log.info("report exported (%s, signed=%s)", audience, signed)
        return ExportResult(
            out, document.report_id, document.audience.label, data_hash, signed, count, required
        )

    # ------------------------------------------------------------ signing

    def sign(
        self,
        visit_id: str,
        audience: str,
        *,
        passphrase: str | None = None,
        creds: SigningCredentials | None = None,
    ) -> SignResult:
        """Sign the visit's report for ``audience`` as the person using this laptop.

        ``creds`` overrides the key and certificate kept for the person (the demo and tests
        use it); otherwise the key comes from the keyring, or from the passphrase-protected file
        when ``passphrase`` is given, and is made on first need.
        """
        from reviewer_app.reports.signing import prepare_and_render

        latest = self.latest_signed(visit_id, audience)
        source, document = self.document(visit_id, audience, latest)
        review = source.review
        if review.state not in (ReviewState.READY_FOR_SIGN_OFF, ReviewState.SIGNED):
            raise ValidationError(
                f"The review of {source.school.name} is {review.state.label.lower()}, so it "
                "cannot be signed yet.",
                hint="The lead reviewer marks the review ready for sign-off first.",
            )
        slots = document.signing_order
        if not slots:
            raise ValidationError(f"The {source.framework.title} names nobody to sign it.")
        if latest is not None and latest.complete:
            raise LockedError(
                f"The {document.audience.label.lower()} of this review is already signed by "
                "everyone who must sign it.",
                hint="Export the signed report, or start an amendment to change the review.",
            )
        # A signed (locked) review may still be signed for another audience: its data is fixed.
        data_hash = document.data_hash()
        if latest is not None and latest.data_hash != data_hash:
            raise SigningError(
                f"The review of {source.school.name} has changed since {latest.signer_name} "
                "signed this report, so the signatures so far no longer cover what the review "
                "now says.",
                hint="Put the review back as it was, or ask the lead reviewer to start the "
                "sign-off again.",
            )
        done = latest.signer_count if latest is not None else 0
        versions = self.signed_versions(visit_id, audience)
        available = next_to_sign(slots, signed_so_far(slots, versions))
        person = self.workspace.current_person
        slot = next((s for s in available if same_person(s.person_name, person.name)), None)
        if slot is None:
            raise SigningError(
                f"{who_signs(available)} this report next, not {person.name}.",
                hint="Signatures go in the order shown on the sign-off page.",
            )
        pdf_in = latest.pdf if latest is not None else prepare_and_render(document)
        if creds is None:
            identity = SigningIdentity(self.paths, person, self.workspace.store)
            creds = identity.credentials(passphrase)
        trust = self.trust_material()
        signed_pdf = self._sign_with_trusted_time(pdf_in, creds, slot.field_name, trust)
        version = SignedReportVersion(
            id=new_id(),
            review_id=review.id,
            report_id=document.report_id,
            audience=audience,
            data_hash=data_hash,
            signer_count=done + 1,
            required_count=len(slots),
            signer_name=person.name,
            signed_at=datetime.now(UTC),
            pdf=signed_pdf,
        )
        locked = version.complete and review.state is not ReviewState.SIGNED
        queued = self.workspace.lane.call(self._keep, version, source, lock=locked)
        kinds = {Entity.SIGNED_REPORT} | ({Entity.REVIEW} if locked else set())
        self.workspace.lane.changes.publish(
            ReviewChanges(
                review_id=source.review.id,
                origin=ChangeOrigin.LOCAL,
                kinds=frozenset(kinds),
                record_ids=frozenset({version.id}),
                author_ids=frozenset({person.id}),
            )
        )
        log.info("report signed (%d of %d)", version.signer_count, version.required_count)
        return SignResult(
            version,
            certified_by_trust=SigningIdentity.is_certified_by_trust(creds),
            locked=version.complete,
            queued=queued,
        )

    def sign_every_audience(
        self,
        visit_id: str,
        *,
        passphrase: str | None = None,
        creds: SigningCredentials | None = None,
    ) -> list[SignResult]:
        """One signing act: the person's signature on every audience's report whose next
        signature is theirs (the framework's reports all carry the same sign-off).

        Audiences where it is not their turn (already signed, someone else next, restricted
        detail they may not read) are left as they are; when no audience can be signed, the
        refusal of the first one is raised.
        """
        source = self.source(visit_id)
        refusals: list[ReviewerError] = []
        results: list[SignResult] = []
        for key in source.audience_keys:
            try:
                results.append(self.sign(visit_id, key, passphrase=passphrase, creds=creds))
            except (SigningError, LockedError, PermissionDeniedError, ValidationError) as exc:
                refusals.append(exc)
                continue
            if creds is None:
                # The key is read once (a keyring prompt or passphrase once, not per report).
                person = self.workspace.current_person
                creds = SigningIdentity(self.paths, person, self.workspace.store).credentials(
                    passphrase
                )
        if not results:
            raise refusals[0]
        return results

    def _sign_with_trusted_time(
        self, pdf: bytes, creds: SigningCredentials, field_name: str, trust: TrustMaterial
    ) -> bytes:
        """Sign with the trust's timestamp token when this laptop is enrolled and its server
        answers; otherwise (offline, or a server without a time-stamping service) the signature
        keeps the signer's clock, and verifiers say so."""
        from reviewer_app.reports.signing import sign_report
        from reviewer_app.reports.timestamping import server_timestamper

        client = self._timestamp_client()
        if client is not None:
            with client:
                try:
                    return sign_report(
                        pdf,
                        creds,
                        field_name=field_name,
                        trust_roots=trust.roots,
                        crls=trust.crls,
                        timestamper=server_timestamper(client.timestamp, service=client.base_url),
                    )
                except SigningError as exc:
                    log.info("signing without the trust's timestamp: %s", exc.__cause__)
        return sign_report(
            pdf, creds, field_name=field_name, trust_roots=trust.roots, crls=trust.crls
        )

    def _timestamp_client(self) -> SyncClient | None:
        """A client for the enrolled server's time-stamping service, quick to give up."""
        from reviewer_app.services import enrolment
        from reviewer_app.sync.client import RetryPolicy, SyncClient, Timeouts

        server = enrolment.enrolled_server(self.workspace.store)
        if server is None:
            return None
        token = enrolment.device_token(server[0], server[1], self.workspace.store)
        if not token:
            return None
        return SyncClient(
            server[0],
            token,
            timeouts=Timeouts(connect=3.0, read=10.0, write=10.0, pool=3.0),
            retry=RetryPolicy(attempts=1, deadline=10.0),
        )

    def _keep(self, version: SignedReportVersion, source: ReportSource, *, lock: bool) -> bool:
        """Store the signed version and, after the last signature, lock review and visit.

        On an enrolled laptop the version is queued for the trust in the same transaction: the
        signature *is* the change that travels (the server locks the review when the last
        planned signature arrives, and other laptops when they receive it), so no separate
        state change is sent.
        """
        with self.workspace.store.writing() as session:
            SignedReportRepository(session).add(version)
            signed_report_sync.forget_after_signing(session, version)
            if lock:
                signed_report_sync.lock(session, source.review.id)
            if not signed_report_sync.is_enrolled(session):
                return False
            signed_report_sync.queue_version(session, version, self.workspace.current_person.id)
            return True

    # ------------------------------------------------------------ verification

    def trust_material(self) -> TrustMaterial:
        """Trust roots and CRLs: the enrolled trust's, and a built-in trust's (the demo's)."""
        material = trust_material(self.paths, self.workspace.store)
        if self.workspace.built_in is not None:
            extra = self.workspace.built_in.trust_material(self.workspace)
            material = TrustMaterial(material.roots + extra.roots, material.crls + extra.crls)
        return material

    def verify_stored(self, visit_id: str, audience: str) -> ReportVerification:
        """Verify the newest signed version against the trust and the review's current data."""
        from reviewer_app.reports.verification import verify_report

        latest = self.latest_signed(visit_id, audience)
        _source, document = self.document(visit_id, audience, latest)
        if latest is None:
            raise NotFoundError(
                f"The {document.audience.label.lower()} of this visit has not been signed yet.",
                hint="Sign it first, or export the unsigned report.",
            )
        trust = self.trust_material()
        return verify_report(
            latest.pdf,
            trust_roots=trust.roots,
            crls=trust.crls,
            expected_data_hash=document.data_hash(),
            source=f"The signed {document.audience.label.lower()}",
        )


def signed_so_far(
    slots: Sequence[SignOffSlot], versions: Sequence[SignedReportVersion]
) -> dict[str, SignedReportVersion]:
    """Which slots the newest version's signatures fill (field name: the version that added
    each signature). Each version adds one signature and names its signer; signers who sign
    in any order among themselves are matched by name, the others take their slot in turn."""
    if not versions:
        return {}
    latest = versions[-1]
    # The newest version's own ancestors: each signature is an incremental update. One per
    # signature: a time-stamped version carries the same signatures as the one before it.
    ancestors = {
        v.signer_count: v
        for v in versions
        if v.report_id == latest.report_id
        and v.signer_count <= latest.signer_count
        and latest.pdf.startswith(v.pdf)
    }
    chain = [ancestors[count] for count in sorted(ancestors)]
    filled: dict[str, SignedReportVersion] = {}
    for version in chain:
        if version.signer_count <= len(filled):
            continue  # the same signatures with the trust's timestamp added
        available = next_to_sign(slots, filled)
        slot = next(
            (s for s in available if same_person(s.person_name, version.signer_name)),
            available[0] if available else None,
        )
        if slot is not None:
            filled[slot.field_name] = version
    return filled


def expected_data_hash(workspace: Workspace, report_id: str) -> str | None:
    """The data hash the review now holds for a report signed on this computer.

    ``None`` when no signed version carries ``report_id``, or the person using this laptop
    may not read that report, or holds the review as its judgement summary only (then nobody
    here can say what it should hold).
    """
    with workspace.store.reading() as session:
        versions = SignedReportRepository(session).find_by_report_id(report_id)
        summary = bool(versions) and held_as_summary(session, versions[-1].review_id)
    if not versions or summary:
        return None
    version = versions[-1]
    review = workspace.reviews.get_review(version.review_id)
    try:
        _source, document = audience_document(workspace, review.visit_id, version.audience, version)
    except PermissionDeniedError:
        return None
    return document.data_hash()


def audience_document(
    workspace: Workspace,
    visit_id: str,
    audience: str,
    signed: SignedReportVersion | None = None,
) -> tuple[ReportSource, ReportDocument]:
    """The visit's report for ``audience`` as the person using this laptop may export it.

    Restricted (safeguarding) detail the person may not see makes the full internal report a
    :class:`PermissionDeniedError`, never a quietly shorter report.

    With ``signed``, the report as that version was made: a board summary signed before board
    summaries held the safeguarding judgement back (its report id tells) is checked, and its
    sign-off completed, as it was made, so it keeps verifying against the review.
    """
    source = build_report_source(workspace, visit_id)
    chosen = source.audience(audience)
    if chosen.allows_restricted and source.withheld_restricted:
        person = workspace.current_person
        raise PermissionDeniedError(
            f"The {chosen.label.lower()} of this {source.framework.title.lower()} holds "
            f"restricted safeguarding detail, which {person.name} may not see.",
            hint="Export the report for the school instead, or ask a designated "
            "safeguarding lead to export the full report.",
        )
    document = source.draft.for_audience(chosen)
    if signed is not None and signed.report_id != document.report_id:
        earlier = replace(source.draft, safeguarding_criteria=frozenset()).for_audience(chosen)
        if earlier.report_id == signed.report_id:
            return source, earlier
    return source, document


def _write(out: Path, pdf: bytes) -> None:
    """Write the PDF whole or not at all (a ``.part`` file, then replace)."""
    tmp = out.with_name(out.name + ".part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(pdf)
        tmp.replace(out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        # On Windows a file open in another program (a PDF reader) cannot be replaced.
        locked = isinstance(exc, PermissionError) and out.exists()
        raise ReviewerError(
            f"The report could not be written to {out} ({exc.strerror or exc}).",
            hint="If it is open in a PDF reader, close it and export again, or choose another name."
            if locked
            else "Choose a folder you may write to.",
        ) from None
