"""One sync session, as plain synchronous Python (no Qt): blobs, push, pull (design A8).

:func:`run` talks to the local store only through the two small interfaces below, which
``services.sync_service`` implements over the real store:

1. **Handshake**: one request; the server names the reviews this device may read and each one's
   newest ``server_seq``. With an empty outbox and every cursor at ``last_seq`` the session ends
   here, so a sync with nothing to do costs one round trip whatever the store size.
2. **Visits** planned or changed on this laptop (:mod:`.visit_engine`), so a review finds
   its visit on the server; reviews of a visit the server refused wait on the laptop.
3. **Trusted time** for signatures made offline (with a ``stamps`` port): each gets the
   trust's document timestamp before it is pushed (``services.offline_timestamps``).
4. **Blobs**: every file that a pending operation refers to is uploaded by content hash,
   skipped when the server holds it, resumed from the server's offset after a dropped line.
5. **Push** until the outbox is drained, in batches of at most :data:`MAX_BATCH`; each answer is
   recorded at once. Rejected operations move to the needs-attention list and never block the
   rest; ``retry`` answers (a file the server still lacks) stay queued for the next session.
6. **Pull** each review until ``has_more`` is false; each page's changes **and** the cursor are
   stored in one local transaction, so an interrupted sync resumes by syncing again.

Conflicts come back as data (``SyncResult.open_conflicts``), never as exceptions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

from reviewer_app.sync.category_engine import CategoryPort, sync_categories
from reviewer_app.sync.client import (
    RequestRefusedError,
    ServerBusyError,
    ServerUnreachableError,
    SyncClient,
)
from reviewer_app.sync.framework_engine import LibraryPort, sync_framework_library
from reviewer_app.sync.protocol import (
    MAX_BATCH,
    MAX_BLOB_CHUNK_BYTES,
    MAX_PULL_LIMIT,
    MIN_CLIENT_SCHEMA_VERSION,
    ChangesPage,
    HandshakeResponse,
    Operation,
    OpResult,
    ReviewSummary,
)
from reviewer_app.sync.session_types import (
    CancelCheck,
    ProgressCallback,
    SyncCancelledError,
    SyncProgress,
    SyncResult,
)
from reviewer_app.sync.visit_engine import VisitPort, sync_visits

log = logging.getLogger(__name__)

#: Blob upload chunk: small enough that a dropped line loses little, big enough to be quick.
BLOB_CHUNK_BYTES = min(MAX_BLOB_CHUNK_BYTES, 1024 * 1024)


class OutboxPort(Protocol):
    """What the engine needs of the local outbox."""

    def pending_review_ids(self, held_visits: frozenset[str] = frozenset()) -> list[str]:
        """Reviews with operations waiting to be pushed, less the reviews of ``held_visits``
        (visits the server refused: their reviews' changes wait on the laptop)."""
        ...

    def pending_operations(
        self, review_id: str, after_device_seq: int, limit: int
    ) -> list[Operation]:
        """Up to ``limit`` of a review's pending operations after ``after_device_seq``, in order."""
        ...

    def blobs_to_upload(self) -> list[tuple[str, int]]:
        """(SHA-256, size) of every file a pending operation refers to."""
        ...

    def read_blob(self, sha256: str) -> bytes:
        """The local content of a blob."""
        ...

    def file_waiting(self, sha256: str, reason: str, retry_after: int | None = None) -> None:
        """The file could not be uploaded this time (``reason``, a sentence): keep it waiting
        and leave it out of :meth:`blobs_to_upload` for a while (``retry_after`` seconds, when
        the server said; else longer after each failure)."""
        ...

    def file_sent(self, sha256: str) -> None:
        """The server holds the file now: it waits no more."""
        ...

    def record_results(self, results: Sequence[OpResult]) -> None:
        """Store the server's answers to one batch (in one local transaction).

        May return before they are stored; :meth:`settle` waits for them.
        """
        ...

    def settle(self) -> None:
        """Return once every answer given to :meth:`record_results` is stored (or raise)."""
        ...


class LocalApplyPort(Protocol):
    """What the engine needs to apply the server's changes locally."""

    def cursors(self) -> dict[str, int]:
        """The stored pull cursor of every review this laptop has pulled."""
        ...

    def accept_handshake(self, handshake: HandshakeResponse) -> None:
        """Take the visits, people and reviews the server says this device may read."""
        ...

    def missing_blobs(self, page: ChangesPage) -> list[str]:
        """Files the page's records refer to that this laptop does not hold."""
        ...

    def store_blob(self, sha256: str, data: bytes) -> None:
        """Keep a downloaded file (content-addressed; storing twice is harmless)."""
        ...

    def apply_page(self, review: ReviewSummary, page: ChangesPage) -> None:
        """Apply the page's changes and store ``page.next_cursor``, all in one transaction."""
        ...


class TokenPort(Protocol):
    """Where the laptop keeps its device token (which rotates at every handshake)."""

    def keep(self, token: str) -> bool:
        """Keep ``token`` as this laptop's device token; ``False`` when it could not be kept
        (the laptop then goes on with the one it has, which the server still accepts)."""
        ...


class TrustedTimePort(Protocol):
    """Signatures made offline, time-stamped by the trust before they are pushed."""

    def time_stamp_offline_signatures(self, post: Callable[[bytes], bytes]) -> int:
        """Time-stamp each through ``post`` (the server's service); returns how many."""
        ...


def _no_progress(_progress: SyncProgress) -> None:
    return None


def _never() -> bool:
    return False


class _Session:
    def __init__(
        self,
        outbox: OutboxPort,
        local: LocalApplyPort,
        client: SyncClient,
        progress: ProgressCallback,
        cancel: CancelCheck,
    ) -> None:
        self.outbox = outbox
        self.local = local
        self.client = client
        self.progress = progress
        self.cancel = cancel
        self.result = SyncResult()
        #: Each readable review's newest server_seq, kept current from push answers.
        self.reviews: dict[str, ReviewSummary] = {}
        #: Visits the server refused and does not hold: their reviews are not pushed.
        self.held_visits: frozenset[str] = frozenset()

    def check_cancel(self) -> None:
        if self.cancel():
            raise SyncCancelledError

    # ---------------------------------------------------------------- stages

    def upload_blobs(self) -> None:
        """Upload what pending operations refer to. A file the server refuses (a limit, or
        an upload that keeps failing after its bounded retries) waits with the reason and is
        tried again later, never in a loop; the changes referring to it wait too (the server
        answers them ``retry``) and everything else goes on."""
        blobs = self.outbox.blobs_to_upload()
        for index, (sha256, _size) in enumerate(blobs):
            self.check_cancel()
            self.progress(SyncProgress("blobs", index, len(blobs), sha256[:12]))
            try:
                complete, _held = self.client.blob_offset(sha256)
                if complete:
                    self.result.blobs_skipped += 1
                    self.outbox.file_sent(sha256)
                    continue
                # upload_blob resumes from what the server holds and re-sends a dropped chunk.
                data = self.outbox.read_blob(sha256)
                self.client.upload_blob(sha256, data, chunk_size=BLOB_CHUNK_BYTES)
            except ServerBusyError as busy:
                self._waiting(sha256, busy.message, busy.retry_after)
                return  # the server wants a pause from this laptop's uploads: the rest wait
            except RequestRefusedError as refused:
                self._waiting(sha256, refused.message)
                continue
            except ServerUnreachableError as down:
                # Retried with backoff already: the file waits, and the push that follows
                # finds out whether the server is down for everything.
                self._waiting(sha256, down.message)
                return
            self.outbox.file_sent(sha256)
            self.result.blobs_uploaded += 1

    def _waiting(self, sha256: str, reason: str, retry_after: int | None = None) -> None:
        log.info("File %s waits: %s", sha256[:12], reason)
        self.outbox.file_waiting(sha256, reason, retry_after)
        self.result.files_waiting.append((sha256, reason))

    def push(self) -> None:
        try:
            self._push_reviews()
        finally:
            # Answers are stored in the background while the next batch travels; the stage
            # ends when all of them are (an error storing one surfaces here).
            self.outbox.settle()

    def _push_reviews(self) -> None:
        review_ids = self.outbox.pending_review_ids(self.held_visits)
        # The next batch is read (and turned into wire operations) on a helper thread while
        # the current one travels and the server applies it: reading is off the critical path.
        with ThreadPoolExecutor(1, thread_name_prefix="sync-read-ahead") as ahead:
            for review_id in review_ids:
                coming = ahead.submit(self.outbox.pending_operations, review_id, 0, MAX_BATCH)
                while True:
                    self.check_cancel()
                    batch = coming.result()
                    if not batch:
                        break
                    after = batch[-1].device_seq
                    coming = ahead.submit(
                        self.outbox.pending_operations, review_id, after, MAX_BATCH
                    )
                    self.progress(SyncProgress("push", self.result.pushed, 0, review_id))
                    response = self.client.push(review_id, batch)
                    self.outbox.record_results(response.results)
                    self.result.count(response.results)
                    self._note_last_seq(review_id, response.last_seq)

    def _note_last_seq(self, review_id: str, last_seq: int) -> None:
        known = self.reviews.get(review_id)
        if known is None:
            # Started on this laptop: its first push created it on the server.
            self.reviews[review_id] = ReviewSummary(
                review_id=review_id, visit_id="", school_id="", framework_id="",
                last_seq=last_seq, may_write=True, is_lead=False, locked=False,
            )  # fmt: skip
        elif last_seq > known.last_seq:
            self.reviews[review_id] = known.model_copy(update={"last_seq": last_seq})

    def pull(self) -> None:
        cursors = self.local.cursors()
        behind = [r for r in self.reviews.values() if cursors.get(r.review_id, 0) < r.last_seq]
        # Each page is stored (with its cursor) on a helper thread while the next one is
        # fetched; pages are still stored one at a time and in order, and an error storing
        # one surfaces before the page after it is stored.
        with ThreadPoolExecutor(1, thread_name_prefix="sync-apply") as storing:
            stored: Future[None] | None = None
            for index, review in enumerate(behind):
                cursor = cursors.get(review.review_id, 0)
                while True:
                    self.check_cancel()
                    self.progress(SyncProgress("pull", index, len(behind), review.review_id))
                    page = self.client.pull(review.review_id, cursor, MAX_PULL_LIMIT)
                    for sha256 in self.local.missing_blobs(page):
                        try:
                            data = self.client.download_blob(sha256)
                        except RequestRefusedError as exc:
                            if exc.status != 404:
                                raise
                            # The server holds no such file (a record from a faulty laptop):
                            # its record is set aside when applied; the rest goes on.
                            log.info("File %s named by review %s is not on the server",
                                     sha256[:12], review.review_id)  # fmt: skip
                            continue
                        self.local.store_blob(sha256, data)
                        self.result.blobs_downloaded += 1
                    if stored is not None:
                        stored.result()
                    stored = storing.submit(self.local.apply_page, review, page)
                    self._note_pulled(page)
                    cursor = page.next_cursor
                    if not page.has_more:
                        break
            if stored is not None:
                stored.result()

    def _note_pulled(self, page: ChangesPage) -> None:
        self.result.pulled += len(page.changes)
        for change in page.changes:
            if change.conflict_id and change.kind.value == "conflict":
                self.result.open_conflicts.add(change.conflict_id)
            elif change.conflict_id and change.kind.value == "resolve":
                self.result.open_conflicts.discard(change.conflict_id)


def run(
    outbox: OutboxPort,
    local_apply: LocalApplyPort,
    client: SyncClient,
    progress: ProgressCallback | None = None,
    cancel: CancelCheck | None = None,
    categories: CategoryPort | None = None,
    library: LibraryPort | None = None,
    visits: VisitPort | None = None,
    tokens: TokenPort | None = None,
    stamps: TrustedTimePort | None = None,
) -> SyncResult:
    """Run one sync session; see the module docstring for the order of work.

    With ``tokens``, the device token the handshake hands out (tokens rotate at every sync) is
    kept there and used for the rest of the session.

    With ``visits``, visits planned or changed on this laptop are pushed before anything else
    (:mod:`reviewer_app.sync.visit_engine`). With ``categories``, schools' agreed categories
    are pushed and pulled after the reviews (:mod:`reviewer_app.sync.category_engine`); with
    ``library``, the trust's framework library is fetched last when the handshake says it
    changed (:mod:`.framework_engine`).

    Errors from the client (:class:`~reviewer_app.sync.client.SyncClientError`) propagate after the
    work already done is stored; syncing again carries on from there. A cancel request stops
    at the next step boundary and returns the partial result with ``cancelled=True``.
    """
    session = _Session(outbox, local_apply, client, progress or _no_progress, cancel or _never)
    sent_before = client.requests_sent
    try:
        session.progress(SyncProgress("handshake"))
        handshake = client.handshake(MIN_CLIENT_SCHEMA_VERSION)
        if handshake.device_token and tokens is not None and tokens.keep(handshake.device_token):
            client.use_token(handshake.device_token)
        session.result.server_time = handshake.server_time
        session.result.app_release = handshake.app_release
        session.result.laptop_policy = handshake.laptop_policy
        session.result.trust = handshake.trust
        session.result.limits = handshake.limits
        local_apply.accept_handshake(handshake)
        session.reviews = {r.review_id: r for r in handshake.reviews}
        if visits is not None:
            session.held_visits = sync_visits(
                visits, client, handshake, session.result, session.check_cancel, session.progress
            )
        if stamps is not None and handshake.trust is not None:
            session.result.time_stamped = stamps.time_stamp_offline_signatures(client.timestamp)
        session.upload_blobs()
        session.push()
        session.pull()
        if categories is not None:
            sync_categories(
                categories, client, handshake, session.result, session.check_cancel,
                session.progress,
            )  # fmt: skip
        if library is not None:
            sync_framework_library(library, client, handshake, session.result, session.progress)
        session.progress(SyncProgress("done", 1, 1))
    except SyncCancelledError:
        session.result.cancelled = True
    finally:
        session.result.round_trips = client.requests_sent - sent_before
    log.info(
        "Sync finished: %d pushed (%d accepted, %d conflicts, %d rejected), %d pulled, "
        "%d round trips%s",
        session.result.pushed,
        session.result.accepted,
        session.result.conflicts,
        session.result.rejected,
        session.result.pulled,
        session.result.round_trips,
        " (cancelled)" if session.result.cancelled else "",
    )
    return session.result
