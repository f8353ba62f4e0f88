"""The sync outbox: one row per local change to review records, written in the same transaction.

Design (shared/reference/sync-and-signing.md, A8): ``op_id`` is a UUIDv7 and the idempotency key;
``device_seq`` is this store's own monotonic order; ``payload`` is canonical JSON;
``base_version`` is the server version a ``set`` was based on and ``parent_op_id`` chains a
second offline edit of the same field to the first. A row only leaves ``pending`` when the
server answers: ``acked``, ``rejected`` (moved aside for a person to look at, never blocking the
queue) or ``conflict``.

Functions here take the caller's session, so the outbox row commits or rolls back with the change
it describes. The sync engine builds on :func:`pending_ops` and the ``mark_*`` functions.

What the repositories queue (the sync engine translates rows to wire operations in one place,
``reviewer_app.services.sync_outbox``):

================  =========================  ==============  =================================
entity            kind                       entity_id       payload / field
================  =========================  ==============  =================================
review            append                     review id       ``{"review": {...},
                                                             "framework_snapshot": ...}``
                                                             (creates the review on the server)
review            submit (ready, signed)     review id       ``{"state": ...}``, field
                  or set (other states)                      ``state``
evidence_note     append                     note id         the note (a correction names the
                                                             note it ``supersedes``)
evidence_note     retract                    tombstone id    the tombstone note
                                                             (``retracted=true``, ``supersedes``
                                                             the withdrawn note)
attachment,       append / retract           record id       the record / ``{"id": ...}``
action
judgement,        append                     record id       the record
action_follow_up
field_value       set                        review id       ``{"value", "version",
                                                             "author_id", "updated_at"}``, field
                                                             = framework field id,
                                                             ``base_version`` = the field's last
                                                             server version
school_category   append                     record id       the agreed category with the
                                                             outcomes its suggestion rested
                                                             on; ``review_id`` holds the
                                                             *school* id (a category belongs
                                                             to a school, not a review); it
                                                             travels by its own endpoints
                                                             (``services.category_sync``).
================  =========================  ==============  =================================

The vocabulary (:class:`~reviewer_app.domain.record_kinds.Entity`, :class:`OpKind`) is the one
the wire and the server use. Payloads are the domain dataclasses as canonical JSON
(:mod:`reviewer_app.domain.canonical`): enums by value, dates and datetimes in ISO 8601 with
their offset, tuples as lists, mappings as objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func
from sqlmodel import Session, col, select

from reviewer_app.domain.canonical import canonical_text, to_json_value
from reviewer_app.domain.ids import new_id
from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.storage.tables import FieldValueRow, OutboxRow, SyncStateRow


class OpState(StrEnum):
    PENDING = "pending"
    ACKED = "acked"
    REJECTED = "rejected"
    CONFLICT = "conflict"


@dataclass(frozen=True, slots=True)
class OutboxOp:
    """One queued operation, as the sync engine sees it."""

    op_id: str
    device_seq: int
    review_id: str
    entity: Entity
    entity_id: str
    field: str | None
    kind: OpKind
    payload: str
    base_version: int | None
    parent_op_id: str | None
    device_time: datetime
    state: OpState
    attempts: int
    last_error: str | None


@dataclass(frozen=True, slots=True)
class SyncState:
    """Per-review pull cursor and the times of the last push and pull."""

    review_id: str
    pull_cursor: int = 0
    last_push_at: datetime | None = None
    last_pull_at: datetime | None = None


def _op(row: OutboxRow) -> OutboxOp:
    return OutboxOp(
        op_id=row.op_id,
        device_seq=row.device_seq,
        review_id=row.review_id,
        entity=Entity(row.entity),
        entity_id=row.entity_id,
        field=row.field,
        kind=OpKind(row.kind),
        payload=row.payload,
        base_version=row.base_version,
        parent_op_id=row.parent_op_id,
        device_time=datetime.fromisoformat(row.device_time),
        state=OpState(row.state),
        attempts=row.attempts,
        last_error=row.last_error,
    )


def record_op(
    session: Session,
    *,
    review_id: str,
    entity: Entity,
    entity_id: str,
    kind: OpKind,
    payload: object,
    device_time: datetime,
    field: str | None = None,
    base_version: int | None = None,
) -> OutboxOp:
    """Queue one operation in the caller's transaction (which must be a write transaction).

    ``device_seq`` is the next number after the highest so far: safe because writes hold the
    store's write lock from ``BEGIN IMMEDIATE``. A ``set`` chains to the newest un-acked ``set``
    of the same field from this device through ``parent_op_id``.
    """
    highest = session.exec(select(func.max(OutboxRow.device_seq))).one()
    parent: str | None = None
    if kind in (OpKind.SET, OpKind.RESOLVE):
        parent = session.exec(
            select(OutboxRow.op_id)
            .where(
                OutboxRow.review_id == review_id,
                OutboxRow.entity == entity.value,
                OutboxRow.entity_id == entity_id,
                OutboxRow.field == field,
                OutboxRow.state == OpState.PENDING.value,
            )
            .order_by(col(OutboxRow.device_seq).desc())
            .limit(1)
        ).first()
    row = OutboxRow(
        op_id=new_id(),
        device_seq=(highest or 0) + 1,
        review_id=review_id,
        entity=entity.value,
        entity_id=entity_id,
        field=field,
        kind=kind.value,
        payload=canonical_text(to_json_value(payload)),
        base_version=base_version,
        parent_op_id=parent,
        device_time=device_time.isoformat(),
        state=OpState.PENDING.value,
        attempts=0,
        last_error=None,
    )
    session.add(row)
    session.flush()
    return _op(row)


def pending_ops(
    session: Session, *, review_id: str | None = None, limit: int | None = None
) -> list[OutboxOp]:
    """Operations still to push, in ``device_seq`` order."""
    statement = select(OutboxRow).where(OutboxRow.state == OpState.PENDING.value)
    if review_id is not None:
        statement = statement.where(OutboxRow.review_id == review_id)
    statement = statement.order_by(col(OutboxRow.device_seq))
    if limit is not None:
        statement = statement.limit(limit)
    return [_op(r) for r in session.exec(statement)]


def ops_needing_attention(session: Session) -> list[OutboxOp]:
    """Rejected and conflicting operations, oldest first, for a person to look at."""
    statement = (
        select(OutboxRow)
        .where(col(OutboxRow.state).in_([OpState.REJECTED.value, OpState.CONFLICT.value]))
        .order_by(col(OutboxRow.device_seq))
    )
    return [_op(r) for r in session.exec(statement)]


def _row(session: Session, op_id: str) -> OutboxRow:
    row = session.get(OutboxRow, op_id)
    if row is None:
        raise KeyError(op_id)
    return row


def mark_acked(session: Session, op_id: str, *, server_version: int | None = None) -> None:
    """The server accepted the operation. For a field ``set``, ``server_version`` is the version
    the server gave the value; it becomes the field's ``server_version`` (never moving back)."""
    row = _row(session, op_id)
    row.state = OpState.ACKED.value
    row.last_error = None
    session.add(row)
    if server_version is not None and row.entity == Entity.FIELD_VALUE.value and row.field:
        set_field_server_version(session, row.entity_id, row.field, server_version)
    session.flush()


def mark_rejected(session: Session, op_id: str, reason: str) -> None:
    """The server refused the operation for good; it waits for a person, not for a retry."""
    row = _row(session, op_id)
    row.state = OpState.REJECTED.value
    row.last_error = reason
    session.add(row)
    session.flush()


def mark_conflict(session: Session, op_id: str, detail: str) -> None:
    """The server kept both values of a shared field; a person must choose."""
    row = _row(session, op_id)
    row.state = OpState.CONFLICT.value
    row.last_error = detail
    session.add(row)
    session.flush()


def mark_attempt_failed(session: Session, op_ids: list[str], error: str) -> None:
    """A push did not get an answer (network down...): count the attempt, stay pending."""
    for op_id in op_ids:
        row = _row(session, op_id)
        row.attempts += 1
        row.last_error = error
        session.add(row)
    session.flush()


def set_field_server_version(
    session: Session, review_id: str, field_id: str, server_version: int
) -> None:
    """Record the newest server version of a field value (for detecting stale writes later)."""
    row = session.get(FieldValueRow, (review_id, field_id))
    if row is not None and server_version > row.server_version:
        row.server_version = server_version
        session.add(row)
        session.flush()


def get_sync_state(session: Session, review_id: str) -> SyncState:
    """The pull cursor of a review (0 when it was never pulled)."""
    row = session.get(SyncStateRow, review_id)
    if row is None:
        return SyncState(review_id=review_id)
    return SyncState(
        review_id=row.review_id,
        pull_cursor=row.pull_cursor,
        last_push_at=datetime.fromisoformat(row.last_push_at) if row.last_push_at else None,
        last_pull_at=datetime.fromisoformat(row.last_pull_at) if row.last_pull_at else None,
    )


def save_sync_state(session: Session, state: SyncState) -> None:
    """Store a review's cursor; commit it in the transaction that applied the pulled changes."""
    session.merge(
        SyncStateRow(
            review_id=state.review_id,
            pull_cursor=state.pull_cursor,
            last_push_at=state.last_push_at.isoformat() if state.last_push_at else None,
            last_pull_at=state.last_pull_at.isoformat() if state.last_pull_at else None,
        )
    )
    session.flush()


class OutboxRecorder:
    """Base of repositories whose writes are queued for sync in the caller's transaction.

    With ``record_ops=False`` writes are not queued: for changes pulled from the server.
    """

    def __init__(self, session: Session, *, record_ops: bool = True) -> None:
        self._session = session
        self._record_ops = record_ops

    def _queue(
        self,
        review_id: str,
        entity: Entity,
        entity_id: str,
        kind: OpKind,
        payload: object,
        device_time: datetime,
        *,
        field: str | None = None,
        base_version: int | None = None,
    ) -> None:
        if self._record_ops:
            record_op(
                self._session,
                review_id=review_id,
                entity=entity,
                entity_id=entity_id,
                kind=kind,
                payload=payload,
                device_time=device_time,
                field=field,
                base_version=base_version,
            )
