"""Visits planned on laptops, on the real server (SQLite and PostgreSQL): who may send them, the
reasons for a refusal, exactly-once by op id, changes, and the team's handshake."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from reviewer_app.server import administration as adm
from reviewer_app.sync.protocol import PROTOCOL_VERSION

if TYPE_CHECKING:
    from conftest import Device, Harness, World

_seq = itertools.count(1)


def visit(school_id: str, framework_id: str, *team: tuple[str, str], **changes: Any) -> dict:
    record: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "school_id": school_id,
        "framework_id": framework_id,
        "planned_start": "2026-05-11",
        "planned_end": "2026-05-12",
        "team": [{"person_id": p, "role": r} for p, r in team],
    }
    record.update(changes)
    return record


def op(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "op_id": str(uuid.uuid4()),
        "device_seq": next(_seq),
        "visit": record,
        "device_time": datetime.now(UTC).isoformat(),
    }


def results(device: Device, *operations: dict[str, Any]) -> list[dict[str, Any]]:
    response = device.http.post(
        "/visits/push", json={"protocol_version": PROTOCOL_VERSION, "operations": list(operations)}
    )
    assert response.status_code == 200, response.text
    answers: list[dict[str, Any]] = response.json()["results"]
    return answers


def handshake_visits(device: Device) -> dict[str, dict[str, Any]]:
    response = device.handshake()
    assert response.status_code == 200, response.text
    return {v["visit_id"]: v for v in response.json()["visits"]}


def test_who_may_plan_a_visit_for_a_school(server: Harness, world: World) -> None:
    with server.admin() as s:
        admin = adm.create_person(
            s, world.trust, name="Ada Admin", email="ada@oak.example", roles=["trust_admin"]
        ).id
    lead, peer, partner, outsider, boss = (
        server.enrol(p) for p in (world.lead, world.peer, world.observer, world.outsider, admin)
    )
    team = ((world.lead, "lead_reviewer"), (world.peer, "peer_reviewer"))
    answers = results(
        lead,
        op(visit(world.school_a, "learning_walk", *team)),  # lead reviewer assigned: yes
        op(visit(world.school_b, "learning_walk", *team)),  # not assigned to school B
    )
    assert answers[0]["status"] == "accepted"
    assert answers[1]["status"] == "rejected"
    assert answers[1]["reason"] == "not_allowed"
    assert "no school" in answers[1]["message"]
    assert "assign you" in answers[1]["message"]

    refused = results(peer, op(visit(world.school_a, "learning_walk", *team)))[0]
    assert refused["status"] == "rejected"
    assert "Only a lead reviewer or improvement partner" in refused["message"]

    partner_visit = visit(world.school_a, "learning_walk", (world.observer, "lead_reviewer"))
    assert results(partner, op(partner_visit))[0]["status"] == "accepted"

    # A trust admin plans for any school of the trust, assigning the team as the console does.
    admin_visit = visit(world.school_b, "learning_walk", (world.lead, "lead_reviewer"))
    assert results(boss, op(admin_visit))[0]["status"] == "accepted"
    assert admin_visit["id"] in handshake_visits(lead)

    # Everyone assigned to the school sees the accepted visits; the outsider sees no school A.
    assert partner_visit["id"] in handshake_visits(peer)
    assert partner_visit["id"] not in handshake_visits(outsider)
    assert server.count("applied_visit_op") == 5


def test_refusals_say_what_is_wrong_and_store_nothing(server: Harness, world: World) -> None:
    with server.admin() as s:
        stranger = adm.create_person(
            s, world.trust, name="Una Unassigned", email="una@oak.example", roles=["peer_reviewer"]
        ).id
    lead = server.enrol(world.lead)
    before = server.count("visit")
    cases = [
        (
            visit(
                world.school_a,
                "learning_walk",
                (world.lead, "lead_reviewer"),
                (stranger, "peer_reviewer"),
            ),
            "Una Unassigned is not assigned to Ash Primary",
        ),
        (
            visit(world.school_a, "deep_dive", (world.lead, "lead_reviewer")),
            "framework 'deep_dive'",
        ),
        (visit(world.school_a, "learning_walk", (world.lead, "peer_reviewer")), "no lead reviewer"),
        (
            visit(world.school_a, "safeguarding_audit", (world.lead, "lead_reviewer")),
            "needs a designated safeguarding lead as its lead",
        ),
    ]
    for record, expected in cases:
        answer = results(lead, op(record))[0]
        assert answer["status"] == "rejected", expected
        assert expected in answer["message"]
    # A safeguarding audit led by a safeguarding lead is accepted (planned by a lead reviewer
    # who is not on its team: a safeguarding lead alone does not plan visits).
    audit = visit(
        world.school_a,
        "safeguarding_audit",
        (world.dsl, "lead_reviewer"),
        (world.peer, "peer_reviewer"),
    )
    assert results(lead, op(audit))[0]["status"] == "accepted"
    assert server.count("visit") == before + 1


def test_a_visit_is_taken_exactly_once_and_changes_keep_their_school(
    server: Harness, world: World
) -> None:
    lead = server.enrol(world.lead)
    record = visit(world.school_a, "learning_walk", (world.lead, "lead_reviewer"))
    first = op(record)
    assert results(lead, first)[0]["status"] == "accepted"
    assert results(lead, first) == results(lead, first)  # a replay: the same answer
    assert server.count("applied_visit_op") == 1
    reused = dict(first, visit=dict(record, planned_end="2026-05-13"))
    assert results(lead, reused)[0]["reason"] == "op_id_reused"

    changed = dict(
        record,
        planned_end="2026-05-13",
        team=[*record["team"], {"person_id": world.peer, "role": "peer_reviewer"}],
    )
    assert results(lead, op(changed))[0]["status"] == "accepted"
    shown = handshake_visits(server.enrol(world.peer))[record["id"]]
    assert shown["planned_end"] == "2026-05-13"
    assert {m["person_id"] for m in shown["team"]} == {world.lead, world.peer}

    moved = results(lead, op(dict(changed, school_id=world.school_b)))[0]
    assert moved["status"] == "rejected"
    # A visit planned on the console can be changed from the lead's laptop too, but not once
    # its review has started on another framework.
    console_walk = dict(
        visit(world.school_a, "safeguarding_audit", (world.dsl, "lead_reviewer")),
        id=world.walk_visit,
    )
    answer = results(lead, op(console_walk))[0]
    assert answer["status"] == "rejected"
    assert "its framework cannot change" in answer["message"]
