"""Enrolment: a one-time code for a device token stored only as a hash; revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from reviewer_app.reports.ca import certificate_email, certificate_roles, common_name
from reviewer_app.reports.keys import certificate_request, generate_signing_key
from reviewer_app.server.enrolment import issue_code
from reviewer_app.sync.protocol import MIN_CLIENT_SCHEMA_VERSION, PROTOCOL_VERSION

if TYPE_CHECKING:
    from conftest import Harness, ServerTrust, World


def _enrol(server: Harness, code: str, **extra: object):  # type: ignore[no-untyped-def]
    body = {
        "code": code,
        "device_name": "Pat's laptop",
        "protocol_version": PROTOCOL_VERSION,
        "client_schema_version": MIN_CLIENT_SCHEMA_VERSION,
        **extra,
    }
    return server.client().post("/enrol", json=body)


def test_code_works_once_and_token_is_stored_hashed(server: Harness, world: World) -> None:
    code = server.code_for(world.peer)
    assert len(code) == 19
    assert code.count("-") == 3
    first = _enrol(server, code.lower().replace("-", " "))  # typed carelessly: still fine
    assert first.status_code == 200, first.text
    body = first.json()
    assert body["person"]["id"] == world.peer
    assert body["person"]["roles"] == ["peer_reviewer", "safeguarding_lead"]
    assert body["certificate_pem"] is None
    token = body["device_token"]
    assert len(token) >= 40

    with server.engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT token_sha256, name FROM device")).all()
        codes = connection.execute(sa.text("SELECT code_sha256, used_at FROM enrolment_code")).all()
    assert [(len(h), name) for h, name in stored] == [(64, "Pat's laptop")]
    assert token not in str(stored)
    assert code.replace("-", "") not in str(codes)
    assert codes[0][1] is not None

    again = _enrol(server, code)
    assert again.status_code == 400
    assert again.json()["error"] == "code_invalid"
    assert "Ask your trust admin for a new code." in again.json()["message"]
    assert server.count("device") == 1

    authorised = server.client({"Authorization": f"Bearer {token}"})
    response = authorised.post(
        "/handshake", json={"protocol_version": 1, "client_schema_version": 1}
    )
    assert response.status_code == 200
    assert response.json()["device_id"] == body["device_id"]


def test_expired_and_unknown_codes_are_refused(server: Harness, world: World) -> None:
    with server.admin() as session:
        expired = issue_code(session, world.lead, lifetime=timedelta(seconds=-1))
    assert _enrol(server, expired).json()["error"] == "code_invalid"
    assert _enrol(server, "ABCD-EFGH-JKMN-PQRS").json()["error"] == "code_invalid"
    assert server.count("device") == 0


def test_enrolment_refuses_an_old_app(server: Harness, world: World) -> None:
    code = server.code_for(world.lead)
    response = _enrol(server, code, protocol_version=PROTOCOL_VERSION + 1)
    assert response.status_code == 426
    # The code is not used up by a refused attempt.
    assert _enrol(server, code).status_code == 200


def test_malformed_enrolment_is_refused(server: Harness, world: World) -> None:
    code = server.code_for(world.lead)
    assert _enrol(server, code, device_name="").status_code == 422
    assert _enrol(server, code, device_name="x\x00y").status_code == 422
    assert _enrol(server, code, surprise=True).status_code == 422
    assert _enrol(server, "short").status_code == 422
    assert server.count("device") == 0


def test_each_device_has_its_own_token(server: Harness, world: World) -> None:
    laptop = server.enrol(world.lead, "Laptop")
    tablet = server.enrol(world.lead, "Tablet")
    assert laptop.token != tablet.token
    note = laptop.note(world.walk_review)
    laptop.push(world.walk_review, [note])
    change = tablet.pull_all(world.walk_review)[0]
    assert change["device_id"] == laptop.id


def test_enrolment_certifies_the_reviewers_signing_key(
    server: Harness, world: World, server_trust: ServerTrust
) -> None:
    key = generate_signing_key()
    # The laptop may put anything in its request; the certificate names the trust's record.
    request = certificate_request(key, name="Somebody Else", email="else@elsewhere.example")
    csr_pem = request.public_bytes(serialization.Encoding.PEM).decode()
    response = _enrol(server, server.code_for(world.lead), certificate_request_pem=csr_pem)
    assert response.status_code == 200, response.text
    body = response.json()
    certificate = x509.load_pem_x509_certificate(body["certificate_pem"].encode())
    root = x509.load_pem_x509_certificate(body["ca_certificate_pem"].encode())
    assert root == server_trust.root
    certificate.verify_directly_issued_by(root)
    assert certificate.public_key() == key.public_key()
    assert common_name(certificate) == "Lee Lead"
    assert certificate_email(certificate) == "lee@oak.example"
    assert certificate_roles(certificate) == ("Lead reviewer",)


def test_unusable_certificate_request_leaves_the_code_usable(server: Harness, world: World) -> None:
    code = server.code_for(world.lead)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Lee Lead")])
    rsa_csr = (
        x509.CertificateSigningRequestBuilder().subject_name(subject).sign(rsa_key, hashes.SHA256())
    )
    for bad in (rsa_csr.public_bytes(serialization.Encoding.PEM).decode(), "-----BEGIN nonsense"):
        response = _enrol(server, code, certificate_request_pem=bad)
        assert response.status_code == 422
        assert response.json()["message"].endswith(".")
    assert server.count("device") == 0
    assert _enrol(server, code).status_code == 200
