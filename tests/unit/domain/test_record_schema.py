"""The shared record schema reads back exactly what a laptop writes, and nothing else."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from reviewer_app.domain.canonical import to_json_value
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.record_schema import (
    ActionFollowUpRecord,
    ActionRecord,
    AttachmentRecord,
    EvidenceNoteRecord,
    JudgementRecord,
    RecordError,
    ReviewRecord,
    check_payload,
)
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FollowUpOutcome,
    Judgement,
    Priority,
    Review,
)

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
RECORDS = [
    (EvidenceNoteRecord, EvidenceNote(
        id="n1", review_id="r1", author_id="p1", text="Calm start", captured_at=AT,
        criterion_ids=("c1", "c2"), tags={"year": "5"}, attachment_ids=("a1",),
        pupil_refs=("P-12",), supersedes="n0",
    )),
    (AttachmentRecord, Attachment(
        id="a1", review_id="r1", sha256="ab" * 32, filename="wall.jpg", media_type="image/jpeg",
        size=1234, author_id="p1", added_at=AT,
    )),
    (JudgementRecord, Judgement(
        id="j1", review_id="r1", criterion_id="c1", author_id="p1", level_key="secure",
        created_at=AT, rationale="Seen in every room", agreed=True,
    )),
    (ActionRecord, Action(
        id="x1", review_id="r1", school_id="s1", text="Share the routine", owner="Head",
        due=date(2026, 4, 1), priority=Priority.HIGH, created_by="p1", created_at=AT,
        criterion_id="c1",
    )),
    (ActionFollowUpRecord, ActionFollowUp(
        id="f1", action_id="x1", review_id="r2", outcome=FollowUpOutcome.PARTLY_MET,
        evidence="Half the rooms", author_id="p1", recorded_at=AT,
    )),
]  # fmt: skip


@pytest.mark.parametrize(("schema", "record"), RECORDS, ids=lambda v: type(v).__name__)
def test_a_laptops_record_reads_back_as_itself(schema: type, record: object) -> None:
    assert schema.model_validate(to_json_value(record)).to_domain() == record


@pytest.mark.parametrize(
    ("schema", "dataclass"),
    [(s, type(r)) for s, r in RECORDS] + [(ReviewRecord, Review)],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_every_field_of_the_domain_record_is_in_its_schema(schema: type, dataclass: type) -> None:
    # A field added to a domain record must be added to its schema too, or the trust server
    # refuses every record of that kind from the laptops that have it.
    assert set(schema.model_fields) == {f.name for f in dataclasses.fields(dataclass)}


@pytest.mark.parametrize(
    ("payload", "named"),
    [
        ({"id": "n1"}, "review_id"),
        ({**to_json_value(RECORDS[0][1]), "captured_at": 1700000000}, "captured_at"),  # type: ignore[dict-item]
        ({**to_json_value(RECORDS[0][1]), "text": "bell\x07"}, "text"),  # type: ignore[dict-item]
        ({**to_json_value(RECORDS[0][1]), "criterion_ids": "c1"}, "criterion_ids"),  # type: ignore[dict-item]
        ({**to_json_value(RECORDS[0][1]), "retracted": "no"}, "retracted"),  # type: ignore[dict-item]
    ],
)
def test_a_bad_record_is_refused_naming_the_field(payload: dict[str, object], named: str) -> None:
    with pytest.raises(RecordError) as refused:
        check_payload(OpKind.APPEND, Entity.EVIDENCE_NOTE, "n1", "r1", payload)
    assert named in refused.value.message
    assert refused.value.message.endswith(".")
