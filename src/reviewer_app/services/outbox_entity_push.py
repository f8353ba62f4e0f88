"""The outbox rows of one kind of record that travels by its own endpoint (visits, schools'
agreed categories): read as wire operations, and the server's answers stored on them.

A row that cannot become a valid operation would be refused by the server too: it is set aside
for a person (needs attention, with where and what is wrong, never the text itself: it may be
review content) and never blocks the queue. Acceptances (nearly every answer) are one UPDATE;
refusals are stored one by one, like any other operation's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from pydantic import ValidationError as WireValidationError
from sqlmodel import col, select, update

from reviewer_app.domain.record_kinds import Entity
from reviewer_app.services.sync_outbox import apply_result
from reviewer_app.services.writer_lane import WriterLane
from reviewer_app.storage import outbox as store_outbox
from reviewer_app.storage.store import Store
from reviewer_app.storage.tables import OutboxRow
from reviewer_app.sync import protocol as wire

log = logging.getLogger(__name__)

_PENDING = store_outbox.OpState.PENDING.value
_ACKED = store_outbox.OpState.ACKED.value

Op = TypeVar("Op")


class OutboxEntityPush(Generic[Op]):
    """Pending operations of ``entity`` out, the server's answers in (writes on the lane).

    ``to_wire`` turns a row into its operation (raising ``ValueError`` or a pydantic error when
    it cannot); ``noun`` names the record in messages; ``remedy`` ends the refusal a person sees.
    """

    def __init__(
        self,
        store: Store,
        lane: WriterLane,
        entity: Entity,
        to_wire: Callable[[OutboxRow], Op],
        noun: str,
        remedy: str = "",
    ) -> None:
        self._store = store
        self._lane = lane
        self._entity = entity.value
        self._to_wire = to_wire
        self._noun = noun
        self._remedy = remedy

    def pending(self, after_device_seq: int, limit: int) -> list[Op]:
        """Up to ``limit`` pending operations after ``after_device_seq``, in device order."""
        with self._store.reading() as session:
            rows = session.exec(
                select(OutboxRow)
                .where(
                    OutboxRow.state == _PENDING,
                    OutboxRow.entity == self._entity,
                    OutboxRow.device_seq > after_device_seq,
                )
                .order_by(col(OutboxRow.device_seq))
                .limit(limit)
            ).all()
        found: list[Op] = []
        unsendable: list[tuple[str, str]] = []
        for row in rows:
            try:
                found.append(self._to_wire(row))
            except (WireValidationError, ValueError) as exc:
                problem = first_problem(exc, f"the {self._noun}")
                log.warning("The %s %s cannot be sent: %s", self._noun, row.entity_id, problem)
                unsendable.append((row.op_id, problem))
        if unsendable:

            def write() -> None:
                with self._store.writing() as session:
                    for op_id, problem in unsendable:
                        store_outbox.mark_rejected(
                            session,
                            op_id,
                            f"{wire.RejectReason.INVALID_PAYLOAD.value}: this {self._noun} cannot "
                            f"be sent to the trust server ({problem}){self._remedy}.",
                        )

            self._lane.call(write)
        return found

    def record_results(self, results: Sequence[wire.OpResult]) -> None:
        """Store the server's answers to one batch in one write transaction."""
        accepted = [str(r.op_id) for r in results if r.status is wire.ResultStatus.ACCEPTED]
        others = [r for r in results if r.status is not wire.ResultStatus.ACCEPTED]

        def write() -> None:
            with self._store.writing() as session:
                if accepted:
                    session.exec(
                        update(OutboxRow)
                        .where(
                            col(OutboxRow.op_id).in_(accepted),
                            col(OutboxRow.entity) == self._entity,
                        )
                        .values(state=_ACKED, last_error=None)
                    )
                for result in others:
                    apply_result(session, result)

        self._lane.call(write)


def first_problem(exc: Exception, what: str) -> str:
    """Where and what is wrong with a record that cannot be sent (never its content)."""
    if isinstance(exc, WireValidationError) and exc.errors():
        error = exc.errors()[0]
        where = ".".join(str(p) for p in error.get("loc", ())) or what
        return f"{where} {str(error.get('msg', 'is not valid')).lower()}"
    return str(exc)
