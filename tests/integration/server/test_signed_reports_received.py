"""The console's list of signed reports received: real reports (reportlab, pyHanko, the server's
own trust CA) pushed by a laptop and verified on arrival, listed with their signers and times
for those who may see them, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

import pytest
from sqlmodel import select

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.signing import prepare_and_render, sign_report
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import administration as adm
from reviewer_app.server import models
from reviewer_app.server import trust_picture as tp
from reviewer_app.server.blob_store import BlobStore
from reviewer_app.server.report_signers import signers_of

if TYPE_CHECKING:
    from conftest import Device, Harness, ServerTrust

SIGNERS = ("Amira Hussain", "Tom Fletcher")


@pytest.fixture(scope="module")
def signed_twice(server_trust: ServerTrust, peer_document: ReportDocument) -> list[bytes]:
    versions = [prepare_and_render(peer_document)]
    for name in SIGNERS:
        versions.append(
            sign_report(
                versions[-1],
                server_trust.signers[name],
                trust_roots=[server_trust.root],
                crls=[server_trust.crl],
            )
        )
    return versions[1:]


def _send(device: Device, review: str, pdf: bytes, report_id: str) -> None:
    """Upload the PDF, then push its record as the app does (naming what the PDF holds)."""
    sha = hashlib.sha256(pdf).hexdigest()
    assert device.http.put(f"/blobs/{sha}", content=pdf).status_code in (200, 201)
    verdict = verify_report(pdf, trust_roots=[])
    signed = [s for s in verdict.signatures if s.signed]
    record = {
        "sha256": sha, "size": len(pdf), "audience": "school",
        "report_id": verdict.report_id, "data_hash": verdict.data_hash,
        "required_count": len([s for s in verdict.signatures if s.order]),
        "signer_count": len(signed), "signer_name": signed[-1].signer_name,
    }  # fmt: skip
    op = device.op(review, "append", "signed_report", report_id, record)
    result = device.push(review, [op]).json()["results"][0]
    assert result["status"] == "accepted", result["message"]


def test_signed_reports_are_listed_with_signers_for_those_who_may_see_them(
    server: Harness, signed_twice: list[bytes]
) -> None:
    # The sample report's signers are the visits' team (the server checks the sign-off plan).
    with server.admin() as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="100009", name="Ash Primary", phase="primary").id
        adm.add_framework(s, "learning_walk", title="Learning walk")
        adm.add_framework(s, "safeguarding_audit", title="Safeguarding audit", safeguarding=True)
        people = {}
        for name in (*SIGNERS, "Dr Sarah Whitfield"):
            email = f"{name.split()[-1].lower()}@oak.example"
            roles = ["lead_reviewer", "safeguarding_lead"]
            people[name] = adm.create_person(s, trust, name=name, email=email, roles=roles).id
            adm.assign(s, people[name], school)
        reader = adm.create_person(
            s, trust, name="Obi Obs", email="obi@oak.example", roles=["improvement_partner"]
        ).id
        adm.assign(s, reader, school)
        admin = adm.create_person(
            s, trust, name="Ada Admin", email="ada@oak.example", roles=["trust_admin"]
        ).id
        team = [
            (people["Dr Sarah Whitfield"], "lead_reviewer"),
            (people[SIGNERS[0]], "peer_reviewer"),
            (people[SIGNERS[1]], "peer_reviewer"),
        ]
        reviews = {}
        for framework, day in (("learning_walk", date(2026, 3, 2)),
                               ("safeguarding_audit", date(2026, 3, 9))):  # fmt: skip
            visit = adm.create_visit(s, school, framework, start=day, end=day, team=team).id
            reviews[framework] = adm.create_review(s, visit).id
    # Each signer's laptop sends the copy they signed.
    first, second_signer = server.enrol(people[SIGNERS[0]]), server.enrol(people[SIGNERS[1]])
    _send(first, reviews["learning_walk"], signed_twice[0], "walk-1")
    _send(second_signer, reviews["learning_walk"], signed_twice[1], "walk-2")
    _send(first, reviews["safeguarding_audit"], signed_twice[0], "audit-0")
    _send(second_signer, reviews["safeguarding_audit"], signed_twice[1], "audit-1")
    with server.session() as session:
        rows = {p.id: p for p in session.exec(select(models.Person)).all()}
        as_reader = tp.signed_reports(session, tp.Viewer.of(session, rows[reader]))
        as_lead = tp.signed_reports(session, tp.Viewer.of(session, rows[people[SIGNERS[0]]]))
    # The improvement partner sees both copies of the walk's report, not the audit's.
    assert sorted(r.record_id for r in as_reader) == ["walk-1", "walk-2"]
    assert sorted(r.record_id for r in as_lead) == ["audit-0", "audit-1", "walk-1", "walk-2"]
    assert {r.record_id for r in as_lead if r.safeguarding} == {"audit-0", "audit-1"}
    for entry in as_reader:
        assert entry.received_at is not None  # when the server verified and kept it
        assert entry.school.name == "Ash Primary"
    assert {r.record_id: r.sent_by for r in as_reader} == {
        "walk-1": SIGNERS[0],
        "walk-2": SIGNERS[1],
    }
    second = next(r for r in as_reader if r.record_id == "walk-2")
    pdf = BlobStore(server.live.blob_root).read(second.sha256)
    assert pdf == signed_twice[1]  # kept as it arrived
    signers = signers_of(second.sha256, pdf)
    assert [s.name for s in signers] == list(SIGNERS)
    assert all(s.signed_at is not None for s in signers)

    # The school keeps the walk's report from the trust ("who may see this report": the school
    # only): the improvement partner and the trust admin, not on the visit's team, no longer see
    # (or download) its signed reports; the team still does.
    with server.session() as session:
        rows = {p.id: p for p in session.exec(select(models.Person)).all()}
        as_admin = tp.signed_reports(session, tp.Viewer.of(session, rows[admin]))
    assert sorted(r.record_id for r in as_admin) == ["walk-1", "walk-2"]
    walk = reviews["learning_walk"]
    note = first.push(walk, [first.note(walk, "Year 4 explained their method")]).json()
    assert note["results"][0]["status"] == "accepted", note
    sharing = first.op(walk, "set", "field_value", walk, {"value": "school"},
                       field="report-sharing", base_version=0)  # fmt: skip
    result = first.push(walk, [sharing]).json()["results"][0]
    assert result["status"] == "accepted", result
    with server.session() as session:
        rows = {p.id: p for p in session.exec(select(models.Person)).all()}
        after = {
            who: sorted(
                r.record_id for r in tp.signed_reports(session, tp.Viewer.of(session, rows[pid]))
            )
            for who, pid in (("reader", reader), ("admin", admin), ("lead", people[SIGNERS[0]]))
        }
        # The review's console page: the judgement summary only for those off the team.
        shown = {
            who: tp.review_detail(session, tp.Viewer.of(session, rows[pid]), walk)
            for who, pid in (("admin", admin), ("lead", people[SIGNERS[0]]))
        }
    assert after == {
        "reader": [],
        "admin": [],
        "lead": ["audit-0", "audit-1", "walk-1", "walk-2"],
    }
    admin_view, lead_view = shown["admin"], shown["lead"]
    assert admin_view is not None
    assert lead_view is not None
    assert admin_view.summary_only
    assert admin_view.notes == []
    assert not lead_view.summary_only
    assert [n["text"] for n in lead_view.notes] == ["Year 4 explained their method"]
