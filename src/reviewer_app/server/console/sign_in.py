"""Signing in and out: password, second factor, setting up an authenticator, one-time links.

Half-way states (password given, code still to come) are sessions of their own stage that
open no page of the console; finishing the second factor replaces the session and its CSRF
token. Sign-in attempts are limited per client address and per email (a moving window), on top
of each account's lockout after five failures.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from starlette.responses import Response

from reviewer_app.domain.errors import ReviewerError
from reviewer_app.server import models
from reviewer_app.server.console.auth import (
    FormDep,
    cookie_name,
    is_https,
    is_loopback,
    session_token,
    text,
)
from reviewer_app.server.console.qr import qr_data_uri
from reviewer_app.server.console.web import redirect, render, secure_headers
from reviewer_app.server.database import write_session
from reviewer_app.server.rate_limit import RateLimit
from reviewer_app.server.request_context import context_of
from reviewer_app.server.staff_accounts import (
    Stage,
    begin_factor_enrolment,
    check_second_factor,
    confirm_factor,
    csrf_matches,
    end_session,
    person_of_link,
    promote,
    provisioning_uri,
    session_for,
    set_password_with_link,
    sign_in,
    start_session,
    totp_now,
)

if TYPE_CHECKING:
    from sqlmodel import Session

router = APIRouter()

#: Sign-in attempts from one address, and for one email, in ten minutes.
ATTEMPTS_PER_ADDRESS = 20
ATTEMPTS_PER_EMAIL = 10
WINDOW_SECONDS = 600

_DONE = {
    "signed-out": "You have signed out.",
    "password-set": "Your password is set. Sign in with it now.",
    "expired": "Your session ended after a while without activity. Sign in again.",
}


def _limits(request: Request) -> tuple[RateLimit, RateLimit]:
    state = request.app.state
    if not hasattr(state, "sign_in_limits"):
        state.sign_in_limits = (
            RateLimit("console-sign-in-address", ATTEMPTS_PER_ADDRESS, WINDOW_SECONDS),
            RateLimit("console-sign-in-email", ATTEMPTS_PER_EMAIL, WINDOW_SECONDS),
        )
    limits: tuple[RateLimit, RateLimit] = state.sign_in_limits
    return limits


def _set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name, value, httponly=True, samesite="strict", secure=is_https(request), path="/"
    )


def _safe_next(value: str) -> str:
    """Only a path inside the console (no open redirect to another site)."""
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/console"):
        return "/console"
    return value


def _sign_in_form(
    request: Request, *, error: str = "", email: str = "", status: int = 200, notice: str = ""
) -> Response:
    token = secrets.token_urlsafe(32)
    settings = request.app.state.console
    response = render(
        request,
        "sign_in/sign_in.html",
        {
            "error": error,
            "email": email,
            "notice": notice,
            "sign_in_csrf": token,
            "next": _safe_next(request.query_params.get("next", "/console")),
            "demo_accounts": settings.demo_accounts,
            "insecure": not is_https(request) and not is_loopback(request),
        },
        status=status,
    )
    _set_cookie(request, response, cookie_name(request, sign_in=True), token)
    return response


@router.get("/console/sign-in")
def sign_in_page(request: Request) -> Response:
    notice = _DONE.get(request.query_params.get("done", ""), "")
    return _sign_in_form(request, notice=notice)


def _anonymous_csrf_ok(request: Request, form: FormDep) -> bool:
    cookie = request.cookies.get(cookie_name(request, sign_in=True))
    sent = form.get("csrf_token")
    if not cookie or not isinstance(sent, str):
        return False
    return secrets.compare_digest(cookie.encode(), sent.encode())


@router.post("/console/sign-in")
def sign_in_post(request: Request, form: FormDep) -> Response:
    email = text(form, "email")
    password = form.get("password")
    password = password if isinstance(password, str) else ""
    if not _anonymous_csrf_ok(request, form):
        return _sign_in_form(
            request,
            email=email,
            status=403,
            error="The sign-in form had expired. Enter your email and password again.",
        )
    if not is_https(request) and not is_loopback(request):
        return _sign_in_form(
            request,
            email=email,
            status=403,
            error="The console signs in only over HTTPS. Use the https:// address of the "
            "trust server, or ask your IT team to set it up.",
        )
    by_address, by_email = _limits(request)
    address = request.client.host if request.client else "unknown"
    for verdict in (by_address.hit(address), by_email.hit(email.lower())):
        if not verdict.allowed:
            minutes = max(1, (verdict.retry_after + 59) // 60)
            return _sign_in_form(
                request,
                email=email,
                status=429,
                error=f"Too many sign-in attempts. Wait {minutes} minute"
                f"{'s' if minutes != 1 else ''}, then try again.",
            )
    if not email or not password:
        return _sign_in_form(
            request, email=email, status=400, error="Enter your email address and password."
        )
    with write_session(context_of(request).engine) as session:
        outcome = sign_in(session, email, password)
        if outcome.person is None or outcome.stage is None:
            refusal = outcome.refusal
            person = None
        else:
            person = outcome.person
            token = start_session(session, person, outcome.stage)
    if person is None:
        return _sign_in_form(request, email=email, status=400, error=refusal)
    target = {
        Stage.SIGNED_IN: _safe_next(text(form, "next") or "/console"),
        Stage.SECOND_FACTOR: "/console/sign-in/code",
        Stage.ENROL_FACTOR: "/console/sign-in/authenticator",
    }[outcome.stage]  # type: ignore[index]
    response = redirect(target)
    _set_cookie(request, response, cookie_name(request), token)
    response.delete_cookie(cookie_name(request, sign_in=True), path="/")
    return response


def _pending(
    session: Session, request: Request, stage: Stage
) -> tuple[models.ConsoleSession, models.Person] | None:
    row = session_for(session, session_token(request))
    if row is None or row.stage != stage.value:
        return None
    person = session.get(models.Person, row.person_id)
    if person is None or not person.active:
        return None
    return row, person


def _start_again() -> Response:
    return redirect("/console/sign-in?done=expired")


def _demo_code(request: Request, person: models.Person) -> str:
    for account in request.app.state.console.demo_accounts:
        if account.email == person.email and account.totp_secret:
            return totp_now(account.totp_secret)
    return ""


@router.get("/console/sign-in/code")
def second_factor_page(request: Request) -> Response:
    with write_session(context_of(request).engine) as session:
        pending = _pending(session, request, Stage.SECOND_FACTOR)
        if pending is None:
            return _start_again()
        row, person = pending
        return render(
            request,
            "sign_in/second_factor.html",
            {"pending_csrf": row.csrf_token, "demo_code": _demo_code(request, person)},
        )


@router.post("/console/sign-in/code")
def second_factor_post(request: Request, form: FormDep) -> Response:
    with write_session(context_of(request).engine) as session:
        pending = _pending(session, request, Stage.SECOND_FACTOR)
        if pending is None:
            return _start_again()
        row, person = pending
        sent = form.get("csrf_token")
        if not csrf_matches(row, sent if isinstance(sent, str) else None):
            return _start_again()
        outcome = check_second_factor(session, person, text(form, "code"))
        if outcome.person is None:
            error, token = outcome.refusal, ""
        else:
            error, token = "", promote(session, row, person)
        csrf = row.csrf_token
    if error:
        return render(
            request,
            "sign_in/second_factor.html",
            {"pending_csrf": csrf, "error": error, "demo_code": _demo_code(request, person)},
            status=400,
        )
    response = redirect("/console")
    _set_cookie(request, response, cookie_name(request), token)
    return response


@router.get("/console/sign-in/authenticator")
def authenticator_page(request: Request) -> Response:
    with write_session(context_of(request).engine) as session:
        pending = _pending(session, request, Stage.ENROL_FACTOR)
        if pending is None:
            return _start_again()
        row, person = pending
        return _authenticator_form(request, session, row, person)


def _authenticator_form(
    request: Request,
    session: Session,
    row: models.ConsoleSession,
    person: models.Person,
    error: str = "",
) -> Response:
    secret = begin_factor_enrolment(session, row)
    trust = session.get(models.Trust, person.trust_id)
    uri = provisioning_uri(secret, person, trust.name if trust else "")
    return render(
        request,
        "sign_in/authenticator.html",
        {
            "pending_csrf": row.csrf_token,
            "qr": qr_data_uri(uri),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "error": error,
            "person": person,
        },
        status=400 if error else 200,
    )


@router.post("/console/sign-in/authenticator")
def authenticator_post(request: Request, form: FormDep) -> Response:
    with write_session(context_of(request).engine) as session:
        pending = _pending(session, request, Stage.ENROL_FACTOR)
        if pending is None:
            return _start_again()
        row, person = pending
        sent = form.get("csrf_token")
        if not csrf_matches(row, sent if isinstance(sent, str) else None):
            return _start_again()
        codes = confirm_factor(session, row, person, text(form, "code"))
        if codes is None:
            return _authenticator_form(
                request,
                session,
                row,
                person,
                error="That code is not right. Enter the six-digit code the app shows now.",
            )
        token = promote(session, row, person)
    response = render(request, "sign_in/recovery_codes.html", {"codes": codes})
    _set_cookie(request, response, cookie_name(request), token)
    return response


@router.post("/console/sign-out")
def sign_out(request: Request, form: FormDep) -> Response:
    with write_session(context_of(request).engine) as session:
        row = session_for(session, session_token(request))
        sent = form.get("csrf_token")
        if row is not None and csrf_matches(row, sent if isinstance(sent, str) else None):
            end_session(session, session_token(request))
    response = redirect("/console/sign-in?done=signed-out")
    response.delete_cookie(cookie_name(request), path="/")
    return response


@router.get("/console/set-password/{token}")
def set_password_page(request: Request, token: str) -> Response:
    with write_session(context_of(request).engine) as session:
        person = person_of_link(session, token)
        name = person.name if person else ""
    if person is None:
        return render(request, "sign_in/link_used.html", status=404)
    csrf = secrets.token_urlsafe(32)
    response = render(
        request, "sign_in/set_password.html", {"name": name, "sign_in_csrf": csrf, "error": ""}
    )
    _set_cookie(request, response, cookie_name(request, sign_in=True), csrf)
    return response


@router.post("/console/set-password/{token}")
def set_password_post(request: Request, token: str, form: FormDep) -> Response:
    if not _anonymous_csrf_ok(request, form):
        return redirect(str(request.url.path))
    password = form.get("password")
    confirmation = form.get("confirmation")
    try:
        with write_session(context_of(request).engine) as session:
            set_password_with_link(
                session,
                token,
                password if isinstance(password, str) else "",
                confirmation if isinstance(confirmation, str) else "",
            )
    except ReviewerError as exc:
        with write_session(context_of(request).engine) as session:
            person = person_of_link(session, token)
        if person is None:
            return render(request, "sign_in/link_used.html", status=404)
        csrf = secrets.token_urlsafe(32)
        response = render(
            request,
            "sign_in/set_password.html",
            {"name": person.name, "sign_in_csrf": csrf, "error": str(exc)},
            status=400,
        )
        _set_cookie(request, response, cookie_name(request, sign_in=True), csrf)
        return response
    response = redirect("/console/sign-in?done=password-set")
    response.delete_cookie(cookie_name(request, sign_in=True), path="/")
    return secure_headers(response)
