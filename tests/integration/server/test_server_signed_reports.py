"""Signed-report versions reach the server immutable, checked on arrival, one signature at a time.

The reports are real: rendered with reportlab and signed with pyHanko by certificates the
server's own trust CA issued (``reviewer_app.reports``), then checked by the server with the
same verifier ``reviewer-app verify`` uses. Each signer's own device pushes the version that
carries their signature; a tampered, foreign, out-of-order, stale or someone else's version is
refused with a reason naming the problem and changes nothing. The review locks only at the last
planned signature.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.signing import add_document_timestamp, prepare_and_render, sign_report
from reviewer_app.reports.timestamping import server_timestamper
from reviewer_app.reports.verification import verify_report
from reviewer_app.server import administration as adm
from support.sample_reports import SampleTrust

if TYPE_CHECKING:
    from conftest import Device, Harness, ServerTrust

SIGNERS = ("Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield")


@dataclass(frozen=True)
class SigningTeam:
    """A visit whose team is the sample report's three signers (emails as their certificates)."""

    review: str
    devices: dict[str, Device]


@pytest.fixture
def team(server: Harness) -> SigningTeam:
    with server.admin() as s:
        trust = adm.create_trust(s, "Oak Learning Trust").id
        school = adm.create_school(s, trust, urn="100009", name="Elm Primary", phase="primary").id
        adm.add_framework(s, "learning_walk", title="Learning walk")
        people = {}
        for name, role in zip(
            SIGNERS, ("peer_reviewer", "peer_reviewer", "lead_reviewer"), strict=True
        ):
            email = f"{name.split()[-1].lower()}@oak.example"
            people[name] = adm.create_person(s, trust, name=name, email=email, roles=[role]).id
            adm.assign(s, people[name], school)
        visit = adm.create_visit(
            s, school, "learning_walk", start=date(2026, 3, 2), end=date(2026, 3, 3),
            team=[(people[SIGNERS[2]], "lead_reviewer"), (people[SIGNERS[0]], "peer_reviewer"),
                  (people[SIGNERS[1]], "peer_reviewer")],
        ).id  # fmt: skip
        review = adm.create_review(s, visit).id
    return SigningTeam(review, {name: server.enrol(people[name], name) for name in SIGNERS})


@pytest.fixture(scope="module")
def signed_versions(server_trust: ServerTrust, peer_document: ReportDocument) -> list[bytes]:
    """The prepared report, then after each of its three signatures."""
    versions = [prepare_and_render(peer_document)]
    for name in SIGNERS:
        versions.append(_sign(versions[-1], server_trust, name))
    return versions


def _sign(pdf: bytes, trust: ServerTrust, name: str) -> bytes:
    return sign_report(pdf, trust.signers[name], trust_roots=[trust.root], crls=[trust.crl])


def _push(device: Device, review: str, pdf: bytes, record_id: str, **payload: Any) -> Any:
    """Upload the PDF, then push its ``signed_report`` record as the app does."""
    sha = hashlib.sha256(pdf).hexdigest()
    assert device.http.put(f"/blobs/{sha}", content=pdf).status_code in (200, 201)
    record: dict[str, Any] = {"sha256": sha, "size": len(pdf), "audience": "full_internal"}
    try:
        verdict = verify_report(pdf, trust_roots=[])
        signed = [s for s in verdict.signatures if s.signed]
        record.update(
            report_id=verdict.report_id, data_hash=verdict.data_hash,
            required_count=len([s for s in verdict.signatures if s.order]),
        )  # fmt: skip
        if signed:  # an unsigned report's record names no signer
            newest = max(signed, key=lambda s: s.revision)  # the last made, not the last planned
            record.update(signer_count=len(signed), signer_name=newest.signer_name)
    except Exception:  # not a PDF: the record names nothing more
        pass
    record.update(payload)
    op = device.op(review, "append", "signed_report", record_id, record)
    return device.push(review, [op]).json()["results"][0]


def _locked(device: Device) -> bool:
    return bool(device.handshake().json()["reviews"][0]["locked"])


def test_each_signers_version_is_kept_and_only_the_last_locks_the_review(
    server: Harness, team: SigningTeam, signed_versions: list[bytes], server_trust: ServerTrust
) -> None:
    amira, tom, sarah = (team.devices[name] for name in SIGNERS)
    first = _push(amira, team.review, signed_versions[1], "v1")
    assert first["status"] == "accepted", first
    assert not _locked(amira)
    # A peer's later change still goes through: the review is open until the last signature.
    late_note = tom.push(team.review, [tom.note(team.review)]).json()["results"][0]
    assert late_note["status"] == "accepted", late_note
    assert _push(tom, team.review, signed_versions[2], "v2")["status"] == "accepted"
    assert not _locked(tom)
    final = _push(sarah, team.review, signed_versions[3], "v3")
    assert final["status"] == "accepted", final
    assert _locked(sarah)
    refused = sarah.push(team.review, [sarah.note(team.review)]).json()["results"][0]
    assert (refused["status"], refused["reason"]) == ("rejected", "review_locked")
    changes = amira.pull_all(team.review)
    kinds = [(c["kind"], c["entity"]) for c in changes if c["entity"] != "evidence_note"]
    # The last signature also brings the server's long-term version (PAdES B-LT, B-LTA).
    assert kinds == [("append", "signed_report")] * 4
    sha = hashlib.sha256(signed_versions[3]).hexdigest()
    assert amira.http.get(f"/blobs/{sha}").content == signed_versions[3]
    long_term_record = changes[-1]["payload"]
    assert long_term_record["signer_count"] == long_term_record["required_count"] == 3
    long_term = amira.http.get(f"/blobs/{long_term_record['sha256']}").content
    assert long_term.startswith(signed_versions[3])
    assert len(long_term) > len(signed_versions[3])
    verdict = verify_report(long_term, trust_roots=[server_trust.root])
    assert verdict.passed, verdict.sentences()
    assert len(verdict.document_timestamps) == 1
    assert all(s.existed_by == verdict.document_timestamps[0] for s in verdict.signatures)
    # Sent again (the answer was lost): the same answer, nothing new.
    again = _push(sarah, team.review, signed_versions[3], "v3")
    assert again["status"] == "accepted"
    assert server.count("record") == 5


def test_bad_versions_are_refused_naming_the_problem_and_change_nothing(
    server: Harness,
    team: SigningTeam,
    signed_versions: list[bytes],
    server_trust: ServerTrust,
    peer_versions: list[bytes],
    oakwood: SampleTrust,
) -> None:
    amira, tom, sarah = (team.devices[name] for name in SIGNERS)

    def refused(result: Any, reason: str, words: str) -> None:
        assert (result["status"], result["reason"]) == ("rejected", reason), result
        assert words in result["message"], result["message"]

    # Out of order: Tom's signature before the server has Amira's.
    refused(_push(tom, team.review, signed_versions[2], "early"), "out_of_order",
            "has not received Amira Hussain's signature")  # fmt: skip
    # Tampered: a byte of the page content changed after signing.
    data = bytearray(signed_versions[1])
    offset = data.index(b"stream", 2000) + 40  # page content inside every signed range
    data[offset] ^= 0x01
    refused(_push(amira, team.review, bytes(data), "tampered"), "bad_signature",
            "changed since this signature was made")  # fmt: skip
    # Foreign: signed by the same names under another trust's CA.
    refused(_push(amira, team.review, peer_versions[1], "foreign"), "bad_signature",
            "not issued by the trust")  # fmt: skip
    # Someone else's signature sent from Amira's laptop.
    assert _push(amira, team.review, signed_versions[1], "v1")["status"] == "accepted"
    refused(_push(amira, team.review, signed_versions[2], "not-mine"), "not_allowed",
            "its newest signature is Tom Fletcher's")  # fmt: skip
    # A record claiming other counts than its PDF.
    refused(_push(tom, team.review, signed_versions[2], "lying", signer_count=3),
            "invalid_payload", "does not match its PDF")  # fmt: skip
    assert _push(tom, team.review, signed_versions[2], "v2")["status"] == "accepted"
    # Stale: a second signature by Tom on the version Tom already signed (two laptops at once).
    racing = _sign(signed_versions[1], server_trust, "Tom Fletcher")
    assert racing != signed_versions[2]
    refused(_push(tom, team.review, racing, "racing"), "stale_signature",
            "Tom Fletcher signed this report first")  # fmt: skip
    # Unsigned, or not a PDF at all.
    refused(_push(sarah, team.review, signed_versions[0], "unsigned"), "bad_signature",
            "nobody has signed it")  # fmt: skip
    refused(_push(sarah, team.review, b"just some text", "text"), "bad_signature", "not a PDF")
    assert not _locked(sarah)
    assert server.count("record") == 2
    del oakwood


def test_a_plan_naming_people_off_the_team_is_refused(
    server: Harness, team: SigningTeam, server_trust: ServerTrust, peer_document: ReportDocument
) -> None:
    # The sample report's plan names its three signers; drop Tom from the team.
    tom = team.devices["Tom Fletcher"]
    with server.admin() as s:
        from sqlmodel import select

        from reviewer_app.server import models

        s.exec(  # type: ignore[call-overload]
            models.VisitReviewer.__table__.delete().where(  # type: ignore[attr-defined]
                models.VisitReviewer.person_id == tom.person_id
            )
        )
        assert s.exec(select(models.VisitReviewer)).all()
    pdf = _sign(prepare_and_render(peer_document), server_trust, "Amira Hussain")
    result = _push(team.devices["Amira Hussain"], team.review, pdf, "v1")
    assert (result["status"], result["reason"]) == ("rejected", "not_allowed")
    assert "names Tom Fletcher, who is not on this visit's team" in result["message"]


def _time_stamped(pdf: bytes, device: Device, trust: ServerTrust) -> bytes:
    """``pdf`` with the trust's document timestamp, asked of the server as a laptop asks."""

    def post(request_der: bytes) -> bytes:
        headers = {"Content-Type": "application/timestamp-query"}
        return device.http.post("/timestamp", content=request_der, headers=headers).content

    return add_document_timestamp(
        pdf, server_timestamper(post), trust_roots=[trust.root], crls=[trust.crl]
    )


def test_a_signature_made_offline_is_kept_again_with_the_trusts_timestamp(
    server: Harness, team: SigningTeam, signed_versions: list[bytes], server_trust: ServerTrust
) -> None:
    amira, tom, _sarah = (team.devices[name] for name in SIGNERS)
    offline = signed_versions[1]
    assert _push(amira, team.review, offline, "v1")["status"] == "accepted"
    stamped = _time_stamped(offline, amira, server_trust)
    # The same signature with only the trust's document timestamp after it: kept.
    assert _push(amira, team.review, stamped, "v1-stamped")["status"] == "accepted"
    # The same signatures again with nothing added is not a new version.
    again = _push(amira, team.review, _sign(signed_versions[0], server_trust, "Amira Hussain"),
                  "v1-again")  # fmt: skip
    assert (again["status"], again["reason"]) == ("rejected", "stale_signature"), again
    # Only the signer's laptop sends the signer's time-stamped version.
    from_tom = _push(tom, team.review, _time_stamped(stamped, tom, server_trust), "v1-tom")
    assert (from_tom["status"], from_tom["reason"]) == ("rejected", "not_allowed"), from_tom
    # Tom signed the version from before the timestamp (his laptop had not received it): kept.
    assert _push(tom, team.review, signed_versions[2], "v2")["status"] == "accepted"
    assert not _locked(tom)
    assert server.count("record") == 3


def test_peers_who_may_sign_in_any_order_are_kept_in_either_order_and_the_race_is_told(
    server: Harness, team: SigningTeam, server_trust: ServerTrust, peer_document: ReportDocument
) -> None:
    from dataclasses import replace

    from reviewer_app.reports.document import SignOffSlot
    from reviewer_app.reports.signing import SigningError

    # The two peers share a step (the framework says "any_order"); the lead signs last.
    any_order = replace(
        peer_document,
        sign_off=(
            SignOffSlot(1, "Peer reviewer", "Amira Hussain", step=1),
            SignOffSlot(2, "Peer reviewer", "Tom Fletcher", step=1),
            SignOffSlot(3, "Lead reviewer", "Dr Sarah Whitfield"),
        ),
    )
    assert any_order.data_hash() != peer_document.data_hash()  # the plan is in what is signed
    prepared = prepare_and_render(any_order)
    amira, tom, sarah = (team.devices[name] for name in SIGNERS)
    # Tom signs before Amira; at the same time Amira signs the unsigned report on her laptop.
    toms = _sign(prepared, server_trust, "Tom Fletcher")
    amiras_racing = _sign(prepared, server_trust, "Amira Hussain")
    # The lead cannot sign while a peer has not.
    with pytest.raises(SigningError, match="is Amira Hussain's, but this certificate belongs"):
        _sign(toms, server_trust, "Dr Sarah Whitfield")
    assert _push(tom, team.review, toms, "tom")["status"] == "accepted"
    stale = _push(amira, team.review, amiras_racing, "amira-racing")
    assert (stale["status"], stale["reason"]) == ("rejected", "stale_signature"), stale
    assert "Tom Fletcher signed this report first" in stale["message"]
    # Amira signs the newer version (Tom's), in her own field.
    both = _sign(toms, server_trust, "Amira Hussain")
    kept = _push(amira, team.review, both, "amira")
    assert kept["status"] == "accepted", kept
    assert not _locked(amira)
    final = _push(sarah, team.review, _sign(both, server_trust, "Dr Sarah Whitfield"), "sarah")
    assert final["status"] == "accepted", final
    assert _locked(sarah)
    verdict = verify_report(
        _sign(both, server_trust, "Dr Sarah Whitfield"),
        trust_roots=[server_trust.root],
        crls=[server_trust.crl],
    )
    assert verdict.problems == ()
    assert [(s.expected_person, s.signer_name) for s in verdict.signatures] == [
        (name, name) for name in SIGNERS
    ]
