"""Every pushed record is checked against the shared record schema and the review's framework
before it is stored; a bad one is refused with a reason and the rest of the batch goes on
(issue 14, items 1 and 4)."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from support.laptop_records import framework_snapshot, now

if TYPE_CHECKING:
    from conftest import Device, Harness, World

TABLES = ("change_log", "applied_op", "record")


def _start_frozen_review(lead: Device, world: World) -> str:
    """A review of the walk visit started on the lead's laptop, frozen to a real framework."""
    review_id = str(uuid.uuid4())
    version, content_hash, snapshot = framework_snapshot("learning_walk")
    record = {"id": review_id, "visit_id": world.walk_visit, "framework_id": "learning_walk",
              "framework_version": version, "framework_hash": content_hash}  # fmt: skip
    op = lead.op(
        review_id, "append", "review", review_id,
        {"review": record, "framework_snapshot": snapshot},
    )  # fmt: skip
    result = lead.push(review_id, [op]).json()["results"][0]
    assert result["status"] == "accepted", result
    return review_id


def _malformed(device: Device, review: str, school: str) -> list[tuple[str, dict[str, Any]]]:
    """(what is wrong, operation) for each record kind: wrong types, missing fields, sizes."""
    note = str(uuid.uuid4())
    return [
        ("note without text", device.op(review, "append", "evidence_note", note,
                                        {"text": None}, raw=False)),
        ("note naming another id", device.op(review, "append", "evidence_note", note,
                                             {"id": "someone-else"})),
        ("note of another review", device.op(review, "append", "evidence_note", note,
                                             {"review_id": "another-review"})),
        ("note with numeric time", device.op(review, "append", "evidence_note", note,
                                             {"captured_at": 12})),
        ("note too long", device.op(review, "append", "evidence_note", note,
                                    {"text": "x" * 100_001})),
        ("note with unknown field", device.op(review, "append", "evidence_note", note,
                                              {"is_admin": True})),
        ("note as a list", device.op(review, "append", "evidence_note", note, [1, 2],
                                     raw=True)),
        ("bare note", device.op(review, "append", "evidence_note", note, {"text": "hi"},
                                raw=True)),
        ("judgement level as number", device.op(review, "append", "judgement", "j-bad",
                                                {"level_key": 3})),
        ("agreed as text", device.op(review, "append", "judgement", "j-bad2",
                                     {"agreed": "yes"})),
        ("attachment negative size", device.op(review, "append", "attachment", "a-bad",
                                               {"sha256": "0" * 64, "size": -1})),
        ("action without priority", device.op(review, "append", "action", "act-bad",
                                              {"school_id": school, "priority": "urgent"})),
        ("action of another school", device.op(review, "append", "action", "act-bad2",
                                               {"school_id": "another-school"})),
        ("follow-up of no action", device.op(review, "append", "action_follow_up", "f-bad",
                                             {"action_id": "no-such-action"})),
        ("follow-up bad outcome", device.op(review, "append", "action_follow_up", "f-bad2",
                                            {"action_id": "x", "outcome": "great"})),
        ("correction of no note", device.op(review, "append", "evidence_note", "n-corr",
                                            {"supersedes": "no-such-note"})),
        ("withdrawal of another id", device.op(review, "retract", "action", "act-1",
                                               {"id": "act-2"})),
        ("state that is not one", device.op(review, "submit", "review", review,
                                            {"state": "finished"})),
        ("field write with extra", device.op(review, "set", "field_value", review,
                                             {"value": "x", "hack": 1}, base_version=0)),
    ]  # fmt: skip


def test_malformed_records_are_refused_one_by_one_and_the_rest_apply(
    server: Harness, world: World
) -> None:
    lead = server.enrol(world.lead)
    before = lead.note(world.walk_review, "before")
    cases = _malformed(lead, world.walk_review, world.school_a)
    ops = [before]
    ops += [op for _what, op in cases]
    ops += [lead.note(world.walk_review, "after")]
    response = lead.push(world.walk_review, ops)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert results[0]["status"] == results[-1]["status"] == "accepted"
    for (what, _op), result in zip(cases, results[1:-1], strict=True):
        assert result["status"] == "rejected", what
        assert result["reason"] == "invalid_payload", what
        assert result["message"].endswith("."), what
    texts = [c["payload"]["text"] for c in lead.pull_all(world.walk_review)]
    assert texts == ["before", "after"]
    assert server.count("record") == 2


def test_records_must_fit_the_framework_the_review_is_frozen_to(
    server: Harness, world: World
) -> None:
    lead = server.enrol(world.lead)
    review = _start_frozen_review(lead, world)
    note = str(uuid.uuid4())
    cases = [
        (lead.op(review, "append", "judgement", "j1",
                 {"criterion_id": "climate-routines", "level_key": "seen"}), "accepted"),
        (lead.op(review, "append", "judgement", "j2",
                 {"criterion_id": "no-such-criterion", "level_key": "seen"}), "Criterion"),
        (lead.op(review, "append", "judgement", "j3",
                 {"criterion_id": "climate-routines", "level_key": "outstanding"}), "Level"),
        (lead.op(review, "append", "evidence_note", note,
                 {"criterion_ids": ["climate-routines", "made-up"]}), "made-up"),
        (lead.op(review, "set", "field_value", review, {"value": "Calm"},
                 field="strengths-seen", base_version=0), "accepted"),
        (lead.op(review, "set", "field_value", review, {"value": "Calm"},
                 field="no-such-field", base_version=0), "no-such-field"),
    ]  # fmt: skip
    results = lead.push(review, [op for op, _ in cases]).json()["results"]
    for (_op, expected), result in zip(cases, results, strict=True):
        if expected == "accepted":
            assert result["status"] == "accepted", result
        else:
            assert result["reason"] == "invalid_payload", result
            assert expected in result["message"], result


def test_a_review_frozen_to_an_unreadable_framework_is_refused(
    server: Harness, world: World
) -> None:
    lead = server.enrol(world.lead)
    review_id = str(uuid.uuid4())
    record = {"id": review_id, "visit_id": world.walk_visit, "framework_id": "learning_walk",
              "framework_version": "1", "framework_hash": ""}  # fmt: skip
    op = lead.op(review_id, "append", "review", review_id,
                 {"review": record, "framework_snapshot": "id: learning_walk\n"})  # fmt: skip
    result = lead.push(review_id, [op]).json()["results"][0]
    assert (result["status"], result["reason"]) == ("rejected", "invalid_payload")
    assert "cannot be read" in result["message"]


def test_a_follow_up_names_an_action_of_the_same_school(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    action = lead.op(world.walk_review, "append", "action", "act-1", {"school_id": world.school_a})
    follow_up = lead.op(
        world.walk_review, "append", "action_follow_up", "fu-1", {"action_id": "act-1"}
    )
    results = lead.push(world.walk_review, [action, follow_up]).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "accepted"], results


@pytest.mark.parametrize("since", [2**63, 2**64 + 5, -1])
def test_cursors_out_of_range_are_refused(server: Harness, world: World, since: int) -> None:
    lead = server.enrol(world.lead)
    for path in (f"/reviews/{world.walk_review}/changes", f"/schools/{world.school_a}/categories"):
        response = lead.http.get(path, params={"since": since})
        assert response.status_code == 422, (path, response.text)
        assert "since" in response.json()["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/reviews/r1/push",
        "/handshake",
        "/school-categories/push",
        "/visits/push",
        "/reviews/r1",
        "/blobs/" + "a" * 64,
    ],
)
@pytest.mark.parametrize("token", [None, "forged-token"])
def test_no_valid_token_is_401_whatever_the_body(
    server: Harness, world: World, path: str, token: str | None
) -> None:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    client = server.client(headers)
    method = "PUT" if path.startswith(("/blobs/", "/reviews/r1")) and "push" not in path else "POST"
    for body in (b"{not json", b'{"protocol_version": "x"}', b"\x00\xff" * 100):
        response = client.request(method, path, content=body)
        assert response.status_code == 401, (path, body, response.text)
        assert response.json()["error"] == "unauthenticated"
    assert server.count("change_log") == 0


def test_a_cut_off_body_is_an_ordinary_disconnect(
    server: Harness, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    lead = server.enrol(world.lead)
    host, port = server.live.base_url.removeprefix("http://").split(":")
    caplog.set_level(logging.INFO, logger="reviewer_app")
    with socket.create_connection((host, int(port))) as connection:
        connection.sendall(
            f"POST /reviews/{world.walk_review}/push HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {lead.token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: 100000\r\n\r\n".encode()
            + b'{"protocol_version": 1, "operations": [{"payload": {"text": "secret words'
        )
    deadline = time.monotonic() + 60  # the server's thread may wait long on a loaded machine
    while time.monotonic() < deadline and "ended before its body" not in caplog.text:
        time.sleep(0.05)
    assert "ended before its body arrived whole" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "secret words" not in caplog.text
    assert server.count("change_log") == 0
    # The same laptop goes on syncing.
    assert lead.push(world.walk_review, [lead.note(world.walk_review)]).status_code == 200


def test_times_with_a_zone_or_without_are_records_times(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    op = lead.op(world.walk_review, "append", "evidence_note", "n-naive",
                 {"captured_at": now().removesuffix("+00:00")})  # fmt: skip
    assert lead.push(world.walk_review, [op]).json()["results"][0]["status"] == "accepted"


def test_the_handshake_tells_the_laptop_the_limits(server: Harness, world: World) -> None:
    from reviewer_app.sync.protocol import MAX_BATCH, MAX_BLOB_BYTES, MAX_PAYLOAD_BYTES

    limits = server.enrol(world.lead).handshake().json()["limits"]
    assert limits["max_batch"] == MAX_BATCH
    assert limits["max_record_bytes"] == MAX_PAYLOAD_BYTES
    assert limits["max_file_bytes"] == MAX_BLOB_BYTES
    assert limits["max_cursor"] == 2**62
