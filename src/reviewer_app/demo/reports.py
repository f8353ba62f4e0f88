"""Signed reports for the demo trust, and the demo trust's certificate authority.

Every signed demo review (:mod:`reviewer_app.demo.reviews`) gets its reports signed by its team
in the framework's order, with certificates from a demo trust CA kept in ``demo-trust-ca/``
beside the demo store: the school's report of every visit, the full internal report of the
safeguarding audits and of the two-day peer reviews. Its root verifies them offline:
``reviewer-app report demo-root --out demo-root.pem`` then
``reviewer-app verify REPORT.pdf --trust-root demo-root.pem``.

Signing costs about half a second a signature and the demo holds some seventy signed reviews, so
nothing is signed while the store opens. A review's reports are signed when they are first
asked for (:func:`sign_demo_review`, called before the report service lists a review's signed
versions), and the app signs the rest on a reader thread a few seconds after its window shows
(:func:`ensure_demo_reports`, stopping between reviews when the app closes). Both take one lock,
so a review is never signed twice. The CA's passphrase is public (:data:`DEMO_CA_PASSPHRASE`):
this is demo data, never a real trust.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from reviewer_app.demo.trust_data import (
    DEMO_AUDIENCES,
    DEMO_CA_PASSPHRASE,
    DEMO_DEFAULT_AUDIENCES,
)
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.organisation import Person
from reviewer_app.domain.review import ReviewState
from reviewer_app.reports.ca import CaFolder, TrustCA, issue_certificate
from reviewer_app.reports.keys import SigningCredentials, credentials, generate_signing_key
from reviewer_app.services.report_builder import build_report_source
from reviewer_app.services.signing_identity import TrustMaterial
from reviewer_app.services.workspace import Workspace
from reviewer_app.storage.local_settings import delete_setting, get_setting, set_setting
from reviewer_app.storage.signed_report_repository import (
    SignedReportRepository,
    SignedReportVersion,
)
from reviewer_app.storage.store import Store

log = logging.getLogger(__name__)

DEMO_CA_FOLDER = "demo-trust-ca"
DEMO_REPORTS_SEEDED = "demo.reports_seeded"

#: One signer at a time: the lazy path and the background sweep never sign a review twice.
_SIGNING = threading.Lock()
#: Each demo person's signing key and certificate, per CA folder (made once per process).
_CREDENTIALS: dict[Path, dict[str, SigningCredentials]] = {}


def demo_ca_folder(workspace: Workspace) -> CaFolder:
    """The demo trust's CA folder, beside the demo store."""
    return CaFolder(workspace.store_path.parent / DEMO_CA_FOLDER)


def demo_trust_material(workspace: Workspace) -> TrustMaterial:
    """The demo trust root and its revocation list (empty when not made yet)."""
    folder = demo_ca_folder(workspace)
    if not folder.root_cert_path.is_file():
        return TrustMaterial()
    crls: tuple[x509.CertificateRevocationList, ...] = ()
    if folder.crl_path.is_file():
        crls = (x509.load_pem_x509_crl(folder.crl_path.read_bytes()),)
    return TrustMaterial((folder.root_certificate(),), crls)


def export_demo_root(workspace: Workspace, out: Path) -> Path:
    """Write the demo trust's root certificate (making the demo CA first if needed)."""
    if workspace.demo:
        _demo_ca(workspace)
    cert = demo_ca_folder(workspace).root_certificate()
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    except OSError as exc:
        raise ReviewerError(
            f"The demo trust root could not be written to {out} ({exc.strerror or exc}).",
            hint="Choose a folder you may write to.",
        ) from None
    return out


def ensure_demo_reports(
    workspace: Workspace, should_stop: Callable[[], bool] = lambda: False
) -> int:
    """Sign every signed demo review's reports not signed yet, review by review (stopping
    between reviews once ``should_stop()``); returns how many signed versions were made."""
    if not workspace.demo:
        return 0
    with workspace.store.reading() as session:
        if get_setting(session, DEMO_REPORTS_SEEDED) is not None:
            return 0
    made = 0
    for review_id in _signed_review_ids(workspace):
        if should_stop():
            return made
        made += sign_demo_review(workspace, review_id)
    workspace.lane.call(_mark_all_signed, workspace.store)
    log.info("demo reports signed (%d versions)", made)
    return made


def sign_demo_review(workspace: Workspace, review_id: str) -> int:
    """Sign one signed demo review's reports unless they are signed already; returns how many
    signed versions were made now."""
    if not workspace.demo:
        return 0
    with _SIGNING:
        with workspace.store.reading() as session:
            if SignedReportRepository(session).signature_counts([review_id]):
                return 0
        review = workspace.reviews.get_review(review_id)
        if review.state is not ReviewState.SIGNED:
            return 0
        visit = workspace.get_visit(review.visit_id)
        ca = _demo_ca(workspace)
        crl = demo_trust_material(workspace).crls
        people = {p.name: p for p in workspace.list_people()}
        creds = _CREDENTIALS.setdefault(demo_ca_folder(workspace).folder, {})
        reader = next((p for p in people.values() if p.may_see_safeguarding), None)
        source = build_report_source(workspace, visit.id, reader=reader)
        versions: list[SignedReportVersion] = []
        for audience in DEMO_AUDIENCES.get(visit.framework_id, DEMO_DEFAULT_AUDIENCES):
            document = source.draft.for_audience(source.audience(audience))
            versions.extend(_sign_all(document, review.id, audience, ca, crl, people, creds))
        workspace.lane.call(_keep, workspace, review.id, versions)
    return len(versions)


def _signed_review_ids(workspace: Workspace) -> list[str]:
    """The demo's signed reviews, newest visit first (the ones most likely to be opened)."""
    found = []
    for school in workspace.list_schools():
        for visit in workspace.visits_for_school(school.id):
            review = workspace.reviews.review_for_visit(visit.id)
            if review is not None and review.state is ReviewState.SIGNED:
                found.append((visit.start, review.id))
    return [review_id for _start, review_id in sorted(found, reverse=True)]


def _demo_ca(workspace: Workspace) -> TrustCA:
    folder = demo_ca_folder(workspace)
    if not folder.root_cert_path.is_file():
        CaFolder.create(folder.folder, workspace.trust.name, DEMO_CA_PASSPHRASE)
        _CREDENTIALS.pop(folder.folder, None)  # a new CA: certificates from the old are void
    return folder.unlock(DEMO_CA_PASSPHRASE)


def _sign_all(
    document: object,
    review_id: str,
    audience: str,
    ca: TrustCA,
    crls: tuple[x509.CertificateRevocationList, ...],
    people: dict[str, Person],
    creds: dict[str, SigningCredentials],
) -> list[SignedReportVersion]:
    from reviewer_app.reports.document import ReportDocument
    from reviewer_app.reports.signing import prepare_and_render, sign_report

    assert isinstance(document, ReportDocument)
    pdf = prepare_and_render(document)
    slots = document.signing_order
    out = []
    for number, slot in enumerate(slots, 1):
        if slot.person_name not in creds:
            person = people[slot.person_name]
            key = generate_signing_key()
            cert = issue_certificate(
                ca, key.public_key(), name=person.name, email=person.email, roles=()
            )
            creds[slot.person_name] = credentials(key, cert)
        pdf = sign_report(
            pdf,
            creds[slot.person_name],
            field_name=slot.field_name,
            trust_roots=(ca.certificate,),
            crls=crls,
        )
        out.append(
            SignedReportVersion(
                id=new_id(),
                review_id=review_id,
                report_id=document.report_id,
                audience=audience,
                data_hash=document.data_hash(),
                signer_count=number,
                required_count=len(slots),
                signer_name=slot.person_name,
                signed_at=datetime.now(UTC),
                pdf=pdf,
            )
        )
    return out


def forget_demo_reports(store: Store) -> int:
    """Drop the demo's signed reports after its dates moved (they no longer match the reviews);
    :func:`ensure_demo_reports` signs them again on next need. Returns how many were dropped."""
    with store.writing() as session:
        dropped = SignedReportRepository(session).delete_all()
        delete_setting(session, DEMO_REPORTS_SEEDED)
    if dropped:
        log.info("demo reports dropped after the demo dates moved (%d versions)", dropped)
    return dropped


def _keep(workspace: Workspace, review_id: str, versions: list[SignedReportVersion]) -> None:
    with workspace.store.writing() as session:
        repo = SignedReportRepository(session)
        if repo.signature_counts([review_id]):
            return
        for version in versions:
            repo.add(replace(version))


def _mark_all_signed(store: Store) -> None:
    with store.writing() as session:
        set_setting(session, DEMO_REPORTS_SEEDED, datetime.now(UTC).isoformat())
