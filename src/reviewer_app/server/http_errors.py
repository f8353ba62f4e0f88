"""HTTP errors with a reason: every refusal is an :class:`~reviewer_app.sync.protocol.ErrorBody`.

Validation errors never echo the request's content back (it may be review content), only
where in the request the problem is and what was wrong.
"""

from __future__ import annotations

import logging
import traceback
from typing import TYPE_CHECKING, Any

from reviewer_app.sync.protocol import ErrorBody, ErrorCode

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from fastapi.exceptions import RequestValidationError
    from starlette.responses import Response

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal the client can act on: HTTP status, machine code, and a sentence."""

    def __init__(
        self,
        status: int,
        code: ErrorCode,
        message: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    detail: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error response in the one shape clients expect."""
    from starlette.responses import JSONResponse

    body = ErrorBody(error=code, message=message, detail=detail)
    return JSONResponse(
        body.model_dump(mode="json", exclude_none=True), status_code=status, headers=headers
    )


def _safe_detail(exc: RequestValidationError) -> list[dict[str, Any]]:
    detail = []
    for error in exc.errors():
        location = [str(part) for part in error.get("loc", ())]
        detail.append({"loc": location, "msg": str(error.get("msg", "")), "type": error["type"]})
    return detail[:20]


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into an :class:`ErrorBody`."""
    from fastapi.exceptions import RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException
    from starlette.requests import ClientDisconnect

    async def on_api_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers)

    async def on_validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail = _safe_detail(exc)
        first = detail[0] if detail else {"loc": [], "msg": "unreadable request"}
        where = ".".join(first["loc"]) or "request"
        if first.get("type") == "extra_forbidden":
            # The server is a strict reader (sync.protocol): most often a laptop newer than
            # its server, so the sentence says so rather than "Extra inputs are not permitted".
            message = (
                f"The request was refused because it carries {where}, which this server does "
                "not know; if the app is newer than the trust server, update the server."
            )
        else:
            message = f"The request was refused because {where} is not valid: {first['msg']}."
        return error_response(422, "invalid_request", message, detail=detail)

    async def on_http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "invalid_request", 413: "too_large"}.get(
            exc.status_code, "invalid_request"
        )
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, code, _sentence(str(exc.detail)), headers=headers)

    async def on_disconnect(request: Request, exc: Exception) -> Response:
        # The laptop went away (or its body was cut off) before the request arrived whole: an
        # ordinary event on a school's Wi-Fi, not a server fault. Nothing was applied.
        log.info(
            "Request %s %s ended before its body arrived whole (client disconnected)",
            request.method,
            request.url.path,
        )
        return error_response(
            400,
            "invalid_request",
            "The request ended before its body arrived whole; send it again.",
        )

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        # The exception's own text can quote the request's content (a review's notes), so the
        # log line names the exception's type and where it was raised, never its message.
        log_unexpected(request.method, request.url.path, exc)
        return error_response(
            500, "server_error", "The server failed to handle this request; try again later."
        )

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(ClientDisconnect, on_disconnect)
    app.add_exception_handler(Exception, on_unexpected)


#: Starlette's and FastAPI's own refusals, said as sentences a person can act on.
_SENTENCES = {
    "There was an error parsing the body": "The request body could not be read as JSON.",
    "Not Found": "There is no such address on the trust server.",
    "Method Not Allowed": "This address does not take that kind of request.",
}


def _sentence(detail: str) -> str:
    """``detail`` as a sentence (every refusal's ``message`` ends with a full stop)."""
    detail = _SENTENCES.get(detail, detail).strip() or "The request was refused."
    return detail if detail.endswith((".", "?", "!")) else f"{detail}."


def log_unexpected(method: str, path: str, exc: BaseException) -> None:
    """Log a server fault without the exception's text, which can quote the request's content
    (a review's notes): its type and where it was raised are enough to find it."""
    log.error(
        "Unexpected server error handling %s %s (%s); traceback:\n%s",
        method,
        path,
        type(exc).__name__,
        "".join(traceback.format_tb(exc.__traceback__)),
    )


class CatchAll:
    """ASGI middleware: a fault nothing else handled becomes a 500 ``ErrorBody``, logged by
    :func:`log_unexpected` and not raised further (Starlette would raise it on to the server,
    whose log line quotes the exception's text)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            log_unexpected(scope.get("method", ""), scope.get("path", ""), exc)
            if not started:
                response = error_response(
                    500,
                    "server_error",
                    "The server failed to handle this request; try again later.",
                )
                await response(scope, receive, send)
