"""A laptop reads a newer trust server's answers: fields it does not know are ignored, the
fields it knows are still checked strictly (``docs/sync-server.md``, Compatibility).

The answers come over real HTTP from a loopback server that replays canned bodies, so the
client's own parsing is what is tested.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import ValidationError

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.sync import protocol as wire
from reviewer_app.sync.client import RetryPolicy, SyncClient


class _Replay:
    """A loopback HTTP server answering every request with the body set for its path."""

    def __init__(self) -> None:
        self.bodies: dict[str, Any] = {}
        replay = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = json.dumps(replay.bodies[self.path.split("?")[0]]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *_args: object) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)


@pytest.fixture
def replay() -> Iterator[_Replay]:
    server = _Replay()
    server.thread.start()
    try:
        yield server
    finally:
        server.http.shutdown()
        server.http.server_close()
        server.thread.join()


@pytest.fixture
def client(replay: _Replay) -> Iterator[SyncClient]:
    with SyncClient(replay.url, "token", retry=RetryPolicy(attempts=1)) as sync_client:
        yield sync_client


def _handshake() -> dict[str, Any]:
    answer = wire.HandshakeResponse(
        protocol_version=wire.PROTOCOL_VERSION,
        server_time=datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
        device_id="dev-1",
        person=wire.PersonInfo(
            id="p-1", trust_id="t-1", name="Ann Lead", email="ann@example.org", roles=["lead"]
        ),
        visits=[],
        reviews=[
            wire.ReviewSummary(
                review_id="r-1",
                visit_id="v-1",
                school_id="s-1",
                framework_id="walk",
                last_seq=3,
                may_write=True,
                is_lead=True,
                locked=False,
            )
        ],
    )
    body: dict[str, Any] = answer.model_dump(mode="json")
    return body


def test_a_handshake_answer_with_fields_this_laptop_does_not_know_is_read(
    replay: _Replay, client: SyncClient
) -> None:
    body = _handshake()
    body["feature_from_the_future"] = {"anything": [1, 2]}
    body["person"]["pronouns"] = "she/her"
    body["reviews"][0]["school_colour"] = "green"
    body["limits"]["max_new_thing"] = 7
    replay.bodies["/handshake"] = body

    answer = client.handshake(client_schema_version=1)

    assert answer.person.name == "Ann Lead"
    assert answer.reviews[0].last_seq == 3
    assert "feature_from_the_future" not in answer.model_dump()
    assert "pronouns" not in answer.person.model_dump()


def test_a_field_this_laptop_knows_is_still_checked(replay: _Replay, client: SyncClient) -> None:
    body = _handshake()
    body["future"] = True
    body["reviews"][0]["last_seq"] = "three"
    replay.bodies["/handshake"] = body

    with pytest.raises(ValidationError, match="last_seq"):
        client.handshake(client_schema_version=1)


def test_pulled_changes_and_conflicts_with_unknown_fields_are_read(
    replay: _Replay, client: SyncClient
) -> None:
    conflict = wire.ConflictRecord(
        id="c-1",
        review_id="r-1",
        entity=Entity.FIELD_VALUE,
        entity_id="r-1",
        field="q1.rating",
        base_version=1,
        status=wire.ConflictStatus.OPEN,
        candidates=[
            wire.ConflictCandidate(
                op_id=None,
                value="good",
                author_id="p-1",
                device_id=None,
                device_time=None,
                base_version=None,
            )
        ],
    ).model_dump(mode="json")
    conflict["candidates"][0]["weight"] = 2
    conflict["priority"] = "high"
    replay.bodies["/reviews/r-1/conflicts"] = [conflict]
    change = {
        "server_seq": 4,
        "kind": "append",
        "entity": "evidence_note",
        "entity_id": "n-1",
        "op_id": str(uuid.uuid4()),
        "author_id": "p-1",
        "device_id": "dev-2",
        "device_time": "2026-12-08T09:00:00Z",
        "payload": {"text": "seen"},
        "signed_by_server": True,
    }
    replay.bodies["/reviews/r-1/changes"] = {
        "review_id": "r-1",
        "changes": [change],
        "next_cursor": 4,
        "has_more": False,
        "estimated_remaining": 0,
    }

    conflicts = client.conflicts("r-1")
    page = client.pull("r-1", since=3)

    assert [c.id for c in conflicts] == ["c-1"]
    assert conflicts[0].candidates[0].value == "good"
    assert [c.server_seq for c in page.changes] == [4]


def test_a_server_still_refuses_unknown_fields_in_what_a_laptop_sends() -> None:
    # The tolerance is the laptop's, for answers; the server reads requests strictly.
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        wire.HandshakeRequest.model_validate_json(
            '{"protocol_version": 1, "client_schema_version": 1, "future": true}'
        )
