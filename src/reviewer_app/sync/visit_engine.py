"""The visit stage of a sync session (after the handshake, before the reviews' push).

Visits planned or changed on this laptop travel by their own endpoint
(:mod:`reviewer_app.sync.protocol`, "visits"), before any review, so that a review started on a
visit planned here finds its visit on the server. Pending visits are pushed in batches, each
answer recorded at once; a refused one moves to needs-attention and never blocks the rest. The
reviews of a visit the server refused and does not hold are left out of the push that follows
(their changes stay queued on this laptop), so a refusal is said once and never becomes a sync
error that repeats. With nothing pending the stage sends no request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from reviewer_app.sync.batch_push import push_in_batches
from reviewer_app.sync.protocol import HandshakeResponse, OpResult, VisitOperation
from reviewer_app.sync.session_types import ProgressCallback, SyncResult

if TYPE_CHECKING:
    from reviewer_app.sync.client import SyncClient


class VisitPort(Protocol):
    """What the stage needs of the local store."""

    def queue_unsynced(self, server_visit_ids: set[str]) -> int:
        """Queue local visits the server does not list and that were never queued (once)."""
        ...

    def pending_visits(self, after_device_seq: int, limit: int) -> list[VisitOperation]:
        """Up to ``limit`` visits waiting to be pushed after ``after_device_seq``."""
        ...

    def record_visit_results(self, results: Sequence[OpResult]) -> None:
        """Store the server's answers to one batch (in one local transaction)."""
        ...

    def held_back(self, server_visit_ids: set[str]) -> frozenset[str]:
        """Visits the server refused and does not hold."""
        ...


def sync_visits(
    port: VisitPort,
    client: SyncClient,
    handshake: HandshakeResponse,
    result: SyncResult,
    check_cancel: Callable[[], None],
    progress: ProgressCallback,
) -> frozenset[str]:
    """Push this laptop's pending visits; returns the visits whose reviews must wait."""
    on_server = {v.visit_id for v in handshake.visits}
    port.queue_unsynced(on_server)
    refused = push_in_batches(
        port.pending_visits,
        lambda batch: client.push_visits(batch).results,
        port.record_visit_results,
        "visits",
        result,
        check_cancel,
        progress,
    )
    result.refused_visits.extend((op.visit.id, answer.message) for op, answer in refused)
    return port.held_back(on_server)
