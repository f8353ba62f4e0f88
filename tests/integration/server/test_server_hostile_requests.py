"""Hostile or garbled requests get a 4xx with a reason, and change nothing."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from reviewer_app.server import administration as adm
from reviewer_app.server.enrolment import revoke_device
from reviewer_app.sync.protocol import MAX_BATCH, MAX_PAYLOAD_BYTES, MAX_REQUEST_BYTES

if TYPE_CHECKING:
    from conftest import Device, Harness, World

TABLES = ("change_log", "applied_op", "record", "field_state", "conflict", "blob")


def _snapshot(server: Harness) -> dict[str, int]:
    return {table: server.count(table) for table in TABLES}


@pytest.fixture
def lead(server: Harness, world: World) -> Device:
    device = server.enrol(world.lead)
    device.push(world.walk_review, [device.note(world.walk_review, "already there")])
    return device


def _refused(response: Any, status: int, error: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["error"] == error
    assert body["message"].endswith("."), "a reason is a sentence"
    return body


def _push_raw(device: Device, review: str, body: Any, **kwargs: Any) -> Any:
    return device.http.post(f"/reviews/{review}/push", content=body, **kwargs)


def test_malformed_json(server: Harness, world: World, lead: Device) -> None:
    before = _snapshot(server)
    response = _push_raw(
        lead,
        world.walk_review,
        b'{"protocol_version": 1, "operations": [',
        headers={"Content-Type": "application/json"},
    )
    body = _refused(response, 422, "invalid_request")
    assert "JSON" in body["message"]
    assert _snapshot(server) == before


@pytest.mark.parametrize(
    ("mutation", "where"),
    [
        ({"device_seq": "first"}, "device_seq"),
        ({"payload": {"text": "x" * (MAX_PAYLOAD_BYTES + 1)}}, "payload"),
        ({"payload": {"text": "nul\x00byte"}}, "payload"),
        ({"kind": "delete"}, "kind"),
        ({"is_admin": True}, "is_admin"),
        ({"op_id": "not-a-uuid"}, "op_id"),
        ({"device_time": "yesterday"}, "device_time"),
        ({"entity": "review", "kind": "set"}, "operations"),
        ({"review_id": "../../etc/passwd"}, "review_id"),
    ],
    ids=[
        "wrong-type",
        "oversized-payload",
        "nul",
        "unknown-kind",
        "unknown-field",
        "bad-uuid",
        "bad-time",
        "kind-entity-mismatch",
        "bad-id",
    ],
)
def test_invalid_operation_is_refused_whole(
    server: Harness, world: World, lead: Device, mutation: dict[str, Any], where: str
) -> None:
    before = _snapshot(server)
    good = lead.note(world.walk_review, "would be fine")
    bad = {**lead.note(world.walk_review), **mutation}
    body = _refused(lead.push(world.walk_review, [good, bad]), 422, "invalid_request")
    assert where in json.dumps(body["detail"])
    # The request is never echoed back (it may hold review content).
    assert "would be fine" not in json.dumps(body)
    assert _snapshot(server) == before


def test_unknown_top_level_field(server: Harness, world: World, lead: Device) -> None:
    before = _snapshot(server)
    response = lead.http.post(
        f"/reviews/{world.walk_review}/push",
        json={"protocol_version": 1, "operations": [lead.note(world.walk_review)], "force": True},
    )
    _refused(response, 422, "invalid_request")
    assert _snapshot(server) == before


def test_a_handshake_from_a_newer_laptop_with_an_unknown_field_is_refused_by_name(
    server: Harness, lead: Device
) -> None:
    # The server is a strict reader of requests (laptops are tolerant readers of answers).
    response = lead.http.post(
        "/handshake",
        json={"protocol_version": 1, "client_schema_version": 1, "wants_dark_mode": True},
    )
    body = _refused(response, 422, "invalid_request")
    assert "body.wants_dark_mode" in body["message"]
    assert "does not know" in body["message"]
    assert "Extra inputs" not in body["message"]


def test_batch_too_long_out_of_order_or_for_another_review(
    server: Harness, world: World, lead: Device
) -> None:
    before = _snapshot(server)
    too_many = [lead.note(world.walk_review) for _ in range(MAX_BATCH + 1)]
    _refused(lead.push(world.walk_review, too_many), 422, "invalid_request")
    a, b = lead.note(world.walk_review), lead.note(world.walk_review)
    _refused(lead.push(world.walk_review, [b, a]), 422, "invalid_request")
    _refused(lead.push(world.walk_review, [a, a]), 422, "invalid_request")
    _refused(lead.push(world.audit_review, [a]), 422, "invalid_request")
    assert _snapshot(server) == before


def test_oversized_body_with_content_length(server: Harness, world: World, lead: Device) -> None:
    before = _snapshot(server)
    response = _push_raw(lead, world.walk_review, b"x" * (MAX_REQUEST_BYTES + 1))
    _refused(response, 413, "too_large")
    assert _snapshot(server) == before


def test_oversized_body_without_content_length(server: Harness, world: World, lead: Device) -> None:
    before = _snapshot(server)

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_REQUEST_BYTES // 65536 + 2):
            yield b" " * 65536

    response = _push_raw(
        lead, world.walk_review, chunks(), headers={"Content-Type": "application/json"}
    )
    _refused(response, 413, "too_large")
    assert _snapshot(server) == before


def test_wrong_protocol_version(server: Harness, world: World, lead: Device) -> None:
    before = _snapshot(server)
    response = lead.http.post(
        f"/reviews/{world.walk_review}/push",
        json={"protocol_version": 99, "operations": [lead.note(world.walk_review)]},
    )
    body = _refused(response, 426, "upgrade_required")
    assert "newer than the trust server" in body["message"]
    response = lead.http.post(
        "/handshake", json={"protocol_version": 1, "client_schema_version": 0}
    )
    _refused(response, 426, "upgrade_required")
    assert _snapshot(server) == before


def test_operation_id_of_another_reviewer_is_refused_whole(
    server: Harness, world: World, lead: Device
) -> None:
    peer = server.enrol(world.peer)
    stolen = lead.note(world.walk_review, "lead's note")
    lead.push(world.walk_review, [stolen])
    before = _snapshot(server)
    replay = {
        **stolen,
        "payload": {"id": stolen["entity_id"], "text": "peer's version", "author_id": world.peer},
    }
    innocent = peer.note(world.walk_review, "peer's own")
    innocent["device_seq"] = replay["device_seq"] + 1
    _refused(peer.push(world.walk_review, [replay, innocent]), 409, "conflict")
    assert _snapshot(server) == before


def test_forged_author_is_rejected(server: Harness, world: World, lead: Device) -> None:
    peer = server.enrol(world.peer)
    forged = peer.note(world.walk_review)
    forged["payload"]["author_id"] = world.lead
    result = peer.push(world.walk_review, [forged]).json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "not_allowed")


@pytest.mark.parametrize("token", [None, "", "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_missing_or_bogus_token(
    server: Harness, world: World, lead: Device, token: str | None
) -> None:
    before = _snapshot(server)
    client = server.client({"Authorization": token} if token is not None else {})
    ops = {"protocol_version": 1, "operations": [lead.note(world.walk_review)]}
    response = client.post(f"/reviews/{world.walk_review}/push", json=ops)
    body = _refused(response, 401, "unauthenticated")
    assert "Enrol this laptop again" in body["message"]
    assert client.get(f"/reviews/{world.walk_review}/changes").status_code == 401
    handshake = {"protocol_version": 1, "client_schema_version": 1}
    assert client.post("/handshake", json=handshake).status_code == 401
    assert _snapshot(server) == before


def test_another_persons_device_cannot_reach_the_review(
    server: Harness, world: World, lead: Device
) -> None:
    outsider = server.enrol(world.outsider)
    before = _snapshot(server)
    response = outsider.push(world.walk_review, [outsider.note(world.walk_review)])
    _refused(response, 404, "not_found")
    _refused(outsider.pull(world.walk_review), 404, "not_found")
    assert _snapshot(server) == before


def test_revoked_device_and_departed_person(server: Harness, world: World, lead: Device) -> None:
    with server.admin() as session:
        revoke_device(session, lead.id)
    before = _snapshot(server)
    body = _refused(
        lead.push(world.walk_review, [lead.note(world.walk_review)]), 401, "device_revoked"
    )
    assert "revoked" in body["message"]
    _refused(lead.pull(world.walk_review), 401, "device_revoked")
    assert _snapshot(server) == before

    peer = server.enrol(world.peer)
    with server.admin() as session:
        adm.deactivate_person(session, world.peer)
    _refused(peer.pull(world.walk_review), 401, "device_revoked")


def test_unknown_review_and_bad_query(server: Harness, world: World, lead: Device) -> None:
    _refused(lead.pull(str(uuid.uuid4())), 404, "not_found")
    response = lead.http.get(f"/reviews/{world.walk_review}/changes", params={"since": -1})
    _refused(response, 422, "invalid_request")
    response = lead.http.get(f"/reviews/{world.walk_review}/changes", params={"limit": 100000})
    _refused(response, 422, "invalid_request")
