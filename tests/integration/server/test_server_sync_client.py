"""The sync client against the real server on loopback, with faults injected in transport.

``FaultyTransport`` wraps httpx's real HTTP transport: it can refuse a connection before
anything is sent, drop the response after the server has committed, or answer 503/429
itself. Everything else goes over real HTTP to the real server.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.server.enrolment import revoke_device
from reviewer_app.sync.client import (
    ReEnrolRequiredError,
    RequestRefusedError,
    RetryPolicy,
    ServerUnreachableError,
    SyncClient,
    UpgradeRequiredError,
)
from reviewer_app.sync.protocol import (
    MIN_CLIENT_SCHEMA_VERSION,
    PROTOCOL_VERSION,
    EnrolRequest,
    Operation,
    ResultStatus,
)
from support.laptop_records import laptop_record, note_payload

if TYPE_CHECKING:
    from conftest import Harness, World

FAST = RetryPolicy(attempts=4, initial_wait=0.01, max_wait=0.05, deadline=30)


class FaultyTransport(httpx.BaseTransport):
    """Real HTTP, except for the faults queued for requests that ``matches`` selects."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.faults: list[str] = []
        self.matches: Callable[[httpx.Request], bool] = lambda _request: True
        self.forwarded: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults.pop(0) if self.faults and self.matches(request) else None
        if fault == "refuse":
            raise httpx.ConnectError("connection refused (injected)", request=request)
        if fault in ("503", "429"):
            return httpx.Response(int(fault), request=request, content=b"busy")
        request.read()
        self.forwarded.append(request)
        response = self.inner.handle_request(request)
        if fault == "drop_response":
            response.read()
            response.close()
            raise httpx.ReadError("connection lost after sending (injected)", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


@pytest.fixture
def transport() -> FaultyTransport:
    return FaultyTransport()


def _client(server: Harness, transport: FaultyTransport, token: str | None = None) -> SyncClient:
    return SyncClient(server.live.base_url, token, retry=FAST, transport=transport)


def _enrolled(server: Harness, transport: FaultyTransport, person: str) -> tuple[SyncClient, str]:
    with _client(server, transport) as anonymous:
        enrolled = anonymous.enrol(
            EnrolRequest(
                code=server.code_for(person),
                device_name="Laptop",
                protocol_version=PROTOCOL_VERSION,
                client_schema_version=MIN_CLIENT_SCHEMA_VERSION,
            )
        )
    return _client(server, transport, enrolled.device_token), enrolled.device_id


def _note(
    review: str, seq: int, text: str = "Pupils used the word wall", *, author: str
) -> Operation:
    note_id = str(uuid.uuid4())
    return Operation(
        op_id=uuid.uuid4(),
        device_seq=seq,
        review_id=review,
        entity=Entity.EVIDENCE_NOTE,
        entity_id=note_id,
        kind=OpKind.APPEND,
        payload=note_payload(note_id, review, author, text),
        device_time=datetime.now(UTC),
    )


def test_enrol_handshake_push_pull(server: Harness, world: World, transport: Any) -> None:
    client, device_id = _enrolled(server, transport, world.lead)
    with client:
        hello = client.handshake(MIN_CLIENT_SCHEMA_VERSION)
        assert hello.device_id == device_id
        assert [r.review_id for r in hello.reviews] == [world.walk_review]
        pushed = client.push(
            world.walk_review, [_note(world.walk_review, i, author=world.lead) for i in (1, 2)]
        )
        assert [r.status for r in pushed.results] == [ResultStatus.ACCEPTED] * 2
        page = client.pull(world.walk_review, since=0, limit=1)
        assert (page.next_cursor, page.has_more) == (1, True)
        assert client.pull(world.walk_review, since=1).next_cursor == 2
        assert client.conflicts(world.walk_review) == []
        assert client.health()["protocol_version"] == PROTOCOL_VERSION


def test_lost_response_is_retried_and_applied_once(
    server: Harness, world: World, transport: FaultyTransport
) -> None:
    client, _ = _enrolled(server, transport, world.lead)
    ops = [_note(world.walk_review, i, author=world.lead) for i in (1, 2, 3)]
    transport.faults = ["drop_response"]
    with client:
        response = client.push(world.walk_review, ops)
    assert [r.server_seq for r in response.results] == [1, 2, 3]
    pushes = [r for r in transport.forwarded if r.url.path.endswith("/push")]
    assert len(pushes) == 2  # delivered twice, applied once
    assert server.count("change_log") == 3


def test_refused_connections_and_busy_answers_are_retried(
    server: Harness, world: World, transport: FaultyTransport
) -> None:
    client, _ = _enrolled(server, transport, world.lead)
    transport.faults = ["refuse", "503", "429"]
    with client:
        response = client.push(world.walk_review, [_note(world.walk_review, 1, author=world.lead)])
    assert response.results[0].status is ResultStatus.ACCEPTED
    assert transport.faults == []


def test_giving_up_says_the_server_cannot_be_reached(
    server: Harness, world: World, transport: FaultyTransport
) -> None:
    client, _ = _enrolled(server, transport, world.lead)
    transport.faults = ["refuse"] * FAST.attempts
    with client, pytest.raises(ServerUnreachableError, match="cannot be reached"):
        client.push(world.walk_review, [_note(world.walk_review, 1, author=world.lead)])
    assert server.count("change_log") == 0


def test_refusals_are_final_and_typed(
    server: Harness, world: World, transport: FaultyTransport
) -> None:
    client, device_id = _enrolled(server, transport, world.lead)
    with client:
        before = len(transport.forwarded)
        with pytest.raises(RequestRefusedError) as refused:
            client.pull(str(uuid.uuid4()), since=0)
        assert (refused.value.status, refused.value.code) == (404, "not_found")
        assert len(transport.forwarded) == before + 1  # not retried
        with pytest.raises(UpgradeRequiredError):
            client.handshake(0)
        with server.admin() as session:
            revoke_device(session, device_id)
        with pytest.raises(ReEnrolRequiredError, match="revoked"):
            client.handshake(MIN_CLIENT_SCHEMA_VERSION)


def test_enrolment_is_not_resent_after_it_may_have_arrived(
    server: Harness, world: World, transport: FaultyTransport
) -> None:
    code = server.code_for(world.peer)
    request = EnrolRequest(code=code, device_name="Laptop", protocol_version=PROTOCOL_VERSION,
                           client_schema_version=MIN_CLIENT_SCHEMA_VERSION)  # fmt: skip
    with _client(server, transport) as client:
        transport.faults = ["refuse"]  # never arrived: retried, and it works
        assert client.enrol(request).person.id == world.peer
        transport.faults = ["drop_response"]  # arrived: not resent
        second = request.model_copy(update={"code": server.code_for(world.peer)})
        with pytest.raises(ServerUnreachableError):
            client.enrol(second)
        with pytest.raises(RequestRefusedError) as refused:
            client.enrol(second)
        assert refused.value.code == "code_invalid"


def test_upload_skips_known_blobs_and_resumes_partial_ones(
    server: Harness, world: World, transport: FaultyTransport
) -> None:
    client, _ = _enrolled(server, transport, world.lead)
    data = os.urandom(250_000)
    sha = hashlib.sha256(data).hexdigest()
    # An earlier sync of this laptop sent the first 100,000 bytes.
    token = client._http.headers["Authorization"]
    first = server.client({"Authorization": token}).put(
        f"/blobs/{sha}", content=data[:100_000],
        headers={"Content-Range": f"bytes 0-99999/{len(data)}"},
    )  # fmt: skip
    assert first.status_code == 202
    progress: list[int] = []
    # The second chunk's answer is lost after the server stored it; the client carries on.
    transport.matches = lambda request: request.method == "PUT"
    transport.faults = ["", "drop_response"]
    with client:
        status = client.upload_blob(
            sha, data, chunk_size=50_000, progress=lambda p: progress.append(p.sent)
        )
        assert status.complete
        sent = sum(len(r.content) for r in transport.forwarded if r.method == "PUT")
        assert sent == 150_000 + 50_000  # resumed at 100,000; one chunk sent twice
        assert progress[-1] == len(data)
        assert client.blob_offset(sha) == (True, len(data))
        puts_before = len([r for r in transport.forwarded if r.method == "PUT"])
        assert client.upload_blob(sha, data).complete
        assert len([r for r in transport.forwarded if r.method == "PUT"]) == puts_before
        attach = Operation.model_validate({
            "op_id": str(uuid.uuid4()), "device_seq": 1, "review_id": world.walk_review,
            "entity": "attachment", "entity_id": "photo-1", "kind": "append",
            "payload": laptop_record("append", "attachment", "photo-1", world.walk_review,
                                     world.lead, {"sha256": sha, "size": len(data)}),
            "device_time": datetime.now(UTC),
        })  # fmt: skip
        client.push(world.walk_review, [attach])
        assert client.download_blob(sha) == data
