"""The local outbox as the sync engine sees it: queued changes as wire operations.

The wire protocol (``sync.protocol.Operation``) takes the outbox rows' shapes as they are
(see the table in ``storage.outbox``), so translating is copying: the payload is decoded from
its canonical JSON and the times parsed. A review started here travels as its ``append``
operation, which starts the review on the server.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from concurrent.futures import Future
from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlmodel import col, select, update

from reviewer_app.domain.record_kinds import Entity, OpKind
from reviewer_app.services import signed_report_sync, upload_waits
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage import outbox as store_outbox
from reviewer_app.storage.blobs import get_blob
from reviewer_app.storage.local_settings import get_setting
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import OutboxRow, ReviewRow
from reviewer_app.sync import protocol as wire

_APPEND = OpKind.APPEND.value
#: Records whose file travels as a blob before the record itself.
_FILE_ENTITIES = (Entity.ATTACHMENT.value, Entity.SIGNED_REPORT.value)
_PENDING = store_outbox.OpState.PENDING.value
#: The outbox columns an operation is made of.
_WIRE_COLUMNS = (
    "op_id", "device_seq", "review_id", "entity", "entity_id", "field", "kind", "payload",
    "base_version", "parent_op_id", "device_time",
)  # fmt: skip
#: Outbox entities the review push carries. A school's agreed category travels by its own
#: endpoints (``services.category_sync``), so it is left out here.
_WIRE_ENTITIES = tuple(sorted(e.value for e in wire.PUSHED_ENTITIES))


class _NotJsonError(ValueError):
    """A stored payload holds NaN or infinity, which JSON (and the server) does not allow."""


def _refuse_constant(name: str) -> Any:
    raise _NotJsonError(name)


_DECODER = json.JSONDecoder(parse_constant=_refuse_constant)


class _QueuedRow(Protocol):
    """The outbox columns :func:`to_wire` reads (an ``OutboxRow`` or a plain result row)."""

    op_id: str
    device_seq: int
    review_id: str
    entity: str
    entity_id: str
    field: str | None
    kind: str
    payload: str
    base_version: int | None
    parent_op_id: str | None
    device_time: str


def to_wire(row: _QueuedRow) -> wire.Operation:
    """The wire form of one queued local change."""
    try:
        payload: Any = _DECODER.decode(row.payload)
        # The stored payload is already canonical JSON (``domain.canonical``), so
        # the checks need not encode it again.
        context: dict[str, Any] | None = {wire.CANONICAL_PAYLOAD: row.payload.encode("utf-8")}
    except _NotJsonError:
        payload, context = json.loads(row.payload), None  # NaN or infinity: validation refuses
    return wire.Operation.model_validate(
        {
            "op_id": uuid.UUID(row.op_id),
            "device_seq": row.device_seq,
            "review_id": row.review_id,
            "entity": Entity(row.entity),
            "entity_id": row.entity_id,
            "field": row.field,
            "kind": OpKind(row.kind),
            "payload": payload,
            "base_version": row.base_version,
            "parent_op_id": uuid.UUID(row.parent_op_id) if row.parent_op_id else None,
            "device_time": datetime.fromisoformat(row.device_time),
        },
        context=context,
    )


def _within_budget(rows: Sequence[_QueuedRow], budget: int) -> Sequence[_QueuedRow]:
    """The first rows whose payloads fit in ``budget`` bytes (always at least one row)."""
    used = 0
    for index, row in enumerate(rows):
        used += len(row.payload)
        if used > budget and index > 0:
            return rows[:index]
    return rows


class StoreOutbox:
    """:class:`reviewer_app.sync.engine.OutboxPort` over the real store (writes on the lane)."""

    def __init__(self, store: Store, lane: WriterLane) -> None:
        self._store = store
        self._lane = lane
        self._recording: Future[None] | None = None

    def pending_review_ids(self, held_visits: frozenset[str] = frozenset()) -> list[str]:
        with self._store.reading() as session:
            rows = session.exec(
                select(OutboxRow.review_id)
                .where(OutboxRow.state == _PENDING, col(OutboxRow.entity).in_(_WIRE_ENTITIES))
                .group_by(col(OutboxRow.review_id))
                .order_by(col(OutboxRow.review_id))
            ).all()
            if not held_visits or not rows:
                return list(rows)
            waiting = set(
                session.exec(
                    select(ReviewRow.id).where(col(ReviewRow.visit_id).in_(sorted(held_visits)))
                ).all()
            )
        return [review_id for review_id in rows if review_id not in waiting]

    def pending_operations(
        self, review_id: str, after_device_seq: int, limit: int
    ) -> list[wire.Operation]:
        table = OutboxRow.__table__  # type: ignore[attr-defined]
        with self._store.reading() as session:
            # Plain rows, not ORM objects: a batch is read once and never changed here.
            rows = (
                session.connection()
                .execute(
                    sa.select(*(table.c[name] for name in _WIRE_COLUMNS))
                    .where(
                        table.c.state == _PENDING,
                        table.c.review_id == review_id,
                        table.c.device_seq > after_device_seq,
                        table.c.entity.in_(_WIRE_ENTITIES),
                    )
                    .order_by(table.c.device_seq)
                    .limit(limit)
                )
                .all()
            )
        return [to_wire(row) for row in _within_budget(rows, wire.MAX_BATCH_PAYLOAD_BYTES)]

    def blobs_to_upload(self) -> list[tuple[str, int]]:
        """Files pending changes refer to, less those resting after a failure
        (:mod:`.upload_waits`)."""
        with self._store.reading() as session:
            pausing = upload_waits.resting(session)
            payloads = session.exec(
                select(OutboxRow.payload).where(
                    OutboxRow.state == _PENDING,
                    col(OutboxRow.entity).in_(_FILE_ENTITIES),
                    OutboxRow.kind == _APPEND,
                )
            ).all()
        found: dict[str, int] = {}
        for payload in payloads:
            attachment = json.loads(payload)
            found[attachment["sha256"]] = int(attachment["size"])
        return sorted(item for item in found.items() if item[0] not in pausing)

    def file_waiting(self, sha256: str, reason: str, retry_after: int | None = None) -> None:
        def write() -> None:
            with self._store.writing() as session:
                upload_waits.record_failure(session, sha256, reason, retry_after)

        self._lane.call(write)

    def file_sent(self, sha256: str) -> None:
        with self._store.reading() as session:
            if get_setting(session, upload_waits.FILES_WAITING) is None:
                return  # nothing waits (the usual case): no write

        def write() -> None:
            with self._store.writing() as session:
                upload_waits.record_sent(session, sha256)

        self._lane.call(write)

    def read_blob(self, sha256: str) -> bytes:
        with self._store.reading() as session:
            data = get_blob(session, sha256)
        if data is None:
            raise LookupError(f"blob {sha256[:12]} is missing from the store")
        return data

    def record_results(self, results: Sequence[wire.OpResult]) -> None:
        # Plain acknowledgements (most of a push) are one UPDATE; the rest one by one.
        plain = [
            str(r.op_id)
            for r in results
            if r.status is wire.ResultStatus.ACCEPTED and r.version is None
        ]
        others = [
            r for r in results if not (r.status is wire.ResultStatus.ACCEPTED and r.version is None)
        ]

        def write() -> None:
            with self._store.writing() as session:
                if plain:
                    session.exec(
                        update(OutboxRow)
                        .where(col(OutboxRow.op_id).in_(plain))
                        .values(state=store_outbox.OpState.ACKED.value, last_error=None)
                    )
                for result in others:
                    apply_result(session, result)

        # Stored on the lane while the next batch travels: the commit's wait for the disk
        # overlaps the next round trip. One batch at most is outstanding, and settle() waits
        # for it. Were the laptop to stop first, the batch would be sent again and the server
        # would answer it from its stored results.
        self.settle()
        self._recording = self._lane.submit(write)

    def settle(self) -> None:
        """Wait until the answers given to :meth:`record_results` are stored (or raise why not)."""
        recording, self._recording = self._recording, None
        if recording is not None:
            recording.result()


def apply_result(session: Any, result: wire.OpResult) -> None:
    """Store one server answer on its outbox row (in the caller's transaction)."""
    op_id = str(result.op_id)
    if session.get(OutboxRow, op_id) is None:
        return  # an answer about an operation this store never queued (a replayed bundle)
    if result.status is wire.ResultStatus.ACCEPTED:
        store_outbox.mark_acked(session, op_id, server_version=result.version)
    elif result.status is wire.ResultStatus.CONFLICT:
        store_outbox.mark_conflict(session, op_id, result.conflict_id or "")
    elif result.status is wire.ResultStatus.REJECTED:
        store_outbox.mark_rejected(session, op_id, f"{result.reason}: {result.message}")
        row = session.get(OutboxRow, op_id)
        if row is not None and row.entity == Entity.SIGNED_REPORT.value:
            signed_report_sync.withdraw_refused(session, row.entity_id, result.message)
    else:
        store_outbox.mark_attempt_failed(session, [op_id], result.message)
