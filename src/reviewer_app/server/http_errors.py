"""HTTP errors with a reason: every refusal is an :class:`~reviewer_app.sync.protocol.ErrorBody`.

Validation errors never echo the request's content back (it may be review content), only
where in the request the problem is and what was wrong.
"""

from __future__ import annotations

import logging
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

    async def on_api_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return error_response(exc.status, exc.code, exc.message, headers=exc.headers)

    async def on_validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        detail = _safe_detail(exc)
        first = detail[0] if detail else {"loc": [], "msg": "unreadable request"}
        where = ".".join(first["loc"]) or "request"
        return error_response(
            422,
            "invalid_request",
            f"The request was refused because {where} is not valid: {first['msg']}.",
            detail=detail,
        )

    async def on_http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "invalid_request", 413: "too_large"}.get(
            exc.status_code, "invalid_request"
        )
        headers = dict(exc.headers) if exc.headers else None
        return error_response(exc.status_code, code, str(exc.detail), headers=headers)

    async def on_unexpected(_request: Request, exc: Exception) -> Response:
        log.error("Unexpected server error", exc_info=exc)
        return error_response(
            500, "server_error", "The server failed to handle this request; try again later."
        )

    app.add_exception_handler(ApiError, on_api_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
