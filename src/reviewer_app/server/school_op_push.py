"""One push of operations that belong to schools (visits planned on laptops, schools' agreed
categories), answered exactly once, inside the caller's write transaction.

The batch's schools are locked in id order (so two pushes never deadlock, and a pull cursor
never skips a row). Every answer except a replay is stored (``applied_visit_op``,
``applied_category_op``): sending an ``op_id`` again returns the stored answer and changes
nothing; the same ``op_id`` from another person's laptop, or with other content, is refused.
"""

from __future__ import annotations

import logging
import uuid
from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlmodel import Session, col, select

from reviewer_app.server import models
from reviewer_app.server.database import is_postgresql
from reviewer_app.server.enrolment import Caller, utc_now
from reviewer_app.sync.protocol import OpResult, RejectReason, ResultStatus

log = logging.getLogger(__name__)


class _SchoolOp(Protocol):
    @property
    def op_id(self) -> uuid.UUID: ...

    def digest(self) -> str: ...


class _AppliedOp(Protocol):
    op_id: str
    device_id: str
    op_sha256: str
    result: dict[str, Any]


Op = TypeVar("Op", bound=_SchoolOp)
Applied = TypeVar("Applied", bound=_AppliedOp)


def rejected(op: _SchoolOp, reason: RejectReason, message: str) -> OpResult:
    """The answer refusing ``op``, with the reason and what to do."""
    return OpResult(
        op_id=op.op_id, status=ResultStatus.REJECTED, reason=reason.value, message=message
    )


class SchoolOpPush(ABC, Generic[Op, Applied]):
    """One push of one kind of school operation by one caller (a subclass per kind)."""

    #: The table of earlier answers, and the record's name in refusals ("visit", "category").
    applied_model: ClassVar[type[Any]]
    noun: ClassVar[str]

    def __init__(self, session: Session, caller: Caller) -> None:
        self.session = session
        self.caller = caller
        self.prior: dict[str, Applied] = {}
        self.person_of_device: dict[str, str | None] = {caller.device.id: caller.person.id}

    @abstractmethod
    def school_of(self, op: Op) -> str:
        """The school the operation belongs to (its row is locked while the batch applies)."""

    @abstractmethod
    def answer(self, op: Op) -> OpResult:
        """Apply an operation seen for the first time; its answer."""

    @abstractmethod
    def applied_row(self, op: Op, **answered: Any) -> Applied:
        """The stored answer (``answered`` holds the columns every kind shares)."""

    def lock(self, operations: Sequence[Op]) -> list[str]:
        """Lock the batch's schools (in id order) and read the earlier answers to its op ids;
        returns the school ids."""
        school_ids = sorted({self.school_of(op) for op in operations})
        statement = (
            select(models.School.id)
            .where(col(models.School.id).in_(school_ids))
            .order_by(col(models.School.id))
        )
        if is_postgresql(self.session.get_bind()):  # type: ignore[arg-type]
            statement = statement.with_for_update()
        self.session.exec(statement).all()
        op_ids = [str(op.op_id) for op in operations]
        model = self.applied_model
        for prior in self.session.exec(select(model).where(col(model.op_id).in_(op_ids))):
            self.prior[prior.op_id] = prior
        return school_ids

    def apply(self, op: Op) -> OpResult:
        """The answer to one operation: the stored one for a replay, else a new one, stored."""
        prior = self.prior.get(str(op.op_id))
        if prior is not None:
            return self._replay(op, prior)
        result = self.answer(op)
        applied = self.applied_row(
            op,
            op_id=str(op.op_id),
            device_id=self.caller.device.id,
            op_sha256=op.digest(),
            result=result.model_dump(mode="json"),
            applied_at=utc_now(),
        )
        self.session.add(applied)
        self.prior[applied.op_id] = applied
        return result

    def _replay(self, op: Op, prior: Applied) -> OpResult:
        if prior.device_id not in self.person_of_device:
            device = self.session.get(models.Device, prior.device_id)
            self.person_of_device[prior.device_id] = device.person_id if device else None
        if self.person_of_device[prior.device_id] != self.caller.person.id:
            return rejected(
                op,
                RejectReason.OP_ID_REUSED,
                f"Operation {op.op_id} was already sent by another person's laptop; "
                f"this {self.noun} was not applied.",
            )
        if prior.op_sha256 != op.digest():
            return rejected(
                op,
                RejectReason.OP_ID_REUSED,
                f"Operation {op.op_id} was already applied with different content; "
                "the new content was not applied.",
            )
        return OpResult.model_validate(prior.result)

    def push(self, operations: Sequence[Op]) -> list[OpResult]:
        """Apply a batch; one result each, in order. The caller's device is seen now."""
        self.lock(operations)
        results = [self.apply(op) for op in operations]
        self.session.flush()
        device = self.caller.device
        device.last_seen_at = utc_now()
        self.session.add(device)
        log.info(
            "%s push from device %s: %d operations, %d accepted",
            self.noun.capitalize(),
            device.id,
            len(results),
            sum(r.status is ResultStatus.ACCEPTED for r in results),
        )
        return results
