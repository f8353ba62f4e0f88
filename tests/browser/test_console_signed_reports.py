"""The console's signed reports page with real reports on it (issue 17 item 5, issue 19): three
reviewers' laptops push each signature's copy of a peer review (reportlab, pyHanko, the
server's own trust CA), the server verifies each on arrival; the page lists them with their
signers and times, the last one marked "waiting for long-term data" because the server runs
without the CA passphrase; the PDF downloads as it arrived; the review's page (the overview's
click through) links to the signed report behind its judgements."""

from __future__ import annotations

import concurrent.futures
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_tab import Browser
from cryptography import x509

from console_support import ConsoleServer, Staff, enrol_laptop, enrol_staff, push_signed_copy
from reviewer_app.reports.ca import CaFolder
from reviewer_app.reports.document import FULL_INTERNAL
from reviewer_app.reports.keys import credentials, generate_signing_key
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import administration as adm
from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import issue_code
from reviewer_app.server.trust_authority import TrustAuthority
from support.sample_reports import peer_review_draft, sample_photos

PASSPHRASE = b"a CA passphrase"
#: The sample peer review's sign-off, in order, with each signer's role on the visit's team.
TEAM = (
    ("Amira Hussain", "peer_reviewer"),
    ("Tom Fletcher", "peer_reviewer"),
    ("Dr Sarah Whitfield", "lead_reviewer"),
)


@dataclass
class SignedTrust:
    ca: Path
    versions: list[bytes]  # after each signature, in order
    records: list[dict[str, Any]]  # what each signer's laptop pushes with its copy


def _record(pdf: bytes) -> dict[str, Any]:
    """The signed_report record a laptop pushes with a copy (naming what the PDF holds)."""
    verdict = verify_report(pdf, trust_roots=[])
    signed = [s for s in verdict.signatures if s.signed]
    return {
        "sha256": hashlib.sha256(pdf).hexdigest(), "size": len(pdf), "audience": "full_internal",
        "report_id": verdict.report_id, "data_hash": verdict.data_hash,
        "required_count": len([s for s in verdict.signatures if s.order]),
        "signer_count": len(signed), "signer_name": signed[-1].signer_name,
    }  # fmt: skip


@pytest.fixture(scope="module")
def signed_trust(tmp_path_factory: pytest.TempPathFactory) -> SignedTrust:
    """A trust CA and the peer review signed by its three reviewers, one copy per signature.
    Signed in a worker thread: Playwright keeps an event loop running in this one."""
    folder = CaFolder.create(tmp_path_factory.mktemp("ca") / "ca", "Oak Learning Trust", PASSPHRASE)
    root = folder.root_certificate()
    crl = x509.load_pem_x509_crl(folder.crl_path.read_bytes())

    def sign_all() -> list[bytes]:
        document = peer_review_draft(sample_photos(2, width=320, height=240))
        versions = [prepare_and_render(document.for_audience(FULL_INTERNAL))]
        for name, role in TEAM:
            key = generate_signing_key()
            email = f"{name.split()[-1].lower()}@oak.example"
            role_title = role.replace("_", " ").capitalize()
            cert = folder.issue(PASSPHRASE, key.public_key(), name=name, email=email,
                                roles=[role_title])  # fmt: skip
            versions.append(
                sign_report(
                    versions[-1], credentials(key, cert, [root]), trust_roots=[root], crls=[crl]
                )
            )
        return versions[1:]

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        versions = pool.submit(sign_all).result()
        records = [pool.submit(_record, pdf).result() for pdf in versions]
    return SignedTrust(folder.folder, versions, records)


@pytest.fixture
def reports_tab(
    signed_trust: SignedTrust, chromium: Any, tmp_path: Path
) -> Iterator[tuple[Browser, Staff]]:
    # The server checks signed reports with the trust CA, but was started without its key's
    # passphrase, so it cannot add the long-term version after the last signature.
    server = ConsoleServer(
        f"sqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path,
        authority=TrustAuthority(signed_trust.ca),
    ).start()
    assert server.engine is not None
    with write_session(server.engine) as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="100009", name="Ash Primary", phase="primary").id
        adm.add_framework(s, "learning_walk", title="Learning walk")
        people = {}
        for name, _role in TEAM:
            email = f"{name.split()[-1].lower()}@oak.example"
            people[name] = adm.create_person(
                s, trust, name=name, email=email, roles=["lead_reviewer"]
            ).id
            adm.assign(s, people[name], school)
        day = date(2026, 3, 2)
        team = [(people[name], role) for name, role in TEAM]
        visit = adm.create_visit(s, school, "learning_walk", start=day, end=day, team=team).id
        review = adm.create_review(s, visit).id
        codes = {name: issue_code(s, pid) for name, pid in people.items()}
    copies = zip(TEAM, signed_trust.versions, signed_trust.records, strict=True)
    for (name, _role), pdf, record in copies:
        token = enrol_laptop(server, codes[name], f"{name}'s laptop")["device_token"]
        push_signed_copy(server, token, people[name], review, pdf, record)
    admin = enrol_staff(server, "ada@oak.example", ["trust_admin"], trust_id=trust)
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Browser(page, server)
    try:
        yield tab, admin
    finally:
        context.close()
        server.stop()
    assert not tab.console_errors, f"the browser console reported: {tab.console_errors}"


def test_signed_reports_are_listed_with_signers_and_the_one_waiting_for_long_term_data(
    signed_trust: SignedTrust, reports_tab: tuple[Browser, Staff]
) -> None:
    browser, admin = reports_tab
    page = browser.open_as(admin, "Signed reports")
    rows = page.locator("table.reports tbody tr")
    assert rows.count() == 3  # each signature's copy, as it arrived
    texts = rows.all_inner_texts()
    assert sum("Waiting for long-term data" in t for t in texts) == 1
    newest = next(t for t in texts if "Waiting for long-term data" in t)
    for name, _role in TEAM:
        assert name in newest  # the fully signed copy names all three signers...
    assert "Verified on arrival; sent by Dr Sarah Whitfield" in newest
    assert "running without the trust CA's passphrase" in page.inner_text("main")
    browser.shoot("signed-reports")
    waiting = rows.filter(has_text="Waiting for long-term data")
    with page.expect_download() as download:
        waiting.get_by_role("link", name="Download PDF", exact=False).click()
    assert Path(download.value.path()).read_bytes() == signed_trust.versions[-1]

    # The review's page (where the overview's cells lead) offers the signed reports behind it.
    browser.follow(waiting.get_by_role("link", name="Learning walk", exact=True))
    assert "Learning walk" in page.inner_text("h1")
    assert page.get_by_role("heading", name="Signed report").is_visible()
    links = page.locator("ul.signed-reports a")
    assert links.count() == 3
    with page.expect_download() as download:
        links.first.click()
    assert Path(download.value.path()).read_bytes() == signed_trust.versions[-1]
    browser.accessible()
