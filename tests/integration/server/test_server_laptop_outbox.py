"""The contract with the laptop: operations taken from the real encrypted store's outbox.

A laptop starts a review offline, writes notes, a shared field, withdraws a note and marks
its part ready; the outbox rows (``reviewer_app.storage.outbox``) go to the server exactly as
stored, and every one is accepted. A second laptop then pulls the review from scratch.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.review import EvidenceNote, Review, ReviewState
from reviewer_app.domain.visits import Visit, VisitReviewer
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.outbox import OutboxOp, pending_ops
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import open_store
from reviewer_app.storage.visit_repository import VisitRepository
from support.laptop_records import framework_snapshot

if TYPE_CHECKING:
    from conftest import Harness, World


def _wire(op: OutboxOp) -> dict[str, Any]:
    """An outbox row as the sync engine sends it."""
    return {
        "op_id": op.op_id,
        "device_seq": op.device_seq,
        "review_id": op.review_id,
        "entity": op.entity.value,
        "entity_id": op.entity_id,
        "field": op.field,
        "kind": op.kind.value,
        "payload": json.loads(op.payload),
        "base_version": op.base_version,
        "parent_op_id": op.parent_op_id,
        "device_time": op.device_time.isoformat(),
    }


def test_a_review_started_offline_syncs_from_the_outbox(
    server: Harness, world: World, tmp_path: Path
) -> None:
    store = open_store(tmp_path / "laptop.db", demo=True)
    review_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    note = EvidenceNote(
        id=str(uuid.uuid4()),
        review_id=review_id,
        author_id=world.lead,
        text="Pupils in Year 5 explained their method",
        captured_at=now,
        criterion_ids=("climate-routines",),
        tags={"year": "5"},
    )
    wrong = EvidenceNote(
        id=str(uuid.uuid4()),
        review_id=review_id,
        author_id=world.lead,
        text="Written in the wrong review",
        captured_at=now,
    )
    withdrawal = EvidenceNote(
        id=str(uuid.uuid4()),
        review_id=review_id,
        author_id=world.lead,
        text="",
        captured_at=now,
        supersedes=wrong.id,
        retracted=True,
    )
    version, content_hash, snapshot = framework_snapshot("learning_walk")
    try:
        with store.writing() as session:
            organisation = OrganisationRepository(session)
            organisation.save_trust(Trust(id=world.trust, name="Oak Learning Trust"))
            organisation.save_school(
                School(
                    id=world.school_a,
                    trust_id=world.trust,
                    urn="100001",
                    name="Ash Primary",
                    phase=Phase.PRIMARY,
                )
            )
            organisation.save_person(
                Person(
                    id=world.lead,
                    trust_id=world.trust,
                    name="Lee Lead",
                    email="lee@oak.example",
                    roles=frozenset({Role.LEAD_REVIEWER}),
                )
            )
            VisitRepository(session).save_visit(
                Visit(
                    id=world.walk_visit,
                    school_id=world.school_a,
                    framework_id="learning_walk",
                    planned_start=date(2026, 3, 2),
                    planned_end=date(2026, 3, 3),
                    reviewers=(VisitReviewer(world.lead, Role.LEAD_REVIEWER),),
                )
            )
            reviews = ReviewRepository(session)
            reviews.add_review(
                Review(
                    id=review_id,
                    visit_id=world.walk_visit,
                    framework_id="learning_walk",
                    framework_version=version,
                    framework_hash=content_hash,
                    created_at=now,
                ),
                framework_snapshot=snapshot,
            )
            evidence = EvidenceRepository(session)
            evidence.add_note(note)
            evidence.add_note(wrong)
            evidence.add_note(withdrawal)
            reviews.set_field(review_id, "strengths-seen", "Phonics is consistent", world.lead, now)
            reviews.set_field(
                review_id, "strengths-seen", "Phonics is consistent and well paced", world.lead, now
            )
            reviews.set_state(review_id, ReviewState.READY_FOR_SIGN_OFF, now)
        with store.reading() as session:
            ops = [_wire(op) for op in pending_ops(session, review_id=review_id)]
    finally:
        store.close()

    kinds = [(op["kind"], op["entity"]) for op in ops]
    assert kinds[0] == ("append", "review")
    assert ("retract", "evidence_note") in kinds
    assert ("submit", "review") in kinds

    lead = server.enrol(world.lead)
    response = lead.push(review_id, ops)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["accepted"] * len(ops), results
    versions = [r["version"] for r, op in zip(results, ops, strict=True) if op["kind"] == "set"]
    assert versions == [1, 2]  # the second edit chained to the first through parent_op_id

    summary = lead.handshake().json()["reviews"]
    assert review_id in {r["review_id"] for r in summary}

    # Another laptop of the team rebuilds the review from the change log alone.
    peer = server.enrol(world.peer)
    changes = peer.pull_all(review_id)
    assert [c["op_id"] for c in changes] == [op["op_id"] for op in ops]
    assert changes[0]["payload"]["framework_snapshot"] == snapshot
    assert changes[-1]["payload"] == {"state": "ready_for_sign_off"}

    # Sending the whole outbox again (a lost answer) changes nothing.
    assert lead.push(review_id, ops).json()["results"] == results
    assert server.count("change_log") == len(ops)


def test_starting_a_review_is_checked_like_any_write(server: Harness, world: World) -> None:
    observer = server.enrol(world.observer)  # assigned to the school, not on the team
    lead = server.enrol(world.lead)
    review_id = str(uuid.uuid4())

    version, content_hash, snapshot = framework_snapshot("learning_walk")

    def start(device: Any, **review: Any) -> Any:
        body = {"id": review_id, "visit_id": world.walk_visit, "framework_id": "learning_walk",
                "framework_version": version, "framework_hash": content_hash, **review}  # fmt: skip
        payload = {"review": body, "framework_snapshot": snapshot}
        op = device.op(review_id, "append", "review", review_id, payload)
        return device.push(review_id, [op])

    assert start(observer).status_code == 403
    assert start(lead, framework_id="safeguarding_audit").status_code == 422
    assert (
        start(lead, visit_id=world.audit_visit, framework_id="safeguarding_audit").status_code
        == 404
    )
    assert server.count("review") == 2  # only the world's two
    assert start(lead).json()["results"][0]["status"] == "accepted"
    assert server.count("review") == 3
