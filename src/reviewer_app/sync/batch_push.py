"""Pushing one kind of queued operation in batches: the loop the visit and category stages share.

A stage reads up to ``MAX_BATCH`` pending operations after the last one sent, sends them, stores
the server's answers at once (so a refusal moves to needs-attention and never blocks the rest),
counts them in the session's result, and goes on until nothing is pending. With nothing pending
it sends no request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from reviewer_app.sync.protocol import MAX_BATCH, OpResult, ResultStatus
from reviewer_app.sync.session_types import ProgressCallback, SyncProgress, SyncResult


class _Queued(Protocol):
    @property
    def device_seq(self) -> int: ...


Op = TypeVar("Op", bound=_Queued)


def push_in_batches(
    pending: Callable[[int, int], Sequence[Op]],
    send: Callable[[Sequence[Op]], Sequence[OpResult]],
    record: Callable[[Sequence[OpResult]], None],
    what: str,
    result: SyncResult,
    check_cancel: Callable[[], None],
    progress: ProgressCallback,
) -> list[tuple[Op, OpResult]]:
    """Send every pending operation, batch by batch; returns the refused ones with the answer.

    ``pending(after_device_seq, limit)`` reads a batch, ``send`` pushes it and returns one answer
    each, ``record`` stores the answers; ``what`` names the stage in the progress shown.
    """
    refused: list[tuple[Op, OpResult]] = []
    after = 0
    while True:
        check_cancel()
        batch = pending(after, MAX_BATCH)
        if not batch:
            return refused
        progress(SyncProgress("push", result.pushed, 0, what))
        answers = send(batch)
        record(answers)
        result.count(answers)
        refused.extend(
            (op, answer)
            for op, answer in zip(batch, answers, strict=False)
            if answer.status is ResultStatus.REJECTED
        )
        after = batch[-1].device_seq
