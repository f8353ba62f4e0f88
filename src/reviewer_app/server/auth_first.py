"""Authenticate a laptop's request before anything reads its body (issue 14, item 4).

FastAPI reads and parses a JSON body before it runs an endpoint's dependencies, so without this
a request with no token and a garbled body would get a 422 about its body, and a stranger could
make the server parse megabytes of JSON. This pure ASGI middleware checks the device token of
every request to the laptops' endpoints that carries a body (``POST``, ``PUT``, ``PATCH``) first:
no token, an unknown one or a revoked one is answered 401 with a reason, whatever the body. The
endpoint still authenticates inside its own transaction; this is the gate in front of it.
"""

from __future__ import annotations

from typing import Any

from reviewer_app.server.http_errors import ApiError, error_response

#: Paths of the endpoints a laptop calls with its device token.
DEVICE_PREFIXES = ("/handshake", "/reviews/", "/blobs/", "/school-categories/", "/schools/",
                   "/visits/", "/framework-library")  # fmt: skip
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


def needs_token_first(method: str, path: str) -> bool:
    """Whether a request must show its device token before its body is read."""
    return method in _BODY_METHODS and path.startswith(DEVICE_PREFIXES)


class AuthenticateFirst:
    """ASGI middleware: a 401 for a laptop request with a body and no valid device token."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not needs_token_first(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw = headers.get(b"authorization")
        authorization = raw.decode("latin-1") if raw is not None else None
        refusal = await _refusal(scope, authorization)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        response = error_response(
            refusal.status, refusal.code, refusal.message, headers=refusal.headers
        )
        await response(scope, receive, send)


async def _refusal(scope: Any, authorization: str | None) -> ApiError | None:
    from sqlmodel import Session
    from starlette.concurrency import run_in_threadpool

    from reviewer_app.server.enrolment import authenticate

    context = scope["app"].state.context

    def check() -> ApiError | None:
        with Session(context.engine) as session:
            try:
                authenticate(session, authorization)
            except ApiError as exc:
                return exc
            return None

    result: ApiError | None = await run_in_threadpool(check)
    return result
