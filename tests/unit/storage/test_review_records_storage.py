"""Review-record repositories: every domain type round-trips; outbox rows commit with the change."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import func, select

from reviewer_app.domain.canonical import canonical_text, sha256_hex, to_json_value
from reviewer_app.domain.organisation import Person, Phase, Role, School, Trust
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.domain.review import (
    Action,
    ActionFollowUp,
    Attachment,
    EvidenceNote,
    FollowUpOutcome,
    Judgement,
    Priority,
    Review,
    ReviewState,
)
from reviewer_app.domain.visits import Visit, VisitReviewer
from reviewer_app.storage import blobs, outbox
from reviewer_app.storage.action_repository import ActionRepository
from reviewer_app.storage.errors import StaleWriteError
from reviewer_app.storage.evidence_repository import EvidenceRepository
from reviewer_app.storage.organisation_repository import OrganisationRepository
from reviewer_app.storage.review_repository import ReviewRepository
from reviewer_app.storage.store import Store, open_store
from reviewer_app.storage.tables import EvidenceNoteRow, OutboxRow
from reviewer_app.storage.visit_repository import VisitRepository
from support.store_inspection import blob_count, unreferenced_blobs

T0 = datetime(2026, 5, 12, 9, 30, tzinfo=timezone(timedelta(hours=1)))
NOTE_TEXT = "Pupils in Year 4 explained their fraction reasoning with confidence"
PHOTO = b"\x89PNG\r\n\x1a\n" + b"pupil work sample " * 200


@pytest.fixture
def store(tmp_path: Path, prompt: Any) -> Iterator[Store]:
    opened = open_store(tmp_path / "reviewer.db", passphrase=prompt)
    with opened.writing() as session:
        org = OrganisationRepository(session)
        org.save_trust(Trust(id="t1", name="Fenwick Trust"))
        org.save_school(
            School(
                id="s1", trust_id="t1", urn="139876", name="Fenwick Primary", phase=Phase.PRIMARY
            )
        )
        org.save_person(
            Person(id="p1", trust_id="t1", name="Ada Lister", email="ada@fenwick.example",
                   roles=frozenset({Role.LEAD_REVIEWER}))
        )  # fmt: skip
        VisitRepository(session).save_visit(
            Visit(id="v1", school_id="s1", framework_id="learning-walk",
                  planned_start=date(2026, 5, 12), planned_end=date(2026, 5, 12),
                  reviewers=(VisitReviewer("p1", Role.LEAD_REVIEWER),))
        )  # fmt: skip
    yield opened
    opened.close()


def _review(review_id: str = "r1") -> Review:
    return Review(
        id=review_id, visit_id="v1", framework_id="learning-walk", framework_version="1.2.0",
        framework_hash="ab" * 32, created_at=T0,
    )  # fmt: skip


def _add_review(store: Store, review_id: str = "r1") -> Review:
    review = _review(review_id)
    with store.writing() as session:
        ReviewRepository(session).add_review(review, "id: learning-walk\ntitle: Learning walk\n")
    return review


def _pending(store: Store) -> list[outbox.OutboxOp]:
    with store.reading() as session:
        return outbox.pending_ops(session)


def test_every_review_record_round_trips(store: Store) -> None:
    review = _add_review(store)
    with store.writing() as session:
        sha = blobs.put_blob(session, PHOTO)
        attachment = Attachment(
            id="a1", review_id="r1", sha256=sha, filename="work.png", media_type="image/png",
            size=len(PHOTO), author_id="p1", added_at=T0,
        )  # fmt: skip
        EvidenceRepository(session).add_attachment(attachment)
        note = EvidenceNote(
            id="n1", review_id="r1", author_id="p1", text=NOTE_TEXT, captured_at=T0,
            criterion_ids=("maths.reasoning", "maths.fluency"),
            tags={"year_group": "Year 4", "subject": "Maths"},
            attachment_ids=("a1",), pupil_refs=("P-0007", "P-0012"),
        )  # fmt: skip
        correction = EvidenceNote(
            id="n2", review_id="r1", author_id="p1", text=NOTE_TEXT + ".",
            captured_at=T0 + timedelta(minutes=1), supersedes="n1",
        )  # fmt: skip
        EvidenceRepository(session).add_note(note)
        EvidenceRepository(session).add_note(correction)
        judgement = Judgement(
            id="j1", review_id="r1", criterion_id="maths.reasoning", author_id="p1",
            level_key="secure", created_at=T0, rationale="Consistent across classes", agreed=True,
        )  # fmt: skip
        ReviewRepository(session).add_judgement(judgement)
        field = ReviewRepository(session).set_field(
            "r1", "strengths", {"text": "Reading", "items": [1, 2.5, None, True]}, "p1", T0
        )
        action = Action(
            id="x1", review_id="r1", school_id="s1", text="Share reasoning prompts",
            owner="Maths lead", due=date(2026, 7, 1), priority=Priority.HIGH,
            created_by="p1", created_at=T0, criterion_id="maths.reasoning",
        )  # fmt: skip
        ActionRepository(session).add_action(action)
        follow_up = ActionFollowUp(
            id="f1", action_id="x1", review_id="r1", outcome=FollowUpOutcome.PARTLY_MET,
            evidence="Prompts seen in two of three classes", author_id="p1", recorded_at=T0,
        )  # fmt: skip
        ActionRepository(session).add_follow_up(follow_up)

    with store.reading() as session:
        reviews = ReviewRepository(session)
        evidence = EvidenceRepository(session)
        actions = ActionRepository(session)
        assert reviews.get_review("r1") == review
        assert reviews.reviews_for_visit("v1") == [review]
        assert reviews.framework_snapshot("r1").startswith("id: learning-walk")
        assert evidence.notes("r1") == [note, correction]
        assert [n for n in evidence.notes("r1") if "maths.fluency" in n.criterion_ids] == [note]
        assert evidence.attachments("r1") == [attachment]
        assert reviews.judgements("r1") == [judgement]
        assert reviews.field_values("r1") == [field]
        assert field.version == 1
        assert field.value == {"text": "Reading", "items": [1, 2.5, None, True]}
        assert actions.actions("r1") == [action]
        assert actions.actions_for_school("s1") == [action]
        assert actions.follow_ups("r1") == [follow_up]
        assert actions.follow_ups_for_actions(["x1"]) == [follow_up]
        assert blobs.get_blob(session, sha) == PHOTO

    ops = _pending(store)
    assert [(op.entity, op.kind) for op in ops] == [
        (Entity.REVIEW, OpKind.APPEND),
        (Entity.ATTACHMENT, OpKind.APPEND),
        (Entity.EVIDENCE_NOTE, OpKind.APPEND),
        (Entity.EVIDENCE_NOTE, OpKind.APPEND),
        (Entity.JUDGEMENT, OpKind.APPEND),
        (Entity.FIELD_VALUE, OpKind.SET),
        (Entity.ACTION, OpKind.APPEND),
        (Entity.ACTION_FOLLOW_UP, OpKind.APPEND),
    ]
    assert [op.device_seq for op in ops] == list(range(1, 9))
    note_op = ops[2]
    assert note_op.entity_id == "n1"
    assert note_op.payload == canonical_text(to_json_value(note))
    payload = json.loads(note_op.payload)
    assert isinstance(payload, dict)
    assert payload["tags"] == {"subject": "Maths", "year_group": "Year 4"}
    assert payload["pupil_refs"] == ["P-0007", "P-0012"]
    assert json.dumps(json.loads(note_op.payload), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False) == note_op.payload  # fmt: skip


def test_blobs_are_stored_once_however_often_referenced(store: Store) -> None:
    _add_review(store)
    with store.writing() as session:
        first = blobs.put_blob(session, PHOTO)
        second = blobs.put_blob(session, PHOTO)
        assert first == second == sha256_hex(PHOTO)
        for index in range(3):
            EvidenceRepository(session).add_attachment(
                Attachment(id=f"a{index}", review_id="r1", sha256=first, filename=f"{index}.png",
                           media_type="image/png", size=len(PHOTO), author_id="p1", added_at=T0)
            )  # fmt: skip
        blobs.put_blob(session, b"orphan")
    with store.reading() as session:
        assert blob_count(session) == 2
        assert unreferenced_blobs(session) == [sha256_hex(b"orphan")]
        assert blobs.has_blob(session, first)


def test_attachment_without_content_is_refused(store: Store) -> None:
    _add_review(store)
    with pytest.raises(Exception, match="missing"), store.writing() as session:
        EvidenceRepository(session).add_attachment(
            Attachment(id="a1", review_id="r1", sha256="00" * 32, filename="gone.png",
                       media_type="image/png", size=1, author_id="p1", added_at=T0)
        )  # fmt: skip


def _counts(store: Store) -> tuple[int, int]:
    with store.reading() as session:
        notes = session.exec(select(func.count()).select_from(EvidenceNoteRow)).one()
        ops = session.exec(select(func.count()).select_from(OutboxRow)).one()
    return notes, ops


def test_outbox_row_and_change_commit_together_or_not_at_all(store: Store) -> None:
    _add_review(store)
    before = _counts(store)
    note = EvidenceNote(id="n1", review_id="r1", author_id="p1", text=NOTE_TEXT, captured_at=T0)

    # The transaction fails after both rows were written: neither survives.
    def fail_after_writing() -> None:
        with store.writing() as session:
            EvidenceRepository(session).add_note(note)
            queued = session.exec(select(func.count()).select_from(OutboxRow)).one()
            assert queued == before[1] + 1
            raise RuntimeError("battery died")

    with pytest.raises(RuntimeError):
        fail_after_writing()
    assert _counts(store) == before

    # A failure half-way through writing the note (a link to an attachment that does not exist
    # breaks a foreign key after the note row itself was flushed) leaves neither.
    broken = EvidenceNote(id="n2", review_id="r1", author_id="p1", text=NOTE_TEXT,
                          captured_at=T0, attachment_ids=("no-such-attachment",))  # fmt: skip
    with pytest.raises(IntegrityError), store.writing() as session:
        EvidenceRepository(session).add_note(broken)
    assert _counts(store) == before

    with store.writing() as session:
        EvidenceRepository(session).add_note(note)
    assert _counts(store) == (before[0] + 1, before[1] + 1)


def test_pulled_records_are_not_queued_and_replays_are_harmless(store: Store) -> None:
    _add_review(store)
    before = _counts(store)
    note = EvidenceNote(id="n9", review_id="r1", author_id="p2", text="From Ben", captured_at=T0)
    for _ in range(2):
        with store.writing() as session:
            EvidenceRepository(session, record_ops=False).add_note(note)
    assert _counts(store) == (before[0] + 1, before[1])


def test_notes_added_together_are_the_notes_added_one_by_one(store: Store) -> None:
    _add_review(store)
    with store.writing() as session:
        sha = blobs.put_blob(session, PHOTO)
        EvidenceRepository(session, record_ops=False).add_attachment(
            Attachment(
                id="a1", review_id="r1", sha256=sha, filename="work.png",
                media_type="image/png", size=len(PHOTO), author_id="p2", added_at=T0,
            )
        )  # fmt: skip

    def note(i: int) -> EvidenceNote:
        return EvidenceNote(
            id=f"n{i}", review_id="r1", author_id="p2", text=f"{NOTE_TEXT} ({i})",
            captured_at=T0 + timedelta(minutes=i), criterion_ids=("maths.reasoning",)[: i % 2],
            tags={"year_group": "Year 4"} if i % 3 == 0 else {},
            attachment_ids=("a1",) if i == 4 else (), pupil_refs=("P-0007",) * (i == 5),
            supersedes="n1" if i == 6 else None, retracted=i == 6,
        )  # fmt: skip

    notes = [note(i) for i in range(1, 8)]
    with store.writing() as session:
        EvidenceRepository(session, record_ops=False).add_note(notes[0])  # already held
    before = _counts(store)
    with store.writing() as session:
        added = EvidenceRepository(session, record_ops=False).add_notes([*notes, notes[2]])
    assert added == len(notes) - 1  # the held one and the repeat are skipped
    assert _counts(store) == (before[0] + len(notes) - 1, before[1])  # nothing queued
    with store.reading() as session:
        stored = EvidenceRepository(session).notes("r1")
        assert stored == notes
        linked = [n.id for n in stored if "maths.reasoning" in n.criterion_ids]
        assert linked == ["n1", "n3", "n5", "n7"]
    with store.writing() as session:
        assert EvidenceRepository(session, record_ops=False).add_notes(notes) == 0


def test_notes_added_together_by_this_laptop_are_queued_in_order(store: Store) -> None:
    _add_review(store)
    notes = [
        EvidenceNote(id=f"q{i}", review_id="r1", author_id="p1", text="x", captured_at=T0)
        for i in range(3)
    ]
    with store.writing() as session:
        EvidenceRepository(session).add_notes(notes)
    assert [op.entity_id for op in _pending(store)][-3:] == ["q0", "q1", "q2"]


def test_field_versions_chain_and_detect_stale_writes(store: Store) -> None:
    _add_review(store)
    with store.writing() as session:
        repo = ReviewRepository(session)
        first = repo.set_field("r1", "summary", "Draft one", "p1", T0)
        second = repo.set_field("r1", "summary", "Draft two", "p1", T0, expected_version=1)
    assert (first.version, second.version) == (1, 2)
    field_ops = [op for op in _pending(store) if op.entity is Entity.FIELD_VALUE]
    assert [(op.entity_id, op.field) for op in field_ops] == [("r1", "summary")] * 2
    assert [json.loads(op.payload)["value"] for op in field_ops] == ["Draft one", "Draft two"]
    assert [op.base_version for op in field_ops] == [0, 0]
    assert field_ops[0].parent_op_id is None
    assert field_ops[1].parent_op_id == field_ops[0].op_id  # second offline edit chains

    with pytest.raises(StaleWriteError), store.writing() as session:
        ReviewRepository(session).set_field("r1", "summary", "Old", "p1", T0, expected_version=1)

    with store.writing() as session:
        outbox.mark_acked(session, field_ops[0].op_id, server_version=4)
        outbox.mark_acked(session, field_ops[1].op_id, server_version=5)
        outbox.mark_acked(session, field_ops[1].op_id, server_version=3)  # never moves back
        assert ReviewRepository(session).field_server_version("r1", "summary") == 5
        third = ReviewRepository(session).set_field("r1", "summary", "Three", "p1", T0)
    assert third.version == 3
    last = _pending(store)[-1]
    assert last.base_version == 5
    assert last.parent_op_id is None  # the earlier edits are acknowledged


def test_outbox_results_and_sync_state(store: Store) -> None:
    _add_review(store)
    with store.writing() as session:
        for i in range(3):
            EvidenceRepository(session).add_note(
                EvidenceNote(id=f"n{i}", review_id="r1", author_id="p1", text=f"note {i}",
                             captured_at=T0 + timedelta(minutes=i))
            )  # fmt: skip
    review_op, *note_ops = _pending(store)
    assert [op.entity_id for op in note_ops] == ["n0", "n1", "n2"]
    with store.writing() as session:
        outbox.mark_attempt_failed(session, [review_op.op_id], "The trust server did not answer.")
        outbox.mark_acked(session, review_op.op_id)
        outbox.mark_rejected(session, note_ops[0].op_id, "not a team member")
        outbox.mark_conflict(session, note_ops[1].op_id, "conflict 42")
    with store.reading() as session:
        assert [op.op_id for op in outbox.pending_ops(session)] == [note_ops[2].op_id]
        assert outbox.pending_ops(session, review_id="other") == []
        attention = outbox.ops_needing_attention(session)
        assert [(op.state, op.last_error) for op in attention] == [
            (outbox.OpState.REJECTED, "not a team member"),
            (outbox.OpState.CONFLICT, "conflict 42"),
        ]
        acked = session.get(OutboxRow, review_op.op_id)
        assert acked is not None
        assert (acked.state, acked.attempts) == (outbox.OpState.ACKED.value, 1)
        assert outbox.get_sync_state(session, "r1") == outbox.SyncState("r1")

    pulled = datetime(2026, 5, 13, 8, 0, tzinfo=UTC)
    with store.writing() as session:
        outbox.save_sync_state(session, outbox.SyncState("r1", pull_cursor=17, last_pull_at=pulled))
    with store.reading() as session:
        assert outbox.get_sync_state(session, "r1") == outbox.SyncState(
            "r1", pull_cursor=17, last_pull_at=pulled
        )


def test_review_state_changes_are_queued(store: Store) -> None:
    _add_review(store)
    with store.writing() as session:
        repo = ReviewRepository(session)
        ready = repo.set_state("r1", ReviewState.READY_FOR_SIGN_OFF, T0)
        repo.set_state("r1", ReviewState.DRAFT, T0)
    assert ready.state is ReviewState.READY_FOR_SIGN_OFF
    ops = [(op.entity_id, op.kind, op.field, op.payload) for op in _pending(store)[1:]]
    assert ops == [
        ("r1", OpKind.SUBMIT, "state", '{"state":"ready_for_sign_off"}'),
        ("r1", OpKind.SET, "state", '{"state":"draft"}'),
    ]


def test_a_withdrawal_is_queued_as_its_own_tombstone_record(store: Store) -> None:
    _add_review(store)
    note = EvidenceNote(id="n1", review_id="r1", author_id="p1", text=NOTE_TEXT, captured_at=T0)
    tombstone = EvidenceNote(id="n2", review_id="r1", author_id="p1", text="", captured_at=T0,
                             supersedes="n1", retracted=True)  # fmt: skip
    with store.writing() as session:
        EvidenceRepository(session).add_note(note)
        EvidenceRepository(session).add_note(tombstone)
    retract = _pending(store)[-1]
    assert (retract.kind, retract.entity_id) == (OpKind.RETRACT, "n2")
    assert retract.payload == canonical_text(to_json_value(tombstone))


def test_review_content_is_encrypted_on_disk(tmp_path: Path, store: Store) -> None:
    _add_review(store)
    with store.writing() as session:
        sha = blobs.put_blob(session, PHOTO)
        EvidenceRepository(session).add_attachment(
            Attachment(id="a1", review_id="r1", sha256=sha, filename="work.png",
                       media_type="image/png", size=len(PHOTO), author_id="p1", added_at=T0)
        )  # fmt: skip
        EvidenceRepository(session).add_note(
            EvidenceNote(id="n1", review_id="r1", author_id="p1", text=NOTE_TEXT, captured_at=T0)
        )
    needles = [NOTE_TEXT.encode(), b"pupil work sample", b"Fenwick Primary", b"maths"]
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert any(p.name.endswith("-wal") for p in files)
    for file in files:
        data = file.read_bytes()
        for needle in needles:
            assert needle not in data, (file.name, needle)


def test_notes_sort_by_time_across_the_clocks_going_back(store: Store) -> None:
    _add_review(store)
    bst, gmt = timezone(timedelta(hours=1)), UTC
    # 01:40 BST is 00:40 UTC; 01:10 GMT (after the change) is later although its text is smaller.
    first = EvidenceNote(id="n-b", review_id="r1", author_id="p1", text="before",
                         captured_at=datetime(2026, 10, 25, 1, 40, tzinfo=bst))  # fmt: skip
    second = EvidenceNote(id="n-a", review_id="r1", author_id="p1", text="after",
                          captured_at=datetime(2026, 10, 25, 1, 10, tzinfo=gmt))  # fmt: skip
    with store.writing() as session:
        EvidenceRepository(session).add_note(second)
        EvidenceRepository(session).add_note(first)
    with store.reading() as session:
        assert [n.text for n in EvidenceRepository(session).notes("r1")] == ["before", "after"]
