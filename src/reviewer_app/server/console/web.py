"""Rendering console pages: templates, flash messages, redirects and the security headers.

Every console response is HTML from a Jinja2 template in ``templates/`` (autoescaped), carries
a strict Content-Security-Policy (scripts and styles only from ``/console/static``), and is
never cached: pages name people and may carry one-time secrets.
"""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from reviewer_app import __version__

if TYPE_CHECKING:
    from starlette.requests import Request

    from reviewer_app.server.console.auth import ConsoleUser

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def _date(value: date | datetime | None, style: str = "day") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        if style == "time":
            return f"{moment:%-d %b %Y, %H:%M} UTC"
        value = moment.date()
    if style == "long":
        return f"{value:%A %-d %B %Y}"
    return f"{value:%-d %b %Y}"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _date
    env.filters["long_day"] = lambda v: _date(v, "long")
    env.filters["moment"] = lambda v: _date(v, "time")
    env.filters["iso_day"] = lambda v: _date(date.fromisoformat(v)) if v else ""
    env.globals["version"] = __version__
    return env


templates = _environment()


class FlashMessages:
    """One-off confirmations shown on the page after a redirect, per browser session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: dict[str, list[str]] = {}

    def add(self, session_key: str, message: str) -> None:
        with self._lock:
            self._messages.setdefault(session_key, []).append(message)

    def take(self, session_key: str) -> list[str]:
        with self._lock:
            return self._messages.pop(session_key, [])


flashes = FlashMessages()


def secure_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers[name] = value
    return response


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: ConsoleUser | None = None,
    status: int = 200,
) -> Response:
    """A page from ``template`` with the layout's context (the user, navigation, flashes)."""
    from reviewer_app.server.console.navigation import navigation_for

    settings = request.app.state.console
    values: dict[str, Any] = {
        "request": request,
        "user": user,
        "nav": navigation_for(user, request.url.path) if user else [],
        "flashes": flashes.take(user.session_key) if user else [],
        "csrf_token": user.csrf_token if user else "",
        "demo": settings.demo,
        "path": request.url.path,
    }
    values.update(context or {})
    html = templates.get_template(template).render(values)
    return secure_headers(HTMLResponse(html, status_code=status))


def redirect(url: str, *, user: ConsoleUser | None = None, flash: str = "") -> Response:
    """303 to ``url`` (after a form), with a confirmation shown on the next page."""
    if flash and user is not None:
        flashes.add(user.session_key, flash)
    return secure_headers(RedirectResponse(url, status_code=303))
