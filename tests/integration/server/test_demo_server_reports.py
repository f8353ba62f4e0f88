"""The demo server's signed reports (issue 17 item 9): every visit the demo server holds as
signed has a complete review behind it, and its reports, signed by the visit's team with
certificates from the demo trust CA, arrive through the push's own checks, verify (Reviewer's
verifier and poppler's ``pdfsig`` against the demo root), are listed by the console, and a
restart on the same data folder signs nothing twice. Real server on loopback, SQLite and
PostgreSQL; a few reviews are signed, not the whole demo (each signature takes a while)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from sqlmodel import Session, col, select

from console_support import ConsoleServer, Staff, signed_in
from reviewer_app.domain.organisation import Role
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review_progress import effective_levels, review_progress
from reviewer_app.paths import frameworks_dir
from reviewer_app.reports.ca import CaFolder
from reviewer_app.reports.keys import certificate_request, generate_signing_key
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import models
from reviewer_app.server.app import server_context
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.console.settings import ConsoleSettings, DemoSigning
from reviewer_app.server.database import create_server_engine, migrate, write_session
from reviewer_app.server.demo_reports import (
    DemoSigner,
    demo_authority,
    fully_signed,
    signed_review_ids,
)
from reviewer_app.server.demo_trust import DEMO_PASSWORD, demo_accounts, seed_demo_trust
from reviewer_app.server.enrolment import issue_code
from reviewer_app.server.review_content import review_content
from reviewer_app.server.trust_authority import TrustAuthority
from reviewer_app.sync.protocol import MIN_CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION
from support.demo_views import DEMO_TODAY
from support.throwaway_postgres import BACKENDS, ThrowawayPostgres, postgres_base_url


@dataclass
class DemoServer:
    server: ConsoleServer
    authority: TrustAuthority
    folder: Path
    #: The reviews the fixture signed: the newest visit's, a two-day peer review's and a
    #: safeguarding audit's.
    signed: list[str]
    signing: DemoSigning

    def session(self) -> Session:
        assert self.server.engine is not None
        return Session(self.server.engine)

    def signer(self) -> DemoSigner:
        """A new signer on the same data folder, as a restarted server makes."""
        assert self.server.engine is not None
        blobs = BlobStore(self.folder / "blobs", timedelta(hours=1))
        return DemoSigner(server_context(self.server.engine, blobs, self.authority), self.authority)


@pytest.fixture(scope="module", params=BACKENDS)
def demo_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DemoServer]:
    folder = tmp_path_factory.mktemp("demo-server")
    postgres: ThrowawayPostgres | None = None
    if request.param == "postgres":
        postgres = ThrowawayPostgres(postgres_base_url())
        postgres.create()
        url = postgres.url
    else:
        url = f"sqlite:///{folder / 'server.sqlite3'}"
    engine = create_server_engine(url)
    migrate(engine)
    with write_session(engine) as session:
        assert seed_demo_trust(session, frameworks_dir(), today=DEMO_TODAY)
    with write_session(engine) as session:
        accounts = demo_accounts(session)
    engine.dispose()
    authority = demo_authority(folder)
    signing = DemoSigning()
    settings = ConsoleSettings(demo_accounts=accounts, demo_signing=signing)
    server = ConsoleServer(url, folder, settings=settings, authority=authority).start()
    try:
        demo = DemoServer(server, authority, folder, [], signing)
        signer = demo.signer()
        signer.state = signing
        assert signer.sign_all(limit=1) > 0  # the newest visit's, as the server starts with
        with demo.session() as session:
            ids = signed_review_ids(session)
            frameworks = {r.id: r.framework_id for r in session.exec(select(models.Review))}
        chosen = [
            next(r for r in ids if frameworks[r] == kind)
            for kind in ("two-day-peer-review", "safeguarding-audit")
        ]
        for review_id in chosen:
            assert signer.sign_review(review_id) > 0
        demo.signed = [ids[0], *chosen]
        yield demo
    finally:
        server.stop()
        if postgres is not None:
            postgres.drop()


def _versions(session: Session, review_id: str) -> list[models.Record]:
    return list(
        session.exec(
            select(models.Record)
            .where(
                models.Record.review_id == review_id,
                models.Record.entity == Entity.SIGNED_REPORT.value,
            )
            .order_by(col(models.Record.server_seq))
        )
    )


def _payload(record: models.Record) -> dict[str, object]:
    payload = record.payload
    return json.loads(payload) if isinstance(payload, str) else dict(payload)


def test_every_signed_demo_visit_has_a_complete_review(demo_server: DemoServer) -> None:
    with demo_server.session() as session:
        ids = signed_review_ids(session)
        assert len(ids) > 60
        roles = {
            (r.person_id): Role(r.role)
            for r in session.exec(select(models.PersonRole))
            if r.role in Role._value2member_map_
        }
        for review_id in ids:
            content = review_content(session, review_id)
            what = f"{content.school.name}, {content.framework.id} on {content.visit.start}"
            # As the visit's lead sees it (what only safeguarding roles see is theirs).
            lead = content.visit.lead.person_id
            lead_roles = {r for p, r in roles.items() if p == lead} | {Role.LEAD_REVIEWER}
            levels = effective_levels(content.judgements, single_reviewer_id=None)
            progress = review_progress(
                content.framework,
                levels=levels,
                fields=content.field_values.values(),
                school_facts=content.school.facts(),
                roles=lead_roles,
                actions=content.actions,
                follow_ups=content.follow_ups,
            )
            assert progress.ready, (what, progress.missing)
            assert levels, what
            assert content.notes, what
            assert content.actions, what


def test_signed_reports_arrive_through_the_push_and_verify_against_the_demo_root(
    demo_server: DemoServer,
) -> None:
    folder = CaFolder(demo_server.authority.folder)
    root = folder.root_certificate()
    crls = [x509.load_pem_x509_crl(folder.crl_path.read_bytes())]
    blobs = BlobStore(demo_server.folder / "blobs", timedelta(hours=1))
    expected = {
        "health-check": {"school_facing"},
        "two-day-peer-review": {"school_facing", "full_internal"},
        "safeguarding-audit": {"full_internal"},
    }
    with demo_server.session() as session:
        for review_id in demo_server.signed:
            review = session.get(models.Review, review_id)
            assert review is not None
            assert review.locked  # at the last planned signature
            versions = _versions(session, review_id)
            payloads = [_payload(v) for v in versions]
            assert {p["audience"] for p in payloads} == expected[review.framework_id]
            for audience in expected[review.framework_id]:
                signed = [p for p in payloads if p["audience"] == audience and "long_term" not in p]
                required = signed[0]["required_count"]
                assert isinstance(required, int)
                assert required >= 2
                # One version per signature, in the plan's order, each by the visit's team.
                assert [p["signer_count"] for p in signed] == list(range(1, required + 1))
                # The last signature brought the trust's long-term version.
                assert any(p["audience"] == audience and p.get("long_term") for p in payloads)
            for version in versions:
                # Each version arrived as a push from its signer's demo laptop, answered for good.
                applied = session.exec(
                    select(models.AppliedOp).where(models.AppliedOp.op_id == version.op_id)
                ).first()
                assert applied is not None
                assert applied.result["status"] == "accepted"
                pdf = blobs.read(version.blob_sha256 or "")
                assert pdf is not None
                verdict = verify_report(pdf, trust_roots=[root], crls=crls)
                signed = [s for s in verdict.signatures if s.signed]
                assert len(signed) == _payload(version)["signer_count"], verdict.problems
                assert all(s.ok for s in signed), verdict.problems
                if _payload(version)["signer_count"] == _payload(version)["required_count"]:
                    assert verdict.passed, verdict.problems


@pytest.mark.skipif(shutil.which("certutil") is None, reason="needs certutil (libnss3-tools)")
def test_pdfsig_accepts_a_demo_report_against_the_demo_root(
    demo_server: DemoServer, tmp_path: Path
) -> None:
    root = CaFolder(demo_server.authority.folder).root_certificate()
    (tmp_path / "root.pem").write_bytes(root.public_bytes(serialization.Encoding.PEM))
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nss}", "-n", "demo root", "-t", "CT,C,C",
         "-i", str(tmp_path / "root.pem")],
        check=True,
    )  # fmt: skip
    blobs = BlobStore(demo_server.folder / "blobs", timedelta(hours=1))
    with demo_server.session() as session:
        versions = _versions(session, demo_server.signed[1])  # the two-day peer review
    last = max(
        (v for v in versions if not _payload(v).get("long_term")),
        key=lambda v: int(str(_payload(v)["signer_count"])),
    )
    path = tmp_path / "report.pdf"
    path.write_bytes(blobs.read(last.blob_sha256 or "") or b"")
    out = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", "-no-ocsp", str(path)],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    count = int(str(_payload(last)["signer_count"]))
    assert out.count("Signature Validation: Signature is Valid.") == count, out
    assert out.count("Certificate Validation: Certificate is Trusted.") == count, out
    assert "Total document signed" in out, out


def test_the_console_lists_the_demo_reports_and_says_the_rest_are_being_signed(
    demo_server: DemoServer,
) -> None:
    account = next(a for a in demo_server.server.settings.demo_accounts if "Rachel" in a.label)
    staff = Staff(account.email, "", DEMO_PASSWORD, account.totp_secret)
    http = signed_in(demo_server.server, staff)
    try:
        page = http.get("/console/reports")
        assert page.status_code == 200
        for review_id in demo_server.signed:
            assert f'href="/console/reports/{review_id}/' in page.text
        # A few of the demo's seventy-odd signed visits have their reports so far.
        assert demo_server.signing.total > 60
        assert not demo_server.signing.finished
        assert "still being signed" in page.text
        assert f"{demo_server.signing.done} of {demo_server.signing.total}" in page.text
        link = re.search(r'href="(/console/reports/[^"/]+/[^"]+)" download', page.text)
        assert link is not None
        download = http.get(link.group(1))
        assert download.status_code == 200
        assert download.content.startswith(b"%PDF")
    finally:
        http.close()


def test_a_restart_on_the_same_folder_signs_nothing_twice(demo_server: DemoServer) -> None:
    with demo_server.session() as session:
        before = {r: len(_versions(session, r)) for r in demo_server.signed}
        ids = signed_review_ids(session)
        frameworks = {r.id: r.framework_id for r in session.exec(select(models.Review))}
        done = [r for r in ids if fully_signed(session, r, frameworks[r])]
    assert set(demo_server.signed) <= set(done)
    restarted = demo_server.signer()
    for review_id in demo_server.signed:
        assert restarted.sign_review(review_id) == 0
    # Stopped at once, it counts what is signed already and signs nothing.
    assert restarted.sign_all(should_stop=lambda: True) == 0
    assert restarted.state.done == len(done)
    assert restarted.state.total == len(ids)
    assert not restarted.state.finished
    with demo_server.session() as session:
        assert {r: len(_versions(session, r)) for r in demo_server.signed} == before


def test_a_review_a_stopped_server_left_part_signed_is_signed_on_after_a_restart(
    demo_server: DemoServer,
) -> None:
    with demo_server.session() as session:
        review_id = next(
            r.id
            for r in session.exec(
                select(models.Review).where(models.Review.framework_id == "two-day-peer-review")
            )
            if not _versions(session, r.id)
        )
    # Stopped after two of the school's report's three signatures.
    assert demo_server.signer().sign_review(review_id, signatures=2) == 2
    with demo_server.session() as session:
        assert not fully_signed(session, review_id, "two-day-peer-review")
    # A restarted server signs on from the version it holds: one more, then the full report.
    assert demo_server.signer().sign_review(review_id) == 4
    with demo_server.session() as session:
        assert fully_signed(session, review_id, "two-day-peer-review")
        payloads = [_payload(v) for v in _versions(session, review_id)]
        review = session.get(models.Review, review_id)
        assert review is not None
        assert review.locked
    for audience in ("school_facing", "full_internal"):
        counts = [
            p["signer_count"]
            for p in payloads
            if p["audience"] == audience and not p.get("long_term")
        ]
        assert counts == [1, 2, 3], audience


def test_the_demo_root_is_the_one_the_server_publishes(demo_server: DemoServer) -> None:
    root_pem, _crl = demo_server.authority.published()
    root = x509.load_pem_x509_certificate(root_pem.encode("ascii"))
    assert root == CaFolder(demo_server.folder / "demo-trust-ca").root_certificate()
    # A second start on the same folder keeps the same CA (laptops' certificates stay good).
    assert demo_authority(demo_server.folder).folder == demo_server.authority.folder
    assert CaFolder(demo_server.folder / "demo-trust-ca").root_certificate() == root


def test_a_laptop_enrolling_on_the_demo_server_gets_a_certificate_from_the_demo_ca(
    demo_server: DemoServer,
) -> None:
    assert demo_server.server.engine is not None
    with write_session(demo_server.server.engine) as session:
        sarah = session.exec(
            select(models.Person).where(models.Person.name == "Sarah Okafor")
        ).one()
        code = issue_code(session, sarah.id)
    key = generate_signing_key()
    request = certificate_request(key, name="Sarah Okafor")
    answer = httpx.post(
        f"{demo_server.server.url}/enrol",
        json={
            "code": code,
            "device_name": "Sarah's laptop",
            "protocol_version": PROTOCOL_VERSION,
            "client_schema_version": MIN_CLIENT_SCHEMA_VERSION,
            "certificate_request_pem": request.public_bytes(serialization.Encoding.PEM).decode(),
        },
    )
    assert answer.status_code == 200, answer.text
    enrolled = answer.json()
    certificate = x509.load_pem_x509_certificate(enrolled["certificate_pem"].encode("ascii"))
    root = CaFolder(demo_server.authority.folder).root_certificate()
    assert enrolled["ca_certificate_pem"].encode("ascii") == root.public_bytes(
        serialization.Encoding.PEM
    )
    certificate.verify_directly_issued_by(root)
