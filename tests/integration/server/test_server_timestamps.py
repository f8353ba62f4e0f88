"""The trust server's RFC 3161 time-stamping service (issue 19 item 2), on loopback.

Real tokens from the running server, signed with the time-stamping key its own CA issued, put
into real pyHanko signatures and checked by Reviewer's verifier.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.signing import add_document_timestamp, prepare_and_render, sign_report
from reviewer_app.reports.timestamping import server_timestamper
from reviewer_app.reports.verification import verify_report

if TYPE_CHECKING:
    from conftest import Device, Harness, ServerTrust, World


def _post(device: Device) -> object:
    def post(request_der: bytes) -> bytes:
        response = device.http.post(
            "/timestamp",
            content=request_der,
            headers={"Content-Type": "application/timestamp-query"},
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/timestamp-reply"
        return response.content

    return server_timestamper(post)


def test_an_online_signature_carries_the_trusts_timestamp(
    server: Harness, world: World, server_trust: ServerTrust, peer_document: ReportDocument
) -> None:
    lead = server.enrol(world.lead)
    pdf = sign_report(
        prepare_and_render(peer_document),
        server_trust.signers["Amira Hussain"],
        trust_roots=[server_trust.root],
        crls=[server_trust.crl],
        timestamper=_post(lead),
    )
    amira = verify_report(pdf, trust_roots=[server_trust.root]).signatures[0]
    assert amira.ok, amira.sentence
    assert amira.time_source == "trust_timestamp"
    assert amira.timestamp_at is not None
    assert amira.signed_at is not None
    assert abs((amira.timestamp_at - amira.signed_at).total_seconds()) < 60
    assert "(time attested by the trust's timestamp)" in amira.sentence
    as_json = amira.to_json()
    assert as_json["time_source"] == "trust_timestamp"
    assert as_json["timestamp_time"]
    assert as_json["signer_clock_time"]


def test_an_offline_signature_gets_a_document_timestamp_later(
    server: Harness, world: World, server_trust: ServerTrust, peer_document: ReportDocument
) -> None:
    offline = sign_report(
        prepare_and_render(peer_document),
        server_trust.signers["Amira Hussain"],
        trust_roots=[server_trust.root],
        crls=[server_trust.crl],
    )
    before = verify_report(offline, trust_roots=[server_trust.root]).signatures[0]
    assert before.time_source == "signer_clock"
    assert "(time by the signer's clock, no timestamp)" in before.sentence
    lead = server.enrol(world.lead)
    stamped = add_document_timestamp(
        offline, _post(lead), trust_roots=[server_trust.root], crls=[server_trust.crl]
    )
    result = verify_report(stamped, trust_roots=[server_trust.root])
    amira = result.signatures[0]
    assert amira.ok, result.sentences()
    assert amira.existed_by is not None
    assert "the trust's timestamp shows it existed by" in amira.sentence
    assert not any("changed after" in p for p in result.problems), result.problems


def test_the_service_is_for_enrolled_laptops_and_refuses_bad_requests(
    server: Harness, world: World
) -> None:
    anonymous = server.client().post(
        "/timestamp", content=b"0", headers={"Content-Type": "application/timestamp-query"}
    )
    assert anonymous.status_code == 401
    lead = server.enrol(world.lead)
    wrong_type = lead.http.post("/timestamp", content=b"{}", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    garbage = lead.http.post(
        "/timestamp", content=b"not DER", headers={"Content-Type": "application/timestamp-query"}
    )
    assert garbage.status_code == 400
    from asn1crypto import tsp

    assert garbage.content[0] == 0x30  # a TimeStampResp holding only its status
    status = tsp.PKIStatusInfo.load(garbage.content[2:])
    assert status["status"].native == "rejection"
    assert "not a DER TimeStampReq" in status["status_string"].native[0]
