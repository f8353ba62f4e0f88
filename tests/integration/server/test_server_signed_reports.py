"""Signed reports reach the server immutable, verified on arrival; tampered ones are refused.

The reports are real: rendered with reportlab and signed with pyHanko by certificates the
server's own trust CA issued (``reviewer_app.reports``), then verified by the server with the
same verifier ``reviewer-app verify`` uses.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import pytest

from reviewer_app.reports.document import ReportDocument
from reviewer_app.reports.signing import prepare_and_render, sign_report
from support.sample_reports import SampleTrust

if TYPE_CHECKING:
    from conftest import Device, Harness, ServerTrust, World

SIGNERS = ("Amira Hussain", "Tom Fletcher", "Dr Sarah Whitfield")


@pytest.fixture(scope="module")
def signed_versions(server_trust: ServerTrust, peer_document: ReportDocument) -> list[bytes]:
    """The prepared report, then after each of its three signatures."""
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
    return versions


def _upload_report(device: Device, review: str, pdf: bytes, report_id: str) -> dict[str, Any]:
    sha = hashlib.sha256(pdf).hexdigest()
    assert device.http.put(f"/blobs/{sha}", content=pdf).status_code in (200, 201)
    op = device.op(review, "append", "signed_report", report_id, {"sha256": sha, "audience":
                   "full_internal"})  # fmt: skip
    result: dict[str, Any] = device.push(review, [op]).json()["results"][0]
    return result


def test_signed_report_is_verified_kept_and_locks_the_review(
    server: Harness, world: World, signed_versions: list[bytes]
) -> None:
    lead = server.enrol(world.lead)
    first = _upload_report(lead, world.walk_review, signed_versions[1], "report-1")
    assert first["status"] == "accepted", first
    late = lead.push(world.walk_review, [lead.note(world.walk_review)]).json()["results"][0]
    assert (late["status"], late["reason"]) == ("rejected", "review_locked")
    assert lead.handshake().json()["reviews"][0]["locked"] is True

    # Each further signature arrives as a new immutable copy.
    final = _upload_report(lead, world.walk_review, signed_versions[3], "report-3")
    assert final["status"] == "accepted", final
    kinds = [(c["kind"], c["entity"]) for c in lead.pull_all(world.walk_review)]
    assert kinds == [("append", "signed_report"), ("append", "signed_report")]
    sha = hashlib.sha256(signed_versions[3]).hexdigest()
    assert lead.http.get(f"/blobs/{sha}").content == signed_versions[3]


def test_tampered_report_is_refused(
    server: Harness, world: World, signed_versions: list[bytes]
) -> None:
    lead = server.enrol(world.lead)
    data = bytearray(signed_versions[3])
    offset = data.index(b"stream", 2000) + 40  # page content inside every signed range
    data[offset] ^= 0x01
    result = _upload_report(lead, world.walk_review, bytes(data), "tampered")
    assert (result["status"], result["reason"]) == ("rejected", "bad_signature")
    assert "changed since this signature was made" in result["message"]
    assert server.count("record") == 0
    assert lead.handshake().json()["reviews"][0]["locked"] is False


def test_report_signed_by_another_ca_is_refused(
    server: Harness, world: World, peer_versions: list[bytes], oakwood: SampleTrust
) -> None:
    # ``peer_versions`` were signed by a different CA (the reports tests' sample trust).
    lead = server.enrol(world.lead)
    result = _upload_report(lead, world.walk_review, peer_versions[3], "foreign")
    assert (result["status"], result["reason"]) == ("rejected", "bad_signature")
    assert "not issued by the trust" in result["message"]


def test_unsigned_or_not_a_pdf_is_refused(
    server: Harness, world: World, signed_versions: list[bytes]
) -> None:
    lead = server.enrol(world.lead)
    unsigned = _upload_report(lead, world.walk_review, signed_versions[0], "unsigned")
    assert unsigned["reason"] == "bad_signature"
    assert "nobody has signed it" in unsigned["message"]
    not_pdf = _upload_report(lead, world.walk_review, b"just some text", "text")
    assert "not a PDF" in not_pdf["message"]
    assert server.count("record") == 0
