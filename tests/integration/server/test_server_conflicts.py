"""Shared fields: a stale write becomes a conflict keeping both values; the lead resolves it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from conftest import Harness, World


FIELD = "quality_of_education.strengths"  # the field id; the entity is the review


def _set(device, review: str, value: str, **version) -> dict:  # type: ignore[no-untyped-def]
    return device.op(review, "set", "field_value", review, {"value": value}, field=FIELD, **version)


def test_stale_write_opens_a_conflict_and_never_overwrites(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    peer = server.enrol(world.peer)
    review = world.walk_review

    first = lead.push(review, [_set(lead, review, "Phonics is strong", base_version=0)]).json()
    assert first["results"][0] | {"status": "accepted", "version": 1} == first["results"][0]

    # The peer edited offline from version 0 too: both values are kept.
    stale = peer.push(review, [_set(peer, review, "Reading for pleasure", base_version=0)]).json()
    result = stale["results"][0]
    assert result["status"] == "conflict"
    conflict_id = result["conflict_id"]

    (conflict,) = peer.http.get(f"/reviews/{review}/conflicts").json()
    assert conflict["id"] == conflict_id
    assert conflict["status"] == "open"
    assert conflict["base_version"] == 1
    values = [(c["value"], c["author_id"]) for c in conflict["candidates"]]
    assert values == [("Phonics is strong", world.lead), ("Reading for pleasure", world.peer)]
    assert all(c["device_time"] for c in conflict["candidates"])

    changes = peer.pull_all(review)
    assert [c["kind"] for c in changes] == ["set", "conflict"]
    assert changes[1]["payload"]["id"] == conflict_id

    # While the conflict is open every write joins it, even one based on the current version.
    joined = lead.push(review, [_set(lead, review, "Both, really", base_version=1)]).json()
    assert joined["results"][0]["status"] == "conflict"
    assert joined["results"][0]["conflict_id"] == conflict_id
    (conflict,) = lead.http.get(f"/reviews/{review}/conflicts").json()
    assert len(conflict["candidates"]) == 3

    # Only the lead resolves, and only against the current version.
    resolve = {"conflict_id": conflict_id, "value": "Phonics and reading for pleasure"}
    by_peer = peer.op(review, "resolve", "field_value", review, resolve, base_version=1)
    assert peer.push(review, [by_peer]).json()["results"][0]["reason"] == "lead_only"
    stale_resolve = lead.op(review, "resolve", "field_value", review, resolve, base_version=0)
    assert lead.push(review, [stale_resolve]).json()["results"][0]["reason"] == "stale_resolve"
    good = lead.op(review, "resolve", "field_value", review, resolve, base_version=1)
    resolved = lead.push(review, [good]).json()["results"][0]
    assert (resolved["status"], resolved["version"]) == ("accepted", 2)

    assert lead.http.get(f"/reviews/{review}/conflicts").json() == []
    (closed,) = lead.http.get(f"/reviews/{review}/conflicts", params={"state": "all"}).json()
    assert (closed["status"], closed["resolved_by"]) == ("resolved", world.lead)
    last = lead.pull_all(review)[-1]
    assert (last["kind"], last["version"], last["conflict_id"]) == ("resolve", 2, conflict_id)
    assert last["payload"] == resolve

    # Resolving twice is refused; normal edits carry on from the resolved version.
    again = lead.op(review, "resolve", "field_value", review, resolve, base_version=2)
    assert lead.push(review, [again]).json()["results"][0]["reason"] == "stale_resolve"
    after = peer.push(review, [_set(peer, review, "Final wording", base_version=2)]).json()
    assert after["results"][0]["version"] == 3


def test_offline_chain_of_edits_uses_parent_op_id(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    review = world.walk_review
    one = _set(lead, review, "draft one", base_version=0)
    two = _set(lead, review, "draft two", parent_op_id=one["op_id"])
    three = _set(lead, review, "draft three", parent_op_id=two["op_id"])
    results = lead.push(review, [one, two, three]).json()["results"]
    assert [(r["status"], r["version"]) for r in results] == [
        ("accepted", 1),
        ("accepted", 2),
        ("accepted", 3),
    ]


def test_chain_behind_a_conflict_stays_in_the_conflict(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    peer = server.enrol(world.peer)
    review = world.walk_review
    lead.push(review, [_set(lead, review, "lead's text", base_version=0)])
    one = _set(peer, review, "peer draft", base_version=0)
    two = _set(peer, review, "peer final", parent_op_id=one["op_id"])
    results = peer.push(review, [one, two]).json()["results"]
    assert [r["status"] for r in results] == ["conflict", "conflict"]
    (conflict,) = peer.http.get(f"/reviews/{review}/conflicts").json()
    # The peer's later draft replaces their earlier one; the lead's value stays.
    assert [c["value"] for c in conflict["candidates"]] == ["lead's text", "peer final"]


def test_parent_that_never_arrived_is_rejected(server: Harness, world: World) -> None:
    lead = server.enrol(world.lead)
    orphan = _set(lead, world.walk_review, "x", parent_op_id="0b9a7c6e-0000-4000-8000-000000000000")
    result = lead.push(world.walk_review, [orphan]).json()["results"][0]
    assert result["reason"] == "unknown_parent"


def test_two_devices_of_one_lead_conflict_too(server: Harness, world: World) -> None:
    laptop = server.enrol(world.lead, "Laptop")
    tablet = server.enrol(world.lead, "Tablet")
    review = world.walk_review
    laptop.push(review, [_set(laptop, review, "from the laptop", base_version=0)])
    result = tablet.push(review, [_set(tablet, review, "from the tablet", base_version=0)])
    assert result.json()["results"][0]["status"] == "conflict"
    (conflict,) = tablet.http.get(f"/reviews/{review}/conflicts").json()
    assert [c["device_id"] for c in conflict["candidates"]] == [laptop.id, tablet.id]
