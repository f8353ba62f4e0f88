"""Refuse oversized request bodies before anything parses them (413 with a reason).

A pure ASGI middleware: it checks ``Content-Length`` up front and counts the bytes of bodies
sent without one, so a chunked upload cannot slip past the limit either.
"""

from __future__ import annotations

from typing import Any

from reviewer_app.sync.protocol import MAX_BLOB_CHUNK_BYTES, MAX_REQUEST_BYTES

_BLOB_PREFIX = "/blobs/"
_SLACK = 64 * 1024  # multipart/JSON overhead allowance on blob chunks


def limit_for(path: str) -> int:
    """The largest body accepted on ``path``."""
    return MAX_BLOB_CHUNK_BYTES + _SLACK if path.startswith(_BLOB_PREFIX) else MAX_REQUEST_BYTES


class BodySizeLimit:
    """ASGI middleware enforcing :func:`limit_for` on every HTTP request."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope["path"])
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = True
            if too_large:
                await _refuse(send, limit)
                return
        seen = 0
        exceeded = False
        refused = False

        async def counting_receive() -> Any:
            nonlocal seen, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    # Pretend the client left: the app stops reading; we answer 413 instead.
                    exceeded = True
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Any) -> None:
            nonlocal refused
            if not exceeded:
                await send(message)
            elif not refused:
                refused = True
                await _refuse(send, limit)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not exceeded:
                raise
        if exceeded and not refused:
            await _refuse(send, limit)


async def _refuse(send: Any, limit: int) -> None:
    from reviewer_app.sync.protocol import ErrorBody

    body = ErrorBody(
        error="too_large",
        message=f"The request was refused because it is larger than {limit} bytes.",
    ).model_dump_json(exclude_none=True)
    data = body.encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(data)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": data})
