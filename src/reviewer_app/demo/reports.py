"""Signed reports for the demo trust, and the demo trust's certificate authority.

The demo's filled-in signed reviews (St Aidan's learning walk, safeguarding audit and two-day
peer review, from :mod:`reviewer_app.demo.reviews`) get reports signed by their teams in the
framework's order, with certificates from a demo trust CA kept in ``demo-trust-ca/`` beside the
demo store.
Its root verifies them offline: ``reviewer-app report demo-root --out demo-root.pem`` then
``reviewer-app verify REPORT.pdf --trust-root demo-root.pem``.

Made once, on first need (:func:`ensure_demo_reports`): the report service and the demo-root
command call it, so opening the demo store stays as fast as before. The CA's passphrase is
public (:data:`DEMO_CA_PASSPHRASE`): this is demo data, never a real trust.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

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
DEMO_CA_PASSPHRASE = b"demo trust only - not a secret"
DEMO_REPORTS_SEEDED = "demo.reports_seeded"

#: Which audiences get a signed report, per demo framework.
DEMO_AUDIENCES: dict[str, tuple[str, ...]] = {
    "learning-walk": ("school_facing",),
    "safeguarding-audit": ("full_internal",),
    "two-day-peer-review": ("school_facing", "full_internal"),
}


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
    """Write the demo trust's root certificate (making the demo reports first if needed)."""
    ensure_demo_reports(workspace)
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


def ensure_demo_reports(workspace: Workspace) -> int:
    """Sign the demo's reports once; returns how many signed versions were made now."""
    if not workspace.demo:
        return 0
    with workspace.store.reading() as session:
        if get_setting(session, DEMO_REPORTS_SEEDED) is not None:
            return 0
    folder = demo_ca_folder(workspace)
    if folder.root_cert_path.is_file():
        ca = folder.unlock(DEMO_CA_PASSPHRASE)
    else:
        CaFolder.create(folder.folder, workspace.trust.name, DEMO_CA_PASSPHRASE)
        ca = folder.unlock(DEMO_CA_PASSPHRASE)
    crl = demo_trust_material(workspace).crls
    people = {p.name: p for p in workspace.list_people()}
    creds: dict[str, SigningCredentials] = {}
    versions: list[SignedReportVersion] = []
    reader = next((p for p in people.values() if p.may_see_safeguarding), None)
    for school in workspace.list_schools():
        for visit in workspace.visits_for_school(school.id):
            review = workspace.reviews.review_for_visit(visit.id)
            if review is None or review.state is not ReviewState.SIGNED:
                continue
            source = build_report_source(workspace, visit.id, reader=reader)
            for audience in DEMO_AUDIENCES.get(visit.framework_id, ()):
                versions.extend(
                    _sign_all(
                        source.draft.for_audience(source.audience(audience)),
                        review.id,
                        audience,
                        ca,
                        crl,
                        people,
                        creds,
                    )
                )
    workspace.lane.call(_keep, workspace, versions)
    log.info("demo reports signed (%d versions)", len(versions))
    return len(versions)


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


def _keep(workspace: Workspace, versions: list[SignedReportVersion]) -> None:
    with workspace.store.writing() as session:
        if get_setting(session, DEMO_REPORTS_SEEDED) is not None:
            return
        repo = SignedReportRepository(session)
        for version in versions:
            repo.add(replace(version))
        set_setting(session, DEMO_REPORTS_SEEDED, datetime.now(UTC).isoformat())
