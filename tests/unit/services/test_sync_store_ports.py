"""The sync engine's store ports: batches read from the outbox, answers stored behind the next
batch, pulled pages applied in order with their notes inserted together."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import select

from reviewer_app.domain.canonical import canonical_json, to_json_value
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.record_kinds import Entity
from reviewer_app.domain.review import EvidenceNote, Review
from reviewer_app.domain.visits import Visit, VisitReviewer
from reviewer_app.services import sync_outbox
from reviewer_app.services.sync_apply import StoreApplier
from reviewer_app.services.sync_outbox import StoreOutbox, to_wire
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage import blobs, outbox
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store, open_store
from reviewer_app.storage.tables import OutboxRow
from reviewer_app.storage.visit_repository import VisitRepository
from reviewer_app.sync import protocol as wire

T0 = datetime(2026, 5, 12, 9, 30, tzinfo=UTC)
PHOTO = b"\x89PNG\r\n\x1a\n" + b"display board " * 100


@pytest.fixture
def store(tmp_path: Path, prompt: Any) -> Iterator[Store]:
    opened = open_store(tmp_path / "reviewer.db", passphrase=prompt)
    with opened.writing() as session:
        org = OrganisationRepository(session)
        org.save_trust(Trust(id="t1", name="Fenwick Trust"))
        org.save_school(
            School(id="s1", trust_id="t1", urn="139876", name="Fenwick Primary",
                   phase=Phase.PRIMARY)
        )  # fmt: skip
        org.save_person(
            Person(id="p1", trust_id="t1", name="Ada Lister", email="ada@fenwick.example",
                   roles=frozenset({Role.LEAD_REVIEWER}))
        )  # fmt: skip
        VisitRepository(session).save_visit(
            Visit(id="v1", school_id="s1", framework_id="learning-walk",
                  planned_start=date(2026, 5, 12), planned_end=date(2026, 5, 12),
                  reviewers=(VisitReviewer("p1", Role.LEAD_REVIEWER),))
        )  # fmt: skip
        ReviewRepository(session, record_ops=False).add_review(
            Review(id="r1", visit_id="v1", framework_id="learning-walk",
                   framework_version="1", framework_hash="ab" * 32, created_at=T0),
            "id: learning-walk\n",
        )  # fmt: skip
    yield opened
    opened.close()


@pytest.fixture
def lane() -> Iterator[WriterLane]:
    writer = WriterLane()
    yield writer
    writer.close()


def _note(note_id: str, **changes: Any) -> EvidenceNote:
    fields: dict[str, Any] = {
        "id": note_id, "review_id": "r1", "author_id": "p1", "text": f"Note {note_id}",
        "captured_at": T0 + timedelta(minutes=len(note_id)),
    }  # fmt: skip
    fields.update(changes)
    return EvidenceNote(**fields)


def _states(store: Store) -> dict[str, str]:
    with store.reading() as session:
        return {r.entity_id: r.state for r in session.exec(select(OutboxRow))}


def test_batches_carry_the_stored_payload_and_answers_are_stored_by_settle(
    store: Store, lane: WriterLane
) -> None:
    with store.writing() as session:
        for index in range(5):
            EvidenceRepository(session).add_note(_note(f"n{index}"))
    port = StoreOutbox(store, lane)
    batch = port.pending_operations("r1", 0, 3)
    assert [op.entity_id for op in batch] == ["n0", "n1", "n2"]
    with store.reading() as session:
        stored = session.get(OutboxRow, str(batch[0].op_id))
        assert stored is not None
        assert canonical_json(batch[0].payload) == stored.payload.encode()
        assert batch[0].digest() == to_wire(stored).digest()
    port.record_results(
        [wire.OpResult(op_id=op.op_id, status=wire.ResultStatus.ACCEPTED, server_seq=i + 1)
         for i, op in enumerate(batch)]
    )  # fmt: skip
    rest = port.pending_operations("r1", batch[-1].device_seq, 3)  # while the answers are stored
    assert [op.entity_id for op in rest] == ["n3", "n4"]
    port.record_results(
        [wire.OpResult(op_id=rest[0].op_id, status=wire.ResultStatus.REJECTED,
                       reason="not_allowed", message="Not yours.")]
    )  # fmt: skip
    port.settle()
    assert _states(store) == {
        "n0": "acked", "n1": "acked", "n2": "acked", "n3": "rejected",
        "n4": "pending",
    }  # fmt: skip
    port.settle()  # nothing outstanding: returns at once


def test_an_answer_that_could_not_be_stored_is_raised_by_settle(
    store: Store, lane: WriterLane, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.writing() as session:
        EvidenceRepository(session).add_note(_note("n0"))
    port = StoreOutbox(store, lane)
    [op] = port.pending_operations("r1", 0, 10)

    def broken(_session: Any, _result: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(sync_outbox, "apply_result", broken)
    port.record_results(
        [wire.OpResult(op_id=op.op_id, status=wire.ResultStatus.CONFLICT, conflict_id="c1")]
    )
    with pytest.raises(OSError, match="disk full"):
        port.settle()
    assert _states(store)["n0"] == "pending"  # rolled back: sent again next time


def test_a_stored_payload_that_is_not_json_is_refused_with_a_reason(store: Store) -> None:
    row = OutboxRow(
        op_id=str(uuid.uuid4()), device_seq=99, review_id="r1", entity="evidence_note",
        entity_id="n9", kind="append", payload='{"score":NaN}', device_time=T0.isoformat(),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="plain JSON"):
        to_wire(row)


def test_a_pulled_page_is_applied_in_order_with_its_cursor(store: Store, lane: WriterLane) -> None:
    with store.writing() as session:
        sha = blobs.put_blob(session, PHOTO)
        EvidenceRepository(session, record_ops=False).add_note(_note("held"))
    attachment = {
        "id": "a1", "review_id": "r1", "sha256": sha, "filename": "board.png",
        "media_type": "image/png", "size": len(PHOTO), "author_id": "p2",
        "added_at": T0.isoformat(),
    }  # fmt: skip

    def change(seq: int, kind: str, entity: str, entity_id: str, payload: Any) -> wire.Change:
        return wire.Change(
            server_seq=seq, kind=wire.ChangeKind(kind), entity=Entity(entity),
            entity_id=entity_id, op_id=uuid.uuid4(), author_id="p2", device_id="d2",
            device_time=T0, payload=payload,
        )  # fmt: skip

    def note_json(note: EvidenceNote) -> Any:
        return to_json_value(note)

    first = _note("n1", author_id="p2", criterion_ids=("maths.reasoning",))
    with_photo = _note("n22", author_id="p2", attachment_ids=("a1",), tags={"year": "5"})
    withdrawal = _note("n333", author_id="p2", supersedes="n1", retracted=True)
    page = wire.ChangesPage(
        review_id="r1",
        changes=[
            change(1, "append", "evidence_note", "n0-old", note_json(_note("n0-old"))),
            change(2, "append", "evidence_note", "n1", note_json(first)),
            change(3, "append", "evidence_note", "held", note_json(_note("held"))),
            change(4, "append", "attachment", "a1", attachment),
            change(5, "append", "evidence_note", "n22", note_json(with_photo)),
            change(6, "retract", "evidence_note", "n333", note_json(withdrawal)),
            change(7, "append", "evidence_note", "n1", note_json(first)),  # delivered twice
            change(8, "append", "evidence_note", "x", {**note_json(_note("x")), "review_id": "r2"}),
        ],
        next_cursor=8,
        has_more=False,
    )
    with store.writing() as session:  # this laptop already applied the log up to 1
        outbox.save_sync_state(session, outbox.SyncState(review_id="r1", pull_cursor=1))
    summary = wire.ReviewSummary(
        review_id="r1", visit_id="v1", school_id="s1", framework_id="learning-walk",
        last_seq=8, may_write=True, is_lead=True, locked=False,
    )  # fmt: skip
    StoreApplier(store, lane).apply_page(summary, page)
    StoreApplier(store, lane).apply_page(summary, page)  # a replayed page changes nothing
    with store.reading() as session:
        notes = {n.id: n for n in EvidenceRepository(session).notes("r1")}
        assert notes == {
            "held": _note("held"), "n1": first, "n22": with_photo, "n333": withdrawal
        }  # fmt: skip
        assert EvidenceRepository(session).get_attachment("a1") is not None
        assert outbox.get_sync_state(session, "r1").pull_cursor == 8
        pending = select(OutboxRow).where(OutboxRow.state == outbox.OpState.PENDING.value)
        assert session.exec(pending).all() == []  # pulled records are never queued


def test_a_batch_stops_before_its_payloads_outgrow_one_request(
    store: Store, lane: WriterLane, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long notes: a batch of all of them would be refused by the server as too large, and
    # sent again at every sync (a blocked queue). They travel in several batches instead.
    with store.writing() as session:
        for index in range(6):
            EvidenceRepository(session).add_note(_note(f"n{index}", text="x" * 4000))
    monkeypatch.setattr(wire, "MAX_BATCH_PAYLOAD_BYTES", 10_000)
    port = StoreOutbox(store, lane)
    first = port.pending_operations("r1", 0, 100)
    assert [op.entity_id for op in first] == ["n0", "n1"]
    second = port.pending_operations("r1", first[-1].device_seq, 100)
    assert [op.entity_id for op in second] == ["n2", "n3"]
    monkeypatch.setattr(wire, "MAX_BATCH_PAYLOAD_BYTES", 100)
    # One operation larger than the budget still travels (alone): the server's own limit
    # for one payload is what refuses it, with a reason, if it must.
    assert [op.entity_id for op in port.pending_operations("r1", 0, 100)] == ["n0"]
