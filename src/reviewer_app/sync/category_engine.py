"""The school-category stage of a sync session (after the reviews' push and pull).

Agreed categories belong to schools, not reviews, so they travel by their own endpoints
(:mod:`reviewer_app.sync.protocol`, "school categories"): pending categories are pushed in
batches, each answer recorded at once (a refused one moves to needs-attention and never blocks
the rest); then every school the handshake says this device is behind on is pulled page by page,
each page applied with its cursor in one local transaction. With nothing pending and every
school's cursor current, the stage sends no request at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Protocol

from reviewer_app.sync.batch_push import push_in_batches
from reviewer_app.sync.protocol import (
    MAX_PULL_LIMIT,
    CategoryOperation,
    HandshakeResponse,
    OpResult,
    SchoolCategoryFeed,
    SchoolCategoryPage,
)
from reviewer_app.sync.session_types import ProgressCallback, SyncProgress, SyncResult

if TYPE_CHECKING:
    from reviewer_app.sync.client import SyncClient


class CategoryPort(Protocol):
    """What the stage needs of the local store."""

    def pending_categories(self, after_device_seq: int, limit: int) -> list[CategoryOperation]:
        """Up to ``limit`` agreed categories waiting to be pushed after ``after_device_seq``."""
        ...

    def record_category_results(self, results: Sequence[OpResult]) -> None:
        """Store the server's answers to one batch (in one local transaction)."""
        ...

    def category_cursors(self) -> dict[str, int]:
        """Each school's stored category cursor."""
        ...

    def apply_category_page(self, feed: SchoolCategoryFeed, page: SchoolCategoryPage) -> None:
        """Apply a page of a school's categories and its cursor in one transaction."""
        ...


def sync_categories(
    port: CategoryPort,
    client: SyncClient,
    handshake: HandshakeResponse,
    result: SyncResult,
    check_cancel: Callable[[], None],
    progress: ProgressCallback,
) -> None:
    """Push this laptop's pending categories, then pull the schools it is behind on."""
    push_in_batches(
        port.pending_categories,
        lambda batch: client.push_categories(batch).results,
        port.record_category_results,
        "school categories",
        result,
        check_cancel,
        progress,
    )
    cursors = port.category_cursors()
    behind = [f for f in handshake.school_categories if cursors.get(f.school_id, 0) < f.last_seq]
    for index, feed in enumerate(behind):
        cursor = cursors.get(feed.school_id, 0)
        while True:
            check_cancel()
            progress(SyncProgress("pull", index, len(behind), feed.school_id))
            page = client.pull_categories(feed.school_id, cursor, MAX_PULL_LIMIT)
            port.apply_category_page(feed, page)
            result.pulled += len(page.changes)
            cursor = page.next_cursor
            if not page.has_more:
                break
