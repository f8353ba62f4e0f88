"""HTTP client of the trust server: typed calls, timeouts, retries only where they are safe.

Retries (tenacity, exponential backoff with jitter) happen only on transport errors, 5xx and
429; every other answer is final. A ``Retry-After`` is honoured: waited out when it is at most
``RetryPolicy.longest_retry_after``, else the call raises :class:`ServerBusyError` so the
laptop says it is waiting rather than hammering. Pushing again is always safe because the
server applies each ``op_id`` once and replays its stored answer. Enrolment is retried only
when the request never reached the server (a refused connection), since a used code cannot be
used twice.

A 401 raises :class:`ReEnrolRequiredError` (the device token is unknown or revoked); a 426
raises :class:`UpgradeRequiredError`; other refusals raise :class:`RequestRefusedError`
carrying the server's code and sentence. httpx and tenacity are imported on first use, not at
start-up.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter

from reviewer_app import __version__
from reviewer_app.domain.errors import ReviewerError
from reviewer_app.sync.library_protocol import FrameworkLibraryPage
from reviewer_app.sync.protocol import (
    ANSWER_EXTRA,
    DEFAULT_PULL_LIMIT,
    MAX_BLOB_CHUNK_BYTES,
    PROTOCOL_VERSION,
    BlobStatus,
    CategoryOperation,
    CategoryPushRequest,
    CategoryPushResponse,
    ChangesPage,
    ConflictRecord,
    CreateReviewRequest,
    EnrolRequest,
    EnrolResponse,
    HandshakeRequest,
    HandshakeResponse,
    Operation,
    PushRequest,
    PushResponse,
    ReviewSummary,
    SchoolCategoryPage,
    SetAsideReport,
    VisitOperation,
    VisitPushRequest,
    VisitPushResponse,
    read_answer,
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
_CONFLICTS = TypeAdapter(list[ConflictRecord])


class SyncClientError(ReviewerError):
    """Base of the errors a sync call raises."""


class ServerUnreachableError(SyncClientError):
    """No answer from the server after the retries (offline, or the server is down)."""


class ReEnrolRequiredError(SyncClientError):
    """The server does not accept this laptop's device token (revoked or unknown).

    ``code`` is the server's reason: ``device_revoked`` when the trust revoked this laptop or
    deactivated its person."""

    def __init__(self, message: str, *, hint: str = "", code: str = "unknown") -> None:
        super().__init__(message, hint=hint)
        self.code = code


class UpgradeRequiredError(SyncClientError):
    """The server speaks a different sync protocol: this app needs updating."""


class ServerBusyError(SyncClientError):
    """The server asked this laptop to wait longer than one sync waits (429 ``Retry-After``)."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, hint="Reviewer syncs again by itself after that.")
        self.retry_after = retry_after


class RequestRefusedError(SyncClientError):
    """The server refused the request for a reason it stated (``status``, ``code``)."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class _RetryableStatusError(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


def retry_after(response: httpx.Response) -> int | None:
    """The seconds a 429 or 503 answer's ``Retry-After`` asks for (``None``: none, or a date)."""
    value = response.headers.get("Retry-After", "").strip()
    return int(value) if value.isdigit() else None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts, backoff bounds (seconds) and an overall deadline."""

    attempts: int = 5
    initial_wait: float = 0.5
    max_wait: float = 10.0
    deadline: float = 120.0
    #: The longest ``Retry-After`` waited out within a sync; a longer one ends the sync with
    #: :class:`ServerBusyError` (the laptop says it is waiting and tries again later).
    longest_retry_after: float = 60.0


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds allowed to connect, and for each read/write of a request."""

    connect: float = 10.0
    read: float = 60.0
    write: float = 60.0
    pool: float = 10.0


@dataclass(frozen=True, slots=True)
class BlobProgress:
    """Where an upload stands (reported after each chunk)."""

    sha256: str
    sent: int
    total: int


#: An upload gives up (for this sync) after the server disagrees this often about its offset.
_MAX_OFFSET_MISMATCHES = 3
#: How often a retry's wait checks whether the sync was cancelled (seconds).
_CANCEL_POLL = 0.05


def _never() -> bool:
    return False


class SyncClient:
    """One server, one device token. Use as a context manager, or call :meth:`close`."""

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        import httpx

        headers = {"User-Agent": f"reviewer-app/{__version__} sync/{PROTOCOL_VERSION}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self.retry = retry
        #: HTTP requests actually sent, retries included (the sync engine counts round trips).
        self.requests_sent = 0
        #: Asked before every retry and during its wait: when it says True the client stops
        #: retrying and the last failure stands (closing the app mid-sync waits for nothing).
        self.cancelled: Callable[[], bool] = _never
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(
                connect=timeouts.connect,
                read=timeouts.read,
                write=timeouts.write,
                pool=timeouts.pool,
            ),
            transport=transport,
        )

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def use_token(self, token: str) -> None:
        """Send ``token`` from now on (the device token rotated and the laptop kept the new)."""
        self._http.headers["Authorization"] = f"Bearer {token}"

    # -- transport --------------------------------------------------------------------------

    def _send(
        self,
        method: str,
        path: str,
        *,
        only_if_unsent: bool = False,
        accept: frozenset[int] = frozenset(),
        **kwargs: Any,
    ) -> httpx.Response:
        """One request with retries; raises the typed errors above for final failures."""
        import httpx
        from tenacity import (
            Retrying,
            retry_if_exception,
            stop_after_attempt,
            stop_after_delay,
            stop_any,
            wait_exponential_jitter,
        )
        from tenacity.wait import wait_base

        retryable: tuple[type[BaseException], ...] = (
            (httpx.ConnectError, httpx.ConnectTimeout)
            if only_if_unsent
            else (httpx.TransportError, _RetryableStatusError)
        )

        longest = self.retry.longest_retry_after

        def attempt() -> httpx.Response:
            self.requests_sent += 1
            response = self._http.request(method, path, **kwargs)
            if response.status_code == 429 and (retry_after(response) or 0) > longest:
                return response  # not waited out here: the laptop says it is waiting
            if response.status_code >= 500 or response.status_code == 429:
                raise _RetryableStatusError(response)
            return response

        backoff = wait_exponential_jitter(
            multiplier=self.retry.initial_wait,
            jitter=self.retry.initial_wait,
            max=self.retry.max_wait,
        )

        class _HonourRetryAfter(wait_base):
            """The server's ``Retry-After`` when it gave one, else exponential backoff."""

            def __call__(self, retry_state: Any) -> float:
                failure = retry_state.outcome.exception()
                if isinstance(failure, _RetryableStatusError):
                    asked = retry_after(failure.response)
                    if asked is not None:
                        return float(asked)
                return float(backoff(retry_state))

        def before_sleep(state: Any) -> None:
            log.info(
                "Sync %s %s failed (%s); retry %d",
                method,
                path.split("?")[0],
                type(state.outcome.exception()).__name__,
                state.attempt_number,
            )

        from tenacity.stop import stop_base

        class _StopWhen(stop_base):
            def __init__(self, check: Callable[[], bool]) -> None:
                self.check = check

            def __call__(self, retry_state: Any) -> bool:
                return self.check()

        cancelled = self.cancelled

        def sleep(seconds: float) -> None:
            deadline = time.monotonic() + seconds
            while not cancelled() and (left := deadline - time.monotonic()) > 0:
                time.sleep(min(left, _CANCEL_POLL))

        retrying = Retrying(
            retry=retry_if_exception(lambda exc: isinstance(exc, retryable)),
            wait=_HonourRetryAfter(),
            stop=stop_any(
                stop_after_attempt(self.retry.attempts),
                stop_after_delay(self.retry.deadline),
                _StopWhen(cancelled),
            ),
            sleep=sleep,
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            response = retrying(attempt)
        except _RetryableStatusError as exc:
            return self._raise_for(exc.response)
        except httpx.TransportError as exc:
            raise ServerUnreachableError(
                f"The trust server at {self.base_url} cannot be reached.",
                hint="Check the connection; your work is kept and will sync later.",
            ) from exc
        if response.status_code >= 400 and response.status_code not in accept:
            return self._raise_for(response)
        return response

    def _raise_for(self, response: httpx.Response) -> httpx.Response:
        try:
            body = response.json()
            code, message = str(body["error"]), str(body["message"])
        except (ValueError, KeyError, TypeError):
            code, message = "unknown", f"The trust server answered HTTP {response.status_code}."
        if response.status_code == 401:
            raise ReEnrolRequiredError(message, hint="Enrol this laptop again.", code=code)
        if response.status_code == 426:
            raise UpgradeRequiredError(message)
        if response.status_code == 429:
            wait = retry_after(response) or 60
            raise ServerBusyError(
                f"The trust server asked this laptop to wait {_duration(wait)} before syncing "
                f"again ({message.rstrip('.')}).",
                retry_after=wait,
            )
        if response.status_code >= 500:
            raise ServerUnreachableError(
                f"The trust server is not able to sync now ({message.rstrip('.')}).",
                hint="Your work is kept and will sync later.",
            )
        raise RequestRefusedError(message, status=response.status_code, code=code)

    def _call(self, model: type[M], method: str, path: str, **kwargs: Any) -> M:
        return read_answer(model, self._send(method, path, **kwargs).content)

    # -- API ------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """The server's liveness answer (no token needed)."""
        body: dict[str, Any] = self._send("GET", "/health").json()
        return body

    def timestamp(self, request_der: bytes) -> bytes:
        """The trust's RFC 3161 answer (DER) to a time-stamp request (DER)."""
        response = self._send(
            "POST",
            "/timestamp",
            content=request_der,
            headers={"Content-Type": "application/timestamp-query"},
            accept=frozenset({400}),
        )
        return response.content

    def enrol(self, request: EnrolRequest) -> EnrolResponse:
        """Exchange a one-time code for a device token (retried only if never delivered)."""
        return self._call(
            EnrolResponse,
            "POST",
            "/enrol",
            content=request.model_dump_json(),
            headers={"Content-Type": "application/json"},
            only_if_unsent=True,
        )

    def handshake(self, client_schema_version: int) -> HandshakeResponse:
        """Versions check and the reviews this device may read with their ``last_seq``."""
        body = HandshakeRequest(
            protocol_version=PROTOCOL_VERSION, client_schema_version=client_schema_version
        )
        return self._call(HandshakeResponse, "POST", "/handshake", **_json(body))

    def create_review(self, review_id: str, request: CreateReviewRequest) -> ReviewSummary:
        """Start a visit's review on the server (idempotent)."""
        return self._call(ReviewSummary, "PUT", f"/reviews/{review_id}", **_json(request))

    def report_set_aside(self, review_id: str, report: SetAsideReport) -> None:
        """Tell the server which of a review's changes this laptop set aside (safe to repeat)."""
        self._send("POST", f"/reviews/{review_id}/set-aside", **_json(report))

    def push(self, review_id: str, operations: Sequence[Operation]) -> PushResponse:
        """Send one batch (at most ``MAX_BATCH``, in device_seq order); safe to repeat."""
        body = PushRequest(protocol_version=PROTOCOL_VERSION, operations=list(operations))
        return self._call(PushResponse, "POST", f"/reviews/{review_id}/push", **_json(body))

    def pull(self, review_id: str, since: int, limit: int = DEFAULT_PULL_LIMIT) -> ChangesPage:
        """Changes after cursor ``since``."""
        return self._call(
            ChangesPage,
            "GET",
            f"/reviews/{review_id}/changes",
            params={"since": since, "limit": limit},
        )

    def push_categories(self, operations: Sequence[CategoryOperation]) -> CategoryPushResponse:
        """Send agreed school categories (at most ``MAX_BATCH``, in device_seq order); safe to
        repeat."""
        body = CategoryPushRequest(protocol_version=PROTOCOL_VERSION, operations=list(operations))
        return self._call(CategoryPushResponse, "POST", "/school-categories/push", **_json(body))

    def push_visits(self, operations: Sequence[VisitOperation]) -> VisitPushResponse:
        """Send visits planned or changed on this laptop (at most ``MAX_BATCH``, in device_seq
        order); safe to repeat."""
        body = VisitPushRequest(protocol_version=PROTOCOL_VERSION, operations=list(operations))
        return self._call(VisitPushResponse, "POST", "/visits/push", **_json(body))

    def pull_categories(
        self, school_id: str, since: int, limit: int = DEFAULT_PULL_LIMIT
    ) -> SchoolCategoryPage:
        """A school's agreed categories after cursor ``since``."""
        return self._call(
            SchoolCategoryPage,
            "GET",
            f"/schools/{school_id}/categories",
            params={"since": since, "limit": limit},
        )

    def framework_library(self) -> FrameworkLibraryPage:
        """Every document of the trust's framework library this laptop may use."""
        return self._call(FrameworkLibraryPage, "GET", "/framework-library")

    def conflicts(self, review_id: str, *, only_open: bool = True) -> list[ConflictRecord]:
        """The review's conflict records."""
        response = self._send(
            "GET",
            f"/reviews/{review_id}/conflicts",
            params={"state": "open" if only_open else "all"},
        )
        return _CONFLICTS.validate_json(response.content, extra=ANSWER_EXTRA)

    def blob_offset(self, sha256: str) -> tuple[bool, int]:
        """(complete, bytes held) for a blob: skip it when complete, resume from the offset."""
        response = self._send("HEAD", f"/blobs/{sha256}", accept=frozenset({404}))
        return response.status_code == 200, int(response.headers.get("Upload-Offset", "0"))

    def upload_blob(
        self,
        sha256: str,
        data: bytes,
        *,
        chunk_size: int = 4 * 1024 * 1024,
        progress: Callable[[BlobProgress], None] | None = None,
    ) -> BlobStatus:
        """Upload ``data`` under its SHA-256, skipping what the server already holds.

        Asks the server how much it has (so an interrupted upload resumes where it stopped),
        then sends ``Content-Range`` chunks; a chunk that fails in transit is sent again.
        """
        if hashlib.sha256(data).hexdigest() != sha256:
            raise ValueError("data does not match sha256")
        chunk_size = max(1, min(chunk_size, MAX_BLOB_CHUNK_BYTES))
        total = len(data)
        complete, offset = self.blob_offset(sha256)
        if complete:
            return BlobStatus(sha256=sha256, size=total, received=total, complete=True)
        if total == 0:
            response = self._send("PUT", f"/blobs/{sha256}", content=b"")
            return read_answer(BlobStatus, response.content)
        status: BlobStatus | None = None
        mismatches = 0
        while offset < total:
            end = min(offset + chunk_size, total) - 1
            try:
                response = self._send(
                    "PUT",
                    f"/blobs/{sha256}",
                    content=data[offset : end + 1],
                    headers={"Content-Range": f"bytes {offset}-{end}/{total}"},
                )
            except RequestRefusedError as exc:
                mismatches += 1
                if exc.code != "offset_mismatch" or mismatches > _MAX_OFFSET_MISMATCHES:
                    raise
                # Another attempt of ours landed after all: carry on from what the server has.
                complete, offset = self.blob_offset(sha256)
                if complete:
                    break
                continue
            status = read_answer(BlobStatus, response.content)
            offset = status.received
            if progress is not None:
                progress(BlobProgress(sha256=sha256, sent=offset, total=total))
        return status or BlobStatus(sha256=sha256, size=total, received=total, complete=True)

    def download_blob(self, sha256: str) -> bytes:
        """A blob's bytes, checked against its hash."""
        content = self._send("GET", f"/blobs/{sha256}").content
        if hashlib.sha256(content).hexdigest() != sha256:
            raise ServerUnreachableError(
                f"The file {sha256[:12]}… arrived damaged.", hint="Sync again to fetch it anew."
            )
        return content


def _duration(seconds: int) -> str:
    """``45 seconds``, ``3 minutes``: a wait as people say it."""
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} minutes"


def _json(model: BaseModel) -> dict[str, Any]:
    return {"content": model.model_dump_json(), "headers": {"Content-Type": "application/json"}}
