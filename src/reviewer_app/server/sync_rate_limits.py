"""Per-device rate limits on the laptops' routes, answered 429 with ``Retry-After``.

A pure ASGI middleware in front of authentication: pushes, pulls (and handshakes) and file
requests are counted per device, found from its token (a token rotates at every sync, so
counting per token would give a fresh allowance at every handshake; the token-to-device lookups
are cached), enrolments per client address (there is no device yet). The numbers are the operator's
(:class:`~.device_limits.DeviceLimits`); the laptop's client waits ``Retry-After`` seconds and
carries on, or says it is waiting when that is longer than it will wait in one sync.
"""

from __future__ import annotations

import hashlib
import logging
import re
from typing import Any

from reviewer_app.server.device_limits import DeviceLimits
from reviewer_app.server.http_errors import error_response
from reviewer_app.server.rate_limit import RateLimit

log = logging.getLogger(__name__)

_PUSH = re.compile(r"^/(reviews/[^/]+/push|school-categories/push|visits/push)$")
_PULL = re.compile(r"^/(reviews/[^/]+/changes|schools/[^/]+/categories)$")
#: Token digests remembered with their device (tokens rotate, so old ones simply age out).
_CACHE_SIZE = 4096
_WORDS = {
    "enrol": "enrolments from this address",
    "push": "sends of changes from this laptop",
    "pull": "requests for changes from this laptop",
    "files": "file requests from this laptop",
}


def bucket_of(method: str, path: str) -> str | None:
    """Which allowance a request spends (``None``: not limited here)."""
    if method == "POST" and path == "/enrol":
        return "enrol"
    if method == "POST" and _PUSH.match(path):
        return "push"
    if (method == "GET" and _PULL.match(path)) or (method == "POST" and path == "/handshake"):
        return "pull"
    if path.startswith("/blobs/"):
        return "files"
    return None


class SyncRateLimits:
    """ASGI middleware: 429 ``rate_limited`` with ``Retry-After`` beyond a device's allowance."""

    def __init__(self, app: Any, limits: DeviceLimits) -> None:
        self.app = app
        self.limits = {
            "enrol": RateLimit("enrol", limits.enrolments_per_minute, 60),
            "push": RateLimit("push", limits.pushes_per_minute, 60),
            "pull": RateLimit("pull", limits.pulls_per_minute, 60),
            "files": RateLimit("files", limits.file_requests_per_minute, 60),
        }
        self._devices: dict[str, str] = {}
        self.per_minute = {
            "enrol": limits.enrolments_per_minute,
            "push": limits.pushes_per_minute,
            "pull": limits.pulls_per_minute,
            "files": limits.file_requests_per_minute,
        }

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        bucket = bucket_of(scope["method"], scope["path"]) if scope["type"] == "http" else None
        key = await self._key(scope, bucket) if bucket else None
        if bucket is None or key is None:
            await self.app(scope, receive, send)
            return
        verdict = self.limits[bucket].hit(key)
        if verdict.allowed:
            await self.app(scope, receive, send)
            return
        log.info("Rate limit: %s refused for %s s (%s)", bucket, verdict.retry_after, key[:12])
        response = error_response(
            429,
            "rate_limited",
            f"The trust server takes at most {self.per_minute[bucket]} {_WORDS[bucket]} a "
            f"minute; wait {verdict.retry_after} seconds (Reviewer carries on by itself).",
            headers={"Retry-After": str(verdict.retry_after)},
        )
        await response(scope, receive, send)

    async def _key(self, scope: Any, bucket: str) -> str | None:
        """The device (the client address for enrolment); ``None`` without a token."""
        if bucket == "enrol":
            client = scope.get("client")
            return f"address:{client[0]}" if client else "address:unknown"
        authorization = next(
            (v for n, v in scope.get("headers") or [] if n == b"authorization"), None
        )
        if authorization is None:
            return None
        digest = hashlib.sha256(
            authorization.decode("latin-1").removeprefix("Bearer ").strip().encode("utf-8")
        ).hexdigest()
        device = self._devices.get(digest)
        if device is None:
            from starlette.concurrency import run_in_threadpool

            device = await run_in_threadpool(_device_of, scope["app"].state.context, digest)
            if len(self._devices) >= _CACHE_SIZE:
                self._devices.clear()
            self._devices[digest] = device
        return device


def _device_of(context: Any, digest: str) -> str:
    """``device:<id>`` of the token's device, else ``token:<digest>`` (refused later anyway)."""
    from sqlalchemy import or_
    from sqlmodel import Session, col, select

    from reviewer_app.server import models

    with Session(context.engine) as session:
        found = session.exec(
            select(models.Device.id).where(
                or_(
                    col(models.Device.token_sha256) == digest,
                    col(models.Device.previous_token_sha256) == digest,
                )
            )
        ).first()
    return f"device:{found}" if found else f"token:{digest}"
