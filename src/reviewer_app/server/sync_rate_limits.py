"""Per-device rate limits on the laptops' routes, answered 429 with ``Retry-After``.

A pure ASGI middleware in front of authentication (counting costs no database): pushes, pulls
and file requests are counted per device token (only its holder can spend its allowance, and
a rotated token's allowance is the device's anew, which a thief cannot use), enrolments per
client address (there is no device yet). The numbers are the operator's
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
    if method == "GET" and _PULL.match(path):
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
        self.per_minute = {
            "enrol": limits.enrolments_per_minute,
            "push": limits.pushes_per_minute,
            "pull": limits.pulls_per_minute,
            "files": limits.file_requests_per_minute,
        }

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        bucket = bucket_of(scope["method"], scope["path"]) if scope["type"] == "http" else None
        key = _key(scope, bucket) if bucket else None
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


def _key(scope: Any, bucket: str) -> str | None:
    """The device token's digest (the client address for enrolment); ``None`` without one."""
    if bucket == "enrol":
        client = scope.get("client")
        return f"address:{client[0]}" if client else "address:unknown"
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            return hashlib.sha256(value).hexdigest()
    return None
