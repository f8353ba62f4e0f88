"""A trust admin without a safeguarding role, in the console, with a signed two-day peer review
(which judges safeguarding): the summary for the trust board is theirs to download, and it holds
one neutral line in place of the safeguarding judgement; the school's report carries the
judgement, so the Signed reports page and the review's page say why it is not theirs, and its
address refuses them with the same sentence. A safeguarding lead downloads either.

The reports are the sample peer review signed by its three reviewers with the server's own
trust CA, each signature's copy pushed as the signer's laptop does, checked on arrival."""

from __future__ import annotations

import concurrent.futures
import hashlib
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from browser_tab import Browser
from cryptography import x509

from console_support import ConsoleServer, Staff, enrol_laptop, enrol_staff, push_signed_copy
from reviewer_app.domain.safeguarding_reports import BOARD_SAFEGUARDING_LINE
from reviewer_app.reports.ca import CaFolder
from reviewer_app.reports.document import BOARD_SUMMARY, SCHOOL_FACING
from reviewer_app.reports.keys import credentials, generate_signing_key
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import administration as adm
from reviewer_app.server.database import write_session
from reviewer_app.server.enrolment import issue_code
from reviewer_app.server.trust_authority import TrustAuthority
from support.sample_reports import peer_review_draft

PASSPHRASE = b"a CA passphrase"
TEAM = (
    ("Amira Hussain", "peer_reviewer"),
    ("Tom Fletcher", "peer_reviewer"),
    ("Dr Sarah Whitfield", "lead_reviewer"),
)
#: What the school's report says in the console to a reader without a safeguarding role.
WHY_NOT = (
    "The school's report carries the safeguarding judgement: a safeguarding lead can download it."
)


@dataclass
class Signed:
    ca: Path
    #: Audience: each signature's copy, in order.
    copies: dict[str, list[bytes]]
    #: Audience: the record each signer's laptop pushes with its copy.
    records: dict[str, list[dict[str, Any]]]


def _record(pdf: bytes, audience: str) -> dict[str, Any]:
    verdict = verify_report(pdf, trust_roots=[])
    signed = [s for s in verdict.signatures if s.signed]
    return {
        "sha256": hashlib.sha256(pdf).hexdigest(), "size": len(pdf), "audience": audience,
        "report_id": verdict.report_id, "data_hash": verdict.data_hash,
        "required_count": len([s for s in verdict.signatures if s.order]),
        "signer_count": len(signed), "signer_name": signed[-1].signer_name,
    }  # fmt: skip


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Signed:
    """The sample peer review, as a framework that judges safeguarding builds it, signed for
    the school and for the board. Signed in a worker thread: Playwright keeps an event loop
    running in this one."""
    folder = CaFolder.create(tmp_path_factory.mktemp("ca") / "ca", "Oak Learning Trust", PASSPHRASE)
    root = folder.root_certificate()
    crl = x509.load_pem_x509_crl(folder.crl_path.read_bytes())
    draft = replace(peer_review_draft(), safeguarding_criteria=frozenset({"safeguarding.culture"}))

    def sign_all() -> dict[str, list[bytes]]:
        keys = {}
        for name, role in TEAM:
            key = generate_signing_key()
            email = f"{name.split()[-1].lower()}@oak.example"
            cert = folder.issue(PASSPHRASE, key.public_key(), name=name, email=email,
                                roles=[role.replace("_", " ").capitalize()])  # fmt: skip
            keys[name] = credentials(key, cert, [root])
        copies = {}
        for audience in (SCHOOL_FACING, BOARD_SUMMARY):
            versions = [prepare_and_render(draft.for_audience(audience))]
            for name, _role in TEAM:
                versions.append(
                    sign_report(versions[-1], keys[name], trust_roots=[root], crls=[crl])
                )
            copies[audience] = versions[1:]
        return copies

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        copies = pool.submit(sign_all).result()
        records = {
            audience: [pool.submit(_record, pdf, audience).result() for pdf in pdfs]
            for audience, pdfs in copies.items()
        }
    return Signed(folder.folder, copies, records)


@pytest.fixture
def console(
    signed: Signed, chromium: Any, tmp_path: Path
) -> Iterator[tuple[Browser, Staff, Staff]]:
    server = ConsoleServer(
        f"sqlite:///{tmp_path / 'server.sqlite3'}",
        tmp_path,
        authority=TrustAuthority(signed.ca),
    ).start()
    assert server.engine is not None
    with write_session(server.engine) as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="100009", name="Ash Primary", phase="primary").id
        adm.add_framework(s, "two-day-peer-review", title="Two-day peer review")
        people = {}
        for name, _role in TEAM:
            email = f"{name.split()[-1].lower()}@oak.example"
            people[name] = adm.create_person(
                s, trust, name=name, email=email, roles=["lead_reviewer"]
            ).id
            adm.assign(s, people[name], school)
        day = date(2026, 3, 2)
        team = [(people[name], role) for name, role in TEAM]
        visit = adm.create_visit(s, school, "two-day-peer-review", start=day, end=day,
                                 team=team).id  # fmt: skip
        review = adm.create_review(s, visit, framework_version="3").id
        codes = {name: issue_code(s, pid) for name, pid in people.items()}
    tokens = {
        name: enrol_laptop(server, codes[name], f"{name}'s laptop")["device_token"]
        for name, _role in TEAM
    }
    for audience, copies in signed.copies.items():
        for (name, _role), pdf, record in zip(TEAM, copies, signed.records[audience], strict=True):
            push_signed_copy(server, tokens[name], people[name], review, pdf, record)
    ada = enrol_staff(server, "ada@oak.example", ["trust_admin"], trust_id=trust)
    sasha = enrol_staff(server, "sasha@oak.example", ["trust_admin", "safeguarding_lead"],
                        trust_id=trust)  # fmt: skip
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    tab = Browser(page, server)
    try:
        yield tab, ada, sasha
    finally:
        context.close()
        server.stop()
    assert not tab.console_errors, f"the browser console reported: {tab.console_errors}"


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_without_a_safeguarding_role_the_board_summary_only_and_the_reason_for_the_rest(
    signed: Signed, console: tuple[Browser, Staff, Staff], tmp_path: Path
) -> None:
    browser, ada, _sasha = console
    page = browser.open_as(ada, "Signed reports")
    rows = page.locator("table.reports tbody tr")
    assert rows.count() == 6  # each signature's copy of both reports, as they arrived
    board = rows.filter(has_text="Board summary")
    school = rows.filter(has_text="School facing")
    assert board.count() == school.count() == 3
    for n in range(3):
        assert WHY_NOT in school.nth(n).inner_text()
        assert school.nth(n).get_by_role("link", name="Download PDF", exact=False).count() == 0
        assert board.nth(n).get_by_role("link", name="Download PDF", exact=False).count() == 1
    browser.shoot("signed-reports-without-safeguarding-role")

    # Every PDF she may download is a board summary without the safeguarding judgement.
    fully = board.filter(has_text="Waiting for long-term data")
    with page.expect_download() as download:
        fully.get_by_role("link", name="Download PDF", exact=False).click()
    got = Path(download.value.path())
    assert got.read_bytes() == signed.copies[BOARD_SUMMARY][-1]
    text = _text(got)
    assert BOARD_SAFEGUARDING_LINE in " ".join(text.split())
    assert "Is safeguarding effective?" not in text  # the criterion, as the school's report has
    assert "Is safeguarding effective?" in _text(_saved(tmp_path, signed.copies[SCHOOL_FACING][-1]))

    # The review's page says the same; the school's report by its address is refused, saying why.
    browser.follow(fully.get_by_role("link", name="Two-day peer review", exact=True))
    listed = page.locator("ul.signed-reports li")
    assert listed.count() == 6
    assert page.locator("ul.signed-reports a").count() == 3
    assert WHY_NOT in page.inner_text("ul.signed-reports")
    browser.accessible()
    refused = _school_report_address(browser)
    answer = page.goto(browser.server.url + refused)
    assert answer is not None
    assert answer.status == 403
    assert WHY_NOT in page.inner_text("main")


def test_a_safeguarding_lead_downloads_the_schools_report(
    signed: Signed, console: tuple[Browser, Staff, Staff]
) -> None:
    browser, _ada, sasha = console
    page = browser.open_as(sasha, "Signed reports")
    rows = page.locator("table.reports tbody tr")
    assert page.locator("table.reports a", has_text="Download PDF").count() == 6
    school = rows.filter(has_text="School facing").filter(has_text="Waiting for long-term data")
    with page.expect_download() as download:
        school.get_by_role("link", name="Download PDF", exact=False).click()
    assert Path(download.value.path()).read_bytes() == signed.copies[SCHOOL_FACING][-1]


def _saved(folder: Path, pdf: bytes) -> Path:
    path = folder / f"{hashlib.sha256(pdf).hexdigest()[:12]}.pdf"
    path.write_bytes(pdf)
    return path


def _school_report_address(browser: Browser) -> str:
    """The download address of a school's report, as the server names it (the page offers
    none to this reader)."""
    from sqlmodel import Session, select

    from reviewer_app.server import models

    with Session(browser.server.engine) as s:
        record = next(
            r
            for r in s.exec(select(models.Record).where(models.Record.entity == "signed_report"))
            if r.payload["audience"] == SCHOOL_FACING
        )
        return f"/console/reports/{record.review_id}/{record.entity_id}"
