"""Push and pull against the real server: exactly once, per-op results, cursors."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Harness, World


def test_push_then_pull_returns_every_change_in_order(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    ops = [lead.note(world.walk_review, f"note {i}") for i in range(5)]
    response = lead.push(world.walk_review, ops)
    assert response.status_code == 200, response.text
    body = response.json()
    assert [r["status"] for r in body["results"]] == ["accepted"] * 5
    assert [r["server_seq"] for r in body["results"]] == [1, 2, 3, 4, 5]
    assert body["last_seq"] == 5

    page = lead.pull(world.walk_review, since=0, limit=2).json()
    assert [c["server_seq"] for c in page["changes"]] == [1, 2]
    assert page["next_cursor"] == 2
    assert page["has_more"] is True
    page = lead.pull(world.walk_review, since=2, limit=10).json()
    assert [c["server_seq"] for c in page["changes"]] == [3, 4, 5]
    assert page["has_more"] is False
    assert [c["payload"]["text"] for c in page["changes"]] == ["note 2", "note 3", "note 4"]
    assert {c["author_id"] for c in page["changes"]} == {world.lead}
    assert {c["device_id"] for c in page["changes"]} == {lead.id}

    empty = lead.pull(world.walk_review, since=5).json()
    assert empty == {
        "review_id": world.walk_review,
        "changes": [],
        "next_cursor": 5,
        "has_more": False,
    }


def test_replayed_batch_returns_stored_results_and_changes_nothing(
    server: Harness, world: World
) -> None:
    lead = server.enrol(world.lead)
    ops = [
        lead.note(world.walk_review),
        lead.op(
            world.walk_review,
            "set",
            "field_value",
            world.walk_review,
            {"value": "Reading"},
            base_version=0,
        ),
    ]
    first = lead.push(world.walk_review, ops).json()
    rows = server.count("change_log")
    second = lead.push(world.walk_review, ops).json()
    assert second == first
    assert server.count("change_log") == rows == 2
    assert server.count("applied_op") == 2


def test_same_op_id_with_other_content_is_refused_and_rest_applies(
    server: Harness, world: World
) -> None:
    lead = server.enrol(world.lead)
    original = lead.note(world.walk_review, "original")
    lead.push(world.walk_review, [original])
    tampered = {
        **original,
        "payload": {**original["payload"], "text": "changed"},
        "device_seq": original["device_seq"] + 10,
    }
    after = lead.note(world.walk_review, "after")
    after["device_seq"] = original["device_seq"] + 11
    body = lead.push(world.walk_review, [tampered, after]).json()
    assert body["results"][0]["status"] == "rejected"
    assert body["results"][0]["reason"] == "op_id_reused"
    assert body["results"][1]["status"] == "accepted"
    texts = [c["payload"]["text"] for c in lead.pull_all(world.walk_review)]
    assert texts == ["original", "after"]


def test_rejected_operation_does_not_block_the_rest(server: Harness, world: World) -> None:
    peer = server.enrol(world.peer)
    ops = [
        peer.note(world.walk_review, "first"),
        peer.op(
            world.walk_review,
            "append",
            "judgement",
            "j1",
            {"criterion_id": "c1", "level_key": "strong", "agreed": True},
        ),
        peer.op(world.walk_review, "retract", "evidence_note", "no-such-note", {}),
        peer.note(world.walk_review, "last"),
    ]
    results = peer.push(world.walk_review, ops).json()["results"]
    assert [r["status"] for r in results] == ["accepted", "rejected", "rejected", "accepted"]
    assert results[1]["reason"] == "lead_only"
    assert results[2]["reason"] == "unknown_record"
    assert [r["server_seq"] for r in results if r["server_seq"]] == [1, 2]
    # A rejection is final: sending it again gives the same answer, not a second try.
    again = peer.push(world.walk_review, ops[1:2]).json()["results"]
    assert again == results[1:2]


def test_append_is_idempotent_by_record_id_and_records_never_change(
    server: Harness, world: World
) -> None:
    lead = server.enrol(world.lead)
    note = lead.note(world.walk_review, "as written")
    lead.push(world.walk_review, [note])
    same_record_new_op = {**note, "op_id": str(uuid.uuid4()), "device_seq": 50}
    changed_record = {
        **note,
        "op_id": str(uuid.uuid4()),
        "device_seq": 51,
        "payload": {**note["payload"], "text": "rewritten"},
    }
    results = lead.push(world.walk_review, [same_record_new_op, changed_record]).json()["results"]
    assert results[0] == {**results[0], "status": "accepted", "server_seq": 1}
    assert results[1]["status"] == "rejected"
    assert results[1]["reason"] == "already_exists"
    assert server.count("change_log") == 1


def test_retract_by_author_or_lead_only(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    peer = server.enrol(world.peer)
    note = lead.note(world.walk_review)
    peer_note = peer.note(world.walk_review)
    lead.push(world.walk_review, [note])
    peer.push(world.walk_review, [peer_note])
    by_peer = peer.op(world.walk_review, "retract", "evidence_note", note["entity_id"], {})
    assert peer.push(world.walk_review, [by_peer]).json()["results"][0]["reason"] == "not_allowed"
    by_lead = lead.op(
        world.walk_review,
        "retract",
        "evidence_note",
        peer_note["entity_id"],
        {},
    )
    result = lead.push(world.walk_review, [by_lead]).json()["results"][0]
    assert result["status"] == "accepted"
    kinds = [c["kind"] for c in lead.pull_all(world.walk_review)]
    assert kinds == ["append", "append", "retract"]


def test_submit_marker_is_logged_per_reviewer(server: Harness, world: World) -> None:
    peer = server.enrol(world.peer)
    submit = peer.op(
        world.walk_review, "submit", "review", world.walk_review, {"state": "ready_for_sign_off"}
    )
    assert peer.push(world.walk_review, [submit]).json()["results"][0]["status"] == "accepted"
    change = peer.pull_all(world.walk_review)[0]
    assert (change["kind"], change["author_id"]) == ("submit", world.peer)


def test_handshake_lists_what_the_device_may_read(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    lead.push(world.walk_review, [lead.note(world.walk_review)])
    body = lead.handshake().json()
    assert body["person"]["id"] == world.lead
    assert [v["visit_id"] for v in body["visits"]] == [world.walk_visit]
    (summary,) = body["reviews"]
    assert summary == {
        "review_id": world.walk_review,
        "visit_id": world.walk_visit,
        "school_id": world.school_a,
        "framework_id": "learning_walk",
        "last_seq": 1,
        "may_write": True,
        "is_lead": True,
        "locked": False,
        "summary_only": False,  # the lead is on the visit's team: the whole review
    }
    team = {m["person_id"]: m["role"] for m in body["visits"][0]["team"]}
    assert team == {world.lead: "lead_reviewer", world.peer: "peer_reviewer"}


def test_a_team_member_can_start_a_review_idempotently(server: Harness, world: World) -> None:
    peer = server.enrol(world.peer)
    review_id = str(uuid.uuid4())
    body = {
        "visit_id": world.walk_visit,
        "framework_id": "learning_walk",
        "framework_version": "1.0",
        "framework_hash": "abc",
    }
    first = peer.http.put(f"/reviews/{review_id}", json=body)
    assert first.status_code == 201, first.text
    again = peer.http.put(f"/reviews/{review_id}", json=body)
    assert again.status_code == 200
    assert again.json() == first.json()
    wrong = peer.http.put(f"/reviews/{uuid.uuid4()}", json={**body, "framework_id": "other"})
    assert wrong.status_code == 422
    observer = server.enrol(world.observer)
    assert observer.http.put(f"/reviews/{uuid.uuid4()}", json=body).status_code == 403
