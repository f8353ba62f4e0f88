"""Refused console requests become pages (never the sync API's JSON): a sign-in redirect for an
anonymous page view, otherwise a page that says what happened and what to do."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from reviewer_app.server.console.auth import ConsoleRefusal, NotSignedIn
from reviewer_app.server.console.web import redirect, render

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from starlette.responses import Response

_TITLES = {
    401: "Sign in to continue",
    403: "You cannot do that here",
    404: "Page not found",
    400: "That was not possible",
}


async def _on_refusal(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleRefusal)
    if isinstance(exc, NotSignedIn) and request.method in ("GET", "HEAD"):
        return redirect(f"/console/sign-in?next={quote(request.url.path)}")
    return render(
        request,
        "error.html",
        {
            "title": _TITLES.get(exc.status, "That was not possible"),
            "message": exc.message,
            "home_link": exc.status != 401,
        },
        status=exc.status,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(ConsoleRefusal, _on_refusal)
