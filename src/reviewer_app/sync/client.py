"""The laptop's HTTP client for the trust server (httpx, with bounded tenacity retries).

Every call is one request (plus retries): timeouts on connect and read; retries only when it is
safe and useful: a transport error, a 5xx or a 429, with exponential backoff and jitter, bounded
in attempts and in time. Retrying a push is safe because every operation carries its idempotency
key. A 401 becomes :class:`ReEnrolRequiredError`, a 426 :class:`UpgradeRequiredError`; any
other refusal is a :class:`ServerRefusedError` carrying the server's sentence.

``requests_sent`` counts the HTTP requests actually sent (retries included), so tests and the
benchmark can count round trips.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.sync.protocol import (
    DEFAULT_PULL_LIMIT,
    MIN_CLIENT_SCHEMA_VERSION,
    PROTOCOL_VERSION,
    BlobStatus,
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
)

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")

_REENROL_HINT = "Enrol this laptop again with a new code from your trust admin."


class SyncError(ReviewerError):
    """Base of every sync failure shown to a person."""


class ServerUnreachableError(SyncError):
    """No answer from the server (offline, DNS, timeout, dropped connection) after retries."""


class ServerFailedError(SyncError):
    """The server kept answering with an error of its own (5xx) or asked us to slow down."""


class ReEnrolRequiredError(SyncError):
    """The server no longer accepts this laptop's device token (401): enrol again."""


class UpgradeRequiredError(SyncError):
    """The server speaks another protocol version (426): update the app."""


class ServerRefusedError(SyncError):
    """The server refused a request (4xx) with a reason; ``code`` is its machine code."""

    def __init__(self, message: str, *, status: int, code: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code


class _RetryableStatusError(Exception):
    """A 5xx or 429 answer, raised inside the retry loop so tenacity tries again."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"HTTP {response.status_code}")
        self.response = response


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: at most ``attempts`` sends within ``max_seconds``; waits grow
    exponentially from ``initial_wait`` to ``max_wait`` with up to ``jitter`` seconds of jitter."""

    attempts: int = 5
    max_seconds: float = 60.0
    initial_wait: float = 0.25
    max_wait: float = 8.0
    jitter: float = 0.5


@dataclass(frozen=True, slots=True)
class BlobHead:
    """What the server holds of a blob: complete or not, and how many bytes (resume offset)."""

    complete: bool
    offset: int


def _error_message(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body.get("error", "")), body["message"]
    return "", f"The trust server answered HTTP {response.status_code}."


class SyncClient:
    """One device's connection to the trust server. Close it when done (or use ``with``).

    ``transport`` replaces httpx's network transport (tests wrap the real one to inject faults).
    """

    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        retry: RetryPolicy | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        client_schema_version: int = MIN_CLIENT_SCHEMA_VERSION,
    ) -> None:
        import httpx

        self.base_url = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.client_schema_version = client_schema_version
        self.requests_sent = 0
        headers = {"User-Agent": "reviewer-app-sync"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            transport=transport,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SyncClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- sending

    def _send_once(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        self.requests_sent += 1
        response = self._http.request(method, url, **kwargs)
        if response.status_code >= 500 or response.status_code == 429:
            raise _RetryableStatusError(response)
        return response

    def _send(
        self, method: str, url: str, *, accept: tuple[int, ...] = (), **kwargs: Any
    ) -> httpx.Response:
        """Send with bounded retries; map what is left to a typed :class:`SyncError`.

        Statuses in ``accept`` come back as responses instead of errors.
        """
        import httpx
        from tenacity import (
            Retrying,
            retry_if_exception_type,
            stop_after_attempt,
            stop_after_delay,
            wait_exponential_jitter,
        )

        policy = self.retry
        retrying = Retrying(
            retry=retry_if_exception_type((httpx.TransportError, _RetryableStatusError)),
            wait=wait_exponential_jitter(
                multiplier=policy.initial_wait, max=policy.max_wait, jitter=policy.jitter
            ),
            stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.max_seconds),
            reraise=True,
        )
        try:
            response: httpx.Response = retrying(self._send_once, method, url, **kwargs)
        except httpx.TransportError as exc:
            log.info("Trust server unreachable (%s %s): %s", method, url, type(exc).__name__)
            raise ServerUnreachableError(
                f"The trust server at {self.base_url} could not be reached.",
                hint="Check the internet connection; your work is kept and will sync later.",
            ) from exc
        except _RetryableStatusError as exc:
            _code, message = _error_message(exc.response)
            raise ServerFailedError(
                f"The trust server at {self.base_url} is not able to sync now "
                f"(HTTP {exc.response.status_code}): {message}",
                hint="Your work is kept on this laptop; try again later.",
            ) from exc
        if response.status_code < 400 or response.status_code in accept:
            return response
        code, message = _error_message(response)
        if response.status_code == 401:
            raise ReEnrolRequiredError(message, hint="" if "Enrol" in message else _REENROL_HINT)
        if response.status_code == 426:
            raise UpgradeRequiredError(message)
        raise ServerRefusedError(message, status=response.status_code, code=code)

    def _model(self, model: type[M], response: httpx.Response) -> M:
        try:
            return model.model_validate_json(response.content)
        except PydanticValidationError as exc:
            raise ServerFailedError(
                f"The trust server at {self.base_url} sent an answer this app cannot read.",
                hint="Update the app, or tell your trust admin.",
            ) from exc

    def _adapt(self, adapter: TypeAdapter[T], response: httpx.Response) -> T:
        try:
            return adapter.validate_json(response.content)
        except PydanticValidationError as exc:
            raise ServerFailedError(
                f"The trust server at {self.base_url} sent an answer this app cannot read."
            ) from exc

    # ---------------------------------------------------------------- endpoints

    def health(self) -> bool:
        """True when the server answers its health probe (one request, no retries)."""
        import httpx

        try:
            self.requests_sent += 1
            return self._http.get("/health", timeout=5.0).status_code == 200
        except httpx.HTTPError:
            return False

    def enrol(
        self, code: str, device_name: str, signing_public_key_pem: str | None = None
    ) -> EnrolResponse:
        """Exchange a one-time code for a device token (and a certificate, when asked)."""
        body = EnrolRequest(
            code=code,
            device_name=device_name,
            protocol_version=PROTOCOL_VERSION,
            client_schema_version=self.client_schema_version,
            signing_public_key_pem=signing_public_key_pem,
        )
        response = self._send("POST", "/enrol", json=body.model_dump(mode="json"))
        return self._model(EnrolResponse, response)

    def handshake(self) -> HandshakeResponse:
        """Check versions and learn which visits and reviews this device may read."""
        body = HandshakeRequest(
            protocol_version=PROTOCOL_VERSION, client_schema_version=self.client_schema_version
        )
        response = self._send("POST", "/handshake", json=body.model_dump(mode="json"))
        return self._model(HandshakeResponse, response)

    def create_review(self, review_id: str, request: CreateReviewRequest) -> ReviewSummary:
        """Start a review on the server (idempotent)."""
        response = self._send("PUT", f"/reviews/{review_id}", json=request.model_dump(mode="json"))
        return self._model(ReviewSummary, response)

    def push(self, review_id: str, operations: list[Operation]) -> PushResponse:
        """Send one batch of a review's operations; one result per operation."""
        body = PushRequest(protocol_version=PROTOCOL_VERSION, operations=operations)
        response = self._send(
            "POST",
            f"/reviews/{review_id}/push",
            content=body.model_dump_json(),
            headers={"Content-Type": "application/json"},
        )
        return self._model(PushResponse, response)

    def changes(self, review_id: str, since: int, limit: int = DEFAULT_PULL_LIMIT) -> ChangesPage:
        """One page of a review's change log after ``since``."""
        response = self._send(
            "GET", f"/reviews/{review_id}/changes", params={"since": since, "limit": limit}
        )
        return self._model(ChangesPage, response)

    def conflicts(self, review_id: str, *, only_open: bool = True) -> list[ConflictRecord]:
        """The review's conflict records as the server holds them."""
        response = self._send(
            "GET",
            f"/reviews/{review_id}/conflicts",
            params={"state": "open" if only_open else "all"},
        )
        return self._adapt(TypeAdapter(list[ConflictRecord]), response)

    def blob_head(self, sha256: str) -> BlobHead:
        """How much of a blob the server holds."""
        response = self._send("HEAD", f"/blobs/{sha256}", accept=(404,))
        offset = int(response.headers.get("Upload-Offset", "0") or 0)
        return BlobHead(complete=response.status_code == 200, offset=offset)

    def put_blob_chunk(self, sha256: str, data: bytes, start: int, total: int) -> BlobStatus:
        """Upload bytes ``start .. start+len(data)`` of a blob of ``total`` bytes."""
        headers = {"Content-Type": "application/octet-stream"}
        if not (start == 0 and len(data) == total):
            headers["Content-Range"] = f"bytes {start}-{start + len(data) - 1}/{total}"
        response = self._send(
            "PUT", f"/blobs/{sha256}", content=data, headers=headers, accept=(409,)
        )
        if response.status_code == 409:
            # Another attempt got further than we thought (a dropped answer): resume from there.
            held = int(response.headers.get("Upload-Offset", "0") or 0)
            return BlobStatus(sha256=sha256, size=total, received=held, complete=False)
        return self._model(BlobStatus, response)

    def get_blob(self, sha256: str) -> bytes:
        """Download a blob that a readable review refers to."""
        return self._send("GET", f"/blobs/{sha256}").content


#: Builds a client for a server URL and token (the GUI and commands pass the real one).
ClientFactory = Callable[[str, str], SyncClient]
