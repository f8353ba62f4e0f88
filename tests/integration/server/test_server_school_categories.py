"""Schools' agreed categories on the real server (SQLite and PostgreSQL): who may send and read
them, exactly-once by op id, the per-school feed, and hostile payloads refused with a reason."""

from __future__ import annotations

import itertools
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from reviewer_app.server import administration as adm
from reviewer_app.sync.protocol import MAX_BATCH, MAX_CATEGORY_TEXT, PROTOCOL_VERSION

if TYPE_CHECKING:
    from conftest import Device, Harness, World

TABLES = ("school_category", "applied_category_op")
_seq = itertools.count(1)


def category(school_id: str, agreed_by: str, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "school_id": school_id,
        "scheme_id": "oldham-support-levels",
        "scheme_version": "1",
        "level_key": "amber",
        "level_label": "Amber: targeted support",
        "agreed_on": "2026-03-04",
        "agreed_by": agreed_by,
        "rationale": "Reading needs targeted support",
        "recorded_at": datetime.now(UTC).isoformat(),
        "suggested_level_key": "amber",
        "suggestion": "Amber: 2 outcomes at Requires improvement",
        "based_on": [
            {
                "outcome": {
                    "criterion_id": "reading",
                    "level_key": "requires_improvement",
                    "framework_id": "improvement-partner-visit",
                    "label": "Reading",
                    "level_label": "Requires improvement",
                },
                "review_id": str(uuid.uuid4()),
                "visit_date": "2026-02-10",
            }
        ],
    }
    record.update(changes)
    return record


def op(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    operation = {
        "op_id": str(uuid.uuid4()),
        "device_seq": next(_seq),
        "category": record,
        "device_time": datetime.now(UTC).isoformat(),
    }
    operation.update(changes)
    return operation


def push(device: Device, *operations: dict[str, Any]) -> Any:
    return device.http.post(
        "/school-categories/push",
        json={"protocol_version": PROTOCOL_VERSION, "operations": list(operations)},
    )


def results(device: Device, *operations: dict[str, Any]) -> list[dict[str, Any]]:
    response = push(device, *operations)
    assert response.status_code == 200, response.text
    answers: list[dict[str, Any]] = response.json()["results"]
    return answers


def pull(device: Device, school_id: str, since: int = 0, limit: int = 500) -> Any:
    return device.http.get(
        f"/schools/{school_id}/categories", params={"since": since, "limit": limit}
    )


def feeds(device: Device) -> dict[str, int]:
    body = device.handshake().json()
    return {f["school_id"]: f["last_seq"] for f in body["school_categories"]}


def _counts(server: Harness) -> dict[str, int]:
    return {table: server.count(table) for table in TABLES}


def test_a_lead_records_a_category_and_the_school_reads_it(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    record = category(world.school_a, world.lead)
    [answer] = results(lead, op(record))
    assert answer["status"] == "accepted"
    assert answer["server_seq"] == 1

    # Everyone assigned to the school reads it, whatever their role; the feed names the school.
    observer = server.enrol(world.observer)
    assert feeds(observer) == {world.school_a: 1}
    page = pull(observer, world.school_a).json()
    assert page["has_more"] is False
    assert page["next_cursor"] == 1
    [change] = page["changes"]
    assert change["category"] == record | {"recorded_at": change["category"]["recorded_at"]}
    assert datetime.fromisoformat(change["category"]["recorded_at"]) == datetime.fromisoformat(
        record["recorded_at"]
    )
    assert change["author_id"] == world.lead
    assert change["author_name"] == "Lee Lead"
    assert change["device_id"] == lead.id


def test_a_person_not_assigned_never_sees_it(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    results(lead, op(category(world.school_a, world.lead)))
    outsider = server.enrol(world.outsider)
    assert feeds(outsider) == {}
    response = pull(outsider, world.school_a)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    # Absent and not-yours read the same.
    assert pull(outsider, "no-such-school").json()["message"] == response.json()["message"].replace(
        world.school_a, "no-such-school"
    )
    # Unassigned later: no longer readable.
    with server.admin() as s:
        adm.unassign(s, world.observer, world.school_a)
    assert pull(server.enrol(world.observer), world.school_a).status_code == 404


def test_only_agreeing_roles_may_send_and_a_refusal_never_stops_the_batch(
    server: Harness, world: World
) -> None:
    peer = server.enrol(world.peer)  # peer reviewer and safeguarding lead: may not agree
    [answer] = results(peer, op(category(world.school_a, world.peer)))
    assert answer["status"] == "rejected"
    assert answer["reason"] == "not_allowed"
    assert "lead reviewer or a trust admin" in answer["message"]
    assert server.count("school_category") == 0

    lead = server.enrol(world.lead)
    answers = results(
        lead,
        op(category(world.school_b, world.lead)),  # a school the lead does not review
        op(category(world.school_a, world.peer)),  # agreed by someone else
        op(category(world.school_a, world.lead, agreed_on="2099-01-01")),
        op(category(world.school_a, world.lead)),
    )
    assert [a["status"] for a in answers] == ["rejected", "rejected", "rejected", "accepted"]
    assert [a["reason"] for a in answers[:3]] == ["not_allowed", "not_allowed", "invalid_payload"]
    assert f"no school {world.school_b}" in answers[0]["message"]
    assert "person who agreed it" in answers[1]["message"]
    assert "has not come yet" in answers[2]["message"]
    assert answers[3]["server_seq"] == 1
    assert all(a["message"].endswith(".") for a in answers[:3])

    # A trust admin assigned to the school may send one too.
    with server.admin() as s:
        adm.grant_role(s, world.observer, "trust_admin")
    [admin_answer] = results(
        server.enrol(world.observer), op(category(world.school_a, world.observer))
    )
    assert admin_answer == admin_answer | {"status": "accepted", "server_seq": 2}


def test_replays_are_exactly_once(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    record = category(world.school_a, world.lead)
    first = op(record)
    [answer] = results(lead, first)
    before = _counts(server)
    assert before == {"school_category": 1, "applied_category_op": 1}

    assert results(lead, first) == [answer]  # the stored answer, nothing written
    assert results(server.same_device(lead), first) == [answer]
    assert _counts(server) == before

    # Same op id, other content: refused, the stored category unchanged.
    [reused] = results(lead, first | {"category": record | {"level_key": "red"}})
    assert (reused["status"], reused["reason"]) == ("rejected", "op_id_reused")
    # Another person's laptop sending the op id: refused, nothing disclosed or changed.
    [other] = results(server.enrol(world.observer), first)
    assert (other["status"], other["reason"]) == ("rejected", "op_id_reused")
    assert "another person's laptop" in other["message"]
    # The same category under a new op id: the same record is accepted once, other content not.
    [again] = results(lead, op(record))
    assert (again["status"], again["server_seq"]) == ("accepted", 1)
    [changed] = results(lead, op(record | {"rationale": "Changed my mind"}))
    assert (changed["status"], changed["reason"]) == ("rejected", "already_exists")
    assert server.count("school_category") == 1
    [change] = pull(lead, world.school_a).json()["changes"]
    assert change["category"]["level_key"] == "amber"


def test_the_feed_pages_per_school(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    with server.admin() as s:
        adm.assign(s, world.lead, world.school_b)
    ops = [op(category(world.school_a, world.lead, level_key=f"l{i}")) for i in range(3)]
    ops.append(op(category(world.school_b, world.lead)))
    answers = results(lead, *ops)
    assert [a["server_seq"] for a in answers] == [1, 2, 3, 1]
    assert feeds(lead) == {world.school_a: 3, world.school_b: 1}
    first = pull(lead, world.school_a, 0, 2).json()
    assert [c["category"]["level_key"] for c in first["changes"]] == ["l0", "l1"]
    assert (first["has_more"], first["next_cursor"]) == (True, 2)
    rest = pull(lead, world.school_a, 2, 2).json()
    assert [c["category"]["level_key"] for c in rest["changes"]] == ["l2"]
    assert (rest["has_more"], rest["next_cursor"]) == (False, 3)
    assert pull(lead, world.school_a, 3).json()["changes"] == []


def test_concurrent_pushes_to_one_school_take_distinct_numbers(
    server: Harness, world: World
) -> None:
    with server.admin() as s:
        adm.grant_role(s, world.observer, "trust_admin")
    senders = [server.enrol(world.lead), server.enrol(world.observer)]
    answers: list[list[dict[str, Any]]] = []
    barrier = threading.Barrier(len(senders))

    def send(device: Device) -> None:
        batch = [op(category(world.school_a, device.person_id)) for _ in range(5)]
        barrier.wait()
        answers.append(results(device, *batch))

    threads = [threading.Thread(target=send, args=(d,)) for d in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    seqs = sorted(a["server_seq"] for batch in answers for a in batch)
    assert seqs == list(range(1, 11))
    page = pull(senders[0], world.school_a).json()
    assert [c["server_seq"] for c in page["changes"]] == list(range(1, 11))


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda o: o | {"is_admin": True}, "is_admin"),
        (lambda o: o | {"category": o["category"] | {"colour": "red"}}, "colour"),
        (lambda o: o | {"device_seq": "first"}, "device_seq"),
        (lambda o: o | {"category": o["category"] | {"agreed_on": 20260304}}, "agreed_on"),
        (lambda o: o | {"category": o["category"] | {"based_on": "all of them"}}, "based_on"),
        (lambda o: o | {"category": o["category"] | {"level_key": 3}}, "level_key"),
        (
            lambda o: (
                o | {"category": o["category"] | {"rationale": "x" * (MAX_CATEGORY_TEXT + 1)}}
            ),
            "rationale",
        ),
        (lambda o: o | {"category": o["category"] | {"rationale": "   "}}, "rationale"),
        (lambda o: o | {"category": o["category"] | {"suggestion": "nul\x00byte"}}, "suggestion"),
        (lambda o: o | {"category": o["category"] | {"school_id": "../../etc"}}, "school_id"),
        (lambda o: o | {"op_id": "not-a-uuid"}, "op_id"),
        (
            lambda o: o | {"category": o["category"] | {"based_on": [{"outcome": {}}]}},
            "criterion_id",
        ),
    ],
    ids=[
        "unknown-field",
        "unknown-category-field",
        "wrong-type-seq",
        "wrong-type-date",
        "wrong-type-list",
        "wrong-type-key",
        "oversized-rationale",
        "blank-rationale",
        "nul",
        "bad-id",
        "bad-uuid",
        "empty-outcome",
    ],
)
def test_hostile_payloads_are_refused_with_a_reason(
    server: Harness, world: World, mutate: Any, where: str
) -> None:
    lead = server.enrol(world.lead)
    before = _counts(server)
    response = push(lead, mutate(op(category(world.school_a, world.lead))))
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "invalid_request"
    assert where in body["message"]
    assert body["message"].endswith(".")
    assert "nul\x00byte" not in response.text
    assert _counts(server) == before


def test_batches_are_bounded_and_ordered(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    too_many = [op(category(world.school_a, world.lead)) for _ in range(MAX_BATCH + 1)]
    assert push(lead).status_code == 422
    assert push(lead, *too_many).status_code == 422
    one = op(category(world.school_a, world.lead))
    assert push(lead, one, one | {"device_seq": one["device_seq"] + 1}).status_code == 422
    later, earlier = (
        op(category(world.school_a, world.lead)),
        op(category(world.school_a, world.lead)),
    )
    assert push(lead, earlier, later).status_code == 422  # out of device order
    assert pull(lead, world.school_a, limit=0).status_code == 422
    assert server.count("school_category") == 0
    unauthenticated = server.client().post(
        "/school-categories/push",
        json={"protocol_version": PROTOCOL_VERSION, "operations": [one]},
    )
    assert unauthenticated.status_code == 401


def test_an_inactive_person_may_neither_send_nor_read(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    results(lead, op(category(world.school_a, world.lead)))
    with server.admin() as s:
        adm.deactivate_person(s, world.lead)
    response = push(lead, op(category(world.school_a, world.lead)))
    assert (response.status_code, response.json()["error"]) == (401, "device_revoked")
    assert server.count("school_category") == 1
    assert pull(lead, world.school_a).status_code == 401


def test_category_dates_are_checked_against_the_server_day(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    later = (date.today() + timedelta(days=3)).isoformat()
    answers = results(
        lead,
        op(category(world.school_a, world.lead, agreed_on=tomorrow)),  # a laptop ahead of UTC
        op(category(world.school_a, world.lead, agreed_on=later)),
    )
    assert [a["status"] for a in answers] == ["accepted", "rejected"]
